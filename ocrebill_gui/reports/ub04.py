"""The UB-04 (CMS-1450) institutional claim for hospital-outpatient visits: data only, Courier
12 on the 10 cpi / 6 lpi grid, 22 service lines a page and line 23 the 0001 total.

Form locators printed: FL 1 (billing provider), 3a (account = visit id), 4 type of bill (0131,
0137 replacement, 0138 void), 5 tax id, 6 statement period, 8b/9/10/11 patient, 42 revenue
code (from data/revenue-codes.json through the submission), 43 description or NDC, 44 HCPCS and
modifiers, 45 date, 46 units, 47 charges, the 0001 total line with PAGE n OF m, 50/51 payer,
56 NPI, 58-62 insured, 63 prior authorization, 64 original claim number, 66 `0` (ICD-10), 67
principal diagnosis and A-Q others, 76 attending and 78 ordering/referring.

The shared facts measured no UB-04 grid (only the CMS-1500's): these positions follow the form's
layout on the same grid and must be checked with the calibration page on a real form before a
run of claims is printed.
"""

from __future__ import annotations

from datetime import date

from reportlab.pdfgen.canvas import Canvas

from ocrebill_gui.core.claim_submission import (
    RELATIONSHIP_CODES,
    ClaimSubmission,
    Provider,
    SubmissionLine,
)
from ocrebill_gui.reports.form_grid import (
    BoxSpec,
    FormPage,
    FormWriter,
    Placement,
    box,
    calibration_pdf,
    draw_boxes,
    draw_pages,
    line_top,
    money_grid,
    x_of,
)

LINES_PER_PAGE = 22
FIRST_SERVICE_LINE = 23  # grid line of service line 1; the total is on 23 + 22 = 45
TOTAL_LINE = FIRST_SERVICE_LINE + LINES_PER_PAGE
DEFAULT_TOP = 20.0
DEFAULT_LEFT = 20.0
OTHER_DIAGNOSIS_COLUMNS = (11, 20, 29, 38, 47, 56, 65, 74)  # FL 67 A-H (I-Q on the next line)
LETTERS = "ABCDEFGHIJKLMNOPQ"


def mmddyy(day: date) -> str:
    return day.strftime("%m%d%y")


def ub04_pages(submission: ClaimSubmission, *, created: date) -> list[FormPage]:
    """One page per 22 lines; every page carries the heading, the last the 0001 total."""
    lines = submission.claim.lines
    chunks = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = FormWriter()
        _heading(page, submission)
        for n, line in enumerate(chunk):
            _service(page, FIRST_SERVICE_LINE + n, line)
        page.put(TOTAL_LINE, 1, "0001", "42.total")
        page.put(TOTAL_LINE, 9, f"PAGE {number} OF {len(chunks)}", "43.page")
        page.put(TOTAL_LINE, 45, mmddyy(created), "45.creation_date")
        if number == len(chunks):
            page.right(TOTAL_LINE, 60, 10, money_grid(submission.claim.total_charge, 10),
                       "47.total")
        _lower(page, submission)
        pages.append(page.placements)
    return pages


def _heading(page: FormWriter, submission: ClaimSubmission) -> None:
    billing = submission.billing
    claim = submission.claim
    page.put(1, 1, billing.display_name, "1.name", 25)
    if billing.address is not None:
        page.put(2, 1, " ".join(billing.address.lines), "1.street", 25)
        page.put(3, 1, f"{billing.address.city} {billing.address.state} "
                       f"{billing.address.postal_code}", "1.city", 25)
    page.put(1, 59, claim.account_number, "3a", 18)
    page.put(2, 77, claim.type_of_bill, "4")
    tax_id = billing.tax_id.replace("-", "")
    page.put(4, 51, f"{tax_id[:2]}-{tax_id[2:]}" if len(tax_id) == 9 else tax_id, "5", 10)
    page.put(4, 62, mmddyy(claim.date_of_service), "6.from")
    page.put(4, 69, mmddyy(claim.date_of_service), "6.through")
    patient = submission.patient_person
    page.put(6, 1, patient.display_name, "8b", 29)
    if patient.address is not None:
        page.put(5, 42, " ".join(patient.address.lines), "9a", 38)
        page.put(6, 32, patient.address.city, "9b", 35)
        page.put(6, 68, patient.address.state, "9c")
        page.put(6, 71, patient.address.postal_code, "9d", 9)
    if patient.birth_date is not None:
        page.put(8, 1, patient.birth_date.strftime("%m%d%Y"), "10")
    page.put(8, 11, patient.sex, "11")


def _service(page: FormWriter, line_number: int, line: SubmissionLine) -> None:
    page.put(line_number, 1, line.revenue_code, "42")
    if line.ndc:
        page.put(line_number, 6, line.ndc_entry, "43", 24, spaced=True)
    else:
        page.put(line_number, 6, line.description, "43", 24)
    page.put(line_number, 31, " ".join([line.code, *line.modifiers]), "44", 14)
    page.put(line_number, 45, mmddyy(line.service_date), "45")
    page.right(line_number, 52, 7, str(line.units), "46")
    page.right(line_number, 60, 10, money_grid(line.charge, 10), "47")


def _lower(page: FormWriter, submission: ClaimSubmission) -> None:
    payer = submission.payer
    claim = submission.claim
    page.put(47, 1, payer.name, "50", 23)
    page.put(47, 25, payer.payer_id, "51", 15)
    page.put(47, 42, "Y", "52")
    page.put(47, 45, "Y", "53")
    page.put(47, 66, submission.billing.npi, "56")
    subscriber = submission.subscriber
    page.put(51, 1, subscriber.display_name, "58", 25)
    page.put(51, 27, RELATIONSHIP_CODES[subscriber.relationship], "59")
    page.put(51, 30, subscriber.member_id, "60", 20)
    page.put(51, 51, subscriber.group_name, "61", 14)
    page.put(51, 66, subscriber.group_number, "62", 15)
    page.put(54, 1, claim.prior_authorization, "63", 29)
    if claim.frequency in ("7", "8"):
        page.put(54, 31, claim.original_claim_number, "64", 25)
    page.put(56, 1, "0", "66")
    principal, *others = claim.diagnoses
    page.put(56, 2, principal, "67", 8)
    for index, code in enumerate(others[:16]):
        line = 56 + index // len(OTHER_DIAGNOSIS_COLUMNS)
        column = OTHER_DIAGNOSIS_COLUMNS[index % len(OTHER_DIAGNOSIS_COLUMNS)]
        page.put(line, column, code, f"67{LETTERS[index]}", 8)
    _physician(page, 59, submission.rendering, "76")
    _physician(page, 63, submission.referring, "78")
    if submission.referring is not None:
        page.put(63, 50, submission.referring.qualifier, "78.qualifier")


def _physician(page: FormWriter, line: int, who: Provider | None, field: str) -> None:
    if who is None:
        return
    page.put(line, 56, who.npi, f"{field}.npi")
    page.put(line + 1, 56, who.name, f"{field}.last", 14)
    page.put(line + 1, 71, who.first_name, f"{field}.first", 10)


def ub04_pdf(submission: ClaimSubmission, *, created: date, top: float = DEFAULT_TOP,
             left: float = DEFAULT_LEFT, background: bool = False) -> bytes:
    return draw_pages(ub04_pages(submission, created=created), title="UB-04 claim", top=top,
                      left=left, background=draw_outline if background else None)


def ub04_calibration_pdf(*, top: float = DEFAULT_TOP, left: float = DEFAULT_LEFT) -> bytes:
    marks = [Placement(2, 77, "X", "4"), Placement(FIRST_SERVICE_LINE, 1, "X", "42 line 1"),
             Placement(TOTAL_LINE, 60, "X", "47 total"), Placement(47, 66, "X", "56"),
             Placement(56, 2, "X", "67")]
    return calibration_pdf("UB-04", marks, top=top, left=left)


_BOXES: list[BoxSpec] = [
    (1, 1, 4, 26, "1"), (1, 27, 4, 51, "2"), (1, 52, 1, 76, "3a PAT. CNTL #"),
    (2, 52, 2, 76, "b. MED. REC. #"), (1, 77, 2, 81, "4 TYPE OF BILL"),
    (3, 51, 4, 60, "5 FED. TAX NO."), (3, 61, 4, 74, "6 STATEMENT COVERS PERIOD"),
    (5, 1, 6, 30, "8 PATIENT NAME"), (5, 31, 6, 81, "9 PATIENT ADDRESS"),
    (7, 1, 8, 10, "10 BIRTHDATE"), (7, 11, 8, 12, "11 SEX"),
    (22, 1, 22, 5, "42 REV. CD."), (22, 6, 22, 30, "43 DESCRIPTION"),
    (22, 31, 22, 44, "44 HCPCS / RATE"), (22, 45, 22, 51, "45 SERV. DATE"),
    (22, 52, 22, 59, "46 SERV. UNITS"), (22, 60, 22, 70, "47 TOTAL CHARGES"),
    (22, 71, 22, 81, "48 NON-COVERED"),
    (46, 1, 49, 24, "50 PAYER NAME"), (46, 25, 49, 41, "51 HEALTH PLAN ID"),
    (46, 42, 49, 44, "52"), (46, 45, 49, 47, "53"), (46, 65, 47, 81, "56 NPI"),
    (50, 1, 52, 26, "58 INSURED'S NAME"), (50, 27, 52, 29, "59"),
    (50, 30, 52, 50, "60 INSURED'S UNIQUE ID"), (50, 51, 52, 65, "61 GROUP NAME"),
    (50, 66, 52, 81, "62 INSURANCE GROUP NO."),
    (53, 1, 55, 30, "63 TREATMENT AUTHORIZATION CODES"),
    (53, 31, 55, 56, "64 DOCUMENT CONTROL NUMBER"), (53, 57, 55, 81, "65 EMPLOYER NAME"),
    (55, 1, 57, 81, "66 DX / 67"),
    (58, 55, 60, 81, "76 ATTENDING  NPI"), (62, 55, 64, 81, "78 OTHER  NPI"),
    (58, 1, 64, 54, "80 REMARKS"),
]


def draw_outline(canvas: Canvas, top: float, left: float) -> None:
    """Our own outline of the form locators, service lines shaded every other line."""
    draw_boxes(canvas, top, left, _BOXES, columns=81,
               shaded_lines=range(FIRST_SERVICE_LINE, TOTAL_LINE + 1, 2))
    box(canvas, top, left, FIRST_SERVICE_LINE, 1, TOTAL_LINE, 81)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(x_of(1, left), line_top(11, top) - 9,
                      "UB-04 (CMS-1450) - PREVIEW ON PLAIN PAPER, NOT A CLAIM FORM")

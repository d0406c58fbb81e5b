"""The CMS-1500 (02/12) professional claim: data only, Courier 12 on the form's 10 cpi / 6 lpi
grid, for the red pre-printed forms (a plain-paper print is a preview only: `background=True`
adds our own outline of the boxes under the data).

Positions: the measured ones of the shared facts (claims-money-security.md section 2: box 17,
21, 22, 23, 24 and 32/33) are used as measured; the other boxes (payer block, 1-13, 25-28, 31)
are placed on the same grid from the form's layout and need the calibration page on a real form
like the rest. More than six lines or twelve diagnoses continue on further forms, the total on
the last one.

    pages = cms1500_pages(submission)            # [[Placement, ...], ...] one list per form
    data = cms1500_pdf(submission, top=20, left=24, background=False)
    data = cms1500_calibration_pdf(top=20, left=24)
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from ocrebill_gui.core.claim_submission import (
    MAX_DIAGNOSES,
    Address,
    ClaimSubmission,
    SubmissionLine,
)
from ocrebill_gui.reports.form_grid import (
    COLUMN,
    LINE,
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

LINES_PER_FORM = 6
# Where line 1 / column 1 start on the page, in points from the top and left edges: the
# margins OpenEMR's measured grid was printed with (its CMS-1500 defaults: top 20, left 24).
# A printer's own drift is calibrated by changing these per printer (practice settings).
DEFAULT_TOP = 20.0
DEFAULT_LEFT = 24.0
DIAGNOSIS_COLUMNS = (3, 16, 29, 42)  # A-D on line 38, E-H on 39, I-L on 40
FILING_COLUMN = {"MB": 1, "MC": 8, "CH": 15, "VA": 24, "CI": 31, "HM": 31, "BL": 31, "12": 31,
                 "16": 31, "WC": 45, "ZZ": 45}  # box 1: Medicare .. Group health plan .. Other
RELATIONSHIP_COLUMN = {"self": 33, "spouse": 38, "child": 42, "other": 47}  # box 6
LETTERS = "ABCDEFGHIJKL"


def shaded_line(n: int) -> int:
    """The shaded (supplemental) row of service line n (1-6): NDC and its quantity."""
    return 41 + 2 * n


def service_line(n: int) -> int:
    return 42 + 2 * n


def _mm_dd_yy(day, long_year: bool = False) -> tuple[str, str, str]:
    return day.strftime("%m"), day.strftime("%d"), day.strftime("%Y" if long_year else "%y")


def form_chunks(submission: ClaimSubmission) -> list[tuple[list[str], list[SubmissionLine],
                                                             int]]:
    """The forms of a claim: (diagnoses on it, its lines, index of its first diagnosis). Lines
    go with the set of twelve diagnoses their first pointer is in, six lines a form."""
    claim = submission.claim
    sets = [claim.diagnoses[i:i + MAX_DIAGNOSES]
            for i in range(0, len(claim.diagnoses), MAX_DIAGNOSES)]
    forms: list[tuple[list[str], list[SubmissionLine], int]] = []
    for index, codes in enumerate(sets):
        lines = [line for line in claim.lines
                 if (line.diagnosis_pointers[0] - 1) // MAX_DIAGNOSES == index] \
            if len(sets) > 1 else list(claim.lines)
        if not lines and index > 0:
            continue
        for start in range(0, max(len(lines), 1), LINES_PER_FORM):
            forms.append((codes, lines[start:start + LINES_PER_FORM], index * MAX_DIAGNOSES))
    return forms


def cms1500_pages(submission: ClaimSubmission) -> list[FormPage]:
    forms = form_chunks(submission)
    pages = []
    for number, (codes, lines, first) in enumerate(forms, start=1):
        page = FormWriter()
        _header(page, submission)
        _diagnoses_and_references(page, submission, codes)
        for n, line in enumerate(lines, start=1):
            _service(page, submission, n, line, first)
        last = number == len(forms)
        _footer(page, submission, last)
        pages.append(page.placements)
    return pages


def _address(page: FormWriter, where: Address | None, lines: tuple[int, int, int], column: int,
             field: str, state_column: int, width: int = 28) -> None:
    if where is None:
        return
    street, city, postal = lines
    page.put(street, column, " ".join(where.lines), f"{field}.street", width)
    page.put(city, column, where.city, f"{field}.city", state_column - column - 1)
    page.put(city, state_column, where.state, f"{field}.state")
    page.put(postal, column, where.postal_code, f"{field}.zip", 12)


def _header(page: FormWriter, submission: ClaimSubmission) -> None:
    payer = submission.payer
    page.put(2, 50, payer.name, "payer.name", 30)
    if payer.address is not None:
        page.put(3, 50, " ".join(payer.address.lines), "payer.street", 30)
        page.put(4, 50, f"{payer.address.city} {payer.address.state} "
                        f"{payer.address.postal_code}", "payer.city", 30)
    subscriber = submission.subscriber
    patient = submission.patient_person
    page.put(8, FILING_COLUMN[subscriber.claim_filing], "X", "1")
    page.put(8, 50, subscriber.member_id, "1a", 29)
    page.put(10, 1, patient.display_name.replace(" ,", ","), "2", 28)
    if patient.birth_date is not None:
        mm, dd, yyyy = _mm_dd_yy(patient.birth_date, long_year=True)
        page.put(10, 31, mm, "3.month")
        page.put(10, 34, dd, "3.day")
        page.put(10, 37, yyyy, "3.year")
    if patient.sex in ("M", "F"):
        page.put(10, 42 if patient.sex == "M" else 47, "X", "3.sex")
    page.put(10, 50, subscriber.display_name, "4", 29)
    _address(page, patient.address, (12, 14, 16), 1, "5", 26, width=28)
    page.put(12, RELATIONSHIP_COLUMN[subscriber.relationship], "X", "6")
    _address(page, subscriber.address, (12, 14, 16), 50, "7", 74, width=29)
    page.put(18, 50, subscriber.group_number or subscriber.group_name, "11", 29)
    if subscriber.birth_date is not None:
        mm, dd, yyyy = _mm_dd_yy(subscriber.birth_date, long_year=True)
        page.put(20, 53, mm, "11a.month")
        page.put(20, 56, dd, "11a.day")
        page.put(20, 59, yyyy, "11a.year")
    if subscriber.sex in ("M", "F"):
        page.put(20, 68 if subscriber.sex == "M" else 75, "X", "11a.sex")
    page.put(24, 50, submission.payer.name, "11c", 29)
    page.put(26, 57, "X", "11d.no")
    page.put(29, 6, "SIGNATURE ON FILE", "12")
    page.put(29, 56, "SIGNATURE ON FILE", "13")
    referring = submission.referring
    if referring is not None:
        page.put(34, 1, referring.qualifier, "17.qualifier")
        page.put(34, 4, referring.display_name, "17", 25)
        page.put(34, 33, referring.npi, "17b")


def _diagnoses_and_references(page: FormWriter, submission: ClaimSubmission,
                              codes: list[str]) -> None:
    claim = submission.claim
    page.put(37, 42, "0", "21.indicator")  # ICD-10-CM
    for index, code in enumerate(codes):
        line, column = 38 + index // 4, DIAGNOSIS_COLUMNS[index % 4]
        page.put(line, column, code, f"21.{LETTERS[index]}", 8)
    if claim.frequency in ("7", "8"):
        page.put(38, 50, claim.frequency, "22.code")
        page.put(38, 62, claim.original_claim_number, "22.original", 17)
    page.put(40, 50, claim.prior_authorization, "23", 29)


def _service(page: FormWriter, submission: ClaimSubmission, n: int, line: SubmissionLine,
             first_diagnosis: int) -> None:
    shaded, row = shaded_line(n), service_line(n)
    page.put(shaded, 1, line.ndc_entry, f"24.{n}.ndc", spaced=True)
    mm, dd, yy = _mm_dd_yy(line.service_date)
    for column, value, part in ((1, mm, "from.month"), (4, dd, "from.day"), (7, yy, "from.year"),
                                (10, mm, "to.month"), (13, dd, "to.day"), (16, yy, "to.year")):
        page.put(row, column, value, f"24A.{n}.{part}")
    page.put(row, 19, submission.claim.place_of_service, f"24B.{n}")
    page.put(row, 25, line.code, f"24D.{n}.code")
    for index, modifier in enumerate(line.modifiers[:4]):
        page.put(row, 33 + 3 * index, modifier, f"24D.{n}.modifier{index + 1}")
    pointers = "".join(LETTERS[p - 1 - first_diagnosis] for p in line.diagnosis_pointers
                       if 0 <= p - 1 - first_diagnosis < MAX_DIAGNOSES)
    page.put(row, 45, pointers[:4], f"24E.{n}")
    page.right(row, 50, 8, money_grid(line.charge), f"24F.{n}")
    page.right(row, 59, 3, str(line.units), f"24G.{n}")
    rendering = submission.rendering or submission.billing
    page.put(row, 68, rendering.npi, f"24J.{n}")


def _footer(page: FormWriter, submission: ClaimSubmission, last: bool) -> None:
    billing = submission.billing
    claim = submission.claim
    page.put(56, 1, billing.tax_id.replace("-", ""), "25", 15)
    page.put(56, 19, "X", "25.ein")
    page.put(56, 23, claim.account_number, "26", 14)
    page.put(56, 37, "X", "27.yes")
    if last:
        page.right(56, 52, 8, money_grid(claim.total_charge), "28")
    else:
        page.put(56, 52, "CONTINUED", "28")
    page.put(59, 1, "SIGNATURE ON FILE", "31")
    facility = submission.facility or billing
    for column, who, field in ((23, facility, "32"), (50, billing, "33")):
        page.put(58, column, who.display_name, field, 26 if column == 23 else 29)
        if who.address is not None:
            page.put(59, column, " ".join(who.address.lines), f"{field}.street",
                     26 if column == 23 else 29)
            page.put(60, column, f"{who.address.city} {who.address.state} "
                                 f"{who.address.postal_code}", f"{field}.city",
                     26 if column == 23 else 29)
        page.put(61, column, who.npi, f"{field}a")
    page.put(61, 1, claim.date_of_service.strftime("%m/%d/%y"), "31.date")


def cms1500_pdf(submission: ClaimSubmission, *, top: float = DEFAULT_TOP,
                left: float = DEFAULT_LEFT, background: bool = False) -> bytes:
    """The claim's forms; `top`/`left`: where the grid starts on this printer, in points."""
    return draw_pages(cms1500_pages(submission), title="CMS-1500 claim", top=top, left=left,
                      background=draw_outline if background else None)


def cms1500_calibration_pdf(*, top: float = DEFAULT_TOP, left: float = DEFAULT_LEFT) -> bytes:
    marks = [Placement(8, 50, "X", "1a"), Placement(10, 1, "X", "2"),
             Placement(37, 42, "X", "21"), Placement(38, 3, "X", "21A"),
             Placement(44, 1, "X", "24A line 1"), Placement(44, 68, "X", "24J"),
             Placement(54, 50, "X", "24F line 6"), Placement(61, 50, "X", "33a")]
    return calibration_pdf("CMS-1500 (02/12)", marks, top=top, left=left)


# Our own outline of the form's boxes, drawn from the grid (for a preview on plain paper).
# (first line, first column, last line, last column, label): the line above a box's data is
# its label row.
_BOXES: list[BoxSpec] = [
    (7, 1, 8, 49, "1 MEDICARE  MEDICAID  TRICARE  CHAMPVA  GROUP  FECA  OTHER"),
    (7, 50, 8, 79, "1a INSURED'S I.D. NUMBER"),
    (9, 1, 10, 29, "2 PATIENT'S NAME"), (9, 30, 10, 49, "3 BIRTH DATE / SEX"),
    (9, 50, 10, 79, "4 INSURED'S NAME"),
    (11, 1, 12, 29, "5 PATIENT'S ADDRESS"), (11, 30, 12, 49, "6 RELATIONSHIP"),
    (11, 50, 12, 79, "7 INSURED'S ADDRESS"),
    (13, 1, 14, 29, "CITY / STATE"), (13, 30, 16, 49, "8 RESERVED FOR NUCC USE"),
    (13, 50, 14, 79, "CITY / STATE"),
    (15, 1, 16, 29, "ZIP CODE / TELEPHONE"), (15, 50, 16, 79, "ZIP CODE / TELEPHONE"),
    (17, 1, 26, 29, "9 OTHER INSURED"), (17, 30, 26, 49, "10 CONDITION RELATED TO"),
    (17, 50, 18, 79, "11 INSURED'S GROUP OR FECA NUMBER"),
    (19, 50, 20, 79, "11a INSURED'S BIRTH DATE / SEX"), (21, 50, 22, 79, "11b OTHER CLAIM ID"),
    (23, 50, 24, 79, "11c PLAN NAME"), (25, 50, 26, 79, "11d ANOTHER PLAN?"),
    (27, 1, 29, 49, "12 PATIENT'S SIGNATURE / DATE"), (27, 50, 29, 79, "13 INSURED'S SIGNATURE"),
    (30, 1, 31, 29, "14 DATE OF CURRENT ILLNESS"), (30, 30, 31, 49, "15 OTHER DATE"),
    (30, 50, 31, 79, "16 UNABLE TO WORK"),
    (32, 1, 34, 31, "17 REFERRING / ORDERING PROVIDER"), (32, 32, 34, 49, "17b NPI"),
    (32, 50, 34, 79, "18 HOSPITALIZATION DATES"),
    (35, 1, 36, 49, "19 ADDITIONAL CLAIM INFORMATION"), (35, 50, 36, 79, "20 OUTSIDE LAB"),
    (37, 1, 40, 49, "21 DIAGNOSIS (ICD IND.)"), (37, 50, 38, 79, "22 RESUBMISSION / ORIG. REF."),
    (39, 50, 40, 79, "23 PRIOR AUTHORIZATION NUMBER"),
    (41, 1, 42, 18, "24A DATE(S) OF SERVICE"), (41, 19, 42, 21, "B POS"),
    (41, 22, 42, 24, "C"), (41, 25, 42, 44, "D PROCEDURES / MODIFIER"),
    (41, 45, 42, 49, "E PTR"), (41, 50, 42, 58, "F $ CHARGES"), (41, 59, 42, 62, "G UNITS"),
    (41, 63, 42, 67, "H/I"), (41, 68, 42, 79, "J RENDERING NPI"),
    (55, 1, 56, 21, "25 FEDERAL TAX I.D."), (55, 22, 56, 35, "26 PATIENT'S ACCOUNT NO."),
    (55, 36, 56, 49, "27 ACCEPT ASSIGNMENT?"), (55, 50, 56, 61, "28 TOTAL CHARGE"),
    (55, 62, 56, 70, "29 AMOUNT PAID"), (55, 71, 56, 79, "30 RSVD"),
    (57, 1, 61, 21, "31 SIGNATURE OF PHYSICIAN"), (57, 22, 61, 48, "32 SERVICE FACILITY"),
    (57, 49, 61, 79, "33 BILLING PROVIDER"),
]


def draw_outline(canvas: Canvas, top: float, left: float) -> None:
    """The form's boxes in red drop-out colour, the shaded rows of box 24, and a title."""
    draw_boxes(canvas, top, left, _BOXES, columns=79,
               shaded_lines=[shaded_line(n) for n in range(1, LINES_PER_FORM + 1)])
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(x_of(1, left), line_top(5, top) - 9, "HEALTH INSURANCE CLAIM FORM")
    canvas.setFont("Helvetica", 6)
    canvas.drawString(x_of(1, left), line_top(6, top) - 7,
                      "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12 - PREVIEW ON "
                      "PLAIN PAPER, NOT A CLAIM FORM")
    canvas.rect(x_of(50, left) - 1.5, line_top(5, top), 30 * COLUMN, 4 * LINE)
    canvas.setFont("Helvetica", 5)
    canvas.drawString(x_of(50, left), line_top(1, top) - 5, "CARRIER")
    for n in range(1, LINES_PER_FORM + 1):
        box(canvas, top, left, shaded_line(n), 1, service_line(n), 79)
        canvas.setFont("Helvetica", 5)
        canvas.drawString(x_of(80, left), line_top(service_line(n), top) - 4, str(n))
    canvas.setFillColor(colors.black)

"""The superbill: practice header, patient and coverage, diagnoses with pointers, the claim lines
with modifiers, units, NDC and charges (a finalized visit's as billed, frozen when it was
finalized; a draft's at the fees in force: core/charges.py), the administrations that justify
them, the findings still open, and signature lines.

Built from the same claim result the preview shows, so the paper says what the screen said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from reportlab.platypus import Flowable, KeepTogether, Table

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.charges import LineCharge, line_charges
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.diagnoses import NOT_BILLABLE_RULES, code_set_for
from ocrebill_gui.core.engine import resolve_payer
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.timeline import timeline_of, zone_of
from ocrebill_gui.core.visit import Administration, VisitDocument, format_ndc
from ocrebill_gui.reports.fonts import register_fonts
from ocrebill_gui.reports.layout import (
    AMBER,
    BOLD,
    CONTENT_WIDTH,
    INK,
    MUTED,
    RED,
    PageSetup,
    Style,
    TextBlock,
    build_pdf,
    gap,
    grid,
    heading,
    money,
    signature_block,
    us_date,
    visit_block,
    wrap,
)

POINTER_LETTERS = "ABCDEFGHIJKL"  # CMS-1500 box 21 names diagnoses A-L
ROUTE_TEXT = {"iv_infusion": "IV infusion", "iv_push": "IV push", "subcutaneous": "SC injection",
              "intramuscular": "IM injection", "oral": "oral"}
SEVERITY_TEXT = {"error": "ERROR", "warning": "WARNING"}


class MissingForPrint(ValueError):
    """The visit lacks something a printed document needs (e.g. the patient)."""


def superbill_pdf(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings, *,
                  catalog: Catalog | None = None, printed_at: datetime | None = None,
                  draft: bool = False, accepted: tuple[str, str] | None = None,
                  charges: Sequence[LineCharge] | None = None) -> bytes:
    """The superbill as PDF bytes. A fixed `printed_at` also makes the output reproducible;
    `accepted` (reason, who) says why the errors below went out as they are; `charges` are
    the claim lines' (store/billed_charges.py), else the practice settings' fee list's."""
    if document.patient is None or not document.patient.name:
        raise MissingForPrint("patient: a superbill needs the patient's name")
    register_fonts()
    catalog = catalog or default_catalog()
    payer = resolve_payer(document, catalog)
    story: list[Flowable] = [visit_block(document, payer)]
    story += [*heading("Diagnoses"), _diagnoses(document, claim, catalog)]
    if charges is None:
        charges = line_charges(claim, setting=document.setting, day=document.date_of_service,
                               fees=None, practice=practice)
    story += [*heading("Services"), _services(claim, charges, catalog,
                                              document.setting == "hospital_outpatient")]
    story += [*heading("Administrations"), _administrations(document, catalog)]
    story += [*heading("Open findings"), *accepted_note(claim, accepted), _findings(claim)]
    story += [gap(8), KeepTogether(signature_block("Rendering provider signature",
                                                    "Prepared by (biller)"))]
    setup = PageSetup("Superbill", practice, _patient_line(document),
                      printed_at or datetime.now(), reproducible=printed_at is not None,
                      draft=draft)
    return build_pdf(setup, story)


def _patient_line(document: VisitDocument) -> str:
    name = document.patient.name if document.patient else ""
    return f"{name}  -  date of service {us_date(document.date_of_service)}"


def _diagnoses(document: VisitDocument, claim: ClaimResult, catalog: Catalog) -> Table:
    """Pointer letter, code and description (from the ICD-10-CM year in force on the date of
    service: an imported one, else the shipped set); a code the engine rejected for this date
    of service (its error finding is about `diagnoses[i]`) is marked, as on screen."""
    code_set = code_set_for(catalog, document.date_of_service)
    descriptions = code_set.index.describe(list(document.diagnoses))
    rejected = {f.field for f in claim.findings if f.rule in NOT_BILLABLE_RULES and f.field}
    width = CONTENT_WIDTH * 0.8
    rows = [["Ptr", "ICD-10-CM", "Description"]]
    red_rows = []
    for i, code in enumerate(document.diagnoses):
        entry = descriptions[code]
        text = entry.description if entry else "not an ICD-10-CM code"
        if f"diagnoses[{i}]" in rejected:
            text += "  (not billable on this date: see the findings)"
            red_rows.append(i + 1)
        letter = POINTER_LETTERS[i] if i < len(POINTER_LETTERS) else str(i + 1)
        rows.append([letter, code, wrap(text, width - 8)])
    return grid(rows, [CONTENT_WIDTH * 0.06, CONTENT_WIDTH * 0.14, width],
                style=[("TEXTCOLOR", (0, r), (-1, r), RED) for r in red_rows])


# Services table columns: #, code, modifiers, description, dx pointers, units, NDC, fee, charge.
_SERVICE_WIDTHS = [0.03, 0.07, 0.055, 0.355, 0.04, 0.055, 0.2, 0.085, 0.11]


def _services(claim: ClaimResult, charges: Sequence[LineCharge], catalog: Catalog,
              institutional: bool) -> Table:
    """The lines; a hospital-outpatient visit's with their UB-04 revenue codes (from data)."""
    from ocrebill_gui.core.revenue_codes import default_revenue_codes, revenue_code_for

    widths = [CONTENT_WIDTH * w for w in _SERVICE_WIDTHS]
    rows = [["#", "Code", "Mod", "Description", "Dx", "Units", "NDC", "Fee/unit", "Charge"]]
    total = Decimal("0.00")
    unpriced = 0
    for number, (line, priced) in enumerate(zip(claim.lines, charges, strict=True), start=1):
        charge, fee = priced.charge, priced.fee
        if charge is None:
            unpriced += 1
        else:
            total += charge
        pointers = "".join(POINTER_LETTERS[p - 1] if 0 < p <= len(POINTER_LETTERS) else str(p)
                           for p in line.diagnosis_pointers)
        label = line.label
        if institutional:
            revenue = revenue_code_for(default_revenue_codes(), catalog, line.code,
                                       bool(line.ndc))
            label = f"Rev. {revenue}: {label}"
        rows.append([str(number), line.code, " ".join(line.modifiers),
                     wrap(label, widths[3] - 8), pointers, str(line.units),
                     wrap(line.ndc_entry, widths[6] - 8),
                     money(fee) if fee is not None else "-",
                     money(charge) if charge is not None else "no fee"])
    if not claim.lines:
        rows.append(["", "", "", "No billable lines", "", "", "", "", ""])
    note = f" ({unpriced} line{'s' if unpriced != 1 else ''} without a fee not included)" \
        if unpriced else ""
    rows.append(["", "", "", f"Total charges{note}", "", "", "", "", money(total)])
    last = len(rows) - 1
    return grid(rows, widths, style=[
        ("FONT", (1, 1), (1, last - 1), BOLD, 8),
        ("ALIGN", (4, 0), (5, -1), "RIGHT"),
        ("ALIGN", (7, 0), (8, -1), "RIGHT"),
        ("SPAN", (3, last), (7, last)),
        ("ALIGN", (3, last), (7, last), "RIGHT"),
        ("RIGHTPADDING", (3, last), (7, last), 10),
        ("FONT", (3, last), (-1, last), BOLD, 9),
        ("LINEABOVE", (0, last), (-1, last), 0.8, INK),
        ("LINEBELOW", (0, last), (-1, last), 0, INK),
        ("TOPPADDING", (0, last), (-1, last), 5),
    ])


def _administrations(document: VisitDocument, catalog: Catalog) -> Table:
    widths = [CONTENT_WIDTH * w for w in (0.25, 0.155, 0.115, 0.08, 0.4)]
    rows = [["Drug", "Route, dose", "Time", "Running", "Vials opened (NDC, lot, expiry)"]]
    for admin in document.administrations:
        product = catalog.products.get(admin.product)
        name = product.name if product else admin.product
        if admin.source != "purchased":
            name += f" ({admin.source.replace('_', ' ')}, not billed)"
        dose = f", {admin.dose_mg:g} mg" if admin.dose_mg is not None else ""
        time, running = _times(admin, zone_of(document))
        # Wrapped like the others: a long route and dose ran into the time beside it.
        rows.append([wrap(name, widths[0] - 8), wrap(ROUTE_TEXT[admin.route] + dose,
                                                     widths[1] - 8), time, running,
                     wrap(_vials(admin), widths[4] - 8)])
    return grid(rows, widths, style=[("ALIGN", (3, 0), (3, -1), "RIGHT")])


def _times(admin: Administration, zone: ZoneInfo | None) -> tuple[str, str]:
    timeline = timeline_of(admin, zone)
    if not timeline.usable:
        first = admin.events[0].at.strftime("%H:%M") if admin.events else ""
        return (f"{first}-?" if first else "?"), "no stop"
    if timeline.given_at is not None:
        return timeline.given_at.strftime("%H:%M"), ""
    assert timeline.first_time is not None and timeline.last_time is not None
    span = f"{timeline.first_time:%H:%M}-{timeline.last_time:%H:%M}"
    paused = f"\n({timeline.paused_minutes} paused)" if timeline.paused_minutes else ""
    return span, f"{timeline.running_minutes} min{paused}"


def _vials(admin: Administration) -> str:
    if not admin.vials:
        return "-"
    counts = Counter((v.ndc, v.lot or "?", us_date(v.expires) or "?") for v in admin.vials)
    parts = []
    for (ndc, lot, expires), n in counts.items():
        prefix = f"{n} x " if n > 1 else ""
        parts.append(f"{prefix}{format_ndc(ndc)} lot {lot} exp {expires}")
    return "; ".join(parts)


def accepted_note(claim: ClaimResult, accepted: tuple[str, str] | None) -> list[Flowable]:
    """'Finalized over 1 error by joe: the payer confirmed by phone...' above the findings."""
    errors = sum(1 for f in claim.findings if f.severity == "error")
    if accepted is None or not errors:
        return []
    reason, who = accepted
    return [TextBlock((f"Finalized over {errors} error{'s' if errors != 1 else ''}, accepted "
                       f"by {who}: {reason}", Style(BOLD, 8.5, AMBER))), gap(3)]


def _findings(claim: ClaimResult) -> Table:
    open_findings = [f for f in claim.findings if f.severity in SEVERITY_TEXT]
    width = CONTENT_WIDTH * 0.87
    if not open_findings:
        rows = [["None", "No errors or warnings."]]
    else:
        rows = [[SEVERITY_TEXT[f.severity], wrap(f.message, width - 8)] for f in open_findings]
    commands: list[tuple[Any, ...]] = [("FONT", (0, 0), (0, -1), BOLD, 7.5)]
    for row, finding in enumerate(open_findings):
        commands.append(("TEXTCOLOR", (0, row), (0, row),
                         RED if finding.severity == "error" else AMBER))
    if not open_findings:
        commands.append(("TEXTCOLOR", (0, 0), (-1, 0), MUTED))
    return grid(rows, [CONTENT_WIDTH * 0.13, width], header_rows=0, style=commands)

"""The billing checklist PDF: the corrected checklist evaluated for one visit (core.checklist),
each item ticked, crossed or flagged with its reason, the items only a person can confirm left
as empty boxes, and a signature line."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, KeepTogether, Table

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.checklist import Checklist, ChecklistItem, evaluate_checklist
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.engine import resolve_payer
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.reports.fonts import (
    BOX_CHECKED,
    BOX_CROSSED,
    BOX_EMPTY,
    WARNING_SIGN,
    register_fonts,
)
from ocrebill_gui.reports.layout import (
    AMBER,
    BOLD,
    CONTENT_WIDTH,
    GREEN,
    INK,
    RED,
    REGULAR,
    SMALL,
    STRONG,
    ZEBRA,
    PageSetup,
    Style,
    TextBlock,
    build_pdf,
    gap,
    grid,
    heading,
    signature_block,
    us_date,
    visit_block,
    wrap,
)

MARKS = {"done": (BOX_CHECKED, GREEN), "not_done": (BOX_CROSSED, RED),
         "attention": (WARNING_SIGN, AMBER), "manual": (BOX_EMPTY, INK)}


def checklist_pdf(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings, *,
                  catalog: Catalog | None = None, checklist: Checklist | None = None,
                  printed_at: datetime | None = None, draft: bool = False,
                  accepted: tuple[str, str] | None = None) -> bytes:
    """The billing checklist as PDF bytes (evaluated here unless `checklist` is given);
    `accepted` (reason, who): finalized over errors, and why."""
    register_fonts()
    catalog = catalog or default_catalog()
    checklist = checklist or evaluate_checklist(document, claim, catalog=catalog)
    story: list[Flowable] = [visit_block(document, resolve_payer(document, catalog), compact=True),
                             gap(6), _summary(checklist, accepted)]
    story += [*heading("Checked from the visit record"), _automatic(checklist)]
    story += [*heading("Confirm by hand"), _manual(checklist)]
    story += [gap(8), KeepTogether(signature_block("Checked by (biller)",
                                                    "Approved for submission"))]
    name = document.patient.name if document.patient and document.patient.name else "no patient"
    setup = PageSetup("Billing checklist", practice,
                      f"{name}  -  date of service {us_date(document.date_of_service)}",
                      printed_at or datetime.now(), reproducible=printed_at is not None,
                      draft=draft)
    return build_pdf(setup, story)


def _summary(checklist: Checklist, accepted: tuple[str, str] | None = None) -> Flowable:
    done, not_done, attention = (checklist.count(v) for v in ("done", "not_done", "attention"))
    counts = f"{done} done, {not_done} not done, {attention} need{'s' if attention == 1 else ''} " \
             "attention"
    if checklist.ready:
        verdict, color = "Ready once the boxes under 'Confirm by hand' are ticked.", GREEN
    elif not_done and accepted is not None:
        reason, who = accepted
        verdict, color = (f"Finalized with the items marked Not done, accepted by {who}: "
                          f"{reason}"), AMBER
    elif not_done:
        verdict, color = "Not ready: fix every item marked Not done before the claim goes out.", \
            RED
    else:
        verdict, color = "Review every item that needs attention before the claim goes out.", \
            AMBER
    return TextBlock((f"Automatic checks: {counts}.", STRONG), (verdict, Style(BOLD, 8.5, color)))


# Columns: mark, the check (title + the rule behind it), verdict, reason.
_WIDTHS = [0.035, 0.445, 0.09, 0.43]
ITEM = Style(size=7.8)
NOTE = Style(size=6.5, color=SMALL.color)


def _automatic(checklist: Checklist) -> Table:
    widths = [CONTENT_WIDTH * w for w in _WIDTHS]
    rows: list[list] = [["", "Check", "Result", "For this visit"]]
    for item in checklist.automatic:
        rows.append([MARKS[item.verdict][0], _check_cell(item),
                     wrap(item.verdict_text, widths[2] - 8, BOLD, 7.5),
                     TextBlock((item.reason, ITEM))])
    commands = [("FONT", (0, 1), (0, -1), REGULAR, 11), ("LEADING", (0, 1), (0, -1), 10),
                ("FONT", (2, 1), (2, -1), BOLD, 7.5), ("LEADING", (2, 1), (2, -1), 9)]
    for row, item in enumerate(checklist.automatic, start=1):
        color = MARKS[item.verdict][1]
        commands += [("TEXTCOLOR", (0, row), (0, row), color),
                     ("TEXTCOLOR", (2, row), (2, row), color)]
        if row % 2 == 0:
            commands.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
    return grid(rows, widths, style=commands)


def _check_cell(item: ChecklistItem) -> Flowable:
    note = f"Rule: {item.correction}" if item.correction else ""  # what to do, not who erred
    return TextBlock((item.title, ITEM), (note, NOTE))


def _manual(checklist: Checklist) -> Table:
    """The items only a person can confirm, two per row, each with a box and initials."""
    cells: list = []
    for item in checklist.manual:
        cells += [MARKS["manual"][0], TextBlock((item.title, ITEM), ("Initials ________", NOTE))]
    if len(cells) % 4:
        cells += ["", ""]
    rows = [cells[i:i + 4] for i in range(0, len(cells), 4)]
    unit = CONTENT_WIDTH / 100
    return grid(rows, [unit * 3.5, unit * 46.5, unit * 3.5, unit * 46.5], header_rows=0,
                style=[("FONT", (0, 0), (0, -1), REGULAR, 11),
                       ("FONT", (2, 0), (2, -1), REGULAR, 11),
                       ("LEADING", (0, 0), (-1, -1), 10)])

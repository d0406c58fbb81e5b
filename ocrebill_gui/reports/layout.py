"""The page both documents share: US Letter, the practice header on every page, the patient
line on continuation pages, a footer with 'Page N of M', and the small building blocks (visit
block, section headings, signature lines).

Table cells hold plain strings wrapped with `simpleSplit` and a light `TextBlock` flowable
instead of Paragraphs: markup parsing is what makes reportlab slow, and a superbill has to
render in a few milliseconds.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
)
from reportlab.platypus.tables import CellStyle

from ocrebill_gui.core.checklist import CLAIM_FORMS
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.visit import PayerProfile, VisitDocument
from ocrebill_gui.reports.fonts import BOLD, REGULAR, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 0.6 * 72
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADER_HEIGHT = 66  # practice block and title, from the top margin to the rule
CONTINUED_HEIGHT = 18  # the patient line on pages after the first
TOP = PAGE_HEIGHT - 0.45 * 72
FOOTER_Y = 0.5 * 72
BOTTOM = FOOTER_Y + 22

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B76")
RULE = colors.HexColor("#9AA5B1")
BAND = colors.HexColor("#E6EBF0")
ZEBRA = colors.HexColor("#F5F7F9")
GREEN = colors.HexColor("#1B7F3B")
RED = colors.HexColor("#B3261E")
AMBER = colors.HexColor("#A15C00")

POS_NAMES = {"11": "Office", "22": "On-campus outpatient hospital", "12": "Home"}


def us_date(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def wrap(text: str, width: float, font: str = REGULAR, size: float = 8) -> str:
    """Wrap text to a column width; Table cells draw the newlines as lines."""
    return "\n".join(simpleSplit(text, font, size, width)) if text else ""


@dataclass(frozen=True)
class Style:
    font: str = REGULAR
    size: float = 8.5
    color: Any = INK

    @property
    def leading(self) -> float:
        return self.size * 1.22


SMALL = Style(size=7, color=MUTED)
STRONG = Style(BOLD, 8.5)


class TextBlock(Flowable):
    """Lines of plain text in a few styles, wrapped to the available width."""

    def __init__(self, *runs: tuple[str, Style]):
        super().__init__()
        self.runs = [(text, style) for text, style in runs if text]
        self._lines: list[tuple[str, Style]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._lines = [(line, style) for text, style in self.runs
                       for line in simpleSplit(text, style.font, style.size, avail_width)]
        self.width = avail_width
        self.height = sum(style.leading for _, style in self._lines)
        return avail_width, self.height

    def draw(self) -> None:
        y = self.height
        for line, style in self._lines:
            y -= style.leading
            self.canv.setFont(style.font, style.size)
            self.canv.setFillColor(style.color)
            self.canv.drawString(0, y + style.leading - style.size, line)


def heading(text: str) -> list[Flowable]:
    """A section heading, moved to the next page with what follows when less than a few lines
    fit under it (keepWithNext would move a long table whole)."""
    block = TextBlock((text.upper(), Style(BOLD, 8.5, MUTED)))
    block.spaceBefore = 8
    block.spaceAfter = 3
    return [CondPageBreak(64), block]


class GridCell(CellStyle):
    """What every cell of a grid starts with. Given as each cell's style object, not as
    table-wide style commands, which reportlab applies cell by cell (a third of the time a
    superbill took)."""

    fontname = REGULAR
    fontsize: float = 8
    leading = 9.8
    color = INK
    valign = "TOP"
    leftPadding: float = 4
    rightPadding: float = 4
    topPadding = 2.5
    bottomPadding: float = 3


class FactCell(GridCell):
    """A cell of the label/value block at the top of both documents."""

    fontsize = 8.5
    leading = 10.4
    leftPadding = 0
    rightPadding = 6
    topPadding = 1.5
    bottomPadding = 1.5


def grid(rows: list[list], widths: list[float], *, header_rows: int = 1,
         style: Sequence[tuple] = (), cell: type[CellStyle] = GridCell,
         lines: bool = True) -> Table:
    """A table in the look both documents share: a tinted header row (repeated on a new page)
    and hairlines between rows."""
    cells = [[cell("") for _ in row] for row in rows]
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT",
                  cellStyles=cells)
    commands: list[tuple] = [("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)] if lines else []
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), BAND),
            ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 7.5),
            ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), MUTED),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, MUTED),
        ]
    table.setStyle([*commands, *style])
    return table


def visit_block(document: VisitDocument, payer: PayerProfile, *, compact: bool = False) -> Table:
    """Patient, coverage and visit facts in four columns (label, value, label, value); the
    compact form (for the checklist) leaves out the ids and the authorization."""
    patient = document.patient
    auth = document.prior_authorization
    auth_text = "none recorded"
    if auth is not None:
        units = f", {auth.approved_units} units" if auth.approved_units is not None else ""
        auth_text = f"{auth.number} ({us_date(auth.valid_from)}-{us_date(auth.valid_to)}{units})"
    pos = document.place_of_service
    value_width = [CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.32]
    rows = [
        ("Patient", patient.name if patient else "", "Payer", payer.name),
        ("Date of birth", us_date(patient.birth_date) if patient else "", "Member ID",
         patient.member_id if patient else ""),
        ("Patient ID", patient.id if patient else "", "Prior authorization", auth_text),
        ("Date of service", us_date(document.date_of_service), "Place of service",
         f"{pos} - {POS_NAMES.get(pos, '')}"),
        ("Claim form", CLAIM_FORMS[document.setting], "", ""),
    ]
    if compact:
        rows = [rows[0], rows[1], rows[3]]
    if document.providers is not None:  # issue 13: who rendered and who ordered the service
        rendering, ordering = document.providers.rendering, document.providers.ordering
        rows.append(("Rendering provider", rendering.label if rendering else "none named",
                     "Ordering physician", ordering.label if ordering else "none named"))
    data = [[a, wrap(b or "-", value_width[0] - 8, BOLD if i == 0 else REGULAR,
                     9 if i == 0 else 8.5),
             c, wrap(d or ("-" if c else ""), value_width[1] - 8, size=8.5)]
            for i, (a, b, c, d) in enumerate(rows)]
    return grid(data, [CONTENT_WIDTH * 0.14, value_width[0], CONTENT_WIDTH * 0.2,
                       value_width[1]], header_rows=0, cell=FactCell, lines=False, style=[
        ("FONT", (0, 0), (0, -1), REGULAR, 7.5),
        ("FONT", (2, 0), (2, -1), REGULAR, 7.5),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
        ("FONT", (1, 0), (1, 0), BOLD, 9),
    ])


def signature_block(*labels: str) -> Table:
    """Signature and date lines, two signatures side by side per row."""
    unit = CONTENT_WIDTH / 100
    widths = [unit * w for w in (33, 2, 12, 6, 33, 2, 12)]
    pairs = [labels[i:i + 2] for i in range(0, len(labels), 2)]
    data: list[list[str]] = []
    for pair in pairs:
        right = [pair[1], "", "Date"] if len(pair) > 1 else ["", "", ""]
        data += [[""] * 7, [pair[0], "", "Date", "", *right]]
    table = Table(data, colWidths=widths,
                  rowHeights=[22 if i % 2 == 0 else 10 for i in range(len(data))],
                  hAlign="LEFT")
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7),
        ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
    ]
    for row, pair in zip(range(0, len(data), 2), pairs, strict=True):
        for column in (0, 2, 4, 6)[:2 * len(pair)]:
            commands.append(("LINEBELOW", (column, row), (column, row), 0.6, INK))
    table.setStyle(commands)
    return table


@dataclass(frozen=True)
class PageSetup:
    """What every page shows around the content."""

    title: str
    practice: PracticeSettings
    patient_line: str  # identifies the visit on continuation pages
    printed_at: datetime
    reproducible: bool
    draft: bool = False  # a visit not finalized yet: every page says so


def _draw_draft_mark(canvas: Canvas) -> None:
    """A large, light diagonal DRAFT across the page: a draft is never mistaken for a bill."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.78, 0.16, 0.16, alpha=0.13))
    canvas.setFont(BOLD, 110)
    canvas.translate(PAGE_WIDTH / 2, FOOTER_Y + (TOP - FOOTER_Y) / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -35, "DRAFT")
    canvas.setFont(BOLD, 16)
    canvas.drawCentredString(0, -65, "not finalized: the claim may still change")
    canvas.restoreState()


def _draw_header(canvas: Canvas, setup: PageSetup, continued: bool) -> None:
    practice = setup.practice
    if setup.draft:
        _draw_draft_mark(canvas)
    canvas.saveState()
    left, right = MARGIN, PAGE_WIDTH - MARGIN
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 12.5)
    canvas.drawString(left, TOP - 12, practice.name)
    canvas.setFont(REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    y = TOP - 25
    for line in [*practice.address_lines, practice.phone]:
        if line:
            canvas.drawString(left, y, line)
            y -= 10.5
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 15)
    canvas.drawRightString(right, TOP - 13, setup.title.upper())
    canvas.setFont(REGULAR, 8.5)
    canvas.drawRightString(right, TOP - 27, f"NPI {practice.npi}")
    canvas.drawRightString(right, TOP - 38, f"Tax ID {practice.tax_id}")
    rule_y = TOP - HEADER_HEIGHT + 6
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1)
    canvas.line(left, rule_y, right, rule_y)
    if continued:
        canvas.setFont(BOLD, 8.5)
        canvas.drawString(left, rule_y - 12, setup.patient_line)
        canvas.setFont(REGULAR, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(right, rule_y - 12, "continued")
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so the footer can say 'Page N of M'."""

    def __init__(self, *args: Any, setup: PageSetup, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._setup = setup
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        setup = self._setup
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, FOOTER_Y + 10, PAGE_WIDTH - MARGIN, FOOTER_Y + 10)
        self.setFont(REGULAR, 7)
        self.setFillColor(MUTED)
        printed = setup.printed_at.strftime("%m/%d/%Y %H:%M")
        self.drawString(MARGIN, FOOTER_Y,
                        f"Printed {printed} by OcreBill. Internal document, not a claim form.")
        self.drawString(MARGIN, FOOTER_Y - 8.5, "Codes are shown with OcreBill's own short "
                                                "labels, not the AMA CPT descriptors.")
        self.setFont(BOLD, 7.5)
        self.setFillColor(INK)
        self.drawRightString(PAGE_WIDTH - MARGIN, FOOTER_Y, f"Page {self._pageNumber} of {total}")
        self.restoreState()


def build_pdf(setup: PageSetup, story: Sequence[Flowable]) -> bytes:
    """Lay the story out on as many pages as it needs and return the PDF."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=letter, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=0,
        bottomMargin=0, title=f"{setup.title} - {setup.patient_line}",
        author=setup.practice.name, creator="OcreBill", subject=setup.title,
        invariant=1 if setup.reproducible else 0, initialFontName=REGULAR,
    )
    first_top = TOP - HEADER_HEIGHT
    later_top = first_top - CONTINUED_HEIGHT

    def frame(top: float, name: str) -> Frame:
        return Frame(MARGIN, BOTTOM, CONTENT_WIDTH, top - BOTTOM, leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0, id=name)

    def on_page(continued: bool) -> Callable[[Canvas, BaseDocTemplate], None]:
        return lambda canvas, _doc: _draw_header(canvas, setup, continued)

    doc.addPageTemplates([
        PageTemplate("first", [frame(first_top, "first")], onPage=on_page(False),
                     autoNextPageTemplate="later"),
        PageTemplate("later", [frame(later_top, "later")], onPage=on_page(True)),
    ])

    def canvas_maker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, setup=setup, **kwargs)

    doc.build(list(story), canvasmaker=canvas_maker)
    return buffer.getvalue()


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)

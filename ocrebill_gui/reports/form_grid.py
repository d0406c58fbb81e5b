"""The character grid of pre-printed claim forms (CMS-1500, UB-04): 10 characters per inch and
6 lines per inch on US Letter, Courier 12 (7.2 pt a column, 12 pt a line), 1-based (line,
column) as the shared facts measure them.

A form page is a list of `Placement`s; `draw_pages` prints them with the printer's top/left
offsets (points, positive = down/right) so that a drifting printer lands in the boxes, and
`calibration_pdf` prints a page to measure that drift on a real form.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = letter
COLUMN = 7.2  # 10 cpi
LINE = 12.0  # 6 lpi
FONT = "Courier"
SIZE = 12
BASELINE_RISE = 3.0  # the baseline sits this far above the bottom of its line
LINES = 66
COLUMNS = 85
FORM_RED = colors.Color(0.85, 0.15, 0.15)
SHADE = colors.Color(1, 0.92, 0.92)


@dataclass(frozen=True)
class Placement:
    line: int
    column: int
    text: str
    field: str  # which box, for tests and for people reading a golden file

    @property
    def end_column(self) -> int:
        return self.column + len(self.text) - 1


FormPage = list[Placement]
Background = Callable[[Canvas, float, float], None]


class FormWriter:
    """Collects one form page's placements: upper case, runs of spaces made one (unless
    `spaced`), cut to the box's width, nothing placed for an empty value."""

    def __init__(self) -> None:
        self.placements: FormPage = []

    def put(self, line: int, column: int, text: object, field: str, width: int = 0, *,
            spaced: bool = False) -> None:
        value = str(text).upper() if spaced else " ".join(str(text).upper().split())
        if width:
            value = value[:width]
        if value:
            self.placements.append(Placement(line, column, value, field))

    def right(self, line: int, column: int, width: int, text: str, field: str) -> None:
        """Right-aligned in `width` columns from `column` (longer text starts at `column`)."""
        value = text.strip()
        self.put(line, column + max(0, width - len(value)), value, field)


def money_grid(amount: Decimal, width: int = 8) -> str:
    """'43200 00': dollars and cents with the decimal point printed as a space, right-aligned."""
    return f"{amount:.2f}".replace(".", " ").rjust(width)


def x_of(column: float, left: float = 0.0) -> float:
    return left + (column - 1) * COLUMN


def y_of(line: float, top: float = 0.0) -> float:
    """The baseline of a line, in PDF coordinates (from the bottom of the page)."""
    return PAGE_HEIGHT - top - line * LINE + BASELINE_RISE


def line_top(line: float, top: float = 0.0) -> float:
    """The top edge of a line's band, in PDF coordinates."""
    return PAGE_HEIGHT - top - (line - 1) * LINE


def draw_pages(pages: Sequence[FormPage], *, title: str, top: float = 0.0, left: float = 0.0,
               background: Background | None = None) -> bytes:
    """The PDF of form pages: data only, unless `background` draws the form under it."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=1, pageCompression=0)
    canvas.setTitle(title)
    canvas.setCreator("OcreBill")
    for page in pages:
        if background is not None:
            canvas.saveState()
            background(canvas, top, left)
            canvas.restoreState()
        canvas.setFont(FONT, SIZE)
        canvas.setFillColor(colors.black)
        for placement in page:
            canvas.drawString(x_of(placement.column, left), y_of(placement.line, top),
                              placement.text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def as_text(page: FormPage) -> str:
    """The page as 66 lines of text (what the printer puts where): golden files and reading."""
    rows = [[" "] * COLUMNS for _ in range(LINES)]
    for placement in page:
        for offset, char in enumerate(placement.text):
            column = placement.column - 1 + offset
            if 0 <= column < COLUMNS and 1 <= placement.line <= LINES:
                rows[placement.line - 1][column] = char
    return "\n".join("".join(row).rstrip() for row in rows).rstrip() + "\n"


def overlaps(page: FormPage) -> list[tuple[str, str]]:
    """Pairs of fields whose text would print over each other."""
    taken: dict[tuple[int, int], str] = {}
    clashes: list[tuple[str, str]] = []
    for placement in page:
        for column in range(placement.column, placement.end_column + 1):
            other = taken.get((placement.line, column))
            if other is not None and other != placement.field:
                clashes.append((other, placement.field))
                break
            taken[(placement.line, column)] = placement.field
    return clashes


def calibration_pdf(form: str, marks: Sequence[Placement], *, top: float = 0.0,
                    left: float = 0.0) -> bytes:
    """A page to print on a blank pre-printed form: the grid's column and line numbers every
    ten columns and six lines, and an X at a few boxes' measured positions. Where the X lands
    off its box, the offsets to enter are the distance it is off (points; 72 to the inch)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=1, pageCompression=0)
    canvas.setTitle(f"{form} calibration")
    canvas.setCreator("OcreBill")
    canvas.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
    canvas.setLineWidth(0.3)
    for column in range(1, COLUMNS + 1, 10):
        x = x_of(column, left)
        canvas.line(x, y_of(LINES, top) - 3, x, line_top(1, top))
    for line in range(1, LINES + 1, 6):
        y = line_top(line, top)
        canvas.line(x_of(1, left), y, x_of(COLUMNS, left), y)
    canvas.setFont(FONT, 7)
    canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
    for column in range(1, COLUMNS + 1, 10):
        canvas.drawString(x_of(column, left) + 1, line_top(1, top) - 7, f"c{column}")
    for line in range(1, LINES + 1, 6):
        canvas.drawString(x_of(1, left) + 1, line_top(line, top) - 14, f"L{line}")
    canvas.setFont(FONT, 9)
    canvas.drawString(x_of(12, left), y_of(2, top),
                      f"{form} calibration: top {top:g} pt, left {left:g} pt. Each X should sit "
                      "at the start of its box.")
    canvas.drawString(x_of(12, left), y_of(3, top) + 2,
                      "Off by some distance? Add it to the offsets (72 pt = 1 inch; down and "
                      "right are positive).")
    canvas.setFillColor(colors.black)
    for mark in marks:
        canvas.setFont(FONT, SIZE)
        canvas.drawString(x_of(mark.column, left), y_of(mark.line, top), "X")
        canvas.setFont(FONT, 7)
        canvas.drawString(x_of(mark.column + 1, left) + 1, y_of(mark.line, top), mark.field)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def box(canvas: Canvas, top: float, left: float, first_line: float, first_column: float,
        last_line: float, last_column: float, label: str = "") -> None:
    """A box around lines first..last and columns first..last (inclusive), with a small label in
    its top left corner: the outline of the form's boxes for a preview on plain paper."""
    x0, x1 = x_of(first_column, left) - 1.5, x_of(last_column + 1, left) - 1.5
    y0, y1 = line_top(last_line + 1, top), line_top(first_line, top)
    canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
    if label:
        canvas.setFont("Helvetica", 5)
        canvas.drawString(x0 + 1.5, y1 - 5, label)


BoxSpec = tuple[int, int, int, int, str]  # first line, first column, last line, last column, label


def draw_boxes(canvas: Canvas, top: float, left: float, boxes: Sequence[BoxSpec], *,
               shaded_lines: Sequence[int], columns: int) -> None:
    """Shade these lines across `columns`, then outline the boxes in red drop-out colour (the
    stroke and fill colour stay red for whatever the caller adds)."""
    canvas.setFillColor(SHADE)
    for shaded in shaded_lines:
        canvas.rect(x_of(1, left) - 1.5, line_top(shaded + 1, top), columns * COLUMN, LINE,
                    stroke=0, fill=1)
    canvas.setStrokeColor(FORM_RED)
    canvas.setFillColor(FORM_RED)
    canvas.setLineWidth(0.5)
    for first_line, first_column, last_line, last_column, label in boxes:
        box(canvas, top, left, first_line, first_column, last_line, last_column, label)

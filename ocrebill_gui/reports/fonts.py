"""The fonts the PDFs embed: DejaVu Sans, because Helvetica has no checkbox glyphs."""

from __future__ import annotations

from functools import cache

from ocrebill_gui.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

BOX_EMPTY = "\u2610"  # ☐
BOX_CHECKED = "\u2611"  # ☑
BOX_CROSSED = "\u2612"  # ☒
WARNING_SIGN = "\u26a0"  # ⚠


@cache
def register_fonts() -> None:
    """Register the TrueType fonts with reportlab once per process (parsing takes ~40 ms)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)

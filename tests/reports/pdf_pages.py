"""Reading the PDFs back the way a person would: text per page (poppler's pdftotext), pages
rendered to PNG (pdftoppm) and how much ink a page or a band of it carries."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image


def page_texts(pdf: Path, *, layout: bool = False) -> list[str]:
    """The text of each page: `-raw` keeps each table cell's lines together, `-layout` keeps
    each table row on one line."""
    mode = "-layout" if layout else "-raw"
    out = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Whitespace collapsed, so a phrase wrapped over two lines still matches."""
    return " ".join(text.split())


def render_pngs(pdf: Path, prefix: Path, dpi: int = 50) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def ink(png: Path, top: float = 0.0, bottom: float = 1.0) -> float:
    """Share of non-white pixels in a horizontal band of the page (0..1 of its height)."""
    with Image.open(png) as image:
        gray = image.convert("L")
        width, height = gray.size
        band = gray.crop((0, int(height * top), width, int(height * bottom)))
        histogram = band.histogram()
    dark = sum(histogram[:200])
    return dark / max(1, sum(histogram))

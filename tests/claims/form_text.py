"""Text of a form PDF with its place on the 10 cpi / 6 lpi grid, read back with poppler's
`pdftotext -bbox` (scripts/bootstrap installs poppler-utils): each word's (page, line, column),
and each page rebuilt as 66 lines of text to compare with what was meant to print."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from ocrebill_gui.reports.form_grid import COLUMN, COLUMNS, LINE, LINES

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)'
                   r"</word>")


def words(pdf: bytes, tmp_path: Path, *, top: float = 0.0, left: float = 0.0,
          grid_only: bool = False) -> list[list[tuple[int, int, str]]]:
    """Per page, (line, column, word), 1-based, with the printer offsets taken off. Every word
    must sit on the grid, unless `grid_only` (the preview's labels are off it: left out)."""
    source = tmp_path / "form.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(source), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        found = []
        for x, y, text in _WORD.findall(page):
            column = (float(x) - left) / COLUMN + 1
            line = int((float(y) - top) // LINE) + 1
            if grid_only and abs(column - round(column)) >= 0.01:
                continue
            assert abs(column - round(column)) < 0.01, (text, x)  # on the grid exactly
            found.append((line, round(column), html.unescape(text)))
        pages.append(found)
    return pages


def page_text(found: list[tuple[int, int, str]]) -> str:
    rows = [[" "] * COLUMNS for _ in range(LINES)]
    for line, column, text in found:
        for offset, char in enumerate(text):
            rows[line - 1][column - 1 + offset] = char
    return "\n".join("".join(row).rstrip() for row in rows).rstrip() + "\n"

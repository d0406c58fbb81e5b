"""The recovery key of an encrypted database on one printable page (`ocrebill encrypt
--recovery-pdf FILE`): the database's name, the key in large type, and what it is for. The PDF
is private (0600) and never replaces a file."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.reports.fonts import BOLD, REGULAR, register_fonts


def recovery_sheet_pdf(database: Path, recovery_key: str, made: datetime) -> bytes:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    register_fonts()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=LETTER, invariant=1)
    page.setTitle("OcreBill recovery key")
    width, height = LETTER
    y = height - 90
    page.setFont(BOLD, 18)
    page.drawString(72, y, "OcreBill recovery key")
    page.setFont(REGULAR, 10)
    for line in (f"Database: {database.name}", f"Folder: {database.parent}",
                 f"Made: {made.strftime('%Y-%m-%d %H:%M')}"):
        y -= 18
        page.drawString(72, y, line)
    y -= 50
    page.setFont(BOLD, 20)
    groups = recovery_key.split("-")
    page.drawString(72, y, "  ".join(groups[:4]))
    page.drawString(72, y - 30, "  ".join(groups[4:]))
    page.setFont(REGULAR, 10)
    y -= 80
    for line in ("This key opens the encrypted database when no administrator password",
                 "works any more. Keep this page locked away from the computer; whoever holds",
                 "it and a copy of the database (with its .keys file) can read the patient data."):
        page.drawString(72, y, line)
        y -= 14
    page.showPage()
    page.save()
    return out.getvalue()


def write_recovery_sheet(target: str | os.PathLike[str], database: Path, recovery_key: str,
                         made: datetime) -> Path:
    """The sheet at `target`, 0600; an existing file is refused (FileExistsError)."""
    return write_private_bytes(target, recovery_sheet_pdf(database, recovery_key, made),
                               force=False)

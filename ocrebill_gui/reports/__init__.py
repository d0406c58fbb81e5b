"""Printable documents from a visit and its claim result: the superbill and the billing
checklist (reportlab, no Qt). What the preview shows is what the paper says.

The GUI and the command line call these:

- `superbill_pdf(document, claim, practice) -> bytes`, `render_superbill(..., out_path)`
- `checklist_pdf(document, claim, practice) -> bytes`, `render_checklist(..., out_path)`
- `default_file_name(document, "superbill")` -> "Okafor-Grace_2026-03-04_superbill.pdf"

reportlab is imported here, so import this package only when printing (never at start-up).
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.reports.checklist import checklist_pdf
from ocrebill_gui.reports.file_names import default_file_name
from ocrebill_gui.reports.superbill import MissingForPrint, superbill_pdf

REPORT_KINDS: dict[str, Callable[..., bytes]] = {
    "superbill": superbill_pdf,
    "checklist": checklist_pdf,
}


def render_pdf(kind: str, document: VisitDocument, claim: ClaimResult,
               practice: PracticeSettings, *, catalog: Catalog | None = None,
               printed_at: datetime | None = None, draft: bool = False) -> bytes:
    """The PDF of one kind ("superbill" or "checklist"); `draft` marks every page DRAFT."""
    return REPORT_KINDS[kind](document, claim, practice, catalog=catalog, printed_at=printed_at,
                              draft=draft)


def write_pdf(data: bytes, out_path: str | os.PathLike[str]) -> Path:
    """Write a PDF atomically: a printer or viewer never sees half a file."""
    path = Path(out_path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path.parent))
    # open(..., "x") rather than mkstemp: the file gets the user's usual permissions (umask).
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "xb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def render_superbill(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings,
                     out_path: str | os.PathLike[str], *, catalog: Catalog | None = None,
                     printed_at: datetime | None = None) -> Path:
    """Write the superbill PDF to `out_path` and return the path."""
    return write_pdf(superbill_pdf(document, claim, practice, catalog=catalog,
                                   printed_at=printed_at), out_path)


def render_checklist(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings,
                     out_path: str | os.PathLike[str], *, catalog: Catalog | None = None,
                     printed_at: datetime | None = None) -> Path:
    """Write the billing checklist PDF to `out_path` and return the path."""
    return write_pdf(checklist_pdf(document, claim, practice, catalog=catalog,
                                   printed_at=printed_at), out_path)


__all__ = [
    "REPORT_KINDS",
    "MissingForPrint",
    "checklist_pdf",
    "default_file_name",
    "render_checklist",
    "render_pdf",
    "render_superbill",
    "superbill_pdf",
    "write_pdf",
]

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
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.charges import LineCharge
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.reports.checklist import checklist_pdf
from ocrebill_gui.reports.file_names import default_file_name
from ocrebill_gui.reports.superbill import MissingForPrint, superbill_pdf

REPORT_KINDS: dict[str, Callable[..., bytes]] = {
    "superbill": superbill_pdf,
    "checklist": checklist_pdf,
}


def render_pdf(kind: str, document: VisitDocument, claim: ClaimResult,
               practice: PracticeSettings, *, catalog: Catalog | None = None,
               printed_at: datetime | None = None, draft: bool = False,
               accepted: tuple[str, str] | None = None,
               charges: Sequence[LineCharge] | None = None) -> bytes:
    """The PDF of one kind ("superbill" or "checklist"); `draft` marks every page DRAFT;
    `accepted` (reason, who) prints why a biller finalized the visit over its errors;
    `charges`: the superbill's line charges (store/billed_charges.charges_for; the checklist
    shows none)."""
    extra = {"charges": charges} if kind == "superbill" else {}
    return REPORT_KINDS[kind](document, claim, practice, catalog=catalog, printed_at=printed_at,
                              draft=draft, accepted=accepted, **extra)


def write_pdf(data: bytes, out_path: str | os.PathLike[str], *, force: bool) -> Path:
    """Write a PDF privately (0600) and atomically: a printer or viewer never sees half a file.
    An existing file is replaced only with `force` (FileExistsError names it otherwise)."""
    path = Path(out_path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path.parent))
    return write_private_bytes(path, data, force=force)


def render_superbill(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings,
                     out_path: str | os.PathLike[str], *, catalog: Catalog | None = None,
                     printed_at: datetime | None = None, force: bool = False) -> Path:
    """Write the superbill PDF to `out_path` (a new file, or any with `force`)."""
    return write_pdf(superbill_pdf(document, claim, practice, catalog=catalog,
                                   printed_at=printed_at), out_path, force=force)


def render_checklist(document: VisitDocument, claim: ClaimResult, practice: PracticeSettings,
                     out_path: str | os.PathLike[str], *, catalog: Catalog | None = None,
                     printed_at: datetime | None = None, force: bool = False) -> Path:
    """Write the billing checklist PDF to `out_path` (a new file, or any with `force`)."""
    return write_pdf(checklist_pdf(document, claim, practice, catalog=catalog,
                                   printed_at=printed_at), out_path, force=force)


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

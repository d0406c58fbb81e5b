"""Save as PDF and Print for the visit editor, through the reports package (reportlab).

reportlab is imported only when someone prints. Printing writes a temporary PDF and opens it
in the system's PDF viewer: PySide6-Essentials has QtPrintSupport but no PDF renderer
(QtPdf ships in PySide6-Addons), so Qt's print dialog could not draw the PDF itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.store import Store, practice_settings
from ocrebill_gui.ui.qt import QDesktopServices, QFileDialog, QUrl, QWidget
from ocrebill_gui.ui.visit_editor.services import catalog as store_catalog

KIND_TITLES = {"superbill": "superbill", "checklist": "billing checklist"}


class CannotPrint(Exception):
    """What is missing before this visit can be printed, in words for the user."""


def _practice(store: Store) -> PracticeSettings:
    practice = practice_settings(store)
    if practice is None:
        raise CannotPrint("The practice (name, NPI, tax id) is not set up yet: enter it in the "
                          "practice settings, then print again.")
    return practice


def pdf_bytes(store: Store, kind: str, document: dict[str, Any], claim: ClaimResult) -> bytes:
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.reports import MissingForPrint, render_pdf

    try:
        return render_pdf(kind, parse_visit(document), claim, _practice(store),
                          catalog=store_catalog(store))
    except MissingForPrint as exc:
        raise CannotPrint(f"Cannot print yet: {exc}") from None


def default_name(document: dict[str, Any], kind: str) -> str:
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.reports import default_file_name

    return default_file_name(parse_visit(document), kind)


def save_as_pdf(parent: QWidget, store: Store, kind: str, document: dict[str, Any],
                claim: ClaimResult, folder: Path | None = None) -> Path | None:
    """Ask where (default name in `folder`), write the PDF there; None when cancelled."""
    data = pdf_bytes(store, kind, document, claim)
    suggested = str((folder or Path.home()) / default_name(document, kind))
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, f"Save the {KIND_TITLES[kind]} as PDF", suggested, "PDF files (*.pdf)")
    if not chosen:
        return None
    from ocrebill_gui.reports import write_pdf

    path = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
    return write_pdf(data, path)


def print_pdf(store: Store, kind: str, document: dict[str, Any], claim: ClaimResult) -> Path:
    """Write a temporary PDF and hand it to the system viewer to print; returns its path."""
    from ocrebill_gui.reports import write_pdf

    data = pdf_bytes(store, kind, document, claim)
    folder = Path(tempfile.mkdtemp(prefix="ocrebill-print-"))
    path = write_pdf(data, folder / default_name(document, kind))
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path

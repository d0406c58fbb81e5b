"""Save as PDF and Print for the visit editor, through the reports package (reportlab).

reportlab is imported only when someone prints. Print goes through Qt's print dialog (printer,
copies); the chosen printer then gets the very PDF that Save as PDF writes. PySide6-Essentials
has QtPrintSupport but no PDF renderer (QtPdf is in PySide6-Addons, whose only release for it
is 6.12, which aborts under Python 3.11), so the PDF reaches the printer by, in order:
- "Print to file (PDF)" in the dialog: the PDF itself is written there;
- CUPS `lp` (Linux, macOS): the PDF is sent to the chosen printer, which prints it natively;
- poppler's `pdftoppm`: pages rasterised at the printer's resolution and painted with QPainter;
- otherwise the system PDF viewer opens it, to print from there.
The PDF on its way holds patient data: it is written 0600 into a 0700 temp folder that is
removed once the job is spooled (lp has sent it to CUPS, or the pages are painted), or, when a
viewer has it, when OcreBill quits.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.editing.services import catalog as store_catalog
from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.store import Store, practice_settings
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.file_dialogs import ask_save_path
from ocrebill_gui.ui.qt import (
    QDesktopServices,
    QImage,
    QMessageBox,
    QPageSize,
    QPainter,
    QUrl,
    QWidget,
    print_support,
)
from ocrebill_gui.ui.temp_files import folder_until_quit

if TYPE_CHECKING:
    from ocrebill_gui.ui.qt import QPrinter, Qt

KIND_TITLES = {"superbill": "superbill", "checklist": "billing checklist"}


class CannotPrint(Exception):
    """What is missing before this visit can be printed, in words for the user."""


def _practice(store: Store) -> PracticeSettings:
    practice = practice_settings(store)
    if practice is None:
        raise CannotPrint("The practice (name, NPI, tax id) is not set up yet: enter it in the "
                          "practice settings, then print again.")
    return practice


def pdf_bytes(store: Store, kind: str, document: dict[str, Any], claim: ClaimResult,
              draft: bool = False, accepted: tuple[str, str] | None = None, *,
              session: Session | None = None, visit_id: int | None = None) -> bytes:
    """The PDF; its charges are a finalized visit's as billed (`visit_id`, read by
    `session`), else at the fees in force on the date of service."""
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.reports import MissingForPrint, render_pdf
    from ocrebill_gui.store.billed_charges import charges_for, live_charges

    try:
        visit, practice = parse_visit(document), _practice(store)
        setting, day = visit.setting, visit.date_of_service
        charges = (charges_for(store, session, visit_id, claim, setting=setting, day=day,
                               practice=practice)
                   if session is not None and visit_id is not None
                   else live_charges(store, claim, setting=setting, day=day, practice=practice))
        return render_pdf(kind, visit, claim, practice, catalog=store_catalog(store),
                          draft=draft, accepted=accepted, charges=charges)
    except MissingForPrint as exc:
        raise CannotPrint(f"Cannot print yet: {exc}") from None


def default_name(document: dict[str, Any], kind: str) -> str:
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.reports import default_file_name

    return default_file_name(parse_visit(document), kind)


def save_as_pdf(parent: QWidget, store: Store, kind: str, document: dict[str, Any],
                claim: ClaimResult, folder: Path | None = None, *,
                draft: bool = False, accepted: tuple[str, str] | None = None,
                session: Session | None = None, visit_id: int | None = None) -> Path | None:
    """Ask where (default name in `folder`), write the PDF there (0600); None when cancelled.
    The save dialog asks before replacing the file chosen; when .pdf is added to the name,
    replacing that other file is asked here."""
    data = pdf_bytes(store, kind, document, claim, draft, accepted, session=session,
                     visit_id=visit_id)
    suggested = str((folder or Path.home()) / default_name(document, kind))
    chosen = ask_save_path(parent, f"Save the {KIND_TITLES[kind]} as PDF", suggested,
                           "PDF files (*.pdf)")
    if not chosen:
        return None
    from ocrebill_gui.reports import write_pdf

    path = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
    force = str(path) == chosen  # the dialog asked before replacing it
    if not force and path.exists():
        if not ReplaceQuestion.ask(parent, path):
            return None
        force = True
    return write_pdf(data, path, force=force)


class ReplaceQuestion:
    """"Replace NAME?" as a function that returns the answer (tests replace `ask`)."""

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path) -> bool:
        answer = QMessageBox.question(
            parent, "Replace the file?", f"{path.name} already exists in {path.parent}. "
            "Replace it?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


class PrintDialog:
    """Qt's print dialog as a function that returns data (tests replace `ask`)."""

    @classmethod
    def ask(cls, parent: QWidget | None, printer: QPrinter) -> bool:
        dialog = print_support().QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print")
        return dialog.exec() == dialog.DialogCode.Accepted


def new_printer(document_name: str) -> QPrinter:
    support = print_support()
    printer = support.QPrinter(support.QPrinter.PrinterMode.HighResolution)
    printer.setDocName(document_name)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    return printer


def print_pdf(parent: QWidget | None, store: Store, kind: str, document: dict[str, Any],
              claim: ClaimResult, *, draft: bool = False,
              accepted: tuple[str, str] | None = None, session: Session | None = None,
              visit_id: int | None = None) -> str | None:
    """Ask Qt's print dialog for a printer and print; say how it went (None when cancelled)."""
    data = pdf_bytes(store, kind, document, claim, draft, accepted, session=session,
                     visit_id=visit_id)
    name = default_name(document, kind)
    printer = new_printer(name)
    if not PrintDialog.ask(parent, printer):
        return None
    with tempfile.TemporaryDirectory(prefix="ocrebill-print-") as folder:  # 0700
        job = write_private_bytes(Path(folder) / name, data, force=False)
        return send_to_printer(printer, job, data)


def send_to_printer(printer: QPrinter, path: Path, data: bytes) -> str:
    """Hand the PDF at `path` to the printer the dialog configured; `path` may be removed as
    soon as this returns."""
    support = print_support()
    target = printer.outputFileName()
    if printer.outputFormat() == support.QPrinter.OutputFormat.PdfFormat and target:
        write_private_bytes(target, data, force=True)  # the dialog asked before replacing
        return f"printed to {Path(target).name}"
    lp = shutil.which("lp")
    if lp and printer.printerName():
        command = [lp, "-d", printer.printerName(), "-n", str(max(1, printer.copyCount())),
                   "-t", path.stem, str(path)]
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if run.returncode == 0:
            return f"sent {path.name} to {printer.printerName()}"
        raise OSError(f"the printer refused the job: {run.stderr.strip() or run.returncode}")
    if shutil.which("pdftoppm"):
        pages = paint_pages(printer, path)
        return f"printed {pages} page{'s' if pages != 1 else ''} on {printer.printerName()}"
    # The viewer reads the file after this returns: a copy that stays until OcreBill quits.
    kept = write_private_bytes(folder_until_quit("ocrebill-print-") / path.name, data,
                               force=False)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(kept)))
    return f"no print service found: opened {path.name} to print from the viewer"


def paint_pages(printer: QPrinter, path: Path) -> int:
    """Rasterise each page with pdftoppm at the printer's resolution (at most 300 dpi) and
    paint it on the printer's page; returns the number of pages."""
    dpi = min(300, max(72, printer.resolution()))
    with tempfile.TemporaryDirectory(prefix="ocrebill-pages-") as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), f"{folder}/page"],
                       check=True, capture_output=True, timeout=120)
        pages = sorted(Path(folder).glob("page*.png"))
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be opened")
        try:
            for number, page in enumerate(pages):
                if number:
                    printer.newPage()
                image = QImage(str(page))
                area = painter.viewport()
                size = image.size().scaled(area.size(), _keep_aspect())
                painter.setViewport(area.x(), area.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
        finally:
            painter.end()
    return len(pages)


def _keep_aspect() -> Qt.AspectRatioMode:
    from ocrebill_gui.ui.qt import Qt

    return Qt.AspectRatioMode.KeepAspectRatio

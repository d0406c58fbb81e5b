"""File > Print preview: the superbill or the checklist in Qt's print preview, page by page.

The pages are the very PDF that Print and Save as PDF produce (reports, reportlab), painted
onto the preview's printer by printing.paint_pages (poppler's pdftoppm at the printer's
resolution: PySide6-Essentials has no PDF renderer, see printing.py). Printing from the preview
prints those pages and is recorded like any print (the audit log's read of the visit).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.ui.qt import QWidget, print_support
from ocrebill_gui.ui.visit_editor import printing

if TYPE_CHECKING:
    from ocrebill_gui.ui.qt import QPrinter
    from ocrebill_gui.ui.visit_editor.editor import VisitEditor


class PreviewDialog:
    """QPrintPreviewDialog as a function that returns whether it printed (tests replace
    `ask`, or read the pages from `render`)."""

    @classmethod
    def ask(cls, parent: QWidget, printer: QPrinter, paint: Callable[[QPrinter], None],
            title: str) -> bool:
        dialog = print_support().QPrintPreviewDialog(printer, parent)
        dialog.setWindowTitle(title)
        dialog.paintRequested.connect(paint)
        window = parent.window()
        dialog.resize(min(1000, window.width()), window.height())
        return dialog.exec() == dialog.DialogCode.Accepted


def preview_pdf(parent: QWidget, path: Path, title: str) -> tuple[bool, list[str]]:
    """The PDF at `path` in the print preview (needs pdftoppm): whether it was printed, and
    what went wrong painting its pages. The worklist's claim forms come here too."""
    printer = printing.new_printer(path.name)
    failures: list[str] = []

    def paint(target: QPrinter) -> None:
        try:
            printing.paint_pages(target, path)
        except (OSError, subprocess.SubprocessError) as exc:
            failures.append(str(exc))

    return PreviewDialog.ask(parent, printer, paint, title), failures


def preview(editor: VisitEditor, kind: str) -> bool:
    """Show the visit's `kind` document in the print preview; True when it was printed."""
    result = editor._printable()
    if result is None:
        return False
    if shutil.which("pdftoppm") is None:
        editor._say("Print preview needs poppler's pdftoppm (scripts/bootstrap installs it); "
                    "Save as PDF shows the same document.", problem=True)
        return False
    try:
        data = printing.pdf_bytes(editor.store, kind, editor.presenter.document, result,
                                  draft=editor.status != "finalized",
                                  accepted=editor.errors_accepted(),
                                  session=editor.session, visit_id=editor.visit_id)
    except printing.CannotPrint as exc:
        editor._say(str(exc), problem=True)
        return False
    name = printing.default_name(editor.presenter.document, kind)
    with tempfile.TemporaryDirectory(prefix="ocrebill-preview-") as folder:  # 0700
        path = write_private_bytes(Path(folder) / name, data, force=False)
        printed, failures = preview_pdf(editor, path,
                                        f"Print preview: {printing.KIND_TITLES[kind]}")
    if failures:
        editor._say(f"Print preview: {failures[-1]}", problem=True)
        return False
    if printed:
        editor._printed(kind)
        editor._say(f"printed {name}")
    return printed

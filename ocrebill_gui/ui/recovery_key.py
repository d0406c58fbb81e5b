"""The recovery key of a new encrypted database, shown once to its administrator.

Each account's password unwraps the database key from the key file beside the database; the
recovery key does so when every password is lost (store/keys.py). It is never stored: this
dialog is the only time anyone sees it. It says what the key is for and offers:

- Copy: to the clipboard (to paste into a password manager);
- Print...: the system print dialog; the page is laid out by a QTextDocument and painted on
  the printer, no file in between ("Print to file (PDF)" in the dialog: the reports package's
  one-page sheet written there, 0600);
- Save as PDF...: the same sheet (reports/recovery_sheet.py), 0600, never in a temp folder.

Continue is enabled only once "I have stored the recovery key" is ticked, and the dialog cannot
be closed before (Escape and the window's close button do nothing).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any

from ocrebill_gui.ui.file_dialogs import ask_save_path
from ocrebill_gui.ui.qt import (
    QCheckBox,
    QCloseEvent,
    QDialog,
    QFont,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import set_role

TITLE = "Store the recovery key"
EXPLANATION = (
    "{name} is encrypted: without a key nobody can read it, not even with the file in hand. "
    "Each staff account's password opens it. This recovery key opens it when every password "
    "is lost (a forgotten administrator password, staff gone).")
KEEP = ("It is shown only now. Print it or write it down, and keep it locked away from this "
        "computer: whoever has it and a copy of the database (with its .keys file) can read the "
        "patient data.")


class SheetPath:
    """Where to save the recovery key as PDF (tests replace `ask`); None when cancelled."""

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: Path) -> Path | None:
        chosen = ask_save_path(parent, "Save the recovery key as PDF", str(suggested),
                               "PDF documents (*.pdf)")
        if not chosen:
            return None
        return Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")


class RecoveryKeyDialog(QDialog):
    """The recovery key, once; `accept()` only after the box is ticked. `replacing`: a new key
    for a database whose old one still opens it until this one is stored, so the dialog may
    be closed (Escape, the idle lock) without losing anything."""

    def __init__(self, database: Path, recovery_key: str, parent: QWidget | None = None,
                 *, replacing: bool = False) -> None:
        super().__init__(parent)
        self.replacing = replacing
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle("Recovery key")
        self.database, self.recovery_key = database, recovery_key
        title = QLabel(TITLE)
        set_role(title, "title")
        explanation = QLabel(EXPLANATION.format(name=database.name))
        explanation.setWordWrap(True)
        self.key_label = QLabel(recovery_key)
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.6)
        font.setBold(True)
        self.key_label.setFont(font)
        keep = QLabel(KEEP)
        keep.setWordWrap(True)
        self.copy_button = self._button("&Copy", "copyRecoveryKey", self.copy)
        self.print_button = self._button("&Print...", "printRecoveryKey", self.print_key)
        self.save_button = self._button("Save as P&DF...", "saveRecoveryKey", self.save_pdf)
        actions = QHBoxLayout()
        for button in (self.copy_button, self.print_button, self.save_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("recoveryKeyStatus")
        self.status.setWordWrap(True)
        set_role(self.status, "muted")
        self.status.hide()  # until there is something to say
        self.stored = QCheckBox("I have &stored the recovery key")
        self.stored.setObjectName("storedRecoveryKey")
        self.continue_button = self._button("C&ontinue", "continue", self.accept)
        self.continue_button.setEnabled(False)
        self.stored.toggled.connect(self.continue_button.setEnabled)
        bottom = QHBoxLayout()
        bottom.addWidget(self.stored)
        bottom.addStretch(1)
        bottom.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        for widget in (title, explanation, self.key_label, keep):
            layout.addWidget(widget)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        width = self.fontMetrics().averageCharWidth() * 76
        self.setMinimumWidth(max(width, self.key_label.sizeHint().width() + 80))
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Enter never skips the checkbox
        button.clicked.connect(slot)
        return button

    # -- closing only once it is stored ------------------------------------------------------

    def accept(self) -> None:
        if self.stored.isChecked():
            super().accept()

    def reject(self) -> None:  # Escape: the key would be lost
        if self.replacing:
            super().reject()
            return
        self._say("Store the recovery key first, then tick the box and Continue.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.result() == QDialog.DialogCode.Accepted or self.stored.isChecked() \
                or self.replacing:
            super().closeEvent(event)
            return
        event.ignore()
        self.reject()

    # -- copy, print, save ------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.setText(text)
        if self.status.isHidden():
            self.status.show()
            self.adjustSize()  # room for it: the wrapped paragraphs above keep their lines

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)
        self._say("Copied. Paste it where it is kept safe, then copy something else "
                            "so that it does not stay on the clipboard.")

    def _sheet(self, target: Path, *, force: bool) -> Path:
        from ocrebill_gui.reports.recovery_sheet import write_recovery_sheet

        if force:
            target.unlink(missing_ok=True)  # the save dialog asked before replacing
        return write_recovery_sheet(target, self.database, self.recovery_key, datetime.now())

    def save_pdf(self) -> Path | None:
        suggested = Path.home() / f"{self.database.stem}-recovery-key.pdf"
        target = SheetPath.ask(self, suggested)
        if target is None:
            return None
        try:
            self._sheet(target, force=True)
        except OSError as exc:
            self._say(f"Could not save {target.name}: {exc.strerror or exc}")
            return None
        self._say(f"Saved to {target} (only you may read it). Print it and keep "
                            "the page safe, then delete the file.")
        return target

    def print_key(self) -> str | None:
        from ocrebill_gui.ui.qt import print_support
        from ocrebill_gui.ui.visit_editor.printing import PrintDialog, new_printer

        printer = new_printer("OcreBill recovery key")
        if not PrintDialog.ask(self, printer):
            return None
        support = print_support()
        try:
            target = printer.outputFileName()
            if printer.outputFormat() == support.QPrinter.OutputFormat.PdfFormat and target:
                self._sheet(Path(target), force=True)  # 0600, not the umask's mode
                said = f"Printed to {Path(target).name} (only you may read it)."
            else:
                self.page().print_(printer)
                said = f"Sent to {printer.printerName() or 'the printer'}."
        except OSError as exc:
            said = f"Could not print: {exc.strerror or exc}"
        self._say(said)
        return said

    def page(self) -> Any:
        """The printed page: what the key is for, the key in large type."""
        from PySide6.QtGui import QTextDocument

        groups = self.recovery_key.split("-")
        lines = ["&nbsp;&nbsp;".join(groups[:4]), "&nbsp;&nbsp;".join(groups[4:])]
        document = QTextDocument()
        document.setHtml(
            "<h2>OcreBill recovery key</h2>"
            f"<p>Database: {html.escape(self.database.name)}<br>"
            f"Folder: {html.escape(str(self.database.parent))}<br>"
            f"Made: {datetime.now():%Y-%m-%d %H:%M}</p>"
            f"<p style='font-family: monospace; font-size: 20pt; font-weight: bold'>"
            f"{'<br>'.join(lines)}</p>"
            f"<p>{html.escape(EXPLANATION.format(name=self.database.name))}</p>"
            f"<p>{html.escape(KEEP)}</p>")
        return document

    @classmethod
    def show_once(cls, parent: QWidget | None, database: Path, recovery_key: str) -> None:
        """Show the key until its keeper says it is stored (tests replace this)."""
        cls(database, recovery_key, parent).exec()

"""Settings > Reference data... (issue 16): what the practice database holds (CMS's ASP
quarters, ICD-10-CM years, the fee schedule: kind, period, file, rows, who, when) and the
imports the command line does (`ocrebill data import`), for the administrator.

A file is read and parsed on a worker thread (core's parsers: pure, bytes in) under a progress
dialog whose Cancel drops it: nothing is written until the parse is whole. The store then
saves it in one transaction on the GUI thread (store/reference_data.py: a bad file or a
failure changes nothing) and the dialog shows what changed: codes added and ended, prices
moved, with counts and a few examples. A bad file is named with its line and column (the
parsers' ReferenceFileError), never a traceback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocrebill_gui.core.icd10_order_file import fiscal_year_of
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.reference_data import KINDS, ImportSummary, list_reference_data
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QObject,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_role, set_tone
from ocrebill_gui.ui.views import read_only_table

if TYPE_CHECKING:
    from ocrebill_gui.store.accounts import CheckedWrite

COLUMNS = ("Kind", "Period", "File", "Rows", "Imported by", "When")
MAX_BYTES = 200 * 1024 * 1024  # an ICD-10-CM order file is ~20 MB; 200 MB is a mistake
FILTERS = {"asp": "ASP pricing files (*.csv *.txt);;All files (*)",
           "icd10cm": "ICD-10-CM order files (*.txt);;All files (*)",
           "fees": "Fee schedules (*.csv);;All files (*)"}
TITLES = {"asp": "Import a CMS ASP pricing file", "icd10cm": "Import a CMS ICD-10-CM order file",
          "fees": "Import the practice's fee schedule"}


class ReadRefused(ValueError):
    """The file cannot be read as the kind asked (too large, unreadable)."""


def parse_reference_file(kind: str, data: bytes, name: str, *, year: int | None = None,
                         quarter: str | None = None) -> Any:
    """The parsed file, or ValueError (core's ReferenceFileError names the line and column).
    The app's one path from bytes to records: the fuzz tests drive it."""
    if len(data) > MAX_BYTES:
        raise ReadRefused(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB: not a "
                          f"{KINDS[kind]} file")
    if kind == "asp":
        from ocrebill_gui.core.asp_file import parse_asp_file

        return parse_asp_file(data, name=name, quarter=quarter)
    if kind == "icd10cm":
        from ocrebill_gui.core.icd10_order_file import parse_icd10_order_file

        return parse_icd10_order_file(data, name=name, year=year)
    if kind == "fees":
        from ocrebill_gui.core.fee_schedule import parse_fee_schedule

        return parse_fee_schedule(data, name=name)
    raise ValueError(f"unknown kind of reference data '{kind}'")


def save_parsed(store: Store, session: Session, kind: str, parsed: Any) -> ImportSummary:
    from ocrebill_gui.store.reference_data import import_asp, import_fees, import_icd10cm

    savers: dict[str, CheckedWrite[..., ImportSummary]] = {
        "asp": import_asp, "icd10cm": import_icd10cm, "fees": import_fees}
    return savers[kind](store, session, parsed)


def year_in_name(name: str) -> int | None:
    """The fiscal year a CMS order file's name says (icd10cm_order_2027.txt -> 2027)."""
    digits = "".join(ch if ch.isdigit() else " " for ch in name).split()
    years = [int(d) for d in digits if len(d) == 4 and 2015 <= int(d) <= 2099]
    return years[-1] if years else None


def summary_text(summary: ImportSummary) -> str:
    """What changed, in the store's words (counts whole, up to 20 examples per list)."""
    return summary.text()


@dataclass
class _Outcome:
    parsed: Any = None
    error: BaseException | None = None


class _Relay(QObject):
    done = Signal(object)


class ImportRun(QObject):
    """One import: read and parse on a worker thread, then save on the GUI thread unless
    cancelled. `finished` carries an ImportSummary, an error message (str) or None (cancelled)."""

    finished = Signal(object)

    def __init__(self, store: Store, session: Session, kind: str, path: Path, *,
                 year: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.session, self.kind, self.path, self.year = (store, session, kind,
                                                                     path, year)
        self.cancelled = False
        self.result: ImportSummary | str | None = None
        self.done = False
        self.progress = QProgressDialog(f"Reading {path.name}...", "Cancel", 0, 0, parent)
        self.progress.setObjectName("referenceImportProgress")
        self.progress.setWindowTitle(TITLES[kind])
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._relay = _Relay()
        self._relay.done.connect(self._parsed)

    def start(self) -> None:
        self.progress.show()
        threading.Thread(target=self._work, name="reference-import", daemon=True).start()

    def _work(self) -> None:
        outcome = _Outcome()
        try:
            data = self.path.read_bytes() if self.path.stat().st_size <= MAX_BYTES else b"x" * (
                MAX_BYTES + 1)
            outcome.parsed = parse_reference_file(self.kind, data, self.path.name,
                                                  year=self.year)
        except BaseException as exc:  # handed to the GUI thread, which decides (below)
            outcome.error = exc
        self._relay.done.emit(outcome)

    def cancel(self) -> None:
        """Before the save: nothing is written. (Once saving, Cancel is disabled.)"""
        if not self.done:
            self.cancelled = True
            self._finish(None)

    def _parsed(self, outcome: _Outcome) -> None:
        if self.cancelled or self.done:
            return
        error = outcome.error
        if isinstance(error, OSError):
            self._finish(f"{self.path.name}: cannot read: {error.strerror or error}. "
                         "Nothing imported.")
            return
        if isinstance(error, ValueError):  # ReferenceFileError: file, line and column
            self._finish(f"Nothing imported: {error}")
            return
        if error is not None:
            self._finish(None)
            raise error  # a bug: the crash handler reports it
        self.progress.setLabelText(f"Saving {self.path.name}...")
        cancel = self.progress.findChild(QPushButton)
        if cancel is not None:
            cancel.setEnabled(False)
        try:
            summary = save_parsed(self.store, self.session, self.kind, outcome.parsed)
        except StoreError as exc:
            self._finish(f"Nothing imported: {exc}")
            return
        self._finish(summary)

    def _finish(self, result: ImportSummary | str | None) -> None:
        self.done = True
        self.result = result
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()
        self.finished.emit(result)


class ReferenceDataDialog(QDialog):
    """The reference data held, and the three imports (administrator or biller)."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceDataDialog")
        self.setWindowTitle("Reference data")
        self.store, self.session = store, session
        self.run: ImportRun | None = None
        intro = QLabel("CMS's ASP pricing files, ICD-10-CM code sets per fiscal year (1 October "
                       "to 30 September) and the practice's fee schedule, as this database "
                       "holds them. Visits use the year and quarter in force on their date of "
                       "service, else the data shipped with OcreBill.")
        intro.setWordWrap(True)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = read_only_table(self.model, name="referenceDataTable", parent=self, multi=True)
        self.empty = QLabel("Nothing imported yet: the shipped ICD-10-CM FY2026 codes and the "
                            "practice settings' fees are used.")
        set_role(self.empty, "muted")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for kind, text in (("asp", "Import &ASP file..."),
                           ("icd10cm", "Import &ICD-10-CM order file..."),
                           ("fees", "Import &fee schedule...")):
            button = QPushButton(text, self)
            button.setObjectName(f"import_{kind}")
            button.clicked.connect(lambda _c=False, k=kind: self.choose_and_import(k))
            gate(button, session, "reference.write")
            self.buttons[kind] = button
            row.addWidget(button)
        row.addStretch(1)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("referenceImportVerdict")
        self.outcome = QPlainTextEdit(self)
        self.outcome.setObjectName("referenceImportOutcome")
        self.outcome.setReadOnly(True)
        self.outcome.setPlaceholderText("What an import changed shows here.")
        self.outcome.setMaximumHeight(self.fontMetrics().height() * 9)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.outcome)
        layout.addWidget(close)
        self.resize(self.fontMetrics().averageCharWidth() * 120, 480)
        self.reload()

    def reload(self) -> None:
        imports = list_reference_data(self.store, self.session)
        self.model.setRowCount(0)
        for item in imports:
            cells = (KINDS[item.kind], item.period, item.file_name, str(item.rows),
                     item.imported_by, item.imported_at[:16].replace("T", " "))
            self.model.appendRow([QStandardItem(text) for text in cells])
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not imports)

    # -- importing --------------------------------------------------------------------------
    def choose_and_import(self, kind: str) -> ImportRun | None:
        if not self.buttons[kind].isEnabled():
            return None
        dialog = QFileDialog(self, TITLES[kind], "", FILTERS[kind])
        dialog.setObjectName("openReferenceFile")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
                return None
            path = Path(dialog.selectedFiles()[0])
        finally:
            dialog.deleteLater()
        year = None
        if kind == "icd10cm":
            year = self.ask_year(path)
            if year is None:
                return None
        return self.import_file(kind, path, year=year)

    def ask_year(self, path: Path) -> int | None:
        """The fiscal year of an order file (the file name's, else the one in force now)."""
        suggested = year_in_name(path.name) or fiscal_year_of(date.today())
        year, ok = QInputDialog.getInt(
            self, "ICD-10-CM fiscal year", f"Fiscal year of {path.name}\n(FY2027 is "
            "1 October 2026 to 30 September 2027):", suggested, 2015, 2099)
        return year if ok else None

    def import_file(self, kind: str, path: Path, *, year: int | None = None) -> ImportRun:
        """Start importing `path` (a progress dialog, cancellable until the save); the
        outcome shows below the list when done."""
        for button in self.buttons.values():
            button.setEnabled(False)
        self.outcome.setPlainText("")
        self._say(f"Importing {path.name}...", "")
        self.run = ImportRun(self.store, self.session, kind, path, year=year, parent=self)
        self.run.finished.connect(self._imported)
        self.run.start()
        return self.run

    def _imported(self, result: ImportSummary | str | None) -> None:
        for button in self.buttons.values():
            gate(button, self.session, "reference.write")
        if result is None:
            self._say("Import cancelled: nothing was changed.", "warning")
        elif isinstance(result, str):
            self._say("Not imported: the file is refused whole.", "error")
            self.outcome.setPlainText(result)
        else:
            self._say(f"Imported {KINDS[result.kind]} {result.period}.", "ok")
            self.outcome.setPlainText(summary_text(result))
            self.reload()

    def _say(self, text: str, tone: str) -> None:
        self.verdict.setText(text)
        set_tone(self.verdict, tone)

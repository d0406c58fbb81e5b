"""The audit log viewer (administrators and billers): every entry, newest first, filtered by
visit, patient, user and date range, loaded a page at a time, and exported to CSV.

The patient filter takes what the patient search takes (a name prefix, MRN, patient id); it
must find one patient. Export CSV writes every matching entry (store.audit.write_audit_csv:
a private 0600 file); Enter on an entry about a visit opens the visit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ocrebill_gui.store import AuditEntry, Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.audit import write_audit_csv
from ocrebill_gui.store.audit_query import patients_meant
from ocrebill_gui.ui.file_dialogs import ask_save_path
from ocrebill_gui.ui.forms import DateField, date_text
from ocrebill_gui.ui.models.audit import AuditModel
from ocrebill_gui.ui.qt import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QShowEvent,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, heading, record_table, remember_columns


def ask_csv_path(parent: QWidget, suggested: str) -> str | None:
    """Where to write the CSV (Qt's save dialog, which asks before replacing a file); tests
    replace it."""
    return ask_save_path(parent, "Export the audit log as CSV", suggested,
                         "CSV files (*.csv)")


class AuditPage(QWidget):
    """The audit log with its filters; `open_visit` carries a visit id (Enter on its entry)."""

    open_visit = Signal(int)

    def __init__(self, store: Store, session: Session, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self._store, self._session, self._layout = store, session, layout
        self.model = AuditModel(store, session, parent=self)
        self.visit = QLineEdit()
        self.visit.setObjectName("auditVisit")
        self.visit.setPlaceholderText("visit id")
        self.patient = QLineEdit()
        self.patient.setObjectName("auditPatient")
        self.patient.setPlaceholderText("name, MRN or patient id")
        self.user = QLineEdit()
        self.user.setObjectName("auditUser")
        self.user.setPlaceholderText("login name")
        self.date_from, self.date_to = DateField(), DateField()
        for date_field, name in ((self.date_from, "auditFrom"), (self.date_to, "auditTo")):
            date_field.setObjectName(name)
            date_field.setPlaceholderText("YYYY-MM-DD")
        self.apply_button = QPushButton("&Show")
        self.apply_button.setObjectName("auditApply")
        self.apply_button.clicked.connect(self.apply)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.clicked.connect(self.clear)
        self.export_button = QPushButton("Export &CSV...")
        self.export_button.setObjectName("auditExport")
        self.export_button.clicked.connect(self.export_csv)
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        filters = QGridLayout()
        for column, (text, field) in enumerate((
                ("Visi&t", self.visit), ("P&atient", self.patient), ("&User", self.user),
                ("F&rom", self.date_from), ("T&o", self.date_to))):
            label = QLabel(text)
            label.setBuddy(field)
            filters.addWidget(label, 0, column)
            filters.addWidget(field, 1, column)
            field.returnPressed.connect(self.apply)
        filters.setColumnStretch(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        filters.addLayout(buttons, 1, 5)
        self.view = record_table(self.model, name="auditTable", on_activate=self._activated)
        page = QVBoxLayout(self)
        page.addWidget(heading("Audit log"))
        page.addLayout(filters)
        page.addWidget(self.message)
        page.addWidget(self.view, 1)
        fit_columns(self.view, layout)
        self._say(None)

    # -- filters ----------------------------------------------------------------------------

    def filters(self) -> dict[str, Any] | None:
        """What the fields ask for, as audit_entries' keywords; None (and a message) when a
        field cannot be read."""
        found: dict[str, Any] = {"actor": self.user.text().strip() or None}
        text = self.visit.text().strip()
        if text:
            if not text.isdigit():
                self._say("Visit: a visit id is a number, such as 42.", problem=True)
                return None
            found["visit_id"] = int(text)
        for key, field, name in (("date_from", self.date_from, "From"),
                                 ("date_to", self.date_to, "To")):
            value = date_text(field.text())
            try:
                found[key] = date.fromisoformat(value) if value else None
            except ValueError:
                self._say(f"{name}: not a date (2026-03-04 or 3/4/2026).", problem=True)
                return None
        if found["date_from"] and found["date_to"] and found["date_from"] > found["date_to"]:
            self._say("From is after To.", problem=True)
            return None
        text = self.patient.text().strip()
        note = None
        if text:
            matches = patients_meant(self._store, self._session, text, limit=6)
            if len(matches) != 1:
                many = "More than 5" if len(matches) > 5 else str(len(matches))
                self._say("Patient: no patient matches." if not matches else
                          f"Patient: {many} patients match; type more of the name, or "
                          "the MRN or patient id.", problem=True)
                return None
            found["patient_id"] = matches[0].id
            note = f"Patient {matches[0].name} ({matches[0].ref})"
        self._say(note)
        return found

    def apply(self) -> bool:
        found = self.filters()
        if found is None:
            return False
        self.model.set_filters(**found)
        self.view.scrollToTop()
        if not self.model.rowCount():
            self._say("No audit entries match.")
        return True

    def clear(self) -> None:
        for field in (self.visit, self.patient, self.user, self.date_from, self.date_to):
            field.clear()
        self.apply()

    def _say(self, text: str | None, *, problem: bool = False) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        set_role(self.message, "fieldError" if problem else "muted")

    # -- export -----------------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        """Every entry the filters match, to a CSV file the user chooses."""
        found = self.filters()
        if found is None:
            return None
        chosen = ask_csv_path(self, str(Path.home() / f"audit-log-{date.today()}.csv"))
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(".csv") else chosen + ".csv")
        try:  # the dialog asked before replacing a file
            written = write_audit_csv(self._store, self._session, path, force=True, **found)
        except (StoreError, OSError) as exc:
            self._say(f"Not exported: {exc}", problem=True)
            return None
        self._say(f"Exported {written} entr{'ies' if written != 1 else 'y'} to {path.name} "
                  "(readable by you only).")
        return path

    # -- the page ---------------------------------------------------------------------------

    def _activated(self, entry: object) -> None:
        if isinstance(entry, AuditEntry) and entry.entity == "visit" \
                and entry.entity_id.isdigit():
            self.open_visit.emit(int(entry.entity_id))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Newest entries each time the page comes to the front."""
        super().showEvent(event)
        self.model.reload()

    def refresh(self) -> None:
        self.model.reload()

    def save_layout(self) -> None:
        remember_columns(self.view, self._layout)

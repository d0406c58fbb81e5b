"""The patient form: checked as it is typed, saved with Save (or Ctrl+S); read-only for a
session that may not change patient records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.store import Patient, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.audit import record_read
from ocrebill_gui.store.records import PatientFields, member_key
from ocrebill_gui.ui.forms import (
    DateField,
    FieldMessage,
    FormGrid,
    UnsavedChanges,
    first_problem,
    save_or_say,
    validator,
)
from ocrebill_gui.ui.patients.dialogs import SEXES
from ocrebill_gui.ui.permissions import allowed, gate, needs
from ocrebill_gui.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_role

_check = validator(PatientFields)


class PossibleDuplicate:
    """Before a patient is saved: the patients who may be the same person. `ask` returns
    "save" (a different person: save anyway), a patient id (open the existing patient) or
    None (go back to the form). Tests monkeypatch `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, patients: list[Patient],
            why: str = "same name and birth date") -> str | int | None:
        from ocrebill_gui.ui.qt import QMessageBox

        box = QMessageBox(parent)
        box.setWindowTitle("Possible duplicate patient")
        people = "\n".join(f"\u2022 {p.name} ({p.ref}"
                           + (f", born {p.birth_date.isoformat()}" if p.birth_date else "")
                           + ")" for p in patients[:5])
        box.setText(f"This may be a patient already on file ({why}):\n{people}")
        open_button = box.addButton("Open the existing patient",
                                    QMessageBox.ButtonRole.AcceptRole)
        save_button = box.addButton("Save as a different person",
                                    QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(open_button)
        box.exec()
        if box.clickedButton() is open_button:
            return patients[0].id
        return "save" if box.clickedButton() is save_button else None


def unless_member_on_file(parent: QWidget | None, store: Store, session: Session,
                          patient_id: int, values: dict[str, Any],
                          write: Callable[[dict[str, Any]], Any],
                          known_member: str = "") -> Any:
    """Save a coverage with `write(values)`, unless its member id (a new one: not
    `known_member`) is on another patient's coverage and the person says it is that patient:
    then that Patient is returned (open them instead); None: back to the dialog."""
    member = str(values.get("member_id") or "")
    if member_key(member) and member_key(member) != member_key(known_member):
        same = api.possible_duplicates(store, session, {}, patient_id=patient_id,
                                       member_id=member)
        answer = PossibleDuplicate.ask(parent, same, "same member id") if same else "save"
        if isinstance(answer, int):
            return api.get_patient(store, session, answer)
        if answer != "save":
            return None
    return write(values)


class PatientForm(QWidget):
    """Edits one patient, or a new one; `saved` carries the patient id."""

    saved = Signal(int)
    open_existing = Signal(int)  # a possible duplicate: show that patient instead

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._session = store, session
        self.editable = allowed(session, "patients.write")
        self._patient: Patient | None = None
        self._loaded: dict[str, Any] = {}
        self.title = QLabel("New patient")
        set_role(self.title, "subtitle")
        self.grid = FormGrid(self._check)
        self.name = self.grid.add("name", "&Name", QLineEdit(),
                                  note="Last name, first name - as on the insurance card")
        self.name.setPlaceholderText("Rivera, Ana")
        self.birth_date = self.grid.add("birth_date", "&Born", DateField())
        self.sex = self.grid.add("sex", "Se&x", QComboBox())
        for text, value in SEXES:
            self.sex.addItem(text, value)
        self.mrn = self.grid.add("mrn", "&MRN", QLineEdit())
        self.ref = self.grid.add("ref", "Pa&tient id", QLineEdit())
        self.ref.setPlaceholderText("assigned on save")
        self.phone = self.grid.add("phone", "Ph&one", QLineEdit())
        self.address = self.grid.add("address", "A&ddress", QLineEdit())
        self.general = FieldMessage()
        self.save_button = QPushButton("&Save patient")
        self.save_button.setObjectName("savePatient")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.clicked.connect(lambda: self.set_patient(self._patient))
        if not self.editable:
            for field in self.grid.fields.values():
                if isinstance(field, QLineEdit):
                    field.setReadOnly(True)
                else:
                    field.setEnabled(False)
            self.general.show_message(None)
            self.read_only_note = QLabel(f"Read-only. {needs('patients.write')}.")
            self.read_only_note.setObjectName("patientReadOnly")
            set_role(self.read_only_note, "muted")
            self.read_only_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.general, 1)
        if not self.editable:
            buttons.addWidget(self.read_only_note, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addLayout(buttons)
        self.grid.go_live()
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self.set_patient(None)

    @property
    def patient(self) -> Patient | None:
        return self._patient

    def set_patient(self, patient: Patient | None) -> None:
        """Show `patient` (None: an empty form for a new patient)."""
        self._patient = patient
        if patient is not None:  # the record shown: a read on record, once a session
            record_read(self._store, self._session, "patient", patient.id, "view")
        self.name.setText(patient.name if patient else "")
        self.birth_date.set_value(patient.birth_date if patient else None)
        self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex if patient else None)))
        self.mrn.setText(patient.mrn or "" if patient else "")
        self.ref.setText(patient.ref if patient else "")
        self.phone.setText(patient.phone if patient else "")
        self.address.setText(patient.address if patient else "")
        self.title.setText(patient.name if patient else "New patient")
        self._loaded = self.values()
        self.grid.reset()
        self._check()

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "ref": self.ref.text(),
                "birth_date": self.birth_date.value(), "mrn": self.mrn.text(),
                "sex": self.sex.currentData(), "phone": self.phone.text(),
                "address": self.address.text()}

    @property
    def dirty(self) -> bool:
        return self.values() != self._loaded

    def _check(self) -> bool:
        problems = _check(self.values())
        self.general.show_message(self.grid.show_problems(problems))
        gate(self.save_button, self._session, "patients.write",
             when=not problems and (self.dirty or self._patient is None))
        gate(self.revert_button, self._session, "patients.write",
             when=self.dirty and self._patient is not None)
        return not problems

    def leave(self) -> bool:
        """The form is about to show another patient (or close): unsaved edits are saved,
        discarded or kept (False: stay) as the person answers; True when it may go on."""
        if not self.editable or not self.dirty or (
                self._patient is None and not any(v for k, v in self.values().items()
                                                  if k != "sex")):
            return True
        what = self._patient.name if self._patient else "The new patient"
        problem = first_problem(self.grid, _check(self.values()))
        answer = (UnsavedChanges.ask(self, what, problem) if problem
                  else UnsavedChanges.ask(self, what))
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.set_patient(self._patient)
            return True
        return False

    def _duplicate_answer(self) -> str | int | None:
        """"save" when no patient on file looks like this one (or the person says it is
        another), else what PossibleDuplicate.ask answered."""
        values = self.values()
        if self._patient is not None and (values["name"], values["birth_date"]) == (
                self._loaded["name"], self._loaded["birth_date"]):
            return "save"
        same = api.possible_duplicates(self._store, self._session, values,
                                       patient_id=self._patient.id if self._patient else None)
        return PossibleDuplicate.ask(self, same) if same else "save"

    def save(self) -> bool:
        """Save the form; True when it was saved."""
        if not self.editable:
            return False
        if not self._check():
            self.grid.reveal_all()
            return False
        answer = self._duplicate_answer()
        if isinstance(answer, int):
            self.set_patient(self._patient)  # nothing typed is kept for the other one
            self.open_existing.emit(answer)
            return False
        if answer != "save":
            return False

        def write() -> Patient:
            if self._patient is None:
                return api.add_patient(self._store, self._session, self.values())
            return api.update_patient(self._store, self._session, self._patient.id,
                                      self.values())

        patient = save_or_say(write, self.grid, self.general, self.save_button)
        if patient is None:
            return False
        self.set_patient(patient)
        self.saved.emit(patient.id)
        return True

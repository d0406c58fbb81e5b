"""Adding a patient, a coverage or a prior authorization: small dialogs that return the saved
record (`CoverageDialog.ask(...)`), so callers and tests deal in data, not widgets. The
Patients screen and the visit editor (which creates these on the spot) use the same ones:
checked as they are typed, by the store's own rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.store import Authorization, Coverage, Patient
from ocrebill_gui.store.records import AuthorizationFields, CoverageFields, PatientFields
from ocrebill_gui.ui.forms import DateField, FormGrid, RecordDialog, validator
from ocrebill_gui.ui.models.patients import PRIORITY
from ocrebill_gui.ui.qt import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import set_role

Choice = tuple[str, Any]  # (text shown, value)


def _optional_int(text: str) -> int | str | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    return int(text) if text.isdigit() else text


def group_box(title: str, view: QWidget, extras: Sequence[QWidget]) -> QGroupBox:
    """A titled box: the view, and below it on the right its buttons (and hints)."""
    box = QGroupBox(title)
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in extras:
        row.addWidget(widget)
    layout = QVBoxLayout(box)
    layout.addWidget(view)
    layout.addLayout(row)
    return box


def _combo(choices: Sequence[Choice]) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    return combo


SEXES: list[Choice] = [("", None), ("Female", "F"), ("Male", "M"), ("Other (X)", "X"),
                       ("Unknown", "U")]


class PatientDialog(RecordDialog):
    """A new patient: what the front desk has at hand at the chair (the Patients screen has
    the whole record)."""

    def __init__(self, save: Callable[[dict[str, Any]], Patient | None],
                 parent: QWidget | None = None) -> None:
        super().__init__("New patient", save, validator(PatientFields), parent)

    def build(self, grid: FormGrid) -> None:
        self.name = grid.add("name", "&Name", QLineEdit(),
                             note="Last name, first name - as on the insurance card")
        self.name.setPlaceholderText("Rivera, Ana")
        self.birth_date = grid.add("birth_date", "&Born", DateField())
        self.sex = grid.add("sex", "Se&x", _combo(SEXES))
        self.mrn = grid.add("mrn", "&MRN", QLineEdit())
        self.ref = grid.add("ref", "Pa&tient id", QLineEdit())
        self.ref.setPlaceholderText("assigned on save")

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "birth_date": self.birth_date.value(),
                "sex": self.sex.currentData(), "mrn": self.mrn.text(), "ref": self.ref.text()}

    @classmethod
    def ask(cls, parent: QWidget | None,
            save: Callable[[dict[str, Any]], Patient | None]) -> Patient | None:
        """Show the dialog; the saved patient (or the one on file `save` returned), or None
        when cancelled; `save` returning None keeps the dialog open."""
        dialog = cls(save, parent)
        return dialog.result_record if dialog.exec() else None


PLAN_TYPES: list[Choice] = [("", None), ("Medicare", "medicare"),
                             ("Medicare Advantage", "medicare_advantage"),
                             ("Medicaid", "medicaid"), ("Commercial", "commercial"),
                             ("TRICARE", "tricare"), ("Workers' comp", "workers_comp"),
                             ("Other", "other")]
RELATIONSHIPS: list[Choice] = [("The patient (self)", "self"), ("Spouse", "spouse"),
                               ("Child", "child"), ("Other", "other")]


class CoverageDialog(RecordDialog):
    """Payer, member id, group, order, dates, plan type, the payer's claim office and the
    subscriber of a patient's coverage; a new one, or `coverage` corrected."""

    def __init__(self, patient_id: int, payers: Sequence[Choice],
                 save: Callable[[dict[str, Any]], Coverage], parent: QWidget | None = None,
                 coverage: Coverage | None = None) -> None:
        self._patient_id, self._payers, self._coverage = patient_id, payers, coverage
        super().__init__("Edit coverage" if coverage else "Add coverage", save,
                         validator(CoverageFields), parent)
        if coverage is not None:
            self.show_coverage(coverage)

    def build(self, grid: FormGrid) -> None:
        self.payer = grid.add("payer", "&Payer", _combo([("", ""), *self._payers]))
        self.member_id = grid.add("member_id", "&Member id", QLineEdit(),
                                  note="As on the card; found later without its spaces or "
                                       "dashes")
        self.group_number = grid.add("group_number", "&Group", QLineEdit())
        self.plan_type = grid.add("plan_type", "Plan t&ype", _combo(PLAN_TYPES))
        self.claim_office_id = grid.add("claim_office_id", "Claims off&ice id", QLineEdit(),
                                        note="The payer's id for claims (payer id or office)")
        self.priority = grid.add("priority", "&Order", QSpinBox())
        self.priority.setRange(1, 9)
        self.priority.setToolTip(", ".join(f"{k} = {v}" for k, v in PRIORITY.items()))
        self.effective_from = grid.add("effective_from", "In effect &from", DateField())
        self.effective_to = grid.add("effective_to", "In effect &to", DateField(),
                                     note="Leave empty when the coverage has no end date")
        self.subscriber_relationship = grid.add("subscriber_relationship", "&Subscriber",
                                                _combo(RELATIONSHIPS))
        self.subscriber_name = grid.add("subscriber_name", "Subscriber's &name", QLineEdit())
        self.subscriber_birth_date = grid.add("subscriber_birth_date", "Subscriber &born",
                                              DateField())
        self.subscriber_relationship.currentIndexChanged.connect(self._subscriber_shown)
        self._subscriber_shown()

    def _subscriber_shown(self) -> None:
        other = self.subscriber_relationship.currentData() != "self"
        self.subscriber_name.setEnabled(other)
        self.subscriber_birth_date.setEnabled(other)
        if other and hasattr(self, "buttons"):  # now required: say so at once
            self.grid.touch("subscriber_name")
            self.check()

    def show_coverage(self, coverage: Coverage) -> None:
        self.payer.setCurrentIndex(max(0, self.payer.findData(coverage.payer)))
        self.member_id.setText(coverage.member_id)
        self.group_number.setText(coverage.group_number)
        self.plan_type.setCurrentIndex(max(0, self.plan_type.findData(coverage.plan_type)))
        self.claim_office_id.setText(coverage.claim_office_id)
        self.priority.setValue(coverage.priority)
        self.effective_from.set_value(coverage.effective_from)
        self.effective_to.set_value(coverage.effective_to)
        self.subscriber_relationship.setCurrentIndex(max(0, self.subscriber_relationship
                                                         .findData(coverage
                                                                   .subscriber_relationship)))
        self.subscriber_name.setText(coverage.subscriber_name)
        self.subscriber_birth_date.set_value(coverage.subscriber_birth_date)
        self.grid.reset()
        self.check()

    def values(self) -> dict[str, Any]:
        values = {"patient_id": self._patient_id, "payer": self.payer.currentData() or "",
                  "member_id": self.member_id.text(), "group_number": self.group_number.text(),
                  "plan_type": self.plan_type.currentData(),
                  "claim_office_id": self.claim_office_id.text(),
                  "priority": self.priority.value(),
                  "effective_from": self.effective_from.value(),
                  "effective_to": self.effective_to.value(),
                  "subscriber_relationship": self.subscriber_relationship.currentData()}
        if values["subscriber_relationship"] != "self":
            values |= {"subscriber_name": self.subscriber_name.text(),
                       "subscriber_birth_date": self.subscriber_birth_date.value()}
        return values

    @classmethod
    def ask(cls, parent: QWidget | None, patient_id: int, payers: Sequence[Choice],
            save: Callable[[dict[str, Any]], Coverage],
            coverage: Coverage | None = None) -> Coverage | None:
        """Show the dialog; the saved coverage, or None when cancelled."""
        dialog = cls(patient_id, payers, save, parent, coverage)
        return dialog.result_record if dialog.exec() else None


class EndDialog(RecordDialog):
    """The last day of a coverage or an authorization (the patient changed plans, the payer
    withdrew the approval): checked by the record's own rules as it is typed."""

    def __init__(self, title: str, caption: str, check: Callable[[str | None], dict[str, str]],
                 save: Callable[[str | None], Any], today: date,
                 parent: QWidget | None = None) -> None:
        self._caption, self._today = caption, today
        super().__init__(title, lambda values: save(values["last_day"]),
                         lambda values: check(values["last_day"]), parent)

    def build(self, grid: FormGrid) -> None:
        self.last_day = grid.add("last_day", self._caption, DateField())
        self.last_day.set_value(self._today)

    def values(self) -> dict[str, Any]:
        return {"last_day": self.last_day.value()}


def record_buttons(view: Any, noun: str, edit: Callable[[], None], end: Callable[[], None],
                   delete: Callable[[], None]) -> list[QPushButton]:
    """Edit..., End..., Delete for the record chosen in `view` (`noun`: "Coverage"...);
    double-clicking a row edits it too."""
    buttons = []
    for text, action in (("Edit\u2026", edit), ("End\u2026", end), ("Delete", delete)):
        button = QPushButton(text)
        button.setObjectName(f"{text.rstrip(chr(0x2026)).lower()}{noun}")
        button.setToolTip(f"{text.rstrip(chr(0x2026))} the {noun.lower()} chosen above")
        button.clicked.connect(action)
        buttons.append(button)
    view.doubleClicked.connect(lambda _index: edit())
    return buttons


def authorization_products(catalog: Any) -> list[Choice]:
    """The drugs a prior authorization can name: the billable treatments of the catalog."""
    return [(p.name, p.id) for p in catalog.products.values()
            if p.role == "treatment" and p.billable]


class AuthorizationDialog(RecordDialog):
    """A prior authorization: which coverage, number, product, units and validity."""

    def __init__(self, coverages: Sequence[Choice], products: Sequence[Choice], today: date,
                 save: Callable[[dict[str, Any]], Authorization],
                 parent: QWidget | None = None, authorization: Authorization | None = None,
                 uses: str = "") -> None:
        self._coverages, self._products, self._today = coverages, products, today
        super().__init__("Edit prior authorization" if authorization else
                         "Add prior authorization", save, validator(AuthorizationFields),
                         parent)
        if authorization is not None:
            self.show_authorization(authorization, uses)

    def build(self, grid: FormGrid) -> None:
        self.coverage = grid.add("coverage_id", "&Coverage", _combo(self._coverages))
        self.number = grid.add("number", "&Number", QLineEdit())
        self.number.setPlaceholderText("PA-77812")
        self.product = grid.add("product", "&Product", _combo(self._products))
        self.approved_units = grid.add("approved_units", "Approved &units", QLineEdit(),
                                       note="Billing units of the drug (J2350: 1 unit = 1 mg);"
                                            " empty when the approval names no limit")
        self.valid_from = grid.add("valid_from", "Valid &from", DateField())
        self.valid_to = grid.add("valid_to", "Valid &to", DateField())
        self.visits_allowed = grid.add("visits_allowed", "&Visits allowed", QLineEdit(),
                                       note="Empty when the approval names no number of visits")
        self.uses = QLabel("")
        self.uses.setObjectName("authorizationUses")
        self.uses.setWordWrap(True)
        set_role(self.uses, "muted")
        grid.addWidget(self.uses, grid.rowCount(), 1)
        self.valid_from.set_value(self._today)
        self.valid_to.set_value(self._today + timedelta(days=364))

    def show_authorization(self, auth: Authorization, uses: str) -> None:
        self.coverage.setCurrentIndex(max(0, self.coverage.findData(auth.coverage_id)))
        self.number.setText(auth.number)
        self.product.setCurrentIndex(max(0, self.product.findData(auth.product)))
        self.approved_units.setText("" if auth.approved_units is None
                                    else str(auth.approved_units))
        self.valid_from.set_value(auth.valid_from)
        self.valid_to.set_value(auth.valid_to)
        self.visits_allowed.setText("" if auth.visits_allowed is None
                                    else str(auth.visits_allowed))
        self.uses.setText(uses)
        self.grid.reset()
        self.check()

    def values(self) -> dict[str, Any]:
        return {"coverage_id": self.coverage.currentData(), "number": self.number.text(),
                "product": self.product.currentData() or "",
                "approved_units": _optional_int(self.approved_units.text()),
                "valid_from": self.valid_from.value(), "valid_to": self.valid_to.value(),
                "visits_allowed": _optional_int(self.visits_allowed.text())}

    @classmethod
    def ask(cls, parent: QWidget | None, coverages: Sequence[Choice],
            products: Sequence[Choice], today: date,
            save: Callable[[dict[str, Any]], Authorization],
            authorization: Authorization | None = None,
            uses: str = "") -> Authorization | None:
        """Show the dialog; the saved authorization, or None when cancelled."""
        dialog = cls(coverages, products, today, save, parent, authorization, uses)
        return dialog.result_record if dialog.exec() else None

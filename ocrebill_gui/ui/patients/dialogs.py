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
from ocrebill_gui.ui.qt import QComboBox, QLineEdit, QSpinBox, QWidget

Choice = tuple[str, Any]  # (text shown, value)


def _optional_int(text: str) -> int | str | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    return int(text) if text.isdigit() else text


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

    def __init__(self, save: Callable[[dict[str, Any]], Patient],
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
            save: Callable[[dict[str, Any]], Patient]) -> Patient | None:
        """Show the dialog; the saved patient, or None when cancelled."""
        dialog = cls(save, parent)
        return dialog.result_record if dialog.exec() else None


class CoverageDialog(RecordDialog):
    """Payer, member id, group, order and dates of a patient's coverage."""

    def __init__(self, patient_id: int, payers: Sequence[Choice],
                 save: Callable[[dict[str, Any]], Coverage], parent: QWidget | None = None,
                 ) -> None:
        self._patient_id, self._payers = patient_id, payers
        super().__init__("Add coverage", save, validator(CoverageFields), parent)

    def build(self, grid: FormGrid) -> None:
        self.payer = grid.add("payer", "&Payer", _combo([("", ""), *self._payers]))
        self.member_id = grid.add("member_id", "&Member id", QLineEdit())
        self.group_number = grid.add("group_number", "&Group", QLineEdit())
        self.priority = grid.add("priority", "&Order", QSpinBox())
        self.priority.setRange(1, 9)
        self.priority.setToolTip(", ".join(f"{k} = {v}" for k, v in PRIORITY.items()))
        self.effective_from = grid.add("effective_from", "In effect &from", DateField())
        self.effective_to = grid.add("effective_to", "In effect &to", DateField(),
                                     note="Leave empty when the coverage has no end date")

    def values(self) -> dict[str, Any]:
        return {"patient_id": self._patient_id, "payer": self.payer.currentData() or "",
                "member_id": self.member_id.text(), "group_number": self.group_number.text(),
                "priority": self.priority.value(),
                "effective_from": self.effective_from.value(),
                "effective_to": self.effective_to.value()}

    @classmethod
    def ask(cls, parent: QWidget | None, patient_id: int, payers: Sequence[Choice],
            save: Callable[[dict[str, Any]], Coverage]) -> Coverage | None:
        """Show the dialog; the saved coverage, or None when cancelled."""
        dialog = cls(patient_id, payers, save, parent)
        return dialog.result_record if dialog.exec() else None


def authorization_products(catalog: Any) -> list[Choice]:
    """The drugs a prior authorization can name: the billable treatments of the catalog."""
    return [(p.name, p.id) for p in catalog.products.values()
            if p.role == "treatment" and p.billable]


class AuthorizationDialog(RecordDialog):
    """A prior authorization: which coverage, number, product, units and validity."""

    def __init__(self, coverages: Sequence[Choice], products: Sequence[Choice], today: date,
                 save: Callable[[dict[str, Any]], Authorization],
                 parent: QWidget | None = None) -> None:
        self._coverages, self._products, self._today = coverages, products, today
        super().__init__("Add prior authorization", save, validator(AuthorizationFields),
                         parent)

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
        self.valid_from.set_value(self._today)
        self.valid_to.set_value(self._today + timedelta(days=364))

    def values(self) -> dict[str, Any]:
        return {"coverage_id": self.coverage.currentData(), "number": self.number.text(),
                "product": self.product.currentData() or "",
                "approved_units": _optional_int(self.approved_units.text()),
                "valid_from": self.valid_from.value(), "valid_to": self.valid_to.value()}

    @classmethod
    def ask(cls, parent: QWidget | None, coverages: Sequence[Choice],
            products: Sequence[Choice], today: date,
            save: Callable[[dict[str, Any]], Authorization]) -> Authorization | None:
        """Show the dialog; the saved authorization, or None when cancelled."""
        dialog = cls(coverages, products, today, save, parent)
        return dialog.result_record if dialog.exec() else None

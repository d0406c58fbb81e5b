"""Record payment... and Record denial...: a remittance typed by hand against one claim,
checked as it is typed (ui/worklist/remittance_input.py) with each message under its field;
Save goes through the store (store/remittances.py), which checks again and moves the claim's
status to paid or denied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ocrebill_gui.ui.forms import DateField, FormGrid, RecordDialog
from ocrebill_gui.ui.qt import QLineEdit, QPlainTextEdit, QWidget
from ocrebill_gui.ui.worklist import remittance_input as read


def _money_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    field.setMaxLength(16)
    return field


class PaymentDialog(RecordDialog):
    """A payment: the date on the remittance, the amount paid, the patient's responsibility,
    the adjustments (group, reason code, amount) and a note."""

    def __init__(self, claim_text: str, today: date, save: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None, *, expected: str | None = None) -> None:
        self._today, self._expected = today, expected
        super().__init__(f"Record payment: {claim_text}", save,
                         lambda values: read.payment_problems(values, today), parent)
        self.setObjectName("paymentDialog")
        self.amount_paid.setFocus()  # the date is today's unless the remittance says other

    def build(self, grid: FormGrid) -> None:
        self.received_on = grid.add("received_on", "&Received on", DateField())
        self.received_on.set_value(self._today)
        self.amount_paid = grid.add(
            "amount_paid", "&Amount paid", _money_field("784.00"),
            note=f"The estimate expects {self._expected} from the payer"
            if self._expected else None)
        self.patient_responsibility = grid.add(
            "patient_responsibility", "Patient res&ponsibility", _money_field("200.00"))
        self.adjustments = grid.add(
            "adjustments", "Ad&justments", QLineEdit(),
            note="Group-reason and amount, ';' between them: CO-45 216.00; PR-1 200.00 "
                 "(CO contractual, PR patient, OA other, PI payer initiated)")
        self.note = grid.add("note", "&Note", QLineEdit())

    def values(self) -> dict[str, Any]:
        return {"received_on": self.received_on.value(),
                "amount_paid": self.amount_paid.text(),
                "patient_responsibility": self.patient_responsibility.text(),
                "adjustments": self.adjustments.text(), "note": self.note.text()}

    @classmethod
    def ask(cls, parent: QWidget | None, claim_text: str, today: date,
            save: Callable[[dict[str, Any]], Any], *, expected: str | None = None) -> Any:
        """Show the dialog; what `save` returned, or None when cancelled."""
        dialog = cls(claim_text, today, save, parent, expected=expected)
        return dialog.result_record if dialog.exec() else None


class DenialDialog(RecordDialog):
    """A denial: the date, the codes the payer gave (CARC with group, RARC) and why in words."""

    def __init__(self, claim_text: str, today: date, save: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None) -> None:
        self._today = today
        super().__init__(f"Record denial: {claim_text}", save,
                         lambda values: read.denial_problems(values, today), parent)
        self.setObjectName("denialDialog")
        self.denial_codes.setFocus()

    def build(self, grid: FormGrid) -> None:
        self.received_on = grid.add("received_on", "&Received on", DateField())
        self.received_on.set_value(self._today)
        self.denial_codes = grid.add("denial_codes", "&Codes", QLineEdit(),
                                     note="As on the remittance, ',' between them: CO-50, N115")
        self.reason = grid.add("reason", "Rea&son", QLineEdit())
        note = QPlainTextEdit()
        note.setTabChangesFocus(True)
        note.setMaximumHeight(note.fontMetrics().height() * 4)
        self.note = grid.add("note", "&Note", note)

    def values(self) -> dict[str, Any]:
        return {"received_on": self.received_on.value(),
                "denial_codes": self.denial_codes.text(), "reason": self.reason.text(),
                "note": self.note.toPlainText()}

    @classmethod
    def ask(cls, parent: QWidget | None, claim_text: str, today: date,
            save: Callable[[dict[str, Any]], Any]) -> Any:
        dialog = cls(claim_text, today, save, parent)
        return dialog.result_record if dialog.exec() else None

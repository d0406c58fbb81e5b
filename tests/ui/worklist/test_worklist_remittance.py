"""Record payment... and Record denial... on the worklist (issue 16, item 5): each field checked
as it is typed with a message naming what is wrong, the claim's status following the save,
and a payment below the estimate's expected payer amount flagged on its row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from staff import signed
from worklist_helpers import choose, show, visit

from ocrebill_gui.store import claims as store_claims
from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.worklist import remittance_dialogs
from ocrebill_gui.ui.worklist.remittance_dialogs import DenialDialog, PaymentDialog

APRIL = Path(__file__).resolve().parents[2] / "fixtures" / "reference_data" \
    / "april-2026-asp-pricing-file.csv"
TODAY = date(2026, 12, 7)


def message(dialog, key: str) -> str:
    label = dialog.grid.messages[key]
    return label.text() if label.isVisible() else ""


def test_the_payment_form_names_each_wrong_field_as_it_is_typed(qtbot):
    saved: list[dict] = []
    dialog = PaymentDialog("claim 1 (visit 1, 2026-12-01)", TODAY, saved.append)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.amount_paid  # the date is today's: the amount first
    assert not dialog.save_button.isEnabled()  # the amount paid is required
    qtbot.keyClicks(dialog.amount_paid, "abc")
    assert message(dialog, "amount_paid") == "'abc' is not an amount such as 1234.50"
    dialog.amount_paid.clear()
    qtbot.keyClicks(dialog.amount_paid, "12.345")
    assert "2 decimals" in message(dialog, "amount_paid")
    dialog.amount_paid.clear()
    qtbot.keyClicks(dialog.amount_paid, "784.00")
    assert message(dialog, "amount_paid") == "" and dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.adjustments, "XX-45 216.00")
    assert message(dialog, "adjustments").startswith("entry 1: 'XX-45' is not a group")
    assert not dialog.save_button.isEnabled()
    dialog.adjustments.clear()
    qtbot.keyClicks(dialog.adjustments, "CO-45 216.00; PR-1")
    assert message(dialog, "adjustments").startswith("entry 2 ('PR-1') must be GROUP-REASON")
    qtbot.keyClicks(dialog.adjustments, " 200.00")
    assert message(dialog, "adjustments") == ""
    dialog.received_on.clear()
    qtbot.keyClicks(dialog.received_on, "12/8/2026")
    assert message(dialog, "received_on").startswith("is after today (2026-12-07)")
    dialog.received_on.clear()
    qtbot.keyClicks(dialog.received_on, "12/4/2026")
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # Enter saves
    assert saved == [{"received_on": "2026-12-04", "amount_paid": "784.00",
                      "patient_responsibility": "",
                      "adjustments": "CO-45 216.00; PR-1 200.00", "note": ""}]


def test_the_denial_form_wants_codes_and_a_reason(qtbot):
    dialog = DenialDialog("claim 1", TODAY, lambda values: values)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.denial_codes, "CO-50, Q9")
    assert message(dialog, "denial_codes").startswith("'Q9' is not a group and reason code")
    dialog.denial_codes.clear()
    qtbot.keyClicks(dialog.denial_codes, "co 50, n115")
    assert message(dialog, "denial_codes") == ""
    assert not dialog.save_button.isEnabled()  # no reason yet
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "x")
    dialog.reason.clear()
    assert message(dialog, "reason").startswith("is required")
    qtbot.keyClicks(dialog.reason, "Not medically necessary")
    assert dialog.save_button.isEnabled()


def answer(monkeypatch, dialog_class, fields: dict[str, str]) -> list:
    """`dialog_class.ask` fills the fields as typed and presses Save."""
    shown: list = []

    def ask(cls, parent, claim_text, today, save, **kwargs):
        dialog = cls(claim_text, today, save, parent, **kwargs)
        shown.append(dialog)
        for key, text in fields.items():
            widget = getattr(dialog, key)
            widget.clear()
            widget.insertPlainText(text) if hasattr(widget, "insertPlainText") \
                else widget.setText(text)
        dialog.accept()
        return dialog.result_record

    monkeypatch.setattr(dialog_class, "ask", classmethod(ask))
    return shown


@pytest.fixture
def sent(store, claims) -> dict[str, int]:
    """The ASP quarter of a visit of May 2026 imported (its estimate expects $28,033.96 from
    Medicare), that visit and office1 printed."""
    from ocrebill_gui.core.asp_file import parse_asp_file
    from ocrebill_gui.store import reference_data

    reference_data.import_asp(store, signed("biller"),
                              parse_asp_file(APRIL.read_bytes(), name=APRIL.name))
    may = visit(store, claims["patient"], "01-standard-600mg", "2026-05-12")
    ids = [store_claims.current_claim(store, signed("biller"), v).id
           for v in (may, claims["office1"])]
    store_claims.mark_printed(store, signed("biller"), ids, "cms1500")
    return {"may": may, "office1": claims["office1"]}


def row_of(page, visit_id: int) -> int:
    return next(n for n, r in enumerate(page.model.records()) if r.visit_id == visit_id)


def test_a_payment_below_the_estimate_is_paid_and_flagged_underpaid(page, store, sent,
                                                                    monkeypatch):
    page.refresh()
    choose(page, [sent["may"]])
    assert page.payment_button.isEnabled() and page.denial_button.isEnabled()
    shown = answer(monkeypatch, PaymentDialog, {
        "amount_paid": "20,000.00", "patient_responsibility": "7151.52",
        "adjustments": "CO-45 8000.00; PR-2 7151.52", "note": "EOB 4471"})
    page.payment_button.click()
    from ocrebill_gui.ui.qt import QLabel

    hints = [label.text() for label in shown[0].findChildren(QLabel)]
    assert "The estimate expects $28,033.96 from the payer" in hints
    show(page, "Paid")
    number = row_of(page, sent["may"])
    paid = page.model.index(number, 6)
    assert paid.data() == "$20,000.00  UNDERPAID"
    assert paid.data(Qt.ItemDataRole.ForegroundRole) is not None  # coloured as a warning
    assert paid.data(Qt.ItemDataRole.ToolTipRole) == (
        "Underpaid: $20,000.00 paid, the estimate expected $28,033.96 from the payer "
        "($8,033.96 short)")
    claim = store_claims.current_claim(store, signed("biller"), sent["may"])
    assert claim.status == "paid" and claim.decided_at == "2026-12-07"
    from ocrebill_gui.store.remittances import remittances_of

    [remittance] = remittances_of(store, signed("biller"), claim.id)
    assert remittance.adjustments[1][:2] == ("PR", "2") and remittance.note == "EOB 4471"


def test_a_denial_moves_the_claim_to_denied_with_its_reason(page, store, sent, monkeypatch):
    page.refresh()
    choose(page, [sent["office1"]])
    answer(monkeypatch, DenialDialog, {"denial_codes": "CO-50, N115",
                                       "reason": "Not medically necessary"})
    page.denial_button.click()
    number = row_of(page, sent["office1"])  # denials are work to do: still listed
    status = page.model.index(number, 1)
    assert status.data() == "Denied"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "Denied: Not medically necessary"
    claim = store_claims.current_claim(store, signed("biller"), sent["office1"])
    assert claim.status == "denied"


def test_a_refused_save_keeps_the_dialog_open_with_the_stores_words(page, store, sent,
                                                                    monkeypatch):
    """The store's own check (here: the claim was paid meanwhile... from another desk it was
    replaced) is shown in the dialog, nothing closes."""
    from ocrebill_gui.store import StoreError

    page.refresh()
    choose(page, [sent["office1"]])

    def refuse(*args, **kwargs):
        raise StoreError("claim 2 was changed at another workstation: reload")

    monkeypatch.setattr("ocrebill_gui.store.remittances.record_payment", refuse)
    shown = answer(monkeypatch, PaymentDialog, {"amount_paid": "100.00"})
    page.payment_button.click()
    assert shown[0].general.text() == "claim 2 was changed at another workstation: reload"
    assert shown[0].result_record is None
    assert remittance_dialogs  # the module the page loads lazily


def test_printed_claims_are_marked_submitted_together(page, store, sent):
    page.refresh()
    show(page, "To send: printed")
    choose(page, [sent["office1"], sent["may"]])
    assert page.submitted_button.isEnabled() and not page.payment_button.isEnabled()
    page.submitted_button.click()
    biller = signed("biller")
    assert [store_claims.current_claim(store, biller, v).status
            for v in (sent["office1"], sent["may"])] == ["submitted", "submitted"]
    assert page.model.records() == []  # no longer printed and waiting to go
    show(page, "Submitted")
    assert {r.visit_id for r in page.model.records()} == {sent["office1"], sent["may"]}

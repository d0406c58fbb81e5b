"""Payments and denials recorded by hand (issue 16, item 5), on both backends: the claim's
status follows, money is exact, codes are checked, each record is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import claims
from ocrebill_gui.store.remittances import (
    denial_code,
    record_denial,
    record_payment,
    remittances_of,
)


@pytest.fixture
def sent(store, setup):
    """A submitted claim."""
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=setup[0].id)
    visit = st.finalize_visit(store, signed("biller"), saved.visit_id,
                              expected_revision=saved.revision).visit
    one = claims.current_claim(store, signed(), visit.id)
    claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
    claims.mark_submitted(store, signed("biller"), [one.id])
    return one.id


def test_a_payment_pays_the_claim(store, sent):
    paid = record_payment(store, signed("biller"), sent, date(2026, 4, 1), "35,757.60",
                          patient_responsibility=Decimal("200"),
                          adjustments=[("co", "45", "1234.56"), ("PR", "2", "200.00")],
                          note="EFT 991")
    assert paid.amount_paid == Decimal("35757.60") and str(paid.amount_paid) == "35757.60"
    assert paid.patient_responsibility == Decimal("200.00")
    assert paid.adjustments == (("CO", "45", Decimal("1234.56")),
                                ("PR", "2", Decimal("200.00")))
    assert not paid.denial and paid.created_by == "biller"
    after = claims.claim(store, signed(), sent)
    assert (after.status, after.decided_at) == ("paid", "2026-04-01")
    row = store.conn.execute("SELECT amount_paid, patient_responsibility FROM remittances "
                             "WHERE id = ?", (paid.id,)).fetchone()
    assert tuple(row) == ("35757.60", "200.00")  # decimal text
    entry = st.audit_entries(store, signed(), "remittance", paid.id)[0]
    assert entry.action == "create"
    assert st.audit_entries(store, signed(), "claim", sent)[0].action == "pay"


def test_a_denial_then_a_payment_after_appeal(store, sent):
    denied = record_denial(store, signed("biller"), sent, "2026-04-02",
                           ["co 197", "N54"], "no prior authorization on file")
    assert denied.denial_codes == ("CO-197", "N54") and denied.amount_paid == Decimal("0.00")
    one = claims.claim(store, signed(), sent)
    assert (one.status, one.denial_reason) == ("denied", "no prior authorization on file")
    record_payment(store, signed("biller"), sent, "2026-05-20", "100")
    assert claims.claim(store, signed(), sent).status == "paid"
    listed = remittances_of(store, signed(), sent)
    assert [r.received_on for r in listed] == [date(2026, 4, 2), date(2026, 5, 20)]
    assert [r.denial for r in listed] == [True, False]


@pytest.mark.parametrize("kwargs, field", [
    ({"amount_paid": 12.5}, "amount_paid"),  # a float: binary, not cents
    ({"amount_paid": "12.505"}, "amount_paid"),
    ({"amount_paid": "-1.00"}, "amount_paid"),
    ({"amount_paid": "1e9"}, "amount_paid"),
    ({"amount_paid": "NaN"}, "amount_paid"),
    ({"amount_paid": "twelve"}, "amount_paid"),
    ({"patient_responsibility": "x"}, "patient_responsibility"),
    ({"received_on": "04/01/2026"}, "received_on"),
    ({"adjustments": [("XX", "45", "1.00")]}, r"adjustments\[0\].group"),
    ({"adjustments": [("CO", "4567", "1.00")]}, r"adjustments\[0\].reason_code"),
    ({"adjustments": [("CO", "45")]}, r"adjustments\[0\]"),
    ({"adjustments": ["CO-45"]}, r"adjustments\[0\]"),
    ({"adjustments": [("CO", "45", "1.001")]}, r"adjustments\[0\].amount"),
    ({"note": "a\x00b"}, "note"),
])
def test_bad_payments_name_the_field_and_change_nothing(store, sent, kwargs, field):
    args = {"received_on": "2026-04-01", "amount_paid": "10.00"} | kwargs
    with pytest.raises(st.InvalidRecord, match=field):
        record_payment(store, signed("biller"), sent, **args)
    assert claims.claim(store, signed(), sent).status == "submitted"
    assert remittances_of(store, signed(), sent) == []


def test_a_negative_adjustment_is_allowed():
    # A reversal: CAS amounts may be negative (the payment itself may not).
    assert denial_code("PI-B7") == "PI-B7"


@pytest.mark.parametrize("codes", [[], ["197"], ["XX-197"], ["CO-1977"], ["hello"]])
def test_bad_denials_are_refused(store, sent, codes):
    with pytest.raises(st.InvalidRecord, match="denial_codes"):
        record_denial(store, signed("biller"), sent, "2026-04-01", codes, "why")
    with pytest.raises(st.InvalidRecord, match="reason"):
        record_denial(store, signed("biller"), sent, "2026-04-01", ["CO-16"], " ")
    assert claims.claim(store, signed(), sent).status == "submitted"


def test_a_replaced_claim_keeps_its_status_when_paid(store, setup, sent):
    visit_id = claims.claim(store, signed(), sent).visit_id
    visit = st.get_visit(store, signed(), visit_id)
    st.amend_visit(store, signed("biller"), visit_id, visit_doc(dose=300), "dose",
                   expected_revision=visit.revision)
    record_payment(store, signed("biller"), sent, "2026-04-01", "10.00",
                   adjustments=[("CO", "45", "-5.00")])
    one = claims.claim(store, signed(), sent)
    assert (one.status, one.decided_at) == ("replaced", "2026-04-01")

"""The biller's worklist (issue 15, item 5), on both backends: drafts with errors, claims to
send and denials by default; other statuses on request; filters, SQL order and pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store import claims
from ocrebill_gui.store.claim_worklist import charge_total
from ocrebill_gui.store.remittances import record_denial, record_payment


@pytest.fixture
def world(store, setup):
    """Visits of one patient: a clean draft, a draft with errors, and finalized visits whose
    claims are ready, printed, submitted, paid and denied (one a hospital-outpatient one)."""
    patient = setup[0]
    nurse, biller = signed("nurse"), signed("biller")
    st.save_practice(store, signed("admin", ["admin"]), demo_practice())  # its fees
    made = {}
    clean = st.create_draft(store, nurse, visit_doc(day="2026-02-02"), patient_id=patient.id)
    made["clean_draft"] = clean.visit_id
    broken = visit_doc(day="2026-02-03")
    broken["diagnoses"] = ["Z00.00"]  # not a reason for Ocrevus: an error finding
    bad = st.create_draft(store, nurse, broken, patient_id=patient.id)
    assert st.get_visit(store, signed(), bad.visit_id).errors > 0
    made["error_draft"] = bad.visit_id
    for n, name in enumerate(("ready", "printed", "submitted", "paid", "denied")):
        doc = visit_doc(day=f"2026-03-{10 + n:02d}", lot="H0123")
        if name == "printed":
            doc["setting"] = "hospital_outpatient"
        saved = st.create_draft(store, nurse, doc, patient_id=patient.id)
        visit = st.finalize_visit(store, biller, saved.visit_id, allow_errors=True,
                                  expected_revision=saved.revision).visit
        one = claims.current_claim(store, biller, visit.id)
        if name != "ready":
            claims.mark_printed(store, biller, [one.id],
                                "ub04" if name == "printed" else "cms1500")
        if name in ("submitted", "paid", "denied"):
            claims.mark_submitted(store, biller, [one.id])
        if name == "paid":
            record_payment(store, biller, one.id, "2026-04-01", "900.00")
        if name == "denied":
            record_denial(store, biller, one.id, "2026-04-02", ["CO-197"], "no authorization")
        made[name] = visit.id
    return made


def _ids(rows):
    return [row.visit_id for row in rows]


def test_the_default_is_the_work_to_do(store, world):
    rows = claims.worklist(store, signed("biller"))
    assert _ids(rows) == [world[k] for k in ("error_draft", "ready", "printed", "denied")]
    assert [r.kind for r in rows] == ["draft_errors", "to_send", "to_send", "denied"]
    assert [r.status for r in rows] == ["draft", "ready", "printed", "denied"]
    assert claims.worklist_count(store, signed("biller")) == 4
    draft, ready, printed, denied = rows
    assert draft.claim_id is None and draft.errors > 0
    assert ready.claim_id == claims.current_claim(store, signed(), world["ready"]).id
    assert (ready.form, printed.form, printed.printed_form) == ("cms1500", "ub04", "ub04")
    assert ready.patient_name == "Müller, Ada" and ready.patient_ref.startswith("P-")
    assert ready.date_of_service == date(2026, 3, 10) and ready.payer == "unitedhealthcare"
    assert ready.charge_total is not None and ready.charge_total > 0  # frozen at finalize
    assert denied.denial_reason == "no authorization" and denied.decided_at == "2026-04-02"
    assert denied.amount_paid == Decimal("0.00") and ready.amount_paid is None
    paid = claims.worklist(store, signed("biller"), kinds=["paid"])[0]
    assert paid.amount_paid == Decimal("900.00")


def test_kinds_statuses_payer_and_dates_filter(store, world):
    biller = signed("biller")
    paid = claims.worklist(store, biller, kinds=["paid", "submitted"])
    assert _ids(paid) == [world["submitted"], world["paid"]]
    assert _ids(claims.worklist(store, biller, kinds=["to_send"], statuses=["printed"])) == [
        world["printed"]]
    assert claims.worklist(store, biller, payer="medicare") == []
    assert claims.worklist_count(store, biller, payer="unitedhealthcare") == 4
    march = claims.worklist(store, biller, date_from=date(2026, 3, 11),
                            date_to=date(2026, 3, 14))
    assert _ids(march) == [world["printed"], world["denied"]]
    assert claims.worklist_count(store, biller, date_from=date(2026, 3, 11),
                                 date_to=date(2026, 3, 14)) == 2


def test_order_and_pages_come_from_sql(store, world):
    biller = signed("biller")
    every = ["draft_errors", "to_send", "submitted", "paid", "denied"]
    newest = claims.worklist(store, biller, kinds=every, descending=True)
    assert [r.date_of_service for r in newest] == sorted(
        (r.date_of_service for r in newest), reverse=True)
    pages = [claims.worklist(store, biller, kinds=every, limit=2, offset=n)
             for n in (0, 2, 4)]
    assert [i for page in pages for i in _ids(page)] == _ids(
        claims.worklist(store, biller, kinds=every))
    by_status = claims.worklist(store, biller, kinds=every, order_by="status")
    assert [r.status for r in by_status] == sorted(r.status for r in by_status)


@pytest.mark.parametrize("kwargs, field", [
    ({"kinds": ["everything"]}, "kinds"), ({"kinds": []}, "kinds"),
    ({"statuses": ["lost"]}, "statuses"), ({"order_by": "name; DROP TABLE"}, "order_by"),
    ({"limit": 0}, "limit"), ({"limit": 10**6}, "limit"), ({"offset": -1}, "offset"),
    ({"date_from": "2026-01-01"}, "date_from")])
def test_bad_arguments_name_the_field(store, kwargs, field):
    with pytest.raises(st.InvalidRecord, match=field):
        claims.worklist(store, signed("biller"), **kwargs)


def test_a_visit_finalized_before_claims_were_kept_is_to_send(store, world):
    store.conn.execute("DELETE FROM remittances")
    store.conn.execute("DELETE FROM claims")
    if store.conn.in_transaction:
        store.conn.commit()
    rows = claims.worklist(store, signed("biller"), kinds=["to_send"])
    assert len(rows) == 5 and {r.claim_id for r in rows} == {None}
    assert {r.status for r in rows} == {"ready"}


def test_the_worklist_is_for_people_who_read_patient_data(store):
    with pytest.raises(st.accounts.NotAllowed):
        claims.worklist(store, signed("admin", ["admin"]))


def test_charge_total_of_frozen_charges():
    lines = '{"format":"x","lines":[{"charge":"10.50"},{"charge":"2.00"}],"total":"12.50"}'
    assert charge_total(lines) == Decimal("12.50")
    assert charge_total('{"lines":[{"charge":"10.50"},{"charge":null}]}') is None
    assert charge_total(None) is None and charge_total("not json") is None
    assert charge_total('{"lines":[{"charge":"abc"}]}') is None

"""Claim records and their status (issue 15, item 4), on both backends: made at finalize,
updated or replaced at amendment, withdrawn at reopen; printed, exported, submitted, with each
change audited and a change the status does not allow refused."""

from __future__ import annotations

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import claims
from ocrebill_gui.store.claims import ClaimRefused
from ocrebill_gui.store.remittances import record_denial, record_payment


def _finalized(store, patient, **doc):
    saved = st.create_draft(store, signed("nurse"), visit_doc(**doc), patient_id=patient.id)
    outcome = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                expected_revision=saved.revision)
    return outcome.visit


def _claim_entries(store, claim_id):
    return [(e.action, {c.field: (c.before, c.after) for c in e.changes})
            for e in reversed(st.audit_entries(store, signed(), "claim", claim_id))]


def test_finalizing_makes_a_ready_claim_in_the_same_transaction(store, setup):
    patient = setup[0]
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    assert claims.current_claim(store, signed(), saved.visit_id) is None
    st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=1)
    made = claims.current_claim(store, signed(), saved.visit_id)
    assert made is not None
    assert (made.status, made.frequency, made.replaces_claim_id) == ("ready", "1", None)
    assert made.created_by == "biller" and made.to_send
    assert claims.claim(store, signed(), made.id) == made
    assert _claim_entries(store, made.id)[0][0] == "create"


def test_print_export_submit_each_audited(store, setup):
    visit = _finalized(store, setup[0])
    ready = claims.current_claim(store, signed(), visit.id)
    biller = signed("biller")
    (printed,) = claims.mark_printed(store, biller, [ready.id], "cms1500")
    assert (printed.status, printed.form) == ("printed", "cms1500") and printed.printed_at
    (exported,) = claims.mark_exported(store, biller, [ready.id], "day.837", 42)
    assert (exported.status, exported.export_file, exported.control_number) == (
        "exported", "day.837", "000000042")
    (again,) = claims.mark_printed(store, biller, [ready.id], "cms1500")
    assert again.status == "exported"  # a print after an export keeps the export
    (sent,) = claims.mark_submitted(store, biller, [ready.id])
    assert sent.status == "submitted" and sent.submitted_at
    actions = [action for action, _ in _claim_entries(store, ready.id)]
    assert actions == ["create", "print", "export", "print", "submit"]
    assert _claim_entries(store, ready.id)[4][1]["status"] == ("exported", "submitted")


def test_illegal_transitions_are_refused_and_change_nothing(store, setup):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    biller = signed("biller")
    with pytest.raises(ClaimRefused, match=rf"claim {one.id} \(visit {visit.id}\) is ready"):
        claims.mark_submitted(store, biller, [one.id])
    with pytest.raises(ClaimRefused, match="has not been sent"):
        record_payment(store, biller, one.id, "2026-04-01", "100.00")
    with pytest.raises(ClaimRefused, match="not a UB-04 claim"):
        claims.mark_printed(store, biller, [one.id], "ub04")
    with pytest.raises(ClaimRefused, match="mark it submitted first"):
        claims.set_payer_claim_number(store, biller, one.id, "ICN1")
    claims.mark_printed(store, biller, [one.id], "cms1500")
    claims.mark_submitted(store, biller, [one.id])
    for attempt in (lambda: claims.mark_exported(store, biller, [one.id], "x.837", 1),
                    lambda: claims.mark_printed(store, biller, [one.id], "cms1500"),
                    lambda: claims.mark_submitted(store, biller, [one.id])):
        with pytest.raises(ClaimRefused, match="is submitted"):
            attempt()
    assert claims.claim(store, signed(), one.id).status == "submitted"
    with pytest.raises(st.NotFound):
        claims.mark_printed(store, biller, [one.id + 100], "cms1500")
    for bad in ([], [0], ["1"], [True]):
        with pytest.raises(st.InvalidRecord, match="claim_ids"):
            claims.mark_submitted(store, biller, bad)
    with pytest.raises(st.InvalidRecord, match="form"):
        claims.mark_printed(store, biller, [one.id], "hcfa")
    with pytest.raises(st.InvalidRecord, match="control_number"):
        claims.mark_exported(store, biller, [one.id], "x.837", "12a")
    with pytest.raises(st.InvalidRecord, match="file_name"):
        claims.mark_exported(store, biller, [one.id], "a\x00b", 1)


def test_a_batch_is_all_or_nothing(store, setup):
    first = _finalized(store, setup[0])
    second = _finalized(store, setup[0], day="2026-03-18")
    a = claims.current_claim(store, signed(), first.id)
    b = claims.current_claim(store, signed(), second.id)
    claims.mark_printed(store, signed("biller"), [a.id], "cms1500")
    with pytest.raises(ClaimRefused, match=rf"claim {b.id} .* is ready"):
        claims.mark_submitted(store, signed("biller"), [a.id, b.id])
    assert claims.claim(store, signed(), a.id).status == "printed"


def test_amending_before_submission_makes_the_claim_ready_again(store, setup):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    claims.mark_exported(store, signed("biller"), [one.id], "old.837", 7)
    st.amend_visit(store, signed("biller"), visit.id, visit_doc(dose=300), "dose was 300 mg",
                   expected_revision=visit.revision)
    after = claims.current_claim(store, signed(), visit.id)
    assert after.id == one.id
    assert (after.status, after.export_file, after.control_number, after.frequency) == (
        "ready", None, None, "1")
    action, changes = _claim_entries(store, one.id)[-1]
    assert action == "update" and changes["status"] == ("exported", "ready")
    assert st.audit_entries(store, signed(), "claim", one.id)[0].reason == "dose was 300 mg"


@pytest.mark.parametrize("decided", ["submitted", "paid", "denied"])
def test_amending_after_submission_makes_a_replacement(store, setup, decided):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    biller = signed("biller")
    claims.mark_printed(store, biller, [one.id], "cms1500")
    claims.mark_submitted(store, biller, [one.id])
    if decided == "paid":
        record_payment(store, biller, one.id, "2026-04-01", "1000.00")
    elif decided == "denied":
        record_denial(store, biller, one.id, "2026-04-01", ["CO-16"], "missing NDC")
    claims.set_payer_claim_number(store, biller, one.id, " 2026 0401 0001 ")
    outcome = st.amend_visit(store, biller, visit.id, visit_doc(dose=300), "dose was 300 mg",
                             expected_revision=visit.revision)
    new = claims.current_claim(store, signed(), visit.id)
    assert new.id != one.id
    assert (new.status, new.frequency, new.replaces_claim_id) == ("ready", "7", one.id)
    assert new.original_claim_number == "202604010001" and new.payer_claim_number is None
    assert claims.claim(store, signed(), one.id).status == "replaced"
    assert [c.id for c in claims.claims_of(store, signed(), visit.id)] == [one.id, new.id]
    assert f"claim {new.id} replaces it (frequency 7)" in " ".join(outcome.notes)
    assert _claim_entries(store, one.id)[-1] == (
        "replace", {"status": (decided, "replaced")})
    with pytest.raises(ClaimRefused, match="is replaced"):
        claims.mark_printed(store, biller, [one.id], "cms1500")


def test_a_replacement_without_the_original_number_says_so(store, setup):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
    claims.mark_submitted(store, signed("biller"), [one.id])
    outcome = st.amend_visit(store, signed("biller"), visit.id, visit_doc(dose=300), "dose",
                             expected_revision=visit.revision)
    assert any("enter the payer's claim number" in n for n in outcome.notes)
    new = claims.current_claim(store, signed(), visit.id)
    assert new.original_claim_number is None
    claims.set_payer_claim_number(store, signed("biller"), one.id, "ICN-9")  # known later
    assert claims.claim(store, signed(), new.id).original_claim_number == "ICN-9"
    with pytest.raises(st.InvalidRecord, match="payer_claim_number"):
        claims.set_payer_claim_number(store, signed("biller"), one.id, "ICN/9")


def test_reopening_withdraws_a_claim_not_yet_submitted(store, setup):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
    draft = st.reopen_visit(store, signed("biller"), visit.id, "wrong patient",
                            expected_revision=visit.revision)
    withdrawn = claims.current_claim(store, signed(), visit.id)
    assert (withdrawn.id, withdrawn.status, withdrawn.form) == (one.id, "ready", None)
    action, changes = _claim_entries(store, one.id)[-1]
    assert action == "withdraw" and changes["status"] == ("printed", "ready")
    with pytest.raises(ClaimRefused, match="reopened and is a draft"):
        claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
    with pytest.raises(ClaimRefused, match="draft"):
        claims.ensure_claim(store, signed("biller"), visit.id)
    again = st.finalize_visit(store, signed("biller"), visit.id,
                              expected_revision=draft.revision).visit
    fresh = claims.current_claim(store, signed(), again.id)
    assert (fresh.id, fresh.status, fresh.frequency) == (one.id, "ready", "1")
    assert len(claims.claims_of(store, signed(), visit.id)) == 1


def test_reopening_a_submitted_claim_keeps_it_and_refinalizing_replaces_it(store, setup):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    claims.mark_exported(store, signed("biller"), [one.id], "a.837", 1)
    claims.mark_submitted(store, signed("biller"), [one.id])
    draft = st.reopen_visit(store, signed("biller"), visit.id, "dose",
                            expected_revision=visit.revision)
    assert claims.current_claim(store, signed(), visit.id).status == "submitted"
    outcome = st.finalize_visit(store, signed("biller"), visit.id,
                                expected_revision=draft.revision)
    new = claims.current_claim(store, signed(), visit.id)
    assert (new.frequency, new.replaces_claim_id) == ("7", one.id)
    assert any("replaces it" in n for n in outcome.notes)
    # Reopened again before the replacement went out: it waits, still the replacement.
    draft = st.reopen_visit(store, signed("biller"), visit.id, "again",
                            expected_revision=outcome.visit.revision)
    st.finalize_visit(store, signed("biller"), visit.id, expected_revision=draft.revision)
    latest = claims.current_claim(store, signed(), visit.id)
    assert (latest.id, latest.frequency, latest.replaces_claim_id) == (new.id, "7", one.id)
    assert claims.claim(store, signed(), one.id).status == "replaced"


def test_a_visit_finalized_before_claims_were_kept_gets_one(store, setup):
    visit = _finalized(store, setup[0])
    store.conn.execute("DELETE FROM claims")
    if store.conn.in_transaction:
        store.conn.commit()
    assert claims.current_claim(store, signed(), visit.id) is None
    made = claims.ensure_claim(store, signed("biller"), visit.id)
    assert (made.status, made.frequency) == ("ready", "1")
    assert claims.ensure_claim(store, signed("biller"), visit.id) == made
    draft = st.create_draft(store, signed("nurse"), visit_doc(day="2026-05-05"),
                            patient_id=setup[0].id)
    with pytest.raises(ClaimRefused, match="draft"):
        claims.ensure_claim(store, signed("biller"), draft.visit_id)


WRITES = {
    "mark_printed": lambda s, who, c: claims.mark_printed(s, who, [c.id], "cms1500"),
    "mark_exported": lambda s, who, c: claims.mark_exported(s, who, [c.id], "a.837", 1),
    "mark_submitted": lambda s, who, c: claims.mark_submitted(s, who, [c.id]),
    "set_payer_claim_number": lambda s, who, c: claims.set_payer_claim_number(s, who, c.id,
                                                                              "N1"),
    "ensure_claim": lambda s, who, c: claims.ensure_claim(s, who, c.visit_id),
    "record_printed": lambda s, who, c: claims.record_printed(s, who, c.visit_id, "cms1500"),
    "record_payment": lambda s, who, c: record_payment(s, who, c.id, "2026-04-01", "1.00"),
    "record_denial": lambda s, who, c: record_denial(s, who, c.id, "2026-04-01", ["CO-16"],
                                                     "x"),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_claim_write_is_the_billers_alone(store, setup, name):
    visit = _finalized(store, setup[0])
    one = claims.current_claim(store, signed(), visit.id)
    if name in ("set_payer_claim_number", "record_payment", "record_denial"):
        claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
        claims.mark_submitted(store, signed("biller"), [one.id])
    elif name == "mark_submitted":
        claims.mark_printed(store, signed("biller"), [one.id], "cms1500")
    before = claims.claim(store, signed(), one.id)
    for role in ("front_desk", "nurse", "admin"):
        with pytest.raises(st.accounts.NotAllowed, match="biller"):
            WRITES[name](store, signed(role, [role]), one)
    assert claims.claim(store, signed(), one.id) == before
    WRITES[name](store, signed("biller", ["biller"]), one)

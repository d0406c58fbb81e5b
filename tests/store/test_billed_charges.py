"""Charges frozen at finalize (issue 16, item 2): a finalized visit keeps each claim line's
charge from the fee schedule in force on its date of service (imported rows first, the
practice settings' fee list as fallback); a new fee file changes drafts, never what was
billed. Both backends."""

from __future__ import annotations

import json
from decimal import Decimal

from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.charges import total_charge
from ocrebill_gui.core.fee_schedule import parse_fee_schedule
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store.billed_charges import charges_for, frozen_charges

HEADER = "code,modifier,setting,payer,amount,effective_from,effective_to,note\n"
D = Decimal


def fees(store: st.Store, j2350: str, infusion: str, *, name: str = "fees.csv") -> None:
    text = (HEADER + f"J2350,,,,{j2350},2026-01-01,,\n96365,,office,,{infusion},2026-01-01,,\n"
            "96365,,office,,1.00,2025-01-01,2025-12-31,last year's\n")
    st.import_fees(store, signed("biller"), parse_fee_schedule(text.encode(), name=name))


def charge_of(charges, code: str) -> Decimal | None:
    return next(c.charge for c in charges if c.code == code and "JW" not in c.modifiers)


def draft_and_finalized(store, setup):
    patient = setup[0]
    kept = st.create_draft(store, signed("nurse"), visit_doc(day="2026-03-04"),
                           patient_id=patient.id).visit_id
    billed = st.create_draft(store, signed("nurse"), visit_doc(day="2026-03-05"),
                             patient_id=patient.id).visit_id
    st.finalize_visit(store, signed("biller"), billed, expected_revision=1, allow_errors=True)
    return kept, st.get_visit(store, signed("biller"), billed)


def printed(store, visit_id):
    visit = st.get_visit(store, signed("biller"), visit_id)
    claim = visit.claim or st.compute_in_store(store, visit.document)
    return charges_for(store, signed("biller"), visit_id, claim, setting=visit.setting,
                       day=visit.date_of_service)


def test_finalized_charges_stay_as_billed_after_a_new_fee_file(store, setup):
    st.save_practice(store, signed("admin"), demo_practice())
    fees(store, "75.00", "250.00")
    draft_id, billed = draft_and_finalized(store, setup)
    frozen = frozen_charges(store, billed.id)
    assert frozen is not None and charge_of(frozen, "J2350") == D("45000.00")  # 600 x $75
    assert charge_of(frozen, "96365") == D("250.00")  # the 2026 row, not 2025's
    assert "fee schedule fees.csv, from 2026-01-01" in frozen[0].source
    fees(store, "80.00", "300.00", name="fees-new.csv")
    again = printed(store, billed.id)
    assert again == frozen and charge_of(again, "J2350") == D("45000.00")
    draft = printed(store, draft_id)
    assert (charge_of(draft, "J2350"), charge_of(draft, "96365")) == (D("48000.00"),
                                                                      D("300.00"))
    assert frozen_charges(store, draft_id) is None


def test_practice_fee_list_is_the_fallback_and_frozen_too(store, setup):
    practice = demo_practice()
    st.save_practice(store, signed("admin"), practice)
    _draft, billed = draft_and_finalized(store, setup)
    frozen = frozen_charges(store, billed.id)
    assert frozen is not None
    assert charge_of(frozen, "J2350") == practice.charge("J2350", 600)
    assert frozen[0].source == "practice settings' fee list"
    raised = practice.model_copy(update={"fee_schedule": {
        code: fee * 2 for code, fee in practice.fee_schedule.items()}})
    st.save_practice(store, signed("admin"), raised)
    assert printed(store, billed.id) == frozen
    row = store.conn.execute("SELECT charges FROM visits WHERE id = ?", (billed.id,)).fetchone()
    saved = json.loads(row[0])
    assert saved["format"] == "ocrebill.charges/1"
    assert D(saved["total"]) == total_charge(frozen)


def test_amend_refreezes_and_reopen_clears(store, setup):
    st.save_practice(store, signed("admin"), demo_practice())
    fees(store, "75.00", "250.00")
    _draft, billed = draft_and_finalized(store, setup)
    fees(store, "80.00", "300.00")
    amended = st.amend_visit(store, signed("biller"), billed.id, billed.document,
                             "fee corrected", expected_revision=billed.revision,
                             allow_errors=True).visit
    assert charge_of(frozen_charges(store, billed.id), "J2350") == D("48000.00")
    st.reopen_visit(store, signed("biller"), billed.id, "wrong day",
                    expected_revision=amended.revision)
    row = store.conn.execute("SELECT charges FROM visits WHERE id = ?", (billed.id,)).fetchone()
    assert row[0] is None
    entries = [e for e in st.audit.audit_entries(store, signed("admin"), "visit", billed.id)
               if e.action in ("finalize", "amend")]
    assert len(entries) == 2
    assert all(any(c.field == "charges_total" for c in e.changes) for e in entries)

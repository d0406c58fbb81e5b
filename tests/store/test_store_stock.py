"""Inventory that matches the shelf (issue 13, item 8), on both backends: damaged and wasted
vials, lots quarantined and recalled (refused on a visit), reorder levels, vials the practice
did not buy left in stock, and never a negative count, even with two visits finalized at once."""

from __future__ import annotations

import threading

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.stock import (
    record_vial_loss,
    set_lot_status,
    set_reorder_level,
    stock_levels,
)

NURSE = signed("nurse", ("nurse",))
BILLER = signed("biller", ("biller",))


def problems(refused: pytest.ExceptionInfo) -> dict[str, str]:
    return dict(refused.value.problems)


def test_damaged_and_wasted_vials_leave_the_shelf_never_below_zero(store, setup):
    lot = setup[3]  # 10 vials
    assert record_vial_loss(store, NURSE, lot.id, 2, "damaged", "dropped, cracked").on_hand == 8
    assert record_vial_loss(store, NURSE, lot.id, 1, "wasted", "drawn, not given").on_hand == 7
    for vials, kind, field, words in ((8, "damaged", "vials", "more than the 7 vial(s)"),
                                      (-1, "damaged", "vials", "1 or more"),
                                      (0, "damaged", "vials", "1 or more"),
                                      (1, "lost", "kind", "damaged or wasted")):
        with pytest.raises(st.InvalidRecord) as refused:
            record_vial_loss(store, NURSE, lot.id, vials, kind, "why")
        assert words in problems(refused)[field]
    with pytest.raises(st.StoreError, match="say what happened"):
        record_vial_loss(store, NURSE, lot.id, 1, "damaged", " ")
    assert st.get_vial_lot(store, NURSE, lot.id).on_hand == 7
    entries = st.audit_entries(store, signed("admin", ("admin",)), entity="vial_lot")
    assert {"damaged", "wasted"} <= {e.action for e in entries}


def test_a_negative_count_is_named_at_its_field(store, setup):
    with pytest.raises(st.InvalidRecord) as refused:
        st.count_on_hand(store, NURSE, setup[3].id, -1, "shelf count")
    assert "0 or more" in problems(refused)["on_hand"]


def test_a_lot_already_received_under_another_ndc_is_named_at_the_lot(store, setup):
    with pytest.raises(st.InvalidRecord) as refused:
        st.add_vial_lot(store, NURSE, {"product": "ocrevus", "ndc": "50242-0150-01",
                                       "lot": "h0123", "expires": "2027-08-31",
                                       "received": "2026-02-01", "received_vials": 1})
    assert "already in the inventory" in problems(refused)["lot"]


@pytest.mark.parametrize(("status", "words"), [("recalled", "is recalled"),
                                               ("quarantined", "is quarantined")])
def test_a_recalled_or_quarantined_lot_is_refused_on_a_visit(store, setup, status, words):
    patient, _, _, lot = setup
    set_lot_status(store, NURSE, lot.id, status, "maker's notice 2026-07")
    saved = st.create_draft(store, NURSE, visit_doc(), patient_id=patient.id)
    with pytest.raises(st.InvalidRecord) as refused:
        st.finalize_visit(store, BILLER, saved.visit_id, allow_errors=True,
                          expected_revision=saved.revision)
    assert words in problems(refused)["administrations[0].vials[0].lot"]
    assert st.get_vial_lot(store, NURSE, lot.id).on_hand == 10
    assert not st.get_visit(store, NURSE, saved.visit_id).finalized
    set_lot_status(store, NURSE, lot.id, "available", "maker cleared it")
    st.finalize_visit(store, BILLER, saved.visit_id, expected_revision=saved.revision)
    assert st.get_vial_lot(store, NURSE, lot.id).on_hand == 8


def test_an_expired_lot_is_refused_even_when_errors_are_accepted(store, setup):
    patient, *_ = setup
    old = st.add_vial_lot(store, NURSE, {"product": "ocrevus", "ndc": "50242-0150-01",
                                         "lot": "OLD1", "expires": "2026-01-31",
                                         "received": "2025-06-01", "received_vials": 4})
    saved = st.create_draft(store, NURSE, visit_doc(lot="OLD1"), patient_id=patient.id)
    with pytest.raises(st.InvalidRecord) as refused:
        st.finalize_visit(store, BILLER, saved.visit_id, allow_errors=True,
                          expected_revision=saved.revision)
    assert "expired 2026-01-31" in problems(refused)["administrations[0].vials[0].lot"]
    assert st.get_vial_lot(store, NURSE, old.id).on_hand == 4


def test_patient_supplied_and_free_drug_vials_are_recorded_not_taken(store, setup):
    patient, _, _, lot = setup
    for source in ("patient_supplied", "free_drug_program"):
        doc = visit_doc(day="2026-03-04" if source == "patient_supplied" else "2026-09-04")
        doc["administrations"][0]["source"] = source
        saved = st.create_draft(store, NURSE, doc, patient_id=patient.id)
        outcome = st.finalize_visit(store, BILLER, saved.visit_id,
                                    expected_revision=saved.revision)
        assert outcome.vials_taken == {}
        vial = outcome.visit.document["administrations"][0]["vials"][0]
        assert (vial["lot"], vial["expires"]) == ("H0123", "2027-08-31")
    assert st.get_vial_lot(store, NURSE, lot.id).on_hand == 10


def test_reorder_level_per_product(store, setup):
    lot = setup[3]
    assert stock_levels(store, NURSE) == [st_level("ocrevus", 10, None)]
    set_reorder_level(store, NURSE, "ocrevus", 8)
    assert not stock_levels(store, NURSE)[0].low
    record_vial_loss(store, NURSE, lot.id, 2, "damaged", "dropped")
    assert stock_levels(store, NURSE)[0].low
    set_lot_status(store, NURSE, lot.id, "quarantined", "temperature log gap")
    assert stock_levels(store, NURSE)[0].on_hand == 0  # a quarantined lot is not stock
    for product, level, field in (("aspirin", 2, "product"), ("ocrevus", -1, "level")):
        with pytest.raises(st.InvalidRecord) as refused:
            set_reorder_level(store, NURSE, product, level)
        assert field in problems(refused)
    with pytest.raises(NotAllowed):
        set_reorder_level(store, signed("desk", ("front_desk",)), "ocrevus", 4)


def st_level(product, on_hand, level):
    from ocrebill_gui.store.stock import StockLevel

    return StockLevel(product, on_hand, level)


def test_two_visits_finalized_at_once_never_take_the_stock_below_zero(store, where):
    patient, _, _, _ = populated(store, vials=3)  # each visit opens 2 of the 3 vials
    drafts = [st.create_draft(store, NURSE, visit_doc(day=day), patient_id=patient.id)
              for day in ("2026-03-04", "2026-09-04")]
    outcomes: list[object] = []

    def finalize(draft) -> None:
        other = st.open_store(where)
        try:
            outcomes.append(st.finalize_visit(other, BILLER, draft.visit_id,
                                              expected_revision=draft.revision))
        except st.InvalidRecord as refused:
            outcomes.append(refused)
        finally:
            other.close()

    threads = [threading.Thread(target=finalize, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [o for o in outcomes if isinstance(o, st.InvalidRecord)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert "has 1 vial(s) on hand" in str(refused[0])
    lots = st.list_vial_lots(store, NURSE)
    assert [lot.on_hand for lot in lots] == [1]

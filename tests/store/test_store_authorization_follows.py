"""A visit's authorization follows its coverage (issue 13): always one of the visit's coverage
that covers its drug on its date, or none; re-chosen when the coverage, drug or date changes;
"none" on purpose is kept; a finalized visit keeps the one it was billed with; the superbill
of a Medicare visit never carries the other plan's PA number."""

from __future__ import annotations

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.engine import compute


@pytest.fixture
def two_plans(store):
    """Ada's Lakeside-like commercial plan (UHC, PA-1) ended on 2026-03-31, then Medicare Part B
    from 2026-04-01 (no authorization needed)."""
    patient, uhc, auth, _lot = populated(store)
    st.end_coverage(store, signed("frontdesk"), uhc.id, "2026-03-31")
    medicare = st.add_coverage(store, signed("frontdesk"), {
        "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4-TE5-MK72",
        "effective_from": "2026-04-01"})
    return patient, uhc, auth, medicare


def test_changing_the_coverage_drops_the_other_plans_authorization(store, two_plans):
    patient, uhc, auth, medicare = two_plans
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=uhc.id, authorization_id=auth.id)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("chosen", auth.id)
    moved = st.save_draft(store, signed("biller"), visit_doc(), visit_id=saved.visit_id,
                          expected_revision=saved.revision, coverage_id=medicare.id)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.coverage_id, visit.authorization_choice, visit.authorization_id) == (
        medicare.id, "auto", None)
    doc = st.visit_engine_document(store, signed(), saved.visit_id)
    assert "prior_authorization" not in doc and doc["payer"] == "medicare"
    assert not [f for f in visit.claim.findings if "PA-1" in f.message]
    # Finalized and printed: the superbill never names PA-1.
    final = st.finalize_visit(store, signed("biller"), saved.visit_id, allow_errors=True,
                              expected_revision=moved.revision).visit
    assert final.authorization_id is None and "PA-1" not in str(final.document)
    assert "prior_authorization" not in final.document


def test_a_document_carrying_another_plans_pa_loses_it(store, two_plans):
    """A draft saved under the old plan holds its PA in the document: the store takes it out
    when the coverage changes (what the editor showed as the stale error)."""
    patient, uhc, auth, medicare = two_plans
    doc = visit_doc() | {"prior_authorization": {"number": "PA-1", "valid_from": "2026-01-01",
                                                 "valid_to": "2026-12-31",
                                                 "approved_units": 0}}
    seen = st.engine_document(store, signed(), doc, patient_id=patient.id,
                              coverage_id=medicare.id)
    assert "prior_authorization" not in seen
    assert not [f for f in compute(seen).findings if "PA-1" in f.message]


def test_a_choice_made_now_must_cover_the_visit(store, two_plans):
    patient, uhc, auth, medicare = two_plans
    with pytest.raises(st.InvalidRecord, match=r"authorization_id: authorization \d+ "
                                               "belongs to another coverage"):
        st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                        coverage_id=medicare.id, authorization_id=auth.id)
    with pytest.raises(st.InvalidRecord, match=r"PA-1 is valid 2026-01-01 to 2026-12-31, "
                                               r"not on 2027-01-05: choose another one"):
        st.create_draft(store, signed("nurse"), visit_doc(day="2027-01-05"),
                        patient_id=patient.id, coverage_id=uhc.id, authorization_id=auth.id)
    tysabri = visit_doc()
    tysabri["administrations"][0]["product"] = "natalizumab"
    with pytest.raises(st.InvalidRecord, match="PA-1 is for Ocrevus, not Natalizumab"):
        st.create_draft(store, signed("nurse"), tysabri, patient_id=patient.id,
                        coverage_id=uhc.id, authorization_id=auth.id)
    assert st.count_visits(store, signed()) == 0  # nothing half-saved


def test_a_chosen_one_gives_way_when_the_date_or_drug_changes(store, two_plans):
    patient, uhc, auth, _medicare = two_plans
    later = st.add_authorization(store, signed("frontdesk"), {
        "coverage_id": uhc.id, "number": "PA-2", "product": "ocrevus", "approved_units": 600,
        "valid_from": "2026-03-01", "valid_to": "2026-03-31"})
    saved = st.create_draft(store, signed("nurse"), visit_doc(day="2026-03-10"),
                            patient_id=patient.id, coverage_id=uhc.id,
                            authorization_id=later.id)
    assert st.get_visit(store, signed(), saved.visit_id).authorization_id == later.id
    moved = st.save_draft(store, signed("nurse"), visit_doc(day="2026-02-10"),
                          visit_id=saved.visit_id, expected_revision=saved.revision)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("auto", auth.id)
    assert moved.saved


def test_none_on_purpose_is_kept_and_differs_from_automatic(store, two_plans):
    patient, uhc, auth, _medicare = two_plans
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=uhc.id, authorization_choice="none")
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("none", None)
    again = st.save_draft(store, signed("nurse"), {**visit_doc(), "note": "x"},
                          visit_id=saved.visit_id, expected_revision=saved.revision)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("none", None)
    assert "prior_authorization" not in st.visit_engine_document(store, signed(), visit.id)
    final = st.finalize_visit(store, signed("biller"), visit.id, allow_errors=True,
                              expected_revision=again.revision)
    assert final.visit.authorization_choice == "none" and final.units_used == 0
    assert st.get_authorization(store, signed(), auth.id).used_units == 0
    with pytest.raises(st.InvalidRecord, match="authorization_choice: must be one of"):
        st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                        authorization_choice="maybe")


def test_finalizing_refuses_a_chosen_one_corrected_meanwhile(store, two_plans):
    patient, uhc, auth, _medicare = two_plans
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=uhc.id, authorization_id=auth.id)
    st.update_authorization(store, signed("frontdesk"), auth.id, {"valid_from": "2026-03-05"})
    with pytest.raises(st.InvalidRecord, match="PA-1 is valid 2026-03-05 to 2026-12-31, not "
                                               "on 2026-03-04"):
        st.finalize_visit(store, signed("biller"), saved.visit_id, allow_errors=True,
                          expected_revision=saved.revision)
    assert not st.get_visit(store, signed(), saved.visit_id).finalized


def test_a_finalized_visit_keeps_the_one_it_was_billed_with(store, two_plans):
    patient, uhc, auth, _medicare = two_plans
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=uhc.id)
    final = st.finalize_visit(store, signed("biller"), saved.visit_id,
                              expected_revision=saved.revision)
    assert final.visit.authorization_id == auth.id and final.units_used == 600
    st.end_authorization(store, signed("frontdesk"), auth.id, "2026-03-01")
    again = st.get_visit(store, signed(), saved.visit_id)
    assert again.authorization_id == auth.id and again.claim == final.visit.claim
    assert st.visit_engine_document(store, signed(), saved.visit_id)[
        "prior_authorization"]["number"] == "PA-1"
    assert st.authorization_uses(store, signed(), auth.id) == [
        (saved.visit_id, again.date_of_service, 600)]
    assert st.get_authorization(store, signed(), auth.id).used_visits == 1


def test_a_visit_past_the_visits_allowed_is_noted(store, two_plans):
    patient, uhc, auth, _medicare = two_plans
    st.update_authorization(store, signed("frontdesk"), auth.id, {"visits_allowed": 1})
    notes = []
    for day in ("2026-03-02", "2026-03-16"):
        saved = st.create_draft(store, signed("nurse"), visit_doc(day=day, dose=300),
                                patient_id=patient.id, coverage_id=uhc.id)
        notes.append(st.finalize_visit(store, signed("biller"), saved.visit_id,
                                       allow_errors=True,
                                       expected_revision=saved.revision).notes)
    assert not [n for n in notes[0] if "PA-1" in n]
    assert "authorization PA-1 allows 1 visit(s): this is visit 2 on it; ask the payer for " \
           "more visits" in notes[1]
    assert st.get_authorization(store, signed(), auth.id).used_visits == 2

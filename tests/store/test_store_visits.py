"""The visit lifecycle: drafts as they are typed, finalize, amend with a reason, reopen, and
their effects on vial stock and authorization units."""

from __future__ import annotations

import copy

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.checklist import evaluate_checklist


def test_a_draft_is_saved_whatever_it_holds(store, setup):
    patient = setup[0]
    partial = {"format": "ocrebill.visit/1", "date_of_service": "2026-03-04",
               "administrations": [{"id": "ocr", "product": "ocrevus", "dose_mg": 60}]}
    saved = st.create_draft(store, signed("nurse"), partial, patient_id=patient.id)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert visit.document == partial
    assert visit.claim is None  # cannot be computed yet, still saved
    assert visit.status == "draft" and visit.coverage_id == setup[1].id
    assert st.visit_document(store, signed(), saved.visit_id) == partial


def test_draft_needs_a_date_and_a_patient(store, setup):
    with pytest.raises(st.InvalidRecord, match="date_of_service: must be a date"):
        st.create_draft(store, signed("nurse"), {"date_of_service": "04/03/2026"}, patient_id=1)
    with pytest.raises(st.InvalidRecord, match="patient_id"):
        st.create_draft(store, signed("nurse"), visit_doc(),
                        patient_id=None)  # type: ignore[arg-type]
    with pytest.raises(st.InvalidRecord, match="document: must be a JSON object"):
        st.create_draft(store, signed("nurse"), ["not", "a", "document"],  # type: ignore
                        patient_id=1)
    other = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    with pytest.raises(st.InvalidRecord, match="belongs to another patient"):
        st.create_draft(store, signed("nurse"), visit_doc(), patient_id=other.id,
                        coverage_id=setup[1].id)
    assert st.count_visits(store, signed()) == 0


def test_saving_again_bumps_the_revision_only_when_something_changed(store, setup):
    patient = setup[0]
    doc = visit_doc()
    first = st.create_draft(store, signed("nurse"), doc, patient_id=patient.id)
    same = st.save_draft(store, signed("nurse"), doc, visit_id=first.visit_id, expected_revision=1)
    assert (same.revision, same.saved) == (1, False)
    doc["administrations"][0]["events"][1]["at"] = "2026-03-04T12:45"
    changed = st.save_draft(store, signed("nurse"), doc, visit_id=first.visit_id,
                            expected_revision=1)
    assert (changed.revision, changed.saved) == (2, True)
    entry = st.audit_entries(store, signed(), "visit", first.visit_id)[0]
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("document.administrations[0].events[1].at", "2026-03-04T12:30", "2026-03-04T12:45")]
    with pytest.raises(st.VisitChanged, match=f"Visit {first.visit_id} was saved by someone "
                       r"else meanwhile \(it is at revision 2; your change is based on "
                       r"revision 1\): reload it"):
        st.save_draft(store, signed("other.nurse"), visit_doc(), visit_id=first.visit_id,
                      expected_revision=1)
    assert st.get_visit(store, signed(), first.visit_id).document == doc


def test_draft_claim_is_the_callers_or_computed(store, setup):
    patient = setup[0]
    doc = visit_doc()
    saved = st.create_draft(store, signed("nurse"), doc, patient_id=patient.id)
    seen_by_engine = st.visit_engine_document(store, signed(), saved.visit_id)
    assert seen_by_engine["prior_authorization"]["number"] == "PA-1"
    computed = st.get_visit(store, signed(), saved.visit_id).claim
    assert computed == compute(seen_by_engine)
    assert computed != compute(doc)  # the bare document lacks the authorization UHC requires
    doc["administrations"][0]["events"][1]["at"] = "2026-03-04T12:40"
    preview = compute(visit_doc(dose=300))
    st.save_draft(store, signed("nurse"), doc, visit_id=saved.visit_id, expected_revision=1,
                  claim=preview)
    assert st.get_visit(store, signed(), saved.visit_id).claim == preview  # the caller's, as given


def test_engine_document_uses_store_data_and_remaining_units(store, setup):
    patient, coverage, auth, _ = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(payer="medicare"),
                            patient_id=patient.id)
    doc = st.visit_engine_document(store, signed(), saved.visit_id)
    assert doc["patient"] == {"id": patient.ref, "name": "Müller, Ada",
                              "birth_date": "1980-02-03", "member_id": "uhc123"}  # as typed
    assert doc["payer"] == "unitedhealthcare"  # the coverage decides
    assert doc["prior_authorization"] == {"number": "PA-1", "valid_from": "2026-01-01",
                                          "valid_to": "2026-12-31", "approved_units": 1200,
                                          "approved_units_total": 1200}


def test_finalize_takes_vials_and_units_and_locks(store, setup):
    patient, coverage, auth, lot = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    outcome = st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=1)
    assert outcome.vials_taken == {"50242015001 H0123": 2}
    assert outcome.units_used == 600
    visit = outcome.visit
    assert visit.finalized and visit.finalized_by == "biller"
    assert visit.authorization_id == auth.id
    assert visit.claim == compute(visit.document, catalog=st.store_catalog(store))
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 8
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 600
    with pytest.raises(st.VisitLocked, match="amendment"):
        st.save_draft(store, signed("nurse"), visit_doc(), visit_id=saved.visit_id,
                      expected_revision=visit.revision)
    with pytest.raises(st.StoreError, match="already finalized"):
        st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=visit.revision)
    entry = st.audit_entries(store, signed(), "visit", saved.visit_id)[0]
    fields = {c.field: (c.before, c.after) for c in entry.changes}
    assert entry.action == "finalize"
    assert fields["status"] == ("draft", "finalized")
    assert fields[f"vial_lots[{lot.id}].on_hand"] == (10, 8)
    assert fields[f"authorizations[{auth.id}].used_units"] == (None, 600)


def test_the_pa_check_counts_units_used_by_earlier_visits(store, setup):
    patient, _, auth, _ = setup
    for day in ("2026-02-02", "2026-08-03"):
        saved = st.create_draft(store, signed("nurse"), visit_doc(day=day), patient_id=patient.id)
        st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=saved.revision)
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 0
    third = st.create_draft(store, signed("nurse"), visit_doc(day="2026-11-02"),
                             patient_id=patient.id)
    doc = st.visit_engine_document(store, signed(), third.visit_id)
    assert doc["prior_authorization"]["approved_units"] == 0
    claim = st.compute_in_store(store, doc)
    assert "pa-units" in {f.rule for f in claim.findings}
    with pytest.raises(st.VisitHasErrors, match="has 0 of its 1200 approved units left") as caught:
        st.finalize_visit(store, signed("biller"), third.visit_id, expected_revision=third.revision)
    assert [f.rule for f in caught.value.findings] == ["pa-units"]
    assert st.get_visit(store, signed(), third.visit_id).status == "draft"
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 0
    forced = st.finalize_visit(store, signed("biller"), third.visit_id, allow_errors=True,
                               expected_revision=third.revision)
    assert forced.visit.errors == 1
    assert st.get_authorization(store, signed(), auth.id).remaining_units == -600
    assert st.check_database(store, signed()).notices  # overuse is reported by `ocrebill check`


def test_a_finalized_visit_keeps_the_units_it_was_computed_with(store, setup):
    patient, _, auth, _ = setup
    first = st.create_draft(store, signed("nurse"), visit_doc(day="2026-02-02"),
                             patient_id=patient.id)
    st.finalize_visit(store, signed("biller"), first.visit_id, expected_revision=first.revision)
    # Its own use is added back when it is looked at again: still 1200 approved for it.
    doc = st.visit_engine_document(store, signed(), first.visit_id)
    assert doc["prior_authorization"]["approved_units"] == 1200


def test_finalize_refuses_a_document_that_cannot_be_computed(store, setup):
    patient = setup[0]
    broken = visit_doc()
    broken["administrations"][0]["dose_mg"] = -5
    saved = st.create_draft(store, signed("nurse"), broken, patient_id=patient.id)
    with pytest.raises(st.InvalidRecord, match=r"administrations\[0\]\.dose_mg: must be"):
        st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=saved.revision)
    assert st.get_visit(store, signed(), saved.visit_id).status == "draft"
    assert st.get_vial_lot(store, signed(), setup[3].id).on_hand == 10


def test_amend_needs_a_reason_and_moves_stock_and_units(store, setup):
    patient, _, auth, lot = setup
    extra = st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                             "lot": "K777", "expires": "2027-01-31",
                                             "received": "2026-02-01", "received_vials": 3})
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    finalized = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                  expected_revision=1).visit
    new = visit_doc(dose=300, lot="K777")
    with pytest.raises(st.InvalidRecord, match="reason"):
        st.amend_visit(store, signed("biller"), saved.visit_id, new, "  ",
                       expected_revision=finalized.revision)
    outcome = st.amend_visit(store, signed("biller"), saved.visit_id, new,
                             "dose was 300 mg, lot K777", expected_revision=finalized.revision)
    assert outcome.vials_taken == {"50242015001 K777": 1} and outcome.units_used == 300
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 10  # given back
    assert st.get_vial_lot(store, signed(), extra.id).on_hand == 2
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 900
    amendments = st.visit_amendments(store, signed(), saved.visit_id)
    assert [(a.kind, a.reason) for a in amendments] == [("amend", "dose was 300 mg, lot K777")]
    assert amendments[0].document_before["administrations"][0]["dose_mg"] == 600
    assert amendments[0].document_after["administrations"][0]["dose_mg"] == 300
    entry = st.audit_entries(store, signed(), "visit", saved.visit_id)[0]
    assert (entry.action, entry.reason) == ("amend", "dose was 300 mg, lot K777")
    assert ("document.administrations[0].dose_mg", 600, 300) in [
        (c.field, c.before, c.after) for c in entry.changes]


def test_a_rejected_amendment_changes_nothing(store, setup):
    patient, _, auth, lot = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    before = st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=1).visit
    bad = visit_doc()
    bad["diagnoses"] = []
    with pytest.raises(st.InvalidRecord, match="diagnoses"):
        st.amend_visit(store, signed("biller"), saved.visit_id, bad, "typo",
                       expected_revision=before.revision)
    assert st.get_visit(store, signed(), saved.visit_id) == before
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 8
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 600
    assert st.visit_amendments(store, signed(), saved.visit_id) == []


def test_reopen_gives_everything_back(store, setup):
    patient, _, auth, lot = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    finalized = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                  expected_revision=1).visit
    with pytest.raises(st.InvalidRecord, match="reason"):
        st.reopen_visit(store, signed("biller"), saved.visit_id, "",
                        expected_revision=finalized.revision)
    visit = st.reopen_visit(store, signed("biller"), saved.visit_id, "wrong patient",
                            expected_revision=finalized.revision)
    assert visit.status == "draft" and visit.finalized_at is None
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 10
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 1200
    assert store.conn.execute("SELECT count(*) FROM vial_uses").fetchone()[0] == 0
    assert [a.kind for a in st.visit_amendments(store, signed(), saved.visit_id)] == ["reopen"]
    # A reopened draft is edited and finalized again like any draft.
    edited = st.save_draft(store, signed("nurse"), visit_doc(dose=300), visit_id=saved.visit_id,
                           expected_revision=visit.revision)
    again = st.finalize_visit(store, signed("biller"), saved.visit_id,
                              expected_revision=edited.revision)
    assert again.units_used == 300 and st.get_vial_lot(store, signed(), lot.id).on_hand == 9
    with pytest.raises(st.StoreError, match="cannot be deleted"):
        st.discard_draft(store, signed("nurse"), saved.visit_id,
                         expected_revision=again.visit.revision)


def test_vials_not_in_the_inventory_are_noted_not_invented(store, setup):
    patient = setup[0]
    saved = st.create_draft(store, signed("nurse"), visit_doc(lot="NOPE1"), patient_id=patient.id)
    outcome = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                expected_revision=saved.revision)
    assert outcome.vials_taken == {}
    assert outcome.notes == ["lot NOPE1 (NDC 50242015001) is not in the inventory: nothing taken"]
    short = st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                             "lot": "ONE", "expires": "2027-01-31",
                                             "received": "2026-02-01", "received_vials": 1})
    second = st.create_draft(store, signed("nurse"), visit_doc(lot="ONE", day="2026-09-01"),
                             patient_id=patient.id)
    # Issue 13: stock never goes below zero; the visit is refused at the vial, nothing saved.
    with pytest.raises(st.InvalidRecord) as refused:
        st.finalize_visit(store, signed("biller"), second.visit_id, expected_revision=1)
    assert dict(refused.value.problems) == {
        "administrations[0].vials[0].lot": "lot ONE has 1 vial(s) on hand and this visit "
        "opens 2: count the shelf (Inventory) or correct the vials"}
    assert st.get_vial_lot(store, signed(), short.id).on_hand == 1
    assert not st.get_visit(store, signed(), second.visit_id).finalized


def test_discarding_a_draft_keeps_its_text_in_the_audit_log(store, setup):
    doc = visit_doc()
    saved = st.create_draft(store, signed("nurse"), doc, patient_id=setup[0].id)
    st.discard_draft(store, signed("nurse"), saved.visit_id, expected_revision=saved.revision)
    with pytest.raises(st.NotFound):
        st.get_visit(store, signed(), saved.visit_id)
    entry = st.audit_entries(store, signed(), "visit", saved.visit_id)[0]
    assert entry.action == "delete"
    assert {c.field: c.before for c in entry.changes}["document"] == doc


def test_visit_document_model_is_accepted_as_input(store, setup):
    from ocrebill_gui.core.engine import parse_visit

    model = parse_visit(visit_doc())
    saved = st.create_draft(store, signed("nurse"), model, patient_id=setup[0].id)
    stored = st.visit_document(store, signed(), saved.visit_id)
    assert parse_visit(stored) == model
    assert compute(copy.deepcopy(stored)) == compute(model)


def test_links_can_be_cleared_and_errors_overridden_with_a_reason(store, setup):
    patient, coverage, auth, _ = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            authorization_id=auth.id)
    cleared = st.save_draft(store, signed("biller"), visit_doc(), visit_id=saved.visit_id,
                            expected_revision=1, authorization_choice="none")
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert cleared.saved and visit.authorization_id is None and visit.coverage_id == coverage.id
    assert visit.authorization_choice == "none"
    automatic = st.save_draft(store, signed("biller"), visit_doc(), visit_id=saved.visit_id,
                              expected_revision=cleared.revision, clear=["authorization_id"])
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("auto", auth.id)
    cleared = automatic
    with pytest.raises(st.InvalidRecord, match="cannot be cleared"):
        st.save_draft(store, signed("biller"), visit_doc(), visit_id=saved.visit_id,
                      expected_revision=cleared.revision, clear=["status"])
    st.update_authorization(store, signed("biller"), auth.id, {"approved_units": 100})
    with pytest.raises(st.InvalidRecord, match="reason"):
        st.finalize_visit(store, signed("biller"), saved.visit_id, override_reason=" ",
                          expected_revision=cleared.revision)
    outcome = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                expected_revision=cleared.revision,
                                override_reason="payer confirmed by phone")
    assert outcome.visit.finalized and outcome.visit.errors == 1
    entry = st.audit_entries(store, signed(), "visit", saved.visit_id)[0]
    assert (entry.action, entry.reason) == ("finalize", "payer confirmed by phone")
    overridden = {c.field: c.after for c in entry.changes}["overridden_errors"]
    assert overridden == ["600 units billed but authorization PA-1 approves 100"]


def test_a_second_finalized_visit_the_same_day_needs_a_reason(store, setup):
    patient = setup[0]
    first = st.create_draft(store, signed("nurse"), visit_doc(dose=300), patient_id=patient.id)
    st.finalize_visit(store, signed("biller"), first.visit_id, expected_revision=first.revision)
    second = st.create_draft(store, signed("nurse"), visit_doc(dose=300), patient_id=patient.id)
    with pytest.raises(st.VisitHasErrors, match="bill the day twice") as refused:
        st.finalize_visit(store, signed("biller"), second.visit_id,
                          expected_revision=second.revision)
    assert refused.value.findings == []
    assert st.get_visit(store, signed(), second.visit_id).status == "draft"
    other_day = st.create_draft(store, signed("nurse"), visit_doc(day="2026-03-18", dose=300),
                                patient_id=patient.id)
    assert st.finalize_visit(store, signed("biller"), other_day.visit_id,
                             expected_revision=other_day.revision).visit.finalized
    done = st.finalize_visit(store, signed("biller"), second.visit_id, expected_revision=1,
                             override_reason="Second infusion chair session after a reaction")
    assert done.visit.finalized


def test_an_authorization_is_charged_the_units_billed_waste_included(store, setup):
    patient, _coverage, auth, _lot = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(dose=500), patient_id=patient.id)
    outcome = st.finalize_visit(store, signed("biller"), saved.visit_id,
                                expected_revision=saved.revision)
    billed = outcome.visit.claim.summed_lines()
    assert billed == {**billed, ("J2350", ()): 500, ("J2350", ("JW",)): 100}
    assert outcome.units_used == 600  # as the engine's pa-units check counts them
    assert st.get_authorization(store, signed(), auth.id).remaining_units == \
        auth.approved_units - 600


def test_a_finalized_visit_keeps_the_payer_profile_it_was_billed_with(store, setup):
    """A user's own profile edited after finalizing: the finalized claim, superbill and
    checklist read as billed; an amendment is computed with the profile as it is then."""
    patient = setup[0]
    mine = {**default_catalog().payers["unitedhealthcare"].model_dump(), "id": "my-uhc",
            "name": "My UHC", "prior_auth_required": False}
    st.save_payer(store, signed("biller"), mine)
    coverage = st.add_coverage(store, signed("frontdesk"), {"patient_id": patient.id,
                                                    "payer": "my-uhc", "member_id": "uhc9",
                                                    "effective_from": "2020-01-01",
                                                    "priority": 2})
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=coverage.id)
    billed = st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=1).visit
    assert "96365" in [line.code for line in billed.claim.lines]
    st.save_payer(store, signed("biller"), {**mine, "monoclonal_admin": "complex"})

    visit = st.get_visit(store, signed(), saved.visit_id)
    assert visit.document["payer"]["id"] == "my-uhc"
    assert visit.document["payer"]["monoclonal_admin"] == "therapeutic"  # as billed
    assert compute(visit.document, catalog=st.store_catalog(store)) == visit.claim
    family = evaluate_checklist(visit.document, visit.claim).item("admin-family")
    assert family.verdict == "done", family.reason

    amended = st.amend_visit(store, signed("biller"), saved.visit_id, visit_doc(),
                             "payer now bills the infusion as complex",
                             expected_revision=billed.revision).visit
    assert amended.document["payer"]["monoclonal_admin"] == "complex"
    assert "96413" in [line.code for line in amended.claim.lines]

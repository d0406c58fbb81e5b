"""Coverage and authorization records the front desk can correct (issue 13): edit, end,
delete while unused, the subscriber and claim fields, one primary per date range, member ids
as typed and searched without spaces, dashes or case; possible duplicate patients; search by
birth date. Every refusal names its field and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st


def test_coverage_fields_are_kept_and_checked(store):
    patient = st.add_patient(store, signed("frontdesk"), {"name": "Rivera, Ana"})
    coverage = st.add_coverage(store, signed("frontdesk"), {
        "patient_id": patient.id, "payer": "aetna", "member_id": "w 123-456 789",
        "group_number": "G-9", "effective_from": "2026-01-01", "plan_type": "commercial",
        "claim_office_id": "60054", "subscriber_relationship": "spouse",
        "subscriber_name": "Rivera, Luis", "subscriber_birth_date": "1975-06-01"})
    assert coverage.member_id == "w 123-456 789"  # as typed
    assert (coverage.plan_type, coverage.claim_office_id, coverage.subscriber_name,
            coverage.subscriber_birth_date) == ("commercial", "60054", "Rivera, Luis",
                                                date(1975, 6, 1))
    for typed in ("W123456789", "w123-456", "W 1234"):
        assert [p.id for p in st.search_patients(store, signed(), typed)] == [patient.id]
    with pytest.raises(st.InvalidRecord) as refused:
        st.add_coverage(store, signed("frontdesk"), {"patient_id": patient.id, "payer": "aetna",
                                                     "member_id": " - ", "priority": 2})
    assert dict(refused.value.problems) == {
        "member_id": "is required: the member id on the patient's insurance card",
        "effective_from": "is required: the date the coverage starts"}
    with pytest.raises(st.InvalidRecord, match="subscriber_name is required"):
        st.update_coverage(store, signed("frontdesk"), coverage.id, {"subscriber_name": ""})
    with pytest.raises(st.InvalidRecord, match="plan_type"):
        st.update_coverage(store, signed("frontdesk"), coverage.id, {"plan_type": "gold"})
    assert st.get_coverage(store, signed(), coverage.id) == coverage  # nothing half-saved


def test_one_primary_coverage_per_date_range(store):
    patient, uhc, _auth, _lot = populated(store)  # UHC from 2020-01-01, no end
    with pytest.raises(st.InvalidRecord) as refused:
        st.add_coverage(store, signed("frontdesk"), {
            "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4TE5MK72",
            "effective_from": "2026-04-01"})
    assert refused.value.problems == [(
        "priority", f"coverage {uhc.id} (UnitedHealthcare (commercial), from 2020-01-01) is "
                    "already the primary coverage in those dates: end it first, or make this "
                    "one secondary (order 2)")]
    ended = st.end_coverage(store, signed("frontdesk"), uhc.id, "2026-03-31")
    assert ended.effective_to == date(2026, 3, 31)
    medicare = st.add_coverage(store, signed("frontdesk"), {
        "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4TE5MK72",
        "effective_from": "2026-04-01"})
    assert st.coverage_on(store, signed(), patient.id, date(2026, 4, 2)) == medicare
    with pytest.raises(st.InvalidRecord, match="priority: coverage"):  # reopening the old one
        st.update_coverage(store, signed("frontdesk"), uhc.id, {"effective_to": None})
    actions = [e.action for e in st.audit_entries(store, signed(), "coverage", uhc.id)]
    assert actions.count("update") == 1


def test_delete_only_what_nothing_uses(store):
    patient, uhc, auth, _lot = populated(store)
    spare = st.add_coverage(store, signed("frontdesk"), {
        "patient_id": patient.id, "payer": "aetna", "member_id": "W1", "priority": 2,
        "effective_from": "2026-01-01"})
    st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                    coverage_id=uhc.id)
    with pytest.raises(st.StoreError, match=r"Coverage \d+ cannot be deleted: visit \d+, "
                                            "authorization PA-1 use it. End it instead"):
        st.delete_coverage(store, signed("frontdesk"), uhc.id)
    with pytest.raises(st.StoreError, match="Authorization PA-1 cannot be deleted: visit"):
        st.delete_authorization(store, signed("frontdesk"), auth.id)
    typo = st.add_authorization(store, signed("frontdesk"), {
        "coverage_id": spare.id, "number": "PA-TYPO", "product": "ocrevus",
        "valid_from": "2026-01-01", "valid_to": "2026-06-30", "visits_allowed": 2})
    assert typo.visits_allowed == 2 and typo.used_visits == 0
    with pytest.raises(st.StoreError, match="authorization PA-TYPO use it"):
        st.delete_coverage(store, signed("frontdesk"), spare.id)
    st.delete_authorization(store, signed("frontdesk"), typo.id)
    st.delete_coverage(store, signed("frontdesk"), spare.id)
    assert [c.id for c in st.coverages_of(store, signed(), patient.id)] == [uhc.id]
    deleted = st.audit_entries(store, signed(), "coverage", spare.id)[0]
    assert deleted.action == "delete" and deleted.changes[0].before["member_id"] == "W1"
    with pytest.raises(st.NotFound):
        st.get_authorization(store, signed(), typo.id)


def test_authorization_bad_input_is_named(store):
    _patient, uhc, auth, _lot = populated(store)
    with pytest.raises(st.InvalidRecord, match="valid_to is before valid_from"):
        st.update_authorization(store, signed("frontdesk"), auth.id, {"valid_to": "2025-01-01"})
    with pytest.raises(st.InvalidRecord, match="visits_allowed"):
        st.update_authorization(store, signed("frontdesk"), auth.id, {"visits_allowed": 0})
    assert st.get_authorization(store, signed(), auth.id) == auth


def test_possible_duplicates_and_birth_date_search(store):
    ada, uhc, _auth, _lot = populated(store)  # Müller, Ada born 1980-02-03, member uhc123
    other = st.add_patient(store, signed("frontdesk"), {"name": "Rivera, Ana",
                                                        "birth_date": "1982-03-04"})
    same = st.possible_duplicates(store, signed(), {"name": "muller, ada",
                                                    "birth_date": "1980-02-03"})
    assert [p.id for p in same] == [ada.id]
    by_member = st.possible_duplicates(store, signed(), {"name": "Someone"},
                                       member_id="UHC-123")
    assert [p.id for p in by_member] == [ada.id]
    assert st.possible_duplicates(store, signed(), {"name": "Müller, Ada",
                                                    "birth_date": "1980-02-03"},
                                  patient_id=ada.id) == []
    for typed in ("03/04/1982", "3/4/1982", "1982-03-04"):
        assert [p.id for p in st.search_patients(store, signed(), typed)] == [other.id]
    assert st.search_patients(store, signed(), "13/45/1982") == []

"""The dose schedule in the store (issue 13, item 7), on both backends: each patient's doses
from finalized visits, the next due dose, previous_dose_date filled on drafts from the store
(a typed date kept, the store's beside it), and the patients due without a planned visit."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.dose_schedule import GivenDose
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.dose_history import (
    ON_RECORD,
    doses_due,
    finalized_doses,
    next_doses,
    previous_dose_date,
)

STAFF = signed()


def given(store, patient_id: int, day: str, dose: int) -> int:
    """A finalized visit of `dose` mg Ocrevus on `day`."""
    saved = st.create_draft(store, STAFF, visit_doc(day=day, dose=dose), patient_id=patient_id)
    st.finalize_visit(store, STAFF, saved.visit_id, expected_revision=saved.revision,
                      allow_errors=True)
    return saved.visit_id


@pytest.fixture
def course(store):
    """A patient who had the two 300 mg starting doses (5 and 19 January 2026)."""
    patient, coverage, auth, lot = populated(store)
    given(store, patient.id, "2026-01-05", 300)
    given(store, patient.id, "2026-01-19", 300)
    return patient, coverage, auth, lot


def admin_of(store, visit_id: int) -> dict:
    return st.get_visit(store, STAFF, visit_id).document["administrations"][0]


def test_the_doses_and_the_next_one_come_from_finalized_visits(store, course):
    patient = course[0]
    draft = st.create_draft(store, STAFF, visit_doc(day="2026-02-01", dose=600),
                            patient_id=patient.id)  # a draft is not a dose given
    assert draft.saved
    assert finalized_doses(store, STAFF, patient.id) == {
        "ocrevus": [GivenDose(date(2026, 1, 5), 300), GivenDose(date(2026, 1, 19), 300)]}
    (upcoming,) = next_doses(store, STAFF, patient.id)
    assert (upcoming.product, upcoming.mg, upcoming.due) == ("ocrevus", 600, date(2026, 7, 5))
    assert upcoming.step == "first maintenance dose"
    assert previous_dose_date(store, STAFF, patient.id, "ocrevus", date(2026, 1, 19)) == \
        date(2026, 1, 5)  # before the date of service: not the same day's
    assert previous_dose_date(store, STAFF, patient.id, "ocrevus", date(2026, 1, 5)) is None


def test_a_draft_gets_previous_dose_date_and_it_follows_date_drug_and_patient(store, course):
    patient = course[0]
    saved = st.create_draft(store, STAFF, visit_doc(day="2026-07-06", dose=600),
                            patient_id=patient.id)
    admin = admin_of(store, saved.visit_id)
    assert admin["previous_dose_date"] == admin[ON_RECORD] == "2026-01-19"
    doc = st.get_visit(store, STAFF, saved.visit_id).document
    doc["date_of_service"] = "2026-01-12"  # the date moved: between the two doses
    for event in doc["administrations"][0]["events"]:
        event["at"] = "2026-01-12" + event["at"][10:]
    saved = st.save_draft(store, STAFF, doc, visit_id=saved.visit_id,
                          expected_revision=saved.revision)
    assert admin_of(store, saved.visit_id)["previous_dose_date"] == "2026-01-05"
    other = st.add_patient(store, STAFF, {"name": "Rivera, Ana"})
    doc = st.get_visit(store, STAFF, saved.visit_id).document
    saved = st.save_draft(store, STAFF, doc, visit_id=saved.visit_id,
                          expected_revision=saved.revision, patient_id=other.id,
                          clear=("coverage_id",))
    admin = admin_of(store, saved.visit_id)
    assert "previous_dose_date" not in admin and ON_RECORD not in admin  # no earlier dose
    doc = st.get_visit(store, STAFF, saved.visit_id).document
    saved = st.save_draft(store, STAFF, doc, visit_id=saved.visit_id,
                          expected_revision=saved.revision, patient_id=patient.id)
    doc = st.get_visit(store, STAFF, saved.visit_id).document
    doc["administrations"][0]["product"] = "ocrevus-zunovo"  # never given Zunovo
    saved = st.save_draft(store, STAFF, doc, visit_id=saved.visit_id,
                          expected_revision=saved.revision)
    assert "previous_dose_date" not in admin_of(store, saved.visit_id)


def test_a_typed_previous_dose_is_kept_beside_the_stores(store, course):
    patient = course[0]
    doc = visit_doc(day="2026-07-06", dose=600)
    doc["administrations"][0]["previous_dose_date"] = "2026-06-01"  # given elsewhere
    saved = st.create_draft(store, STAFF, doc, patient_id=patient.id)
    admin = admin_of(store, saved.visit_id)
    assert (admin["previous_dose_date"], admin[ON_RECORD]) == ("2026-06-01", "2026-01-19")
    rules = {f.rule for f in st.get_visit(store, STAFF, saved.visit_id).claim.findings}
    assert "dose-interval-short" in rules  # the engine reads the typed date


def test_the_interval_rule_sees_the_stores_date_even_with_the_callers_claim(store, course):
    patient = course[0]
    doc = visit_doc(day="2026-03-02", dose=600)  # 42 days after the last dose
    claim = st.compute_in_store(store, doc)  # as the editor computes it, without the date
    assert "dose-interval-short" not in {f.rule for f in claim.findings}
    saved = st.create_draft(store, STAFF, doc, patient_id=patient.id, claim=claim)
    visit = st.get_visit(store, STAFF, saved.visit_id)
    assert "dose-interval-short" in {f.rule for f in visit.claim.findings}
    again = st.save_draft(store, STAFF, visit.document, visit_id=saved.visit_id,
                          expected_revision=saved.revision, claim=claim)
    assert not again.saved  # filled the same: nothing changed


def test_patients_due_without_a_planned_visit(store, course):
    patient = course[0]
    today = date(2026, 6, 20)
    (due,) = doses_due(store, STAFF, today)
    assert (due.patient_id, due.patient_ref, due.due, due.last_dose, due.next.mg) == (
        patient.id, patient.ref, date(2026, 7, 5), date(2026, 1, 19), 600)
    assert doses_due(store, STAFF, today, within_days=10) == []
    stale = st.create_draft(store, STAFF, visit_doc(day="2026-06-01", dose=600),
                            patient_id=patient.id)  # a draft in the past plans nothing
    assert stale.saved and len(doses_due(store, STAFF, today)) == 1
    planned = st.create_draft(store, STAFF, visit_doc(day="2026-07-01", dose=600),
                              patient_id=patient.id)
    assert doses_due(store, STAFF, today) == []
    assert len(doses_due(store, STAFF, date(2026, 10, 3), within_days=0)) == 1  # 90 days late
    assert doses_due(store, STAFF, date(2026, 10, 4), within_days=0) == []  # off the course
    assert len(doses_due(store, STAFF, date(2026, 7, 2))) == 1  # that day is past
    st.finalize_visit(store, STAFF, planned.visit_id, expected_revision=planned.revision,
                      allow_errors=True)  # given: the next one is due in January
    assert doses_due(store, STAFF, date(2026, 7, 2)) == []  # not the reading from before


def test_a_bad_horizon_is_named_and_the_list_needs_patient_access(store, course):
    for bad in (-1, 400, "30", True):
        with pytest.raises(st.InvalidRecord) as refused:
            doses_due(store, STAFF, date(2026, 6, 20), within_days=bad)
        assert "whole number of days" in dict(refused.value.problems)["within_days"]
    with pytest.raises(NotAllowed):
        doses_due(store, signed("admin", ("admin",)), date(2026, 6, 20))

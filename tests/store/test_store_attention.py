"""What the front desk acts on (issue 13, item 6), on both backends: authorizations that will not
cover the next dose or end within 30 days, benefits due for re-verification, lots expiring,
stock at its reorder level; each alert names the patient or the lot to open. And the dose
history read from summaries over a window gives what the whole history gives (the demo)."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.dose_schedule import default_schedules, next_dose
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.attention import front_desk_lists, inventory_alerts, patient_alerts
from ocrebill_gui.store.db import writing
from ocrebill_gui.store.dose_history import (
    OVERDUE_DAYS,
    course,
    doses_in_document,
    doses_in_summary,
    finalized_doses,
)

STAFF = signed()
ADMIN = signed("admin", ("admin",))


def finalized(store, patient_id: int, day: str, dose: int) -> None:
    saved = st.create_draft(store, STAFF, visit_doc(day=day, dose=dose), patient_id=patient_id)
    st.finalize_visit(store, STAFF, saved.visit_id, expected_revision=saved.revision,
                      allow_errors=True)


@pytest.fixture
def clinic(store):
    """The two 300 mg starting doses given (600 units of a 900-unit authorization): the first
    600 mg maintenance dose is due on 5 July 2026."""
    patient, coverage, auth, lot = populated(store, approved_units=900)
    finalized(store, patient.id, "2026-01-05", 300)
    finalized(store, patient.id, "2026-01-19", 300)
    return patient, coverage, st.get_authorization(store, STAFF, auth.id), lot


def kinds(items) -> dict[str, object]:
    return {item.alert.kind: item for item in items}


def test_an_authorization_short_of_the_next_dose_names_the_patient(store, clinic):
    patient, _coverage, auth, _lot = clinic
    assert auth.remaining_units == 300
    assert patient_alerts(store, STAFF, date(2026, 4, 1)) == []  # the dose is months away
    (item,) = patient_alerts(store, STAFF, date(2026, 6, 20))
    assert item.alert.kind == "authorization-short" and item.alert.severity == "error"
    assert (item.patient_id, item.patient_ref, item.product) == (patient.id, patient.ref,
                                                                  "ocrevus")
    assert "PA-1 has 300 units left" in item.alert.text and "needs 600" in item.alert.text
    assert patient.name not in item.alert.text  # the sentence names records, not people


def test_an_authorization_ending_before_the_next_dose_or_within_30_days(store, clinic):
    patient, coverage, auth, _lot = clinic
    st.update_authorization(store, STAFF, auth.id, {"approved_units": 2400,
                                                     "valid_to": "2026-06-30"})
    alerts = patient_alerts(store, STAFF, date(2026, 6, 20))
    # One line for PA-1: the error; not again as the weaker "ending" warning.
    assert [a.alert.kind for a in alerts] == ["authorization-ends-before-dose"]
    assert "ends 2026-06-30, before the next dose" in alerts[0].alert.text
    assert alerts[0].patient_id == patient.id
    st.add_authorization(store, STAFF, {  # the renewal takes over: nothing to do
        "coverage_id": coverage.id, "number": "PA-2", "product": "ocrevus",
        "approved_units": 1200, "valid_from": "2026-07-01", "valid_to": "2027-06-30"})
    assert patient_alerts(store, STAFF, date(2026, 6, 20)) == []


def test_a_planned_visit_is_when_the_next_dose_is_held_against_the_authorization(store, clinic):
    patient, _coverage, auth, _lot = clinic
    st.update_authorization(store, STAFF, auth.id, {"approved_units": 2400,
                                                     "valid_to": "2026-07-10"})
    assert "authorization-ends-before-dose" not in kinds(
        patient_alerts(store, STAFF, date(2026, 6, 1)))  # due 5 July, within its dates
    st.create_draft(store, STAFF, visit_doc(day="2026-07-20", dose=600), patient_id=patient.id)
    assert "authorization-ends-before-dose" in kinds(
        patient_alerts(store, STAFF, date(2026, 6, 1)))  # planned after it ends


def add_verification(store, coverage_id: int, verified: str, again: str | None) -> None:
    """A benefits verification row as migration 12 keeps it (the columns the lists read)."""
    with writing(store):
        store.conn.execute(
            "INSERT INTO benefits_verifications (coverage_id, product, verified_on, "
            "next_verification, details, created_at, created_by, changed_at, changed_by) "
            "VALUES (?, 'ocrevus', ?, ?, '{}', ?, 'test', ?, 'test')",
            (coverage_id, verified, again, store.now(), store.now()))


def test_benefits_due_for_reverification_only_the_latest_counts(store, clinic):
    patient, coverage, auth, _lot = clinic
    st.update_authorization(store, STAFF, auth.id, {"approved_units": 2400})
    add_verification(store, coverage.id, "2026-01-02", "2026-03-01")
    (item,) = patient_alerts(store, STAFF, date(2026, 3, 10))
    assert item.alert.kind == "benefits-due" and item.alert.severity == "error"  # past due
    assert item.patient_id == patient.id and f"coverage {coverage.id}" in item.alert.text
    add_verification(store, coverage.id, "2026-03-05", "2026-09-01")  # verified again
    assert patient_alerts(store, STAFF, date(2026, 3, 10)) == []
    (item,) = patient_alerts(store, STAFF, date(2026, 8, 15))
    assert item.alert.severity == "warning" and item.alert.when == date(2026, 9, 1)


def test_a_planned_visit_without_any_verification_is_named(store, clinic):
    patient, coverage, auth, _lot = clinic
    st.update_authorization(store, STAFF, auth.id, {"approved_units": 2400})
    st.create_draft(store, STAFF, visit_doc(day="2026-07-06", dose=600), patient_id=patient.id)
    (item,) = patient_alerts(store, STAFF, date(2026, 6, 20))
    assert item.alert.kind == "benefits-due" and "have not been verified" in item.alert.text
    add_verification(store, coverage.id, "2026-06-01", "2026-12-01")
    assert patient_alerts(store, STAFF, date(2026, 6, 20)) == []


def test_lots_expiring_and_stock_at_its_reorder_level(store, clinic):
    lot = clinic[3]  # 10 vials, expires 2027-08-31; the two doses took 2
    assert inventory_alerts(store, ADMIN, date(2026, 6, 20)) == []
    found = kinds(inventory_alerts(store, ADMIN, date(2027, 8, 10)))
    assert found["lot-expiring"].lot_id == lot.id and "21 days" in found[
        "lot-expiring"].alert.text
    assert kinds(inventory_alerts(store, ADMIN, date(2027, 9, 1)))["lot-expired"].lot_id == \
        lot.id
    st.set_reorder_level(store, signed("nurse", ("nurse",)), "ocrevus", 8)
    low = kinds(inventory_alerts(store, ADMIN, date(2026, 6, 20)))["stock-low"]
    assert low.product == "ocrevus" and "8 vial(s) on hand" in low.alert.text
    st.set_lot_status(store, signed("nurse", ("nurse",)), lot.id, "recalled", "maker's notice")
    assert "lot-expired" not in kinds(inventory_alerts(store, ADMIN, date(2027, 9, 1)))


def test_patient_alerts_need_patient_access_the_inventorys_do_not(store, clinic):
    with pytest.raises(NotAllowed):
        patient_alerts(store, ADMIN, date(2026, 6, 20))
    with pytest.raises(NotAllowed):
        front_desk_lists(store, ADMIN, date(2026, 6, 20))
    alerts, due = front_desk_lists(store, STAFF, date(2026, 6, 20), within_days=30)
    assert [a.alert.kind for a in alerts] == ["authorization-short"]
    assert [d.patient_id for d in due] == [clinic[0].id]


@pytest.mark.sqlite_only
def test_the_window_of_summaries_gives_what_the_whole_history_gives(tmp_path):
    today = date(2026, 11, 27)
    st.create_demo_database(tmp_path / "demo.sqlite", patients=60, visits=400, today=today)
    with st.open_store(tmp_path / "demo.sqlite") as store:
        rows = store.conn.execute("SELECT summary, document FROM visits "
                                  "WHERE status = 'finalized'").fetchall()
        import json

        assert all(doses_in_summary(s) == doses_in_document(json.loads(d)) for s, d in rows)
        windowed = {(p, n.product): n for p, n, _last in course(store, today)}
        whole = {}
        for (patient_id,) in store.conn.execute("SELECT id FROM patients"):
            for product, doses in finalized_doses(store, STAFF, patient_id).items():
                upcoming = next_dose(default_schedules()[product], doses)
                if upcoming.due and (today - upcoming.due).days <= OVERDUE_DAYS:
                    whole[(patient_id, product)] = upcoming
        assert windowed == whole and len(whole) > 40

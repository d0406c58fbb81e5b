"""Patients, coverages, authorizations, vial lots, payer profiles and practice settings:
validation that names the field, uniqueness, audit entries."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store.accounts import NotAllowed


def test_patient_round_trip_with_assigned_ref_and_upper_case_mrn(store):
    patient = st.add_patient(store, signed("frontdesk"), {
        "name": " Núñez, Iñigo ", "birth_date": "1975-06-07", "mrn": "ab-12", "sex": "M",
        "address": "1 Demo Road", "phone": "555-0100"})
    assert patient.name == "Núñez, Iñigo"
    assert patient.ref == f"P-{patient.id:05d}"
    assert patient.mrn == "AB-12"
    assert patient.birth_date == date(1975, 6, 7)
    assert st.get_patient(store, signed(), patient.id) == patient
    assert st.patient_by_ref(store, signed(), patient.ref) == patient


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"name": ""}, "name", "must not be empty"),
    ({"name": "1234"}, "name", "must contain a name"),
    ({"name": "A, B", "birth_date": "1980-13-01"}, "birth_date", "date"),
    ({"name": "A, B", "birth_date": "2999-01-01"}, "birth_date", "future"),
    ({"name": "A, B", "birth_date": "1899-03-04"}, "birth_date", "before 1900: check the year"),
    ({"name": "A, B", "sex": "female"}, "sex", "'F'"),
    ({"name": "A, B", "shoe_size": 42}, "shoe_size", "not a known field"),
    ({}, "name", "is required"),
])
def test_bad_patient_input_names_the_field(store, fields, field, words):
    with pytest.raises(st.InvalidRecord) as caught:
        st.add_patient(store, signed("frontdesk"), fields)
    assert [f for f, _ in caught.value.problems] == [field]
    assert words in str(caught.value)
    assert st.count_patients(store, signed()) == 0


def test_mrn_and_ref_are_unique(store):
    first = st.add_patient(store, signed("kim"),
                           {"name": "Rivera, Ana", "mrn": "M1", "ref": "P-1001"})
    with pytest.raises(st.InvalidRecord, match="mrn: 'M1' is already used by Rivera, Ana"):
        st.add_patient(store, signed("kim"), {"name": "Okafor, Grace", "mrn": "m1"})
    with pytest.raises(st.InvalidRecord, match="ref: 'P-1001' is already used"):
        st.add_patient(store, signed("kim"), {"name": "Okafor, Grace", "ref": "P-1001"})
    other = st.add_patient(store, signed("kim"), {"name": "Okafor, Grace"})
    with pytest.raises(st.InvalidRecord, match="mrn"):
        st.update_patient(store, signed("kim"), other.id, {"mrn": "M1"})
    assert st.get_patient(store, signed(), first.id).mrn == "M1"


def test_patient_update_is_audited_field_by_field(store):
    patient = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana", "phone": "1"})
    updated = st.update_patient(store, signed("joe"), patient.id,
                                {"phone": "2", "name": "Rivera, Anna"})
    assert updated.phone == "2" and updated.changed_by == "joe"
    assert st.search_patients(store, signed(), "anna") == [updated]
    assert st.search_patients(store, signed(), "ana ") == []
    entry = st.audit_entries(store, signed(), "patient", patient.id)[0]
    assert entry.action == "update" and entry.actor == "joe"
    assert {(c.field, c.before, c.after) for c in entry.changes} == {
        ("name", "Rivera, Ana", "Rivera, Anna"), ("phone", "1", "2")}
    # Saving the same values again changes nothing and writes no entry.
    st.update_patient(store, signed("joe"), patient.id, {"phone": "2"})
    assert len(st.audit_entries(store, signed(), "patient", patient.id)) == 2


def test_every_write_and_patient_read_takes_a_signed_in_session(store):
    """A name is not a session: the audit log records who signed in, never a typed name."""
    for who in ("frontdesk", " ", None):
        with pytest.raises(NotAllowed, match="Sign in first"):
            st.add_patient(store, who, {"name": "Rivera, Ana"})  # type: ignore[arg-type]
        with pytest.raises(NotAllowed, match="Sign in first"):
            st.list_patients(store, who)  # type: ignore[arg-type]
    assert st.count_patients(store, signed()) == 0


def test_missing_records_raise_not_found(store):
    for call in (lambda: st.get_patient(store, signed(), 9),
                 lambda: st.get_coverage(store, signed(), 9),
                 lambda: st.get_authorization(store, signed(), 9),
                 lambda: st.get_vial_lot(store, signed(), 9),
                 lambda: st.get_visit(store, signed(), 9),
                 lambda: st.visit_document(store, signed(), 9)):
        with pytest.raises(st.NotFound, match="There is no"):
            call()


def test_coverage_needs_a_known_payer_and_patient(store):
    patient = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    with pytest.raises(st.InvalidRecord) as caught:
        st.add_coverage(store, signed("kim"), {"patient_id": 99, "payer": "acme", "member_id": "A1",
                                               "effective_from": "2026-01-01"})
    assert [f for f, _ in caught.value.problems] == ["patient_id", "payer"]
    with pytest.raises(st.InvalidRecord, match="effective_to is before effective_from"):
        st.add_coverage(store, signed("kim"), {"patient_id": patient.id, "payer": "medicare",
                                       "effective_from": "2026-02-01",
                                       "effective_to": "2026-01-01", "member_id": "M-1"})
    primary = st.add_coverage(store, signed("kim"), {"patient_id": patient.id, "payer": "medicare",
                                             "member_id": "1eg4te5mk73",
                                             "effective_to": "2026-06-30",
                                             "effective_from": "2020-01-01"})
    secondary = st.add_coverage(store, signed("kim"), {"patient_id": patient.id,
                                                       "payer": "medicaid",
                                               "priority": 2,
                                               "member_id": "M-1", "effective_from": "2020-01-01"})
    assert primary.member_id == "1eg4te5mk73"  # as typed (searched without case)
    assert st.coverages_of(store, signed(), patient.id) == [primary, secondary]
    assert st.coverage_on(store, signed(), patient.id, date(2026, 3, 1)) == primary
    assert st.coverage_on(store, signed(), patient.id, date(2026, 7, 1)) == secondary
    changed = st.update_coverage(store, signed("kim"), primary.id, {"group_number": "G7"})
    assert changed.group_number == "G7" and changed.payer == "medicare"


def test_user_payer_profiles_sit_beside_the_shipped_ones(store):
    assert "demo-plan" not in st.store_catalog(store).payers
    profile = st.save_payer(store, signed("biller"), {"id": "demo-plan", "name": "Demo plan",
                                              "monoclonal_admin": "complex"})
    assert st.user_payers(store) == {"demo-plan": profile}
    assert st.store_catalog(store).payers["demo-plan"].monoclonal_admin == "complex"
    assert ("demo-plan", True) in {(p.id, mine) for p, mine in st.payer_profiles(store)}
    assert ("medicare", False) in {(p.id, mine) for p, mine in st.payer_profiles(store)}
    with pytest.raises(st.InvalidRecord, match="waste_modifiers"):
        st.save_payer(store, signed("biller"), {"id": "x", "name": "X", "waste_modifiers": "some"})
    patient = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    st.add_coverage(store, signed("kim"), {"patient_id": patient.id, "payer": "demo-plan",
                                           "member_id": "M-1", "effective_from": "2020-01-01"})
    with pytest.raises(st.InvalidRecord, match="used by 1 coverage"):
        st.delete_payer(store, signed("biller"), "demo-plan")
    # A user copy of a shipped profile can go: the shipped one takes over again.
    st.save_payer(store, signed("biller"), {"id": "medicare", "name": "Medicare (our MAC)",
                                    "program": "medicare", "monoclonal_admin": "complex"})
    assert st.store_catalog(store).payers["medicare"].monoclonal_admin == "complex"
    st.delete_payer(store, signed("biller"), "medicare")
    assert st.store_catalog(store).payers["medicare"].monoclonal_admin == "therapeutic"
    actions = [e.action for e in st.audit_entries(store, signed(), "payer_profile")]
    assert actions == ["delete", "create", "create"]


def test_true_is_not_a_number_of_units(store):
    patient = st.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
    coverage = st.add_coverage(store, signed("desk"), {
        "patient_id": patient.id, "payer": "medicare", "member_id": "M-1",
        "effective_from": "2020-01-01"})
    with pytest.raises(st.InvalidRecord, match="approved_units: must be a number"):
        st.add_authorization(store, signed("desk"), {
            "coverage_id": coverage.id, "number": "PA-1", "product": "ocrevus",
            "approved_units": True, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})


def test_two_payer_profiles_never_share_a_name(store):
    """Two "Aetna" in every payer picker: nobody could tell which one a coverage bills."""
    with pytest.raises(st.InvalidRecord, match="name: is already the name of payer profile "
                                               "'aetna'"):
        st.save_payer(store, signed("biller"), {"id": "aetna-2", "name": "aetna "})
    # A copy that replaces a shipped profile keeps its id, and may keep its name.
    aetna = st.store_catalog(store).payers["aetna"]
    st.save_payer(store, signed("biller"), {**aetna.model_dump(), "monoclonal_admin": "complex"})
    assert st.user_payers(store)["aetna"].name == aetna.name


def test_practice_settings_are_validated_and_audited(store):
    assert st.practice_settings(store) is None
    saved = st.save_practice(store, signed("admin"), demo_practice())
    assert st.practice_settings(store) == saved
    with pytest.raises(st.InvalidRecord, match="npi"):
        st.save_practice(store, signed("admin"), {**saved.model_dump(), "npi": "12"})
    fees = {**saved.fee_schedule, "J2350": "80.00"}
    st.save_practice(store, signed("admin"), {**saved.model_dump(), "fee_schedule": fees})
    entry = st.audit_entries(store, signed(), "practice")[0]
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("fee_schedule.J2350", "72.00", "80.00")]


def test_authorization_validation_and_remaining_units(store, setup):
    patient, coverage, auth, _ = setup
    assert (auth.approved_units, auth.used_units, auth.remaining_units) == (1200, 0, 1200)
    with pytest.raises(st.InvalidRecord) as caught:
        st.add_authorization(store, signed("biller"), {"coverage_id": coverage.id, "number": "PA-1",
                                               "product": "aspirin", "valid_from": "2026-01-01",
                                               "valid_to": "2025-01-01"})
    assert "valid_to is before valid_from" in str(caught.value)
    with pytest.raises(st.InvalidRecord) as caught:
        st.add_authorization(store, signed("biller"), {"coverage_id": coverage.id, "number": "PA-1",
                                               "product": "aspirin", "valid_from": "2026-01-01",
                                               "valid_to": "2026-02-01"})
    assert {f for f, _ in caught.value.problems} == {"product", "number"}
    assert st.authorization_for(store, signed(), coverage.id, "ocrevus", date(2026, 5, 1)) == auth
    assert st.authorization_for(store, signed(), coverage.id, "ocrevus", date(2027, 5, 1)) is None
    assert st.authorizations_of(store, signed(), patient_id=patient.id) == [auth]
    soon = st.expiring_authorizations(store, signed(), date(2026, 12, 10), within_days=30)
    assert soon == [auth]
    assert st.expiring_authorizations(store, signed(), date(2026, 10, 1), within_days=30) == []
    extended = st.update_authorization(store, signed("biller"), auth.id, {"valid_to": "2027-01-31"})
    assert extended.valid_to == date(2027, 1, 31)


def test_vial_lots_inventory_and_expiry(store, setup):
    _, _, _, lot = setup
    assert (lot.ndc, lot.lot, lot.on_hand) == ("50242015001", "H0123", 10)
    assert st.lot_by_number(store, signed(), "50242-0150-01", "h0123") == lot
    with pytest.raises(st.InvalidRecord, match="already in the inventory"):
        st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242015001",
                                         "lot": "H0123", "expires": "2027-08-31",
                                         "received": "2026-01-02", "received_vials": 4})
    with pytest.raises(st.InvalidRecord) as caught:
        st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "00009-0047-22",
                                         "lot": "Z1", "expires": "2025-01-01",
                                         "received": "2026-01-02", "received_vials": 4})
    assert {f for f, _ in caught.value.problems} == {"ndc", "expires"}
    with pytest.raises(st.InvalidRecord, match="ndc: must be an NDC"):
        st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "abc", "lot": "Z1",
                                         "expires": "2027-01-01", "received": "2026-01-02",
                                         "received_vials": 4})
    short = st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                             "lot": "S1", "expires": "2026-04-01",
                                             "received": "2026-01-02", "received_vials": 2})
    assert st.expiring_lots(store, signed(), date(2026, 3, 1), within_days=60) == [short]
    assert st.list_vial_lots(store, signed()) == [short, lot]
    counted = st.count_on_hand(store, signed("nurse"), short.id, 1, "shelf count")
    assert counted.on_hand == 1
    with pytest.raises(st.InvalidRecord, match="reason"):
        st.count_on_hand(store, signed("nurse"), short.id, 0, "")
    entry = st.audit_entries(store, signed(), "vial_lot", short.id)[0]
    assert (entry.action, entry.reason) == ("count", "shelf count")
    assert st.list_vial_lots(store, signed(), in_stock=True, product="ocrevus") == [counted, lot]


def test_audit_log_is_append_only(store, setup, backend):
    import sqlite3

    # SQLite's trigger error as sqlite3 raises it; the server's PL/pgSQL one as a StoreError
    refused = sqlite3.IntegrityError if backend == "sqlite" else st.StoreError
    count = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert count == 4  # patient, coverage, authorization, lot
    with pytest.raises(refused, match="append-only"):
        store.conn.execute("UPDATE audit_log SET actor = 'someone else'")
    with pytest.raises(refused, match="append-only"):
        store.conn.execute("DELETE FROM audit_log")
    store.conn.rollback()
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == count

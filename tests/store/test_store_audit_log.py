"""Reading the audit log: filters, pages, the CSV export, and audited reads of patient data."""

from __future__ import annotations

import csv
import json
import os
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from staff import signed
from store_helpers import TickingClock, populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.audit import READ_ACTIONS, record, record_read, write_audit_csv
from ocrebill_gui.store.audit_query import patients_meant, utc_bound
from ocrebill_gui.store.db import writing

ODD_NAME = 'O\'Hara, "Jo", Ann\nSecond line'


@pytest.fixture
def two_patients(store):
    """Müller (with coverage, authorization, two visits) and O'Hara (one visit)."""
    patient, coverage, auth, _lot = populated(store, approved_units=None)
    other = st.add_patient(store, signed("frontdesk"), {"name": ODD_NAME, "mrn": "MRN-2"})
    st.add_coverage(store, signed("frontdesk"), {"patient_id": other.id, "payer": "aetna",
                                         "member_id": "a-2", "effective_from": "2020-01-01"})
    visits = []
    for who, day in ((patient, "2026-03-04"), (patient, "2026-04-01"), (other, "2026-03-05")):
        doc = visit_doc(day=day)
        doc["patient"] = {"id": who.ref, "name": who.name}
        visits.append(st.import_document(store, signed("nurse"), doc, finalize=True,
                                         allow_errors=True).visit_id)
    return patient, other, coverage, auth, visits


def _ids(entries) -> list[int]:
    return [e.id for e in entries]


def _paid(store, visit_id: int) -> tuple[int, int]:
    """The visit's claim printed, submitted and paid: (claim id, remittance id)."""
    from ocrebill_gui.store.claims import current_claim, mark_printed, mark_submitted
    from ocrebill_gui.store.remittances import record_payment

    claim = current_claim(store, signed(), visit_id)
    mark_printed(store, signed("biller"), [claim.id], "cms1500")
    mark_submitted(store, signed("biller"), [claim.id])
    paid = record_payment(store, signed("biller"), claim.id, "2026-04-20", "512.40")
    return claim.id, paid.id


def test_by_visit_newest_first(store, two_patients):
    *_, visits = two_patients
    claim_id, remittance_id = _paid(store, visits[0])
    entries = st.audit_entries(store, signed(), visit_id=visits[0], limit=50)
    # The visit's own entries, its claim's (made at finalize, printed, submitted, paid) and
    # the remittance's (issue 15).
    assert entries and {(e.entity, e.entity_id) for e in entries} == {
        ("visit", str(visits[0])), ("claim", str(claim_id)),
        ("remittance", str(remittance_id))}
    assert [e.action for e in entries if e.entity == "claim"] == [
        "pay", "submit", "print", "create"]
    assert [e.action for e in entries if e.entity == "remittance"] == ["create"]
    assert _ids(entries) == sorted(_ids(entries), reverse=True)
    assert [e.action for e in entries][-1] == "create"
    assert entries[-1].entity == "visit"
    # The old way of asking stays: entity and entity id (the visit's own entries).
    assert _ids(st.audit_entries(store, signed(), "visit", visits[0], limit=50)) == [
        e.id for e in entries if e.entity == "visit"]
    # Another visit's history holds none of them.
    other = st.audit_entries(store, signed(), visit_id=visits[1], limit=50)
    assert not {(e.entity, e.entity_id) for e in other} & {
        ("claim", str(claim_id)), ("remittance", str(remittance_id))}


def test_by_patient_covers_its_coverages_authorizations_and_visits(store, two_patients):
    from ocrebill_gui.store.claims import current_claim

    patient, other, coverage, auth, visits = two_patients
    claim_id, remittance_id = _paid(store, visits[0])
    second = current_claim(store, signed(), visits[1])
    entries = st.audit_entries(store, signed(), patient_id=patient.id, limit=500)
    kinds = {(e.entity, e.entity_id) for e in entries}
    assert kinds == {("patient", str(patient.id)), ("coverage", str(coverage.id)),
                     ("authorization", str(auth.id)), ("visit", str(visits[0])),
                     ("visit", str(visits[1])), ("claim", str(claim_id)),
                     ("claim", str(second.id)), ("remittance", str(remittance_id))}
    assert {e.patient_id for e in entries} == {patient.id}
    assert {e.patient_name for e in entries} == {patient.name}
    theirs = st.audit_entries(store, signed(), patient_id=other.id, limit=500)
    assert {e.patient_ref for e in theirs} == {other.ref}
    assert not set(_ids(theirs)) & set(_ids(entries))
    # Entries about no patient (a vial lot, the practice) carry none.
    lot_entry = st.audit_entries(store, signed(), "vial_lot", limit=1)[0]
    assert lot_entry.patient_id is None and lot_entry.patient_name is None


def test_by_user_and_date_range(store, two_patients):
    everything = st.audit_entries(store, signed(), limit=1000)
    nurse = st.audit_entries(store, signed(), actor="nurse", limit=1000)
    assert nurse and {e.actor for e in nurse} == {"nurse"}
    assert _ids(nurse) == [e.id for e in everything if e.actor == "nurse"]
    assert st.audit_entries(store, signed(), actor="nobody") == []
    # TickingClock: 2026-03-04 08:00 UTC, one second per write: all on one local day.
    day = datetime.fromisoformat(everything[0].at).astimezone().date()
    assert _ids(st.audit_entries(store, signed(), date_from=day, date_to=day, limit=1000)) == \
        _ids(everything)
    assert st.audit_entries(store, signed(), date_from=day + timedelta(days=1)) == []
    assert st.audit_entries(store, signed(), date_to=day - timedelta(days=1)) == []


def test_a_local_day_is_its_utc_range():
    day = date(2026, 3, 4)
    start = datetime.fromisoformat(utc_bound(day))
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone().replace(tzinfo=None) == datetime(2026, 3, 4)


def test_pages_do_not_overlap_and_cover_everything(store, two_patients):
    everything = _ids(st.audit_entries(store, signed(), limit=10_000))
    pages = []
    offset = 0
    while page := st.audit_entries(store, signed(), limit=7, offset=offset):
        pages.append(_ids(page))
        offset += 7
    assert [i for page in pages for i in page] == everything
    assert all(len(page) == 7 for page in pages[:-1])


def test_csv_round_trip_with_a_name_holding_a_comma_quotes_and_a_newline(store, two_patients,
                                                                        tmp_path):
    _patient, other, *_ = two_patients
    out = tmp_path / "audit.csv"
    written = write_audit_csv(store, signed(), out, patient_id=other.id)
    entries = st.audit_entries(store, signed(), patient_id=other.id, limit=1000)
    assert written == len(entries) > 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["id"]) for r in rows] == sorted(_ids(entries))  # oldest first
    assert {r["patient_name"] for r in rows} == {ODD_NAME}
    created = next(r for r in rows if r["entity"] == "patient" and r["action"] == "create")
    assert json.loads(created["changes"])[0]["after"]["name"] == ODD_NAME
    assert created["user"] == "frontdesk"
    assert all(len(r["hash"]) == 64 for r in rows)
    assert not list(tmp_path.glob(".*partial"))


def test_csv_refuses_an_existing_file_without_force_and_guards_formulas(store, tmp_path):
    patient = st.add_patient(store, signed(), {"name": "@Sum, Eve"})
    with writing(store):  # an actor no login can be (an older database's): guarded all the same
        record(store, "=cmd|' /C calc'!A0", "patient", patient.id, "update", [])
    out = tmp_path / "audit.csv"
    out.write_text("keep me")
    with pytest.raises(FileExistsError):
        write_audit_csv(store, signed(), out)
    assert out.read_text() == "keep me"
    assert write_audit_csv(store, signed(), out, force=True) == 2
    with open(out, newline="", encoding="utf-8") as handle:
        row = list(csv.DictReader(handle))[-1]
    assert row["user"] == "'=cmd|' /C calc'!A0" and row["patient_name"] == "'@Sum, Eve"
    with pytest.raises(st.StoreError, match="does not exist"):
        write_audit_csv(store, signed(), tmp_path / "no-such-folder" / "a.csv")


def test_a_read_is_audited_once_per_session_record_and_action(store, two_patients):
    patient, other, *_ = two_patients
    before = len(st.audit_entries(store, signed(), limit=10_000))
    assert record_read(store, signed("biller"), "patient", patient.id, "view")
    assert record_read(store, signed("biller"), "patient", patient.id, "view")  # on record already
    assert record_read(store, signed("biller"), "patient", patient.id, "print")
    assert record_read(store, signed("biller"), "patient", other.id, "view")
    assert record_read(store, signed("biller"), "patient", patient.id, "view",
                       session_id="next-run")
    reads = st.audit_entries(store, signed(), limit=4)
    assert len(st.audit_entries(store, signed(), limit=10_000)) == before + 4
    assert [(e.action, e.entity_id) for e in reversed(reads)] == [
        ("view", str(patient.id)), ("print", str(patient.id)), ("view", str(other.id)),
        ("view", str(patient.id))]
    sessions = [next(c.after for c in e.changes if c.field == "session") for e in reads]
    assert sessions[0] == "next-run" and set(sessions[1:]) == {store.session_id}
    assert st.check_database(store, signed()).ok
    with pytest.raises(ValueError):
        record_read(store, signed("biller"), "patient", patient.id, "edit")
    with pytest.raises(NotAllowed, match="Sign in first"):
        record_read(store, "biller", "patient", patient.id, "view")  # type: ignore[arg-type]
    assert set(READ_ACTIONS) == {"open", "view", "print", "export"}


def test_a_read_only_database_cannot_record_a_read(db_path):
    with st.open_store(db_path, clock=TickingClock()) as store:
        patient = st.add_patient(store, signed("frontdesk"), {"name": "Ro, Rita"})
    with st.open_store(db_path, read_only=True) as store:
        assert record_read(store, signed("biller"), "patient", patient.id, "view") is False
        assert [e.action for e in st.audit_entries(store, signed())] == ["create"]


def test_the_patient_a_filter_means(store, two_patients):
    patient, other, *_ = two_patients
    assert patients_meant(store, signed(), patient.ref) == [patient]
    assert patients_meant(store, signed(), "MRN-2") == [other]
    assert patients_meant(store, signed(), "mull") == [patient]
    assert patients_meant(store, signed(), "  ") == []
    assert patients_meant(store, signed(), "zzz-nobody") == []


def test_a_hand_written_row_is_shown_not_refused(db_path):
    import sqlite3

    with st.open_store(db_path, clock=TickingClock()) as store:
        st.add_patient(store, signed("frontdesk"), {"name": "Hand, Hal"})
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO audit_log (at, actor, entity, entity_id, action, changes) "
                 "VALUES (?, 'x', 'visit', '9', 'update', 'not json')",
                 (datetime.now(UTC).isoformat(),))
    conn.commit()
    conn.close()
    with st.open_store(db_path) as store:
        entry = st.audit_entries(store, signed(), limit=1)[0]
        assert entry.changes[0].after == "not json"
        assert not st.check_database(store, signed()).ok

"""Importing visit documents, backups and the health check."""

from __future__ import annotations

import sqlite3

import pytest
from staff import signed
from store_helpers import example, example_names, load_example, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core import InvalidVisit, compute


def test_every_computable_example_imports_with_its_expected_claim(store):
    for name in example_names():
        document, expected = load_example(name)
        try:
            compute(document)
        except InvalidVisit:
            with pytest.raises(st.InvalidRecord):
                st.import_document(store, signed("import"), document)
            continue
        result = st.import_document(store, signed("import"), document)
        visit = st.get_visit(store, signed(), result.visit_id)
        assert visit.document == document
        assert visit.claim == compute(document)
        expected_lines = {(line["code"], tuple(line.get("modifiers", []))): line["units"]
                          for line in expected.get("lines", [])}
        summed = {key: units for key, units in visit.claim.summed_lines().items()}
        for key, units in expected_lines.items():
            assert summed.get(key) == units, (name, key)


def test_patient_is_matched_by_id_or_created(store):
    doc = example()
    block = doc["patient"]
    first = st.import_document(store, signed("import"), doc)
    assert first.patient_created and first.patient_ref == block["id"]
    patient = st.get_patient(store, signed(), first.patient_id)
    assert (patient.name, str(patient.birth_date)) == (block["name"], block["birth_date"])
    later = example()
    later["date_of_service"] = "2026-09-02"
    for event in later["administrations"][0]["events"]:
        event["at"] = "2026-09-02" + event["at"][10:]
    second = st.import_document(store, signed("import"), later)
    assert not second.patient_created and second.patient_id == first.patient_id
    coverage = st.coverages_of(store, signed(), first.patient_id)
    assert [(c.payer, c.member_id) for c in coverage] == [
        (doc["payer"]["id"], block["member_id"])]


def test_a_patient_id_with_another_name_is_rejected(store):
    doc = example()
    st.import_document(store, signed("import"), doc)
    imposter = example()
    imposter["patient"]["name"] = "Someone, Else"
    before = store.conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    with pytest.raises(st.InvalidRecord) as caught:
        st.import_document(store, signed("import"), imposter)
    assert caught.value.lines() == [  # the stored name is not told to whoever imports
        f"patient.name: patient {doc['patient']['id']} has another name in this database than "
        "'Someone, Else': check the patient id"]
    assert store.conn.execute("SELECT count(*) FROM visits").fetchone()[0] == before


def test_a_rejected_document_writes_nothing_at_all(store):
    bad = example()
    bad["administrations"][0]["dose_mg"] = -1
    bad["patient"]["id"] = "P-NEW"
    audit_before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(st.InvalidRecord) as caught:
        st.import_document(store, signed("import"), bad)
    assert caught.value.lines() == ["administrations[0].dose_mg: must be greater than 0"]
    assert st.count_patients(store, signed()) == 0
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before


def test_a_failure_after_the_patient_was_created_rolls_everything_back(store):
    doc = visit_doc(payer="medicaid")  # Medicaid requires an authorization: none here
    doc["patient"]["id"] = "P-ROLLBACK"
    with pytest.raises(st.VisitHasErrors, match="prior authorization"):
        st.import_document(store, signed("import"), doc, finalize=True)
    assert st.patient_by_ref(store, signed(), "P-ROLLBACK") is None
    assert store.conn.execute("SELECT count(*) FROM coverages").fetchone()[0] == 0


def test_import_records_authorization_and_can_finalize(store):
    doc = visit_doc(payer="unitedhealthcare")
    doc["prior_authorization"] = {"number": "PA-9", "valid_from": "2026-01-01",
                                  "valid_to": "2026-12-31", "approved_units": 1200}
    result = st.import_document(store, signed("import"), doc, finalize=True)
    assert result.finalized
    auth = st.authorizations_of(store, signed(), patient_id=result.patient_id)[0]
    assert (auth.number, auth.product, auth.used_units) == ("PA-9", "ocrevus", 600)


def test_the_same_document_is_not_stored_twice(store):
    first = st.import_document(store, signed("import"), example())
    again = st.import_document(store, signed("import"), example())
    assert again.duplicate and again.visit_id == first.visit_id
    assert st.count_visits(store, signed()) == 1


def test_inline_payer_profiles_are_kept_as_user_profiles(store):
    result = st.import_document(store, signed("import"), load_example("09-zunovo-subcutaneous")[0])
    assert "test-payer" in st.user_payers(store)
    assert any(n.startswith("payer profile 'test-payer' saved from the document")
               for n in result.notes)


def test_an_inline_payer_profile_is_what_the_import_bills_with(store):
    """A document that spells its payer's rules out is billed by them, as `ocrebill compute`
    bills it, even where this database has a profile of that id with other rules."""
    document = example()
    aetna = st.store_catalog(store).payers["aetna"].model_dump(mode="json")
    document["payer"] = {**aetna, "monoclonal_admin": "complex"}
    result = st.import_document(store, signed("import"), document)
    visit = st.get_visit(store, signed(), result.visit_id)
    assert visit.claim == compute(document)
    assert "96413" in [line.code for line in visit.claim.lines]


def test_an_inline_payer_with_a_name_in_use_is_saved_under_its_own(store):
    document = example()
    aetna = st.store_catalog(store).payers["aetna"].model_dump(mode="json")
    document["payer"] = {**aetna, "id": "aetna-ppo"}  # named "Aetna" too
    result = st.import_document(store, signed("import"), document)
    saved = st.user_payers(store)["aetna-ppo"]
    assert saved.name == f"{aetna['name']} (aetna-ppo)"
    assert any(f"as '{saved.name}'" in note for note in result.notes)


@pytest.mark.sqlite_only
def test_backup_is_a_checked_copy(store, setup, tmp_path):
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=setup[0].id)
    with pytest.raises(st.StoreError, match="does not exist"):
        st.backup_database(store, signed(), tmp_path / "backups" / "copy.sqlite")
    (tmp_path / "backups").mkdir()
    report = st.backup_database(store, signed(), tmp_path / "backups" / "copy.sqlite")
    assert report.integrity == "ok" and report.visits == 1
    with st.open_store(report.path, read_only=True) as copy:
        assert st.get_visit(copy, signed(), saved.visit_id) == st.get_visit(store, signed(),
                                                                            saved.visit_id)
    with pytest.raises(st.StoreError, match="already exists"):
        st.backup_database(store, signed(), report.path)
    with pytest.raises(st.StoreError, match="cannot overwrite the database itself"):
        st.backup_database(store, signed(), store.path, force=True)
    into_folder = st.backup_database(store, signed(), tmp_path / "backups")
    assert into_folder.path == tmp_path / "backups" / store.path.name
    assert not list((tmp_path / "backups").glob(".*partial*"))
    assert not list(tmp_path.glob(".*.note"))


def test_check_reports_a_sound_database(store, setup):
    report = st.check_database(store, signed())
    assert report.ok and report.integrity == ["ok"] and report.counts["patients"] == 1


@pytest.mark.sqlite_only
def test_check_finds_broken_foreign_keys_and_bookkeeping(store, setup):
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=setup[0].id)
    store.conn.execute("PRAGMA foreign_keys = OFF")
    store.conn.execute("INSERT INTO vial_uses (visit_id, lot_id, vials) VALUES (?, 999, 1)",
                       (saved.visit_id,))
    store.conn.commit()
    report = st.check_database(store, signed())
    assert not report.ok
    assert report.foreign_keys == ["vial_uses row: refers to a missing vial_lots row"]
    assert report.consistency == [
        f"draft visit {saved.visit_id} still holds vials or authorization units"]


@pytest.mark.sqlite_only
def test_check_finds_a_damaged_file(setup, store):
    for _ in range(300):
        st.create_draft(store, signed("nurse"), visit_doc(), patient_id=setup[0].id)
    path = store.path
    page = store.conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in store.conn.execute(
        "SELECT rootpage FROM sqlite_master "
        "WHERE name IN ('visits', 'idx_visits_date_of_service')")]
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    for root in roots:  # scribble over the b-tree page headers, as a bad sector would
        start = (root - 1) * page
        data[start:start + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))
    with st.open_store(path) as opened:
        report = st.check_database(opened, signed())
    assert not report.ok and report.integrity != ["ok"]


def test_sqlite_errors_never_escape_as_tracebacks(store):
    from ocrebill_gui.store.errors import as_store_error

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert isinstance(as_store_error(full, "x.sqlite"), st.DiskFullError)
    busy = sqlite3.OperationalError("database is locked")
    assert isinstance(as_store_error(busy, "x.sqlite"), st.DatabaseInUse)

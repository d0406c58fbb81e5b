"""Opening the database: settings, where the file lives, migrations, files it must refuse."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store import db as store_db
from ocrebill_gui.store import migrations


def test_new_file_gets_wal_foreign_keys_busy_timeout_and_current_schema(db_path):
    with st.open_store(db_path, busy_timeout=2.5) as store:
        conn = store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
        assert conn.execute("PRAGMA page_size").fetchone()[0] == migrations.PAGE_SIZE
        tables = set(store.db.table_names())
    assert {"patients", "coverages", "authorizations", "vial_lots", "visits", "payer_profiles",
            "practice", "audit_log"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(db_path):
    with st.open_store(db_path) as store:
        st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    with st.open_store(db_path) as store:
        assert [p.name for p in st.list_patients(store, signed())] == ["Rivera, Ana"]


def test_every_migration_runs_from_an_empty_database(tmp_path):
    conn = sqlite3.connect(tmp_path / "empty.sqlite")
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    for target in range(1, st.SCHEMA_VERSION + 1):
        assert migrations.migrate(db, target) == target
        assert migrations.user_version(db) == target
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    def broken(db):
        db["half_done"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [broken])
    conn = sqlite3.connect(tmp_path / "m.sqlite")
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    with pytest.raises(RuntimeError):
        migrations.migrate(db, 1)
    assert migrations.user_version(db) == 0
    assert "half_done" not in db.table_names()
    conn.close()


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_schema_is_refused_and_never_modified(db_path):
    with st.open_store(db_path) as store:
        st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
        store.conn.execute(f"PRAGMA user_version = {st.SCHEMA_VERSION + 1}")
    before = _digest(db_path), db_path.stat().st_mtime_ns
    with pytest.raises(st.NewerSchemaError) as caught:
        st.open_store(db_path)
    message = str(caught.value)
    assert "newer OcreBill" in message and str(st.SCHEMA_VERSION + 1) in message
    assert "not opened or changed" in message
    assert (_digest(db_path), db_path.stat().st_mtime_ns) == before
    with pytest.raises(st.NewerSchemaError):
        st.open_store(db_path, read_only=True)
    assert _digest(db_path) == before[0]


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"this is a text file, not a database" * 100)
    with pytest.raises(st.UnreadableDatabase) as caught:
        st.open_store(bogus)
    assert "not a readable OcreBill database" in str(caught.value)
    assert bogus.read_bytes().startswith(b"this is a text file")


def test_missing_file_is_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(st.StoreError, match="no such database"):
        st.open_store(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(st.StoreError, match="is a folder"):
        st.open_store(tmp_path)


def test_db_path_order_is_flag_then_environment_then_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("OCREBILL_DB", raising=False)
    default = st.resolve_db_path()
    assert default == tmp_path / "xdg" / "OcreBill" / "ocrebill.sqlite"
    monkeypatch.setenv("OCREBILL_DB", str(tmp_path / "env.sqlite"))
    assert st.resolve_db_path() == tmp_path / "env.sqlite"
    assert st.resolve_db_path(str(tmp_path / "flag.sqlite")) == tmp_path / "flag.sqlite"
    monkeypatch.setenv("OCREBILL_DB", "  ")
    assert st.resolve_db_path() == default


def test_default_path_is_resolved_at_call_time_not_import_time(tmp_path, monkeypatch):
    monkeypatch.delenv("OCREBILL_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "one"))
    first = store_db.default_db_path()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "two"))
    assert store_db.default_db_path() != first
    assert not (tmp_path / "two").exists()  # resolving creates nothing
    with st.open_store() as store:  # opening does create the folder and the file
        assert store.path == tmp_path / "two" / "OcreBill" / "ocrebill.sqlite"
    assert (tmp_path / "two" / "OcreBill" / "ocrebill.sqlite").is_file()


def test_read_only_store_refuses_writes_and_leaves_the_file_alone(db_path):
    with st.open_store(db_path) as store:
        patient = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    digest = _digest(db_path)
    with st.open_store(db_path, read_only=True) as store:
        assert store.read_only
        assert st.get_patient(store, signed(), patient.id).name == "Rivera, Ana"
        with pytest.raises(st.ReadOnlyError, match="read-only"):
            st.add_patient(store, signed("kim"), {"name": "Okafor, Grace"})
        # Even a write that bypasses the store's own guard is refused by SQLite.
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            store.conn.execute("DELETE FROM patients")
    assert _digest(db_path) == digest


def test_write_transaction_is_all_or_nothing(store):
    with pytest.raises(RuntimeError):
        with store_db.writing(store):
            store.conn.execute("INSERT INTO practice (id, settings, created_at, created_by, "
                               "changed_at, changed_by) VALUES (1, '{}', 'a', 'b', 'c', 'd')")
            raise RuntimeError("crash in the middle")
    assert store.conn.execute("SELECT count(*) FROM practice").fetchone()[0] == 0
    assert not store.conn.in_transaction


def test_nested_write_rolls_back_only_the_inner_part(store):
    with store_db.writing(store):
        st.add_patient(store, signed("kim"), {"name": "Outer, Kept"})
        with pytest.raises(RuntimeError):
            with store_db.writing(store):
                st.add_patient(store, signed("kim"), {"name": "Inner, Dropped"})
                raise RuntimeError("inner step failed")
    assert [p.name for p in st.list_patients(store, signed())] == ["Outer, Kept"]
    assert len(st.audit_entries(store, signed(), "patient")) == 1


def test_a_version_1_database_with_data_is_upgraded(tmp_path):
    """Migration 2 rebuilds the name index and the stock ledgers: data survives, search works."""
    import sqlite_utils

    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    migrations.migrate(db, 1)
    stamp = ("2026-01-01T00:00:00.000+00:00", "kim") * 2
    conn.execute("INSERT INTO patients (id, ref, name, name_key, created_at, created_by, "
                 "changed_at, changed_by) VALUES (1, 'P-1', 'Müller, Ada', 'muller, ada', "
                 "?, ?, ?, ?)", stamp)
    conn.executemany("INSERT INTO patient_words (word, patient_id) VALUES (?, 1)",
                     [("muller",), ("ada",)])
    conn.execute("INSERT INTO vial_lots (id, product, ndc, lot, expires, received, "
                 "received_vials, on_hand, created_at, created_by, changed_at, changed_by) "
                 "VALUES (1, 'ocrevus', '50242015001', 'H1', '2027-01-01', '2026-01-01', 4, 2, "
                 "?, ?, ?, ?)", stamp)
    conn.execute("INSERT INTO visits (id, patient_id, date_of_service, setting, document, "
                 "claim, status, created_at, created_by, changed_at, changed_by) VALUES "
                 "(1, 1, '2026-03-04', 'office', '{}', '{}', 'finalized', ?, ?, ?, ?)", stamp)
    conn.execute("INSERT INTO vial_uses (visit_id, lot_id, vials) VALUES (1, 1, 2)")
    conn.commit()
    conn.close()
    with st.open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
        assert [p.name for p in st.search_patients(store, signed(), "mül")] == ["Müller, Ada"]
        assert store.conn.execute("SELECT * FROM vial_uses").fetchall() == [(1, 1, 2)]
        assert st.check_database(store, signed()).ok

"""A new database is encrypted from its first byte (store/encryption.create_encrypted_database,
used by the app's first-administrator form and `ocrebill users add` on a new file)."""

from __future__ import annotations

import os
import sqlite3

import pytest

from ocrebill_gui import store as st
from ocrebill_gui.store import InvalidRecord, StoreError, accounts, keys
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.encryption import create_encrypted_database


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_is_encrypted_with_its_administrator(tmp_path, umask_022):
    db = tmp_path / "clinic.sqlite"
    store, session, recovery = create_encrypted_database(db, "pat", "Pat Lee", "correct horse")
    with store:
        assert session.login == "pat" and session.roles == {"admin"}
        assert store.key is not None and store.path == db
        accounts.add_user(store, session, "kim", "Kim Rivera", ["front_desk"], "first-day-1")
        assert [a.login for a in accounts.list_accounts(store, session)] == ["kim", "pat"]
    key = keys.unlock(db, "pat", "correct horse")
    assert keys.unlock_with_recovery(db, recovery) == key
    assert keys.unlock(db, "kim", "first-day-1") == key  # the store kept the key file in step
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT * FROM sqlite_master").fetchall()
    with pytest.raises(StoreError, match="is encrypted: sign in to open it"):
        st.open_store(db)
    names = {p.name for p in tmp_path.iterdir()}  # nothing partial left behind
    assert {"clinic.sqlite", "clinic.sqlite.keys"} <= names <= {
        "clinic.sqlite", "clinic.sqlite.keys", "clinic.sqlite-wal", "clinic.sqlite-shm"}
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
    with st.open_store(db, key=key) as again:
        assert accounts.sign_in(again, "pat", "correct horse").login == "pat"
        assert verify_audit(again.conn, again.audit_key).problems == []  # keyed, sound


def test_bad_fields_make_nothing(tmp_path):
    with pytest.raises(InvalidRecord) as refused:
        create_encrypted_database(tmp_path / "clinic.sqlite", "pat lee", "", "short")
    assert {name for name, _ in refused.value.problems} == {"login", "password"}
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_or_a_lone_key_file_is_refused_unchanged(tmp_path):
    db = tmp_path / "clinic.sqlite"
    st.open_store(db).close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="exists already"):
        create_encrypted_database(db, "pat", "", "correct horse")
    assert db.read_bytes() == before and not keys.sidecar_path(db).exists()
    other = tmp_path / "moved.sqlite"
    keys.sidecar_path(other).write_text("{}")
    with pytest.raises(StoreError, match="exists without its database"):
        create_encrypted_database(other, "pat", "", "correct horse")
    assert keys.sidecar_path(other).read_text() == "{}" and not other.exists()


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="no such folder"):
        create_encrypted_database(tmp_path / "nowhere" / "clinic.sqlite", "pat", "",
                                  "correct horse")

"""Encryption at rest: the key file (wraps per account and for the recovery key, the lock after
failures), opening encrypted and plain files with and without a key, backups, encrypted demos,
`encrypt_database` (a plain database converted, verified, the original kept until then) and
what the stdlib and `strings` can see of an encrypted file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ocrebill_gui import store as st
from ocrebill_gui.store import accounts as ac
from ocrebill_gui.store import keys
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.backup import backup_database
from ocrebill_gui.store.demo import create_demo_database
from ocrebill_gui.store.encryption import PLAIN_BACKUP_SUFFIX, encrypt_database, table_counts

DAY = datetime(2026, 3, 2, 10, 0).date()


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    """An encrypted demo and the same demo plain (seed and day alike): its patient names."""
    folder = tmp_path_factory.mktemp("demo")
    plain, encrypted = folder / "plain.sqlite", folder / "encrypted.sqlite"
    create_demo_database(plain, today=DAY)
    summary = create_demo_database(encrypted, today=DAY, encrypt=True)
    assert summary.encrypted
    with sqlite3.connect(plain) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM patients")]
    return plain, encrypted, names


def _copy_demo(demo_pair, tmp_path) -> Path:
    """A private copy of the encrypted demo and its key file, to change freely."""
    _, encrypted, _ = demo_pair
    target = tmp_path / "demo.sqlite"
    target.write_bytes(encrypted.read_bytes())
    keys.sidecar_path(target).write_bytes(keys.sidecar_path(encrypted).read_bytes())
    return target


def _words(name: str) -> list[str]:
    return [w.strip(",") for w in name.split() if len(w.strip(",")) >= 4]


def _assert_no_names(data: bytes, names: list[str]) -> None:
    assert names
    for name in names:
        for word in _words(name):
            assert word.encode("utf-8") not in data, word


# --- the key file ---------------------------------------------------------------------------

def test_a_wrap_opens_with_its_password_only_and_not_for_another_login(tmp_path) -> None:
    key, recovery = keys.new_key(), keys.new_recovery_key()
    sidecar = keys.create_sidecar(tmp_path / "x.sqlite", key, recovery, demo=True)
    keys.set_wrap(sidecar, "Nurse", "right password", key)
    assert keys.unwrap(sidecar, "nurse", "right password") == key
    assert keys.unwrap(sidecar, "nurse", "wrong password") is None
    # An entry moved to another login does not open (the login is its associated data).
    sidecar.data["accounts"]["biller"] = sidecar.data["accounts"]["nurse"]
    assert keys.unwrap(sidecar, "biller", "right password") is None


def test_real_wraps_use_argon2id_at_password_hasher_strength(tmp_path) -> None:
    key = keys.new_key()
    sidecar = keys.create_sidecar(tmp_path / "x.sqlite", key, keys.new_recovery_key())
    keys.set_wrap(sidecar, "chief", "correct horse", key)
    entry = sidecar.data["accounts"]["chief"]
    assert (entry["kdf"], entry["memory_cost"], entry["time_cost"]) == ("argon2id", 65536, 3)
    assert keys.unwrap(sidecar, "chief", "correct horse") == key


def test_the_recovery_key_is_8_groups_of_4_and_forgives_case_and_spaces(tmp_path) -> None:
    key, recovery = keys.new_key(), keys.new_recovery_key()
    assert [len(g) for g in recovery.split("-")] == [4] * 8
    db = tmp_path / "x.sqlite"
    keys.create_sidecar(db, key, recovery).save()
    assert keys.unlock_with_recovery(db, recovery.lower().replace("-", " ")) == key
    other = keys.new_recovery_key()
    with pytest.raises(keys.UnlockRefused, match="Wrong recovery key"):
        keys.unlock_with_recovery(db, other)
    with pytest.raises(keys.UnlockRefused, match="not a recovery key"):
        keys.unlock_with_recovery(db, "ABCD-EFGH")


def test_a_damaged_or_missing_key_file_is_a_clear_message(demo_pair, tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    side = keys.sidecar_path(db)
    data = json.loads(side.read_text())
    entry = data["accounts"]["nurse"]
    entry["wrapped"] = entry["wrapped"][:-4] + ("AAAA" if entry["wrapped"][-4:] != "AAAA"
                                                else "BBBB")
    side.write_text(json.dumps(data))
    with pytest.raises(keys.UnlockRefused, match="Wrong login name or password"):
        keys.unlock(db, "nurse", "demo")  # a changed wrap does not open: nothing else leaks
    entry["salt"] = "not base64!"
    side.write_text(json.dumps(data))
    with pytest.raises(keys.KeyFileError, match="entry of nurse is damaged"):
        keys.unlock(db, "nurse", "demo")
    side.write_text("{ not json")
    with pytest.raises(keys.KeyFileError, match="cannot be read"):
        keys.unlock(db, "admin", "demo")
    side.unlink()
    with pytest.raises(keys.KeyFileError, match="key file .* is missing"):
        keys.unlock(db, "admin", "demo")


def test_unlocking_fails_alike_for_a_wrong_login_and_a_wrong_password(demo_pair,
                                                                       tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    answers = set()
    for login, password in (("nobody", "demo"), ("nurse", "wrong")):
        with pytest.raises(keys.UnlockRefused) as caught:
            keys.unlock(db, login, password)
        answers.add(str(caught.value))
    assert answers == {"Wrong login name or password"}


def test_failed_unlocks_lock_with_a_growing_back_off_kept_in_the_key_file(demo_pair,
                                                                         tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    for _ in range(keys.FREE_FAILURES):
        with pytest.raises(keys.UnlockRefused, match="Wrong login"):
            keys.unlock(db, "nurse", "wrong", now=now)
    assert keys.unlock(db, "nurse", "demo", now=now)  # a success clears the count
    for _ in range(keys.FREE_FAILURES + 1):
        with pytest.raises(keys.UnlockRefused, match="Wrong login"):
            keys.unlock(db, "nurse", "wrong", now=now)
    # Locked for 30 s: even the right password waits.
    with pytest.raises(keys.UnlockRefused, match="try again in 31 s"):
        keys.unlock(db, "nurse", "demo", now=now + timedelta(seconds=0))
    later = now + timedelta(seconds=31)
    with pytest.raises(keys.UnlockRefused, match="Wrong login"):
        keys.unlock(db, "nurse", "wrong", now=later)
    with pytest.raises(keys.UnlockRefused, match="try again in 61 s"):
        keys.unlock(db, "nurse", "demo", now=later)
    assert keys.read_sidecar(db).data["failures"]["nurse"]["count"] == keys.FREE_FAILURES + 2
    assert keys.unlock(db, "nurse", "demo", now=later + timedelta(minutes=2))
    assert "nurse" not in keys.read_sidecar(db).data["failures"]
    assert keys.unlock(db, "biller", "demo", now=now)  # others were never locked


# --- opening ---------------------------------------------------------------------------------

def test_a_new_store_with_a_key_is_encrypted_and_the_stdlib_cannot_read_it(tmp_path) -> None:
    db, key = tmp_path / "new.sqlite", keys.new_key()
    with st.open_store(db, key=key) as store:
        assert store.key == key and store.audit_key == keys.audit_key(key)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not db.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(db).execute("SELECT * FROM sqlite_master").fetchall()


def test_plain_and_encrypted_mismatches_and_a_wrong_key_change_nothing(demo_pair,
                                                                      tmp_path) -> None:
    plain, _, _ = demo_pair
    encrypted = _copy_demo(demo_pair, tmp_path)
    before = {p: p.read_bytes() for p in (plain, encrypted)}
    with pytest.raises(st.StoreError, match="is encrypted: sign in to open it"):
        st.open_store(encrypted)
    with pytest.raises(st.StoreError, match="is not encrypted but a key was given"):
        st.open_store(plain, key=keys.new_key())
    with pytest.raises(st.UnreadableDatabase, match="the key does not open it"):
        st.open_store(encrypted, key=keys.new_key())
    keys.sidecar_path(encrypted).unlink()
    with pytest.raises(st.UnreadableDatabase, match="encrypted without a key file"):
        st.open_store(encrypted)
    assert {p: p.read_bytes() for p in before} == before
    assert not Path(f"{encrypted}-wal").exists()


def test_a_damaged_encrypted_file_is_a_clear_message(demo_pair, tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    key = keys.unlock(db, "admin", "demo")
    data = bytearray(db.read_bytes())
    data[40:60] = b"\0" * 20  # the first page: its HMAC no longer matches
    db.write_bytes(bytes(data))
    with pytest.raises(st.UnreadableDatabase, match="the key does not open it"):
        st.open_store(db, key=key)


def test_an_encrypted_demo_signs_in_with_its_four_accounts(demo_pair, tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    sidecar = keys.read_sidecar(db)
    assert sidecar.demo and sidecar.logins == ["admin", "biller", "frontdesk", "nurse"]
    assert sidecar.data["accounts"]["nurse"]["memory_cost"] == keys.DEMO_ARGON2["memory_cost"]
    key = keys.unlock(db, "nurse", "demo")
    with st.open_store(db, key=key) as store:
        session = ac.sign_in(store, "nurse", "demo")
        assert session.roles == frozenset({"nurse"})
        verdict = verify_audit(store.conn, store.audit_key)
        assert verdict.problems == [] and verdict.rows > 0
        assert store.conn.execute("SELECT keyed FROM audit_head").fetchone()[0] == 1


def test_strings_finds_no_patient_name_in_the_file_its_wal_or_a_backup(demo_pair,
                                                                       tmp_path) -> None:
    _, _, names = demo_pair
    db = _copy_demo(demo_pair, tmp_path)
    key = keys.unlock(db, "admin", "demo")
    store = st.open_store(db, key=key)
    try:
        ac.sign_in(store, "admin", "demo")  # writes: the WAL has pages now
        store.conn.execute("UPDATE patients SET phone = phone")  # every patient page
        store.conn.commit()
        wal = Path(f"{db}-wal")
        assert wal.stat().st_size > 0
        _assert_no_names(db.read_bytes() + wal.read_bytes(), names)
        report = _backup(store, tmp_path / "backup.sqlite")
    finally:
        store.close()
    _assert_no_names(report.path.read_bytes(), names)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(report.path).execute("SELECT * FROM patients").fetchall()
    # The check itself finds the names where they are in the clear.
    plain, _, _ = demo_pair
    assert _words(names[0])[0].encode() in plain.read_bytes()


def _backup(store, target):
    try:
        return backup_database(store, target)
    except ac.NotAllowed:  # the store taking sessions
        return backup_database(store, ac.sign_in(store, "admin", "demo"), target)


def test_a_backup_is_encrypted_with_the_same_key_and_opens_with_the_same_accounts(
        demo_pair, tmp_path) -> None:
    db = _copy_demo(demo_pair, tmp_path)
    with st.open_store(db, key=keys.unlock(db, "admin", "demo")) as store:
        counts = table_counts(store.conn)
        report = _backup(store, tmp_path / "elsewhere.sqlite")
    assert report.integrity == "ok"
    restored = tmp_path / "restored" / "ocrebill.sqlite"
    restored.parent.mkdir()
    restored.write_bytes(report.path.read_bytes())
    keys.sidecar_path(restored).write_bytes(keys.sidecar_path(report.path).read_bytes())
    assert keys.sidecar_path(report.path).stat().st_mode & 0o777 == 0o600
    with st.open_store(restored, key=keys.unlock(restored, "biller", "demo")) as store:
        assert ac.sign_in(store, "biller", "demo").login == "biller"
        assert table_counts(store.conn)["visits"] == counts["visits"]
        assert verify_audit(store.conn, store.audit_key).problems == []


def test_account_changes_keep_the_key_file_in_step(tmp_path) -> None:
    db, key = tmp_path / "staff.sqlite", keys.new_key()
    keys.create_sidecar(db, key, keys.new_recovery_key(), demo=True).save()  # cheap wraps
    with st.open_store(db, key=key) as store:
        admin = ac.create_first_admin(store, "chief", "Chief", "correct horse")
        ac.add_user(store, admin, "kim", "Kim", ["nurse"], "first password")
        assert keys.unlock(db, "kim", "first password") == key
        ac.reset_password(store, admin, "kim", "temporary one")
        assert keys.unlock(db, "kim", "temporary one") == key
        with pytest.raises(keys.UnlockRefused):
            keys.unlock(db, "kim", "first password")
        kim = ac.sign_in(store, "kim", "temporary one")
        ac.change_password(store, kim, "temporary one", "kims own password")
        assert keys.unlock(db, "kim", "kims own password") == key
        ac.set_active(store, admin, "kim", False)
        with pytest.raises(keys.UnlockRefused, match="kim is disabled"):
            keys.unlock(db, "kim", "kims own password")
        assert "kim" not in keys.read_sidecar(db).data["accounts"]
        ac.set_active(store, admin, "kim", True)
        with pytest.raises(keys.UnlockRefused, match="reset the password"):
            keys.unlock(db, "kim", "kims own password")
        ac.reset_password(store, admin, "kim", "another temporary")
        assert keys.unlock(db, "kim", "another temporary") == key
    assert keys.sidecar_path(db).stat().st_mode & 0o777 == 0o600


# --- converting a plain database ---------------------------------------------------------------

def _plain_demo(tmp_path) -> Path:
    db = tmp_path / "plain.sqlite"
    create_demo_database(db, today=DAY)
    return db


def test_encrypt_converts_verifies_and_removes_the_plain_copy(tmp_path) -> None:
    db = _plain_demo(tmp_path)
    with st.open_store(db) as store:
        before = table_counts(store.conn)
    report = encrypt_database(db, "admin", "demo")
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert not Path(f"{db}{PLAIN_BACKUP_SUFFIX}").exists() and report.plain_backup is None
    assert report.without_wrap == ["biller", "frontdesk", "nurse"]
    assert sorted(tmp_path.iterdir()) == [db, keys.sidecar_path(db)]
    key = keys.unlock(db, "admin", "demo")
    assert keys.unlock_with_recovery(db, report.recovery_key) == key
    with pytest.raises(keys.UnlockRefused, match="reset the password"):
        keys.unlock(db, "nurse", "demo")
    with st.open_store(db, key=key) as store:
        after = table_counts(store.conn)
        assert verify_audit(store.conn, store.audit_key).problems == []
    # The conversion's own sign-in is one audit row more; everything else is as it was.
    assert {t: n for t, n in after.items() if t not in ("audit_log", "users")} == \
        {t: n for t, n in before.items() if t not in ("audit_log", "users")}
    assert after["audit_log"] == before["audit_log"] + 1


def test_encrypt_keeps_the_plain_copy_when_asked(tmp_path) -> None:
    db = _plain_demo(tmp_path)
    report = encrypt_database(db, "admin", "demo", keep_plain=True)
    assert report.plain_backup == Path(f"{db}{PLAIN_BACKUP_SUFFIX}")
    assert report.plain_backup.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.parametrize("login, password, message", [
    ("admin", "wrong", "Wrong login name or password"),
    ("nurse", "demo", "managing staff accounts needs the administrator role"),
])
def test_encrypt_needs_an_administrators_sign_in_and_changes_nothing_otherwise(
        tmp_path, login, password, message) -> None:
    db = _plain_demo(tmp_path)
    with pytest.raises(st.StoreError, match=message):
        encrypt_database(db, login, password)
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert not keys.sidecar_path(db).exists()
    assert not Path(f"{db}{PLAIN_BACKUP_SUFFIX}").exists()


def test_encrypt_refuses_a_database_without_accounts_or_already_encrypted(demo_pair,
                                                                         tmp_path) -> None:
    empty = tmp_path / "empty.sqlite"
    st.open_store(empty).close()
    with pytest.raises(st.StoreError, match="no staff accounts yet"):
        encrypt_database(empty, "admin", "demo")
    assert not keys.sidecar_path(empty).exists()
    with pytest.raises(st.StoreError, match="encrypted already"):
        encrypt_database(_copy_demo(demo_pair, tmp_path), "admin", "demo")


def test_a_conversion_stopped_before_the_swap_leaves_the_original_intact(tmp_path,
                                                                          monkeypatch) -> None:
    from ocrebill_gui.store import encryption

    db = _plain_demo(tmp_path)
    original = db.read_bytes()

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt  # stands for a kill: nothing after this step runs

    monkeypatch.setattr(encryption, "verify_copy", killed)
    with pytest.raises(KeyboardInterrupt):
        encrypt_database(db, "admin", "demo")
    monkeypatch.undo()
    with st.open_store(db) as store:  # still the plain database, as it was
        assert store.key is None and table_counts(store.conn)["visits"] > 0
    assert db.read_bytes()[:100] == original[:100]
    assert not keys.sidecar_path(db).exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    encrypt_database(db, "admin", "demo")  # and it converts afterwards


def test_a_damaged_audit_chain_is_not_encrypted(tmp_path) -> None:
    db = _plain_demo(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'forger' WHERE id = 2")
    with pytest.raises(st.StoreError, match="audit chain does not verify"):
        encrypt_database(db, "admin", "demo")
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert not keys.sidecar_path(db).exists()


KILLED_CONVERSION = """
import sys
from ocrebill_gui.store.encryption import encrypt_database
print("start", flush=True)
encrypt_database(sys.argv[1], "admin", "demo")
print("done", flush=True)
"""


@pytest.mark.slow
def test_a_conversion_killed_at_any_moment_loses_nothing(tmp_path) -> None:
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from store_helpers import REPO

    rng = random.Random(20261207)
    outcomes = set()
    template = _plain_demo(tmp_path)
    with sqlite3.connect(template) as conn:
        visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    for round_no in range(10):
        folder = tmp_path / f"round{round_no}"
        folder.mkdir()
        db = folder / "clinic.sqlite"
        db.write_bytes(template.read_bytes())
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        child = subprocess.Popen([sys.executable, "-c", KILLED_CONVERSION, str(db)], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "start\n"
        time.sleep(rng.uniform(0.1, 1.2))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if db.read_bytes().startswith(b"SQLite format 3"):
            outcomes.add("plain")
            with st.open_store(db) as store:
                assert table_counts(store.conn)["visits"] == visits
                assert verify_audit(store.conn).problems == []
        else:
            outcomes.add("encrypted")
            with st.open_store(db, key=keys.unlock(db, "admin", "demo")) as store:
                assert table_counts(store.conn)["visits"] == visits
                assert verify_audit(store.conn, store.audit_key).problems == []
    assert outcomes  # (which ones depends on the machine's speed)

"""An encrypted demo written encrypted from the start, its visits copied in chunk by chunk on a
worker thread (store/demo_cipher.py): the same database as the plain demo of the same seed and
day, and nothing left behind (file, partial file, thread) when either side fails."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from ocrebill_gui import store as st
from ocrebill_gui.store import demo_cipher, keys
from ocrebill_gui.store import demo_writer as writer_module
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.demo import create_demo_database
from ocrebill_gui.store.errors import StoreError

TODAY = date(2026, 11, 27)


def _rows(conn, table: str) -> list[tuple]:
    """The rows of `table` but for salted and keyed values: password hashes have their own
    salts, the encrypted demo's audit chain is an HMAC."""
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
               if "hash" not in r[1] and r[1] != "keyed"]
    listed = ", ".join(f'"{c}"' for c in columns)
    return conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY {listed}').fetchall()


def _no_worker_left() -> bool:
    return not any(t.name.startswith("ocrebill-demo-cipher") for t in threading.enumerate())


def test_an_encrypted_demo_in_many_chunks_is_the_plain_demo(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_cipher, "CHUNK_VISITS", 37)  # 600 visits: 17 chunks, the last short
    plain, encrypted = tmp_path / "plain.sqlite", tmp_path / "encrypted.sqlite"
    create_demo_database(plain, visits=600, seed=5, today=TODAY)
    summary = create_demo_database(encrypted, visits=600, seed=5, today=TODAY, encrypt=True)
    assert summary.encrypted and summary.visits == 600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "encrypted.sqlite", "encrypted.sqlite.keys", "plain.sqlite"]
    with st.open_store(plain) as a, \
            st.open_store(encrypted, key=keys.unlock(encrypted, "admin", "demo")) as b:
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        assert b.conn.execute(schema).fetchall() == a.conn.execute(schema).fetchall()
        triggers = [r[0] for r in b.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'")]
        assert len(triggers) == 2  # dropped for the copy, made again
        tables = [r[0] for r in a.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            assert _rows(b.conn, table) == _rows(a.conn, table), table
        assert len(_rows(b.conn, "visits")) == 600
        for pragma in ("integrity_check", "foreign_key_check", "journal_mode", "user_version"):
            got = b.conn.execute(f"PRAGMA {pragma}").fetchall()
            assert got == a.conn.execute(f"PRAGMA {pragma}").fetchall(), pragma
        assert not verify_audit(b.conn, b.audit_key).problems
    assert _no_worker_left()


def test_a_failing_copy_leaves_no_file_and_no_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_cipher, "CHUNK_VISITS", 50)
    copy, copied = demo_cipher._copy, []

    def copy_twice_then_fail(*args):
        if len(copied) == 2:
            raise demo_cipher.sqlite3.OperationalError("disk I/O error")
        copy(*args)
        copied.append(1)

    monkeypatch.setattr(demo_cipher, "_copy", copy_twice_then_fail)
    with pytest.raises(StoreError, match="disk I/O error"):
        create_demo_database(tmp_path / "d.sqlite", visits=400, today=TODAY, encrypt=True)
    assert list(tmp_path.iterdir()) == [] and _no_worker_left()


def test_a_failure_while_making_the_visits_stops_the_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_cipher, "CHUNK_VISITS", 20)
    digest, made = writer_module.claim_digest, []

    def claim_digest(text):  # called for each finalized visit as its row is made
        made.append(1)
        if len(made) == 90:  # a few chunks handed to the worker, the next being made
            raise RuntimeError("out of memory")
        return digest(text)

    monkeypatch.setattr(writer_module, "claim_digest", claim_digest)
    with pytest.raises(RuntimeError, match="out of memory"):
        create_demo_database(tmp_path / "d.sqlite", visits=400, today=TODAY, encrypt=True)
    assert len(made) == 90
    assert list(tmp_path.iterdir()) == [] and _no_worker_left()

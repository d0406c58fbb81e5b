"""The audit trail proves itself: every row hash-chained, the head anchored, each finalized
visit's stored claim covered; tampering through a raw connection is found and named."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils
from staff import signed
from store_helpers import TickingClock, populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import audit_chain
from ocrebill_gui.store.audit import record_read
from ocrebill_gui.store.audit_chain import (
    GENESIS,
    MIGRATION_ACTOR,
    canonical,
    claim_digest,
    entry_hash,
    verify_audit,
)
from ocrebill_gui.store.migrations import migrate


def _history(store: st.Store) -> list[int]:
    """Patients, coverage, authorization, lot; three finalized visits, one amended, one
    reopened; a read. Returns the finalized visits' ids."""
    patient, *_ = populated(store, approved_units=None)
    ids = []
    for day in ("2026-03-04", "2026-04-01", "2026-05-06"):
        doc = visit_doc(day=day)
        doc["patient"] = {"id": patient.ref, "name": patient.name}
        ids.append(st.import_document(store, signed("nurse"), doc, finalize=True,
                                      allow_errors=True).visit_id)
    first = st.get_visit(store, signed(), ids[0])
    changed = dict(first.document, note="dose confirmed")
    st.amend_visit(store, signed("biller"), ids[0], changed, "note added",
                   expected_revision=first.revision)
    third = st.get_visit(store, signed(), ids[2])
    st.reopen_visit(store, signed("biller"), ids[2], "wrong day", expected_revision=third.revision)
    record_read(store, signed("biller"), "visit", ids[1], "open")
    return ids[:2]


def _raw(path) -> sqlite3.Connection:
    """A connection that tampers: the append-only triggers dropped first."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    return conn


def _tamper(path, *statements: str | tuple[str, tuple]) -> None:
    """Run SQL on the file as someone who edits it behind OcreBill's back."""
    conn = _raw(path)
    for statement in statements:
        sql, params = (statement, ()) if isinstance(statement, str) else statement
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _check(path) -> st.CheckReport:
    with st.open_store(path) as store:
        return st.check_database(store, signed())


def _last(conn: sqlite3.Connection) -> tuple[int, str, str]:
    return conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()


def _forge(conn: sqlite3.Connection, at: str, entity: str, entity_id: str, action: str,
           changes: str, *, good_hash: bool = True, move_head: bool = False) -> int:
    """Append a row as someone who knows the algorithm (or not: good_hash False)."""
    last_id, last_hash, _ = _last(conn)
    row_id = last_id + 1
    digest = entry_hash(last_hash, canonical(row_id, at, "mallory", entity, entity_id, action,
                                             None, changes))
    if not good_hash:
        digest = "f" * 64
    conn.execute("INSERT INTO audit_log (id, at, actor, entity, entity_id, action, reason, "
                 "changes, prev_hash, hash) VALUES (?, ?, 'mallory', ?, ?, ?, NULL, ?, ?, ?)",
                 (row_id, at, entity, entity_id, action, changes, last_hash, digest))
    if move_head:
        conn.execute("UPDATE audit_head SET last_id = ?, last_hash = ?, last_at = ?",
                     (row_id, digest, at))
    conn.commit()
    return row_id


@pytest.fixture
def history(db_path):
    with st.open_store(db_path, clock=TickingClock()) as store:
        finalized = _history(store)
        rows = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return db_path, finalized, rows


def test_a_store_after_many_operations_checks_clean(history):
    path, finalized, rows = history
    report = _check(path)
    assert report.ok and report.audit == [], report
    with st.open_store(path) as store:
        verdict = verify_audit(store.conn)
        assert (verdict.rows, verdict.visits) == (rows, len(finalized))
        ids = [r[0] for r in store.conn.execute("SELECT id FROM audit_log ORDER BY id")]
        assert ids == list(range(1, rows + 1))
        assert store.conn.execute("SELECT last_id FROM audit_head").fetchone()[0] == rows
        # The newest finalize/amend entry of each finalized visit holds its claim's digest.
        for visit_id in finalized:
            claim = store.conn.execute("SELECT claim FROM visits WHERE id = ?",
                                       (visit_id,)).fetchone()[0]
            entry = next(e for e in st.audit_entries(store, signed(), "visit", visit_id)
                         if e.action in ("finalize", "amend"))
            digest = next(c for c in entry.changes if c.field == "claim_sha256")
            assert digest.after == claim_digest(claim)
        # The amendment records the claim it replaced: the one its finalize entry covered.
        entries = {e.action: e for e in st.audit_entries(store, signed(), "visit", finalized[0])}
        finalized_digest, amended = (
            next(c for c in entries[action].changes if c.field == "claim_sha256")
            for action in ("finalize", "amend"))
        assert amended.before == finalized_digest.after and finalized_digest.before is None


def test_each_row_links_to_the_one_before(history):
    path, _, _ = history
    conn = sqlite3.connect(path)
    previous = GENESIS
    for row in conn.execute("SELECT id, at, actor, entity, entity_id, action, reason, changes, "
                            "prev_hash, hash FROM audit_log ORDER BY id"):
        assert row[8] == previous
        assert row[9] == entry_hash(previous, canonical(*row[:8]))
        previous = row[9]
    conn.close()


def test_an_edited_row_is_named(history):
    path, _, _ = history
    conn = _raw(path)
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 5")
    conn.commit()
    at, action, entity = conn.execute("SELECT at, action, entity FROM audit_log WHERE id = 5"
                                      ).fetchone()
    conn.close()
    report = _check(path)
    assert not report.ok
    assert report.audit[0].startswith(f"audit row 5 ({at}, {action} {entity} ")
    assert "does not match its hash" in report.audit[0]


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(history):
    path, _, _ = history
    conn = _raw(path)
    row = list(conn.execute("SELECT id, at, actor, entity, entity_id, action, reason, changes, "
                            "prev_hash FROM audit_log WHERE id = 4").fetchone())
    row[6] = "a reason added later"
    conn.execute("UPDATE audit_log SET reason = ?, hash = ? WHERE id = 4",
                 (row[6], entry_hash(row[8], canonical(*row[:8]))))
    conn.commit()
    conn.close()
    problem = _check(path).audit[0]
    assert problem.startswith("audit row 5 ") and "does not link" in problem


def test_a_deleted_row_in_the_middle_is_named(history):
    path, _, _ = history
    _tamper(path, "DELETE FROM audit_log WHERE id = 6")
    problem = _check(path).audit[0]
    assert problem.startswith("audit row 7 ") and "row 6 is missing" in problem


def test_the_deleted_last_row_is_caught_by_the_head(history):
    path, _, rows = history
    _tamper(path, ("DELETE FROM audit_log WHERE id = ?", (rows,)))
    report = _check(path)
    assert report.audit == [f"the audit head says the log ends at row {rows}, but it ends at "
                            f"{_describe_row(path, rows - 1)}: rows were deleted from or added "
                            "at the end"]


def _describe_row(path, row_id: int) -> str:
    conn = sqlite3.connect(path)
    at, action, entity, entity_id = conn.execute(
        "SELECT at, action, entity, entity_id FROM audit_log WHERE id = ?", (row_id,)).fetchone()
    conn.close()
    return audit_chain.describe(row_id, at, action, entity, entity_id)


def test_a_back_dated_forged_row_is_named_even_with_a_correct_hash(history):
    path, _, _ = history
    conn = _raw(path)
    _, _, last_at = _last(conn)
    earlier = (datetime.fromisoformat(last_at) - timedelta(days=30)).isoformat(
        timespec="milliseconds")
    forged = _forge(conn, earlier, "patient", "1", "update", "[]", move_head=True)
    conn.close()
    problem = _check(path).audit[0]
    assert problem.startswith(f"audit row {forged} ({earlier}, update patient 1)")
    assert "back-dated" in problem


def test_a_row_appended_with_a_wrong_hash_is_named(history):
    path, _, _ = history
    conn = _raw(path)
    _, _, last_at = _last(conn)
    forged = _forge(conn, last_at, "visit", "1", "update", "[]", good_hash=False)
    conn.close()
    report = _check(path)
    assert report.audit[0].startswith(f"audit row {forged} ")
    assert "does not match its hash" in report.audit[0]
    assert "1 more mismatch after it" in report.audit[0]  # and the head names another end


def test_an_edited_stored_claim_names_the_visit(history):
    path, finalized, _ = history
    conn = _raw(path)
    conn.execute("UPDATE visits SET claim = replace(claim, '\"units\":', '\"units\": ') "
                 "WHERE id = ?", (finalized[1],))
    assert conn.total_changes == 1
    conn.commit()
    conn.close()
    report = _check(path)
    assert not report.ok and len(report.audit) == 1
    assert report.audit[0].startswith(f"visit {finalized[1]}: its stored claim does not match "
                                      "its finalize entry (audit row ")


def _claim_then_forged_amend(path, visit_id: int, *, move_head: bool) -> None:
    conn = _raw(path)
    claim = json.loads(conn.execute("SELECT claim FROM visits WHERE id = ?",
                                    (visit_id,)).fetchone()[0])
    claim["lines"] = claim["lines"][:1]
    text = json.dumps(claim)
    conn.execute("UPDATE visits SET claim = ? WHERE id = ?", (text, visit_id))
    _, _, last_at = _last(conn)
    _forge(conn, last_at, "visit", str(visit_id), "amend",
           json.dumps([{"field": "claim_sha256", "before": None, "after": claim_digest(text)}]),
           move_head=move_head)
    conn.close()


def test_an_edited_claim_with_a_forged_amend_entry_is_caught_by_the_head(history):
    path, finalized, rows = history
    _claim_then_forged_amend(path, finalized[0], move_head=False)
    assert _check(path).audit == [
        f"the audit head says the log ends at row {rows}, but it ends at "
        f"{_describe_row(path, rows + 1)}: rows were deleted from or added at the end"]


def test_without_a_key_a_forger_who_also_moves_the_head_is_not_caught(history):
    """The documented limit (audit_chain's docstring): knowing the algorithm and able to write
    the file, one can append a consistent row and head. A key (HMAC) closes it."""
    path, finalized, _ = history
    _claim_then_forged_amend(path, finalized[0], move_head=True)
    assert _check(path).audit == []


def test_a_keyed_chain_refuses_rows_forged_without_the_key(db_path):
    key = b"k" * 32
    store = st.open_store(db_path, clock=TickingClock())
    store.audit_key = key
    visit_ids = _history(store)
    assert st.check_database(store, signed()).ok
    assert verify_audit(store.conn).problems == [
        "the audit chain is keyed with the database key: it cannot be verified without it"]
    store.close()
    _claim_then_forged_amend(db_path, visit_ids[0], move_head=True)
    with st.open_store(db_path) as store:
        store.audit_key = key
        problem = st.check_database(store, signed()).audit[0]
    assert "does not match its hash" in problem and "amend visit" in problem


def test_a_clock_set_back_never_makes_the_log_go_backwards(db_path):
    clock = TickingClock()
    with st.open_store(db_path, clock=clock) as store:
        populated(store)
        clock.advance(timedelta(hours=-5))
        st.add_patient(store, signed("frontdesk"), {"name": "Later, Lee"})
        times = [r[0] for r in store.conn.execute("SELECT at FROM audit_log ORDER BY id")]
        assert times == sorted(times)
        assert st.check_database(store, signed()).ok


def test_a_demo_database_is_chained_and_covers_every_finalized_claim(tmp_path):
    path = tmp_path / "demo.sqlite"
    summary = st.create_demo_database(path, visits=400, today=datetime(2026, 3, 4).date())
    with st.open_store(path) as store:
        report = st.check_database(store, signed())
        verdict = verify_audit(store.conn)
    assert report.ok and report.audit == [], report
    assert verdict.visits == summary.finalized and verdict.rows > summary.finalized


# --------------------------------------------------------------------- the schema-5 migration


def _v4_database(path, audit_rows: list[tuple[int, str, str]]) -> None:
    """A file at schema 4, written as OcreBill 4 did: a patient, a finalized visit with a
    claim, and audit rows (id, at, action) without hashes."""
    conn = sqlite3.connect(path)
    migrate(sqlite_utils.Database(conn), target=4)
    stamp = ("2026-01-01T08:00:00.000+00:00", "old")
    conn.execute("INSERT INTO patients (id, ref, name, name_key, created_at, created_by, "
                 "changed_at, changed_by) VALUES (1, 'P-1', 'Old, Olga', 'old, olga', ?, ?, "
                 "?, ?)", stamp * 2)
    for visit_id, status in ((1, "finalized"), (2, "draft")):
        conn.execute("INSERT INTO visits (id, patient_id, date_of_service, setting, summary, "
                     "status, document, claim, created_at, created_by, changed_at, "
                     "changed_by) VALUES (?, 1, '2026-01-01', 'office', '', ?, '{}', ?, ?, ?, "
                     "?, ?)", (visit_id, status, f'{{"visit": {visit_id}}}', *stamp * 2))
    conn.executemany("INSERT INTO audit_log (id, at, actor, entity, entity_id, action, reason, "
                     "changes) VALUES (?, ?, 'old', 'visit', '1', ?, NULL, '[]')", audit_rows)
    conn.commit()
    conn.close()


def test_the_migration_chains_old_rows_and_seals_finalized_claims(db_path):
    _v4_database(db_path, [(1, "2026-01-01T08:00:00.000+00:00", "create"),
                           (2, "2026-01-02T08:00:00.000+00:00", "finalize")])
    with st.open_store(db_path) as store:
        report = st.check_database(store, signed())
        entries = st.audit_entries(store, signed(), "visit", 1)
        start = st.audit_entries(store, signed(), "database")
    assert report.ok, report
    assert any("covered by the schema-5 migration's seal" in n for n in report.notices)
    seal = entries[0]
    assert (seal.action, seal.actor) == ("seal", MIGRATION_ACTOR)
    assert seal.changes[0].after == claim_digest('{"visit": 1}')
    assert [e.action for e in start] == ["chain-start"]
    assert {c.field: c.after for c in start[0].changes} == {"chained_rows": 2,
                                                           "sealed_visits": 1}
    _tamper(db_path, "UPDATE visits SET claim = '{\"visit\": 99}' WHERE id = 1")
    assert _check(db_path).audit == [
        f"visit 1: its stored claim does not match the seal the schema-5 migration wrote "
        f"(audit row {seal.id}: the claim as stored when the chain began) (the claim was "
        "changed outside OcreBill)"]


def test_gaps_and_clock_steps_before_the_chain_began_are_notices(db_path):
    _v4_database(db_path, [(1, "2026-01-02T08:00:00.000+00:00", "create"),
                           (3, "2026-01-01T08:00:00.000+00:00", "finalize")])
    report = _check(db_path)
    assert report.ok, report
    before = [n for n in report.notices if n.startswith("before the audit chain began")]
    assert len(before) == 2
    assert "row 2 is missing" in before[0] and "back-dated" in before[1]


def test_a_new_database_has_a_head_only_once_something_is_written(db_path):
    with st.open_store(db_path) as store:
        assert store.conn.execute("SELECT count(*) FROM audit_head").fetchone()[0] == 0
        assert st.check_database(store, signed()).ok
        st.add_patient(store, signed("frontdesk"), {"name": "First, Fay"})
        head = store.conn.execute("SELECT last_id, keyed FROM audit_head").fetchone()
        assert head == (1, 0)
        assert st.check_database(store, signed()).ok


def test_the_head_row_deleted_is_reported(history):
    path, _, _ = history
    _tamper(path, "DELETE FROM audit_head")
    assert _check(path).audit[0].startswith("the audit head is missing")


def test_a_crash_mid_transaction_leaves_the_chain_valid(tmp_path):
    """SIGKILL while saving and finalizing (the robustness harness), then the chain checks."""
    import os
    import subprocess
    from pathlib import Path

    from store_helpers import PYTHON, REPO

    here = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here), str(REPO / "tests"), str(REPO)])}
    db = tmp_path / "killed.sqlite"
    done = subprocess.run([PYTHON, str(here / "store_kill_harness.py"), str(db), "8", "7"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with st.open_store(db) as store:
        verdict = verify_audit(store.conn)
        finalized = st.count_visits(store, signed(), status="finalized")
    assert verdict.problems == [] and verdict.rows > 8
    assert verdict.visits == finalized > 0


def test_times_are_utc_with_a_zone(history):
    path, _, _ = history
    conn = sqlite3.connect(path)
    for (at,) in conn.execute("SELECT at FROM audit_log"):
        assert datetime.fromisoformat(at).utcoffset() == UTC.utcoffset(None)
    conn.close()


@pytest.mark.parametrize("row", [
    (7, "2026-03-04T08:00:00.000+00:00", "nurse", "visit", "12", "update", None, "[]"),
    (8, "at", 'dé "x"\n\u2028\\', "e", "1", "a", "reason ü\t", '[{"k": "\\u00e9"}]'),
    (9, 123, None, "e", "1", "a", 4.5, "[]"),  # a hand-written row of other types
    (True, "at", "x", "e", "1", "a", None, "[]"),
])
def test_the_canonical_content_is_compact_json(row):
    assert canonical(*row) == json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def test_a_demo_whose_today_lies_ahead_leaves_real_entries_their_own_time(tmp_path):
    path = tmp_path / "ahead.sqlite"
    started = datetime.now(UTC)
    st.create_demo_database(path, today=started.date() + timedelta(days=40))
    with st.open_store(path) as store:
        latest = store.conn.execute("SELECT max(at) FROM audit_log").fetchone()[0]
        assert datetime.fromisoformat(latest) <= datetime.now(UTC)
        st.add_patient(store, signed("frontdesk"), {"name": "Now, Nora"})
        written = datetime.fromisoformat(st.audit_entries(store, signed(), limit=1)[0].at)
        assert started - timedelta(seconds=1) <= written <= datetime.now(UTC)
        assert st.check_database(store, signed()).ok

"""visits.running_since: set from core.timeline.running_since on every write of a visit row
(draft, finalize, amend, reopen, import, demo), backfilled by migration 3."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import sqlite_utils
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import migrations
from ocrebill_gui.store.visits import running_since_of, summary_text


def running_doc(**kwargs) -> dict:
    """Example 01 started at 09:00 and not stopped yet."""
    doc = visit_doc(**kwargs)
    doc["administrations"][0]["events"] = doc["administrations"][0]["events"][:1]
    return doc


def column(store: st.Store, visit_id: int) -> str | None:
    return store.conn.execute("SELECT running_since FROM visits WHERE id = ?",
                              (visit_id,)).fetchone()[0]


def test_the_column_asks_the_core_and_reads_a_draft_leniently() -> None:
    admin = {"product": "ocrevus", "route": "iv_infusion", "dose_mg": 600,
             "events": [{"at": "2026-03-10T09:05", "kind": "start"}]}
    assert running_since_of({"administrations": [admin]}) == "2026-03-10T09:05"
    # The summary is what was given, nothing more: whether it runs is the column's business.
    assert summary_text({"administrations": [admin]}) == "Ocrevus 600 mg"
    admin["events"].append({"at": "2026-03-10T12:35", "kind": "stop"})
    assert running_since_of({"administrations": [admin]}) is None
    messy = {**admin, "events": ["not an event", {"kind": "start", "at": "2026-03-10"},
                                 {"kind": "start", "at": 900},
                                 {"kind": "start", "at": "2026-03-10T09:00:42"},
                                 {"kind": "pause", "at": "half past nine"}]}
    assert running_since_of({"administrations": [messy]}) == "2026-03-10T09:00"
    push = {"route": "iv_push", "events": [{"kind": "start", "at": "2026-03-10T08:00"}]}
    later = {"route": "iv_infusion", "events": [{"kind": "start", "at": "2026-03-10T10:00"}]}
    earlier = {"route": "iv_infusion", "events": [{"kind": "start", "at": "2026-03-10T09:30"}]}
    assert running_since_of({"administrations": [push, later, earlier, "junk"]}) == \
        "2026-03-10T09:30"  # the earliest infusion still running; a push never runs
    assert running_since_of({"administrations": "nonsense"}) is None
    assert running_since_of({}) is None


def test_drafts_set_and_clear_the_column(store, setup):
    patient = setup[0]
    saved = st.create_draft(store, signed("nurse"), running_doc(), patient_id=patient.id)
    assert column(store, saved.visit_id) == "2026-03-04T09:00"
    [row] = st.visits_on(store, signed(), date(2026, 3, 4))
    assert row.running_since == "2026-03-04T09:00" and row.running
    assert "RUNNING" not in row.summary
    assert st.get_visit(store, signed(), saved.visit_id).running_since == "2026-03-04T09:00"
    st.save_draft(store, signed("nurse"), visit_doc(), visit_id=saved.visit_id,  # stopped
                  expected_revision=saved.revision)
    assert column(store, saved.visit_id) is None
    assert not st.visits_on(store, signed(), date(2026, 3, 4))[0].running


def test_finalize_amend_and_reopen_keep_the_column_true_to_the_document(store, setup):
    patient = setup[0]
    saved = st.create_draft(store, signed("nurse"), running_doc(), patient_id=patient.id)
    visit = st.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=1,
                              override_reason="stop time on paper").visit
    # The document still has no stop; the list never shows a finalized visit as running.
    assert column(store, saved.visit_id) == "2026-03-04T09:00"
    [row] = st.find_visits(store, signed(), patient_id=patient.id)
    assert row.status == "finalized" and not row.running
    visit = st.amend_visit(store, signed("biller"), saved.visit_id, visit_doc(),
                           "stop time from the chart", expected_revision=visit.revision).visit
    assert column(store, saved.visit_id) is None
    visit = st.amend_visit(store, signed("biller"), saved.visit_id, running_doc(),
                           "stop was a typo", allow_errors=True,
                           expected_revision=visit.revision).visit
    assert column(store, saved.visit_id) == "2026-03-04T09:00"
    store.conn.execute("UPDATE visits SET running_since = NULL WHERE id = ?", (saved.visit_id,))
    if store.conn.in_transaction:
        store.conn.commit()
    st.reopen_visit(store, signed("biller"), saved.visit_id, "record the stop",
                    expected_revision=visit.revision)
    assert column(store, saved.visit_id) == "2026-03-04T09:00"  # recomputed, not carried
    [row] = st.find_visits(store, signed(), patient_id=patient.id)
    assert row.status == "draft" and row.running


def test_import_sets_the_column(store):
    doc = running_doc()
    doc["patient"] = {"id": "P-9", "name": "Okafor, Grace"}
    result = st.import_document(store, signed("import"), doc)
    assert column(store, result.visit_id) == "2026-03-04T09:00"


def test_demo_rows_carry_the_column_and_a_primary_mark(tmp_path):
    path = tmp_path / "demo.sqlite"
    st.create_demo_database(path, seed=5, today=date(2026, 3, 10))
    with st.open_store(path) as store:
        rows = store.conn.execute("SELECT document, running_since, status, claim FROM visits")
        checked = running = 0
        for text, since, status, claim in rows:
            document = json.loads(text)
            assert since == running_since_of(document)
            # The demo's nurses mark the primary administration (R1, R15).
            assert '"office-primary-unmarked"' not in claim
            checked += 1
            running += since is not None and status == "draft"
        assert checked == 200 and running > 0  # today's infusions still running
        today = st.visits_on(store, signed(), date(2026, 3, 10))
        assert any(v.running for v in today)
        assert not any("RUNNING" in v.summary for v in today)


def _version_2_database(path) -> None:
    conn = sqlite3.connect(path)
    migrations.migrate(sqlite_utils.Database(conn, execute_plugins=False), 2)
    stamp = ("2026-01-01T00:00:00.000+00:00", "kim") * 2
    conn.execute("INSERT INTO patients (id, ref, name, name_key, created_at, created_by, "
                 "changed_at, changed_by) VALUES (1, 'P-1', 'Müller, Ada', 'muller, ada', "
                 "?, ?, ?, ?)", stamp)
    for visit_id, document, summary in (
            (1, running_doc(), "Ocrevus 600 mg · RUNNING since 09:00"),
            (2, visit_doc(), "Ocrevus 600 mg"),
            (3, {"date_of_service": "2026-03-04", "administrations": [
                {"route": "iv_infusion", "events": [{"kind": "start", "at": "09:00"}]}]},
             "no treatment recorded"),
            (4, "not json at all", "")):
        conn.execute(
            "INSERT INTO visits (id, patient_id, date_of_service, setting, summary, document, "
            "status, created_at, created_by, changed_at, changed_by) VALUES "
            "(?, 1, '2026-03-04', 'office', ?, ?, 'draft', ?, ?, ?, ?)",
            (visit_id, summary, document if isinstance(document, str) else json.dumps(document),
             *stamp))
    conn.commit()
    conn.close()


def test_migration_3_backfills_the_column_and_cleans_the_summaries(tmp_path):
    path = tmp_path / "v2.sqlite"
    _version_2_database(path)
    with st.open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
        rows = store.conn.execute(
            "SELECT id, running_since, summary FROM visits ORDER BY id").fetchall()
        assert rows == [(1, "2026-03-04T09:00", "Ocrevus 600 mg"), (2, None, "Ocrevus 600 mg"),
                        (3, None, "no treatment recorded"), (4, None, "")]
        assert [v.running for v in st.visits_on(store, signed(), date(2026, 3, 4))] == [
            True, False, False, False]
        assert st.check_database(store, signed()).ok

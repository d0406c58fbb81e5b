"""Several workstations at once: processes (real ones, each with its own connection) finalize
the same visit, draw from the same vial lot and authorization, and amend the same visit, all
released together. On both backends: the file (SQLite's BEGIN IMMEDIATE) and the server
(PostgreSQL's advisory lock). Nothing lost, nothing counted twice, no unit below zero."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest
from staff import signed
from store_helpers import PYTHON, populated, script_env, visit_doc

from ocrebill_gui import store as st

pytestmark = pytest.mark.slow
WORKERS = 4

# argv: database, go-file, then what the worker does. Prints one JSON line per attempt.
WORKER = """
    import json, os, sys, time
    from staff import signed
    from store_helpers import visit_doc
    from ocrebill_gui import store as st
    db, go, job, *args = sys.argv[1:]
    who = signed(f"desk{os.getpid()}")  # the biller's roles, an account of its own

    def report(**what):
        print(json.dumps(what), flush=True)

    def attempt(action, *call_args, **kwargs):
        try:
            action(store, who, *call_args, **kwargs)
            report(outcome="done")
        except st.VisitChanged:
            report(outcome="stale")
        except st.VisitHasErrors as exc:
            report(outcome="refused", rules=[f.rule for f in exc.findings])
        except st.StoreError as exc:
            report(outcome="error", message=str(exc))

    with st.open_store(db) as store:
        ids = [int(x) for x in args]
        visits = {i: st.get_visit(store, who, i) for i in ids}
        report(outcome="ready")
        while not os.path.exists(go):
            time.sleep(0.002)
        for visit_id in ids:
            visit = visits[visit_id]
            if job == "finalize":
                attempt(st.finalize_visit, visit_id, expected_revision=visit.revision)
            elif job == "amend":
                doc = {**visit.document, "note": f"amended by {os.getpid()}"}
                doc["administrations"][0]["dose_mg"] = 300
                doc["administrations"][0]["vials"] = doc["administrations"][0]["vials"][:1]
                attempt(st.amend_visit, visit_id, doc, "dose corrected",
                        expected_revision=visit.revision)
"""


def _release(where, tmp_path, job: str, groups: list[list[int]]) -> list[dict]:
    go = tmp_path / "go"
    procs = [subprocess.Popen([PYTHON, "-c", textwrap.dedent(WORKER), str(where), str(go), job,
                               *map(str, ids)], env=script_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for ids in groups]
    for proc in procs:  # every worker has read its visits, and waits
        ready = proc.stdout.readline()
        assert json.loads(ready or "{}").get("outcome") == "ready", proc.communicate()[1]
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        reports += [json.loads(line) for line in out.splitlines()]
    assert [r for r in reports if r["outcome"] == "error"] == []
    return reports


def _drafts(store: st.Store, patient_id: int, days: list[str]) -> list[int]:
    return [st.create_draft(store, signed("nurse"), visit_doc(day=day),
                            patient_id=patient_id).visit_id for day in days]


def _days(count: int) -> list[str]:
    return [f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(count)]


def test_the_same_visit_finalized_at_once_is_finalized_once(store, where, tmp_path):
    patient, _coverage, auth, lot = populated(store)
    [visit_id] = _drafts(store, patient.id, ["2026-03-04"])
    reports = _release(where, tmp_path, "finalize", [[visit_id]] * WORKERS)
    assert sorted(r["outcome"] for r in reports) == ["done"] + ["stale"] * (WORKERS - 1)
    assert st.get_visit(store, signed(), visit_id).status == "finalized"
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == lot.on_hand - 2  # once
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 1200 - 600
    assert st.check_database(store, signed()).ok


def test_one_lot_and_one_authorization_drawn_at_once_never_go_below_zero(store, where, tmp_path):
    """Twelve visits of 600 mg (two vials, 600 units each), finalized by four workers at once
    from one lot of 12 vials and an authorization of 2400 units: four fit the authorization,
    the others are refused for its units; the lot gives exactly what the four took."""
    patient, _coverage, auth, lot = populated(store, approved_units=2400, vials=12)
    visits = _drafts(store, patient.id, _days(12))
    reports = _release(where, tmp_path, "finalize",
                       [visits[n::WORKERS] for n in range(WORKERS)])
    done = [r for r in reports if r["outcome"] == "done"]
    refused = [r for r in reports if r["outcome"] == "refused"]
    assert (len(done), len(refused)) == (4, 8)
    assert all(r["rules"] == ["pa-units"] for r in refused)
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 0
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 12 - 2 * 4
    assert st.count_visits(store, signed(), status="finalized") == 4
    assert st.check_database(store, signed()).ok


def test_the_same_visit_amended_at_once_is_amended_once(store, where, tmp_path):
    patient, _coverage, auth, lot = populated(store)
    [visit_id] = _drafts(store, patient.id, ["2026-03-04"])
    draft = st.get_visit(store, signed(), visit_id)
    st.finalize_visit(store, signed("biller"), visit_id, expected_revision=draft.revision)
    reports = _release(where, tmp_path, "amend", [[visit_id]] * WORKERS)
    assert sorted(r["outcome"] for r in reports) == ["done"] + ["stale"] * (WORKERS - 1)
    visit = st.get_visit(store, signed(), visit_id)
    assert visit.document["administrations"][0]["dose_mg"] == 300
    assert [a.kind for a in st.visit_amendments(store, signed(), visit_id)] == ["amend"]
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == lot.on_hand - 1  # 2 back, 1 out
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 1200 - 300
    assert st.check_database(store, signed()).ok

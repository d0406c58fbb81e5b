"""Three workstations at once (issue 12): three processes, each with its own connection,
saving drafts and finalizing visits of one demo practice for 60 s, against a throwaway
PostgreSQL server over loopback TCP, then the same against one SQLite file. Throughput (ops/s)
and p95 latency per operation, per process and in total.

Each process loops: create a draft (a copy of visit 1's document on a day of its own, for a
patient of its own, its vials from lots of its own that never run out), save it three times
(typing), finalize it (as the store benchmark does).
All three are released together. Durable settings on both (the server's defaults; the file's
synchronous=FULL). Demo size: $OCREBILL_BENCH_VISITS (100,000); seconds:
$OCREBILL_BENCH_SECONDS (60).

Run: scripts/benchmarks -k workstations
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from bench_util import report
from pg_server import ServerUnavailable, ThrowawayServer

from ocrebill_gui import store as st
from ocrebill_gui.store.server_copy import copy_database

TODAY = "2026-11-27"
VISITS = int(os.environ.get("OCREBILL_BENCH_VISITS", "100000"))
SECONDS = float(os.environ.get("OCREBILL_BENCH_SECONDS", "60"))
WORKSTATIONS = 3
SAVES = 3  # saves of each draft before it is finalized
TESTS = Path(__file__).resolve().parents[1]

# argv: database, go-file, workstation number, seconds. Prints one JSON line at the end.
WORKSTATION = """
    import json, os, sys, time
    from datetime import date, timedelta
    from bench_util import with_lots_of_its_own
    from staff import signed
    from ocrebill_gui import store as st
    db, go, number, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    ms = {"create_draft": [], "save_draft": [], "finalize": []}
    refused = []

    def timed(op, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        except st.StoreError as exc:
            refused.append(f"{op}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        finally:
            ms[op].append((time.perf_counter() - started) * 1000)

    with st.open_store(db) as store:
        who = signed(f"desk{number}")
        patient = st.list_patients(store, who, limit=number + 1)[number]
        template = with_lots_of_its_own(store, signed("nurse"),
                                        st.visit_document(store, who, 1), f"WS{number}")
        first_day = date(2027, 1, 1) + timedelta(days=1000 * number)
        print("ready", flush=True)
        while not os.path.exists(go):
            time.sleep(0.001)
        started, n = time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            day = (first_day + timedelta(days=n)).isoformat()
            doc = {**template, "date_of_service": day}
            draft = timed("create_draft", st.create_draft, store, who, doc,
                          patient_id=patient.id)
            if draft is None:
                continue
            revision = draft.revision
            for typed in range(%(saves)d):
                saved = timed("save_draft", st.save_draft, store, who,
                              {**doc, "note": f"typing {typed}"}, visit_id=draft.visit_id,
                              expected_revision=revision)
                revision = saved.revision if saved is not None else revision
            timed("finalize", st.finalize_visit, store, who, draft.visit_id,
                  allow_errors=True, expected_revision=revision)
            n += 1
        elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "ms": ms, "refused": refused}), flush=True)
""" % {"saves": SAVES}


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def run_workstations(where: str, folder: Path) -> list[dict]:
    go = folder / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(TESTS), str(TESTS / "benchmarks"), str(TESTS.parent),
         os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WORKSTATION), where,
                               str(go), str(n), str(SECONDS)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for n in range(WORKSTATIONS)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.communicate()[1][-3000:]
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=SECONDS + 300)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def summary(results: list[dict]) -> dict[str, object]:
    per_process = []
    for result in results:
        per_process.append({
            "ops_per_s": {op: round(len(ms) / result["seconds"], 1)
                          for op, ms in result["ms"].items()},
            "p95_ms": {op: round(p95(ms), 2) for op, ms in result["ms"].items() if ms},
            "refused": len(result["refused"])})
    seconds = max(r["seconds"] for r in results)
    ops = results[0]["ms"].keys()
    together = {op: [x for r in results for x in r["ms"][op]] for op in ops}
    return {
        "total_ops_per_s": {op: round(len(ms) / seconds, 1) for op, ms in together.items()},
        "total_p95_ms": {op: round(p95(ms), 2) for op, ms in together.items() if ms},
        "total_median_ms": {op: round(statistics.median(ms), 2)
                            for op, ms in together.items() if ms},
        "visits_finalized": sum(len(r["ms"]["finalize"]) for r in results),
        "refused": sorted({why for r in results for why in r["refused"]}),
        "per_process": per_process}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workstations")
    path = folder / "practice.sqlite"
    st.create_demo_database(path, visits=VISITS, today=date.fromisoformat(TODAY))
    return folder, path


def test_three_workstations_on_a_server_and_on_a_file(demo):
    folder, path = demo
    try:
        server = ThrowawayServer(durable=True).start()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    load_before = round(os.getloadavg()[0], 2)
    try:
        url = server.create_database("workstations")
        with st.open_store(path) as source, st.open_store(url) as target:
            copy_database(source, target)
            target.conn.execute("ANALYZE")
        on_server = summary(run_workstations(url, folder))
    finally:
        server.stop()
    load_between = round(os.getloadavg()[0], 2)
    on_file = summary(run_workstations(str(path), folder))
    report("store-three-workstations", {
        "visits": VISITS, "seconds": SECONDS, "workstations": WORKSTATIONS,
        "loop": f"create draft, save it {SAVES} times, finalize",
        "postgres": on_server, "sqlite": on_file,
        "nproc": os.cpu_count(), "load_average_before": load_before,
        "load_average_between": load_between,
        "load_average_after": round(os.getloadavg()[0], 2),
        "server": "PostgreSQL (throwaway, loopback TCP, durable defaults)"})
    assert on_server["visits_finalized"] > 0 and on_file["visits_finalized"] > 0

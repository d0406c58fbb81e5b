"""Store speed on a 100,000-visit demo database: building it with `ocrebill demo` (target
<= 10 s), patient search and a day's visit list (<= 5 ms median each), opening one visit
(<= 2 ms), a draft save, and the file size. Also the default demo the app starts with
(<= 2 s, whole process).

Run: scripts/benchmarks -k store
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench_util import median_ms, report
import pytest
from staff import signed

from ocrebill_gui import store as st

TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parents[2]


CPU_SECONDS: list[float] = []  # user + system time of each demo process (beside wall time)


def _demo(path: Path, *args: str) -> float:
    command = [sys.executable, "-m", "ocrebill_gui", "--db", str(path), "demo", "--today",
               TODAY, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    seconds = []
    CPU_SECONDS.clear()
    load = os.getloadavg()[0]
    for run in range(3):
        path = folder / f"big{run}.sqlite"
        seconds.append(_demo(path, "--visits", "100000"))
    report("store-demo-100k", {"median_s": round(statistics.median(seconds), 2),
                               "runs_s": [round(s, 2) for s in seconds], "target_s": 10,
                               "cpu_s_median": round(statistics.median(CPU_SECONDS), 2),
                               "load_average_before": round(load, 2),
                               "command": f"ocrebill --db FILE demo --today {TODAY} "
                                          "--visits 100000",
                               "file_mb": round(path.stat().st_size / 1e6, 1)})
    return path


def test_default_demo_process(tmp_path):
    seconds = [_demo(tmp_path / f"small{n}.sqlite") for n in range(5)]
    report("store-demo-default", {"median_s": round(statistics.median(seconds), 2),
                                  "target_s": 2, "command": "ocrebill --db FILE demo"})


def test_search_day_list_and_open_visit(big_db):
    with st.open_store(big_db) as store:
        visits = st.count_visits(store, signed())
        patients = st.count_patients(store, signed())
        member, mrn = store.conn.execute(
            "SELECT c.member_id, p.mrn FROM coverages c JOIN patients p ON p.id = c.patient_id "
            "WHERE c.id = 777").fetchone()
        queries = ["mul", "nun", "sam", "dem", "ada", "zoe", "müller-demo ada", "nunez iñi",
                   mrn, mrn[:-1], member[:6], "P-0042"]
        search = {q: round(median_ms(lambda q=q: st.search_patients(store, signed(), q),
                                     repeat=50), 3)
                  for q in queries}
        day0 = date.fromisoformat(TODAY)
        days = [day0 - timedelta(days=n) for n in range(0, 60, 3)]
        day_list = {d.isoformat(): round(median_ms(lambda d=d: st.visits_on(store, signed(), d),
                                                   repeat=30), 3) for d in days}
        rows_per_day = statistics.median(len(st.visits_on(store, signed(), d)) for d in days)
        rng = random.Random(1)
        ids = [rng.randint(1, visits) for _ in range(400)]
        it = iter(ids * 3)
        open_ms = median_ms(lambda: st.get_visit(store, signed(), next(it)), repeat=400)
        patient = st.list_patients(store, signed(), limit=1)[0]
        draft = st.create_draft(store, signed("bench"), st.visit_document(store, signed(), 1),
                                patient_id=patient.id)
        counter = iter(range(10_000))
        revision = [draft.revision]

        def edit() -> None:
            doc = st.visit_document(store, signed(), 1)
            doc["note"] = f"typing {next(counter)}"
            revision[0] = st.save_draft(store, signed("bench"), doc, visit_id=draft.visit_id,
                                        expected_revision=revision[0]).revision

        save_ms = median_ms(edit, repeat=100)
    report("store-queries-100k", {
        "visits": visits, "patients": patients,
        "patient_search_median_ms": round(statistics.median(search.values()), 3),
        "patient_search_worst_query_ms": max(search.values()), "search_target_ms": 5,
        "day_list_median_ms": round(statistics.median(day_list.values()), 3),
        "day_list_rows_median": rows_per_day, "day_list_target_ms": 5,
        "open_visit_median_ms": round(open_ms, 3), "open_visit_target_ms": 2,
        "save_draft_median_ms": round(save_ms, 3),
        "file_mb": round(big_db.stat().st_size / 1e6, 1),
        "per_query_ms": search})

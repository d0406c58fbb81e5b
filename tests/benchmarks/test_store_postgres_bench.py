"""The store on PostgreSQL over loopback beside the same store on a SQLite file, in one run,
on the same 100,000-visit demo (made as a file, then copied onto a throwaway server with
server_copy.copy_database): patient search, a day's list, opening a visit, saving a draft and
finalizing, medians in ms and the server/file ratio (target <= 3x, every operation < 16 ms).

The server keeps PostgreSQL's durable defaults (fsync, synchronous_commit on), as the file
keeps synchronous=FULL. Run: scripts/benchmarks -k postgres
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

import pytest
from bench_util import median_ms, report, with_lots_of_its_own
from pg_server import ServerUnavailable, ThrowawayServer
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store.server_copy import copy_database

TODAY = "2026-11-27"
VISITS = int(os.environ.get("OCREBILL_BENCH_VISITS", "100000"))
QUERIES = ["mul", "nun", "sam", "dem", "ada", "zoe", "müller-demo ada", "nunez iñi", "P-0042"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    path = tmp_path_factory.mktemp("pgbench") / "big.sqlite"
    started = time.perf_counter()
    st.create_demo_database(path, visits=VISITS, today=date.fromisoformat(TODAY))
    demo_s = time.perf_counter() - started
    try:
        server = ThrowawayServer(durable=True).start()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        url = server.create_database("bench")
        with st.open_store(path) as source, st.open_store(url) as target:
            started = time.perf_counter()
            copied = copy_database(source, target)
            copy_s = time.perf_counter() - started
            target.conn.execute("ANALYZE")
        with st.open_store(path) as file_store, st.open_store(url) as server_store:
            yield file_store, server_store, {"demo_s": round(demo_s, 1),
                                             "copy_to_server_s": round(copy_s, 1),
                                             "rows_copied": sum(copied.values())}
    finally:
        server.stop()


def measure(store: st.Store) -> dict[str, float]:
    """Median ms of each operation on `store` (the same calls, data and order on both)."""
    who, biller = signed(), signed("bench")
    searches = [median_ms(lambda q=q: st.search_patients(store, who, q), repeat=30)
                for q in QUERIES]
    day0 = date.fromisoformat(TODAY)
    days = [day0 - timedelta(days=n) for n in range(0, 60, 3)]
    day_lists = [median_ms(lambda d=d: st.visits_on(store, who, d), repeat=20) for d in days]
    visits = st.count_visits(store, who)
    rng = random.Random(1)
    ids = iter([rng.randint(1, visits) for _ in range(300)] * 2)
    open_ms = median_ms(lambda: st.get_visit(store, who, next(ids)), repeat=300)
    patient = st.list_patients(store, who, limit=1)[0]
    # Lots of its own: the demo's are expired or empty on the days finalized below.
    template = with_lots_of_its_own(store, signed("nurse"), st.visit_document(store, who, 1),
                                    "BENCH")
    draft = st.create_draft(store, biller, template, patient_id=patient.id)
    counter, revision = iter(range(100_000)), [draft.revision]

    def save() -> None:
        doc = {**template, "note": f"typing {next(counter)}"}
        revision[0] = st.save_draft(store, biller, doc, visit_id=draft.visit_id,
                                    expected_revision=revision[0]).revision

    save_ms = median_ms(save, repeat=100)
    drafts = iter([st.create_draft(store, biller, {**template, "date_of_service": day},
                                   patient_id=patient.id)
                   for day in (f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(60))])

    def finalize() -> None:
        saved = next(drafts)
        st.finalize_visit(store, biller, saved.visit_id, allow_errors=True,
                          expected_revision=saved.revision)

    finalize_ms = median_ms(finalize, repeat=55, warmup=3)
    return {"search_ms": statistics.median(searches), "search_worst_ms": max(searches),
            "day_list_ms": statistics.median(day_lists), "open_visit_ms": open_ms,
            "save_draft_ms": save_ms, "finalize_ms": finalize_ms}


def test_server_beside_file(stores):
    file_store, server_store, build = stores
    on_file = measure(file_store)
    on_server = measure(server_store)
    ratios = {op: round(on_server[op] / on_file[op], 2) for op in on_file}
    report("store-postgres-vs-sqlite", {
        "visits": st.count_visits(file_store, signed()), **build,
        "sqlite_ms": {k: round(v, 3) for k, v in on_file.items()},
        "postgres_ms": {k: round(v, 3) for k, v in on_server.items()},
        "ratio_server_to_file": ratios, "ratio_target": 3, "each_op_target_ms": 16,
        "nproc": os.cpu_count(), "load_average_before": round(os.getloadavg()[0], 2),
        "server": "PostgreSQL (throwaway, loopback TCP, durable defaults)"})

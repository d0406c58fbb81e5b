"""Encrypted store (SQLCipher) against the plain one, in the same run on the same machine: the
100,000-visit demo built both ways, then patient search, a day's visit list, opening a visit
and saving a draft on each, interleaved. Reports each encrypted/plain ratio (target <= 1.3).

Run: scripts/benchmarks -k encryption
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

import pytest
from bench_util import median_ms, report
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store import keys
from ocrebill_gui.store.demo import create_demo_database

pytestmark = pytest.mark.benchmark

TODAY = date(2026, 11, 27)
VISITS = 100_000


def _open(path, encrypted: bool):
    return st.open_store(path, key=keys.unlock(path, "admin", "demo") if encrypted else None)


def test_encrypted_store_against_plain(tmp_path):
    build: dict[str, list[float]] = {"plain": [], "encrypted": []}
    paths = {}
    for run in range(2):
        for kind in ("plain", "encrypted"):
            path = tmp_path / f"{kind}{run}.sqlite"
            started = time.perf_counter()
            create_demo_database(path, visits=VISITS, today=TODAY, encrypt=kind == "encrypted")
            build[kind].append(time.perf_counter() - started)
            paths[kind] = path
    stores = {kind: _open(path, kind == "encrypted") for kind, path in paths.items()}
    results: dict[str, dict[str, float]] = {kind: {} for kind in stores}
    try:
        sample = stores["plain"]
        member, mrn = sample.conn.execute(
            "SELECT c.member_id, p.mrn FROM coverages c JOIN patients p ON p.id = c.patient_id "
            "WHERE c.id = 777").fetchone()
        queries = ["mul", "nun", "sam", "dem", "ada", "zoe", "müller-demo ada", "nunez iñi",
                   mrn, mrn[:-1], member[:6], "P-0042"]
        days = [TODAY - timedelta(days=n) for n in range(0, 60, 3)]
        ids = [random.Random(1).randint(1, VISITS) for _ in range(400)]
        for kind, store in stores.items():
            # Warm the page cache alike: the first pass over each file is not measured.
            for q in queries:
                st.search_patients(store, signed(), q)
        for _round in range(2):
            for kind, store in stores.items():
                search = statistics.median(
                    median_ms(lambda q=q, s=store: st.search_patients(s, signed(), q), repeat=30)
                    for q in queries)
                day_list = statistics.median(
                    median_ms(lambda d=d, s=store: st.visits_on(s, signed(), d), repeat=20)
                    for d in days)
                it = iter(ids * 3)
                open_ms = median_ms(lambda s=store: st.get_visit(s, signed(), next(it)), repeat=400)
                patient = st.list_patients(store, signed(), limit=1)[0]
                draft = st.create_draft(store, signed("bench"),
                                        st.visit_document(store, signed(), 1),
                                        patient_id=patient.id)
                counter = iter(range(10_000))
                revision = [draft.revision]

                def edit(s=store, visit_id=draft.visit_id) -> None:
                    doc = st.visit_document(s, signed(), 1)
                    doc["note"] = f"typing {next(counter)}"
                    revision[0] = st.save_draft(s, signed("bench"), doc, visit_id=visit_id,
                                                expected_revision=revision[0]).revision

                save_ms = median_ms(edit, repeat=100)
                for name, value in (("search", search), ("day_list", day_list),
                                    ("open_visit", open_ms), ("save_draft", save_ms)):
                    results[kind][name] = min(results[kind].get(name, value), value)
    finally:
        for store in stores.values():
            store.close()
    results["plain"]["demo_100k"] = min(build["plain"]) * 1000
    results["encrypted"]["demo_100k"] = min(build["encrypted"]) * 1000
    ratios = {name: round(results["encrypted"][name] / results["plain"][name], 2)
              for name in results["plain"]}
    report("store-encrypted-vs-plain", {
        "ratios": ratios, "target_ratio": 1.3,
        "plain_ms": {k: round(v, 3) for k, v in results["plain"].items()},
        "encrypted_ms": {k: round(v, 3) for k, v in results["encrypted"].items()},
        "command": "scripts/benchmarks -k encryption"})

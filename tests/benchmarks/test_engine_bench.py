"""Engine speed: compute() per visit (target median <= 0.5 ms, so the app can recompute on
every keystroke) and the whole `ocrebill compute` process (target median <= 400 ms).

Run: scripts/benchmarks -k engine
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_util import median_ms, report

from ocrebill_gui.core import compute

VISITS = Path(__file__).resolve().parents[1] / "fixtures" / "visits"


def test_compute_per_visit() -> None:
    documents = {p.stem: json.loads(p.read_text()) for p in sorted(VISITS.glob("*.json"))
                 if not p.stem.endswith(".expected") and "invalid" not in p.stem}
    figures = {}
    for name, document in documents.items():
        figures[name] = round(median_ms(lambda d=document: compute(d), repeat=500), 3)
    overall = statistics.median(figures.values())
    report("engine-compute", {"median_ms_per_visit": round(overall, 3),
                              "worst_example_ms": max(figures.values()),
                              "target_ms": 0.5, "per_example_ms": figures})


def test_compute_process() -> None:
    example = str(VISITS / "06-facility-premeds.json")
    command = [sys.executable, "-m", "ocrebill_gui", "compute", example, "--json"]
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    samples = []
    for _ in range(15):
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append((time.perf_counter() - t) * 1000)
    bare = []
    for _ in range(15):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append((time.perf_counter() - t) * 1000)
    report("engine-process", {"median_ms": round(statistics.median(samples), 1),
                              "min_ms": round(min(samples), 1), "target_ms": 400,
                              "bare_python_median_ms": round(statistics.median(bare), 1)})

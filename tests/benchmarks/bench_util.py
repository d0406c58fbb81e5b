"""Helpers for the benchmarks: medians, the machine they ran on, a results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def report(name: str, figures: dict[str, object]) -> None:
    """Print the figures and keep them in tests/benchmarks/results/NAME.json."""
    figures = {**figures, "machine": machine()}
    print(f"\n[{name}]")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2))


def with_lots_of_its_own(store, who, template: dict, label: str) -> dict:
    """`template` (a visit document) whose vials come from new lots named LABEL-N, of 100,000
    vials expiring in 2099: finalizing copies of it never finds a lot expired or empty."""
    import copy

    from ocrebill_gui import store as st

    doc = copy.deepcopy(template)
    for n, given in enumerate(doc["administrations"]):
        for vial in given.get("vials", []):
            lot = st.add_vial_lot(store, who, {
                "product": given["product"], "ndc": vial["ndc"], "lot": f"{label}-{n}",
                "expires": "2099-12-31", "received": "2026-01-02", "received_vials": 100000})
            vial.update(lot=lot.lot, expires="2099-12-31")
    return doc

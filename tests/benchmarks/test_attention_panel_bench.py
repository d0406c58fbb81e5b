"""Today's Needs attention panel on a 100,000-visit demo database: how long the UI thread is
held (the panel's load() handing the read to its worker, then showing the lists when they
come back) against the whole wait until the lists show (the worker's read, off the UI
thread), each as if the visits had just changed (no dose history remembered).

Run: scripts/benchmarks -k attention_panel
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_util import report
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store.dose_history import _LAST
from ocrebill_gui.ui.clock import FakeClock

TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parents[2]
RUNS = 5


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("attention_panel") / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "ocrebill_gui", "--db", str(path), "demo", "--today",
                    TODAY, "--visits", "100000", "--plain"], check=True, capture_output=True,
                   cwd=REPO)
    return path


def test_the_panel_holds_the_ui_thread_only_to_start_and_show(qtbot, demo):
    from ocrebill_gui.ui.attention import AttentionPanel

    load = os.getloadavg()[0]
    held, shown, waited = [], [], []
    with st.open_store(demo) as store:
        panel = AttentionPanel(store, signed(), FakeClock(f"{TODAY}T10:00"))
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitExposed(panel)
        show = panel._show

        def timed_show(outcome) -> None:
            started = time.perf_counter()
            show(outcome)
            shown.append(time.perf_counter() - started)

        panel._reader.done.disconnect()
        panel._reader.done.connect(timed_show)
        for _ in range(RUNS + 1):
            _LAST.clear()
            count = len(shown)
            started = time.perf_counter()
            panel.load()
            held.append(time.perf_counter() - started)
            qtbot.waitUntil(lambda: len(shown) > count, timeout=60000)
            waited.append(time.perf_counter() - started)
    ms = lambda values: round(statistics.median(values[1:]) * 1000, 1)  # noqa: E731
    report("attention-panel-100k", {
        "load_average_before": round(load, 2), "runs": RUNS,
        "ui_thread_load_call_median_ms": ms(held),
        "ui_thread_show_lists_median_ms": ms(shown),
        "until_the_lists_show_median_ms": ms(waited),
        "command": "scripts/benchmarks -k attention_panel"})

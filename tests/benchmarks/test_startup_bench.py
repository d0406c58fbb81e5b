"""Start-up and memory of the real `ocrebill` command on a 100,000-visit demo database, each as
a ratio to a bare PySide6 window measured in the same run (same interpreter, same machine).

    scripts/benchmarks -k startup
    .venv/bin/python -m pytest tests/benchmarks/test_startup_bench.py -m benchmark -s

- cold start: wall time from spawning the process to the first paint of the main window
  (`OCREBILL_PROBE=first-paint`, reported from the window's first paint event), target <= 2x the
  bare window's first paint; also reported: time until today's visits are listed (`ready`);
- memory: peak RSS (ru_maxrss of the child) after opening 20 visits one after another, each
  closed before the next (a biller going through the day), target <= 2x the bare window's
  peak; also reported: 20 visits left open at once (20 tabs).

The demo database is built once by `ocrebill demo` into tests/benchmarks/results/ and rebuilt
when it was not built today (its "today" drives the day list). Runs: $OCREBILL_BENCH_RUNS
(default 7), interleaved so load on the machine hits both sides alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from bench_util import RESULTS, report

OCREBILL = Path(sys.executable).with_name("ocrebill")
RUNS = int(os.environ.get("OCREBILL_BENCH_RUNS", "7"))
DEMO = RESULTS / "startup-demo-100k.sqlite"

BARE_WINDOW = """
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtCore import QSize, QTimer
app = QApplication([])
class Window(QWidget):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: (print("probe first-paint", flush=True), app.quit()))
window = Window()
# the size the main window opens at the first time (MainWindow._default_geometry)
window.resize(QSize(1360, 860).boundedTo(app.primaryScreen().availableGeometry().size() * 0.92))
window.show()
app.exec()
"""


@pytest.fixture(scope="module")
def demo_100k() -> Path:
    fresh = DEMO.exists() and date.fromtimestamp(DEMO.stat().st_mtime) == date.today()
    if not fresh:
        RESULTS.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO}{suffix}").unlink(missing_ok=True)
        subprocess.run([str(OCREBILL), "demo", "--visits", "100000", "--db", str(DEMO)],
                       check=True, capture_output=True, timeout=900)
    return DEMO


def _spawn(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], int]:
    """Run to exit; seconds from spawn to each `probe STAGE` line, and the peak RSS in KB."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    stages = {}
    assert child.stdout is not None
    with child.stdout:
        for line in child.stdout:
            if line.startswith("probe "):
                stages[line.split()[1]] = time.perf_counter() - started
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, f"{command} exited with {child.returncode}"
    return stages, usage.ru_maxrss


def _env(tmp_path: Path, probe: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "OCREBILL_CONFIG_DIR": str(tmp_path), "OCREBILL_PROBE": probe}
    env.pop("OCREBILL_DB", None)
    return env


def test_cold_start_and_memory_against_a_bare_window(demo_100k, tmp_path):
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [str(OCREBILL), "--db", str(demo_100k)]
    bare_paint, bare_rss, app_paint, app_ready, ready_rss = [], [], [], [], []
    _spawn(app_cmd, _env(tmp_path, "ready"))  # warm the OS file cache for both sides
    _spawn(bare_cmd, _env(tmp_path, ""))
    for _ in range(RUNS):
        stages, rss = _spawn(bare_cmd, _env(tmp_path, ""))
        bare_paint.append(stages["first-paint"])
        bare_rss.append(rss)
        stages, _rss = _spawn(app_cmd, _env(tmp_path, "first-paint"))
        app_paint.append(stages["first-paint"])
        stages, rss = _spawn(app_cmd, _env(tmp_path, "ready"))
        app_ready.append(stages["ready"])
        ready_rss.append(rss)
    browse_rss = [_spawn(app_cmd, _env(tmp_path, "browse-visits=20"))[1] for _ in range(3)]
    open_rss = [_spawn(app_cmd, _env(tmp_path, "open-visits=20"))[1] for _ in range(3)]

    bare_ms = statistics.median(bare_paint) * 1000
    paint_ms = statistics.median(app_paint) * 1000
    bare_mb = statistics.median(bare_rss) / 1024
    browse_mb = statistics.median(browse_rss) / 1024
    figures = {
        "runs": RUNS,
        "bare window first paint, median ms": round(bare_ms),
        "ocrebill first paint (100k visits), median ms": round(paint_ms),
        "first paint ratio (target <= 2)": round(paint_ms / bare_ms, 2),
        "ocrebill today's visits listed, median ms": round(statistics.median(app_ready) * 1000),
        "bare window peak RSS, MB": round(bare_mb, 1),
        "ocrebill peak RSS with today's visits listed, MB": round(
            statistics.median(ready_rss) / 1024, 1),
        "ocrebill peak RSS after opening 20 visits one after another, MB": round(browse_mb, 1),
        "memory ratio, 20 visits one after another (target <= 2)": round(browse_mb / bare_mb, 2),
        "ocrebill peak RSS with 20 visits open at once, MB": round(
            statistics.median(open_rss) / 1024, 1),
        "memory ratio, 20 visits open at once": round(
            statistics.median(open_rss) / 1024 / bare_mb, 2),
    }
    report("startup", figures)
    assert paint_ms <= 2 * bare_ms, figures
    assert browse_mb <= 2 * bare_mb, figures

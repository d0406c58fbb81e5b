"""Start-up and memory of the real `ocrebill` command on a 100,000-visit demo database, each as
a ratio to a bare PySide6 window measured in the same run (same interpreter, same machine).

    scripts/benchmarks -k startup
    .venv/bin/python -m pytest tests/benchmarks/test_startup_bench.py -m benchmark -s

- cold start: wall time from spawning the process to the first paint of the main window
  (`OCREBILL_PROBE=first-paint`, reported from the window's first paint event), target <= 2x the
  bare window's first paint; also reported: time until today's visits are listed (`ready`);
- memory: peak RSS (the child's VmHWM) after opening 20 visits one after another, each
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
def peak_kb():  # as ocrebill_gui.ui.probe.peak_kb, without importing the app's package
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
app = QApplication([])
class Window(QWidget):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: print("probe first-paint 0", peak_kb(), flush=True))
            QTimer.singleShot(50, app.quit)  # then as long alive as the app's probe
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
        # Plain, as the figures recorded before new databases were encrypted by default.
        subprocess.run([str(OCREBILL), "demo", "--visits", "100000", "--plain", "--db",
                        str(DEMO)],
                       check=True, capture_output=True, timeout=900)
    return DEMO


def _spawn(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], int]:
    """Run to exit; seconds from spawn to each `probe STAGE` line, and the child's own peak
    RSS in KB as it reported it last (VmHWM: rusage would count this pytest process too)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    stages, peak = {}, 0
    assert child.stdout is not None
    with child.stdout:
        for line in child.stdout:
            if line.startswith("probe "):
                stages[line.split()[1]] = time.perf_counter() - started
                peak = int(line.split()[3])
    assert child.wait(timeout=300) == 0, f"{command} exited with {child.returncode}"
    return stages, peak


def _env(tmp_path: Path, probe: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "OCREBILL_CONFIG_DIR": str(tmp_path), "OCREBILL_PROBE": probe}
    env.pop("OCREBILL_DB", None)
    return env


def _median_mb(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1024, 1)


def test_cold_start_to_first_paint_against_a_bare_window(demo_100k, tmp_path):
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [str(OCREBILL), "--db", str(demo_100k)]
    bare_paint, app_paint, app_ready, ready_rss = [], [], [], []
    _spawn(app_cmd, _env(tmp_path, "ready"))  # warm the OS file cache for both sides
    _spawn(bare_cmd, _env(tmp_path, ""))
    for _ in range(RUNS):
        bare_paint.append(_spawn(bare_cmd, _env(tmp_path, ""))[0]["first-paint"])
        app_paint.append(_spawn(app_cmd, _env(tmp_path, "first-paint"))[0]["first-paint"])
        stages, rss = _spawn(app_cmd, _env(tmp_path, "ready"))
        app_ready.append(stages["ready"])
        ready_rss.append(rss)
    bare_ms = statistics.median(bare_paint) * 1000
    paint_ms = statistics.median(app_paint) * 1000
    figures = {
        "runs": RUNS,
        "bare window first paint, median ms": round(bare_ms),
        "ocrebill first paint (100k visits), median ms": round(paint_ms),
        "first paint ratio (target <= 2)": round(paint_ms / bare_ms, 2),
        "ocrebill today's visits listed, median ms": round(statistics.median(app_ready) * 1000),
        "ocrebill peak RSS with today's visits listed, MB": _median_mb(ready_rss),
        "load average": os.getloadavg()[0],
    }
    report("startup", figures)
    assert paint_ms <= 2 * bare_ms, figures


def test_memory_after_opening_20_visits_against_a_bare_window(demo_100k, tmp_path):
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [str(OCREBILL), "--db", str(demo_100k)]
    bare_rss, browse_rss, open_rss = [], [], []
    for _ in range(RUNS):  # interleaved, as for the start-up times
        bare_rss.append(_spawn(bare_cmd, _env(tmp_path, ""))[1])
        browse_rss.append(_spawn(app_cmd, _env(tmp_path, "browse-visits=20"))[1])
        open_rss.append(_spawn(app_cmd, _env(tmp_path, "open-visits=20"))[1])
    bare_mb, browse_mb, open_mb = (_median_mb(x) for x in (bare_rss, browse_rss, open_rss))
    figures = {
        "runs": RUNS,
        "bare window peak RSS, MB": bare_mb,
        "ocrebill peak RSS after opening 20 visits one after another, MB": browse_mb,
        "memory ratio, 20 visits one after another (target <= 2)": round(browse_mb / bare_mb, 2),
        "ocrebill peak RSS with 20 visits open at once (20 tabs), MB": open_mb,
        "memory ratio, 20 visits open at once": round(open_mb / bare_mb, 2),
    }
    report("startup_memory", figures)
    assert browse_mb <= 2 * bare_mb, figures


def test_demo_start_to_the_sign_in_screen(tmp_path):
    """`scripts/run` (`ocrebill --demo`): from spawning the process to the first paint of the
    sign-in screen, the fresh demo database built (encrypted, the default) and opened; the same
    with `--plain`, interleaved in the same run."""
    env = {**_env(tmp_path, "sign-in"), "TMPDIR": str(tmp_path)}
    commands = {"encrypted": [str(OCREBILL), "--demo"],
                "plain": [str(OCREBILL), "--demo", "--plain"]}
    paint: dict[str, list[float]] = {name: [] for name in commands}
    signed: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        _spawn(command, env)  # warm the OS file cache
    for _ in range(RUNS):
        for name, command in commands.items():
            stages, _rss = _spawn(command, env)
            paint[name].append(stages["first-paint"])
            signed[name].append(stages["sign-in"])
    ms = {name: round(statistics.median(signed[name]) * 1000) for name in commands}
    figures = {
        "runs": RUNS,
        "ocrebill --demo first paint, median ms": round(
            statistics.median(paint["encrypted"]) * 1000),
        "ocrebill --demo sign-in screen painted (encrypted demo), median ms": ms["encrypted"],
        "ocrebill --demo --plain sign-in screen painted, median ms": ms["plain"],
        "encrypted / plain": round(ms["encrypted"] / ms["plain"], 2),
        "load average": os.getloadavg()[0],
    }
    report("startup_demo", figures)
    assert not list(tmp_path.glob("ocrebill-demo-*")), "the demo folder is removed on quit"

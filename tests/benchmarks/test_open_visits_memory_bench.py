"""Peak memory after opening 20 visits, as a ratio to a bare PySide6 window measured in the
same run (target <= 2x). Each side runs in a fresh interpreter (ru_maxrss is a process peak).

The app side is the real path: the shell's main window on a demo database, then 20 visits
opened from it (each in its visit editor, as a person double-clicking them would).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench_util import report

TARGET_RATIO = 2.0
VISITS = 20

# Peak RSS from VmHWM: ru_maxrss would keep the forking pytest process's peak across exec.
PEAK = """
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
"""

BARE = PEAK + """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(["bare"])
window = QWidget(); window.resize(1280, 800); window.show()
for _ in range(10): app.processEvents()
print(peak_kb())
"""

APP = PEAK + """
import sys, time
from datetime import datetime
from pathlib import Path
from ocrebill_gui.ui.app import create_application
app = create_application(["ocrebill"])
from ocrebill_gui import store as api
from ocrebill_gui.ui.clock import FakeClock
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.settings import WindowLayout
db = Path(sys.argv[1])
store = api.open_store(db)
window = MainWindow(WindowLayout(db.with_suffix(".ini")), clock=FakeClock(datetime(2026, 3, 10, 10, 15)),
                    actor="bench")
window.resize(1280, 800); window.show(); window.attach_store(store)
for _ in range(10): app.processEvents()
main_kb = peak_kb()
for summary in api.find_visits(store, limit=int(sys.argv[2])):
    editor = window.open_visit(summary.id)
    for _ in range(3): app.processEvents()
time.sleep(0.5)  # the diagnosis index warms up in the background
for _ in range(10): app.processEvents()
print(main_kb, peak_kb(), len(window.editors))
"""


def _run(code: str, *args: str) -> list[int]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True, timeout=300)
    return [int(x) for x in out.stdout.split()]


@pytest.mark.xfail(reason="not met yet: the main window alone peaks near 1.8x the bare window "
                          "and each fully built visit editor adds ~3.8 MB (widgets of 4-5 "
                          "administration cards); building only the visible editor would be "
                          "the way to 2x", strict=False)
def test_peak_memory_after_opening_20_visits(tmp_path: Path):
    from datetime import date

    from ocrebill_gui import store as api

    db = tmp_path / "demo.sqlite"
    api.create_demo_database(db, today=date(2026, 3, 10))
    (bare_kb,) = _run(BARE)
    main_kb, app_kb, opened = _run(APP, str(db), str(VISITS))
    ratio = app_kb / bare_kb
    figures = {
        "bare_window_peak_mb": round(bare_kb / 1024, 1),
        "main_window_peak_mb": round(main_kb / 1024, 1),
        "after_20_visits_peak_mb": round(app_kb / 1024, 1),
        "per_visit_mb": round((app_kb - main_kb) / 1024 / max(opened, 1), 2),
        "visits_opened": opened,
        "ratio_to_bare": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
    }
    report("memory_20_visits", figures)
    print(f"peak memory after opening {opened} visits: {ratio:.2f}x the bare window "
          f"(target <= {TARGET_RATIO}x)")
    assert opened == VISITS
    assert ratio <= TARGET_RATIO

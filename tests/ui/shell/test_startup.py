"""Starting the app: the start path stays light, an empty database is offered demo data,
`ocrebill --demo` opens a fresh demo database, and a broken database is explained."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ocrebill_gui import store as api
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.startup import DemoOffer, StartupError, open_database

HEAVY = ("pydantic", "reportlab", "sqlite_utils", "ocrebill_gui.store", "ocrebill_gui.core",
         "ocrebill_gui.ui.visit_editor", "ocrebill_gui.reports")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "OCREBILL_CONFIG_DIR": str(tmp_path / "config"), **extra}
    env.pop("OCREBILL_DB", None)
    return env


def test_the_first_window_needs_no_store_engine_or_reports(tmp_path):
    code = ("import sys\nfrom ocrebill_gui.cli import build_parser\nbuild_parser()\n"
            "import ocrebill_gui.ui.app\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), text=True,
                         capture_output=True, check=True).stdout.strip()
    assert out == ""


def test_modules_imported_after_qt_leave_no_source_in_memory(tmp_path):
    """PySide6 reads each later module's source to look for `from __feature__ import`; through
    inspect.getsource that kept every line of every module (~10 MB at start-up). The seam
    answers its question from the file instead: same answer, nothing kept."""
    (tmp_path / "uses_qt.py").write_text("import PySide6.QtCore\n")
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    code = ("import linecache, sys\n"
            "from ocrebill_gui.ui.qt import QLabel\n"
            f"sys.path.insert(0, {str(tmp_path)!r})\n"
            "import plain, uses_qt, json.tool, ocrebill_gui.store\n"
            "feature = sys.modules['shibokensupport.feature']\n"
            "print(sorted(feature.pyside_feature_dict.get(m) for m in ('plain', 'uses_qt')))\n"
            "print(len(linecache.cache))")
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), text=True,
                         capture_output=True, check=True).stdout.split()
    assert out[0:2] == ["[-1,", "0]"]  # the module that mentions PySide6 may use features
    assert int(out[2]) == 0


def test_empty_database_is_offered_demo_data(qtbot, tmp_path, layout, clock, monkeypatch):
    window = MainWindow(layout, clock=clock, actor="desk")
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(DemoOffer, "ask", classmethod(
        lambda cls, parent, path: asked.append(path) or True))
    store = open_database(window, db=str(tmp_path / "new.sqlite"), demo=False)
    assert store is not None and asked == [tmp_path / "new.sqlite"]
    assert api.count_patients(store) > 0 and api.count_visits(store) > 0
    store.close()


def test_declining_the_offer_starts_empty_and_asks_once(qtbot, tmp_path, layout, clock,
                                                        monkeypatch):
    window = MainWindow(layout, clock=clock, actor="desk")
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(DemoOffer, "ask", classmethod(
        lambda cls, parent, path: asked.append(path) or False))
    store = open_database(window, db=str(tmp_path / "new.sqlite"), demo=False)
    assert api.count_patients(store) == 0
    api.add_patient(store, "desk", {"name": "Rivera, Ana"})
    store.close()
    store = open_database(window, db=str(tmp_path / "new.sqlite"), demo=False)
    assert len(asked) == 1  # a database with data is simply opened
    store.close()


def test_an_unreadable_database_is_explained(qtbot, tmp_path, layout, clock, monkeypatch):
    window = MainWindow(layout, clock=clock, actor="desk")
    qtbot.addWidget(window)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    shown = []
    monkeypatch.setattr(StartupError, "show", classmethod(
        lambda cls, parent, message: shown.append(message)))
    assert open_database(window, db=str(bad), demo=False) is None
    assert shown and "bad.sqlite" in shown[0]


def test_ocrebill_demo_opens_a_fresh_demo_database(tmp_path):
    """The README's first command (`scripts/run` runs `ocrebill --demo`), run to the point
    where today's visits are listed."""
    ocrebill = Path(sys.executable).with_name("ocrebill")
    result = subprocess.run([str(ocrebill), "--demo"], env=_env(tmp_path,
                            OCREBILL_PROBE="ready", TMPDIR=str(tmp_path)),
                            text=True, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    stages = [line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("probe ")]
    assert stages == ["first-paint", "ready"]
    demos = list(tmp_path.glob("ocrebill-demo-*/ocrebill-demo.sqlite"))
    assert len(demos) == 1
    with api.open_store(demos[0], read_only=True) as demo:
        assert api.count_visits(demo) > 0
    layout = (tmp_path / "config" / "layout.ini").read_text()
    assert "geometry=" in layout  # the window layout was saved on quit


def test_the_database_loads_after_the_first_paint_or_anyway_soon_after(qtbot):
    from ocrebill_gui.ui.app import AfterFirstPaint
    from ocrebill_gui.ui.qt import QWidget

    shown, hidden, calls = QWidget(), QWidget(), []
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    AfterFirstPaint(shown, lambda: calls.append("painted"), fallback_ms=60_000)
    AfterFirstPaint(hidden, lambda: calls.append("fallback"), fallback_ms=50)
    shown.show()
    qtbot.waitUntil(lambda: len(calls) == 2)
    assert calls == ["painted", "fallback"]
    shown.update()
    qtbot.wait(20)
    assert calls == ["painted", "fallback"]  # once only


def test_ocrebill_screenshots_renders_each_main_screen(tmp_path):
    ocrebill = Path(sys.executable).with_name("ocrebill")
    result = subprocess.run([str(ocrebill), "screenshots", str(tmp_path / "shots"),
                             "--size", "1000x700"], env=_env(tmp_path, TMPDIR=str(tmp_path)),
                            text=True, capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert names == ["inventory.png", "main-window.png", "patient-form.png",
                     "payer-profile.png", "visit-editor.png"]
    for name in names:
        header = (tmp_path / "shots" / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n", name
        size = (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big"))
        assert size == (1000, 700), name

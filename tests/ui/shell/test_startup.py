"""Starting the app: the start path stays light, an empty database is offered demo data,
`ocrebill --demo` opens a fresh demo database, and a broken database is explained."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.startup import DemoOffer, NewDatabase, StartupError, open_database

HEAVY = ("pydantic", "reportlab", "sqlite_utils", "ocrebill_gui.store", "ocrebill_gui.core",
         "ocrebill_gui.ui.visit_editor", "ocrebill_gui.reports", "pyx12")


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
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(DemoOffer, "ask", classmethod(
        lambda cls, parent, path: asked.append(path) or True))
    store = open_database(window, db=str(tmp_path / "new.sqlite"), demo=False)
    assert store is not None and asked == [tmp_path / "new.sqlite"]
    assert store.key is not None  # the demo is encrypted
    assert api.count_patients(store, signed()) > 0 and api.count_visits(store, signed()) > 0
    store.close()


def test_declining_the_offer_makes_no_file_and_an_empty_one_is_asked_again(
        qtbot, tmp_path, layout, clock, monkeypatch):
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(DemoOffer, "ask", classmethod(
        lambda cls, parent, path: asked.append(path) or False))
    new = tmp_path / "new.sqlite"
    assert open_database(window, db=str(new), demo=False) == NewDatabase(new)
    assert asked == [new] and not list(tmp_path.glob("new.sqlite*"))  # the form comes next
    api.open_store(new).close()  # an empty plain database (an older OcreBill's, the tests')
    store = open_database(window, db=str(new), demo=False)
    assert store.key is None and api.count_patients(store, signed()) == 0
    api.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
    store.close()
    store = open_database(window, db=str(new), demo=False)
    assert len(asked) == 2  # a database with data is simply opened
    store.close()


def test_an_unreadable_database_is_explained(qtbot, tmp_path, layout, clock, monkeypatch):
    window = MainWindow(layout, clock=clock)
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
    assert not list(tmp_path.glob("ocrebill-demo-*")), "the demo folder is removed on quit"
    layout = (tmp_path / "config" / "layout.ini").read_text()
    assert "geometry=" in layout  # the window layout was saved on quit


def test_the_start_up_probe_answers_the_unlock_dialog_of_an_encrypted_database(tmp_path):
    """`ocrebill --db FILE` on an encrypted demo (`ocrebill demo`'s default): the probe types
    the demo nurse into the unlock dialog, who is then signed in with no second sign-in."""
    db = tmp_path / "demo.sqlite"
    api.create_demo_database(db, patients=5, visits=10, encrypt=True)
    ocrebill = Path(sys.executable).with_name("ocrebill")
    result = subprocess.run([str(ocrebill), "--db", str(db)], env=_env(
        tmp_path, OCREBILL_PROBE="ready", TMPDIR=str(tmp_path)), text=True,
        capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    stages = [line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("probe ")]
    assert stages == ["first-paint", "ready"]


# `ocrebill --demo` in a fresh process with a timer that reports the open demo database (its
# path, its folder's mode, its visits) once the window has it, then does what QUIT says.
DEMO_RUN = """
import os, sys
from ocrebill_gui import store as api
from ocrebill_gui.cli import main
from ocrebill_gui.ui.app import create_application
from ocrebill_gui.ui.qt import QTimer

app = create_application(["ocrebill"])

def look():
    window = next((w for w in app.topLevelWidgets() if getattr(w, "store", None)), None)
    if window is None:
        QTimer.singleShot(50, look)
        return
    path = window.store.path
    visits = window.store.conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    print(path, oct(path.parent.stat().st_mode & 0o777), visits, flush=True)
    if os.environ["QUIT"] == "close":
        window.close()

QTimer.singleShot(0, look)
sys.exit(main(["--demo"]))
"""


def _start_demo(tmp_path: Path, quit: str) -> tuple[subprocess.Popen, Path]:
    """The app on a fresh demo database with its temp area in tmp_path; returns the process
    and the database's path once the window shows it (a fictional centre: visits in it)."""
    run = subprocess.Popen([sys.executable, "-c", DEMO_RUN], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=_env(tmp_path, TMPDIR=str(tmp_path), QUIT=quit))
    try:
        path, mode, visits = run.stdout.readline().split()
        assert Path(path).parent.parent == tmp_path and Path(path).exists()
        assert mode == "0o700" and int(visits) > 0
    except BaseException:
        run.kill()
        run.communicate()
        raise
    return run, Path(path)


def test_closing_the_demo_removes_its_database(tmp_path):
    run, path = _start_demo(tmp_path, quit="close")
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    assert not path.parent.exists()
    assert not list(tmp_path.glob("ocrebill-demo-*"))


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_quit_signal_closes_the_app_and_removes_the_demo_database(tmp_path, signal_number):
    """A logout (SIGHUP), `kill` (SIGTERM) or Ctrl+C: the windows close as on a normal quit
    (the layout is saved), the exit status tells the signal, nothing is left behind."""
    run, path = _start_demo(tmp_path, quit="signal")
    run.send_signal(signal_number)
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signal_number, err
    assert not path.parent.exists()
    assert not list(tmp_path.glob("ocrebill-demo-*"))
    assert "geometry=" in (tmp_path / "config" / "layout.ini").read_text()


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
    assert names == ["audit-log.png", "benefits-list.png", "benefits-verification.png",
                     "claims-worklist.png", "copay-programme.png",
                     "coverage-edit.png", "expected-payment.png", "first-administrator.png",
                     "inventory.png", "keyboard-shortcuts.png", "main-window.png", "menu.png",
                     "needs-attention.png", "patient-form.png", "payer-profile.png",
                     "recovery-key.png", "reference-data.png", "sign-in.png", "unlock.png",
                     "visit-editor.png"]
    for name in names:
        header = (tmp_path / "shots" / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n", name
        size = (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big"))
        if name in ("recovery-key.png", "unlock.png", "keyboard-shortcuts.png",
                    "coverage-edit.png", "copay-programme.png", "reference-data.png",
                    "expected-payment.png", "benefits-list.png",
                    "benefits-verification.png"):  # dialogs and panels: their own size
            assert 300 < size[0] < 1000 and 100 < size[1] < 700, name
        else:
            assert size == (1000, 700), name


def test_plain_goes_with_demo_only(capsys):
    from ocrebill_gui.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["--plain"])
    assert exit_.value.code == 2 and "--plain goes with --demo" in capsys.readouterr().err


def test_ocrebill_demo_plain_opens_a_plain_demo(tmp_path, qtbot, layout, clock):
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    store = open_database(window, db=str(tmp_path / "demo.sqlite"), demo=True, plain=True)
    try:
        assert store.key is None and api.count_visits(store, signed()) > 0
    finally:
        store.close()
    assert (tmp_path / "demo.sqlite").read_bytes().startswith(b"SQLite format 3")

"""`ocrebill screenshots OUT_DIR`: each main screen rendered with demo data to PNG.

A fresh demo database in a temp folder, a fixed day and a clock standing at 10:15 on it (so
today's infusions are running and the pictures do not change from run to run), and a layout
file of its own (the user's remembered layout is left alone). The sign-in screen first; then
each screen as the demo account whose work it is (the nurse's day and visit, the front desk's
patient form, the biller's payer profile), signed in on the sign-in screen. Run with
QT_SCALE_FACTOR=2 or OCREBILL_COLOR_SCHEME=dark to check 200 % scaling and the dark palette.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from ocrebill_gui.ui.qt import QApplication, QSize, QWidget

DEMO_DAY = date(2026, 3, 10)  # a Tuesday
CLOCK = datetime(2026, 3, 10, 10, 15)



def _settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    if not widget.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def render_screenshots(out_dir: Path, size: QSize, say: Callable[[str], None] = print,
                       ) -> list[Path]:
    """Write one PNG per screen to `out_dir`; returns their paths."""
    from ocrebill_gui import store as api
    from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD
    from ocrebill_gui.ui.app import create_application
    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.settings import WindowLayout

    out_dir.mkdir(parents=True, exist_ok=True)
    app = create_application(["ocrebill"])
    # One fixed folder, emptied first and removed after: the status bar shows the database's
    # path, and a random folder name would change every picture on every run.
    work = Path(tempfile.gettempdir()) / "ocrebill-screenshots"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    say(f"demo database: {work / 'demo.sqlite'}")
    api.create_demo_database(work / "demo.sqlite", today=DEMO_DAY)
    # The store's clock stands still too: the audit log's times are the pictures' own.
    store = api.open_store(work / "demo.sqlite", clock=lambda: CLOCK.astimezone())
    clock = FakeClock(CLOCK)
    window = MainWindow(WindowLayout(work / "layout.ini"), clock=clock)
    window.resize(size)
    window.show()
    window.attach_store(store)
    written: list[Path] = []

    def sign_in(login: str) -> None:
        if not window.locked:
            window.switch_user()
        if window.sign_in_panel.submit(login, DEMO_PASSWORD) is None:
            raise OSError(f"the demo account {login} could not sign in")
        _settle(app)

    try:
        _settle(app)
        written.append(_save(window, out_dir / "sign-in.png"))
        sign_in("nurse")
        written.append(_save(window, out_dir / "main-window.png"))

        visits = api.visits_on(store, window.session, DEMO_DAY)
        running = next((v for v in visits if v.status == "draft" and (v.errors or v.warnings)),
                       visits[0] if visits else None)
        if running is not None:
            editor = window.open_visit(running.id)
            if editor is not None:
                editor.window().resize(size)
                _settle(app, 10)
                written.append(_save(editor.window(), out_dir / "visit-editor.png"))
                editor.close()

        window.show_page("inventory")
        _settle(app)
        written.append(_save(window, out_dir / "inventory.png"))

        sign_in("frontdesk")
        patients = window.show_page("patients")
        candidates = [v.patient_id for v in visits] + [
            p.id for p in api.list_patients(store, window.session, limit=100)]
        with_auth = next((pid for pid in candidates
                          if api.authorizations_of(store, window.session, patient_id=pid)),
                         candidates[0])
        patients.select_patient(with_auth)
        _settle(app)
        written.append(_save(window, out_dir / "patient-form.png"))

        sign_in("biller")
        payers = window.show_page("payers")
        mine = next((r for r in payers.model.records() if r.is_users), None)
        if mine is not None:
            payers.select(mine.profile.id)
        _settle(app)
        written.append(_save(window, out_dir / "payer-profile.png"))

        window.show_page("audit")  # the audit log, newest first: the reads above among them
        _settle(app)
        written.append(_save(window, out_dir / "audit-log.png"))
    finally:
        window.close()
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    for path in written:
        say(f"wrote {path}")
    return written

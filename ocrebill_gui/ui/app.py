"""`ocrebill` with no sub-command: start the desktop app.

The start path is kept short on purpose: Qt, the style and the main window's frame are shown
first; the store (pydantic, sqlite-utils), demo data and the first screen load right after the
first paint, and the visit editor, reportlab and the ICD-10 index only when first needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from ocrebill_gui.ui.clock import SystemClock
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.memory import freeze_start_up_objects
from ocrebill_gui.ui.qt import QApplication, QEvent, QObject, QTimer, QWidget
from ocrebill_gui.ui.settings import WindowLayout, default_layout_path
from ocrebill_gui.ui.style import install as install_style
from ocrebill_gui.ui.temp_files import ended_by_signals


class AfterFirstPaint(QObject):
    """Calls `then()` once, just after `widget` has painted for the first time (or after
    `fallback_ms` if it never paints, e.g. started minimized)."""

    def __init__(self, widget: QWidget, then: Callable[[], None],
                 fallback_ms: int = 2000) -> None:
        super().__init__(widget)
        self._widget, self._then, self._done = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        if not self._done:
            self._done = True
            self._widget.removeEventFilter(self)
            self._then()


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()  # typed as the QCoreApplication it may be
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName("OcreBill")
    app.setOrganizationName("OcreBill")
    app.setApplicationDisplayName("OcreBill")
    install_style(app)
    from ocrebill_gui.ui import wheel_guard

    wheel_guard.install(app)  # a passing wheel changes no picker or spin box
    return app


def run(args: argparse.Namespace) -> int:
    """Open the main window on --db (or the default database), or on a fresh demo database
    with --demo; returns the exit status."""
    from ocrebill_gui.logs import start_logging
    from ocrebill_gui.ui import crash

    start_logging()  # the log and crash.log in the user log folder (no console when packaged)
    app = create_application(sys.argv[:1])
    crash.install(app)  # an exception in a slot: logged, and a dialog that explains itself
    probe = None
    if os.environ.get("OCREBILL_PROBE"):
        from ocrebill_gui.ui.probe import Probe

        probe = Probe(os.environ["OCREBILL_PROBE"], app)
    window = MainWindow(WindowLayout(default_layout_path()), clock=SystemClock())
    status = {"code": 0}

    def freeze_once() -> None:  # once the first screen is up (ui/memory.py)
        window.session_started.disconnect(freeze_once)
        freeze_start_up_objects()

    def close_store() -> None:
        if window.store is not None:
            window.store.close()

    def load() -> None:
        if probe is not None and probe.painted():
            return
        from ocrebill_gui.ui.startup import NewDatabase, create_database, open_database
        from ocrebill_gui.ui.unlock import signed_in_as, unlock_first

        credentials = None
        if not getattr(args, "demo", False):  # an encrypted file: its key file first
            from ocrebill_gui.store import resolve_db_path

            path = resolve_db_path(getattr(args, "db", None))
            if probe is not None:
                probe.answer_unlock(path)
            credentials = unlock_first(window, path)
        store = None if credentials is False else open_database(
            window, db=getattr(args, "db", None), demo=bool(getattr(args, "demo", False)),
            plain=bool(getattr(args, "plain_demo", False)))
        if store is None:
            status["code"] = 1
            window.close()
            app.quit()
            return
        window.session_started.connect(freeze_once)
        app.aboutToQuit.connect(close_store)
        if isinstance(store, NewDatabase):  # the first administrator's form creates it
            create_database(window, store.path)
        else:  # unlocked with a login and password: the same person signed in at once
            window.attach_store(store, signed_in_as(store, credentials))
        if probe is not None:
            probe.ready(window)

    AfterFirstPaint(window, load)
    window.show()
    with ended_by_signals(app) as ending:  # the --demo folder goes on leaving, SIGTERM too
        app.exec()
    return ending.status or status["code"]

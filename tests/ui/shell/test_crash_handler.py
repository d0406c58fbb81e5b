"""Uncaught exceptions (ui/crash.py): logged with their traceback, and a dialog that says what
happened with Copy details and Close; a full disk or a StoreError as a plain message. pytest-qt's
own capture of exceptions in Qt code is off here: the app's hook is what is tested."""

from __future__ import annotations

import errno
import sqlite3
import sys
import threading

import pytest

from ocrebill_gui import logs
from ocrebill_gui.store import DiskFullError
from ocrebill_gui.ui.crash import DISK_FULL, CrashReporter
from ocrebill_gui.ui.crash_dialog import CrashDialog
from ocrebill_gui.ui.qt import QGuiApplication, QMessageBox, QPushButton, QTimer

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def reporter(qtbot, log_files):
    hook = CrashReporter()
    hook.install()
    yield hook
    hook.uninstall()
    if hook.dialog is not None:
        hook.dialog.close()


def _log_text(files: logs.LogFiles) -> str:
    files.handler.flush()
    return files.log.read_text()


def _broken_slot(qtbot, error: BaseException) -> QPushButton:
    button = QPushButton("Break")
    qtbot.addWidget(button)

    def broken() -> None:
        raise error

    button.clicked.connect(broken)
    return button


def test_an_exception_in_a_slot_is_logged_and_explained(qtbot, reporter, log_files):
    logs.keep_out("Rivera, Ana")
    name = "Rivera, Ana"
    _broken_slot(qtbot, RuntimeError(f"cannot redraw the visit of {name}")).click()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    dialog = reporter.dialog
    assert isinstance(dialog, CrashDialog) and dialog.isVisible()
    assert "RuntimeError: cannot redraw the visit of" in dialog.message.text()
    assert [b.text() for b in dialog.buttons.buttons()].count("&Copy details") == 1
    assert dialog.buttons.button(dialog.buttons.StandardButton.Close) is not None

    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.details
    assert copied.startswith("OcreBill 0.1.0\nPython ")
    assert "Traceback (most recent call last)" in copied and "in broken" in copied
    assert "Rivera" not in copied

    text = _log_text(log_files)
    assert "ERROR ocrebill.crash: Unhandled exception" in text
    assert "RuntimeError: cannot redraw the visit of <redacted>" in text and "in broken" in text
    assert "Rivera" not in text

    dialog.buttons.button(dialog.buttons.StandardButton.Close).click()
    qtbot.waitUntil(lambda: reporter.dialog is None)


def test_a_second_failure_while_the_dialog_is_up_is_logged_not_shown(qtbot, reporter,
                                                                     log_files):
    button = _broken_slot(qtbot, ValueError("first"))
    button.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    button.click()
    qtbot.wait(50)
    assert reporter.shown == 1
    assert _log_text(log_files).count("Unhandled exception") == 2


@pytest.mark.parametrize("error", [
    DiskFullError("The disk holding clinic.sqlite is full: the change was not saved."),
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_a_full_disk_is_a_plain_message_not_a_traceback(qtbot, reporter, log_files, error):
    _broken_slot(qtbot, error).click()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    box = reporter.dialog
    assert isinstance(box, QMessageBox) and not isinstance(box, CrashDialog)
    assert "full" in box.text() and "Traceback" not in box.text()
    if not isinstance(error, DiskFullError):
        assert box.text() == DISK_FULL
    text = _log_text(log_files)
    assert "WARNING ocrebill.crash: Refused" in text and "Unhandled" not in text


def test_an_exception_in_another_thread_reaches_the_dialog(qtbot, reporter, log_files):
    def work() -> None:
        raise LookupError("in the warm-up")

    worker = threading.Thread(target=work, name="icd10-warm-up")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert "LookupError" in reporter.dialog.message.text()
    assert "in thread icd10-warm-up" in _log_text(log_files)


def test_without_a_console_the_hook_still_logs_and_shows(qtbot, reporter, log_files,
                                                          monkeypatch):
    """The packaged app (console=False) has no stderr: nothing may be printed there."""
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", None)
    QTimer.singleShot(0, lambda: 1 / 0)
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert "ZeroDivisionError" in reporter.dialog.message.text()
    assert "ZeroDivisionError: division by zero" in _log_text(log_files)


def test_no_demo_patient_reaches_the_log_in_a_session(qtbot, reporter, log_files, tmp_path):
    """A nurse's session on the demo: today's visits opened, a dose typed and saved, the
    patients searched, and a failure whose message names the patient. The log tells it all by
    id and holds no demo patient's name, reference or MRN."""
    from datetime import datetime

    import staff
    from shell_helpers import type_text

    from ocrebill_gui import store as api
    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.settings import WindowLayout

    now = datetime(2026, 3, 10, 10, 15)
    api.create_demo_database(tmp_path / "demo.sqlite", now=now)
    store = api.open_store(tmp_path / "demo.sqlite")
    try:
        people = store.conn.execute("SELECT name, ref, mrn FROM patients").fetchall()
        window = MainWindow(WindowLayout(tmp_path / "layout.ini"), clock=FakeClock(now))
        qtbot.addWidget(window)
        window.show()
        window.attach_store(store, staff.session(store, "nurse"))
        today = window.show_page("today")
        opened = [visit.id for visit in today.model.records()]
        assert opened
        for visit_id in opened:
            editor = window.open_visit(visit_id)
        editor = window.open_visit(opened[0])
        dose = editor.cards[0].dose
        dose.selectAll()
        type_text(dose, "600")
        assert editor.save_now()
        window.search.setText(people[0][0].split(",")[0])
        qtbot.waitUntil(lambda: window.current_page == "patients")
        patient_name = editor.presenter.document["patient"]["name"]
        _broken_slot(qtbot, RuntimeError(f"the card of {patient_name} broke")).click()
        qtbot.waitUntil(lambda: reporter.dialog is not None)
        text = _log_text(log_files)
        for visit_id in opened:
            assert f"visit {visit_id} opened by nurse" in text
        assert "draft saved (revision" in text and "Unhandled exception" in text
        assert patient_name not in reporter.dialog.details
        for row in people:
            for value in row:
                if value:
                    assert value not in text, "patient data in the log"
        window.close()
    finally:
        store.close()

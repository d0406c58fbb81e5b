"""What the person sees when the code fails: a dialog, never a vanished window or silence.

`install(app)` makes `sys.excepthook` (PySide6 calls it for an exception raised in a slot or
an overridden Qt method) and `threading.excepthook` log the traceback (ocrebill_gui/logs.py)
and show, once the event loop is back, either
- a plain message when the problem is one a person can act on: a StoreError reaching this far
  (its message is written for people), and a full disk however it was reported ("database or
  disk is full", ENOSPC); or
- the crash dialog: what went wrong in one line, where the log is, "Copy details" (the
  traceback without patient data, the version and the platform, for a bug report) and Close.
A second failure while a dialog is up is logged, not shown: a broken paint event must not
bury the window under dialogs (Anki's aqt/errors.py holds the same line). Nothing is printed:
the packaged app has no console (sys.stderr may be None there).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys
import threading
from types import TracebackType
from typing import Any

from ocrebill_gui.logs import message_of
from ocrebill_gui.ui.qt import QApplication, QObject, Qt, Signal

log = logging.getLogger("ocrebill.crash")

DISK_FULL = ("The disk is full: the last change was not saved. Free some space (or ask your IT "
             "contact), then go on: what was saved before is safe.")


def plain_message(error: BaseException) -> str | None:
    """The message for a failure a person can act on, or None for a bug (a traceback)."""
    from ocrebill_gui.store import StoreError

    if isinstance(error, StoreError):
        return str(error) or DISK_FULL
    text = str(error).lower()
    if isinstance(error, sqlite3.Error) and "disk is full" in text:
        return DISK_FULL
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DISK_FULL
    return None


class CrashReporter(QObject):
    """Logs every uncaught exception and shows one dialog at a time (in the GUI thread)."""

    caught = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: Any = None  # the one shown now (tests look at it)
        self.shown = 0
        self.caught.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous: tuple[Any, Any] | None = None

    # -- the hooks ---------------------------------------------------------------------------
    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(self, kind: type[BaseException], error: BaseException,
                   trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C at a terminal: quit as before
            if self._previous is not None:
                self._previous[0](kind, error, trace)
            return
        self.report(error.with_traceback(trace) if trace is not None else error)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        thread = args.thread.name if args.thread is not None else "?"
        log.error("in thread %s", thread)
        self.report(args.exc_value)

    def report(self, error: BaseException) -> None:
        """Log `error` and have its dialog shown (queued: safe from any thread, and never
        inside the paint or event handler that failed)."""
        try:
            plain = plain_message(error)
            if plain is None:
                log.error("Unhandled exception", exc_info=error)
            else:
                log.warning("Refused: %s", message_of(error), exc_info=error)
            self.caught.emit(error)
        except Exception:  # noqa: BLE001 - the hook itself must never raise
            pass

    # -- the dialogs -------------------------------------------------------------------------
    def _show(self, error: BaseException) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            log.info("another problem while a dialog was open: not shown")
            return
        from ocrebill_gui.ui.crash_dialog import CrashDialog, plain_box  # only when needed

        parent = QApplication.activeWindow()
        plain = plain_message(error)
        dialog = plain_box(plain, parent) if plain is not None else CrashDialog(error, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.destroyed.connect(self._gone)
        self.dialog = dialog
        self.shown += 1
        dialog.show()

    def _gone(self, *_args: object) -> None:
        self.dialog = None


_reporter: CrashReporter | None = None


def install(app: QApplication) -> CrashReporter:
    """Route uncaught exceptions of this app (GUI thread and others) to the log and a dialog."""
    global _reporter
    if _reporter is None:
        _reporter = CrashReporter(app)
        _reporter.install()
    return _reporter


__all__ = ["DISK_FULL", "CrashReporter", "install", "plain_message"]

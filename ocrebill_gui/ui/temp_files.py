"""Temporary files that may hold patient data: private while they exist, gone when done.

A PDF on its way to the printer and the `--demo` database sit in the temp area, which other
users of the machine can list and which outlives the app. So folders made here are 0700
(mkdtemp) and files 0600 (ocrebill_gui.files), and each goes as soon as it is no longer
needed: a print job's PDF once the job is spooled (a `with` block), and what must outlive the
call that made it (the demo database, a PDF handed to a viewer) when OcreBill quits. "Quits"
covers closing the window, the end of the interpreter (atexit) and SIGTERM, SIGINT or SIGHUP,
which `ended_by_signals` turns into an ordinary quit of the event loop. A SIGKILL or a crash
still leaves them behind (in the 0700 folder).
"""

from __future__ import annotations

import atexit
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ocrebill_gui.ui.qt import QApplication, QSocketNotifier, QTimer

_until_quit: list[Path] = []


def folder_until_quit(prefix: str) -> Path:
    """A new private folder (0700) in the temp area, removed by `remove_folders()`, which runs
    when the app quits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _until_quit.append(folder)
    return folder


def remove_folders() -> None:
    """Remove every folder `folder_until_quit` made, with what is in it."""
    while _until_quit:
        shutil.rmtree(_until_quit.pop(), ignore_errors=True)


atexit.register(remove_folders)


# SIGHUP: the terminal or the session ended. Windows has only the first two.
QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, name))


@dataclass
class Ending:
    """How the event loop ended: `status` is 128 + the signal's number when a signal ended it
    (the shell's convention: 143 for SIGTERM), else None."""

    status: int | None = None


@contextmanager
def ended_by_signals(app: QApplication) -> Iterator[Ending]:
    """Around `app.exec()`: SIGTERM, SIGINT (Ctrl+C) and SIGHUP (the session ends) close the
    windows as a person does (drafts and the layout are saved) and end the event loop, so the
    database closes and the temp folders go; a second signal ends the loop at once (closing
    may be waiting on a question). On leaving, the temp folders are removed and the previous
    signal handlers come back.

    Python runs a signal handler only between bytecodes, and Qt's event loop runs none while
    it waits; the signal's number written to a socket (signal.set_wakeup_fd) wakes the loop
    through a QSocketNotifier."""
    ending = Ending()
    receiver, sender = socket.socketpair()
    for end in (receiver, sender):
        end.setblocking(False)
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda *_: receiver.recv(64))  # Python's handler has run

    def close_and_exit() -> None:
        app.closeAllWindows()
        app.exit(ending.status or 0)

    def quit_loop(number: int, _frame: object) -> None:
        if ending.status is None:
            ending.status = 128 + number
            QTimer.singleShot(0, close_and_exit)  # from the event loop, not inside the handler
        else:
            app.exit(ending.status)

    previous_fd = signal.set_wakeup_fd(sender.fileno())
    previous = {number: signal.signal(number, quit_loop) for number in QUIT_SIGNALS}
    try:
        yield ending
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        receiver.close()
        sender.close()
        remove_folders()

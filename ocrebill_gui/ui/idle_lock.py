"""Automatic logoff: `IdleWatch` says when nobody has pressed a key or used the mouse for the
practice's number of minutes (practice settings `idle_lock_minutes`), and the main window
then locks.

An event filter on the application notes the time of each key and mouse event (a float
compare and store: it sees every event of the app, so it does nothing else); a single-shot
timer wakes up when the limit could have passed, and sleeps again for what is left when there
was input meanwhile. The time source is injected: tests pass a fake and call `check()`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ocrebill_gui.ui.qt import QApplication, QEvent, QObject, QTimer, Signal

_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})


class IdleWatch(QObject):
    """Emits `idle` once, after `limit` seconds without input since `start()`."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None, *,
                 seconds: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._seconds = seconds
        self._limit: float | None = None
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)

    @property
    def running(self) -> bool:
        return self._limit is not None

    def start(self, limit_seconds: float) -> None:
        """Watch from now on; `idle` after `limit_seconds` without input."""
        self.stop()
        self._limit = float(limit_seconds)
        self._last = self._seconds()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._sleep(self._limit)

    def stop(self) -> None:
        if self._limit is None:
            return
        self._limit = None
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def remaining(self) -> float | None:
        """Seconds left before `idle`, or None when not watching."""
        if self._limit is None:
            return None
        return self._last + self._limit - self._seconds()

    def check(self) -> None:
        """Lock now if the limit has passed since the last input, else sleep until it could."""
        left = self.remaining()
        if left is None:
            return
        if left <= 0:
            self.stop()
            self.idle.emit()
        else:
            self._sleep(left)

    def _sleep(self, seconds: float) -> None:
        self._timer.start(max(1, math.ceil(seconds * 1000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT:
            self._last = self._seconds()
        return False

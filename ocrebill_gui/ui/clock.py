"""An injectable clock: the timeline's Start/Pause/Resume/Stop buttons stamp `clock.now()`.

Widgets take a `Clock` through their constructor; the app passes `SystemClock()`, tests pass a
`FakeClock` they move by hand, so "09:00 -> 12:30" takes no real time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current local wall-clock time (naive; minutes are enough)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock: local time, naive, as the nurse reads it on the wall."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


class FakeClock:
    """A clock for tests and screenshots: stands still until told to move."""

    def __init__(self, start: datetime | str = "2025-03-10T09:00") -> None:
        self._now = datetime.fromisoformat(start) if isinstance(start, str) else start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime | str) -> None:
        """Jump to `when` (a datetime or ISO text; "HH:MM" keeps today's date)."""
        if isinstance(when, datetime):
            self._now = when
        elif len(when) <= 5 and ":" in when:
            hour, minute = (int(part) for part in when.split(":"))
            self._now = self._now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        else:
            self._now = datetime.fromisoformat(when)

"""Times as nurses type them: 0930, 930, 9:30, 09:30, 9.30, 9 (and 14h05). Pure, no Qt.

The timeline stores local date-times at minute precision (visit-document spec); the date comes
from the visit's date of service, so a typed time only ever needs hours and minutes.
"""

from __future__ import annotations

import re
from datetime import datetime, time

_SEPARATED = re.compile(r"^(\d{1,2})\s*[:.hH]\s*(\d{2})$")
_DIGITS = re.compile(r"^\d{1,4}$")

TIME_HINT = "a time such as 0930, 9:30 or 09:30"


class TimeFormatError(ValueError):
    """The text is not a time of day; the message says what would be."""


def parse_time(text: str) -> time:
    """Read a typed time of day; raise TimeFormatError with a short message otherwise."""
    raw = text.strip()
    if not raw:
        raise TimeFormatError(f"enter {TIME_HINT}")
    match = _SEPARATED.match(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
    elif _DIGITS.match(raw):
        if len(raw) <= 2:
            hour, minute = int(raw), 0
        else:
            hour, minute = int(raw[:-2]), int(raw[-2:])
    else:
        raise TimeFormatError(f"'{raw}' is not {TIME_HINT}")
    if hour > 23 or minute > 59:
        raise TimeFormatError(f"'{raw}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def iso_minute(moment: datetime) -> str:
    """The document's form of a date-time: 2026-03-04T09:30."""
    return moment.strftime("%Y-%m-%dT%H:%M")

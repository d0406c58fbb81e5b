"""The state of an infusion while it runs: what the nurse may press next and the minutes so far.

The engine judges a finished timeline; at the chair the timeline is unfinished most of the time,
so this module reads the same events leniently and counts the running minutes up to "now".
Pure Python: the timeline widget asks it once a second with the injected clock's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INFUSION_KINDS = ("start", "pause", "resume", "stop")

# What may be pressed after the last event (None: nothing recorded yet).
NEXT_KINDS: dict[str | None, tuple[str, ...]] = {
    None: ("start",),
    "start": ("pause", "stop"),
    "resume": ("pause", "stop"),
    "pause": ("resume", "stop"),
    "stop": (),
}


@dataclass(frozen=True)
class LiveState:
    phase: str  # "not_started", "running", "paused", "stopped", "given", "not_given"
    running_minutes: int
    paused_minutes: int
    since: datetime | None  # the start of the current run or pause
    started: datetime | None
    allowed: tuple[str, ...]

    @property
    def open(self) -> bool:
        """Started and not stopped: the forgotten-stop banner shows while this is true."""
        return self.phase in ("running", "paused")


def _at(event: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(event["at"])
    except (KeyError, TypeError, ValueError):
        return None


def live_state(events: list[dict], now: datetime, *, infusion: bool = True) -> LiveState:
    """Read the events as far as they make sense; count a running interval up to `now`."""
    if not infusion:
        given = next((_at(e) for e in events if e.get("kind") == "given"), None)
        return LiveState("given" if given else "not_given", 0, 0, given, given,
                         () if given else ("given",))
    running = paused = 0.0
    last_kind: str | None = None
    since: datetime | None = None
    started: datetime | None = None
    for event in events:
        at, kind = _at(event), event.get("kind")
        if at is None or kind not in INFUSION_KINDS:
            continue
        if since is not None and at >= since:
            span = (at - since).total_seconds() / 60
            if last_kind in ("start", "resume"):
                running += span
            elif last_kind == "pause":
                paused += span
        if kind == "start" and started is None:
            started = at
        since, last_kind = at, kind
    if since is not None and now > since:
        span = (now - since).total_seconds() / 60
        if last_kind in ("start", "resume"):
            running += span
        elif last_kind == "pause":
            paused += span
    phase = {None: "not_started", "start": "running", "resume": "running", "pause": "paused",
             "stop": "stopped"}[last_kind]
    return LiveState(phase, int(running), int(paused), since, started, NEXT_KINDS[last_kind])

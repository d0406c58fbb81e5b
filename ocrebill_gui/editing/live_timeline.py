"""The state of an infusion while it runs: what the nurse may press next and the minutes so far.

The engine judges a finished timeline; at the chair the timeline is unfinished most of the time,
so this module reads the same events leniently, by the engine's own rules and tally
(core.timeline.SoFar), and counts the running minutes up to "now".
Pure Python: the timeline widget asks it once a second with the injected clock's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ocrebill_gui.core.timeline import INFUSION_KINDS, NEXT_KINDS, read_leniently


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


PHASES = {None: "not_started", "start": "running", "resume": "running", "pause": "paused",
          "stop": "stopped"}


def live_state(events: list[dict], now: datetime, *, infusion: bool = True,
               zone: ZoneInfo | None = None) -> LiveState:
    """Read the events as far as they make sense (core.timeline.read_leniently: the engine's
    order of events, times that cannot be read skipped); count a run or pause still open up to
    `now`, in real minutes when the practice's time zone is known."""
    if not infusion:
        given = next((_at(e) for e in events if e.get("kind") == "given"), None)
        return LiveState("given" if given else "not_given", 0, 0, given, given,
                         () if given else ("given",))
    pairs = [(e.get("kind"), at) for e in events if (at := _at(e)) is not None]
    so_far = read_leniently(((str(kind), at) for kind, at in pairs if kind in INFUSION_KINDS),
                            zone)
    return LiveState(PHASES[so_far.last], so_far.running_minutes(now, zone),
                     so_far.pause_minutes(now, zone), so_far.since, so_far.started,
                     NEXT_KINDS[so_far.last])

"""Running time of an infusion: start to stop, minus paused intervals, to the minute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ocrebill_gui.core.visit import Administration, Event

Interval = tuple[datetime, datetime]

# Which event may follow which in an infusion: start (pause resume)* [pause] stop.
_NEXT = {
    None: {"start"},
    "start": {"pause", "stop"},
    "resume": {"pause", "stop"},
    "pause": {"resume", "stop"},
    "stop": set(),
}


@dataclass(frozen=True)
class Timeline:
    """What the events of one administration say about time."""

    intervals: list[Interval] = field(default_factory=list)
    given_at: datetime | None = None
    problem: tuple[str, str] | None = None  # (rule id, message) when the times cannot be used
    paused_minutes: int = 0

    @property
    def usable(self) -> bool:
        return self.problem is None

    @property
    def running_minutes(self) -> int:
        return sum(_minutes(a, b) for a, b in self.intervals)

    @property
    def first_time(self) -> datetime | None:
        if self.intervals:
            return self.intervals[0][0]
        return self.given_at

    @property
    def last_time(self) -> datetime | None:
        if self.intervals:
            return self.intervals[-1][1]
        return self.given_at


def _minutes(a: datetime, b: datetime) -> int:
    return int((b - a).total_seconds() // 60)


def running_since(route: str, events: Iterable[tuple[str, datetime]]) -> datetime | None:
    """The one definition of "still running": an infusion that was started and has no stop
    yet, running since its first start (paused or not). `events` are (kind, at) pairs in the
    order recorded; a push, injection or oral dose is never running. The engine, the store's
    `running_since` column and the app all ask this function."""
    if route != "iv_infusion":
        return None
    started: datetime | None = None
    for kind, at in events:
        if kind == "stop":
            return None
        if kind == "start" and started is None:
            started = at
    return started


def infusion_timeline(events: list[Event]) -> Timeline:
    """Check the start/pause/resume/stop grammar and collect the running intervals."""
    if any(e.kind == "given" for e in events):
        return Timeline(problem=("timeline-wrong-event",
                                 "an infusion is timed with start/pause/resume/stop, not 'given'"))
    kinds = [e.kind for e in events]
    if "start" not in kinds:
        return Timeline(problem=("timeline-no-start", "no start time recorded"))
    intervals: list[Interval] = []
    paused = 0
    state: str | None = None
    since: datetime | None = None
    previous: datetime | None = None
    for index, event in enumerate(events):
        if previous is not None and event.at < previous:
            return Timeline(problem=(
                "timeline-order",
                f"event {index + 1} ({event.kind} {event.at:%H:%M}) is earlier than the one "
                f"before it ({previous:%H:%M})",
            ))
        if event.kind not in _NEXT[state]:
            after = f"after '{state}'" if state else "as the first event"
            return Timeline(problem=("timeline-order",
                                     f"'{event.kind}' at {event.at:%H:%M} cannot come {after}"))
        if event.kind in ("pause", "stop") and state in ("start", "resume"):
            assert since is not None
            intervals.append((since, event.at))  # a stop after a pause adds no running time
        if event.kind == "resume":
            assert since is not None
            paused += _minutes(since, event.at)
        since = event.at
        state = event.kind
        previous = event.at
    if state == "pause":
        return Timeline(problem=("timeline-no-stop",
                                 "paused and never resumed or stopped: no stop time recorded"))
    if state != "stop":
        return Timeline(problem=("timeline-no-stop", "no stop time recorded"))
    timeline = Timeline(intervals=intervals, paused_minutes=paused)
    if timeline.running_minutes == 0:
        return Timeline(problem=("timeline-order",
                                 "stopped in the minute it started: no running time (a push is "
                                 "recorded with one 'given' time)"))
    return timeline


def single_time(events: list[Event]) -> Timeline:
    """A push, injection or oral dose: exactly one 'given' event."""
    given = [e for e in events if e.kind == "given"]
    if len(given) != len(events):
        return Timeline(problem=("timeline-wrong-event",
                                 "a push, injection or oral dose has one 'given' time, "
                                 "not start/pause/resume/stop"))
    if len(given) != 1:
        what = "no 'given' time" if not given else f"{len(given)} 'given' times"
        return Timeline(problem=("timeline-given-missing",
                                 f"{what} recorded: record exactly one (one per dose)"))
    return Timeline(given_at=given[0].at)


def timeline_of(admin: Administration) -> Timeline:
    if admin.route == "iv_infusion":
        return infusion_timeline(list(admin.events))
    return single_time(list(admin.events))


def overlap_minutes(a: list[Interval], b: list[Interval]) -> int:
    """Minutes during which both sets of running intervals run."""
    total = 0
    for a0, a1 in a:
        for b0, b1 in b:
            start, end = max(a0, b0), min(a1, b1)
            if end > start:
                total += _minutes(start, end)
    return total


def minutes_not_overlapping(own: list[Interval], others: list[list[Interval]]) -> int:
    """Minutes of `own` during which none of `others` runs (for hydration)."""
    pieces = list(own)
    for other in others:
        for o0, o1 in other:
            cut: list[Interval] = []
            for p0, p1 in pieces:
                if o1 <= p0 or o0 >= p1:
                    cut.append((p0, p1))
                    continue
                if p0 < o0:
                    cut.append((p0, o0))
                if o1 < p1:
                    cut.append((o1, p1))
            pieces = cut
    return sum(_minutes(a, b) for a, b in pieces)


def extra_hours(minutes: int) -> int:
    """Additional-hour units after an initial (or sequential) hour: 0 if T <= 90, else
    floor((T - 91) / 60) + 1 (more than 30 minutes beyond the last full hour)."""
    return 0 if minutes <= 90 else (minutes - 91) // 60 + 1


def hydration_units(minutes: int) -> int:
    """96361 units for hydration that is not the initial service: 0 if H <= 30, else
    floor((H - 31) / 60) + 1."""
    return 0 if minutes <= 30 else (minutes - 31) // 60 + 1

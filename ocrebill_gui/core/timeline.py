"""Running time of an infusion: start to stop, minus paused intervals, to the minute.

Times are the practice's wall clock. With the practice's time zone known (the document's
`time_zone`, R8), minutes are real elapsed minutes across a daylight-saving change: 01:00 to
03:31 on the spring change is 91 minutes, not 151. A wall time that happens twice (the repeated
hour in autumn) is read as its first occurrence, and one that never happened (the skipped hour
in spring) as standard time; both are kept in `Timeline.unclear` for a warning (R14).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ocrebill_gui.core.visit import Administration, Event, VisitDocument

Interval = tuple[datetime, datetime]

INFUSION_KINDS = ("start", "pause", "resume", "stop")

# Which event may follow which in an infusion: start (pause resume)* [pause] stop. None: before
# the first event. In the order the app offers them (the timeline's buttons).
NEXT_KINDS: dict[str | None, tuple[str, ...]] = {
    None: ("start",),
    "start": ("pause", "stop"),
    "resume": ("pause", "stop"),
    "pause": ("resume", "stop"),
    "stop": (),
}


def zone_of(document: VisitDocument) -> ZoneInfo | None:
    """The document's time zone (validated on parse), or None for plain wall-clock times."""
    return ZoneInfo(document.time_zone) if document.time_zone else None


def real_time(at: datetime, zone: ZoneInfo | None) -> datetime:
    """A wall-clock time as a point in time (UTC, naive); itself without a zone. fold=0: the
    first occurrence of a repeated time, standard time for a skipped one."""
    if zone is None:
        return at
    return at.replace(tzinfo=zone, fold=0).astimezone(UTC).replace(tzinfo=None)


def clock_change(at: datetime, zone: ZoneInfo | None) -> str | None:
    """'repeated' for a wall time that happens twice in `zone`, 'skipped' for one that never
    happens, else None."""
    if zone is None:
        return None
    first = at.replace(tzinfo=zone, fold=0).utcoffset()
    second = at.replace(tzinfo=zone, fold=1).utcoffset()
    if first == second or first is None or second is None:
        return None
    return {True: "repeated", False: "skipped"}[first > second]


def minutes_between(a: datetime, b: datetime, zone: ZoneInfo | None = None) -> int:
    """Whole minutes from wall time a to wall time b (real minutes when the zone is known)."""
    return int((real_time(b, zone) - real_time(a, zone)).total_seconds() // 60)


@dataclass(frozen=True)
class Timeline:
    """What the events of one administration say about time."""

    intervals: list[Interval] = field(default_factory=list)
    given_at: datetime | None = None
    problem: tuple[str, str] | None = None  # (rule id, message) when the times cannot be used
    paused_minutes: int = 0
    zone: ZoneInfo | None = None
    # (event number, wall time, 'repeated' | 'skipped') for times on a clock change
    unclear: tuple[tuple[int, datetime, str], ...] = ()
    started_at: datetime | None = None  # the first start, kept when the times are unusable

    @property
    def usable(self) -> bool:
        return self.problem is None

    @property
    def running_minutes(self) -> int:
        return sum(minutes_between(a, b, self.zone) for a, b in self.intervals)

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


@dataclass(frozen=True)
class SoFar:
    """An infusion after the events read so far: the one tally of running and paused time,
    used to judge a finished timeline (infusion_timeline), at the chair while it runs
    (editing/live_timeline.py) and for an infusion left running (long_infusion.py)."""

    last: str | None = None  # the kind of the last event read; None before the first
    since: datetime | None = None  # its time: the start of the current run or pause
    started: datetime | None = None  # the first start
    intervals: tuple[Interval, ...] = ()  # the running intervals closed so far
    paused_minutes: int = 0  # pauses ended by a resume (a stop after a pause adds none)

    def then(self, kind: str, at: datetime, zone: ZoneInfo | None = None) -> SoFar:
        """The infusion after one more event, one that may follow (NEXT_KINDS[self.last])."""
        intervals, paused = self.intervals, self.paused_minutes
        if self.since is not None and kind in ("pause", "stop") \
                and self.last in ("start", "resume"):
            intervals = (*intervals, (self.since, at))
        if self.since is not None and kind == "resume" and self.last == "pause":
            paused += minutes_between(self.since, at, zone)
        started = at if self.started is None and kind == "start" else self.started
        return SoFar(kind, at, started, intervals, paused)

    def running_minutes(self, now: datetime | None = None,
                        zone: ZoneInfo | None = None) -> int:
        """Minutes run: the closed intervals, and a run still open counted up to `now`."""
        closed = total_minutes(self.intervals, zone)
        if now is None or self.since is None or self.last not in ("start", "resume"):
            return closed
        return closed + max(0, minutes_between(self.since, now, zone))

    def pause_minutes(self, now: datetime | None = None, zone: ZoneInfo | None = None) -> int:
        """Minutes paused: the pauses resumed, and a pause still open counted up to `now`."""
        if now is None or self.since is None or self.last != "pause":
            return self.paused_minutes
        return self.paused_minutes + max(0, minutes_between(self.since, now, zone))


def read_leniently(events: Iterable[tuple[str, datetime]],
                   zone: ZoneInfo | None = None) -> SoFar:
    """An unfinished infusion read as far as it makes sense, by the same rules: an event that
    cannot follow the ones before it (NEXT_KINDS), or is earlier than the one before it, is
    skipped (the engine names it as a finding; a running count at the chair goes on)."""
    so_far = SoFar()
    for kind, at in events:
        if kind not in NEXT_KINDS[so_far.last]:
            continue
        if so_far.since is not None and real_time(at, zone) < real_time(so_far.since, zone):
            continue
        so_far = so_far.then(kind, at, zone)
    return so_far


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


def _unclear(events: list[Event], zone: ZoneInfo | None) -> tuple[tuple[int, datetime, str], ...]:
    found = ((index + 1, e.at, clock_change(e.at, zone)) for index, e in enumerate(events))
    return tuple((n, at, change) for n, at, change in found if change)


def infusion_timeline(events: list[Event], zone: ZoneInfo | None = None) -> Timeline:
    """Check the start/pause/resume/stop grammar and collect the running intervals."""
    unclear = _unclear(events, zone)
    started = running_since("iv_infusion", ((e.kind, e.at) for e in events))

    def problem(rule: str, message: str) -> Timeline:
        return Timeline(problem=(rule, message), zone=zone, unclear=unclear, started_at=started)

    if any(e.kind == "given" for e in events):
        return problem("timeline-wrong-event",
                       "an infusion is timed with start/pause/resume/stop, not 'given'")
    kinds = [e.kind for e in events]
    if "start" not in kinds:
        return problem("timeline-no-start", "no start time recorded")
    so_far = SoFar()
    for index, event in enumerate(events):
        previous = so_far.since
        if previous is not None and real_time(event.at, zone) < real_time(previous, zone):
            return problem("timeline-order",
                           f"event {index + 1} ({event.kind} {event.at:%H:%M}) is earlier than "
                           f"the one before it ({previous:%H:%M})")
        if event.kind not in NEXT_KINDS[so_far.last]:
            after = f"after '{so_far.last}'" if so_far.last else "as the first event"
            return problem("timeline-order",
                           f"'{event.kind}' at {event.at:%H:%M} cannot come {after}")
        so_far = so_far.then(event.kind, event.at, zone)
    if so_far.last == "pause":
        return problem("timeline-no-stop",
                       "paused and never resumed or stopped: no stop time recorded")
    if so_far.last != "stop":
        return problem("timeline-no-stop", "no stop time recorded")
    timeline = Timeline(intervals=list(so_far.intervals), paused_minutes=so_far.paused_minutes,
                        zone=zone, unclear=unclear)
    if timeline.running_minutes == 0:
        return problem("timeline-order",
                       "stopped in the minute it started: no running time (a push is recorded "
                       "with one 'given' time)")
    return timeline


def single_time(events: list[Event], zone: ZoneInfo | None = None) -> Timeline:
    """A push, injection or oral dose: exactly one 'given' event."""
    unclear = _unclear(events, zone)
    given = [e for e in events if e.kind == "given"]
    if len(given) != len(events):
        return Timeline(problem=("timeline-wrong-event",
                                 "a push, injection or oral dose has one 'given' time, "
                                 "not start/pause/resume/stop"), zone=zone, unclear=unclear)
    if len(given) != 1:
        what = "no 'given' time" if not given else f"{len(given)} 'given' times"
        return Timeline(problem=("timeline-given-missing",
                                 f"{what} recorded: record exactly one (one per dose)"),
                        zone=zone, unclear=unclear)
    return Timeline(given_at=given[0].at, zone=zone, unclear=unclear)


def timeline_of(admin: Administration, zone: ZoneInfo | None = None) -> Timeline:
    if admin.route == "iv_infusion":
        return infusion_timeline(list(admin.events), zone)
    return single_time(list(admin.events), zone)


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The same time as a sorted list of intervals that do not overlap or touch."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def without(own: Iterable[Interval], others: Iterable[Interval]) -> list[Interval]:
    """The parts of `own` during which none of `others` runs."""
    pieces = merged(own)
    for o0, o1 in merged(others):
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
    return pieces


def total_minutes(intervals: Iterable[Interval], zone: ZoneInfo | None = None) -> int:
    return sum(minutes_between(a, b, zone) for a, b in intervals)


def running_at(moment: datetime, intervals: Iterable[Interval]) -> bool:
    """True when `moment` falls inside one of the intervals (start included, end excluded)."""
    return any(a <= moment < b for a, b in intervals)


def extra_hours(minutes: int) -> int:
    """Additional-hour units after an initial (or sequential) hour: 0 if T <= 90, else
    floor((T - 91) / 60) + 1 (more than 30 minutes beyond the last full hour)."""
    return 0 if minutes <= 90 else (minutes - 91) // 60 + 1


def hydration_units(minutes: int) -> int:
    """96361 units for hydration that is not the initial service: 0 if H <= 30, else
    floor((H - 31) / 60) + 1."""
    return 0 if minutes <= 30 else (minutes - 31) // 60 + 1

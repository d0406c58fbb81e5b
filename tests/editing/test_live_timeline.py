"""The live timeline reads events by the engine's rules (core.timeline): what may be pressed
next is the engine's order of events, and the minutes counted at the chair are the minutes the
engine bills once the infusion is stopped."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from example_visits import load_example
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrebill_gui.core import compute
from ocrebill_gui.core import timeline as core_timeline
from ocrebill_gui.core.long_infusion import run_minutes
from ocrebill_gui.core.visit import Event
from ocrebill_gui.editing import live_timeline
from ocrebill_gui.editing.live_timeline import live_state

START = datetime(2026, 3, 4, 8, 0)
EXAMPLES = ["01-standard-600mg", "02-seed-half-dose-90min", "03-seed-sarah-150min",
            "04-pause-excluded"]


def at(hhmm: str, day: str = "2026-03-04") -> dict[str, str]:
    return {"at": f"{day}T{hhmm}"}


def ev(kind: str, hhmm: str) -> dict[str, str]:
    return {**at(hhmm), "kind": kind}


def test_live_state_counts_to_now_and_knows_what_comes_next():
    events = [ev("start", "09:00"), ev("pause", "09:45"), ev("resume", "10:05")]
    state = live_state(events, datetime(2026, 3, 4, 11, 0))
    assert (state.phase, state.running_minutes, state.paused_minutes) == ("running", 100, 20)
    assert state.allowed == ("pause", "stop") and state.open
    state = live_state([*events, ev("stop", "12:45")], datetime(2026, 3, 4, 15, 0))
    assert (state.phase, state.running_minutes, state.allowed) == ("stopped", 205, ())
    assert live_state([], datetime(2026, 3, 4)).allowed == ("start",)


def test_the_order_of_events_is_the_engines_own():
    assert live_timeline.NEXT_KINDS is core_timeline.NEXT_KINDS  # no copy of its own
    for last, allowed in core_timeline.NEXT_KINDS.items():
        events = {None: [], "start": [ev("start", "09:00")],
                  "pause": [ev("start", "09:00"), ev("pause", "09:10")],
                  "resume": [ev("start", "09:00"), ev("pause", "09:10"), ev("resume", "09:20")],
                  "stop": [ev("start", "09:00"), ev("stop", "09:30")]}[last]
        assert live_state(events, datetime(2026, 3, 4, 10, 0)).allowed == allowed


def test_an_event_the_engine_would_refuse_is_skipped_not_counted():
    """A second start, a resume that was never paused and a time earlier than the one before
    it: the engine names them as findings; the running count goes on as if they were not
    there (before, an earlier time restarted the count from it and added its minutes)."""
    events = [ev("start", "09:00"), ev("start", "09:30"), ev("resume", "09:40"),
              ev("pause", "08:00"), ev("pause", "10:00")]
    state = live_state(events, datetime(2026, 3, 4, 11, 0))
    assert (state.phase, state.running_minutes, state.paused_minutes) == ("paused", 60, 60)
    assert (state.started, state.since) == (datetime(2026, 3, 4, 9, 0),
                                            datetime(2026, 3, 4, 10, 0))


def test_each_example_counts_what_the_engine_bills():
    for name in EXAMPLES:
        document = load_example(name)[0]
        result = compute(document)
        for admin, billed in zip(document["administrations"], result.administrations,
                                 strict=True):
            if admin["route"] != "iv_infusion":
                continue
            state = live_state(admin["events"], START + timedelta(days=2))
            assert (state.phase, state.running_minutes) == ("stopped", billed.running_minutes)


def test_minutes_across_the_spring_clock_change_are_real_minutes():
    started = [{**at("01:00", "2026-03-08"), "kind": "start"}]
    now = datetime(2026, 3, 8, 3, 31)  # 02:00 became 03:00 that night
    assert live_state(started, now, zone=ZoneInfo("America/New_York")).running_minutes == 91
    assert live_state(started, now).running_minutes == 151  # no zone: wall-clock minutes


@st.composite
def timelines(draw) -> list[dict[str, str]]:
    """A start, then pauses and resumes in order, maybe a stop: times that only go forward."""
    t = START + timedelta(minutes=draw(st.integers(0, 60)))
    kinds = ["start"]
    for _ in range(draw(st.integers(0, 3))):
        kinds += ["pause", "resume"]
    kinds = kinds[:draw(st.integers(1, len(kinds)))]
    if draw(st.booleans()):
        kinds.append("stop")
    events = []
    for kind in kinds:
        t += timedelta(minutes=draw(st.integers(1, 90)))
        events.append({"at": t.isoformat(timespec="minutes"), "kind": kind})
    return events


@settings(max_examples=200, deadline=None)
@given(timelines(), st.integers(0, 300))
def test_the_chair_and_the_engine_agree(events, later):
    """Stopped, the live counts are the engine's; still open, they are what the engine would
    count had it been stopped at `now`; the long-run alert counts the same minutes."""
    last = datetime.fromisoformat(events[-1]["at"])
    now = last + timedelta(minutes=later)
    state = live_state(events, now)
    closed = events if events[-1]["kind"] == "stop" else [
        *events, *([{"at": now.isoformat(), "kind": "resume"}]
                   if events[-1]["kind"] == "pause" else []),
        {"at": now.isoformat(), "kind": "stop"}]
    timeline = core_timeline.infusion_timeline(
        [Event(at=datetime.fromisoformat(e["at"]), kind=e["kind"]) for e in closed])
    running = timeline.running_minutes if timeline.usable else 0
    assert state.running_minutes == running
    assert state.paused_minutes == (timeline.paused_minutes if timeline.usable else 0)
    assert run_minutes(events, now) == state.running_minutes


def test_the_presenter_gives_the_documents_zone_for_the_count():
    from ocrebill_gui.editing.presenter import VisitPresenter, blank_document

    document = blank_document(datetime(2026, 3, 8).date())
    assert VisitPresenter(document).zone is None
    zoned = VisitPresenter({**document, "time_zone": "America/New_York"}).zone
    assert zoned == ZoneInfo("America/New_York")
    assert VisitPresenter({**document, "time_zone": "Mars/Olympus"}).zone is None

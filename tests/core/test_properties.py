"""Property-based tests: random timelines and amounts never crash the engine and keep its
invariants (running minutes, monotone units, administered + JW = opened vials)."""

from __future__ import annotations

from datetime import datetime, timedelta

from builders import PAYER, visit
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import billing_units

START = datetime(2026, 3, 4, 7, 0)


@st.composite
def timelines(draw) -> tuple[list[dict], int]:
    """A valid start (pause resume)* stop timeline and its running minutes."""
    t = START + timedelta(minutes=draw(st.integers(0, 120)))
    events = [{"at": t.isoformat(timespec="minutes"), "kind": "start"}]
    running = 0
    for _ in range(draw(st.integers(0, 3))):
        run = draw(st.integers(0, 90))
        pause = draw(st.integers(0, 40))
        t += timedelta(minutes=run)
        running += run
        events.append({"at": t.isoformat(timespec="minutes"), "kind": "pause"})
        t += timedelta(minutes=pause)
        events.append({"at": t.isoformat(timespec="minutes"), "kind": "resume"})
    run = draw(st.integers(0, 240))
    running += run
    t += timedelta(minutes=run)
    events.append({"at": t.isoformat(timespec="minutes"), "kind": "stop"})
    return events, running


def ocrevus_with(events: list[dict], dose: float = 600, vials: int = 2) -> dict:
    return {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": dose,
            "events": events,
            "vials": [{"ndc": "50242-0150-01", "mg": 300} for _ in range(vials)]}


def units_of(result, *codes: str) -> int:
    return sum(line.units for line in result.lines if line.code in codes)


@settings(max_examples=200, deadline=None)
@given(timelines())
def test_running_minutes_are_the_sum_of_running_intervals(timeline) -> None:
    events, running = timeline
    result = compute(visit(ocrevus_with(events)))
    if running == 0:  # stopped in the minute it started: times that cannot be used
        assert result.administrations[0].running_minutes is None
        assert any(f.rule == "timeline-order" for f in result.findings)
    else:
        assert result.administrations[0].running_minutes == running


@settings(max_examples=150, deadline=None)
@given(timelines(), st.integers(1, 200))
def test_more_running_time_never_means_fewer_units(timeline, more: int) -> None:
    events, _ = timeline
    longer = [dict(e) for e in events]
    stop = datetime.fromisoformat(longer[-1]["at"]) + timedelta(minutes=more)
    longer[-1]["at"] = stop.isoformat(timespec="minutes")
    admin_codes = ("96365", "96366", "96374")
    before = compute(visit(ocrevus_with(events)))
    after = compute(visit(ocrevus_with(longer)))
    assert units_of(after, *admin_codes) >= units_of(before, *admin_codes)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.5, 1800, allow_nan=False), st.integers(1, 6),
       st.sampled_from(["jw_jz", "jw_only"]))
def test_administered_plus_jw_equals_opened_vial_units(dose: float, vials: int, waste) -> None:
    doc = visit(ocrevus_with([{"at": "2026-03-04T09:00", "kind": "start"},
                              {"at": "2026-03-04T12:00", "kind": "stop"}], dose, vials),
                payer={**PAYER, "waste_modifiers": waste})
    result = compute(doc)
    drug = [line for line in result.lines if line.code == "J2350"]
    administered = sum(line.units for line in drug if "JW" not in line.modifiers)
    assert administered == billing_units(dose, 1)
    if dose <= vials * 300:
        assert sum(line.units for line in drug) == vials * 300
        assert not any("JW" in line.modifiers and "JZ" in line.modifiers for line in drug)
    else:
        assert any(f.rule == "dose-exceeds-vials" for f in result.findings)


EVENT = st.fixed_dictionaries({
    "at": st.datetimes(min_value=datetime(2026, 3, 3), max_value=datetime(2026, 3, 5)).map(
        lambda d: d.isoformat(timespec="minutes")),
    "kind": st.sampled_from(["start", "pause", "resume", "stop", "given"]),
})
ADMIN = st.fixed_dictionaries({
    "id": st.text("abcdef", min_size=1, max_size=3),
    "product": st.sampled_from(["ocrevus", "ocrevus-zunovo", "methylprednisolone",
                                "diphenhydramine", "acetaminophen-oral", "acetaminophen-iv",
                                "normal-saline", "rituximab", "ublituximab", "natalizumab"]),
    "route": st.sampled_from(["iv_infusion", "iv_push", "subcutaneous", "intramuscular",
                              "oral"]),
    "dose_mg": st.floats(1, 2000),
    "events": st.lists(EVENT, min_size=1, max_size=6),
    "source": st.sampled_from(["purchased", "patient_supplied"]),
    "primary": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(st.lists(ADMIN, min_size=1, max_size=5, unique_by=lambda a: a["id"]),
       st.sampled_from(["office", "hospital_outpatient", "home"]),
       st.sampled_from(["medicare", "medicaid", "anthem", "aetna"]))
def test_random_visits_never_crash_and_have_one_initial_service(admins, setting, payer) -> None:
    result = compute(visit(*admins, setting=setting, payer=payer))
    assert sum(1 for a in result.administrations if a.role == "initial") <= 1
    assert all(line.units > 0 for line in result.lines)
    initial_codes = {"96365", "96413", "96360", "96374", "96409"}
    assert sum(line.units for line in result.lines if line.code in initial_codes) <= 1
    # Every finding names the field it is about: clicking it in the app goes somewhere.
    assert all(f.field for f in result.findings), [f.rule for f in result.findings
                                                   if not f.field]

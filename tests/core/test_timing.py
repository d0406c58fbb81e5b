"""Running time and the time-based codes at every boundary the rules name."""

from __future__ import annotations

import pytest
from builders import infusion, ocrevus, rules, summed, visit

from ocrebill_gui.core import compute
from ocrebill_gui.core.timeline import extra_hours, hydration_units


@pytest.mark.parametrize(("minutes", "extra"), [
    (16, 0), (60, 0), (90, 0), (91, 1), (150, 1), (151, 2), (210, 2), (211, 3), (270, 3),
    (271, 4)])
def test_initial_infusion_extra_hours(minutes: int, extra: int) -> None:
    result = compute(visit(ocrevus(minutes)))
    lines = summed(result)
    assert lines[("96365", ())] == 1
    assert lines.get(("96366", ()), 0) == extra
    assert result.administrations[0].running_minutes == minutes
    assert result.administrations[0].role == "initial"


@pytest.mark.parametrize(("minutes", "push"), [(15, True), (16, False), (1, True)])
def test_fifteen_minutes_or_less_is_a_push(minutes: int, push: bool) -> None:
    result = compute(visit(ocrevus(minutes)))
    lines = summed(result)
    if push:
        assert ("96374", ()) in lines and ("96365", ()) not in lines
        assert "infusion-as-push" in rules(result)
    else:
        assert ("96365", ()) in lines and ("96374", ()) not in lines


def test_pause_is_not_infusion_time_at_the_boundary() -> None:
    # 09:00-10:00 running, paused 20 min, 10:20-10:51 running: 91 running minutes.
    doc = visit(infusion("ocr", "ocrevus", 600, ("start", "09:00"), ("pause", "10:00"),
                         ("resume", "10:20"), ("stop", "10:51")))
    result = compute(doc)
    assert result.administrations[0].running_minutes == 91
    assert summed(result)[("96366", ())] == 1
    # One minute less of running time falls back to the initial hour only.
    doc["administrations"][0]["events"][-1]["at"] = "2026-03-04T10:50"
    result = compute(doc)
    assert result.administrations[0].running_minutes == 90
    assert ("96366", ()) not in summed(result)
    assert "pause-excluded" in rules(result)


def test_stop_while_paused_counts_until_the_pause() -> None:
    doc = visit(infusion("ocr", "ocrevus", 600, ("start", "09:00"), ("pause", "10:40"),
                         ("stop", "11:30")))
    result = compute(doc)
    assert result.administrations[0].running_minutes == 100
    assert summed(result)[("96366", ())] == 1


@pytest.mark.parametrize(("events", "rule"), [
    ([("start", "09:00")], "timeline-no-stop"),
    ([("stop", "12:00")], "timeline-no-start"),
    ([("start", "09:00"), ("pause", "10:00")], "timeline-no-stop"),
    ([("start", "09:00"), ("resume", "10:00"), ("stop", "11:00")], "timeline-order"),
    ([("start", "10:00"), ("stop", "09:00")], "timeline-order"),
    ([("start", "09:00"), ("stop", "10:00"), ("stop", "11:00")], "timeline-order"),
    ([("given", "09:00")], "timeline-wrong-event"),
    ([], "timeline-no-start"),
    ([("start", "09:00"), ("stop", "09:00")], "timeline-order"),
])
def test_unusable_timelines_get_an_error_and_no_time_codes(events, rule) -> None:
    result = compute(visit(infusion("ocr", "ocrevus", 600, *events,
                                    vials=[{"ndc": "50242-0150-01", "mg": 300}] * 2)))
    assert rule in rules(result)
    assert result.has_errors
    codes = {code for code, _ in summed(result)}
    assert codes == {"J2350"}, "the drug line stays, no administration codes"
    finding = next(f for f in result.findings if f.rule == rule)
    assert finding.field == "administrations[0].events"


@pytest.mark.parametrize(("minutes", "units"), [(30, 0), (31, 1), (90, 1), (91, 2), (151, 3)])
def test_hydration_after_the_drug(minutes: int, units: int) -> None:
    end = 12 * 60 + 40 + minutes
    doc = visit(ocrevus(210), infusion("ns", "normal-saline", None, ("start", "12:40"),
                                       ("stop", f"{end // 60:02d}:{end % 60:02d}")))
    result = compute(doc)
    assert summed(result).get(("96361", ()), 0) == units
    assert ("96360", ()) not in summed(result)
    if units == 0:
        assert "hydration-too-short" in rules(result)


def test_hydration_concurrent_with_the_drug_is_never_reported() -> None:
    doc = visit(ocrevus(210), infusion("ns", "normal-saline", None, ("start", "09:00"),
                                       ("stop", "12:30")))
    result = compute(doc)
    assert ("96361", ()) not in summed(result)
    assert "hydration-too-short" in rules(result)


def test_hydration_alone_is_the_initial_service() -> None:
    result = compute(visit(infusion("ns", "normal-saline", None, ("start", "09:00"),
                                    ("stop", "10:31"))))
    assert summed(result) == {("96360", ()): 1, ("96361", ()): 1}


def test_formulas() -> None:
    assert [extra_hours(t) for t in (0, 90, 91, 150, 151, 210, 211)] == [0, 0, 1, 1, 2, 2, 3]
    assert [hydration_units(t) for t in (30, 31, 90, 91, 150, 151)] == [0, 1, 1, 2, 2, 3]

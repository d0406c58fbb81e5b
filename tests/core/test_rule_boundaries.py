"""R1-R15 at their boundaries: one minute, one unit or one mark either side of each decision."""

from __future__ import annotations

import pytest
from builders import PAYER, given, infusion, ocrevus, rules, summed, visit

from ocrebill_gui.core import InvalidVisit, compute

MP125 = [{"ndc": "00009-0047-22", "mg": 125}]


def role(result, admin_id: str) -> str:
    return next(a.role for a in result.administrations if a.id == admin_id)


# R1 / R15: the primary mark in the office, the hierarchy in hospital outpatient
def test_office_primary_mark_decides_and_hospital_keeps_the_hierarchy() -> None:
    short = infusion("mp", "methylprednisolone", 100, ("start", "09:00"), ("stop", "09:12"),
                     vials=MP125, primary=True)
    office = compute(visit(short, ocrevus(210, start="09:30")))
    assert role(office, "mp") == "initial" and summed(office)[("96374", ())] == 1
    assert summed(office)[("96367", ())] == 1 and summed(office)[("96366", ())] == 2
    assert "office-primary-unmarked" not in rules(office)
    hospital = compute(visit(short, ocrevus(210, start="09:30"), setting="hospital_outpatient"))
    assert role(hospital, "ocr") == "initial" and summed(hospital)[("96365", ())] == 1


def test_unmarked_office_visit_warns_only_with_two_drugs() -> None:
    alone = compute(visit(ocrevus(210)))
    assert "office-primary-unmarked" not in rules(alone)
    two = compute(visit(given("dph", "diphenhydramine", 50, "08:30"), ocrevus(210)))
    finding = next(f for f in two.findings if f.rule == "office-primary-unmarked")
    assert finding.severity == "warning" and finding.field == "administrations[1].primary"
    assert role(two, "ocr") == "initial"  # the hierarchy decides until one is marked
    same_drug = compute(visit(given("d1", "diphenhydramine", 25, "08:30"),
                              given("d2", "diphenhydramine", 25, "09:30")))
    assert "office-primary-unmarked" not in rules(same_drug)


# R2: an injection is never the initial IV service
@pytest.mark.parametrize("route", ["subcutaneous", "intramuscular"])
def test_injection_is_stand_alone_beside_a_push(route: str) -> None:
    shot = given("inj", "diphenhydramine", 50, "08:00", route=route, primary=True)
    result = compute(visit(shot, given("mp", "methylprednisolone", 100, "08:30")))
    assert role(result, "mp") == "initial"
    assert summed(result)[("96374", ())] == 1 and summed(result)[("96372", ())] == 1
    assert ("96375", ()) not in summed(result)


# R3: 30 minutes from the last reported push
@pytest.mark.parametrize(("second", "third", "code"), [
    ("08:50", "09:00", None),       # 30 min after the reported 08:30: not yet
    ("08:50", "09:01", "96376"),    # 31 min: reported although 11 min after 08:50
    ("09:05", "09:20", None),       # 09:05 reported; 09:20 is 15 min after it
])
def test_repeat_push_counts_from_the_last_reported_push(second, third, code) -> None:
    pushes = [given("d1", "diphenhydramine", 10, "08:30"), given("d2", "diphenhydramine", 10,
                                                                   second),
              given("d3", "diphenhydramine", 10, third)]
    result = compute(visit(*pushes, ocrevus(210), setting="hospital_outpatient"))
    repeat = summed(result).get(("96376", ()), 0)
    expected = (1 if code else 0) + (1 if second == "09:05" else 0)
    assert repeat == expected


# R4 / R14: hydration adds up over bags of any length, less drug-infusion minutes
@pytest.mark.parametrize(("first_bag", "units"), [(("08:00", "08:15"), 0),  # 15 + 15 = 30
                                                  (("08:00", "08:16"), 1)])  # 16 + 15 = 31
def test_hydration_bags_add_up_to_the_31_minute_boundary(first_bag, units) -> None:
    bags = [infusion("ns1", "normal-saline", None, ("start", first_bag[0]), ("stop", first_bag[1])),
            infusion("ns2", "normal-saline", None, ("start", "12:30"), ("stop", "12:45"))]
    result = compute(visit(*bags, ocrevus(210, primary=True)))
    assert summed(result).get(("96361", ()), 0) == units


def test_hydration_during_a_pause_counts_and_during_the_drip_does_not() -> None:
    paused = infusion("ocr", "ocrevus", 600, ("start", "09:00"), ("pause", "10:00"),
                      ("resume", "10:40"), ("stop", "13:10"), primary=True)
    bag = infusion("ns", "normal-saline", None, ("start", "09:50"), ("stop", "10:50"))
    result = compute(visit(paused, bag))  # 10 + 10 min overlap the drip, 40 in the pause
    assert summed(result)[("96361", ())] == 1
    shorter = infusion("ns", "normal-saline", None, ("start", "09:55"), ("stop", "10:26"))
    # 31 min on the clock, but 5 of them during the drip: 26 count, not reportable
    assert ("96361", ()) not in summed(compute(visit(paused, shorter)))


# R5: concurrent at the start, to the minute
@pytest.mark.parametrize(("start", "concurrent"), [("12:29", True), ("12:30", False)])
def test_concurrent_is_decided_at_the_start(start: str, concurrent: bool) -> None:
    mp = infusion("mp", "methylprednisolone", 100, ("start", start), ("stop", "14:00"),
                  vials=MP125)
    result = compute(visit(ocrevus(210, primary=True), mp))
    lines = summed(result)
    assert (("96368", ()) in lines) is concurrent
    if not concurrent:  # sequential, with its own extra hours: 90 min -> none
        assert lines[("96367", ())] == 1


# R6 / R13: the vial decides the code
@pytest.mark.parametrize(("dose", "vials", "lines"), [
    (40, [125], {("J2930", ("JZ",)): 1}),
    (41, [40, 40], {("J2920", ("JZ",)): 2}),
    (30, [40, 40], {("J2920", ()): 1, ("J2920", ("JW",)): 1}),
    (165, [125, 40], {("J2930", ("JZ",)): 1, ("J2920", ("JZ",)): 1}),
    (126, [125, 40], {("J2930", ("JZ",)): 1, ("J2920", ("JZ",)): 1}),
    (100, [500], {("J2930", ()): 1, ("J2930", ("JW",)): 3}),
])
def test_methylprednisolone_codes_follow_the_vials(dose, vials, lines) -> None:
    ndc = {40: "00009-0039-28", 125: "00009-0047-22", 500: "00009-0758-01"}
    mp = given("mp", "methylprednisolone", dose, "08:30",
               vials=[{"ndc": ndc[mg], "mg": mg} for mg in vials])
    result = compute(visit(mp, ocrevus(210, primary=True)))
    drug = {k: v for k, v in summed(result).items() if k[0].startswith("J29")}
    assert drug == lines


# R8: a date and a time; strict numbers; midnight
@pytest.mark.parametrize("bad", ["2026-03-04", "09:00", 1772600000, "2026-03-04T9", None])
def test_event_time_needs_a_date_and_a_time(bad) -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0]["events"][0]["at"] = bad
    with pytest.raises(InvalidVisit) as caught:
        compute(doc)
    assert "administrations[0].events[0].at" in str(caught.value)


@pytest.mark.parametrize(("path", "value"), [("dose_mg", "600"), ("dose_mg", "6e2"),
                                             ("primary", "true"), ("primary", 1)])
def test_numbers_and_flags_are_json_types(path: str, value) -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0][path] = value
    with pytest.raises(InvalidVisit) as caught:
        compute(doc)
    assert f"administrations[0].{path}" in str(caught.value)


def test_events_two_days_later_are_another_day_but_past_midnight_is_not() -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0]["events"][1]["at"] = "2026-03-06T01:00"
    finding = next(f for f in compute(doc).findings if f.rule == "timeline-other-day")
    assert "event 2 (stop 01:00) is dated 2026-03-06; expected 2026-03-04" in finding.message
    doc["administrations"][0]["events"] = [{"at": "2026-03-04T22:30", "kind": "start"},
                                           {"at": "2026-03-05T02:00", "kind": "stop"}]
    result = compute(doc)
    assert "infusion-past-midnight" in rules(result)
    assert "timeline-other-day" not in rules(result)
    assert result.administrations[0].running_minutes == 210


def test_a_skipped_spring_time_is_pointed_out_and_read_as_standard_time() -> None:
    doc = visit(ocrevus(None, start="01:30"), time_zone="America/Chicago")
    doc["date_of_service"] = "2026-03-08"
    doc["administrations"][0]["events"] = [{"at": "2026-03-08T01:30", "kind": "start"},
                                           {"at": "2026-03-08T02:30", "kind": "pause"},
                                           {"at": "2026-03-08T03:00", "kind": "resume"},
                                           {"at": "2026-03-08T04:30", "kind": "stop"}]
    result = compute(doc)
    # 01:30 CST -> 02:30 "CST" (= 03:30 CDT): 60 min; 03:00 CDT is before 02:30 CST read as
    # standard time, so the order is wrong: the nurse must fix the skipped time.
    assert "time-clock-change" in rules(result)
    without_zone = dict(doc)
    del without_zone["time_zone"]
    assert "time-clock-change" not in rules(compute(without_zone))


def test_without_a_time_zone_times_are_plain_wall_clock() -> None:
    doc = visit(ocrevus(None))
    doc["date_of_service"] = "2026-03-08"
    doc["administrations"][0]["events"] = [{"at": "2026-03-08T01:00", "kind": "start"},
                                           {"at": "2026-03-08T03:31", "kind": "stop"}]
    assert compute(doc).administrations[0].running_minutes == 151
    doc["time_zone"] = "America/Chicago"
    assert compute(doc).administrations[0].running_minutes == 91


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "", 5])
def test_an_unknown_time_zone_is_refused(zone) -> None:
    with pytest.raises(InvalidVisit) as caught:
        compute(visit(ocrevus(210), time_zone=zone))
    assert "time_zone" in str(caught.value)


# R9: authorization units count JW units
@pytest.mark.parametrize(("approved", "error"), [(299, True), (300, False)])
def test_authorization_counts_administered_and_jw_units(approved: int, error: bool) -> None:
    doc = visit(ocrevus(150, dose=280, vials=1), prior_authorization={
        "number": "PA-1", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
        "approved_units": approved})
    assert ("pa-units" in rules(compute(doc))) is error


# R10: the smallest dose
@pytest.mark.parametrize(("dose", "ok"), [(0.001, True), (0.0009, False)])
def test_dose_below_a_thousandth_of_a_mg_is_refused(dose: float, ok: bool) -> None:
    doc = visit(given("apap", "acetaminophen-iv", dose, "08:30"), ocrevus(210))
    if ok:
        assert summed(compute(doc))[("J0131", ("JZ",))] == 1
    else:
        with pytest.raises(InvalidVisit, match=r"administrations\[0\]\.dose_mg"):
            compute(doc)


def test_zunovo_on_the_day_j2351_begins_uses_it() -> None:
    zun = given("zun", "ocrevus-zunovo", 920, "09:00", route="subcutaneous",
                vials=[{"ndc": "50242-0554-01", "mg": 920}])
    for day, code in (("2025-03-31", "J3590"), ("2025-04-01", "J2351")):
        doc = visit(zun, diagnoses=["G35"])
        doc["date_of_service"] = day
        doc["administrations"][0]["events"][0]["at"] = f"{day}T09:00"
        assert {c for c, _ in summed(compute(doc))} == {code, "96372"}


def test_proposed_j2351_before_it_existed_names_the_code_that_did() -> None:
    zun = given("zun", "ocrevus-zunovo", 920, "09:00", route="subcutaneous",
                vials=[{"ndc": "50242-0554-01", "mg": 920}])
    doc = visit(zun, diagnoses=["G35"], proposed_lines=[
        {"code": "J2351", "modifiers": ["JZ"], "units": 920}, {"code": "96372", "units": 1}])
    doc["date_of_service"] = "2025-02-03"
    doc["administrations"][0]["events"][0]["at"] = "2025-02-03T09:00"
    finding = next(f for f in compute(doc).findings if f.rule == "proposed-code-not-effective")
    assert "J2351 was not in effect on 2025-02-03" in finding.message
    assert "billed as J3590 x1" in finding.message


# R12: add-ons and their parents
def test_a_sequential_infusion_keeps_its_extra_hours_after_a_push() -> None:
    """96367 has the push 96374 as parent and 96366 has 96367: both stay."""
    push = given("dph", "diphenhydramine", 50, "08:30", primary=True)
    long_seq = infusion("mp", "methylprednisolone", 100, ("start", "09:00"), ("stop", "11:00"))
    result = compute(visit(push, long_seq))
    assert summed(result).items() >= {("96374", ()): 1, ("96367", ()): 1,
                                      ("96366", ()): 1}.items()
    assert "addon-without-parent" not in rules(result)


def test_medicare_requiring_pa_gives_one_warning_and_no_pa_error() -> None:
    profile = {**PAYER, "id": "mc", "name": "Medicare set wrong", "program": "medicare",
               "prior_auth_required": True}
    result = compute(visit(ocrevus(210), payer=profile))
    pa = [f for f in result.findings if f.rule.startswith("pa-")]
    assert [(f.rule, f.severity) for f in pa] == [("pa-medicare-traditional", "warning")]


def test_previous_dose_after_the_visit_is_an_error_about_that_date() -> None:
    result = compute(visit(ocrevus(210, previous_dose_date="2026-03-18")))
    finding = next(f for f in result.findings if f.rule == "previous-dose-after-visit")
    assert finding.severity == "error" and finding.field.endswith("previous_dose_date")
    assert "days ago" not in " ".join(f.message for f in result.findings)


def test_default_ndc_matches_the_code_size_without_vials() -> None:
    for dose, code, ndc in ((100, "J2930", "00009004722"), (30, "J2920", "00009003928")):
        result = compute(visit(given("mp", "methylprednisolone", dose, "08:30"), ocrevus(210)))
        line = next(line for line in result.lines if line.code == code)
        assert line.ndc == ndc


def test_an_add_on_of_a_dropped_add_on_goes_too() -> None:
    """While the initial infusion has no stop, a sequential infusion's +96367 has no parent;
    its +96366 hung on that 96367 and goes with it (the drop is repeated until stable)."""
    early = infusion("mp", "methylprednisolone", 100, ("start", "06:00"), ("stop", "08:00"))
    result = compute(visit(early, ocrevus(None, primary=True)))
    assert {c for c, _ in summed(result)} == {"J2930", "J2350"}
    dropped = [f.message for f in result.findings if f.rule == "addons-without-initial"]
    assert any("+96367" in m for m in dropped) and any("+96366" in m for m in dropped)


def test_waiting_add_ons_are_named_in_one_finding() -> None:
    result = compute(visit(given("dph", "diphenhydramine", 50, "08:30"),
                           given("mp", "methylprednisolone", 100, "08:35"),
                           ocrevus(None, primary=True)))
    waiting = [f.message for f in result.findings if f.rule == "addons-without-initial"]
    assert waiting == ["+96375 (Diphenhydramine), +96375 (Methylprednisolone) are not reported "
                       "until Ocrevus, the initial service, has its times complete"]


def test_a_primary_mark_on_an_injection_is_explained() -> None:
    zunovo = given("zun", "ocrevus-zunovo", 920, "09:30", route="subcutaneous", primary=True)
    result = compute(visit(zunovo, given("dph", "diphenhydramine", 50, "08:30"),
                           given("mp", "methylprednisolone", 100, "08:35")))
    finding = next(f for f in result.findings if f.rule == "office-primary-unmarked")
    assert finding.message.startswith("Ocrevus Zunovo is marked, but only an IV drug")

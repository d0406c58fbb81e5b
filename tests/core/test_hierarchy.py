"""One initial service by hierarchy, then sequential, concurrent, push and injection codes."""

from __future__ import annotations

from builders import PAYER, given, infusion, ocrevus, rules, summed, visit

from ocrebill_gui.core import compute

COMPLEX = {**PAYER, "monoclonal_admin": "complex"}


def role(result, admin_id: str) -> str:
    return next(a.role for a in result.administrations if a.id == admin_id)


def test_premed_push_before_the_infusion_is_an_additional_push() -> None:
    result = compute(visit(given("mp", "methylprednisolone", 100, "08:30"), ocrevus(210)))
    assert role(result, "ocr") == "initial"
    assert summed(result)[("96375", ())] == 1
    assert ("96374", ()) not in summed(result)


def test_methylprednisolone_piggyback_is_sequential_with_its_own_extra_hours() -> None:
    doc = visit(infusion("mp", "methylprednisolone", 100, ("start", "08:00"), ("stop", "08:30")),
                ocrevus(210))
    result = compute(doc)
    assert role(result, "mp") == "sequential"
    lines = summed(result)
    assert lines[("96367", ())] == 1
    assert lines[("96366", ())] == 2  # the Ocrevus extra hours only; 30 min adds none


def test_long_sequential_infusion_adds_extra_hours() -> None:
    doc = visit(ocrevus(210), infusion("nat", "natalizumab", 300, ("start", "12:40"),
                                       ("stop", "14:11")))
    lines = summed(compute(doc))
    assert lines[("96367", ())] == 1
    assert lines[("96366", ())] == 2 + 1


def test_overlapping_infusion_is_concurrent_once_per_visit() -> None:
    doc = visit(ocrevus(210),
                infusion("mp", "methylprednisolone", 100, ("start", "09:10"), ("stop", "09:50")),
                infusion("apiv", "acetaminophen-iv", 1000, ("start", "10:00"), ("stop", "10:30")))
    result = compute(doc)
    assert summed(result)[("96368", ())] == 1
    assert "concurrent-once" in rules(result)


def test_repeat_push_of_same_drug_is_facility_only_and_needs_30_minutes() -> None:
    pushes = [given("d1", "diphenhydramine", 25, "08:30"), given("d2", "diphenhydramine", 25,
                                                                   "09:01")]
    facility = compute(visit(*pushes, ocrevus(210), setting="hospital_outpatient"))
    assert summed(facility)[("96375", ())] == 1
    assert summed(facility)[("96376", ())] == 1
    office = compute(visit(*pushes, ocrevus(210)))
    assert ("96376", ()) not in summed(office)
    assert "repeat-push-office" in rules(office)
    pushes[1]["events"][0]["at"] = "2026-03-04T09:00"
    soon = compute(visit(*pushes, ocrevus(210), setting="hospital_outpatient"))
    assert ("96376", ()) not in summed(soon)
    assert "repeat-push-too-soon" in rules(soon)


def test_complex_payer_codes_monoclonals_with_the_complex_family() -> None:
    doc = visit(given("dph", "diphenhydramine", 50, "08:35"), ocrevus(210), payer=COMPLEX)
    result = compute(doc)
    lines = summed(result)
    assert lines[("96413", ())] == 1 and lines[("96415", ())] == 2
    assert lines[("96375", ())] == 1  # the premed stays therapeutic
    assert "monoclonal-family" in rules(result)
    assert result.administrations[1].family == "complex"


def test_complex_beats_therapeutic_for_the_initial_service_in_a_facility() -> None:
    doc = visit(infusion("mp", "methylprednisolone", 100, ("start", "08:00"), ("stop", "09:00")),
                ocrevus(210, start="09:10"), payer=COMPLEX, setting="hospital_outpatient")
    result = compute(doc)
    assert role(result, "ocr") == "initial"
    assert summed(result)[("96367", ())] == 1


def test_zunovo_injection_and_its_complex_switch() -> None:
    zun = given("zun", "ocrevus-zunovo", 920, "09:00", route="subcutaneous",
                vials=[{"ndc": "50242-0554-01", "mg": 920}])
    assert summed(compute(visit(zun)))[("96372", ())] == 1
    assert summed(compute(visit(zun, payer=COMPLEX)))[("96401", ())] == 1


def test_primary_breaks_a_tie_between_equal_services() -> None:
    a = infusion("rit", "rituximab", 1000, ("start", "09:00"), ("stop", "10:00"))
    b = infusion("nat", "natalizumab", 300, ("start", "10:30"), ("stop", "11:30"), primary=True)
    result = compute(visit(a, b, diagnoses=["G35.A"]))
    assert role(result, "nat") == "initial"
    assert role(result, "rit") == "sequential"


def test_same_drug_infused_twice_is_not_sequential() -> None:
    second = infusion("ocr2", "ocrevus", 300, ("start", "13:00"), ("stop", "14:00"))
    result = compute(visit(ocrevus(210, dose=300, vials=1), second))
    assert ("96367", ()) not in summed(result)
    assert "same-drug-infusion" in rules(result)


def test_oral_premed_has_no_line() -> None:
    result = compute(visit(given("apap", "acetaminophen-oral", 650, "08:35", route="oral"),
                           ocrevus(210)))
    assert {c for c, _ in summed(result)} == {"J2350", "96365", "96366"}
    assert role(result, "apap") == "not_coded"


def test_an_infusion_without_a_stop_stays_the_initial_service() -> None:
    running = ocrevus(None)
    result = compute(visit(given("dph", "diphenhydramine", 50, "08:35"), running))
    assert role(result, "ocr") == "initial"
    # R12: the premed push's +96375 waits for its parent (the Ocrevus codes come with the stop)
    assert summed(result) == {("J2350", ("JZ",)): 600, ("J1200", ("JZ",)): 1}
    assert result.has_errors and "addons-without-initial" in rules(result)
    stopped = compute(visit(given("dph", "diphenhydramine", 50, "08:35"), ocrevus(210)))
    assert summed(stopped)[("96375", ())] == 1

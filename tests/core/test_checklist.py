"""The billing checklist: each item's verdict and reason for the shared examples and for the
mistakes the seed article's checklist gets wrong."""

from __future__ import annotations

import pytest
from builders import PAYER, given, infusion, ocrevus, visit
from example_visits import load_example

from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.checklist import (
    AUTOMATIC,
    MANUAL,
    SUMMARY_ONLY_RULES,
    Checklist,
    evaluate_checklist,
)

PA = {"number": "PA-77812", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
      "approved_units": 1200}


def checklist_of(document: dict) -> Checklist:
    return evaluate_checklist(document, compute(document))


def example_checklist(name: str) -> Checklist:
    return checklist_of(load_example(name)[0])


def verdicts(checklist: Checklist) -> dict[str, str]:
    return {item.id: item.verdict for item in checklist.automatic}


def test_standard_visit_reasons_say_why_each_item_is_done() -> None:
    checklist = example_checklist("01-standard-600mg")
    reason = {item.id: item.reason for item in checklist.items}
    assert "JZ appended: 600 of 600 mg used, no waste" in reason["waste"]
    assert reason["diagnosis"] == "Diagnosis G35.A is billable for this date"
    assert reason["stop-times"] == "Stop time recorded: 12:30"
    assert reason["extra-hours"] == "210 running min: 96366 x2"
    assert reason["drug-units"] == "J2350 x600 for 600 mg (1 mg per unit)"
    assert reason["initial-service"].startswith("96365 ")
    assert reason["ndc"] == "J2350-JZ N450242015001 ML20"
    assert reason["setting"] == "POS 11 office: CMS-1500 (837P)"
    # No premedication recorded for an IV Ocrevus infusion is worth a look, not an error.
    assert {k for k, v in verdicts(checklist).items() if v != "done"} == {"premedications"}


@pytest.mark.parametrize(("name", "item", "verdict", "phrase"), [
    # 300 mg in 90 min is faster than the label allows: the engine's warning is the reason.
    ("02-seed-half-dose-90min", "extra-hours", "attention", "the label's shortest run is 150"),
    ("03-seed-sarah-150min", "extra-hours", "done", "150 running min: 96366 x1"),
    ("04-pause-excluded", "extra-hours", "done", "(20 min paused excluded): 96366 x2"),
    ("05-waste-jw-line", "waste", "done", "JW line for 20 units: 280 of 300 mg used, 20 mg"),
    ("05-waste-jw-line", "drug-units", "attention", "280 mg is not a label dose"),
    ("06-facility-premeds", "premedications", "done", "J2930 x1 Methylprednisolone 100 mg "
                                                      "(packaged)"),
    ("06-facility-premeds", "waste", "done", "J2930: packaged in hospital outpatient, no JW/JZ"),
    ("06-facility-premeds", "setting", "done", "UB-04 (837I)"),
    ("06-facility-premeds", "initial-service", "done", "96365 for Ocrevus (ocrelizumab) IV, by "
                                                       "hierarchy"),
    ("07-missing-stop-time", "stop-times", "not_done", "no stop time recorded"),
    ("07-missing-stop-time", "initial-service", "not_done", "no usable times"),
    ("07-missing-stop-time", "findings", "not_done", "1 error open"),
    ("08-bare-g35", "diagnosis", "not_done", "G35 is a category"),
    ("09-zunovo-subcutaneous", "initial-service", "done", "96372 for Ocrevus Zunovo"),
    ("09-zunovo-subcutaneous", "extra-hours", "done", "No infusion on this visit"),
    ("09-zunovo-subcutaneous", "waste", "done", "J2351: JZ appended: 920 of 920 mg used"),
    ("10-shipped-medicare-profile", "prior-authorization", "done",
     "traditional Medicare has no prior authorization"),
])
def test_example_items(name: str, item: str, verdict: str, phrase: str) -> None:
    found = example_checklist(name).item(item)
    assert (found.verdict, phrase in found.reason) == (verdict, True), found


def test_facility_example_is_ready_and_error_examples_are_not() -> None:
    assert example_checklist("06-facility-premeds").ready
    assert not example_checklist("07-missing-stop-time").ready
    assert not example_checklist("08-bare-g35").ready


def test_manual_items_are_left_for_a_person() -> None:
    checklist = example_checklist("06-facility-premeds")
    assert [i.id for i in checklist.manual] == [s.id for s in MANUAL]
    assert {i.verdict for i in checklist.manual} == {"manual"}
    assert any("verified with the payer" in i.title for i in checklist.manual)
    assert checklist.count("manual") == len(MANUAL)


def test_authorization_covering_the_units_is_done_and_reason_names_it() -> None:
    item = checklist_of(visit(ocrevus(), prior_authorization=PA)).item("prior-authorization")
    assert item.verdict == "done"
    assert item.reason == "PA-77812 valid 2026-01-01 to 2026-12-31; 600 of 1200 units approved"


def test_missing_or_exceeded_authorization_is_not_done() -> None:
    requires = {**PAYER, "prior_auth_required": True}
    assert checklist_of(visit(ocrevus(), payer=requires)).item(
        "prior-authorization").verdict == "not_done"
    small = {**PA, "approved_units": 300}
    item = checklist_of(visit(ocrevus(), prior_authorization=small)).item("prior-authorization")
    assert item.verdict == "not_done" and "approves 300" in item.reason


def test_complex_payer_profile_is_the_family_not_avoid_chemo_codes() -> None:
    complex_payer = {**PAYER, "monoclonal_admin": "complex"}
    item = checklist_of(visit(ocrevus(), payer=complex_payer)).item("admin-family")
    assert item.verdict == "done"
    assert item.reason == "Complex family (96413, 96415) per payer profile 'Test payer'"
    assert "The payer decides" in item.correction and "TDL 12397" in item.correction


def test_claim_from_another_family_than_the_profile_is_not_done() -> None:
    document = visit(ocrevus())
    stale = compute({**document, "payer": {**PAYER, "monoclonal_admin": "complex"}})
    item = evaluate_checklist(document, stale).item("admin-family")
    assert item.verdict == "not_done" and "recompute" in item.reason


def test_drug_units_disagreeing_with_the_dose_is_not_done() -> None:
    stale = compute(visit(ocrevus(dose=300, vials=1)))
    item = evaluate_checklist(visit(ocrevus(dose=600)), stale).item("drug-units")
    assert item.verdict == "not_done"
    assert item.reason == "J2350 x300 for 600 mg: should be x600 (1 mg per unit), never per vial"


def test_extra_hours_disagreeing_with_the_running_time_is_not_done() -> None:
    stale = compute(visit(ocrevus(210)))
    item = evaluate_checklist(visit(ocrevus(150)), stale).item("extra-hours")
    assert item.verdict == "not_done"
    assert item.reason == "150 running min = 96366 x1, but the claim has x2"


@pytest.mark.parametrize(("minutes", "reason"), [
    (90, "90 running min: no extra hour (the first needs 91+ min)"),
    (91, "91 running min: 96366 x1"),
    (151, "151 running min: 96366 x2"),
])
def test_extra_hours_reason_follows_the_more_than_30_minutes_rule(minutes: int,
                                                                   reason: str) -> None:
    end = 9 * 60 + minutes
    tysabri = infusion("nat", "natalizumab", 300, ("start", "09:00"),
                       ("stop", f"{end // 60:02d}:{end % 60:02d}"))
    item = checklist_of(visit(tysabri)).item("extra-hours")
    assert (item.verdict, item.reason) == ("done", reason)


def test_payer_without_waste_modifiers_and_undocumented_vials() -> None:
    exact = {**PAYER, "waste_modifiers": "none"}
    item = checklist_of(visit(ocrevus(), payer=exact)).item("waste")
    assert item.verdict == "done" and "wants the exact amount" in item.reason
    no_vials = ocrevus()
    no_vials.pop("vials")
    item = checklist_of(visit(no_vials)).item("waste")
    assert item.verdict == "attention" and "no vials recorded" in item.reason


def test_oral_prednisone_code_for_methylprednisolone_is_not_done() -> None:
    document = visit(given("mp", "methylprednisolone", 100, "08:30"), ocrevus(),
                     proposed_lines=[{"code": "J7512", "units": 1}])
    item = checklist_of(document).item("premedications")
    assert item.verdict == "not_done" and "J7512" in item.reason
    assert "J7512 is oral prednisone" in item.correction


def test_office_premeds_are_billed_with_their_own_codes() -> None:
    document = visit(given("mp", "methylprednisolone", 100, "08:30"),
                     given("dph", "diphenhydramine", 50, "08:35"), ocrevus())
    item = checklist_of(document).item("premedications")
    assert item.verdict == "done"
    assert item.reason == ("J2930 x1 Methylprednisolone 100 mg; "
                           "J1200 x1 Diphenhydramine 50 mg")


@pytest.mark.parametrize(("diagnoses", "verdict", "phrase"), [
    (["G35.A", "Z51.11"], "not_done", "Z51.11"),
    (["G36.0"], "attention", "not an Ocrevus indication"),
    (["G35.B1", "R53.83"], "done", "Diagnoses G35.B1, R53.83 are billable for this date"),
])
def test_diagnosis_item(diagnoses: list[str], verdict: str, phrase: str) -> None:
    item = checklist_of(visit(ocrevus(), diagnoses=diagnoses)).item("diagnosis")
    assert (item.verdict, phrase in item.reason) == (verdict, True), item


def test_home_setting_needs_attention_and_sample_ndc_is_not_done() -> None:
    item = checklist_of(visit(ocrevus(), setting="home")).item("setting")
    assert item.verdict == "attention" and "S9342" in item.reason
    zunovo = given("zun", "ocrevus-zunovo", 920, "09:00", route="subcutaneous",
                   vials=[{"ndc": "50242-0554-86", "mg": 920}])
    item = checklist_of(visit(zunovo)).item("ndc")
    assert item.verdict == "not_done" and "sample" in item.reason


def test_two_infusions_list_both_stop_times() -> None:
    mp = infusion("mp", "methylprednisolone", 100, ("start", "08:15"), ("stop", "08:45"))
    item = checklist_of(visit(mp, ocrevus())).item("stop-times")
    assert item.reason == "Stop times recorded: Methylprednisolone 08:45, Ocrevus 12:30"


def test_every_error_and_warning_rule_belongs_to_an_item_or_the_summary() -> None:
    catalog = default_catalog().rules
    mapped = {rule for spec in AUTOMATIC for rule in spec.rules}
    assert mapped <= set(catalog) and set(SUMMARY_ONLY_RULES) <= set(catalog)
    serious = {r.id for r in catalog.values() if r.severity != "info"}
    assert serious - mapped - set(SUMMARY_ONLY_RULES) == set()


def test_evaluation_accepts_a_parsed_document() -> None:
    from ocrebill_gui.core.engine import parse_visit

    document = load_example("01-standard-600mg")[0]
    parsed = parse_visit(document)
    assert evaluate_checklist(parsed, compute(parsed)) == checklist_of(document)


def test_jw_only_payer_with_nothing_discarded_is_done_and_without_vials_needs_attention() -> None:
    jw_only = {**PAYER, "waste_modifiers": "jw_only"}
    rituximab = ocrevus()
    rituximab.update(product="rituximab", dose_mg=595,
                     vials=[{"ndc": "50242-0051-21", "mg": 100}] * 6)
    item = checklist_of(visit(rituximab, payer=jw_only)).item("waste")
    assert item.verdict == "done" and "takes JW only" in item.reason
    no_vials = ocrevus()
    no_vials.pop("vials")
    assert checklist_of(visit(no_vials, payer=jw_only)).item("waste").verdict == "attention"


def test_extra_hours_with_only_a_push_and_hydration_are_done() -> None:
    document = visit(given("dph", "diphenhydramine", 50, "08:35"),
                     infusion("ns", "normal-saline", None, ("start", "09:00"),
                              ("stop", "10:00")))
    assert checklist_of(document).item("extra-hours").verdict == "done"
    assert checklist_of(visit(ocrevus(None))).item("extra-hours").verdict == "not_done"


def test_extra_hours_and_drug_units_follow_the_time_zone_and_the_vials() -> None:
    """The checklist works the claim out again the way the engine does: real minutes across a
    clock change (R8) and each vial size under its own code (R13)."""
    spring = infusion("nat", "natalizumab", 300, ("start", "01:00"), ("stop", "03:31"))
    doc = visit(spring, time_zone="America/Chicago")
    doc["date_of_service"] = "2026-03-08"
    for event in doc["administrations"][0]["events"]:
        event["at"] = event["at"].replace("2026-03-04", "2026-03-08")
    item = checklist_of(doc).item("extra-hours")
    assert (item.verdict, item.reason) == ("done", "91 running min: 96366 x1")
    mixed = given("mp", "methylprednisolone", 165, "08:30",
                  vials=[{"ndc": "00009-0047-22", "mg": 125}, {"ndc": "00009-0039-28", "mg": 40}])
    item = checklist_of(visit(mixed, ocrevus(primary=True))).item("drug-units")
    assert item.verdict == "done"
    assert "J2930 x1 for 125 mg" in item.reason and "J2920 x1 for 40 mg" in item.reason

"""Prior authorization, dose, route, interval, setting and clinical-trial checks."""

from __future__ import annotations

import pytest
from builders import PAYER, given, ocrevus, rules, visit

from ocrebill_gui.core import InvalidVisit, compute

PA = {"number": "PA-1", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
      "approved_units": 1200}
REQUIRES_PA = {**PAYER, "prior_auth_required": True}


def test_missing_authorization_is_an_error_when_required() -> None:
    result = compute(visit(ocrevus(), payer=REQUIRES_PA))
    assert "pa-missing" in rules(result) and result.has_errors
    assert not compute(visit(ocrevus(), payer=REQUIRES_PA, prior_authorization=PA)).has_errors


@pytest.mark.parametrize(("auth", "rule"), [
    ({**PA, "valid_to": "2026-03-03"}, "pa-dates"),
    ({**PA, "valid_from": "2026-03-05"}, "pa-dates"),
    ({**PA, "approved_units": 599}, "pa-units"),
])
def test_authorization_dates_and_units(auth: dict, rule: str) -> None:
    result = compute(visit(ocrevus(), payer=REQUIRES_PA, prior_authorization=auth))
    assert rule in rules(result) and result.has_errors


@pytest.mark.parametrize(("auth", "says"), [
    ({**PA, "approved_units": 599}, "600 units billed but authorization PA-1 approves 599"),
    # As the store sends it: what is left for this visit, and the whole approval.
    ({**PA, "approved_units": 0, "approved_units_total": 1200},
     "600 units billed but authorization PA-1 has 0 of its 1200 approved units left"),
])
def test_the_units_finding_says_what_is_left_of_the_approval(auth: dict, says: str) -> None:
    result = compute(visit(ocrevus(), payer=REQUIRES_PA, prior_authorization=auth))
    assert [f.message for f in result.findings if f.rule == "pa-units"] == [says]


def test_more_units_left_than_approved_is_refused() -> None:
    auth = {**PA, "approved_units": 5, "approved_units_total": 3}
    with pytest.raises(InvalidVisit, match="more left than was approved"):
        compute(visit(ocrevus(), payer=REQUIRES_PA, prior_authorization=auth))


def test_unit_limit_requires_an_authorization_above_it() -> None:
    payer = {**PAYER, "prior_auth_unit_limit": 300}
    assert "pa-missing" in rules(compute(visit(ocrevus(), payer=payer)))
    assert "pa-missing" not in rules(compute(visit(ocrevus(dose=300, vials=1), payer=payer)))


def test_traditional_medicare_needs_no_authorization() -> None:
    assert not compute(visit(ocrevus(), payer="medicare")).has_errors
    wrong = {**PAYER, "program": "medicare", "prior_auth_required": True}
    assert "pa-medicare-traditional" in rules(compute(visit(ocrevus(), payer=wrong)))


def test_off_label_dose_is_a_warning() -> None:
    result = compute(visit(ocrevus(dose=450, vials=2)))
    assert "dose-off-label" in rules(result) and not result.has_errors


def test_maintenance_interval() -> None:
    short = compute(visit(ocrevus(previous_dose_date="2025-12-01")))
    assert "dose-interval-short" in rules(short)
    assert "dose-interval-short" not in rules(compute(visit(ocrevus(
        previous_dose_date="2025-09-01"))))
    induction = ocrevus(150, dose=300, vials=1, previous_dose_date="2026-02-18")
    assert "dose-interval-short" not in rules(compute(visit(induction)))


def test_long_run_suggests_observation_in_the_stop_time() -> None:
    assert "running-time-long" in rules(compute(visit(ocrevus(290))))
    assert "running-time-long" not in rules(compute(visit(ocrevus(210))))


def test_run_faster_than_the_label_is_questioned() -> None:
    assert "running-time-short" in rules(compute(visit(ocrevus(100))))
    assert "running-time-short" not in rules(compute(visit(ocrevus(120))))
    assert "running-time-short" in rules(compute(visit(ocrevus(90, dose=300, vials=1))))


def test_unusual_route() -> None:
    doc = visit(given("ocr", "ocrevus", 600, "09:00", route="iv_push"))
    assert "route-unusual" in rules(compute(doc))


def test_home_setting_explains_home_infusion_coding() -> None:
    result = compute(visit(ocrevus(), setting="home"))
    assert result.place_of_service == "12"
    assert "home-infusion-coding" in rules(result)


def test_medicare_trial_visit_lists_what_is_missing() -> None:
    result = compute(visit(ocrevus(source="trial_sponsor"), payer="medicare"))
    finding = next(f for f in result.findings if f.rule == "trial-requirements")
    assert "Z00.6" in finding.message

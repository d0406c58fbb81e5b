"""The seed article's mistakes, made in a proposed claim, are each named (billing-rules 9)."""

from __future__ import annotations

import pytest
from builders import given, ocrevus, rules, visit

from ocrebill_gui.core import compute


def proposing(*lines: tuple, admins=None, **kw) -> set[str]:
    proposed = [{"code": c, "modifiers": list(m), "units": u} for c, m, u in lines]
    doc = visit(*(admins or [ocrevus(150)]), proposed_lines=proposed, **kw)
    return rules(compute(doc))


def test_correct_proposal_has_no_proposal_findings() -> None:
    found = proposing(("J2350", ["JZ"], 600), ("96365", [], 1), ("96366", [], 1))
    assert not {r for r in found if r.startswith("proposed-")}


@pytest.mark.parametrize(("lines", "rule"), [
    ([("J2350", ["JZ"], 2), ("96365", [], 1), ("96366", [], 1)], "proposed-per-vial"),
    ([("J2350", ["JZ"], 600), ("96365", [], 1), ("96366", [], 2)], "proposed-extra-hours"),
    ([("J2350", [], 600), ("96365", [], 1), ("96366", [], 1)], "proposed-waste-modifier"),
    ([("J2350", ["JZ"], 600), ("96413", [], 1), ("96415", [], 1)], "proposed-family"),
    ([("J2350", ["JZ"], 600), ("96365", [], 1)], "proposed-missing-line"),
])
def test_seed_mistakes_in_an_infusion_claim(lines, rule) -> None:
    assert rule in proposing(*lines)


def test_ninety_minutes_is_not_an_extra_hour() -> None:
    found = proposing(("J2350", ["JZ"], 300), ("96365", [], 1), ("96366", [], 1),
                      admins=[ocrevus(90, dose=300, vials=1)])
    assert "proposed-extra-hours" in found


def test_j7512_for_methylprednisolone() -> None:
    admins = [given("mp", "methylprednisolone", 100, "08:30"), ocrevus(150)]
    assert "proposed-oral-prednisone" in proposing(("J7512", [], 1), admins=admins)


def test_s9342_and_trial_unclassified_codes() -> None:
    assert "proposed-enteral-nutrition" in proposing(("S9342", [], 1), setting="home")
    trial = [ocrevus(150, source="trial_sponsor")]
    assert "proposed-unclassified-trial" in proposing(("J3490", [], 1), admins=trial)


def test_zunovo_unclassified_code_and_rituximab_units() -> None:
    zun = given("zun", "ocrevus-zunovo", 920, "09:00", route="subcutaneous",
                vials=[{"ndc": "50242-0554-01", "mg": 920}])
    assert "proposed-old-code" in proposing(("J3590", [], 920), admins=[zun])
    rit = ocrevus(150)
    rit.update(product="rituximab", dose_mg=1000, vials=[{"ndc": "50242-0053-06", "mg": 500}] * 2)
    assert "proposed-units" in proposing(("J9312", ["JZ"], 1000), admins=[rit])


def test_a_whole_complex_family_proposal_is_one_family_finding_per_code() -> None:
    found = compute(visit(ocrevus(210), proposed_lines=[
        {"code": "J2350", "modifiers": ["JZ"], "units": 600},
        {"code": "96413", "modifiers": [], "units": 1},
        {"code": "96415", "modifiers": [], "units": 2}])).findings
    family = [f for f in found if f.rule == "proposed-family"]
    assert len(family) == 2 and not [f for f in found if f.severity == "error"]

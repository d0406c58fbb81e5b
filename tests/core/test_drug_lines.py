"""Drug units, JW/JZ waste per payer and setting, NDC and its quantity, drug source."""

from __future__ import annotations

import pytest
from builders import PAYER, given, ocrevus, rules, summed, visit

from ocrebill_gui.core import compute


def test_units_are_milligrams_not_vials() -> None:
    result = compute(visit(ocrevus(210)))
    line = result.lines[0]
    assert (line.code, line.units, line.modifiers) == ("J2350", 600, ["JZ"])
    assert (line.ndc, line.ndc_unit, line.ndc_quantity) == ("50242015001", "ML", 20)


def test_rituximab_bills_per_10_mg_rounded_up() -> None:
    rit = ocrevus(210)
    rit.update(product="rituximab", dose_mg=1005,
               vials=[{"ndc": "50242-0053-06", "mg": 500}] * 2 + [{"ndc": "50242-0051-21",
                                                                    "mg": 100}])
    result = compute(visit(rit))
    lines = summed(result)
    assert lines[("J9312", ())] == 101
    assert lines[("J9312", ("JW",))] == 9
    assert "ndc-multiple" in rules(result)


@pytest.mark.parametrize(("waste", "expected"), [
    ("jw_jz", {("J2350", ()): 280, ("J2350", ("JW",)): 20}),
    ("jw_only", {("J2350", ()): 280, ("J2350", ("JW",)): 20}),
    ("none", {("J2350", ()): 280}),
])
def test_waste_lines_follow_the_payer(waste: str, expected: dict) -> None:
    doc = visit(ocrevus(150, dose=280, vials=1), payer={**PAYER, "waste_modifiers": waste})
    lines = {k: v for k, v in summed(compute(doc)).items() if k[0] == "J2350"}
    assert lines == expected


def test_no_waste_gets_jz_only_under_jw_jz() -> None:
    for waste, mods in (("jw_jz", ("JZ",)), ("jw_only", ()), ("none", ())):
        doc = visit(ocrevus(210), payer={**PAYER, "waste_modifiers": waste})
        assert ("J2350", mods) in summed(compute(doc))


def test_methylprednisolone_picks_its_code_by_dose_and_gets_jz_in_the_office() -> None:
    result = compute(visit(given("mp", "methylprednisolone", 100, "08:30",
                                 vials=[{"ndc": "00009-0047-22", "mg": 125}]), ocrevus(210)))
    assert summed(result)[("J2930", ("JZ",))] == 1
    small = compute(visit(given("mp", "methylprednisolone", 40, "08:30"), ocrevus(210)))
    assert ("J2920", ("JZ",)) in summed(small)
    assert "waste-not-documented" in rules(small)


def test_packaged_premeds_get_no_modifier_in_hospital_outpatient() -> None:
    result = compute(visit(given("dph", "diphenhydramine", 50, "08:35",
                                 vials=[{"ndc": "63323-0664-01", "mg": 50}]), ocrevus(210),
                           setting="hospital_outpatient"))
    assert summed(result)[("J1200", ())] == 1
    assert summed(result)[("J2350", ("JZ",))] == 600


def test_dose_above_the_opened_vials_is_an_error() -> None:
    result = compute(visit(ocrevus(210, dose=600, vials=1)))
    assert "dose-exceeds-vials" in rules(result)
    assert result.has_errors


def test_no_vials_under_jw_jz_is_jz_with_a_warning() -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0]["vials"] = []
    result = compute(doc)
    assert summed(result)[("J2350", ("JZ",))] == 600
    assert "waste-not-documented" in rules(result)
    assert result.lines[0].ndc == "50242015001", "catalog default NDC"


def test_drug_not_bought_is_not_billed_but_its_administration_is() -> None:
    for source in ("patient_supplied", "free_drug_program", "trial_sponsor"):
        result = compute(visit(ocrevus(210, source=source)))
        assert {c for c, _ in summed(result)} == {"96365", "96366"}
        assert "drug-not-billed-source" in rules(result)


def test_ndc_unit_un_counts_vials() -> None:
    result = compute(visit(ocrevus(210), payer={**PAYER, "ndc_unit": "UN"}))
    assert (result.lines[0].ndc_unit, result.lines[0].ndc_quantity) == ("UN", 2)


def test_zunovo_sample_ndc_is_an_error_and_dose_is_checked() -> None:
    zun = given("zun", "ocrevus-zunovo", 900, "09:00", route="subcutaneous",
                vials=[{"ndc": "50242-0554-86", "mg": 920}])
    result = compute(visit(zun))
    assert {"ndc-sample", "dose-off-label"} <= rules(result)
    sample = next(f for f in result.findings if f.rule == "ndc-sample")
    assert sample.severity == "error" and sample.field == "administrations[0].vials[0].ndc"


def test_expired_vial_and_foreign_ndc() -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0]["vials"][0]["expires"] = "2026-03-03"
    doc["administrations"][0]["vials"][1]["ndc"] = "12345-6789-01"
    found = rules(compute(doc))
    assert {"vial-expired", "ndc-other-product"} <= found


def test_ten_digit_ndcs_are_padded_to_eleven() -> None:
    doc = visit(ocrevus(210))
    for vial in doc["administrations"][0]["vials"]:
        vial["ndc"] = "50242-150-01"
    assert compute(doc).lines[0].ndc == "50242015001"


def test_the_line_carries_the_products_own_ndc_over_a_stray_one() -> None:
    doc = visit(ocrevus(210))
    doc["administrations"][0]["vials"][1]["ndc"] = "50242-0554-01"  # a Zunovo package
    result = compute(doc)
    assert result.lines[0].ndc == "50242015001"
    assert "ndc-other-product" in rules(result)

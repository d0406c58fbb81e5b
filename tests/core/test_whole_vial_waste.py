"""A third 300 mg vial opened for a 600 mg dose (issue 13, item 8): a whole vial discarded is
a warning to check the vials, not the info a partial vial's waste gets; the JW line stays."""

from __future__ import annotations

from builders import ocrevus, visit

from ocrebill_gui.core.engine import compute


def found(dose: float, vials: int) -> dict[str, str]:
    return {f.rule: f.severity for f in compute(visit(ocrevus(dose=dose, vials=vials))).findings
            if f.rule.startswith("waste")}


def test_a_third_vial_for_600_mg_is_a_warning_and_still_billed_as_jw():
    assert found(600, 3) == {"waste-whole-vial": "warning"}
    result = compute(visit(ocrevus(dose=600, vials=3)))
    jw = [line for line in result.lines if "JW" in line.modifiers]
    assert [line.units for line in jw] == [300]
    message = next(f.message for f in result.findings if f.rule == "waste-whole-vial")
    assert "300 mg discarded, a whole 300 mg vial" in message


def test_part_of_a_vial_discarded_stays_an_info_and_no_waste_none():
    assert found(450, 2) == {"waste-jw": "info"}
    assert found(600, 2) == {}

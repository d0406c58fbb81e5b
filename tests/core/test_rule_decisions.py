"""The rule decisions of 2026-12-07 (R1-R15), one worked visit each in tests/fixtures/rules.

Each expected file's lines were worked out by hand from billing-rules.md section 10 (its `why`
says how), not taken from the engine's output. Lines are compared summed by code and
modifiers, as the contract says consumers compare them; NDC and NDC quantity where given.
"""

from __future__ import annotations

import pytest
from example_visits import RULE_VISITS, example_names, load_example, summed

from ocrebill_gui.core import compute

NAMES = example_names(RULE_VISITS)


def load(name: str) -> tuple[dict, dict]:
    return load_example(name, RULE_VISITS)


# The refused ones (R8, R10) are checked with the shared examples' (test_examples.py).
COMPUTABLE = [n for n in NAMES if "exit_code" not in load(n)[1]]


@pytest.mark.parametrize("name", COMPUTABLE)
def test_rule_visit_gives_its_worked_lines(name: str) -> None:
    document, expected = load(name)
    result = compute(document)
    assert summed(result.lines) == summed(expected["lines"]), expected["why"]
    assert result.has_errors == expected["has_errors"], [f.message for f in result.findings]
    rules = {f.rule for f in result.findings}
    assert set(expected["findings_include"]) <= rules, [f.message for f in result.findings]
    for want in expected["lines"]:
        if "ndc" not in want:
            continue
        match = [line for line in result.lines if line.code == want["code"]
                 and line.modifiers == want["modifiers"]]
        assert match and match[0].ndc == want["ndc"], (want, match)
        if "ndc_quantity" in want:
            assert match[0].ndc_unit == want["ndc_unit"]
            assert match[0].ndc_quantity == pytest.approx(want["ndc_quantity"], abs=1e-3)


def test_every_rule_has_a_worked_visit() -> None:
    covered = {name.split("-")[0] for name in NAMES}
    assert covered >= {f"r{n:02d}" for n in range(1, 15)} - {"r15"}, covered

"""Every shared example visit gives exactly its expected lines and error status."""

from __future__ import annotations

import pytest
from example_visits import RULE_VISITS, VISITS, example_names, load_example, summed

from ocrebill_gui.core import InvalidVisit, compute

COMPUTABLE = [n for n in example_names() if "exit_code" not in load_example(n)[1]]
INVALID = [n for n in example_names() if "exit_code" in load_example(n)[1]]


@pytest.mark.parametrize("name", COMPUTABLE)
def test_example_lines_and_error_status(name: str) -> None:
    document, expected = load_example(name)
    result = compute(document)
    assert summed(result.lines) == summed(expected["lines"])
    assert result.has_errors == expected["has_errors"], [f.message for f in result.findings]
    for want in expected["lines"]:
        if "ndc" in want:
            assert any(line.code == want["code"] and line.ndc == want["ndc"]
                       for line in result.lines)


@pytest.mark.parametrize(("folder", "name"),
                         [(VISITS, n) for n in INVALID]
                         + [(RULE_VISITS, n) for n in example_names(RULE_VISITS)
                            if "exit_code" in load_example(n, RULE_VISITS)[1]])
def test_invalid_document_names_the_field(folder, name: str) -> None:
    """The shared examples' and the rule visits' refused documents (R8, R10)."""
    document, expected = load_example(name, folder)
    with pytest.raises(InvalidVisit) as caught:
        compute(document)
    assert expected["stderr_mentions"] in str(caught.value)


def test_examples_exist() -> None:
    assert len(COMPUTABLE) >= 10 and INVALID

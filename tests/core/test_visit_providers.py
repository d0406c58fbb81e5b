"""A visit's rendering provider and ordering physician (issue 13, item 4): the document's
optional `providers`, checked NPIs, the findings when one is missing, the checklist item."""

from __future__ import annotations

import pytest
from builders import ocrevus, visit

from ocrebill_gui.core.checklist import evaluate_checklist
from ocrebill_gui.core.engine import compute
from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.providers import taxonomy_problem

RENDERING = {"name": "Okafor, Grace", "npi": "1234567893", "taxonomy": "2084n0400x"}
ORDERING = {"name": "Lindqvist, Erik", "npi": "1245319599"}


def rules(doc: dict) -> set[str]:
    return {f.rule for f in compute(doc).findings}


def test_a_document_without_providers_is_not_checked_for_them():
    result = compute(visit(ocrevus()))
    assert not {f.rule for f in result.findings} & {"provider-rendering-missing",
                                                    "provider-ordering-missing"}
    assert "providers" not in [i.id for i in evaluate_checklist(visit(ocrevus()), result).items]


def test_both_named_no_finding_and_the_checklist_names_them():
    doc = visit(ocrevus(), providers={"rendering": RENDERING, "ordering": ORDERING})
    result = compute(doc)
    assert not any(f.rule.startswith("provider-") for f in result.findings)
    item = evaluate_checklist(doc, result).item("providers")
    assert item.verdict == "done"
    assert "Okafor, Grace (NPI 1234567893)" in item.reason
    assert "Lindqvist, Erik (NPI 1245319599)" in item.reason


@pytest.mark.parametrize(("providers", "missing"), [
    ({"rendering": RENDERING}, {"provider-ordering-missing"}),
    ({"ordering": ORDERING}, {"provider-rendering-missing"}),
    ({}, {"provider-rendering-missing", "provider-ordering-missing"}),
])
def test_a_missing_provider_is_a_warning_at_its_field(providers, missing):
    doc = visit(ocrevus(), providers=providers)
    result = compute(doc)
    found = {f.rule: f for f in result.findings if f.rule.startswith("provider-")}
    assert set(found) == missing
    assert {f.severity for f in found.values()} == {"warning"}
    assert {f.field for f in found.values()} == {
        "providers." + r.split("-")[1] for r in missing}
    assert evaluate_checklist(doc, result).item("providers").verdict == "attention"


def test_a_wrong_check_digit_or_taxonomy_is_refused_at_its_path():
    bad = {"rendering": {"name": "Okafor, Grace", "npi": "1234567890", "taxonomy": "20X"}}
    with pytest.raises(InvalidVisit) as refused:
        compute(visit(ocrevus(), providers=bad))
    paths = dict(refused.value.problems)
    assert "check digit" in paths["providers.rendering.npi"]
    assert "taxonomy code" in paths["providers.rendering.taxonomy"]


def test_taxonomy_codes():
    assert taxonomy_problem("") is None
    assert taxonomy_problem("2084N0400X") is None
    assert taxonomy_problem("163W00000X") is None
    assert taxonomy_problem("2084N0400") is not None

"""The diagnosis type-ahead's order (core/diagnosis_search.py): the exact code, billable codes
before categories, MS codes first among description matches; Enter never takes a category."""

from __future__ import annotations

import pytest

from ocrebill_gui.core.diagnosis_search import code_prefix, enter_choice, search_diagnoses
from ocrebill_gui.core.icd10 import icd10_index

MS_BILLABLE = ["G35.A", "G35.B0", "G35.B1", "G35.B2", "G35.C0", "G35.C1", "G35.C2", "G35.D"]


def codes(query: str, limit: int = 40) -> list[str]:
    return [row.code for row in search_diagnoses(query, limit)]


def test_typing_g35_offers_its_billable_codes_before_the_categories():
    found = search_diagnoses("G35")
    assert [row.code for row in found] == [*MS_BILLABLE, "G35", "G35.B", "G35.C"]
    assert enter_choice(found).code == "G35.A"


@pytest.mark.parametrize("typed", ["g35a", "G35A", "g35.a", " G35.A "])
def test_the_exact_code_comes_first(typed):
    assert codes(typed)[0] == "G35.A"
    assert code_prefix(typed) == "G35.A"


def test_an_exact_billable_code_before_the_description_matches_of_the_same_text():
    # "A68.0" is also found by no description; a billable code typed in full is the choice
    assert enter_choice(search_diagnoses("A68.0")).code == "A68.0"


def test_relapsing_lists_relapsing_remitting_ms_before_relapsing_fever():
    found = codes("relapsing")
    assert found[0] == "G35.A"
    assert found.index("G35.A") < found.index("A68.0")
    assert found[-1] == "A68"  # the category of relapsing fevers, after every billable code
    assert enter_choice(search_diagnoses("relapsing")).code == "G35.A"


@pytest.mark.parametrize("query", ["multiple sclerosis", "ms", "MS", "sclerosis"])
def test_ms_words_put_the_ms_codes_first(query):
    found = codes(query)
    assert found[:8] == MS_BILLABLE
    assert found[8:11] == ["G35", "G35.B", "G35.C"]


@pytest.mark.parametrize("query", ["progressive", "spms", "primary progressive"])
def test_progressive_forms_first(query):
    found = codes(query)
    assert set(found[:3]) <= {"G35.B0", "G35.B1", "G35.B2", "G35.C0", "G35.C1", "G35.C2"}


@pytest.mark.parametrize("query", ["G35", "H46", "relapsing", "multiple sclerosis",
                                   "optic neuritis", "fever", "Z51.1", "type 2", "zzzz", "a"])
def test_the_same_codes_as_the_index_finds_billable_first_in_each_part(query):
    index = icd10_index()
    found = search_diagnoses(query, 40)
    plain = index.search(query, 40)
    assert len({row.code for row in found}) == len(found) <= 40
    assert {row.code for row in plain} <= {row.code for row in found} | _cut(found, plain)
    prefix = code_prefix(query)
    by_code = [row for row in found if row.code.startswith(prefix)]
    described = [row for row in found if not row.code.startswith(prefix)]
    assert found == by_code + described  # codes typed before descriptions matched
    for part in (by_code, [r for r in described if r.code.startswith("G35")],
                 [r for r in described if not r.code.startswith("G35")]):
        flags = [row.billable for row in part]
        assert flags == sorted(flags, reverse=True), query  # billable, then categories
    choice = enter_choice(found)
    assert choice is None or choice.billable


def _cut(found, plain) -> set[str]:
    """Codes the index found that the ranked list left out: only when MS codes took room."""
    missing = {row.code for row in plain} - {row.code for row in found}
    assert not missing or len(found) == 40
    return missing


def test_an_empty_query_finds_nothing():
    assert search_diagnoses("   ") == []
    assert enter_choice([]) is None

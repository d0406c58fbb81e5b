"""core.visit_diff: the differences between two visit documents and re-applying yours."""

import pytest

from ocrebill_gui.core.visit_diff import Difference, differences, reapply


def doc(**changes):
    base = {"date_of_service": "2026-12-07", "diagnoses": ["G35.A"],
            "administrations": [{"id": "a1", "dose_mg": 300,
                                 "vials": [{"ndc": "1", "count": 1}],
                                 "events": [{"kind": "start", "at": "09:00"}]}]}
    base.update(changes)
    return base


def test_equal_documents_have_no_differences():
    assert differences(doc(), doc()) == []


def test_differences_by_path_leaf_values():
    mine, saved = doc(), doc(diagnoses=["G35.A", "G35.B"])
    mine["administrations"][0]["dose_mg"] = 600
    mine["administrations"][0]["events"][0]["at"] = "09:15"
    assert differences(mine, saved) == [
        Difference("diagnoses", ["G35.A"], ["G35.A", "G35.B"]),
        Difference("administrations[0].dose_mg", 600, 300),
        Difference("administrations[0].events[0].at", "09:15", "09:00"),
    ]


def test_item_or_key_only_one_side_has_is_one_difference():
    mine, saved = doc(), doc(notes="x")
    mine["administrations"].append({"id": "a2", "dose_mg": 8})
    found = differences(mine, saved)
    assert found == [Difference("administrations[1]", {"id": "a2", "dose_mg": 8}, None),
                     Difference("notes", None, "x")]


def test_reapply_each_then_the_documents_agree():
    mine, saved = doc(), doc(notes="x", diagnoses=["G35.B"])
    mine["administrations"][0]["dose_mg"] = 600
    mine["administrations"].append({"id": "a2"})
    saved["administrations"][0]["vials"].append({"ndc": "2", "count": 1})
    for difference in differences(mine, saved):
        reapply(saved, difference)
    assert saved == mine


def test_reapply_one_leaves_the_rest_as_saved():
    mine, saved = doc(diagnoses=["G35.C"]), doc()
    mine["administrations"][0]["dose_mg"] = 600
    dose = [d for d in differences(mine, saved) if d.path.endswith("dose_mg")]
    reapply(saved, dose[0])
    assert saved["administrations"][0]["dose_mg"] == 600
    assert saved["diagnoses"] == ["G35.A"]


def test_reapply_onto_a_path_gone_says_which():
    with pytest.raises(ValueError, match=r"administrations\[3\].dose_mg"):
        reapply(doc(), Difference("administrations[3].dose_mg", 5, None))


def test_yours_is_a_copy():
    mine = doc(diagnoses=["G35.C"])
    found = differences(mine, doc())
    mine["diagnoses"].append("X")
    assert found[0].yours == ["G35.C"]

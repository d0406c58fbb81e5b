"""Diagnosis checks against the FY2026 code set on the date of service."""

from __future__ import annotations

import gzip
import random
import tracemalloc

import pytest
from builders import ocrevus, rules, visit

from ocrebill_gui.core import compute
from ocrebill_gui.core.icd10 import INDEX_FILE, Icd10Index, icd10_index
from ocrebill_gui.paths import data_dir


@pytest.mark.parametrize("code", ["G35.A", "G35.B0", "G35.B1", "G35.B2", "G35.C0", "G35.C1",
                                  "G35.C2", "G35.D"])
def test_ms_subcodes_are_billable(code: str) -> None:
    assert not compute(visit(ocrevus(), diagnoses=[code])).has_errors


def test_bare_g35_is_a_category_since_fy2026_and_names_the_subcodes() -> None:
    result = compute(visit(ocrevus(), diagnoses=["G35"]))
    finding = next(f for f in result.findings if f.rule == "dx-g35-category")
    assert finding.severity == "error" and "G35.A" in finding.message
    assert finding.field == "diagnoses[0]"


def test_bare_g35_was_billable_before_october_2025() -> None:
    doc = visit(ocrevus(), diagnoses=["G35"], date_of_service="2025-09-30")
    for event in doc["administrations"][0]["events"]:
        event["at"] = event["at"].replace("2026-03-04", "2025-09-30")
    assert "dx-g35-category" not in rules(compute(doc))
    doc["diagnoses"] = ["G35.A"]
    assert "dx-not-yet-valid" in rules(compute(doc))


def test_undotted_and_lowercase_codes_are_normalised() -> None:
    assert not compute(visit(ocrevus(), diagnoses=["g35a"])).has_errors


def test_unknown_and_category_codes() -> None:
    found = rules(compute(visit(ocrevus(), diagnoses=["G35.A", "Q99.99", "G36"])))
    assert {"dx-unknown", "dx-category"} <= found


def test_z51_11_is_never_for_ms() -> None:
    result = compute(visit(ocrevus(), diagnoses=["G35.A", "Z51.11"]))
    assert "dx-neoplasm-encounter" in rules(result) and result.has_errors


def test_ocrevus_without_ms_is_an_error_and_off_label_only_a_warning() -> None:
    assert "dx-no-ms-indication" in rules(compute(visit(ocrevus(), diagnoses=["R51.9"])))
    off = compute(visit(ocrevus(), diagnoses=["G36.0"]))
    assert "dx-off-label" in rules(off) and not off.has_errors


def test_later_fiscal_year_is_flagged_for_review() -> None:
    doc = visit(ocrevus(), date_of_service="2026-11-02")
    for event in doc["administrations"][0]["events"]:
        event["at"] = event["at"].replace("2026-03-04", "2026-11-02")
    assert "dx-code-set-outdated" in rules(compute(doc))


def _reference_search(query: str, limit: int) -> list[str]:
    """The search's meaning, spelled out over every row: code-prefix matches in code order,
    then rows whose description holds every word, in code order."""
    rows = [line.split("\t", 2) for line in
            gzip.open(data_dir() / INDEX_FILE, "rt").read().splitlines() if line]
    prefix = query.strip().upper()
    if len(prefix) > 3 and "." not in prefix:
        prefix = f"{prefix[:3]}.{prefix[3:]}"
    out = [code for code, _, _ in rows if code.startswith(prefix)][:limit]
    words = query.lower().split()
    for code, _, description in rows:
        if len(out) >= limit:
            break
        if code not in out and all(w in description.lower() for w in words):
            out.append(code)
    return out


@pytest.mark.parametrize("query", ["G35", "g35a", "G35.B", "relapsing", "multiple sclerosis",
                                   "mult scl", "Z51.1", "cholera vibrio", "zzzz", "a", "1",
                                   "type 2"])
def test_index_search_matches_its_reference(query: str) -> None:
    assert [c.code for c in icd10_index().search(query, 40)] == _reference_search(query, 40)


def test_codes_and_descriptions_match_the_full_file_everywhere_in_it() -> None:
    rows = {code: (flag == "1", description) for code, flag, description in
            (line.split("\t", 2) for line in
             gzip.open(data_dir() / INDEX_FILE, "rt").read().splitlines() if line)}
    codes = sorted(rows)
    sample = codes[:3] + codes[-3:] + random.Random(7).sample(codes, 400)
    streamed = Icd10Index(data_dir()).describe(sample)  # one pass over the packed file
    searched = Icd10Index(data_dir())
    searched.warm_search()  # the same answers from the text kept for search
    for code in sample:
        assert (streamed[code].billable, streamed[code].description) == rows[code]
        assert searched.get(code) == streamed[code]
        assert Icd10Index(data_dir()).billable(code) is rows[code][0]
    assert Icd10Index(data_dir()).get("Q99.99") is None
    assert len(Icd10Index(data_dir())) == len(rows)


def test_describing_a_code_streams_the_file_without_holding_it() -> None:
    """The visit editor describes its codes as it opens: the unpacked file is ~8 MB, and
    reading it in large pieces once made an ~11 MB passing peak."""
    unpacked = len(gzip.open(data_dir() / INDEX_FILE).read())
    index = Icd10Index(data_dir())
    last_code = index.billable_children("Z99")[-1]  # near the end: the whole file is read
    tracemalloc.start()
    try:
        assert index.describe([last_code])[last_code] is not None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < unpacked / 4


def test_index_search_marks_categories() -> None:
    found = {c.code: c.billable for c in icd10_index().search("G35")}
    assert found["G35"] is False and found["G35.A"] is True
    words = [c.code for c in icd10_index().search("relapsing remitting")]
    assert "G35.A" in words

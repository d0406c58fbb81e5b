"""Diagnoses checked against the ICD-10-CM code set in force on the date of service: the
shipped FY2026 index, or a fiscal year imported from CMS's order file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builders import ocrevus, on_day, rules, visit

from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.code_sets import CodeSets, DiagnosisCodeSet
from ocrebill_gui.core.icd10_order_file import read_icd10_order_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
NEW_IN_2027 = "G35.E"  # the fixture's FY2027 code: not in the shipped FY2026 index


def fy2027() -> DiagnosisCodeSet:
    return DiagnosisCodeSet.from_order_file(
        read_icd10_order_file(FIXTURES / "icd10cm_order_2027.txt", 2027))


def with_2027():
    return default_catalog().with_code_sets(CodeSets([fy2027()]))


def test_a_fy2027_code_is_refused_before_the_import_and_accepted_after() -> None:
    doc = on_day(visit(ocrevus(), diagnoses=[NEW_IN_2027]), "2026-11-02")
    before = compute(doc)
    assert {"dx-unknown", "dx-code-set-outdated"} <= rules(before) and before.has_errors
    after = compute(doc, catalog=with_2027())
    assert not {"dx-unknown", "dx-code-set-outdated"} & rules(after)
    assert not after.has_errors


def test_the_fy2027_set_is_not_used_for_a_fy2026_date() -> None:
    doc = on_day(visit(ocrevus(), diagnoses=[NEW_IN_2027]), "2026-09-30")
    found = rules(compute(doc, catalog=with_2027()))
    assert "dx-unknown" in found and "dx-code-set-outdated" not in found


def test_categories_and_unknown_codes_in_the_imported_year() -> None:
    doc = on_day(visit(ocrevus(), diagnoses=["G35", "G35.B", "Q99.99"]), "2027-03-01")
    result = compute(doc, catalog=with_2027())
    assert {"dx-g35-category", "dx-category", "dx-unknown"} <= rules(result)
    g35 = next(f for f in result.findings if f.rule == "dx-g35-category")
    assert NEW_IN_2027 in g35.message  # the children come from the year in force
    unknown = next(f for f in result.findings if f.rule == "dx-unknown")
    assert "ICD-10-CM FY2027" in unknown.message


def test_a_later_year_without_its_set_is_checked_against_the_latest_and_flagged() -> None:
    doc = on_day(visit(ocrevus(), diagnoses=[NEW_IN_2027]), "2027-10-05")
    result = compute(doc, catalog=with_2027())
    outdated = next(f for f in result.findings if f.rule == "dx-code-set-outdated")
    assert "ICD-10-CM FY2027 (valid to 2027-09-30)" in outdated.message
    assert "dx-unknown" not in rules(result)


def test_an_imported_year_replaces_the_shipped_set_of_that_year() -> None:
    fy2026 = DiagnosisCodeSet.from_codes(2026, [("G35", False, "Multiple sclerosis"),
                                                ("G35.A", True, "RRMS")], source="test")
    catalog = default_catalog().with_code_sets(CodeSets([fy2026]))
    assert "dx-unknown" in rules(compute(visit(ocrevus(), diagnoses=["G35.D"]),
                                         catalog=catalog))
    assert not compute(visit(ocrevus(), diagnoses=["G35.A"]), catalog=catalog).has_errors


def test_the_default_catalog_still_checks_against_the_shipped_index() -> None:
    assert len(default_catalog().code_sets) == 0
    assert "dx-code-set-outdated" in rules(compute(on_day(visit(ocrevus()), "2026-11-02")))
    assert "dx-code-set-outdated" not in rules(compute(visit(ocrevus())))


def test_an_imported_set_knows_existence_billability_and_descriptions() -> None:
    code_set = fy2027()
    assert (code_set.valid_from.isoformat(), code_set.name) == ("2026-10-01", "ICD-10-CM FY2027")
    assert code_set.billable("G35.A") and code_set.billable("G35") is False
    assert not code_set.exists("G35.C1") and code_set.exists("G35")
    assert code_set.index.get("G35.B1").description.startswith("Active primary")
    assert [c.code for c in code_set.index.search("relapsing")] == ["G35.A"]


def test_the_new_modules_load_no_icd_package_and_no_file_on_import() -> None:
    code = ("import sys; import ocrebill_gui.core.code_sets, ocrebill_gui.core.estimate, "
            "ocrebill_gui.core.asp_file, ocrebill_gui.core.fee_schedule, "
            "ocrebill_gui.core.copay_programme; "
            "bad = [m for m in ('simple_icd_10_cm', 'PySide6', 'sqlite_utils', 'psycopg') "
            "if m in sys.modules]; print('LOADED', bad)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert "LOADED []" in run.stdout, run.stderr

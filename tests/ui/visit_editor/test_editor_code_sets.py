"""The ICD-10-CM year in force on the date of service, in the editor and on the superbill
(issue 16): before FY2027 is imported, a visit of November 2026 is searched and checked
against the shipped FY2026 set (its FY2027 code unknown, the codes to verify); after the
import, the same editor offers and accepts the new code, and the superbill describes it."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import staff
from pypdf import PdfReader

from ocrebill_gui import store as api
from ocrebill_gui.core.icd10_order_file import read_icd10_order_file
from ocrebill_gui.ui.clock import FakeClock

ORDER_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "reference_data" / (
    "icd10cm_order_2027.txt")
NEW_CODE = "G35.E"  # the fixture's FY2027 code, not in the shipped FY2026 set


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock("2026-11-10T08:45")  # FY2027


def rules(editor) -> set[str]:
    return {f.rule for f in editor.presenter.result.findings}


def searched(editor, text: str) -> list[str]:
    editor.diagnoses.search.setText(text)
    editor.diagnoses.run_search()
    model = editor.diagnoses.suggestions
    return [model.entry(row).code for row in range(model.rowCount())]


def import_fy2027(store) -> None:
    api.import_icd10cm(store, staff.session(store, "adm", ("admin",)),
                       read_icd10_order_file(ORDER_FILE, 2027))


def test_a_fy2027_code_is_refused_before_the_import_and_accepted_after(make_editor, patient,
                                                                       store, qtbot):
    from editor_helpers import enter_ocrevus

    before = make_editor(patient_id=patient.id)
    assert before.presenter.date_of_service == date(2026, 11, 10)
    enter_ocrevus(before)
    assert NEW_CODE not in searched(before, NEW_CODE)
    before.diagnoses.add_code(NEW_CODE)
    assert NEW_CODE in before.presenter.diagnoses
    assert {"dx-unknown", "dx-code-set-outdated"} <= rules(before)
    assert "not an ICD-10-CM code" in before.diagnoses.model.index(
        len(before.presenter.diagnoses) - 1, 0).data()

    import_fy2027(store)
    before._catch_up_with_payers()  # back from Settings > Reference data: the new year counts
    assert searched(before, NEW_CODE)[0] == NEW_CODE
    assert "dx-unknown" not in rules(before) and "dx-code-set-outdated" not in rules(before)
    assert "Test code new" in before.diagnoses.model.index(
        len(before.presenter.diagnoses) - 1, 0).data()

    after = make_editor(patient_id=patient.id)
    enter_ocrevus(after)
    assert searched(after, "test code new")[0] == NEW_CODE
    after.diagnoses.add_code(NEW_CODE)
    assert not {"dx-unknown", "dx-code-set-outdated"} & rules(after)


def test_the_superbill_describes_the_code_from_the_year_in_force(store):
    from ocrebill_gui.core import compute
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.reports import superbill_pdf

    raw = json.loads((ORDER_FILE.parents[1] / "visits" / "01-standard-600mg.json").read_text())
    raw["date_of_service"] = "2026-11-10"
    for event in raw["administrations"][0]["events"]:
        event["at"] = "2026-11-10" + event["at"][10:]
    raw["diagnoses"] = ["G35.A", NEW_CODE]
    document = parse_visit(raw)

    def described() -> str:
        catalog = api.store_catalog(store)
        pdf = superbill_pdf(document, compute(document, catalog=catalog), demo_practice(),
                            catalog=catalog)
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "not an ICD-10-CM code" in described()
    import_fy2027(store)
    text = described()
    assert "Test code new in this fixture" in text and "not an ICD-10-CM code" not in text

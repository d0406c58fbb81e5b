"""The live preview checks the interval since the patient's last finalized Ocrevus dose (the
store's previous_dose_date) before the visit is ever saved, not only once it is reopened."""

from __future__ import annotations

from editor_helpers import enter_ocrevus
from example_visits import load_example
from staff import signed

from ocrebill_gui import store as api


def finalized_ocrevus(store, patient_id: int, day: str) -> int:
    """A finalized 600 mg Ocrevus visit of the patient on `day`."""
    doc, _expected = load_example("01-standard-600mg")
    doc["date_of_service"] = day
    for event in doc["administrations"][0]["events"]:
        event["at"] = day + event["at"][10:]
    saved = api.create_draft(store, signed("nurse"), doc, patient_id=patient_id)
    api.finalize_visit(store, signed("biller"), saved.visit_id,
                       expected_revision=saved.revision, allow_errors=True)
    return saved.visit_id


def rules(editor) -> set[str]:
    return {f.rule for f in editor.presenter.result.findings}


def test_a_new_draft_shows_the_interval_since_the_last_dose_before_it_is_saved(
        qtbot, make_editor, store, patient):
    finalized_ocrevus(store, patient.id, "2025-11-04")  # 4 months before the clock's today
    editor = make_editor(patient_id=patient.id)
    enter_ocrevus(editor)
    admin = editor.presenter.document["administrations"][0]
    assert admin["previous_dose_date"] == "2025-11-04"
    assert "dose-interval-short" in rules(editor)
    editor.presenter.set("date_of_service", "2026-04-04")  # 5 months: no longer short
    assert editor.presenter.document["administrations"][0]["previous_dose_date"] == "2025-11-04"
    assert "dose-interval-short" not in rules(editor)


def test_without_an_earlier_dose_nothing_is_filled(qtbot, make_editor, patient):
    editor = make_editor(patient_id=patient.id)
    enter_ocrevus(editor)
    assert "previous_dose_date" not in editor.presenter.document["administrations"][0]
    assert "dose-interval-short" not in rules(editor)

"""Clicking a finding puts the cursor in the field it is about; input problems show beside
their fields while the last good preview stays, greyed."""

from __future__ import annotations

from editor_helpers import click_finding, preview_lines
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QApplication, Qt


def erase(qtbot, line_edit) -> None:
    """Select all and delete, from the keyboard (so the edit signals fire)."""
    line_edit.setFocus()
    qtbot.keyClick(line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)


def test_clicking_the_missing_stop_focuses_the_timeline(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    clock.set("09:00")
    editor.press_timeline("start")
    editor.diagnoses.search.setFocus()
    click_finding(qtbot, editor, "timeline-no-stop")
    timeline = editor.cards[0].timeline
    assert editor.focusWidget() is timeline.events_view
    assert timeline.events_view.currentIndex().row() == 0
    assert "record when the drug stopped" in editor.preview.explanation.text()


def test_clicking_a_category_code_focuses_that_diagnosis(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    editor.presenter.set_diagnoses(["G36.0", "G35"])
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    click_finding(qtbot, editor, "dx-g35-category")
    assert editor.focusWidget() is editor.diagnoses.list
    assert editor.diagnoses.list.currentIndex().row() == 1
    assert "category" in editor.diagnoses.model.index(1, 0).data()


def test_clicking_a_missing_authorization_focuses_it(qtbot, make_editor, store, clock):
    """An expired authorization cannot be the visit's (issue 13): it is listed greyed out,
    the visit has none, and the finding about it leads to the authorization box."""
    person = api.add_patient(store, signed("desk"), {"name": "Okafor, Grace"})
    coverage = api.add_coverage(store, signed("desk"), {
        "patient_id": person.id, "payer": "aetna", "member_id": "M-1",
        "effective_from": "2020-01-01"})
    api.add_authorization(store, signed("desk"), {"coverage_id": coverage.id, "number": "PA-1",
                                          "product": "ocrevus", "approved_units": 1200,
                                          "valid_from": "2025-01-01", "valid_to": "2025-12-31"})
    editor = make_editor(patient_id=person.id)
    section = editor.patient
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_administration()
    editor.cards[0].dose.setText("600")
    editor.cards[0].dose.textEdited.emit("600")
    editor.press_timeline("start")
    expired = section.authorization.findData(section._authorizations[0].id)
    assert "EXPIRED" in section.authorization.itemText(expired)
    assert not section.authorization.model().item(expired).isEnabled()
    click_finding(qtbot, editor, "pa-missing")
    assert editor.focusWidget() is section.authorization


def test_a_bad_dose_is_named_beside_the_field_and_the_preview_greys(qtbot, ocrevus_editor,
                                                                   clock):
    editor = ocrevus_editor
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    good = preview_lines(editor)
    card = editor.cards[0]
    erase(qtbot, card.dose)
    qtbot.keyClicks(card.dose, "six hundred")
    assert card.dose_message.isVisible()
    assert card.dose_message.text() == "must be a number"
    assert editor.preview.stale_note.isVisible()
    assert not editor.preview.lines_view.isEnabled()
    assert preview_lines(editor) == good  # the last good preview stays on screen
    erase(qtbot, card.dose)
    qtbot.keyClicks(card.dose, "-5")
    assert card.dose_message.text() == "must be greater than 0"
    erase(qtbot, card.dose)
    assert card.dose_message.text() == "is required"
    qtbot.keyClicks(card.dose, "600")
    assert not card.dose_message.isVisible()
    assert not editor.preview.stale_note.isVisible()
    assert editor.preview.lines_view.isEnabled()


def test_a_new_visit_says_what_is_missing_beside_each_section(qtbot, make_editor, patient):
    editor = make_editor(patient_id=patient.id)
    assert editor.admin_message.isVisible()
    assert "Add what was given" in editor.admin_message.text()
    assert "Add at least one diagnosis" in editor.diagnoses.message.text()
    assert editor.preview.summary.numbers.text() == "Nothing to bill yet"
    qtbot.keyClicks(editor.diagnoses.search, "zz9")
    qtbot.keyClick(editor.diagnoses.search, Qt.Key.Key_Return)
    assert "not an ICD-10-CM code" in editor.diagnoses.search_message.text()
    editor.diagnoses.search.clear()
    qtbot.keyClicks(editor.diagnoses.search, "g35a")
    qtbot.keyClick(editor.diagnoses.search, Qt.Key.Key_Return)
    assert editor.presenter.diagnoses == ["G35.A"]
    assert not editor.diagnoses.message.isVisible()
    editor.add_administration()
    assert "press Start (F5)" in editor.cards[0].timeline.message.text()
    assert QApplication.instance() is not None

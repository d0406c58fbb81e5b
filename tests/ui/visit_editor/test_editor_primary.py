"""The primary administration (R1, R15): one per visit, a tooltip that says what it does in
each setting, and the finding asking for it goes to the checkbox."""

from __future__ import annotations

from editor_helpers import click_finding
import pytest
from primary_visits import primaries, two_drugs
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.visit_editor.admin_card import PRIMARY_TIPS


@pytest.fixture
def two_drug_visit(store, patient):
    return api.create_draft(store, signed("nurse"), two_drugs(), patient_id=patient.id).visit_id


def test_the_cards_checkboxes_keep_one_primary(qtbot, make_editor, two_drug_visit):
    editor = make_editor(two_drug_visit)
    push, infusion = editor.cards
    qtbot.mouseClick(push.primary, Qt.MouseButton.LeftButton)
    assert push.primary.isChecked() and not infusion.primary.isChecked()
    qtbot.mouseClick(infusion.primary, Qt.MouseButton.LeftButton)
    assert infusion.primary.isChecked() and not push.primary.isChecked()
    assert primaries(editor.presenter.document) == ["ocr"]
    assert editor.save_now()
    assert primaries(editor.presenter.document) == ["ocr"]
    qtbot.mouseClick(infusion.primary, Qt.MouseButton.LeftButton)
    assert primaries(editor.presenter.document) == []


def test_the_tooltip_says_what_the_mark_does_in_the_setting(make_editor, two_drug_visit):
    editor = make_editor(two_drug_visit)
    assert editor.cards[0].primary.toolTip() == PRIMARY_TIPS["office"]
    assert "initial service" in PRIMARY_TIPS["office"]
    editor.presenter.set("setting", "hospital_outpatient")
    assert editor.cards[0].primary.toolTip() == PRIMARY_TIPS["hospital_outpatient"]
    assert "tie" in PRIMARY_TIPS["hospital_outpatient"]
    editor.presenter.set("setting", "home")
    assert editor.cards[1].primary.toolTip() == PRIMARY_TIPS["home"]


def test_a_primary_path_focuses_that_cards_checkbox(make_editor, two_drug_visit):
    editor = make_editor(two_drug_visit)
    editor.diagnoses.search.setFocus()
    editor.focus_finding("administrations[1].primary", "ocr")
    assert editor.focusWidget() is editor.cards[1].primary


def test_clicking_the_unmarked_primary_finding_focuses_the_checkbox(
        qtbot, make_editor, two_drug_visit):
    editor = make_editor(two_drug_visit)
    qtbot.wait(50)  # shown, its first focus placed: now a person clicks
    found = [f for f in editor.presenter.result.findings if f.rule == "office-primary-unmarked"]
    assert [f.severity for f in found] == ["warning"]
    index = int(found[0].field.removeprefix("administrations[").partition("]")[0])
    assert found[0].field == f"administrations[{index}].primary"
    editor.diagnoses.search.setFocus()
    click_finding(qtbot, editor, "office-primary-unmarked")
    assert editor.focusWidget() is editor.cards[index].primary
    # ... with its focus frame, as if tabbed to (a checkbox focused by a click shows none)
    qtbot.waitUntil(lambda: editor.window().testAttribute(
        Qt.WidgetAttribute.WA_KeyboardFocusChange))
    qtbot.mouseClick(editor.cards[index].primary, Qt.MouseButton.LeftButton)
    assert "office-primary-unmarked" not in {f.rule for f in editor.presenter.result.findings}

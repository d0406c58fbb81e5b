"""The diagnosis search in the editor: Enter takes the first suggestion (marked on its row)
when it is billable, never a category; G35 typed and Entered at once opens its codes."""

from __future__ import annotations

import pytest

from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.visit_editor.diagnosis_search import ENTER_MARK


@pytest.fixture
def editor(qtbot, make_editor, patient):
    editor = make_editor(patient_id=patient.id)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.diagnoses.search.setFocus()
    qtbot.waitUntil(editor.diagnoses.search.hasFocus)
    return editor


def _suggestions(editor) -> list[str]:
    model = editor.diagnoses.suggestions
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _type_and_wait(qtbot, editor, text: str):
    qtbot.keyClicks(editor.diagnoses.search, text)
    popup = editor.diagnoses.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    return popup


def test_enter_on_g35_takes_g35a_never_the_category(qtbot, editor):
    popup = _type_and_wait(qtbot, editor, "G35")
    rows = _suggestions(editor)
    assert rows[0].startswith("G35.A ") and rows[0].endswith(ENTER_MARK)
    assert sum(row.endswith(ENTER_MARK) for row in rows) == 1
    assert next(i for i, r in enumerate(rows) if r.startswith("G35 ")) > 7
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35.A"])


def test_relapsing_then_enter_is_relapsing_remitting_ms(qtbot, editor):
    popup = _type_and_wait(qtbot, editor, "relapsing")
    assert _suggestions(editor)[0].startswith("G35.A ")
    assert "A68.0" in " ".join(_suggestions(editor))  # relapsing fever is still offered
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35.A"])


def test_g35_entered_before_the_list_came_opens_its_codes_and_adds_nothing(qtbot, editor):
    search = editor.diagnoses.search
    qtbot.keyClicks(search, "G35")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # before the search's pause
    assert editor.presenter.diagnoses == []
    popup = editor.diagnoses.completer.popup()
    assert popup.isVisible()
    assert "G35 is a category, not billable" in editor.diagnoses.search_message.text()
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35.A"])


def test_a_billable_code_typed_in_full_is_added_by_enter(qtbot, editor):
    search = editor.diagnoses.search
    qtbot.keyClicks(search, "g35b1")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert editor.presenter.diagnoses == ["G35.B1"]


def test_a_category_picked_by_hand_is_taken(qtbot, editor):
    popup = _type_and_wait(qtbot, editor, "G35")
    rows = _suggestions(editor)
    popup.setCurrentIndex(editor.diagnoses.completer.completionModel().index(
        next(i for i, r in enumerate(rows) if r.startswith("G35 ")), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35"])

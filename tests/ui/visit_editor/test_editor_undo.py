"""One undo stack per visit (ui/visit_editor/undo.py): removing an administration, a vial, a
diagnosis or an event, and a timeline change, come back with Ctrl+Z and go again with
Ctrl+Shift+Z; the menu's actions name them; a finalized visit keeps no history."""

from __future__ import annotations

import copy

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QKeySequence, Qt

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _text(action) -> str:
    """The action's text as the menu shows it, without its & mnemonic."""
    return action.text().replace("&", "")


def undo_key(qtbot, widget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)


def redo_key(qtbot, widget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL | SHIFT)


@pytest.fixture
def started(ocrevus_editor, clock):
    """G35.A and G35.B1, Ocrevus 600 mg, two vials, started 09:00 and stopped 12:30."""
    editor = ocrevus_editor
    editor.presenter.set_diagnoses(["G35.A", "G35.B1"])
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    return editor


def test_a_removed_administration_comes_back_whole(qtbot, started):
    editor = started
    before = copy.deepcopy(editor.presenter.administrations)
    qtbot.mouseClick(editor.cards[0].remove, Qt.MouseButton.LeftButton)
    assert editor.presenter.administrations == [] and editor.cards == []
    assert _text(editor.undo.undo_action) == "Undo Remove Ocrevus"
    undo_key(qtbot, editor.diagnoses.list)
    assert editor.presenter.administrations == before  # dose, vials and times
    assert len(editor.cards) == 1 and editor.cards[0].dose.text() == "600"
    assert _text(editor.undo.redo_action) == "Redo Remove Ocrevus"
    redo_key(qtbot, editor.diagnoses.list)
    assert editor.presenter.administrations == []
    undo_key(qtbot, editor.add_product)
    assert editor.save_now()
    saved = api.get_visit(editor.store, signed(), editor.visit_id).document
    assert saved["administrations"] == before


def test_a_removed_vial_comes_back_in_its_place(qtbot, started):
    editor = started
    vials = editor.cards[0].vials
    first = dict(editor.presenter.administrations[0]["vials"][0])
    vials.table.selectRow(0)
    qtbot.mouseClick(vials.remove_button, Qt.MouseButton.LeftButton)
    assert len(editor.presenter.administrations[0]["vials"]) == 1
    assert _text(editor.undo.undo_action) == "Undo Remove vial H0123 (Ocrevus)"
    undo_key(qtbot, editor.cards[0].vials.table)
    assert editor.presenter.administrations[0]["vials"][0] == first
    assert len(editor.presenter.administrations[0]["vials"]) == 2


def test_a_removed_diagnosis_comes_back_in_its_place(qtbot, started):
    editor = started
    section = editor.diagnoses
    section.list.setCurrentIndex(section.model.index(0, 0))
    qtbot.mouseClick(section.remove, Qt.MouseButton.LeftButton)
    assert editor.presenter.diagnoses == ["G35.B1"]
    assert _text(editor.undo.undo_action) == "Undo Remove diagnosis G35.A"
    undo_key(qtbot, section.list)
    assert editor.presenter.diagnoses == ["G35.A", "G35.B1"]  # the primary again


def test_a_deleted_event_comes_back_and_the_timeline_undo_follows_the_stack(qtbot, started):
    editor = started
    timeline = editor.cards[0].timeline
    timeline.events_view.selectRow(1)
    qtbot.mouseClick(timeline.delete_button, Qt.MouseButton.LeftButton)
    assert [e["kind"] for e in editor.presenter.events(0)] == ["start"]
    assert _text(editor.undo.undo_action) == "Undo Delete the Stop event (Ocrevus)"
    assert timeline.undo_button.isEnabled()
    undo_key(qtbot, timeline.events_view)
    assert [e["kind"] for e in editor.presenter.events(0)] == ["start", "stop"]
    # The last change is the timeline's (Stop at 12:30): its Undo button takes it back.
    assert timeline.undo_button.isEnabled()
    qtbot.mouseClick(timeline.undo_button, Qt.MouseButton.LeftButton)
    assert [e["kind"] for e in editor.presenter.events(0)] == ["start"]
    # Something else done last: the timeline's button waits, Ctrl+Z takes that back first.
    editor.cards[0].vials.table.selectRow(0)
    editor.cards[0].vials.remove_selected()
    assert not timeline.undo_button.isEnabled()
    undo_key(qtbot, editor.diagnoses.list)
    assert timeline.undo_button.isEnabled()


def test_ctrl_z_in_a_text_field_is_the_fields_own(qtbot, started):
    editor = started
    qtbot.mouseClick(editor.cards[0].remove, Qt.MouseButton.LeftButton)
    undo_key(qtbot, editor.diagnoses.list)
    dose = editor.cards[0].dose
    index = editor.undo.stack.index()
    dose.setFocus()
    dose.selectAll()
    qtbot.keyClicks(dose, "60")
    qtbot.keyClick(dose, Qt.Key.Key_Z, CTRL)
    assert editor.undo.stack.index() == index  # the stack untouched
    assert dose.text() != "60"


def test_undo_and_redo_keys_are_the_platforms(started):
    keys = {s.key().toString() for s in started.undo.shortcuts}
    assert {"Ctrl+Z", "Ctrl+Shift+Z"} <= keys
    assert QKeySequence(QKeySequence.StandardKey.Undo).toString() in keys


def test_a_finalized_visit_keeps_no_history(qtbot, started):
    editor = started
    editor.cards[0].vials.table.selectRow(0)
    editor.cards[0].vials.remove_selected()
    editor.cards[0].vials.add_chosen()
    assert editor.undo.stack.count() > 0
    assert editor.finalize()
    assert editor.undo.stack.count() == 0 and not editor.undo.undo_action.isEnabled()
    undo_key(qtbot, editor.diagnoses.list)
    assert editor.status == "finalized"



def test_another_drug_chosen_for_a_card_gives_its_vials_back_on_undo(qtbot, started):
    editor = started
    before = copy.deepcopy(editor.presenter.administrations[0])
    card = editor.cards[0]
    card.product.setCurrentIndex(card.product.findData("ublituximab"))
    assert editor.presenter.administrations[0]["vials"] == []
    assert _text(editor.undo.undo_action) == "Undo Change Ocrevus to Ublituximab"
    undo_key(qtbot, editor.diagnoses.list)
    assert editor.presenter.administrations[0] == before
    assert editor.cards[0].product.currentData() == "ocrevus"

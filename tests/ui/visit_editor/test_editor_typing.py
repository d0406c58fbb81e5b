"""Only valid values are saved (ui/visit_editor/typed_number.py): the dose is checked at every
keystroke, counts once typing pauses and only when valid, and a prefilled dose is selected so
typing replaces it. Typed with one key event per character, as a person types."""

from __future__ import annotations

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWidget
from ocrebill_gui.ui.visit_editor.typed_number import PAUSE_MS

DOSE = "administrations[0].dose_mg"


def type_keys(widget: QWidget, text: str) -> None:
    """Each character as its own key press and release, without the event loop between them
    (a quick typist: no pause); "\b" is Backspace."""
    for char in text:
        if char == "\b":
            key, char = Qt.Key.Key_Backspace, ""
        else:
            key = getattr(Qt.Key, f"Key_{char.upper()}", Qt.Key.Key_unknown)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     char))


def _waste(result) -> int:
    return sum(line.units for line in result.lines if "JW" in line.modifiers)


@pytest.fixture
def zunovo(qtbot, make_editor, patient):
    """A new visit with Ocrevus Zunovo added the way a nurse adds it: its one label dose (920)
    prefilled, one 920 mg vial, the cursor in the dose."""
    editor = make_editor(patient_id=patient.id)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)  # as in the app: the window in front
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus-zunovo"))
    editor.add_administration()
    card = editor.cards[0]
    card.vials.picker.setCurrentIndex(card.vials.picker.count() - 1)
    card.vials.add_chosen()
    assert card.dose.hasFocus()  # Add put the cursor there
    assert editor.save_now()
    return editor


def _watch(editor) -> tuple[list, list]:
    """(dose, JW waste units) at every redraw, and the dose of every draft saved."""
    seen: list = []
    saved: list = []
    presenter = editor.presenter
    presenter.subscribe(lambda: seen.append(
        (presenter.get(DOSE), _waste(presenter.result) if presenter.result else None)))
    editor.saved.connect(lambda visit_id: saved.append(api.get_visit(
        editor.store, signed(), visit_id).document["administrations"][0].get("dose_mg")))
    return seen, saved


def test_a_prefilled_dose_is_selected_so_typing_replaces_it(qtbot, zunovo):
    card = zunovo.cards[0]
    assert card.dose.text() == "920" and card.dose.selectedText() == "920"
    type_keys(card.dose, "920")
    assert card.dose.text() == "920"  # not 920920
    card.dose.setFocus(Qt.FocusReason.OtherFocusReason)  # back again, as a finding does
    zunovo.diagnoses.search.setFocus(Qt.FocusReason.OtherFocusReason)
    card.dose.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(card.dose.hasFocus)
    assert card.dose.selectedText() == "920"


def test_typing_920_never_passes_through_9_and_92(qtbot, zunovo):
    card = zunovo.cards[0]
    seen, saved = _watch(zunovo)
    card.dose.selectAll()
    type_keys(card.dose, "\b")
    type_keys(card.dose, "92")
    assert zunovo.presenter.get(DOSE) == 920  # nothing counted while typing goes on
    type_keys(card.dose, "0")
    qtbot.wait(PAUSE_MS + 700)  # past the pause and an autosave
    type_keys(card.dose, "\b\b\b")
    type_keys(card.dose, "600")
    qtbot.waitUntil(lambda: zunovo.presenter.get(DOSE) == 600, timeout=3000)
    qtbot.waitUntil(lambda: saved == [600], timeout=3000)
    assert all(dose in (920, 600) for dose, _waste_units in seen), seen
    assert all(units in (0, 320) for _dose, units in seen), seen  # never 911 nor 828
    assert _waste(zunovo.presenter.result) == 320


def test_9x0_is_named_beside_the_field_and_never_reaches_the_draft(qtbot, zunovo, store):
    card = zunovo.cards[0]
    seen, saved = _watch(zunovo)
    card.dose.selectAll()
    type_keys(card.dose, "9x0")
    assert card.dose.text() == "9x0"
    assert card.dose_message.isVisible() and card.dose_message.text() == "must be a number"
    assert zunovo.preview.stale_note.isVisible()  # the last valid claim, greyed
    qtbot.wait(PAUSE_MS + 700)  # past the pause and an autosave
    assert zunovo.presenter.get(DOSE) == 920  # the last valid value
    assert card.dose.text() == "9x0"  # what was typed stays to be corrected
    assert zunovo.save_now() and not zunovo.finalize()  # a save keeps 920; finalize refuses
    assert api.get_visit(store, signed(), zunovo.visit_id).document[
        "administrations"][0]["dose_mg"] == 920
    assert "fix the fields" in zunovo.save_message.text()
    assert {dose for dose, _units in seen} <= {920}
    assert saved in ([], [920])
    type_keys(card.dose, "\b\b\b")
    type_keys(card.dose, "900")
    assert not card.dose_message.isVisible()
    qtbot.waitUntil(lambda: saved[-1:] == [900], timeout=3000)


def test_what_is_typed_counts_at_once_when_something_else_is_done(qtbot, zunovo, clock):
    """F5 (Given here) a moment after typing: the typed dose is the one recorded."""
    card = zunovo.cards[0]
    card.dose.selectAll()
    type_keys(card.dose, "460")
    assert zunovo.press_timeline("given")
    assert zunovo.presenter.get(DOSE) == 460
    assert zunovo.save_now()
    assert api.get_visit(zunovo.store, signed(), zunovo.visit_id).document[
        "administrations"][0]["dose_mg"] == 460

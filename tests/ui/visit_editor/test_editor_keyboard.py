"""The visit editor by keyboard: Tab goes down the form and never gets stuck (a table passes
it on), Ctrl+M adds the chosen drug and shows its card, a deleted diagnosis leaves the
keyboard in the list."""

from __future__ import annotations

from ocrebill_gui.ui.qt import QApplication, Qt


def tab_from(qtbot, start, presses: int = 80) -> list:
    """The widgets Tab visits from `start`, in order, until it comes back to it."""
    start.window().activateWindow()
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    seen = [start]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is start:
            return seen
        seen.append(widget)
    raise AssertionError(f"Tab never came back to {start.objectName()}: stuck in "
                         f"{[w.objectName() for w in seen[-5:]]}")


def test_tab_reaches_every_part_of_a_card_and_comes_round(ocrevus_editor, qtbot):
    editor = ocrevus_editor
    card = editor.cards[0]
    timeline = card.timeline
    assert timeline.press("start")  # an event: the list, Undo and Delete event are in use
    seen = tab_from(qtbot, editor.patient.search)
    order = [card.vials.picker, card.vials.add_button, card.vials.remove_button,
             timeline.buttons["pause"], timeline.time_box, timeline.events_view,
             timeline.undo_button, timeline.delete_button, editor.preview.lines_view]
    assert all(widget in seen for widget in order), [w.objectName() for w in seen]
    assert [seen.index(w) for w in order] == sorted(seen.index(w) for w in order)
    assert seen.index(card.dose) < seen.index(card.vials.picker)
    assert seen.count(timeline.events_view) == 1  # the event table does not keep Tab


def test_ctrl_m_adds_the_chosen_drug_and_shows_its_card(ocrevus_editor, qtbot):
    editor = ocrevus_editor
    editor.resize(1000, 500)  # short: the new card lies below the fold
    editor.add_product.setCurrentIndex(editor.add_product.findData("methylprednisolone"))
    editor.cards[0].dose.setFocus()
    qtbot.waitUntil(editor.cards[0].dose.hasFocus)
    qtbot.keyClick(editor.cards[0].dose, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert len(editor.cards) == 2
    card = editor.cards[1]
    assert editor.presenter.administrations[1]["product"] == "methylprednisolone"
    qtbot.waitUntil(card.dose.hasFocus)
    viewport = editor.form_scroll.viewport()

    def shown() -> bool:
        top = card.mapTo(viewport, card.rect().topLeft()).y()
        return 0 <= top < viewport.height()

    qtbot.waitUntil(shown)


def test_deleting_a_diagnosis_keeps_the_keyboard_in_the_list(ocrevus_editor, qtbot):
    editor = ocrevus_editor
    section = editor.diagnoses
    editor.presenter.set_diagnoses(["G35.A", "R53.83", "Z79.899"])
    section.list.setFocus()
    section.list.setCurrentIndex(section.model.index(1, 0))
    qtbot.waitUntil(section.list.hasFocus)
    qtbot.keyClick(section.list, Qt.Key.Key_Delete)
    assert editor.presenter.diagnoses == ["G35.A", "Z79.899"]
    assert section.list.hasFocus() and section.list.currentIndex().row() == 1
    qtbot.keyClick(section.list, Qt.Key.Key_Delete)
    qtbot.keyClick(section.list, Qt.Key.Key_Delete)
    assert editor.presenter.diagnoses == []
    assert section.search.hasFocus()  # nothing left to select: type the next one


def test_ctrl_d_puts_the_cursor_in_the_diagnosis_search_and_shows_it(ocrevus_editor, qtbot):
    editor = ocrevus_editor
    editor.resize(1000, 500)  # short: the diagnoses lie above the fold once scrolled down
    editor.show()
    for product in ("methylprednisolone", "diphenhydramine"):
        editor.add_product.setCurrentIndex(editor.add_product.findData(product))
        editor.add_administration()
    card = editor.cards[-1]
    qtbot.waitUntil(card.dose.hasFocus)
    bar = editor.form_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    search = editor.diagnoses.search
    viewport = editor.form_scroll.viewport()

    def shown() -> bool:
        top = search.mapTo(viewport, search.rect().topLeft()).y()
        return 0 <= top and top + search.height() <= viewport.height()

    assert not shown()
    qtbot.keyClick(card.dose, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(search.hasFocus)
    qtbot.waitUntil(shown)

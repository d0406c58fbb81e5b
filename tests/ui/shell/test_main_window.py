"""The main window: today's visits, find-as-you-type, navigation, shortcuts, opening visits."""

from __future__ import annotations

import gc
import weakref
from datetime import date

from shell_helpers import column_texts, type_text, visit_document
from staff import signed

from ocrebill_gui.ui.qt import QKeySequence, Qt


def test_lists_todays_visits_with_status_patient_product_setting_findings(window, clinic):
    today = window.page("today")
    assert window.current_page == "today"
    model = today.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Status", "Patient", "Product", "Setting", "Payer", "Findings"]
    assert column_texts(model, 1) == ["Rivera, Ana", "Müller, Ada"]
    assert column_texts(model, 0) == ["Draft", "Running"]  # Müller's infusion has no stop
    assert column_texts(model, 2)[0].startswith("Ocrevus 600 mg")
    assert "RUNNING since" in column_texts(model, 2)[1]
    assert column_texts(model, 3) == ["Office", "Office"]
    assert column_texts(model, 4)[0] == "Medicare Part B (traditional)"
    findings = column_texts(model, 5)
    assert findings[0] == "none"
    assert "error" in findings[1]  # the running infusion has no stop time yet
    assert "Today, March 10, 2026" in today.title.text()


def test_other_days_are_one_keypress_away(window, qtbot):
    today = window.page("today")
    today.show_day(date(2026, 3, 9))
    assert today.model.rowCount() == 0
    assert today.stack.currentWidget() is today.empty
    window.activateWindow()
    today.focus_table()  # nothing to list: the keyboard goes to New visit, not the empty text
    qtbot.waitUntil(lambda: today.new_button.hasFocus())
    qtbot.mouseClick(today.today_button, Qt.MouseButton.LeftButton)
    assert today.model.rowCount() == 2


def search_for(window, qtbot, text: str) -> None:
    """Type into the search box and wait for the search that runs when typing pauses."""
    type_text(window.search, text)
    assert window.search_pending, "one search per pause, not per keystroke"
    qtbot.waitUntil(lambda: not window.search_pending)


def test_search_as_you_type_finds_mueller_from_mul(window, qtbot):
    qtbot.keySequence(window, QKeySequence.StandardKey.Find)  # Ctrl+F
    assert window.search.hasFocus()
    search_for(window, qtbot, "mul")
    assert window.current_page == "patients"
    patients = window.page("patients")
    names = column_texts(patients.patients)
    assert names == ["Müller, Ada", "Mulligan, Tom"]  # accents folded, sorted by name
    assert patients.form.patient is not None and patients.form.patient.name == "Müller, Ada"
    search_for(window, qtbot, "l")  # "mull"
    assert column_texts(patients.patients) == ["Müller, Ada", "Mulligan, Tom"]
    search_for(window, qtbot, "e")  # "mulle"
    assert column_texts(patients.patients) == ["Müller, Ada"]
    assert "matching" in patients.count_label.text()


def test_search_with_non_ascii_text(window, qtbot):
    search_for(window, qtbot, "Mü")
    assert column_texts(window.page("patients").patients) == ["Müller, Ada", "Mulligan, Tom"]


def test_navigation_by_toolbar_and_shortcuts(window, qtbot):
    for key, shortcut in (("patients", "Ctrl+2"), ("inventory", "Ctrl+3"),
                          ("payers", "Ctrl+4"), ("today", "Ctrl+1")):
        qtbot.keySequence(window, QKeySequence(shortcut))
        assert window.current_page == key
        assert window.page_actions[key].isChecked()
    window.page_actions["inventory"].trigger()
    assert window.current_page == "inventory"


def test_enter_on_a_visit_opens_it_in_the_editor(window, qtbot, clinic):
    today = window.page("today")
    today.focus_table()
    qtbot.keyClick(today.view, Qt.Key.Key_Down)  # the second row: Müller's running infusion
    qtbot.keyClick(today.view, Qt.Key.Key_Return)
    assert len(window.editors) == 1
    editor = window.editors[0]
    assert editor.visit_id == clinic["running"]
    assert window.open_visit(clinic["running"]) is editor  # opened once, raised again


def test_ctrl_n_starts_a_new_visit(window, qtbot):
    qtbot.keySequence(window, QKeySequence.StandardKey.New)
    assert len(window.editors) == 1
    assert window.editors[0].visit_id is None


def test_new_visit_for_a_patient_from_the_patient_page(window, qtbot, clinic):
    patients = window.show_page("patients")
    patients.select_patient(clinic["rivera"])
    qtbot.mouseClick(patients.new_visit_button, Qt.MouseButton.LeftButton)
    assert window.editors[-1].patient.patient_id == clinic["rivera"]


def test_a_saved_visit_refreshes_the_day_list(window, qtbot, store, clinic):
    from ocrebill_gui import store as api

    api.create_draft(store, signed("nurse"), visit_document(), patient_id=clinic["mulligan"])
    window._visit_changed(0)  # what an editor's saved signal does
    assert column_texts(window.page("today").model, 1)[-1] == "Mulligan, Tom"


def test_open_visits_share_one_window_one_tab_each(window, qtbot, clinic):
    first = window.open_visit(clinic["done"])
    second = window.open_visit(clinic["running"])
    visits = window.visit_window
    assert visits.isVisible() and visits.tabs.count() == 2
    assert visits.tabs.currentWidget().editor is second
    assert "Müller, Ada" in visits.tabs.tabText(1)
    # Only the tab in front keeps a live editor: the other saved its draft and let it go.
    assert window.editors == [second]
    assert visits.visit_tabs()[0].editor is None and visits.tabs.tabText(0)
    again = window.open_visit(clinic["done"])
    assert visits.tabs.count() == 2 and again is not first
    assert again.visit_id == clinic["done"] and window.editors == [again]
    visits.activateWindow()
    qtbot.waitUntil(visits.isActiveWindow)
    qtbot.keySequence(visits, QKeySequence.StandardKey.Close)  # Ctrl+W closes the tab
    assert visits.tabs.count() == 1
    assert window.editors[0].visit_id == clinic["running"]
    window.editors[0].close()
    assert window.editors == [] and not visits.isVisible()


def test_an_editor_let_go_leaves_no_garbage_for_later(window, qtbot, clinic):
    """An editor's Python side is cyclic (signals connected to its own methods); left to
    Python's occasional full collection, twenty visits opened one after another kept ~8 MB.
    The window collects right after letting one go (automatic collection off here, so only
    that can free it)."""
    gc.collect()
    gc.disable()
    try:
        first = window.open_visit(clinic["done"])
        gone = weakref.ref(first.presenter)
        del first
        second = window.open_visit(clinic["running"])  # the first tab lets its editor go
        qtbot.waitUntil(lambda: gone() is None, timeout=2000)
        also_gone = weakref.ref(second.presenter)
        del second
        window.editors[0].close()  # and a tab closed lets its editor go too
        qtbot.waitUntil(lambda: also_gone() is None, timeout=2000)
    finally:
        gc.enable()


def test_a_tab_that_cannot_save_keeps_its_editor(window, clinic, discard_questions):
    blank = window.new_visit()  # no patient yet: its draft cannot be saved
    window.open_visit(clinic["done"])
    visits = window.visit_window
    assert blank in window.editors, "what was typed in the new visit stays"
    blank.close()
    assert discard_questions, "closing it asks before anything is lost"
    assert visits.tabs.count() == 1


def test_the_editor_split_is_remembered(window, qtbot, clinic):
    editor = window.open_visit(clinic["done"])
    qtbot.waitUntil(lambda: sum(editor.splitter.sizes()) > 0)
    total = sum(editor.splitter.sizes())
    editor.splitter.moveSplitter(total // 3, 1)
    editor.splitter.splitterMoved.emit(total // 3, 1)
    moved = editor.splitter.sizes()
    editor.close()
    again = window.open_visit(clinic["running"])
    qtbot.waitUntil(lambda: again.splitter.sizes() == moved)


def test_a_saved_visit_reloads_hidden_pages_only_when_they_come_back(window, clinic):
    today = window.page("today")
    reloads = []
    today.refresh = lambda: reloads.append("today")
    window.open_visit(clinic["done"])
    assert window.current_page == "visits"
    window._visit_changed(clinic["done"])  # what every autosave of the editor does
    window._visit_changed(clinic["done"])
    assert reloads == []
    window.show_page("today")
    assert reloads == ["today"]

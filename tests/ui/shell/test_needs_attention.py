"""Needs attention (issue 13, items 6-7) in the real window: the alerts on Today and on their
own screen (Ctrl+8, View > Needs attention), the patients due for a dose without a planned
visit, and Enter on an alert opening the patient or the lot to act on."""

from __future__ import annotations

import copy

import pytest
from shell_helpers import column_texts, visit_document
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QApplication, QKeySequence, Qt

DESK = signed("desk")


def given(store, patient_id: int, day: str, dose: int) -> None:
    """A finalized Ocrevus visit of `dose` mg on `day` (one 300 mg vial per 300 mg)."""
    doc = copy.deepcopy(visit_document(day, payer="unitedhealthcare"))
    admin = doc["administrations"][0]
    admin["dose_mg"] = dose
    admin["vials"] = admin["vials"][:dose // 300]
    saved = api.create_draft(store, DESK, doc, patient_id=patient_id)
    api.finalize_visit(store, DESK, saved.visit_id, expected_revision=saved.revision,
                       allow_errors=True)


@pytest.fixture
def due(store, clinic):
    """Mulligan had the two 300 mg starting doses in September 2025 (the first 600 mg is due
    1 March 2026, before the clock's 10 March) with 100 units left on an authorization that
    ends 31 March; a lot of Zunovo expires in 20 days."""
    coverage = api.add_coverage(store, DESK, {"patient_id": clinic["mulligan"],
                                              "payer": "unitedhealthcare", "member_id": "U-77",
                                              "effective_from": "2025-01-01"})
    api.add_authorization(store, DESK, {"coverage_id": coverage.id, "number": "PA-SHORT",
                                        "product": "ocrevus", "approved_units": 700,
                                        "valid_from": "2025-08-01", "valid_to": "2026-03-31"})
    given(store, clinic["mulligan"], "2025-09-01", 300)
    given(store, clinic["mulligan"], "2025-09-15", 300)
    lot = api.add_vial_lot(store, signed("nurse", ("nurse",)), {
        "product": "ocrevus-zunovo", "ndc": "50242-0554-01", "lot": "Z20", "received":
        "2026-01-05", "expires": "2026-03-30", "received_vials": 2})
    return {"lot": lot.id, "coverage": coverage.id}


def loaded_panel(window, qtbot):
    panel = window.page("today").attention
    qtbot.waitUntil(lambda: panel.loaded)
    return panel


def test_today_lists_the_alerts_and_enter_opens_the_patient(window, qtbot, clinic, due):
    panel = loaded_panel(window, qtbot)
    assert panel.count.text() == "1 to act on now, 2 to plan for"
    texts = column_texts(panel.model, 4)
    assert any("PA-SHORT has 100 units left" in t for t in texts)
    assert column_texts(panel.model, 0)[0] == "Error"  # errors first
    assert "Mulligan, Tom" in column_texts(panel.model, 2)[0]
    view = panel.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.current_page == "patients"
    patients = window.page("patients")
    assert patients.current_patient.id == clinic["mulligan"]
    assert QApplication.focusWidget() is patients.list_view  # the keyboard went along


def test_the_attention_screen_by_its_shortcut_opens_the_lot(window, qtbot, due):
    action = window.page_actions["attention"]
    assert action.shortcut().toString() == "Ctrl+8"
    assert action in window.menus.view.actions()  # View > Needs attention
    assert action not in window.toolbar.actions()  # no room: the search box would go
    window.activateWindow()
    qtbot.keySequence(window, QKeySequence("Ctrl+8"))
    page = window.page("attention")
    assert window.current_page == "attention"
    assert QApplication.focusWidget() is page.alerts_view
    kinds = column_texts(page.alerts_model, 1)
    assert kinds == ["Authorization short", "Lot expiring", "Authorization ending"]
    row = kinds.index("Lot expiring")
    page.alerts_view.selectRow(row)
    qtbot.keyClick(page.alerts_view, Qt.Key.Key_Return)
    assert window.current_page == "inventory"
    inventory = window.page("inventory")
    chosen = inventory.selected_lot()
    assert chosen is not None and chosen.id == due["lot"]


def test_patients_due_without_a_planned_visit_and_planning_one(window, qtbot, clinic, due):
    window.go_to_page("attention")
    page = window.page("attention")
    assert column_texts(page.due_model, 0) == ["Mulligan, Tom (P-00003)"]
    assert column_texts(page.due_model, 4) == ["9 days late"]
    assert column_texts(page.due_model, 2) == ["600 mg"]
    page.within.setValue(0)
    page.within.editingFinished.emit()
    assert column_texts(page.due_model, 0) == ["Mulligan, Tom (P-00003)"]  # late is due
    page.due_view.setFocus()
    page.due_view.selectRow(0)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    editor = window.front_editor()
    assert editor is not None and editor.patient.patient_id == clinic["mulligan"]
    assert editor.save_now()
    window.show_page("attention")  # stale after the save: read again when shown
    assert column_texts(page.due_model, 0) == []  # a visit is planned now
    assert "0 patients due" in page.summary.text()


def test_an_administrator_sees_the_inventorys_alerts_only(qtbot, store, due, layout, clock):
    import staff

    from ocrebill_gui.ui.main_window import MainWindow

    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.attach_store(store, staff.session(store, "pat", ["admin"]))
    assert window.page_actions["attention"].isEnabled()
    page = window.show_page("attention")
    assert column_texts(page.alerts_model, 1) == ["Lot expiring"]
    assert page.due_box.isHidden()


def test_the_screen_and_todays_panel_work_by_alt_letters(window, qtbot, due):
    from mnemonics import keyboard_problems

    loaded_panel(window, qtbot)
    mine = ("Refresh", "Due", "Plan a visit", "alerts", "Needs attention")
    for key in ("today", "attention"):
        window.show_page(key)
        problems = [p for p in keyboard_problems(window) if any(m in p for m in mine)]
        assert not problems, "\n".join(problems)
    from mnemonics import menu_problems

    assert not menu_problems(window.menus.view)


def test_todays_panel_reads_only_while_it_shows(window, qtbot, due):
    panel = loaded_panel(window, qtbot)
    window.go_to_page("attention")  # Today hidden: a reading asked for waits
    panel._read_at = None
    panel.load()
    assert not panel.loaded
    window.go_to_page("today")
    qtbot.waitUntil(lambda: panel.loaded)
    assert panel.count.text() == "1 to act on now, 2 to plan for"

"""The screens mirror what the signed-in person's roles allow (store/accounts.py PERMISSIONS):
what they may not do is disabled, with a tooltip naming the role it needs, and its keyboard
shortcut does nothing either."""

from __future__ import annotations

import pytest
import staff
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QLineEdit, Qt


@pytest.fixture
def signed_in(qtbot, store, clinic, layout, clock):
    """`signed_in(login, roles)`: the main window signed in as that person."""
    from ocrebill_gui.ui.main_window import MainWindow

    windows = []

    def make(login: str, roles: list[str]) -> MainWindow:
        main = MainWindow(layout, clock=clock)
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        main.attach_store(store, staff.session(store, login, roles))
        windows.append(main)
        return main

    yield make
    for main in windows:
        for editor in list(main.editors):
            editor.close()


def test_a_nurse_cannot_finalize(signed_in, store, clinic, qtbot):
    window = signed_in("kim", ["nurse"])
    editor = window.open_visit(clinic["done"])
    assert not editor.presenter.read_only  # a nurse records the visit
    assert not editor.finalize_button.isEnabled()
    assert editor.finalize_button.toolTip() == ("Needs the biller role (finalizing, amending or "
                                                "reopening a visit)")
    window.activateWindow()
    editor.cards[0].dose.setFocus()
    qtbot.waitUntil(editor.cards[0].dose.hasFocus)
    qtbot.keyClick(editor.cards[0].dose, Qt.Key.Key_F,  # Ctrl+Shift+F: refused too
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert api.get_visit(store, signed(), clinic["done"]).status == "draft"
    assert editor.save_message.text().startswith("Needs the biller role")
    assert editor.print_button.isEnabled()  # a nurse prints


def test_a_biller_finalizes_but_does_not_edit_the_visit(signed_in, clinic):
    window = signed_in("joe", ["biller"])
    editor = window.open_visit(clinic["done"])
    assert editor.finalize_button.isEnabled()
    assert editor.presenter.read_only and editor.cards[0].dose.isReadOnly()
    assert editor.finalize()
    assert editor.status == "finalized"
    editor.presenter.make_editable()  # what Amend does after reopening: still not theirs
    assert editor.presenter.read_only


def test_the_front_desk_cannot_edit_the_visit(signed_in, clinic):
    window = signed_in("amy", ["front_desk"])
    editor = window.open_visit(clinic["running"])
    assert editor.presenter.read_only
    card = editor.cards[0]
    assert card.dose.isReadOnly()
    assert not any(button.isEnabled() for button in card.timeline.buttons.values())
    assert not editor.press_timeline("stop")  # F8: nothing stamped
    assert not editor.add_button.isEnabled()
    assert not editor.finalize_button.isEnabled() and not editor.print_button.isEnabled()
    assert not window.new_visit_action.isEnabled()
    assert window.new_visit_action.toolTip() == "Needs the nurse role (recording a visit)"
    assert window.new_visit() is None


def test_an_administrator_sees_no_patient_screens(signed_in, clinic):
    window = signed_in("pat", ["admin"])
    for key in ("today", "patients", "visits"):
        action = window.page_actions[key]
        assert not action.isEnabled(), key
        assert action.toolTip().startswith("Needs the biller or front desk or nurse role")
    assert window.current_page == "inventory"
    assert "no patient data for this account" in window.statusBar().currentMessage()
    assert not window.search.isEnabled()
    assert window.show_page("patients") is window.page("inventory")
    assert window.open_visit(clinic["done"]) is None
    assert "patients" not in window.pages and "today" not in window.pages


def test_the_patient_form_is_read_only_without_the_front_desk_role(signed_in, clinic):
    page = signed_in("kim", ["nurse"]).show_page("patients")
    page.select_patient(clinic["rivera"])
    form = page.form
    assert form.patient.name == "Rivera, Ana"
    assert all(field.isReadOnly() for field in form.grid.fields.values()
               if isinstance(field, QLineEdit))
    assert not form.sex.isEnabled()
    assert not form.save_button.isEnabled() and not page.new_button.isEnabled()
    assert not page.add_coverage_button.isEnabled() and not page.add_auth_button.isEnabled()
    assert form.read_only_note.text().startswith("Read-only. Needs the front desk role")
    assert page.new_visit_button.isEnabled()  # but a nurse starts the visit


def test_the_front_desk_edits_patients(signed_in, clinic, qtbot):
    page = signed_in("amy", ["front_desk"]).show_page("patients")
    page.select_patient(clinic["rivera"])
    form = page.form
    form.phone.setFocus()
    qtbot.keyClicks(form.phone, "555-0101")
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.patient.phone.endswith("555-0101")
    assert not page.new_visit_button.isEnabled()


def test_receiving_lots_and_editing_payers_follow_the_roles(signed_in):
    nurse = signed_in("kim", ["nurse"])
    assert nurse.show_page("inventory").receive_button.isEnabled()
    payers = nurse.show_page("payers")
    assert not payers.copy_button.isEnabled()
    assert payers.copy_button.toolTip() == "Needs the biller role (changing payer profiles)"
    biller = signed_in("joe", ["biller"])
    inventory = biller.show_page("inventory")
    assert not inventory.receive_button.isEnabled()
    assert inventory.receive_button.toolTip() == "Needs the nurse role (receiving vial lots)"
    assert biller.show_page("payers").copy_button.isEnabled()


def test_the_audit_log_is_for_administrators_and_billers(signed_in):
    nurse = signed_in("kim", ["nurse"])
    assert not nurse.page_actions["audit"].isEnabled()
    assert nurse.page_actions["audit"].toolTip() == ("Needs the administrator or biller role "
                                                     "(reading the audit log)")
    assert nurse.show_page("audit") is nurse.page("today")
    admin = signed_in("pat", ["admin"])
    assert admin.page_actions["audit"].isEnabled()
    assert admin.show_page("audit") is admin.page("audit")

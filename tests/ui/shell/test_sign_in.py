"""The sign-in before any patient data: wrong password, lock after failures, the first
administrator of a new database, a temporary password changed first, the demo accounts listed
on a demo database only. Real SQLite files, real widgets, typed as a person types."""

from __future__ import annotations

from datetime import date

import pytest
import staff

from ocrebill_gui import store as api
from ocrebill_gui.store import accounts
from ocrebill_gui.ui.qt import QLabel, QLineEdit, Qt, QWidget
from ocrebill_gui.ui.sign_in import FirstAdminForm, NewPasswordForm, SignInForm


@pytest.fixture
def signed_out(qtbot, layout, clock):
    """A main window with `attach(store)`: the database open, nobody signed in yet."""
    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)

    def attach(store: api.Store) -> MainWindow:
        main.attach_store(store)
        main.activateWindow()
        return main

    yield attach
    for editor in list(main.editors):
        editor.close()


def visible_text(window: QWidget) -> str:
    parts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and isinstance(widget, QLabel | QLineEdit):
            parts.append(widget.text())
    return "\n".join(parts)


def type_into(qtbot, field: QLineEdit, text: str, *, enter: bool = False) -> None:
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_nothing_of_the_clinic_shows_before_sign_in(signed_out, store, clinic, qtbot):
    staff.account(store, "kim", ["nurse"], name="Kim Nurse")
    window = signed_out(store)
    form = window.sign_in_panel.form
    assert isinstance(form, SignInForm)
    qtbot.waitUntil(form.login.hasFocus)  # the cursor starts in the login field
    assert window.locked and not window.toolbar.isVisible()
    assert window.user_label.text() == "Not signed in"
    shown = visible_text(window)
    assert "Rivera" not in shown and "Müller" not in shown
    assert window.open_visit(clinic["done"]) is None  # nothing opens behind the sign-in
    assert form.demo_hint is None  # not a demo database: no accounts listed


def test_enter_moves_on_then_signs_in(signed_out, store, clinic, qtbot):
    staff.account(store, "kim", ["nurse"], name="Kim Nurse")
    window = signed_out(store)
    form = window.sign_in_panel.form
    type_into(qtbot, form.login, "kim", enter=True)
    assert form.password.hasFocus() and window.locked  # Enter with no password: on to it
    type_into(qtbot, form.password, staff.PASSWORD, enter=True)
    assert not window.locked and window.session.login == "kim"
    assert window.user_label.text() == "Signed in as Kim Nurse (nurse)"
    assert window.current_page == "today" and window.toolbar.isVisible()
    assert "Rivera, Ana" in [window.page("today").model.record(r).patient_name
                             for r in range(window.page("today").model.rowCount())]


def test_a_wrong_password_is_said_under_the_fields_and_cleared(signed_out, store, qtbot):
    staff.account(store, "kim", ["nurse"])
    window = signed_out(store)
    form = window.sign_in_panel.form
    type_into(qtbot, form.login, "kim")
    type_into(qtbot, form.password, "not-the-password", enter=True)
    assert window.locked and window.session is None
    assert form.message.isVisible()
    assert form.message.text() == "Wrong login name or password."
    assert form.password.text() == "" and form.password.hasFocus()
    type_into(qtbot, form.login, "nobody")  # an unknown name: the very same answer
    type_into(qtbot, form.password, staff.PASSWORD, enter=True)
    assert form.message.text() == "Wrong login name or password."


def test_repeated_failures_lock_the_account_with_a_wait(signed_out, store, qtbot):
    staff.account(store, "kim", ["nurse"])
    window = signed_out(store)
    form = window.sign_in_panel.form
    for _ in range(accounts.FREE_FAILURES + 1):
        type_into(qtbot, form.login, "kim")
        type_into(qtbot, form.password, "guess-again", enter=True)
    type_into(qtbot, form.login, "kim")
    type_into(qtbot, form.password, staff.PASSWORD, enter=True)  # right, but too soon
    assert window.session is None
    assert form.message.text().startswith("Too many failed attempts for kim: try again in ")
    assert "ask an administrator to reset the password" in form.message.text()


def test_a_new_database_creates_its_administrator_first(signed_out, store, qtbot):
    window = signed_out(store)  # no accounts at all
    form = window.sign_in_panel.form
    assert isinstance(form, FirstAdminForm)
    assert window.sign_in_panel.title.text() == "Welcome to OcreBill"
    qtbot.waitUntil(form.login.hasFocus)
    assert not form.button.isEnabled()
    type_into(qtbot, form.login, "patricia.lee")
    type_into(qtbot, form.display_name, "Patricia Lee")
    type_into(qtbot, form.password, "short")
    messages = form.grid.messages
    assert messages["password"].isVisible()
    assert messages["password"].text() == "must have at least 8 characters"
    type_into(qtbot, form.password, "Patricia.Lee")
    assert messages["password"].text() == "must not be the login name"
    type_into(qtbot, form.password, "correct horse")
    assert not messages["password"].isVisible()
    type_into(qtbot, form.repeat, "correct hors")
    assert messages["repeat"].text() == "does not match the password above"
    assert not form.button.isEnabled()
    type_into(qtbot, form.repeat, "correct horse", enter=True)
    assert not window.locked
    assert window.session.login == "patricia.lee" and window.session.roles == {"admin"}
    assert accounts.sign_in(store, "patricia.lee", "correct horse").display_name == "Patricia Lee"


def test_a_login_the_store_refuses_is_said_at_the_login(signed_out, store, qtbot):
    window = signed_out(store)
    form = window.sign_in_panel.form
    type_into(qtbot, form.login, "pat lee")
    assert form.grid.messages["login"].text() == "use up to 40 letters, digits, '.', '-' or '_'"
    assert not form.button.isEnabled()


def test_a_temporary_password_is_changed_before_anything_else(signed_out, store, qtbot):
    staff.account(store, "kim", ["nurse"], name="Kim Nurse", must_change=True)
    window = signed_out(store)
    panel = window.sign_in_panel
    type_into(qtbot, panel.form.login, "kim")
    type_into(qtbot, panel.form.password, staff.PASSWORD, enter=True)
    form = panel.form
    assert isinstance(form, NewPasswordForm) and form.current is None  # just typed it
    assert window.locked and window.session is None
    assert panel.title.text() == "Choose a new password"
    type_into(qtbot, form.new, staff.PASSWORD + "-x")  # 6 characters
    assert form.grid.messages["new_password"].text() == "must have at least 8 characters"
    type_into(qtbot, form.new, "kims own pass")
    type_into(qtbot, form.repeat, "kims own pass", enter=True)
    assert not window.locked and window.session.login == "kim"
    assert not window.session.must_change_password
    assert not accounts.sign_in(store, "kim", "kims own pass").must_change_password
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(store, "kim", staff.PASSWORD)


def test_the_demo_accounts_are_listed_on_a_demo_database_only(signed_out, tmp_path, qtbot):
    path = tmp_path / "demo.sqlite"
    api.create_demo_database(path, patients=3, visits=6, today=date(2026, 3, 10))
    demo = api.open_store(path)
    try:
        window = signed_out(demo)
        form = window.sign_in_panel.form
        assert form.demo_hint is not None and form.demo_hint.isVisible()
        for login in ("admin", "frontdesk", "nurse", "biller"):
            assert f'href="{login}"' in form.demo_hint.text()
        form.demo_hint.linkActivated.emit("biller")  # what a click on "biller" sends
        assert (form.login.text(), form.password.text()) == ("biller", "demo")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        assert window.session.login == "biller" and window.session.roles == {"biller"}
        assert window.user_label.text() == "Signed in as Joe Biller (biller)"
    finally:
        window.close()
        demo.close()


def test_file_change_password_checks_the_current_one(store, qtbot):
    from ocrebill_gui.ui.sign_in import ChangePasswordDialog

    session = staff.session(store, "kim", ["nurse"])
    dialog = ChangePasswordDialog(store, session)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    type_into(qtbot, form.current, "not-my-password")
    type_into(qtbot, form.new, "kims own pass")
    type_into(qtbot, form.repeat, "kims own pass", enter=True)
    assert dialog.session is None and dialog.isVisible()
    assert form.grid.messages["current_password"].text() == "is not your current password"
    type_into(qtbot, form.current, staff.PASSWORD)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert dialog.session is not None and not dialog.isVisible()
    assert accounts.sign_in(store, "kim", "kims own pass").login == "kim"

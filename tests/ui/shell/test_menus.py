"""The desktop frame: the menu bar with every command and its key, Help > Keyboard shortcuts
read from the menus, Help > About, role gating of the entries, and print preview."""

from __future__ import annotations

from datetime import date

import staff

from ocrebill_gui import store as api
from ocrebill_gui.ui.editor_commands import COMMANDS
from ocrebill_gui.ui.qt import QApplication, QKeySequence, Qt


def titles(window) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions() if a.isVisible()]


def entries(window) -> dict[str, str]:
    """Menu entry text (no &) -> its key, as the menus show them."""
    return {a.text().replace("&", ""): a.shortcut().toString()
            for a in window.menus.menu_entries()}


def test_the_menu_bar_carries_every_command_with_its_key(window):
    assert titles(window) == ["File", "Edit", "View", "Visit", "Settings", "Help"]
    shown = entries(window)
    for command in COMMANDS:  # every editor command, with the key the editor uses
        assert shown[command.text.replace("&", "")] == (command.keys or "")
    expected = {"New visit": "Ctrl+N", "Today": "Ctrl+1", "Audit log": "Ctrl+6",
                "Previous day": "Alt+Left", "Next day": "Alt+Right", "Close visit": "Ctrl+W",
                "Next visit tab": "Ctrl+Tab", "Lock now": "Ctrl+L", "Switch user...": "",
                "Find patient": "Ctrl+F", "Keyboard shortcuts": "F1", "About OcreBill": ""}
    for text, keys in expected.items():
        assert shown[text] == keys, text


def test_the_shortcut_list_is_read_from_the_menus(window):
    from ocrebill_gui.ui.help_dialogs import ShortcutsDialog, shortcut_rows

    rows = shortcut_rows(window)
    keys = {row[2] for row in rows}
    assert {"F5", "F6", "F7", "F8", "Ctrl+M", "Ctrl+S", "Ctrl+Shift+F", "Ctrl+1",
            "Alt+Left", "Ctrl+L", "F1", "Ctrl+W, Ctrl+F4"} <= keys
    assert len([r for r in rows if r[1] == "New visit"]) == 1  # in File and Visit, listed once
    window.menus.next_day.setShortcut(QKeySequence("Ctrl+Alt+N"))  # one source of truth
    assert ("View", "Next day", "Ctrl+Alt+N") in shortcut_rows(window)
    dialog = ShortcutsDialog(window)
    dialog.filter.setText("finalize")
    assert dialog.proxy.rowCount() == 1
    assert dialog.proxy.index(0, 2).data() == "Ctrl+Shift+F"
    dialog.deleteLater()


def test_about_names_the_version_the_code_set_the_sources_and_the_licences():
    from ocrebill_gui import __version__
    from ocrebill_gui.ui.help_dialogs import about_html, library_licences

    text = about_html()
    assert f"OcreBill {__version__}" in text and "ICD-10-CM FY2026" in text
    assert "billing-rules.md section 1" in text  # products.json's own source note
    assert "DejaVu" in text
    licences = {name.lower().replace("_", "-"): licence
                for name, _version, licence in library_licences()}
    assert "LGPL" in licences["pyside6-essentials"] and licences["pydantic"] == "MIT"


def test_entries_follow_the_roles_and_the_visit_in_front(window, qtbot, store, clinic):
    menus = window.menus

    def enabled(name: str) -> bool:
        menus.refresh()
        return menus.proxies[name][0].isEnabled()

    assert not enabled("finalize") and not enabled("start")  # no visit in front
    window.open_visit(clinic["running"])
    assert enabled("finalize") and enabled("stop") and enabled("print")
    assert not menus.proxies["amend"][0].isVisible()  # only for a finalized visit
    window.lock()
    assert titles(window) == ["File", "Help"]  # nothing of the screens over the sign-in
    window._signed_in(staff.session(store, "kim", ["nurse"]))
    window.open_visit(clinic["running"])
    assert not enabled("finalize") and enabled("stop")  # a nurse records, a biller finalizes
    assert not window.page_actions["audit"].isEnabled()


def test_a_menu_entry_acts_on_the_visit_in_front(window, qtbot, clinic, store):
    editor = window.open_visit(clinic["running"])
    action = window.menus.proxies["stop"][0]
    window.menus.refresh()
    action.trigger()
    assert editor.presenter.events(0)[-1]["kind"] == "stop"


def test_ctrl_1_puts_the_keyboard_in_the_list_and_alt_arrows_change_the_day(window, qtbot):
    window.activateWindow()
    window.focus_search()
    qtbot.waitUntil(window.search.hasFocus)
    qtbot.keySequence(window, QKeySequence("Ctrl+1"))
    today = window.page("today")
    qtbot.waitUntil(today.view.hasFocus)  # Enter now opens the selected visit
    qtbot.keySequence(window, QKeySequence("Alt+Left"))
    assert today.model.day == date(2026, 3, 9)
    qtbot.keySequence(window, QKeySequence("Alt+Right"))
    assert today.model.day == date(2026, 3, 10)
    qtbot.keySequence(window, QKeySequence("Ctrl+2"))  # the patient list, not the form
    qtbot.waitUntil(window.page("patients").list_view.hasFocus)
    qtbot.keySequence(window, QKeySequence("Alt+Left"))  # only on Today
    assert today.model.day == date(2026, 3, 10)


def test_print_preview_paints_the_pdf_pages_and_records_a_print(window, qtbot, clinic, store,
                                                                 monkeypatch, tmp_path):
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.ui.qt import print_support
    from ocrebill_gui.ui.visit_editor import print_preview

    api.save_practice(store, staff.signed("admin"), demo_practice())
    editor = window.open_visit(clinic["done"])
    painted: list[int] = []

    def ask(parent, printer, paint, title):
        assert title == "Print preview: superbill"
        target = print_support().QPrinter()
        target.setOutputFormat(print_support().QPrinter.OutputFormat.PdfFormat)
        target.setOutputFileName(str(tmp_path / "preview.pdf"))
        target.setResolution(72)
        paint(target)
        painted.append((tmp_path / "preview.pdf").stat().st_size)
        return True  # the user pressed Print in the preview

    monkeypatch.setattr(print_preview.PreviewDialog, "ask", staticmethod(ask))
    window.menus.refresh()
    window.menus.proxies["preview_superbill"][0].trigger()
    assert not editor.save_message.text()
    assert painted and painted[0] > 1000
    reads = [e for e in api.audit_entries(store, staff.signed(), "visit", clinic["done"])
             if e.action == "print"]
    assert reads


def test_finalized_fields_look_read_only(window, clinic, store):
    from ocrebill_gui.ui.qt import QLineEdit, QPalette

    editor = window.open_visit(clinic["done"])
    assert editor.finalize()
    dose = editor.cards[0].dose
    assert dose.isReadOnly()
    palette = QApplication.palette()
    assert dose.palette().color(QPalette.ColorRole.Base) == palette.color(
        QPalette.ColorRole.Window)
    editable = QLineEdit()
    assert editable.palette().color(QPalette.ColorRole.Base) != palette.color(
        QPalette.ColorRole.Window)
    assert Qt.FocusPolicy.NoFocus != dose.focusPolicy()  # still reachable, to read and copy


def test_file_providers_opens_the_list_once_signed_in(window, monkeypatch):
    """Issue 13: File > Providers... is there for anyone signed in (changes need the front
    desk or the administrator, in the list itself)."""
    from ocrebill_gui.ui.providers import dialogs

    shown = []
    monkeypatch.setattr(dialogs.ProvidersDialog, "exec", lambda self: shown.append(self) or 0)
    menus = window.menus
    menus.refresh()
    assert menus.providers.isEnabled()
    menus.providers.trigger()
    assert len(shown) == 1 and shown[0].windowTitle() == "Providers"

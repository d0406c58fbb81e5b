"""Edit > Undo and Redo (ui/menus.py) act on the visit in front's undo stack
(ui/visit_editor/undo.py) and name the step they take back."""

from __future__ import annotations


def test_the_edit_menu_names_and_takes_back_the_last_step(qtbot, window, clinic):
    """Edit > Undo of the main window acts on the visit in front and says what it undoes."""
    editor = window.open_visit(clinic["done"])
    menus = window.menus
    menus.refresh()
    assert not menus.undo.isEnabled() and menus.undo.text() == "&Undo"
    editor.cards[0].vials.table.selectRow(0)
    editor.cards[0].vials.remove_selected()
    menus.refresh()  # as the menu opens
    assert menus.undo.isEnabled()
    assert menus.undo.text() == "&Undo Remove vial H0123 (Ocrevus)"
    assert menus.undo.shortcut().toString() == "Ctrl+Z"
    menus.undo.trigger()
    assert len(editor.presenter.administrations[0]["vials"]) == 2
    menus.refresh()
    assert menus.redo.text() == "&Redo Remove vial H0123 (Ocrevus)"
    menus.redo.trigger()
    assert len(editor.presenter.administrations[0]["vials"]) == 1

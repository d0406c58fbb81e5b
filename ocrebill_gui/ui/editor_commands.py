"""The visit editor's keyboard commands, in one table: the editor makes its shortcuts from it,
and the main window's menus (ui/menus.py) show the same entries with the same keys, so a key
is written once and Help > Keyboard shortcuts lists what the menus hold.

Each command calls a method of the editor; `needs` names the permission it takes
(ui/permissions.py), `button` the editor's button whose state (enabled, shown) the menu entry
follows, `menu` the main window menu it goes in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _preview(editor: Any, kind: str) -> bool:
    from ocrebill_gui.ui.visit_editor.print_preview import preview

    return preview(editor, kind)


@dataclass(frozen=True)
class EditorCommand:
    name: str
    text: str  # with its & mnemonic, as the menu shows it
    keys: str | None
    call: Callable[[Any], object]  # called with the editor
    menu: str = "visit"  # "file", "edit" or "visit"
    needs: str | None = None
    button: str | None = None  # the editor's attribute whose state the menu entry mirrors


COMMANDS: tuple[EditorCommand, ...] = (
    EditorCommand("save", "Save &draft", "Ctrl+S", lambda e: e.save_now(), menu="file",
                  needs="visits.draft"),
    EditorCommand("preview_superbill", "Print pre&view (superbill)...", None,
                  lambda e: _preview(e, "superbill"), menu="file", needs="visits.print",
                  button="print_button"),
    EditorCommand("preview_checklist", "Print previe&w (checklist)...", None,
                  lambda e: _preview(e, "checklist"), menu="file", needs="visits.print",
                  button="print_button"),
    EditorCommand("print", "P&rint superbill...", "Ctrl+Shift+P",
                  lambda e: e.print_report("superbill"), menu="file", needs="visits.print",
                  button="print_button"),
    EditorCommand("print_checklist", "Print chec&klist...", None,
                  lambda e: e.print_report("checklist"), menu="file", needs="visits.print",
                  button="print_button"),
    EditorCommand("save_pdf", "Save as PD&F...", None, lambda e: e.save_pdf("superbill"),
                  menu="file", needs="visits.print", button="pdf_button"),
    EditorCommand("find_diagnosis", "Find &diagnosis", "Ctrl+D",
                  lambda e: e.find_diagnosis(), menu="edit"),
    EditorCommand("add_administration", "&Add administration", "Ctrl+M",
                  lambda e: e.add_administration(), needs="visits.draft",
                  button="add_button"),
    EditorCommand("start", "&Start / Given", "F5", lambda e: e.press_timeline("start"),
                  needs="visits.draft"),
    EditorCommand("pause", "Pa&use", "F6", lambda e: e.press_timeline("pause"),
                  needs="visits.draft"),
    EditorCommand("resume", "&Resume", "F7", lambda e: e.press_timeline("resume"),
                  needs="visits.draft"),
    EditorCommand("stop", "S&top", "F8", lambda e: e.press_timeline("stop"),
                  needs="visits.draft"),
    EditorCommand("finalize", "&Finalize...", "Ctrl+Shift+F", lambda e: e.finalize(),
                  needs="visits.finalize", button="finalize_button"),
    EditorCommand("amend", "A&mend...", None, lambda e: e.amend(), needs="visits.finalize",
                  button="amend_button"),
)

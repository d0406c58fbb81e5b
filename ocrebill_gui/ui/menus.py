"""The main window's menu bar: File, Edit, View, Visit and Help, carrying every command with
its key.

The window's own actions (New visit, the screens Ctrl+1..6, Find patient, the day on Today,
the visit tabs, Lock now...) are QActions in these menus, with their shortcuts. The visit
editor's commands (ui/editor_commands.py: Save, Print, Finalize, F5-F8, Ctrl+M...) are keys
of the editor itself, so that an editor works on its own; the menus show them as entries whose
key works only while the menu is open (no second, ambiguous shortcut) and which act on the
visit in front. What a role may not do is disabled (ui/permissions.py), as on the screens.
Help > Keyboard shortcuts lists the menus' own actions: nothing is written twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocrebill_gui.ui.qt import QAction, QKeySequence, QMenu, Qt
from ocrebill_gui.ui.editor_commands import COMMANDS, EditorCommand

if TYPE_CHECKING:
    from ocrebill_gui.ui.main_window import MainWindow


class WindowMenus:
    """Builds the menus of `window` (whose File menu session_control made) and keeps the
    entries' states with the screen and the visit in front."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        bar = window.menuBar()
        self.file = window.file_menu
        self.edit = bar.addMenu("&Edit")
        self.view = bar.addMenu("&View")
        self.visit = bar.addMenu("V&isit")
        self.settings = bar.addMenu("Settin&gs")
        self.help = bar.addMenu("&Help")
        self.proxies: dict[str, tuple[QAction, EditorCommand]] = {}
        self.own: list[QAction] = []  # what these menus made (the rest is the window's)
        self._build_file()
        self._build_edit()
        self._build_view()
        self._build_visit()
        self._build_settings()
        self._build_help()
        for menu in (self.file, self.edit, self.view, self.visit, self.settings):
            menu.aboutToShow.connect(self.refresh)
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _action(self, text: str, keys: Any, slot: Any, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if isinstance(keys, list):  # the first is the one the menu shows
            action.setShortcuts([QKeySequence(k) for k in keys])
        elif keys:
            action.setShortcut(QKeySequence(keys))
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.own.append(action)
        return action

    def _proxy(self, menu: QMenu, command: EditorCommand) -> QAction:
        """The menu entry of an editor command: its key shown, and working while the menu is
        open only (the editor's own shortcut does the rest)."""
        action = QAction(command.text, self.window)
        if command.keys:
            action.setShortcut(QKeySequence(command.keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _checked=False, c=command: self._run(c))
        self.own.append(action)
        menu.addAction(action)
        self.proxies[command.name] = (action, command)
        return action

    def _commands(self, menu: QMenu, where: str) -> None:
        for command in COMMANDS:
            if command.menu == where:
                self._proxy(menu, command)

    def _build_file(self) -> None:
        window, menu = self.window, self.file
        first = menu.actions()[0]  # session_control made the File menu's own entries
        menu.insertAction(first, window.new_visit_action)
        menu.insertSeparator(first)
        before = len(menu.actions())
        self._commands(menu, "file")
        added = menu.actions()[before:]
        for action in added:  # after New visit, before Switch user
            menu.removeAction(action)
            menu.insertAction(first, action)
        # issue 15: the finalized visit in front on its claim form (ui/worklist/batch_print)
        self.print_cms1500 = self._action("Print C&MS-1500...", None,
                                          lambda: self._claim_form("cms1500"),
                                          "The finalized visit's claim on the CMS-1500 "
                                          "(office, home), with a print preview")
        self.print_ub04 = self._action("Print &UB-04...", None, lambda: self._claim_form("ub04"),
                                       "The finalized visit's claim on the UB-04 (hospital "
                                       "outpatient), with a print preview")
        menu.insertActions(first, [self.print_cms1500, self.print_ub04])
        menu.insertSeparator(first)
        # issue 13: the practice's rendering providers and ordering physicians
        self.providers = self._action("Provid&ers...", None, self._show_providers,
                                      "The practice's rendering providers and ordering "
                                      "physicians")
        menu.insertAction(first, self.providers)
        menu.insertSeparator(first)

    def _claim_form(self, form: str) -> None:
        from ocrebill_gui.ui.worklist.batch_print import print_visit_form

        editor = self.window.front_editor()
        if editor is not None:
            print_visit_form(self.window, editor, form)

    def _show_providers(self) -> None:
        from ocrebill_gui.ui.providers.dialogs import ProvidersDialog

        window = self.window
        if window.store is not None and window.session is not None:
            ProvidersDialog(window.store, window.session, window).exec()

    def _build_edit(self) -> None:
        window = self.window
        # The visit in front's undo stack (ui/visit_editor/undo.py): the entries name the step.
        self.undo = self._action("&Undo", None, lambda: self._history("undo"))
        self.redo = self._action("&Redo", None, lambda: self._history("redo"))
        for action, keys in ((self.undo, "Ctrl+Z"), (self.redo, "Ctrl+Shift+Z")):
            action.setShortcut(QKeySequence(keys))  # shown; the editor's own keys do the work
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit.addActions([self.undo, self.redo])
        self.edit.addSeparator()
        self.find_patient = self._action(
            "Find &patient", QKeySequence.StandardKey.Find, window.focus_search,
            "The patient search box (in a new visit without a patient: the visit's own)")
        self.edit.addAction(self.find_patient)
        self._commands(self.edit, "edit")

    def _build_view(self) -> None:
        window, menu = self.window, self.view
        for action in window.page_actions.values():
            menu.addAction(action)
        menu.addSeparator()
        self.previous_day = self._action("Previous &day", "Alt+Left",
                                         lambda: window.step_day(-1))
        self.next_day = self._action("&Next day", "Alt+Right", lambda: window.step_day(1))
        self.this_day = self._action("Back to t&oday", None, lambda: window.step_day(0))
        menu.addActions([self.previous_day, self.next_day, self.this_day])

    def _build_visit(self) -> None:
        window, menu = self.window, self.visit
        menu.addAction(window.new_visit_action)
        menu.addSeparator()
        self._commands(menu, "visit")
        menu.addSeparator()
        self.close_visit = self._action("&Close visit", ["Ctrl+W", "Ctrl+F4"],
                                        lambda: window.visit_tab("close"))
        self.next_tab = self._action("Ne&xt visit tab", "Ctrl+Tab",
                                     lambda: window.visit_tab("next"))
        self.previous_tab = self._action("Pre&vious visit tab", "Ctrl+Shift+Tab",
                                         lambda: window.visit_tab("previous"))
        menu.addActions([self.close_visit, self.next_tab, self.previous_tab])

    def _build_settings(self) -> None:
        # issue 16: the ASP prices, ICD-10-CM years and fee schedule the database holds
        self.reference_data = self._action("&Reference data...", None, self._show_reference,
                                           "The ASP prices, ICD-10-CM code sets and fee "
                                           "schedule this database holds, and their imports")
        self.settings.addAction(self.reference_data)

    def _show_reference(self) -> None:
        from ocrebill_gui.ui.reference_data import ReferenceDataDialog

        window = self.window
        if window.store is not None and window.session is not None:
            ReferenceDataDialog(window.store, window.session, window).exec()

    def _build_help(self) -> None:
        window = self.window
        self.shortcuts = self._action("&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents,
                                      window.show_shortcuts)
        self.about = self._action("&About OcreBill", None, window.show_about)
        self.help.addActions([self.shortcuts, self.about])

    # -- states ---------------------------------------------------------------------------
    def _history(self, which: str) -> None:
        history = getattr(self.window.front_editor(), "undo", None)
        if history is not None:
            getattr(history.stack, which)()

    def _show_history(self, editor: Any) -> None:
        history = getattr(editor, "undo", None)
        for action, name in ((self.undo, "undo_action"), (self.redo, "redo_action")):
            source = getattr(history, name, None)
            action.setEnabled(source is not None and source.isEnabled())
            action.setText(source.text() if source is not None and source.isEnabled()
                           else {"undo_action": "&Undo", "redo_action": "&Redo"}[name])

    def _run(self, command: EditorCommand) -> None:
        editor = self.window.front_editor()
        if editor is not None:
            command.call(editor)

    def refresh(self) -> None:
        """Enable what the session, the screen in front and the visit in front allow."""
        window = self.window
        session = None if window.locked else window.session
        if session is None:  # before the sign-in (the store not even imported yet) or locked
            for action in self.own:
                action.setEnabled(action in (self.shortcuts, self.about))
            return
        from ocrebill_gui.ui.permissions import allowed, gate

        editor = window.front_editor()
        gate(self.find_patient, session, "patients.read")
        gate(self.providers, session, "store.read")  # the list; changes gated in it
        finalized = editor is not None and editor.status == "finalized"
        setting = (editor.presenter.document.get("setting")
                   if editor is not None and finalized else None)
        gate(self.print_cms1500, session, "visits.export",
             when=finalized and setting != "hospital_outpatient")
        gate(self.print_ub04, session, "visits.export",
             when=finalized and setting == "hospital_outpatient")
        gate(self.reference_data, session, "practice.write")  # the administrator's
        self._show_history(editor)
        on_today = window.current_page == "today"
        for action in (self.previous_day, self.next_day, self.this_day):
            action.setEnabled(on_today)
        tabs = window.visit_window.tabs.count() if window.visit_window is not None else 0
        on_visits = window.current_page == "visits" and tabs > 0
        self.close_visit.setEnabled(on_visits)
        self.next_tab.setEnabled(on_visits and tabs > 1)
        self.previous_tab.setEnabled(on_visits and tabs > 1)
        for action, command in self.proxies.values():
            button = getattr(editor, command.button, None) if command.button else None
            writes = command.needs == "visits.draft"
            may = allowed(session, command.needs) if command.needs else True
            action.setEnabled(editor is not None and may
                              and not (writes and editor.presenter.read_only)
                              and (button is None or button.isEnabled()))
            action.setVisible(button is None or not button.isHidden())

    def show_screens(self, shown: bool) -> None:
        """Edit, View and Visit only while the screens show (not over the sign-in)."""
        for menu in (self.edit, self.view, self.visit, self.settings):
            menu.menuAction().setVisible(shown)
        self.refresh()

    def menu_entries(self) -> list[QAction]:
        """Every action in the menus of the bar, in menu order, each once."""
        seen: list[QAction] = []
        for menu in self.menus():
            for action in menu.actions():
                if not action.isSeparator() and action not in seen:
                    seen.append(action)
        return seen

    def menus(self) -> list[QMenu]:
        return [self.file, self.edit, self.view, self.visit, self.settings, self.help]

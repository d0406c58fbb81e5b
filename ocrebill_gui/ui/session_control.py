"""The main window's staff session: the sign-in in place of the screens, the screens for the
signed-in person's roles, the idle lock and File > Switch user / Lock now / Change password.

A mixin of MainWindow (which provides store, pages, stack, toolbar, search, page_actions,
editors, visit_window and save_layout), kept apart from the screens' own wiring:

- `attach_store` without a session shows the sign-in (ui/sign_in.py); `start_session` shows
  the screens, each built for the session's roles (ui/permissions.py);
- after the practice's `idle_lock_minutes` without input (ui/idle_lock.py), or Ctrl+L, `lock`
  saves the drafts, closes every dialog and popup and puts the sign-in over the screens (a
  hidden screen shows nothing, the search box is emptied);
- the same person signing in again goes on where they were; someone else (or after File >
  Switch user) gets new screens: the open visits are saved and closed first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ocrebill_gui.ui.qt import QApplication, QDialog, QKeySequence, QMessageBox, QWidget

if TYPE_CHECKING:
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.ui.idle_lock import IdleWatch
    from ocrebill_gui.ui.menus import WindowMenus
    from ocrebill_gui.ui.sign_in import SignInPanel
    from ocrebill_gui.ui.qt import (
        QAction,
        QLabel,
        QLineEdit,
        QMainWindow,
        QStackedWidget,
        QToolBar,
        Signal,
    )
    from ocrebill_gui.ui.visit_editor.editor import VisitEditor
    from ocrebill_gui.ui.visit_window import VisitWindow

    _Window = QMainWindow  # what the class is mixed into, for the type checker only
else:
    _Window = object

# What each screen needs (store/accounts.py PERMISSIONS); the others are open to everyone.
PAGE_NEEDS = {"today": "patients.read", "patients": "patients.read", "visits": "patients.read",
              "audit": "audit.read", "worklist": "visits.export"}
DEFAULT_IDLE_MINUTES = 5


class SessionControl(_Window):
    """Mixed into MainWindow."""

    session: Session | None = None
    sign_in_panel: SignInPanel | None = None

    if TYPE_CHECKING:  # MainWindow's, which these methods use (mypy checks that they agree)
        store: Store | None
        pages: dict[str, QWidget]
        _stale: set[str]
        visit_window: VisitWindow | None
        stack: QStackedWidget
        gate: QStackedWidget
        toolbar: QToolBar
        menus: WindowMenus
        user_label: QLabel
        idle: IdleWatch
        search: QLineEdit
        new_visit_action: QAction
        page_actions: dict[str, QAction]
        session_started: ClassVar[Signal]

        @property
        def editors(self) -> list[VisitEditor]: ...
        def show_page(self, key: str) -> Any: ...
        def restore_open_visits(self) -> None: ...
        def remember_open_visits(self) -> None: ...
        def save_layout(self) -> None: ...

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.file_menu = menu  # ui/menus.py adds the visit's and the window's entries
        self.switch_user_action = menu.addAction("&Switch user...", self.switch_user)
        self.lock_action = menu.addAction("&Lock now", self.lock)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.change_password_action = menu.addAction("Change &password...",
                                                     self.change_password)
        self.recovery_key_action = menu.addAction("New recovery ke&y...",
                                                  self.new_recovery_key)
        self.recovery_key_action.setVisible(False)  # administrators of an encrypted database
        menu.addSeparator()
        quit_action = menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self._session_actions = (self.switch_user_action, self.lock_action,
                                 self.change_password_action)
        for action in self._session_actions:
            action.setEnabled(False)

    @property
    def locked(self) -> bool:
        """The sign-in is showing instead of the screens."""
        return self.sign_in_panel is not None

    def may(self, action: str) -> bool:
        from ocrebill_gui.ui.permissions import allowed

        return allowed(self.session, action)

    def start_session(self, session: Session) -> None:
        """`session` signed in: its screens, its roles' buttons, the idle lock."""
        from ocrebill_gui.ui.permissions import gate

        assert self.store is not None, "attach_store first"
        self.session = session
        gate(self.new_visit_action, session, "visits.draft")
        for key, action in self.page_actions.items():
            if key in PAGE_NEEDS:  # Visits: once a visit is open
                gate(action, session, PAGE_NEEDS[key], when=key != "visits")
            else:
                action.setEnabled(True)
        gate(self.search, session, "patients.read")
        self._show_screens()
        self.restore_open_visits()
        if self.may("patients.read"):
            self.show_page("today").focus_table()  # the day's worklist first
        else:
            self.show_page("inventory")
            self.statusBar().showMessage(
                f"{session.display_name} ({session.roles_text}): no patient data for this "
                "account. Today, Patients and Visits are for the front desk, nurses and "
                "billers.")
        self.session_started.emit()

    def page_for_session(self, key: str) -> str:
        """`key`, or the first screen of the session's roles when they do not open it."""
        if key not in PAGE_NEEDS or self.may(PAGE_NEEDS[key]):
            return key
        return "today" if self.may("patients.read") else "inventory"

    def _idle_minutes(self) -> int:
        from ocrebill_gui.store import StoreError, practice_settings

        assert self.store is not None, "attach_store first"
        try:
            practice = practice_settings(self.store)
        except StoreError:
            practice = None
        return practice.idle_lock_minutes if practice is not None else DEFAULT_IDLE_MINUTES

    def _show_screens(self) -> None:
        """The sign-in goes, the screens come back and the idle lock watches again."""
        panel, self.sign_in_panel = self.sign_in_panel, None
        self.gate.setCurrentWidget(self.stack)
        session = self.session
        if session is not None:
            self.user_label.setText(f"Signed in as {session.display_name} "
                                    f"({session.roles_text})")
        if panel is not None:
            self.gate.removeWidget(panel)
            panel.deleteLater()
        self.toolbar.show()
        for action in self._session_actions:
            action.setEnabled(True)
        self.recovery_key_action.setVisible(
            self.store is not None and self.store.key is not None
            and self.may("accounts.manage"))
        self.menus.show_screens(True)
        self.idle.start(self._idle_minutes() * 60)

    def _ask_sign_in(self, *, switching: bool = False) -> None:
        from ocrebill_gui.store import StoreError, practice_settings
        from ocrebill_gui.ui.sign_in import SignInPanel

        assert self.store is not None
        try:
            practice = practice_settings(self.store)
        except StoreError:
            practice = None
        panel = SignInPanel(self.store, demo=bool(practice and practice.demo),
                            locked=self.session, switching=switching)
        panel.signed_in.connect(self._signed_in)
        if self.sign_in_panel is not None:
            self.gate.removeWidget(self.sign_in_panel)
            self.sign_in_panel.deleteLater()
        self.sign_in_panel = panel
        self.gate.addWidget(panel)
        self.gate.setCurrentWidget(panel)
        self.toolbar.hide()
        for action in self._session_actions:
            action.setEnabled(False)
        self.recovery_key_action.setVisible(False)
        self.menus.show_screens(False)
        self.user_label.setText("Locked" if self.session is not None else "Not signed in")

    def _signed_in(self, session: Session) -> None:
        previous = self.session
        if (previous is not None and previous.user_id == session.user_id
                and previous.roles == session.roles):
            self._show_screens()  # the same person: everything as they left it
            return
        if previous is not None:
            self._end_session()
        self.start_session(session)

    def lock(self) -> None:
        """Hide every screen behind the sign-in: drafts saved first, dialogs closed."""
        if self.session is None or self.locked:
            return
        self.idle.stop()
        for editor in self.editors:
            editor.save_now()  # one that cannot save keeps its edits, hidden with it
        for widget in QApplication.topLevelWidgets():
            if widget is not self and widget.isVisible():
                if isinstance(widget, QDialog):
                    widget.reject()
                else:  # menus, completer and combo popups, tooltips
                    widget.close()
        self.search.clear()
        self._ask_sign_in()

    def switch_user(self) -> None:
        """Lock, with an empty sign-in for the next person."""
        if self.session is None:
            return
        if not self.locked:
            self.lock()
        self._ask_sign_in(switching=True)

    def _end_session(self) -> None:
        """Someone else signs in: the open visits are saved and closed, the screens built
        again for the new roles."""
        self.remember_open_visits()  # theirs again when they next sign in
        lost = self.visit_window.close_all_unasked() if self.visit_window is not None else 0
        self.save_layout()
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._stale.clear()
        self.visit_window = None
        self.page_actions["visits"].setEnabled(False)
        self.session = None
        if lost:
            self.statusBar().showMessage(f"{lost} visit(s) of the previous user could not be "
                                         "saved and were closed.")

    def new_recovery_key(self) -> None:
        """A new recovery key (store/recovery.py), shown once; the old one stops opening the
        database only when the new one was stored (the box ticked)."""
        from ocrebill_gui.store import StoreError
        from ocrebill_gui.store.db import database_file
        from ocrebill_gui.store.recovery import recovery_key_shown, replace_recovery_key
        from ocrebill_gui.ui.recovery_key import RecoveryKeyDialog

        if self.session is None or self.store is None or self.locked:
            return
        answer = QMessageBox.question(
            self, "New recovery key", "Make a new recovery key for this database? The "
            "current one stops opening it once you have stored the new one.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            recovery = replace_recovery_key(self.store, self.session)
        except StoreError as exc:
            QMessageBox.warning(self, "New recovery key", str(exc))
            return
        dialog = RecoveryKeyDialog(database_file(self.store), recovery, self, replacing=True)
        stored = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if stored:
            recovery_key_shown(self.store)
            self.statusBar().showMessage("New recovery key stored: the old one no longer opens "
                                         "the database.")
        else:
            self.statusBar().showMessage("The new recovery key was not stored: the old one "
                                         "still opens the database.")

    def change_password(self) -> None:
        from ocrebill_gui.ui.sign_in import ChangePasswordDialog

        if self.session is None or self.store is None or self.locked:
            return
        changed = ChangePasswordDialog.ask(self, self.store, self.session)
        if changed is not None:
            self.session = changed
            self.statusBar().showMessage("Password changed.")

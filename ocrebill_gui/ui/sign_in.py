"""Signing in: what the main window shows before any patient data, and again when it locks.

- `SignInForm`: login name, password, Sign in (Enter submits); the store's refusal (wrong name
  or password, disabled, locked for a while) under the fields. On a demo database the demo
  accounts are listed, and clicking one fills the fields.
- `FirstAdminForm`: a database without accounts gets its administrator first (login, display
  name, password twice), checked as it is typed with the store's own rules and words. With no
  file yet (a new database), the form creates it encrypted with the administrator's account
  (store/encryption.create_encrypted_database: nothing is written before the form is sent)
  and shows the recovery key once (ui/recovery_key.py), then emits `created(store, session)`.
- `NewPasswordForm`: a password set by an administrator is changed before anything else
  (and File > Change password, through `ChangePasswordDialog`).
- `SignInPanel`: the card in the middle of the window that shows the right form in turn and
  emits `signed_in(Session)` once someone is signed in with a password of their own.

Passwords live in the fields only as long as the panel: each sign-in builds a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ocrebill_gui.store import InvalidRecord, Store, StoreError
from ocrebill_gui.store import accounts as staff
from ocrebill_gui.store.accounts import Session, SignInRefused
from ocrebill_gui.store.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from ocrebill_gui.ui.forms import FieldMessage, FormGrid
from ocrebill_gui.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_role


PLAIN_HINT = ("This database is not encrypted: an administrator can encrypt it with "
              "`ocrebill encrypt` (README, Encryption at rest).")


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                              | Qt.InputMethodHint.ImhNoPredictiveText)
    return field


_T = TypeVar("_T")


def _busy(work: Callable[[], _T]) -> _T:
    """Run a password check (argon2id: ~0.2 s) under the wait cursor."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        QApplication.restoreOverrideCursor()


def _text(label: str, role: str | None = None, *, name: str = "") -> QLabel:
    widget = QLabel(label)
    widget.setWordWrap(True)
    if name:
        widget.setObjectName(name)
    if role:
        set_role(widget, role)
    return widget


def credential_fields(login: str, message_name: str) -> tuple[QLineEdit, QLineEdit,
                                                               FieldMessage]:
    """The login field (filled with `login`), the password field and the message under them,
    named for tests, as the sign-in form and the unlock dialog both use them."""
    login_field = QLineEdit(login)
    login_field.setObjectName("login")
    login_field.setMaxLength(40)
    password = password_field()
    password.setObjectName("password")
    message = FieldMessage()
    message.setObjectName(message_name)
    return login_field, password, message


def credentials_grid(login: QLineEdit, password: QLineEdit, message: QWidget) -> QGridLayout:
    """Login and password with their labels, the message under them (the sign-in's and the
    encrypted database's unlock dialog, ui/unlock.py)."""
    grid = QGridLayout()
    grid.setColumnStretch(1, 1)
    for row, (caption, field) in enumerate((("&Login", login), ("&Password", password))):
        label = QLabel(caption)
        label.setBuddy(field)
        grid.addWidget(label, row, 0)
        grid.addWidget(field, row, 1)
    grid.addWidget(message, 2, 1)
    return grid


def demo_accounts_hint(fill: Callable[[str], None]) -> QLabel:
    """The demo accounts and their password; a click on one calls `fill(login)`."""
    links = " \u00b7 ".join(f'<a href="{login}">{login}</a>'
                            for login, _name, _role in DEMO_ACCOUNTS)
    hint = _text(f"Demo accounts, password <b>{DEMO_PASSWORD}</b>: {links}", "muted",
                 name="demoAccounts")
    hint.setTextFormat(Qt.TextFormat.RichText)
    hint.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                 | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    hint.linkActivated.connect(fill)
    return hint


class SignInForm(QWidget):
    """Login name and password; `signed_in(session, password)` on success (the password only
    for a must-change session's next step)."""

    signed_in = Signal(object, str)

    def __init__(self, store: Store, *, demo: bool = False, login: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInForm")
        self._store = store
        self.login, self.password, self.message = credential_fields(login, "signInMessage")
        self.button = QPushButton("&Sign in")
        self.button.setObjectName("signIn")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.login.returnPressed.connect(self._login_entered)
        self.password.returnPressed.connect(self.submit)
        grid = credentials_grid(self.login, self.password, self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.demo_hint: QLabel | None = None
        if demo:
            self.demo_hint = demo_accounts_hint(self.fill_demo)
            layout.addWidget(self.demo_hint)

    def first_focus(self) -> None:
        field = self.password if self.login.text() else self.login
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def fill_demo(self, login: str) -> None:
        """A demo account clicked: its login and password in the fields, Enter signs in."""
        self.login.setText(login)
        self.password.setText(DEMO_PASSWORD)
        self.message.show_message(None)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _login_entered(self) -> None:
        if self.password.text():
            self.submit()
        else:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> Session | None:
        login, password = self.login.text().strip(), self.password.text()
        if not login:
            self.message.show_message("Type your login name.")
            self.login.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            session = _busy(lambda: staff.sign_in(self._store, login, password))
        except SignInRefused as refused:
            self.message.show_message(f"{refused}.")
            self.password.clear()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        except StoreError as error:  # the database busy, unreadable...: nothing to retype
            self.message.show_message(str(error))
            return None
        self.message.show_message(None)
        self.password.clear()
        self.signed_in.emit(session, password)
        return session


class _CheckedForm(QWidget):
    """Rows checked as they are typed (a FormGrid), a general message and one button: Enter
    moves from field to field and presses the button on the last one. `_save` runs the store
    call and shows its refusal at the fields."""

    def __init__(self, name: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.grid = FormGrid(self.check)
        self.general = FieldMessage()
        self.button = QPushButton(button)
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)

    def _lay_out(self, intro: str = "") -> None:
        """Once the rows are in: wire Enter, place everything, check once."""
        self.grid.go_live()
        fields = [field for field in self.grid.fields.values() if isinstance(field, QLineEdit)]
        for field in fields[:-1]:
            field.returnPressed.connect(self.focusNextChild)
        fields[-1].returnPressed.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if intro:
            layout.addWidget(_text(intro))
        layout.addLayout(self.grid)
        layout.addWidget(self.general)
        layout.addLayout(buttons)
        self.check()

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def submit(self) -> Session | None:
        raise NotImplementedError

    def check(self) -> bool:
        problems = self.problems()
        self.general.show_message(self.grid.show_problems(problems) or None)
        self.button.setEnabled(not problems)
        return not problems

    def _save(self, write: Callable[[], Session], renamed: dict[str, str] | None = None,
              ) -> Session | None:
        """`write()`'s session, or None after saying why (at its field when the store names
        one, `renamed` mapping the store's field names to the form's)."""
        if not self.check():
            self.grid.reveal_all()
            return None
        try:
            return _busy(write)
        except InvalidRecord as error:
            problems = {(renamed or {}).get(name, name): message
                        for name, message in error.problems}
            self.grid.reveal_all()
            self.general.show_message(self.grid.show_problems(problems) or None)
        except StoreError as error:  # the database busy, read-only...
            self.general.show_message(str(error))
        return None


class FirstAdminForm(_CheckedForm):
    """The first account of a database: its administrator. `signed_in(session, password)` on
    an existing database; `created(store, session)` once a new one (`store` None, `path`) is
    made, encrypted, and its recovery key shown."""

    signed_in = Signal(object, str)
    created = Signal(object, object)

    def __init__(self, store: Store | None, parent: QWidget | None = None, *,
                 path: Path | None = None) -> None:
        super().__init__("firstAdminForm", "&Create the administrator account", parent)
        self.button.setObjectName("createAdmin")
        self._store, self._path = store, path
        self.login = self.grid.add("login", "&Login", QLineEdit(),
                                   note="Letters, digits, '.', '-' or '_', e.g. pat.lee")
        self.display_name = self.grid.add("display_name", "&Name", QLineEdit(),
                                          note="As the status bar and the audit log show it")
        self.password = self.grid.add("password", "&Password", password_field(),
                                      note=f"At least {staff.MIN_PASSWORD} characters")
        self.repeat = self.grid.add("repeat", "&Again", password_field())
        intro = ("This database has no staff accounts yet. Create the administrator's: the "
                 "administrator adds the other accounts (front desk, nurses, billers).")
        if store is None:
            intro = ("A new database. Create the administrator's account: the administrator "
                     "adds the other accounts (front desk, nurses, billers). The database is "
                     "encrypted; its recovery key is shown next, once.")
        self._lay_out(intro)

    def first_focus(self) -> None:
        self.login.setFocus(Qt.FocusReason.OtherFocusReason)

    def problems(self) -> dict[str, str]:
        found = staff.account_problems(self.login.text(), self.display_name.text(),
                                       self.password.text())
        if self.repeat.text() != self.password.text():
            found["repeat"] = "does not match the password above"
        return found

    def submit(self) -> Session | None:
        password = self.password.text()
        store = self._store
        if store is None:
            return self._create(password)
        session = self._save(lambda: staff.create_first_admin(
            store, self.login.text(), self.display_name.text(), password))
        if session is not None:
            self.signed_in.emit(session, password)
        return session

    def _create(self, password: str) -> Session | None:
        """The new database, encrypted, with this administrator; the recovery key shown."""
        from ocrebill_gui.store.encryption import create_encrypted_database
        from ocrebill_gui.ui.recovery_key import RecoveryKeyDialog

        path = self._path
        assert path is not None, "a new database needs its path"
        made: list[tuple[Store, Session, str]] = []

        def create() -> Session:
            made.append(create_encrypted_database(path, self.login.text(),
                                                  self.display_name.text(), password))
            return made[0][1]

        session = self._save(create)
        if session is None:
            return None
        store, _session, recovery = made[0]
        self._store = store
        self.password.clear()
        self.repeat.clear()
        RecoveryKeyDialog.show_once(self, path, recovery)
        self.created.emit(store, session)
        return session


class NewPasswordForm(_CheckedForm):
    """Choose a new password (twice); the current one is asked for unless it was just typed
    to sign in. `changed(session)` carries the session without the must-change mark."""

    changed = Signal(object)

    def __init__(self, store: Store, session: Session, *, current: str | None = None,
                 intro: str = "", parent: QWidget | None = None) -> None:
        super().__init__("newPasswordForm", "&Change password", parent)
        self.button.setObjectName("changePassword")
        self._store, self._session, self._current = store, session, current
        self.current = None
        if current is None:
            self.current = self.grid.add("current_password", "&Current password",
                                         password_field())
        self.new = self.grid.add("new_password", "&New password", password_field(),
                                 note=f"At least {staff.MIN_PASSWORD} characters, not your "
                                      "login name")
        self.repeat = self.grid.add("repeat", "&Again", password_field())
        self._lay_out(intro)

    def first_focus(self) -> None:
        (self.current or self.new).setFocus(Qt.FocusReason.OtherFocusReason)

    def _old(self) -> str:
        return self.current.text() if self.current is not None else self._current or ""

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.current is not None and not self.current.text():
            found["current_password"] = "is required"
        rule = staff.account_problems(self._session.login, "", self.new.text()).get("password")
        if rule:
            found["new_password"] = rule
        elif self.new.text() == self._old():
            found["new_password"] = "must differ from the current password"
        if self.repeat.text() != self.new.text():
            found["repeat"] = "does not match the new password"
        return found

    def submit(self) -> Session | None:
        session = self._save(lambda: staff.change_password(
            self._store, self._session, self._old(), self.new.text()),
            renamed={"password": "new_password"})
        if session is not None:
            self.changed.emit(session)
        return session


class SignInPanel(QWidget):
    """The sign-in card, centred in the window: first administrator, sign-in, new password,
    in turn as needed; `signed_in(session)` at the end. `locked` names who was signed in when
    the window locked (their login is filled in)."""

    signed_in = Signal(object)
    database_created = Signal(object, object)  # (store, session): a new database was made

    def __init__(self, store: Store | None, *, path: Path | None = None, demo: bool = False,
                 locked: Session | None = None, switching: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPanel")
        self._store, self._demo = store, demo
        self._locked = None if switching else locked
        self.card = QFrame()
        self.card.setObjectName("signInCard")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setMaximumWidth(self.fontMetrics().averageCharWidth() * 72)
        self.title = _text("", "title", name="signInTitle")
        self.note = _text("", "muted", name="signInNote")
        self._box = QVBoxLayout(self.card)
        self._box.setContentsMargins(24, 20, 24, 20)
        self._box.setSpacing(10)
        self._box.addWidget(self.title)
        self._box.addWidget(self.note)
        self.form: SignInForm | FirstAdminForm | NewPasswordForm | None = None
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        place = store.path if store is not None else path
        assert place is not None, "without a store, the path of the database to create"
        where = place.name
        if store is None:  # no file yet: the administrator's form creates it, encrypted
            self._heading("Welcome to OcreBill", f"{where}: a new database")
            form = FirstAdminForm(None, path=path)
            form.created.connect(self.database_created)
            self._show(form)
            return
        if locked is not None and not switching:
            self._heading("OcreBill is locked",
                          f"{locked.display_name} ({locked.roles_text}) is signed in on {where}. "
                          "Type the password to go on, or sign in as someone else (the open "
                          "visits are then saved and closed).")
        elif switching:
            self._heading("Switch user", f"Sign in to {where}. The open visits are saved, and "
                                         "closed when someone else signs in.")
        else:
            self._heading("Sign in to OcreBill", where)
        try:
            first = not staff.has_accounts(store)
        except StoreError:
            first = False  # the sign-in says what is wrong with the database
        if first:
            self._heading("Welcome to OcreBill", where)
            self._show(FirstAdminForm(store))
        else:
            self._show(SignInForm(store, demo=demo,
                                  login=self._locked.login if self._locked else ""))
        if store.key is None and not demo:  # made before encryption was the default
            self.note.setText(f"{self.note.text()}\n{PLAIN_HINT}")

    def _heading(self, title: str, note: str) -> None:
        self.title.setText(title)
        self.note.setText(note)

    def _show(self, form: SignInForm | FirstAdminForm | NewPasswordForm) -> None:
        if self.form is not None:
            self._box.removeWidget(self.form)
            self.form.hide()
            self.form.deleteLater()
        self.form = form
        self._box.addWidget(form)
        if self._store is not None:
            signal = form.changed if isinstance(form, NewPasswordForm) else form.signed_in
            signal.connect(self._step)
        form.show()
        if self.isVisible():
            form.first_focus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.form is not None:
            self.form.first_focus()

    def _step(self, session: Session, password: str | None = None) -> None:
        store = self._store
        assert store is not None, "the forms' signals reach _step only with a store (_show)"
        if session.must_change_password:
            self._heading("Choose a new password", f"{session.display_name} ({session.login})")
            self._show(NewPasswordForm(
                store, session, current=password,
                intro="The administrator set a temporary password for this account: choose "
                      "your own before going on."))
            return
        self.signed_in.emit(session)

    def submit(self, login: str, password: str) -> Session | None:
        """Sign in as a person would: the fields filled, then Sign in (smoke test, screenshots,
        start-up probe)."""
        form = self.form
        if not isinstance(form, SignInForm):
            return None
        form.login.setText(login)
        form.password.setText(password)
        return form.submit()


class ChangePasswordDialog(QDialog):
    """File > Change password: the current password, the new one twice."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change password")
        self.session: Session | None = None
        self.form = NewPasswordForm(store, session, intro=f"{session.display_name} "
                                                          f"({session.login})")
        self.form.changed.connect(self._changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.form.first_focus()

    def _changed(self, session: Session) -> None:
        self.session = session
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store, session: Session) -> Session | None:
        dialog = cls(store, session, parent)
        dialog.exec()
        return dialog.session

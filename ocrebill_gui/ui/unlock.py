"""Opening an encrypted database in the app: its key file is unlocked with a login and password
before the file can be read (store/keys.py), then the same person is signed in on it.

`UnlockDialog` asks for them (the demo accounts listed when the key file says it is a demo's,
a click fills the fields); a refusal (wrong name or password, disabled, locked for a while, a
missing or damaged key file) shows under the fields and nothing is opened. `unlock_first()`
is what the app calls before opening its database: nothing to do for a plain file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from ocrebill_gui.store import StoreError
from ocrebill_gui.store.db import file_is_encrypted, remember_key
from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD
from ocrebill_gui.store.keys import read_sidecar, sidecar_path, unlock
from ocrebill_gui.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.sign_in import credential_fields, credentials_grid, demo_accounts_hint

if TYPE_CHECKING:
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.store.server import ServerAddress


class UnlockDialog(QDialog):
    """Login and password for an encrypted database; `credentials` once it is unlocked."""

    def __init__(self, path: Path, *, demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Sign in: encrypted database")
        self.path = path
        self.credentials: tuple[str, str] | None = None
        self.login, self.password, self.message = credential_fields("", "unlockMessage")
        grid = credentials_grid(self.login, self.password, self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Sign in")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(f"{path.name} is encrypted: sign in to open it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(grid)
        self.demo_hint: QLabel | None = None
        if demo:
            self.demo_hint = demo_accounts_hint(self.fill_demo)
            layout.addWidget(self.demo_hint)
        layout.addWidget(buttons)
        # Wide enough for its title in the title bar (with the window's buttons beside it) and
        # for the fields: a narrow dialog cut it to "Sign in: en...".
        metrics = self.fontMetrics()
        self.setMinimumWidth(max(metrics.averageCharWidth() * 80,
                                 metrics.horizontalAdvance(self.windowTitle()) * 2 + 160))

    def fill_demo(self, login: str) -> None:
        self.login.setText(login)
        self.password.setText(DEMO_PASSWORD)

    def submit(self) -> bool:
        login, password = self.login.text().strip(), self.password.text()
        if not login:
            self.message.show_message("Type your login name.")
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            key = unlock(self.path, login, password)
        except StoreError as refused:
            self.message.show_message(str(refused).rstrip(".") + ".")
            self.password.clear()
            return False
        finally:
            QApplication.restoreOverrideCursor()
        remember_key(self.path, key)
        self.credentials = (login, password)
        self.accept()
        return True


def signed_in_as(store: Store,
                 credentials: tuple[str, str] | bool | None) -> Session | None:
    """The session for the credentials that unlocked the file (None: the sign-in screen
    instead: none given, refused, or a temporary password to change first)."""
    if not isinstance(credentials, tuple):
        return None
    from ocrebill_gui.store.accounts import sign_in

    try:
        session = sign_in(store, *credentials)
    except StoreError:
        return None
    return None if session.must_change_password else session


def needs_unlock(path: Path | ServerAddress) -> TypeGuard[Path]:
    """An encrypted database with its key file (without one, opening it says what is wrong);
    a server never is."""
    return (isinstance(path, Path) and path.is_file() and bool(file_is_encrypted(path))
            and sidecar_path(path).exists())


def unlock_first(parent: QWidget | None,
                 path: Path | ServerAddress) -> tuple[str, str] | None | bool:
    """Before the app opens `path`: None for a plain file; the (login, password) that unlocked
    an encrypted one (its key remembered for open_store); False when the person cancelled."""
    if not needs_unlock(path):
        return None
    try:
        demo = read_sidecar(path).demo
    except StoreError:
        demo = False  # the dialog's sign-in says what is wrong with the key file
    dialog = UnlockDialog(path, demo=demo, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.credentials is None:
        return False
    return dialog.credentials

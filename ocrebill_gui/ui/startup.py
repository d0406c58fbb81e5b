"""Opening the database when the app starts: the default or --db file, or a fresh demo with
--demo; a new or empty database gets an offer of demo data. Loaded after the first paint.

Demo databases are encrypted (`--plain` with --demo: plain); the app opens the demo it made
with the key that the demo's public password unwraps. A path with no file is not created here:
declined the demo, the window shows the first administrator's form (`create_database`), which
creates the database encrypted once it is sent (ui/sign_in.FirstAdminForm).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ocrebill_gui import store as api
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.ui.qt import QApplication, QMainWindow, QMessageBox, Qt, QWidget
from ocrebill_gui.ui.temp_files import folder_until_quit

if TYPE_CHECKING:
    from ocrebill_gui.store.server import ServerAddress
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.ui.main_window import MainWindow


@dataclass(frozen=True)
class NewDatabase:
    """No file at `path` yet: the first administrator's form creates it (encrypted)."""

    path: Path


class DemoOffer:
    """Asks whether to fill an empty database with demo data (tests monkeypatch `ask`)."""

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path | ServerAddress) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Welcome to OcreBill")
        box.setText("This database is empty." if path.exists()
                    else "There is no database here yet.")
        box.setInformativeText(
            f"{path}\n\nLoad demo data to try OcreBill: 40 fictional patients with coverage, "
            "authorizations, vial lots and visits, including today's chair schedule. Choose "
            "\u201cStart empty\u201d to enter your own clinic's data"
            + ("." if path.exists() else ": you create the administrator's account first, "
               "and the new database is encrypted."))
        demo = box.addButton("Load &demo data", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Start empty", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(demo)
        box.exec()
        return box.clickedButton() is demo


class StartupError:
    """Tells the person why the database could not be opened (tests monkeypatch `show`)."""

    @classmethod
    def show(cls, parent: QWidget | None, message: str) -> None:
        QMessageBox.critical(parent, "OcreBill cannot open the database", message)


def fresh_demo_path() -> Path:
    """A new, private folder in the temp area for `ocrebill --demo`, removed when the app
    quits: the demo's patients are fictional, but what is typed into them need not be."""
    return folder_until_quit("ocrebill-demo-") / "ocrebill-demo.sqlite"


def _busy(window: QWidget, message: str) -> None:
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QApplication.processEvents()


def _idle() -> None:
    if QApplication.overrideCursor() is not None:
        QApplication.restoreOverrideCursor()


def open_database(window: QWidget, *, db: str | None, demo: bool,
                  plain: bool = False) -> Store | NewDatabase | None:
    """The open store; NewDatabase for a path without a file whose demo offer was declined;
    None after telling the person what went wrong. `plain`: a --demo database not encrypted."""
    from ocrebill_gui.store.accounts import has_accounts
    from ocrebill_gui.store.db import folder_for
    from ocrebill_gui.store.encryption import refuse_lone_key_file

    try:
        if demo:
            return _demo(window, Path(db).expanduser() if db else fresh_demo_path(),
                         encrypt=not plain)
        where = api.resolve_db_path(db)  # a file, or a server (which exists)
        if isinstance(where, Path) and not where.exists():
            folder_for(where)  # a mistyped --db folder is said now, not after the form
            refuse_lone_key_file(where)
            _idle()
            if DemoOffer.ask(window, where):
                return _demo(window, where)
            return NewDatabase(where)
        _busy(window, f"Opening {where}...")
        store = api.open_store(where)
        if not store.read_only and not api.has_records(store) and not has_accounts(store):
            _idle()
            if DemoOffer.ask(window, where):
                store.close()
                return _demo(window, where)
        return store
    except StoreError as error:
        _idle()
        StartupError.show(window, str(error))
        return None
    finally:
        _idle()


def _demo(window: QWidget, path: Path | ServerAddress, *, encrypt: bool = True) -> Store:
    from ocrebill_gui.store.demo_accounts import open_demo

    _busy(window, f"Preparing demo data in {path}...")
    api.create_demo_database(path, encrypt=encrypt)
    return open_demo(path)


def create_database(window: MainWindow, path: Path,
                    started: Callable[[Store], None] | None = None) -> QWidget:
    """The first administrator's form where the sign-in goes: sent, it creates the database at
    `path` encrypted and shows its recovery key; the window then has the database, the
    administrator signed in, and `started(store)` is called. Returns the form's panel."""
    from ocrebill_gui.ui.sign_in import SignInPanel

    panel = SignInPanel(None, path=path)

    def created(store: Store, session: Session) -> None:
        window.attach_store(store, session)  # the panel goes with the screens' arrival
        if started is not None:
            started(store)

    panel.database_created.connect(created)
    window.sign_in_panel = panel
    window.gate.addWidget(panel)
    window.gate.setCurrentWidget(panel)
    window.toolbar.hide()
    window.menus.show_screens(False)  # as over the sign-in: File and Help only
    window.setWindowTitle(path.name)
    window.statusBar().showMessage(f"New database {path}")
    return panel

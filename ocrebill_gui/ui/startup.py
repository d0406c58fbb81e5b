"""Opening the database when the app starts: the default or --db file, or a fresh demo with
--demo; an empty database gets an offer of demo data. Loaded after the first paint."""

from __future__ import annotations

from pathlib import Path

from ocrebill_gui import store as api
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.ui.qt import QApplication, QMainWindow, QMessageBox, Qt, QWidget
from ocrebill_gui.ui.temp_files import folder_until_quit


class DemoOffer:
    """Asks whether to fill an empty database with demo data (tests monkeypatch `ask`)."""

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Welcome to OcreBill")
        box.setText("This database is empty.")
        box.setInformativeText(
            f"{path}\n\nLoad demo data to try OcreBill: 40 fictional patients with coverage, "
            "authorizations, vial lots and visits, including today's chair schedule. Choose "
            "\u201cStart empty\u201d to enter your own clinic's data.")
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


def open_database(window: QWidget, *, db: str | None, demo: bool) -> Store | None:
    """The open store, or None after telling the person what went wrong."""
    try:
        if demo:
            path = Path(db).expanduser() if db else fresh_demo_path()
            _busy(window, f"Preparing demo data in {path}...")
            api.create_demo_database(path)
            return api.open_store(path)
        path = api.resolve_db_path(db)
        _busy(window, f"Opening {path}...")
        store = api.open_store(path)
        if not store.read_only and not api.has_records(store):
            _idle()
            if DemoOffer.ask(window, path):
                store.close()
                _busy(window, f"Preparing demo data in {path}...")
                api.create_demo_database(path)
                store = api.open_store(path)
        return store
    except StoreError as error:
        _idle()
        StartupError.show(window, str(error))
        return None
    finally:
        _idle()

"""The first start on a new database: no file before the administrator exists; the first
administrator's form creates the database encrypted and shows its recovery key once (Continue
only once it is stored); after a restart the same account unlocks it. Real files in tmp_path,
the forms driven through their fields and buttons."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pypdf
import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.store import db as store_db
from ocrebill_gui.store import keys
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.qt import QApplication, QDialog, Qt
from ocrebill_gui.ui.recovery_key import RecoveryKeyDialog, SheetPath
from ocrebill_gui.ui.startup import DemoOffer, NewDatabase, create_database, open_database
from ocrebill_gui.ui.unlock import UnlockDialog, signed_in_as

pytestmark = pytest.mark.gui

PASSWORD = "correct horse"
PATIENT = "Zyxwabble, Quentin"  # a name no page of the file holds by chance


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    store_db.forget_keys()
    yield
    os.umask(old)
    store_db.forget_keys()


def _type(qtbot, field, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def _stored_and_continued(qtbot, dialog: RecoveryKeyDialog) -> str:
    """What the dialog shows, after checking that only the ticked box lets it go."""
    assert not dialog.continue_button.isEnabled()
    dialog.reject()  # Escape: the key would be lost, so the dialog stays
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Store the recovery key first" in dialog.status.text()
    qtbot.mouseClick(dialog.stored, Qt.MouseButton.LeftButton)
    assert dialog.stored.isChecked() and dialog.continue_button.isEnabled()
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    return dialog.key_label.text()


def test_the_first_start_creates_an_encrypted_database(qtbot, tmp_path, layout, clock,
                                                       monkeypatch, umask_022):
    path = tmp_path / "clinic.sqlite"
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(DemoOffer, "ask", classmethod(lambda cls, parent, where: False))
    started = open_database(window, db=str(path), demo=False)
    assert started == NewDatabase(path)
    assert not list(tmp_path.glob("clinic.sqlite*"))  # nothing before the administrator
    shown: list[str] = []

    def show_once(cls, parent, database, recovery_key):
        dialog = cls(database, recovery_key, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        shown.append(_stored_and_continued(qtbot, dialog))

    monkeypatch.setattr(RecoveryKeyDialog, "show_once", classmethod(show_once))
    panel = create_database(window, path)
    form = panel.form
    assert not form.button.isEnabled()
    _type(qtbot, form.login, "pat")
    _type(qtbot, form.display_name, "Pat Lee")
    _type(qtbot, form.password, PASSWORD)
    _type(qtbot, form.repeat, PASSWORD)
    assert not list(tmp_path.glob("clinic.sqlite*"))  # still nothing: the form is not sent
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)

    assert window.session is not None and window.session.login == "pat"
    assert window.sign_in_panel is None and window.store.path == path
    assert len(shown) == 1
    key = keys.unlock(path, "pat", PASSWORD)
    assert window.store.key == key == keys.unlock_with_recovery(path, shown[0])
    api.add_patient(window.store, signed("desk"), {"name": PATIENT})
    window.close()
    window.store.close()

    files = sorted(tmp_path.glob("clinic.sqlite*"))  # the database, its key file, -wal...
    assert {p.name for p in files} >= {"clinic.sqlite", "clinic.sqlite.keys"}
    for file in files:
        assert file.stat().st_mode & 0o777 == 0o600, file.name
        assert PATIENT.split(",")[0].encode() not in file.read_bytes(), file.name
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert not list(tmp_path.glob(".clinic.sqlite*"))  # no partial file left

    # Started again: the unlock dialog, then the same person signed in, the patient there.
    store_db.forget_keys()
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog.login, "pat")
    _type(qtbot, dialog.password, PASSWORD)
    assert dialog.submit()
    again = MainWindow(layout, clock=clock)
    qtbot.addWidget(again)
    store = open_database(again, db=str(path), demo=False)
    try:
        session = signed_in_as(store, dialog.credentials)
        assert session is not None and session.login == "pat"
        assert [p.name for p in api.list_patients(store, signed("desk"))] == [PATIENT]
    finally:
        store.close()


def test_a_refused_administrator_makes_no_file(qtbot, tmp_path, layout, clock, monkeypatch):
    path = tmp_path / "clinic.sqlite"
    keys.sidecar_path(path).write_text("{}")  # a key file whose database was moved away
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    form = create_database(window, path).form
    for field, text in ((form.login, "pat"), (form.password, PASSWORD),
                        (form.repeat, PASSWORD)):
        _type(qtbot, field, text)
    assert form.submit() is None
    assert "exists without its database" in form.general.text()
    assert not path.exists() and keys.sidecar_path(path).read_text() == "{}"
    assert window.session is None


@pytest.fixture
def recovery_dialog(qtbot, tmp_path):
    dialog = RecoveryKeyDialog(tmp_path / "clinic.sqlite", keys.new_recovery_key())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_recovery_key_is_copied(recovery_dialog, qtbot):
    qtbot.mouseClick(recovery_dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == recovery_dialog.recovery_key
    assert "Copied" in recovery_dialog.status.text()
    QApplication.clipboard().clear()


def _pdf_text(path: Path) -> str:
    return pypdf.PdfReader(path).pages[0].extract_text()


def test_the_recovery_key_is_saved_as_a_private_pdf(recovery_dialog, tmp_path, monkeypatch,
                                                    umask_022):
    target = tmp_path / "kept" / "recovery.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(SheetPath, "ask", classmethod(lambda cls, parent, suggested: target))
    assert recovery_dialog.save_pdf() == target
    assert target.stat().st_mode & 0o777 == 0o600
    groups = recovery_dialog.recovery_key.split("-")
    assert "  ".join(groups[:4]) in _pdf_text(target) and "clinic.sqlite" in _pdf_text(target)
    assert [p.name for p in target.parent.iterdir()] == ["recovery.pdf"]  # nothing partial
    monkeypatch.setattr(SheetPath, "ask", classmethod(lambda cls, parent, suggested: None))
    assert recovery_dialog.save_pdf() is None  # cancelled


def test_printing_to_a_pdf_file_writes_it_private(recovery_dialog, tmp_path, monkeypatch,
                                                  umask_022):
    from ocrebill_gui.ui.qt import print_support
    from ocrebill_gui.ui.visit_editor.printing import PrintDialog

    target = tmp_path / "printed.pdf"

    def to_file(cls, parent, printer) -> bool:
        printer.setOutputFormat(print_support().QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(PrintDialog, "ask", classmethod(to_file))
    said = recovery_dialog.print_key()
    assert said is not None and "printed.pdf" in said
    assert target.stat().st_mode & 0o777 == 0o600
    assert recovery_dialog.recovery_key.split("-")[0] in _pdf_text(target)
    monkeypatch.setattr(PrintDialog, "ask", classmethod(lambda cls, parent, printer: False))
    assert recovery_dialog.print_key() is None  # cancelled: nothing printed


def test_the_printed_page_holds_the_key_and_what_it_is_for(recovery_dialog):
    text = recovery_dialog.page().toPlainText()
    groups = recovery_dialog.recovery_key.split("-")
    assert "\u00a0\u00a0".join(groups[:4]) in text or "  ".join(groups[:4]) in text
    assert "when every password is lost" in text and "clinic.sqlite" in text


def test_the_unlock_dialog_is_wide_enough_for_its_title(qtbot, tmp_path):
    dialog = UnlockDialog(tmp_path / "clinic.sqlite", demo=True)
    qtbot.addWidget(dialog)
    dialog.show()
    title = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
    assert dialog.width() >= 2 * title + 160


def test_a_plain_database_says_an_administrator_can_encrypt_it(qtbot, tmp_path):
    from ocrebill_gui.ui.sign_in import PLAIN_HINT, SignInPanel

    plain = tmp_path / "plain.sqlite"
    with api.open_store(plain) as store:
        staff_panel = SignInPanel(store)
        qtbot.addWidget(staff_panel)
        assert PLAIN_HINT in staff_panel.note.text() and "ocrebill encrypt" in PLAIN_HINT
        demo_panel = SignInPanel(store, demo=True)  # a demo's data is fictional
        qtbot.addWidget(demo_panel)
        assert PLAIN_HINT not in demo_panel.note.text()
    api.create_demo_database(tmp_path / "demo.sqlite", patients=2, visits=2, encrypt=True)
    from ocrebill_gui.store.demo_accounts import open_demo

    with open_demo(tmp_path / "demo.sqlite") as store:
        encrypted = SignInPanel(store)
        qtbot.addWidget(encrypted)
        assert PLAIN_HINT not in encrypted.note.text()

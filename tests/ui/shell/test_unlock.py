"""The app on an encrypted database: the key file is unlocked with a login and password before
the file is opened (a refusal under the fields, nothing opened), then the same person is
signed in; a plain database opens as before."""

from __future__ import annotations

from datetime import date

import pytest

from ocrebill_gui.store import db as store_db
from ocrebill_gui.store import keys
from ocrebill_gui.store.demo import create_demo_database
from ocrebill_gui.ui.main_window import MainWindow
from ocrebill_gui.ui.startup import open_database
from ocrebill_gui.ui.unlock import UnlockDialog, signed_in_as, unlock_first

pytestmark = pytest.mark.gui


@pytest.fixture
def encrypted_demo(tmp_path):
    store_db.forget_keys()
    path = tmp_path / "demo.sqlite"
    create_demo_database(path, today=date.today(), encrypt=True)
    yield path
    store_db.forget_keys()


def test_the_app_signs_in_on_an_encrypted_demo_database(qtbot, encrypted_demo, layout,
                                                        clock) -> None:
    dialog = UnlockDialog(encrypted_demo, demo=True)
    qtbot.addWidget(dialog)
    assert dialog.demo_hint is not None and "password <b>demo</b>" in dialog.demo_hint.text()
    dialog.login.setText("nurse")
    dialog.password.setText("wrong")
    assert not dialog.submit()
    assert "Wrong login name or password" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.credentials is None
    dialog.fill_demo("nurse")
    assert dialog.submit() and dialog.credentials == ("nurse", "demo")
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    store = open_database(window, db=str(encrypted_demo), demo=False)
    assert store is not None and store.key == keys.unlock(encrypted_demo, "nurse", "demo")
    try:
        session = signed_in_as(store, dialog.credentials)
        assert session is not None and session.login == "nurse"
        window.attach_store(store, session)
        assert window.sign_in_panel is None  # straight to the nurse's screens
    finally:
        window.close()
        store.close()


def test_without_unlocking_the_app_explains_and_opens_nothing(qtbot, encrypted_demo, layout,
                                                              clock, monkeypatch) -> None:
    from ocrebill_gui.ui.startup import StartupError

    shown = []
    monkeypatch.setattr(StartupError, "show", classmethod(
        lambda cls, parent, message: shown.append(message)))
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    before = encrypted_demo.read_bytes()
    assert open_database(window, db=str(encrypted_demo), demo=False) is None
    assert shown and "is encrypted: sign in to open it" in shown[0]
    assert encrypted_demo.read_bytes() == before


def test_a_plain_database_needs_no_unlocking(tmp_path) -> None:
    path = tmp_path / "plain.sqlite"
    create_demo_database(path, today=date.today())
    assert unlock_first(None, path) is None

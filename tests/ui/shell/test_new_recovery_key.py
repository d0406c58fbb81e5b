"""File > New recovery key: an administrator of an encrypted database replaces a lost one."""

from __future__ import annotations

import pytest
import staff

from ocrebill_gui.store import keys
from ocrebill_gui.store.encryption import create_encrypted_database
from ocrebill_gui.ui.qt import QApplication, QMessageBox, QTimer
from ocrebill_gui.ui.recovery_key import RecoveryKeyDialog


@pytest.fixture
def encrypted(tmp_path):
    db = tmp_path / "encrypted.sqlite"
    store, admin, first = create_encrypted_database(db, "pat", "Pat Lee", "correct horse")
    yield db, store, admin, first
    store.close()


def _window(qtbot, layout, clock, store, session):
    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.attach_store(store, session)
    qtbot.waitExposed(main)
    return main


def _answer_dialog(tick: bool, seen: list) -> None:
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, RecoveryKeyDialog) and w.isVisible()]
    if not dialogs:
        QTimer.singleShot(20, lambda: _answer_dialog(tick, seen))
        return
    dialog = dialogs[0]
    seen.append(dialog.recovery_key)
    if tick:
        dialog.stored.setChecked(True)
        dialog.continue_button.click()
    else:
        dialog.reject()  # Escape, or the idle lock


@pytest.mark.parametrize("tick", [True, False])
def test_an_administrator_makes_a_new_recovery_key(qtbot, layout, clock, encrypted,
                                                    monkeypatch, tick):
    db, store, admin, first = encrypted
    main = _window(qtbot, layout, clock, store, admin)
    assert main.recovery_key_action.isVisible()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer_dialog(tick, seen))
    main.recovery_key_action.trigger()
    [new] = seen
    key = keys.unlock(db, "pat", "correct horse")
    assert keys.unlock_with_recovery(db, new) == key
    if tick:  # stored: only the new one opens the database
        with pytest.raises(keys.UnlockRefused):
            keys.unlock_with_recovery(db, first)
        assert "old one no longer opens" in main.statusBar().currentMessage()
    else:  # closed unstored: the old one still works, nothing is lost
        assert keys.unlock_with_recovery(db, first) == key
        assert "old one still opens" in main.statusBar().currentMessage()


def test_not_offered_to_other_roles_nor_on_a_plain_database(qtbot, layout, clock, encrypted,
                                                            store):
    _db, encrypted_store, admin, _first = encrypted
    from ocrebill_gui.store import accounts

    accounts.add_user(encrypted_store, admin, "kim", "Kim Rivera", ["biller"], "first-day-1")
    biller = accounts.change_password(encrypted_store,
                                      accounts.sign_in(encrypted_store, "kim", "first-day-1"),
                                      "first-day-1", "kim's own words")
    main = _window(qtbot, layout, clock, encrypted_store, biller)
    assert not main.recovery_key_action.isVisible()
    plain = _window(qtbot, layout, clock, store, staff.session(store, "ana", ["admin"]))
    assert not plain.recovery_key_action.isVisible()

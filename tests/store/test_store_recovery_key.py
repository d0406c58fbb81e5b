"""An administrator replaces a lost recovery key (store/recovery.py)."""

from __future__ import annotations

import pytest

from ocrebill_gui import store as st
from ocrebill_gui.store import StoreError, accounts, keys
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.audit import audit_entries
from ocrebill_gui.store.encryption import create_encrypted_database
from ocrebill_gui.store.recovery import recovery_key_shown, replace_recovery_key


@pytest.fixture
def clinic(tmp_path):
    db = tmp_path / "clinic.sqlite"
    store, admin, first = create_encrypted_database(db, "pat", "Pat Lee", "correct horse")
    yield db, store, admin, first
    store.close()


def test_the_new_key_opens_the_old_one_until_the_new_one_was_shown(clinic):
    db, store, admin, first = clinic
    second = replace_recovery_key(store, admin)
    assert second != first
    assert keys.unlock_with_recovery(db, second) == store.key
    assert keys.unlock_with_recovery(db, first) == store.key  # not yet shown: both open
    recovery_key_shown(store)
    assert keys.unlock_with_recovery(db, second) == store.key
    with pytest.raises(keys.UnlockRefused, match="Wrong recovery key"):
        keys.unlock_with_recovery(db, first)
    assert keys.unlock(db, "pat", "correct horse") == store.key  # passwords untouched
    [entry] = [e for e in audit_entries(store, admin, "database") if e.action == "replace"]
    assert entry.actor.startswith("pat") and first not in str(entry) and second not in str(entry)


def test_a_crash_before_it_was_shown_leaves_the_old_key_working(clinic):
    db, store, admin, first = clinic
    replace_recovery_key(store, admin)  # the key is never shown: the process dies here
    store.close()
    assert keys.unlock_with_recovery(db, first) == keys.unlock(db, "pat", "correct horse")


def test_only_an_administrator_and_only_an_encrypted_database(clinic, tmp_path):
    db, store, admin, _first = clinic
    accounts.add_user(store, admin, "kim", "Kim Rivera", ["biller"], "first-day-1")
    biller = accounts.sign_in(store, "kim", "first-day-1")
    before = keys.sidecar_path(db).read_bytes()
    with pytest.raises(NotAllowed):
        replace_recovery_key(store, biller)
    assert keys.sidecar_path(db).read_bytes() == before
    with st.open_store(tmp_path / "plain.sqlite") as plain:
        plain_admin = accounts.create_first_admin(plain, "ana", "Ana", "correct horse")
        with pytest.raises(StoreError, match="not encrypted"):
            replace_recovery_key(plain, plain_admin)

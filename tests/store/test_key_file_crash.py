"""A password change on an encrypted database writes the key file's wrap and the users table's
hash: killed (SIGKILL) between the two, the account still signs in with the password that the
database kept, and the next sign-in settles the key file (issue 11). The process is killed
for real at the moment in question: right after the key file is written and before the
database commits, or after the commit and before the replaced wrap is dropped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import date

import pytest

from ocrebill_gui import store as st
from ocrebill_gui.store import accounts, keys
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.demo import create_demo_database

NEW = "a new password 42"

CHANGE_AND_DIE = f"""
import os, signal, sys
from ocrebill_gui import store as st
from ocrebill_gui.store import accounts, keys
from ocrebill_gui.store.audit_chain import verify_audit
path, moment = sys.argv[1], sys.argv[2]
store = st.open_store(path, key=keys.unlock(path, "nurse", "demo"))
session = accounts.sign_in(store, "nurse", "demo")

def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)

if moment == "before-commit":  # the key file written, the transaction not committed
    save = keys.Sidecar.save
    keys.Sidecar.save = lambda self: (save(self), die())
else:  # committed, the replaced wrap not dropped yet
    accounts.forget_previous = die
accounts.change_password(store, session, "demo", {NEW!r})
print("not killed")
"""


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "clinic.sqlite"
    create_demo_database(path, patients=3, visits=6, today=date(2026, 11, 27), encrypt=True)
    return path


def _change_and_kill(path, moment: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHANGE_AND_DIE, str(path), moment],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


def _sign_in(path, password: str) -> accounts.Session:
    with st.open_store(path, key=keys.unlock(path, "nurse", password)) as store:
        return accounts.sign_in(store, "nurse", password)


def _previous(path) -> dict:
    return json.loads(keys.sidecar_path(path).read_text()).get("previous", {})


def test_killed_before_the_commit_the_old_password_still_opens_and_signs_in(encrypted):
    _change_and_kill(encrypted, "before-commit")
    assert len(_previous(encrypted)["nurse"]) == 1  # the new wrap and the old one, both kept
    assert _sign_in(encrypted, "demo").login == "nurse"
    assert "nurse" not in _previous(encrypted)  # settled: the old wrap is the current one
    with pytest.raises(keys.UnlockRefused):
        keys.unlock(encrypted, "nurse", NEW)  # the change never happened
    with st.open_store(encrypted, key=keys.unlock(encrypted, "admin", "demo")) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not verify_audit(store.conn, store.audit_key).problems


def test_killed_after_the_commit_the_new_password_opens_and_the_old_one_goes(encrypted):
    _change_and_kill(encrypted, "after-commit")
    assert "nurse" in _previous(encrypted)
    # The old password still unwraps the key (as a copy of the old key file would), but the
    # database, which has the new hash, refuses it.
    with st.open_store(encrypted, key=keys.unlock(encrypted, "nurse", "demo")) as store:
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(store, "nurse", "demo")
    assert _sign_in(encrypted, NEW).login == "nurse"
    assert "nurse" not in _previous(encrypted)
    with pytest.raises(keys.UnlockRefused):
        keys.unlock(encrypted, "nurse", "demo")


def test_a_change_that_completes_leaves_no_previous_wrap(encrypted):
    with st.open_store(encrypted, key=keys.unlock(encrypted, "nurse", "demo")) as store:
        session = accounts.sign_in(store, "nurse", "demo")
        accounts.change_password(store, session, "demo", NEW)
    assert _previous(encrypted) == {}
    assert _sign_in(encrypted, NEW).login == "nurse"
    with pytest.raises(keys.UnlockRefused):
        keys.unlock(encrypted, "nurse", "demo")

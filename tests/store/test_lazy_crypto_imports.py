"""A plain database reaches its sign-in screen without loading the encryption stack
(sqlcipher3, cryptography: ~11 MB resident) or argon2 (loaded by the first password check),
and SQLCipher's exceptions are still turned into StoreErrors once an encrypted file is opened
later in the same process (store/errors.sqlite_errors asks when an exception is caught)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from ocrebill_gui.store.demo import create_demo_database

CRYPTO = ("sqlcipher3", "cryptography", "argon2")


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lazy")
    plain, encrypted = folder / "plain.sqlite", folder / "encrypted.sqlite"
    create_demo_database(plain, patients=2, visits=3, today=date(2026, 11, 27))
    create_demo_database(encrypted, patients=2, visits=3, today=date(2026, 11, 27),
                         encrypt=True)
    return plain, encrypted


def _run(code: str, tmp_path) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "OCREBILL_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", code], env=env, text=True,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_plain_database_signs_in_without_the_encryption_stack(demos, tmp_path):
    plain, _ = demos
    code = f"""
import sys
def loaded(): return ",".join(m for m in {CRYPTO!r} if m in sys.modules) or "-"
from ocrebill_gui import store as st
from ocrebill_gui.store import accounts
from ocrebill_gui.store.encryption import refuse_lone_key_file
import ocrebill_gui.ui.app, ocrebill_gui.ui.startup, ocrebill_gui.ui.sign_in
import ocrebill_gui.ui.unlock, ocrebill_gui.ui.today
store = st.open_store({str(plain)!r})
refuse_lone_key_file(store.path)
print(accounts.has_accounts(store), loaded())
session = accounts.sign_in(store, "nurse", "demo")
print(session.login, loaded())
"""
    assert _run(code, tmp_path) == ["True -", "nurse argon2"]


def test_sqlcipher_errors_are_store_errors_when_it_is_loaded_late(demos, tmp_path):
    plain, encrypted = demos
    code = f"""
import sys
from ocrebill_gui import store as st
from ocrebill_gui.store import keys
from ocrebill_gui.store.db import writing
from ocrebill_gui.store.errors import StoreError, UnreadableDatabase
st.open_store({str(plain)!r}).close()
print("sqlcipher3" in sys.modules)
try:
    st.open_store({str(encrypted)!r}, key=bytes(32))  # a wrong key
except UnreadableDatabase as exc:
    print("refused:", "the key does not open it" in str(exc))
store = st.open_store({str(encrypted)!r}, key=keys.unlock({str(encrypted)!r}, "admin", "demo"))
try:
    with writing(store):
        store.conn.execute("INSERT INTO no_such_table VALUES (1)")
except StoreError as exc:
    print(type(exc).__name__, "no such table" in str(exc))
"""
    assert _run(code, tmp_path) == ["False", "refused: True", "StoreError True"]

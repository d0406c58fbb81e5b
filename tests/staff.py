"""Staff accounts for tests: a database with people who may sign in, and sessions for them.

Every account made here has the password PASSWORD, the demo accounts' own ("demo"), so one
private password file signs the `ocrebill` commands in on a test database and on a demo one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ocrebill_gui import store as st
from ocrebill_gui.store import accounts

PASSWORD = "demo"
ADMIN = "admin"  # the administrator (a demo database's too)
STAFF = "staff"  # front desk, nurse and biller: every command on patient data
EVERY_ROLE_BUT_ADMIN = ("front_desk", "nurse", "biller")


def account(store: st.Store, login: str, roles: Iterable[str] = EVERY_ROLE_BUT_ADMIN, *,
            name: str | None = None, must_change: bool = False) -> accounts.Account:
    """The account `login` with these roles, made if missing (the administrator first)."""
    if store.conn.in_transaction:  # a test's own raw SQL left sqlite3's implicit one open
        store.conn.commit()
    if not accounts.has_accounts(store):
        accounts.create_first_admin(store, ADMIN, "Pat Admin", PASSWORD, password_rule=False)
    admin = accounts.sign_in(store, ADMIN, PASSWORD)
    found = next((a for a in accounts.list_accounts(store, admin) if a.login == login), None)
    if found is not None:
        return found
    return accounts.add_user(store, admin, login, name or login.title(), list(roles), PASSWORD,
                             must_change=must_change, password_rule=False)


def session(store: st.Store, login: str = STAFF, roles: Iterable[str] = EVERY_ROLE_BUT_ADMIN,
            **kwargs) -> accounts.Session:
    """Signed in as `login` (made with `roles` if missing), as the app does."""
    account(store, login, roles, **kwargs)
    return accounts.sign_in(store, login, PASSWORD)


ALL_ROLES = tuple(accounts.ROLES)
_SIGNED: dict[tuple[str, tuple[str, ...]], accounts.Session] = {}
_ELSEWHERE: list[Path] = []


def signed(login: str = STAFF, roles: Iterable[str] = ALL_ROLES) -> accounts.Session:
    """A real session for `login` (every role unless told), signed in on a database of its
    own (one per process, removed at exit) and kept: for tests that call the store as
    someone without making that person's account in the test's database, whose audit log
    then holds only what the test does. The store checks a session's roles, not the
    database it was made on. Hashed cheaply (the password is public), so that a process
    a test starts gets its sessions at once."""
    key = (login, tuple(sorted(set(roles))))
    if key not in _SIGNED:
        from argon2 import PasswordHasher

        if not _ELSEWHERE:
            import atexit
            import shutil
            import tempfile

            _ELSEWHERE.append(Path(tempfile.mkdtemp(prefix="ocrebill-test-sessions-")))
            atexit.register(shutil.rmtree, _ELSEWHERE[0], True)
        previous = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1))
        try:
            with st.open_store(_ELSEWHERE[0] / f"{'-'.join(key[1])}.sqlite") as store:
                _SIGNED[key] = session(store, login, key[1])
        finally:
            accounts.use_hasher(previous)
    return _SIGNED[key]


def add_staff(path: str | os.PathLike[str]) -> Path:
    """The database at `path` (made if needed) with `admin` and `staff`; returns the path."""
    with st.open_store(path) as store:
        account(store, STAFF)
    return Path(path)


def password_file(folder: Path) -> Path:
    """A private (0600) file holding PASSWORD, for $OCREBILL_PASSWORD_FILE."""
    file = folder / "ocrebill-password"
    file.write_text(f"{PASSWORD}\n", encoding="utf-8")
    file.chmod(0o600)
    return file

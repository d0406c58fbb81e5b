"""The staff accounts of a demo database: one per role, each with the password "demo".

`ocrebill demo` and `ocrebill --demo` make them so that the demo can be tried in every role at
once; the sign-in screen of a demo database lists them, and `ocrebill demo` prints them. The
password is public, so its hashes are made with argon2id at its cheapest (a few milliseconds,
not ~0.25 s each) and with salts that depend on nothing random, so that a demo database is the
same for the same seed and day; the first sign-in re-hashes it with the full parameters and a
random salt, as for any hash made with older parameters.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocrebill_gui.store import accounts
from ocrebill_gui.store.db import Store, file_is_encrypted, open_store

if TYPE_CHECKING:
    from ocrebill_gui.store.server import ServerAddress

DEMO_PASSWORD = "demo"

# (login, display name, role)
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", "Pat Admin", "admin"),
    ("frontdesk", "Amy Desk", "front_desk"),
    ("nurse", "Kim Nurse", "nurse"),
    ("biller", "Joe Biller", "biller"),
)

def _demo_hasher():
    """argon2id at its cheapest, the n-th hash with the n-th salt of a fixed sequence (argon2
    imported here, when demo accounts are made: not before the sign-in screen)."""
    from argon2 import PasswordHasher

    class DemoHasher(PasswordHasher):
        def __init__(self) -> None:
            super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
            self._made = 0

        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            self._made += 1
            fixed = hashlib.sha256(f"ocrebill-demo-account-{self._made}".encode()).digest()[:16]
            return super().hash(password, salt=salt or fixed)

    return DemoHasher()


def demo_accounts_text() -> str:
    """One line naming the accounts: 'admin (administrator), frontdesk (front desk), ...'."""
    return ", ".join(f"{login} ({accounts.ROLES[role]})" for login, _name, role in DEMO_ACCOUNTS)


def add_demo_accounts(store: Store, *, cheap: bool = True) -> None:
    """The four demo accounts in a database that has none yet (the first is its
    administrator); the password rule is waived for "demo", and none must change it."""
    if cheap:
        previous = accounts.use_hasher(_demo_hasher())
    try:
        (login, name, _role), *others = DEMO_ACCOUNTS
        admin = accounts.create_first_admin(store, login, name, DEMO_PASSWORD,
                                            password_rule=False)
        for login, name, role in others:
            accounts.add_user(store, admin, login, name, [role], DEMO_PASSWORD,
                              must_change=False, password_rule=False)
    finally:
        if cheap:
            accounts.use_hasher(previous)  # None (not made yet) included



def open_demo(path: str | os.PathLike[str] | ServerAddress, **options: Any) -> Store:
    """A demo database just made (store/demo.py), opened: an encrypted one with the key that
    its public password unwraps (the app, the smoke test and the screenshots open the demo
    they made without an unlock dialog; its sign-in screen follows as for any database). A key
    file that is not a demo's is refused (StoreError), as a wrong password would be."""
    from ocrebill_gui.store.keys import read_sidecar, unlock
    from ocrebill_gui.store.server import ServerAddress

    if isinstance(path, ServerAddress) or not file_is_encrypted(Path(path)):
        return open_store(path, **options)  # a server's demo is plain: it has no key file
    if not read_sidecar(path).demo:
        from ocrebill_gui.store.errors import StoreError

        raise StoreError(f"{path} is not a demo database: sign in to open it")
    key = unlock(path, DEMO_ACCOUNTS[0][0], DEMO_PASSWORD)
    return open_store(path, key=key, **options)

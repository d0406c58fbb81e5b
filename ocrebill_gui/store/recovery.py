"""A new recovery key for an encrypted database, issued by an administrator.

The recovery key is shown once, when the database is created. One that was lost (the app was
closed before it was written down, the sheet is gone) or seen by someone who should not have
it is replaced here: the database key is sealed under a new recovery key in the key file, and
the audit log records that (not the key). The replaced one keeps opening until the caller
says the new one was shown (`recovery_key_shown`), so a crash in between never leaves the
database without a recovery key that somebody has seen.
"""

from __future__ import annotations

from ocrebill_gui.store import audit
from ocrebill_gui.store.accounts import Session, require
from ocrebill_gui.store.db import Store, database_file, writing
from ocrebill_gui.store.errors import StoreError
from ocrebill_gui.store.keys import (
    forget_previous_recovery,
    new_recovery_key,
    read_sidecar,
    set_recovery,
)


def replace_recovery_key(store: Store, session: Session) -> str:
    """A new recovery key for `store`'s encrypted database (administrators only); the old one
    still opens until recovery_key_shown()."""
    require(session, "accounts.manage")
    if store.key is None:
        raise StoreError(f"{store.path} is not encrypted, so it has no recovery key (encrypt it "
                         "with `ocrebill encrypt`)")
    recovery = new_recovery_key()
    with writing(store):
        sidecar = read_sidecar(database_file(store))
        set_recovery(sidecar, store.key, recovery, keep_previous=True)
        sidecar.save()
        audit.record(store, session.actor, "database", "recovery-key", "replace", [])
    return recovery


def recovery_key_shown(store: Store) -> None:
    """The new recovery key was shown to the administrator: the one it replaced stops opening
    the database."""
    if store.key is not None:
        forget_previous_recovery(read_sidecar(database_file(store)))

"""Encrypted databases: a new one with its administrator (the default for a new database), and
turning a plain one into an encrypted one (`ocrebill encrypt`, encrypted demos).

`create_encrypted_database(path, login, display_name, password)` makes a new database
encrypted from its first byte, for the app's first-administrator form and `ocrebill users add`
alike: a random key, the key file with the recovery key's wrap, the database with the
administrator's account (which wraps the key for them), built under partial names and moved
into place only when complete (the key file first: killed between the two moves, a key file
without its database is refused, never overwritten). It returns the open store, the
administrator's session and the recovery key, which the caller shows once. No plain file is
ever written at `path`.

`encrypt_database(path, login, password)` converts a plain OcreBill database in place, as an
administrator who signs in with it:

1. the plain file is checked first (integrity and its audit chain: a damaged file is refused,
   unchanged) and its WAL folded in;
2. a new random key; SQLCipher's `sqlcipher_export` writes an encrypted copy beside it under a
   partial name; the copy's audit log is chained again as an HMAC under the key derived from
   the database key (the unkeyed chain was verified in step 1, so nothing is lost: a forged row
   from before would have failed there), then checked: integrity, the row count of every table
   equal to the original's, the keyed chain sound;
3. the original is kept as `FILE.plain-backup` (a hard link, taken before anything moves),
   the key file written (the administrator's wrap and the recovery key's), and the copy moved
   into place; it is opened again with the key and checked once more;
4. only then is the plain backup removed (unless `keep_plain`): a plain copy of the patient
   data left on disk would undo the encryption.

Killed before step 3 the original is untouched (the partial copy is removed by the next
conversion); killed in step 3, FILE is either the plain original (the key file beside it is
ignored: the file's header decides) or the checked encrypted copy, and FILE.plain-backup is
still there. Other staff accounts get no wrap (their passwords are unknown here): an
administrator resets their passwords (`ocrebill users reset-password`), which wraps the key
for them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from collections.abc import Callable
from datetime import datetime

from ocrebill_gui.files import PARTIAL_SUFFIX, create_private, partial_path
from ocrebill_gui.store import keys
from ocrebill_gui.store.audit_chain import key_chain, verify_audit
from ocrebill_gui.store.db import (
    CIPHER_PAGE_SIZE,
    Store,
    connect_encrypted,
    file_is_encrypted,
    folder_for,
    open_store,
)
from ocrebill_gui.store.errors import (
    InvalidRecord,
    StoreError,
    UnreadableDatabase,
    database_errors,
)

if TYPE_CHECKING:
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.store.server import ServerAddress

PLAIN_BACKUP_SUFFIX = ".plain-backup"


@dataclass
class EncryptReport:
    path: Path
    recovery_key: str
    counts: dict[str, int]
    audit_rows: int
    plain_backup: Path | None = None
    without_wrap: list[str] = field(default_factory=list)  # accounts to reset


def table_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names}


def export_encrypted(source: Path, dest: Path, key: bytes) -> None:
    """An encrypted copy of the plain database `source` at `dest` (a new, empty file)."""
    conn = connect_plain_through_sqlcipher(source)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"",
                     (os.fspath(dest),))
        conn.execute(f"PRAGMA encrypted.cipher_page_size = {CIPHER_PAGE_SIZE}")
        # A new file that callers fsync before moving it into place, and remove if anything
        # fails: no journal, no fsync per page (a 200-visit demo: 0.19 s -> 0.03 s).
        conn.execute("PRAGMA encrypted.synchronous = OFF")
        conn.execute("PRAGMA encrypted.journal_mode = OFF")
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def connect_plain_through_sqlcipher(source: Path):
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(os.fspath(source), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    return conn


def seal_copy(dest: Path, key: bytes) -> int:
    """Chain the copy's audit log under the key (in one transaction); its row count."""
    conn = connect_encrypted(os.fspath(dest), key, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        rows = key_chain(conn, keys.audit_key(key))
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return rows


def verify_copy(dest: Path, key: bytes, expected: dict[str, int]) -> None:
    conn = connect_encrypted(os.fspath(dest), key)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        counts = table_counts(conn)
        verdict = verify_audit(conn, keys.audit_key(key))
    finally:
        conn.close()
    if integrity != ["ok"]:
        raise StoreError(f"The encrypted copy failed its integrity check ({'; '.join(integrity)})"
                         ": the original was not changed")
    if counts != expected:
        differ = [t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t)]
        raise StoreError(f"The encrypted copy does not hold the same rows ({', '.join(differ)}):"
                         " the original was not changed")
    if verdict.problems:
        raise StoreError(f"The encrypted copy's audit chain does not verify "
                         f"({verdict.problems[0]}): the original was not changed")


def refuse_lone_key_file(target: Path) -> None:
    """A key file without its database is never replaced: StoreError saying what to do."""
    sidecar = keys.sidecar_path(target)
    if os.path.lexists(sidecar) and not os.path.lexists(target):
        raise StoreError(f"{sidecar} exists without its database: if the database was moved, "
                         "move its key file with it; otherwise move the key file away first. "
                         "Nothing was changed")


def create_encrypted_database(path: str | os.PathLike[str], login: str, display_name: str,
                              password: str, *,
                              clock: Callable[[], datetime] | None = None,
                              ) -> tuple[Store, Session, str]:
    """A new encrypted database at `path` with its administrator: (the open store, the
    administrator's Session, the recovery key). The fields are checked first (InvalidRecord,
    by field, nothing made); an existing file, or a key file without its database, is refused
    (StoreError, nothing changed). See the module docstring."""
    from ocrebill_gui.store.accounts import account_problems, create_first_admin
    from ocrebill_gui.store.server import refuse_server

    refuse_server(path)
    problems = account_problems(login, display_name, password)
    if problems:
        raise InvalidRecord(list(problems.items()))
    target = Path(path).expanduser()
    sidecar = keys.sidecar_path(target)
    if os.path.lexists(target):
        raise StoreError(f"{target} exists already: a new database needs a new file name")
    refuse_lone_key_file(target)
    folder_for(target)
    key, recovery = keys.new_key(), keys.new_recovery_key()
    partial = partial_path(target)
    try:
        keys.create_sidecar(partial, key, recovery).save()
        with open_store(partial, key=key, clock=clock) as store:
            session = create_first_admin(store, login, display_name, password)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(keys.sidecar_path(partial), sidecar)
        os.replace(partial, target)
    except database_errors() as exc:
        raise StoreError(f"Cannot create {target}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"Cannot create {target}: {exc.strerror or exc}") from exc
    finally:
        for leftover in (partial, keys.sidecar_path(partial), Path(f"{partial}-wal"),
                         Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return open_store(target, key=key, clock=clock), session, recovery


def encrypt_database(path: str | os.PathLike[str] | ServerAddress, login: str, password: str, *,
                     keep_plain: bool = False) -> EncryptReport:
    """Convert the plain database at `path` (see the module docstring). The administrator
    `login` signs in with `password`, and the key is wrapped for them."""
    from ocrebill_gui.store.accounts import has_accounts, require, sign_in
    from ocrebill_gui.store.server import ServerAddress, refuse_server

    refuse_server(path)
    assert not isinstance(path, ServerAddress)  # refused just above
    target = Path(path).expanduser()
    if not target.exists():
        raise StoreError(f"{target}: no such database")
    if file_is_encrypted(target):
        raise StoreError(f"{target} is encrypted already: nothing was changed")
    backup = Path(f"{target}{PLAIN_BACKUP_SUFFIX}")
    for stale in (backup, keys.sidecar_path(target)):
        if stale.exists():
            raise StoreError(f"{stale} exists (left by an earlier conversion?): move it away "
                             "first; nothing was changed")
    for leftover in target.parent.glob(f".{target.name}.*{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)  # a killed conversion's copy
    with open_store(target, create=False) as store:
        if store.read_only:
            raise StoreError(f"{target} is read-only: it cannot be encrypted in place")
        if not has_accounts(store):
            raise StoreError(f"{target} has no staff accounts yet: the key must be wrapped for "
                             "someone. Create the administrator first (`ocrebill users add "
                             "LOGIN --role admin`)")
        session = sign_in(store, login, password)
        require(session, "accounts.manage")
        conn = store.conn
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise UnreadableDatabase(f"{target} failed its integrity check: it was not "
                                     "encrypted (run `ocrebill check`, restore a backup)")
        verdict = verify_audit(conn, store.audit_key)
        if verdict.problems:
            raise StoreError(f"{target}: its audit chain does not verify ({verdict.problems[0]})"
                             ": it was not encrypted. Run `ocrebill check`.")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = table_counts(conn)
        others = [r[0] for r in conn.execute("SELECT login FROM users WHERE login != ? AND "
                                             "active = 1 ORDER BY login", (session.login,))]
        disabled = [r[0] for r in conn.execute("SELECT login FROM users WHERE active = 0")]
        admin_login = session.login
    key, recovery = keys.new_key(), keys.new_recovery_key()
    partial = partial_path(target)
    try:
        create_private(partial)
        export_encrypted(target, partial, key)
        rows = seal_copy(partial, key)
        verify_copy(partial, key, counts)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        sidecar = keys.create_sidecar(target, key, recovery)
        keys.set_wrap(sidecar, admin_login, password, key)
        for name in disabled:
            keys.remove_wrap(sidecar, name)
        for name in others:
            keys.remove_wrap(sidecar, name, why="reset")
        os.link(target, backup)  # the original, under its second name, before anything moves
        sidecar.save()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    except database_errors() as exc:
        raise StoreError(f"Cannot encrypt {target}: {exc}; the original was not changed") \
            from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    with open_store(target, create=False, key=key) as check:
        if table_counts(check.conn) != counts or verify_audit(check.conn,
                                                              check.audit_key).problems:
            raise StoreError(f"{target} did not verify after encryption: the original is kept "
                             f"as {backup}")
    if not keep_plain:
        backup.unlink()
    return EncryptReport(path=target, recovery_key=recovery, counts=counts, audit_rows=rows,
                         plain_backup=backup if keep_plain else None, without_wrap=others)


__all__ = ["PLAIN_BACKUP_SUFFIX", "EncryptReport", "create_encrypted_database",
           "encrypt_database", "export_encrypted", "refuse_lone_key_file",
           "table_counts"]

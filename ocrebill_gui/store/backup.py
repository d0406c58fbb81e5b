"""Backups (SQLite's online backup, then an integrity check of the copy) and the health check
behind `ocrebill check`.

The backup of an encrypted database is encrypted with the same key (SQLCipher's backup between
two connections keyed alike) and gets a copy of its key file (`NAME.keys`, written first): it
opens with the same accounts and recovery key, wherever it is restored."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.files import create_private, partial_path, put_in_place, write_private_bytes
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.db import Store, connect_encrypted, database_file
from ocrebill_gui.store.errors import (
    BackupExists,
    StoreError,
    as_store_error,
    database_errors,
    sqlite_errors,
    translate,
)
from ocrebill_gui.store.migrations import SCHEMA_VERSION, user_version
from ocrebill_gui.store.unfinished_backups import COMPANIONS, noted, remove_unfinished


class BackupReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    bytes: int
    visits: int
    integrity: str


class CheckReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path | str  # a file, or a server's URL without its password
    schema_version: int
    integrity: list[str] = Field(default_factory=list)  # ["ok"] when sound
    foreign_keys: list[str] = Field(default_factory=list)
    consistency: list[str] = Field(default_factory=list)
    audit: list[str] = Field(default_factory=list)  # the audit chain and the claims it covers
    notices: list[str] = Field(default_factory=list)  # worth a look, not damage
    counts: dict[str, int] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (self.integrity == ["ok"] and not self.foreign_keys and not self.consistency
                and not self.audit)


@reads("backup")  # a copy: nothing written to this database, no actor to record
def backup_database(store: Store, dest: str | os.PathLike[str], *,
                    force: bool = False) -> BackupReport:
    """Copy the open database to `dest` while it stays in use, check the copy's integrity,
    and only then put it in place: a failed backup never leaves a half-written file, and a
    killed one leaves a partial file that the next start removes (unfinished_backups). The
    copy is private (0600). An existing `dest` is replaced only with `force`
    (BackupExists otherwise, before anything is written)."""
    if not isinstance(store.path, Path):
        raise StoreError(f"{store.path} is a server: back it up with "
                         "store/server_backup.backup_server (`ocrebill backup` does)")
    target = backup_destination(dest, store.path.name)
    if target.resolve() == store.path.resolve():
        raise StoreError("The backup cannot overwrite the database itself: choose another file.")
    if os.path.lexists(target) and not force:
        raise BackupExists(target)
    remove_unfinished(store.path)
    partial = partial_path(target)
    with noted(store.path, partial):
        try:
            create_private(partial)  # SQLite gives its journals the same mode
            copy = (connect_encrypted(os.fspath(partial), store.key) if store.key is not None
                    else sqlite3.connect(partial))
        except sqlite_errors() as exc:
            partial.unlink(missing_ok=True)
            raise as_store_error(exc, target) from exc
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from exc
        try:
            with translate(target):
                copy_into(store, copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                result = [r[0] for r in copy.execute("PRAGMA integrity_check").fetchall()]
                visits = copy.execute("SELECT count(*) FROM visits").fetchone()[0]
            copy.close()
            if result != ["ok"]:
                raise StoreError(f"The backup copy failed its integrity check "
                                 f"({'; '.join(result)}): it was not kept. Run `ocrebill "
                                 "check` on the database.")
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            if store.key is not None:
                _copy_key_file(store, target)
            try:
                put_in_place(partial, target, force=force)
            except FileExistsError:  # made while the copy was being written
                raise BackupExists(target) from None
        except BaseException:
            copy.close()
            for suffix in COMPANIONS:
                Path(f"{partial}{suffix}").unlink(missing_ok=True)
            raise
    return BackupReport(path=target, bytes=target.stat().st_size, visits=visits,
                        integrity="ok")


def backup_destination(dest: str | os.PathLike[str], name: str) -> Path:
    """The backup's file: `dest`, or `dest/name` when `dest` is a folder. StoreError when its
    folder does not exist: never created (a USB stick that is not mounted must not get a
    local "backup")."""
    text = os.fspath(dest)
    target = Path(text).expanduser()
    if text.endswith(("/", os.sep)) and not target.is_dir():
        raise StoreError(f"The folder {target} does not exist (is the drive connected?): "
                         "nothing was written.")
    if target.is_dir():
        target = target / name
    if not target.parent.is_dir():
        raise StoreError(f"The folder {target.parent} does not exist (is the drive "
                         "connected?): nothing was written.")
    return target


def _copy_key_file(store: Store, target: Path) -> None:
    """The key file beside the backup: the same wraps, without the failed attempts."""
    import json

    from ocrebill_gui.store.keys import read_sidecar, sidecar_path

    data = dict(read_sidecar(database_file(store)).data, failures={})
    write_private_bytes(sidecar_path(target), (json.dumps(data, indent=1, sort_keys=True)
                                               + "\n").encode("utf-8"), force=True)


def copy_into(store: Store, copy: sqlite3.Connection) -> None:
    """SQLite's online backup of the open database into `copy` (a step of its own, so that a
    test can stop a backup half-way)."""
    store.conn.backup(copy)


@reads("store.read")
def check_database(store: Store) -> CheckReport:
    """Integrity check, foreign-key check, the store's own bookkeeping rules and the audit
    trail (its hash chain, head anchor and the claims it covers: audit_chain.verify_audit).
    Damage is reported, not raised: each part says what it could not read."""
    conn = store.conn

    def attempt(what: str, run):
        try:
            return run(), None
        except database_errors() as exc:
            return None, f"{what}: cannot be read ({exc})"

    integrity, error = attempt("integrity check", lambda: [
        r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()])
    integrity = integrity or [error]
    fk, error = attempt("foreign keys", lambda: [
        f"{table} {'row ' + str(rowid) if rowid is not None else 'row'}: refers to a "
        f"missing {parent} row"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()])
    fk = fk if error is None else [error]
    counts: dict[str, int] = {}
    for table in ("patients", "coverages", "authorizations", "vial_lots", "visits",
                  "audit_log"):
        count, error = attempt(table, lambda t=table: conn.execute(
            f"SELECT count(*) FROM {t}").fetchone()[0])
        counts[table] = -1 if count is None else count
    consistency, error = attempt("bookkeeping", lambda: _consistency(conn))
    consistency = consistency if error is None else [error]
    notices, error = attempt("authorization use", lambda: _notices(conn))
    notices = notices if error is None else [error]
    verdict, error = attempt("audit trail", lambda: verify_audit(conn, store.audit_key))
    audit = verdict.problems if verdict is not None else [error]
    notices += verdict.notices if verdict is not None else []
    version, error = attempt("schema version", lambda: user_version(store.db))
    where = store.path if isinstance(store.path, Path) else str(store.path)
    return CheckReport(path=where, schema_version=version if version is not None else -1,
                       integrity=integrity, foreign_keys=fk, consistency=consistency,
                       audit=audit, notices=notices, counts=counts)


def _consistency(conn: sqlite3.Connection) -> list[str]:
    out = []
    for (visit_id,) in conn.execute("SELECT id FROM visits WHERE status = 'finalized' AND "
                                    "claim IS NULL"):
        out.append(f"visit {visit_id} is finalized but has no claim result")
    for (visit_id,) in conn.execute(
            "SELECT DISTINCT v.id FROM visits v JOIN vial_uses u ON u.visit_id = v.id "
            "WHERE v.status = 'draft' UNION SELECT DISTINCT v.id FROM visits v "
            "JOIN authorization_uses a ON a.visit_id = v.id WHERE v.status = 'draft'"):
        out.append(f"draft visit {visit_id} still holds vials or authorization units")
    return out


def _notices(conn: sqlite3.Connection) -> list[str]:
    out = []
    for auth_id, number, approved, used in conn.execute(
            "SELECT a.id, a.number, a.approved_units, sum(u.units) FROM authorizations a "
            "JOIN authorization_uses u ON u.authorization_id = a.id "
            "GROUP BY a.id HAVING a.approved_units IS NOT NULL AND sum(u.units) > "
            "a.approved_units"):
        out.append(f"authorization {number} (id {auth_id}): {used} units used of {approved} "
                   "approved (visits finalized despite the error)")
    return out


__all__ = ["SCHEMA_VERSION", "BackupReport", "CheckReport", "backup_database", "check_database"]

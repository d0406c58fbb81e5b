"""Backups (SQLite's online backup, then an integrity check of the copy) and the health check
behind `ocrebill check`."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.errors import StoreError, as_store_error, translate
from ocrebill_gui.store.migrations import SCHEMA_VERSION, user_version


class BackupReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    bytes: int
    visits: int
    integrity: str


class CheckReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
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


def backup_database(store: Store, dest: str | os.PathLike[str], *,
                    overwrite: bool = False) -> BackupReport:
    """Copy the open database to `dest` while it stays in use, check the copy's integrity,
    and only then put it in place (a failed backup never leaves a half-written file)."""
    text = os.fspath(dest)
    target = Path(text).expanduser()
    if text.endswith(("/", os.sep)) and not target.is_dir():
        # Never create it: a USB stick that is not mounted must not get a local "backup".
        raise StoreError(f"The folder {target} does not exist (is the drive connected?): "
                         "nothing was written.")
    if target.is_dir():
        target = target / store.path.name
    if target.resolve() == store.path.resolve():
        raise StoreError("The backup cannot overwrite the database itself: choose another file.")
    if target.exists() and not overwrite:
        raise StoreError(f"{target} already exists: choose a new file name (or overwrite).")
    if not target.parent.is_dir():
        raise StoreError(f"The folder {target.parent} does not exist (is the drive "
                         "connected?): nothing was written.")
    partial = target.with_name(f".{target.name}.partial")
    for stale in (partial, Path(f"{partial}-journal")):
        stale.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(partial)
    except sqlite3.Error as exc:
        raise as_store_error(exc, target) from exc
    except OSError as exc:
        raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with translate(target):
            store.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            result = [r[0] for r in copy.execute("PRAGMA integrity_check").fetchall()]
            visits = copy.execute("SELECT count(*) FROM visits").fetchone()[0]
        copy.close()
        if result != ["ok"]:
            raise StoreError(f"The backup copy failed its integrity check ({'; '.join(result)}):"
                             " it was not kept. Run `ocrebill check` on the database.")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(path=target, bytes=target.stat().st_size, visits=visits,
                        integrity="ok")


def check_database(store: Store) -> CheckReport:
    """Integrity check, foreign-key check, the store's own bookkeeping rules and the audit
    trail (its hash chain, head anchor and the claims it covers: audit_chain.verify_audit).
    Damage is reported, not raised: each part says what it could not read."""
    conn = store.conn

    def attempt(what: str, run):
        try:
            return run(), None
        except sqlite3.DatabaseError as exc:
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
    return CheckReport(path=store.path, schema_version=version if version is not None else -1,
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

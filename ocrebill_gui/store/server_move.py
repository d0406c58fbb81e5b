"""A practice onto a PostgreSQL server: its first administrator on an empty database
(`ocrebill server init`), and a single PC's database file moved there (`ocrebill server
migrate`, and `ocrebill server restore` of a backup that is a database file).

Moving copies every row (server_copy.copy_database) in one transaction on the server, then
checks what arrived from a fresh read: the rows of every table against the file's, and the
whole `ocrebill check` (integrity, bookkeeping, the audit chain and the claims it covers).

The audit chain. On a plain file it is SHA-256, as on a server: the rows arrive with their
hashes and verify as they are. On an encrypted file it is an HMAC under a key derived from the
database key, which stays with the file (a server has no SQLCipher key, server.NOT_FOR_SERVERS):
the file's chain is verified with its key first, the same rows are chained again in SHA-256 on
the server (content unchanged: ids, times, actors, changes), and in both cases one entry is
appended that records the move (entity `database`, action `migrate` or `restore`): the file's
name, the id and hash of the newest entry of its chain, whether that chain was keyed, and the
rows copied. Whoever keeps the file (and its key) can show that its chain ends at that hash and
that the server's rows before the entry are the file's: the provenance stays provable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ocrebill_gui.store.audit_chain import (
    GENESIS,
    HEAD_SQL,
    append_entries,
    canonical,
    changes_json,
    entry_hash,
    verify_audit,
)
from ocrebill_gui.store.db import Store, open_store, writing
from ocrebill_gui.store.errors import StoreError
from ocrebill_gui.store.server_copy import TABLES, copy_database, table_counts

MOVE_ENTITY = ("database", "server")  # (entity, entity_id) of the entry recording a move


class NotEmpty(StoreError):
    """The server database holds something already: nothing was written."""


@dataclass
class MoveReport:
    """What a move copied and what the server holds afterwards, table by table."""

    source: str
    target: str
    copied: dict[str, int]
    source_counts: dict[str, int]
    target_counts: dict[str, int] = field(default_factory=dict)
    rechained: bool = False  # the file's chain was keyed: chained again in SHA-256
    audit_rows: int = 0  # entries of the server's chain verified
    problems: list[str] = field(default_factory=list)  # `ocrebill check` on the server

    @property
    def mismatched(self) -> list[str]:
        """Tables whose rows on the server are not the file's (the move's entry counted)."""
        return [table for table in TABLES
                if self.target_counts.get(table) != self.expected(table)]

    def expected(self, table: str) -> int:
        return self.source_counts[table] + (1 if table == "audit_log" else 0)

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.problems


# ----------------------------------------------------------------------------- emptiness


def server_contents(db) -> list[str]:
    """What a server database holds in its schema, in words ("tables recipes, menus"), or
    the OcreBill tables holding rows ("patients: 40 rows"); [] when there is nothing. An
    OcreBill schema without rows (a database opened once) counts as empty."""
    found = [r[0] for r in db.conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
        "ORDER BY 1").fetchall()]
    if not found:
        return []
    ours = set(TABLES)
    if not ours <= set(found):
        other = [name for name in found if name not in ours]
        shown = ", ".join(other[:6]) + (f" and {len(other) - 6} more" if len(other) > 6
                                        else "")
        return [f"tables of another program ({shown})"]
    filled = [f"{table}: {count} row{'s' if count != 1 else ''}" for table in TABLES
              if (count := int(db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]))]
    return filled[:4] + ([f"{len(filled) - 4} more tables with rows"] if len(filled) > 4 else [])


def require_empty(address, *, no_tables: bool = False) -> None:
    """NotEmpty naming what the server database holds (before anything is written);
    `no_tables`: OcreBill's tables without rows are refused too (a dump brings its own)."""
    from ocrebill_gui.store.postgres import PgDatabase
    from ocrebill_gui.store.server import connect, has_tables, server_address

    address = server_address(address)
    db = PgDatabase(connect(address, read_only=True, busy_timeout=5.0))
    try:
        found = server_contents(db)
        if no_tables and not found and has_tables(db):
            found = ["OcreBill's tables, without rows: a dump brings its own, so give a "
                     "database without any (createdb, docs/server.md)"]
    finally:
        db.close()
    if found:
        raise NotEmpty(f"{address} is not empty ({'; '.join(found)}): nothing was written. "
                       "Give the practice a new, empty database (docs/server.md).")


# Tables no move or backup takes: who is connected now, and what they have open.
EPHEMERAL = ("workstations", "visit_leases")


def left_behind(store: Store) -> list[str]:
    """Tables holding rows that server_copy.TABLES does not name (a table added by a later
    migration and not yet taught to the copy): moving or exporting would lose them."""
    names = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").fetchall()]
    from ocrebill_gui.store.pg_schema import VERSION_TABLE

    known = {*TABLES, *EPHEMERAL, VERSION_TABLE}
    return [name for name in names if name not in known and store.conn.execute(
        f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None]


def refuse_left_behind(store: Store) -> None:
    missing = left_behind(store)
    if missing:
        raise StoreError(f"{store.path}: {', '.join(missing)} hold rows that this OcreBill "
                         "does not know how to copy (server_copy.TABLES): nothing was copied, "
                         "so that nothing is lost. Update OcreBill, or report it.")


def is_superuser(store: Store) -> bool:
    """Whether the server signs the app in as a superuser (least privilege: it should not)."""
    row = store.conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                             ).fetchone()
    return bool(row and row[0])


def init_server(address, login: str, display_name: str, password: str):
    """The schema and the first administrator on an empty server database: (store, session).
    NotEmpty when it holds anything (nothing written); InvalidRecord for a bad login or
    password (nothing written: they are checked before the schema is made)."""
    from ocrebill_gui.store.accounts import account_problems, create_first_admin
    from ocrebill_gui.store.errors import InvalidRecord

    problems = account_problems(login, display_name, password)
    if problems:
        raise InvalidRecord(list(problems.items()))
    require_empty(address)
    store = open_store(address)
    try:
        session = create_first_admin(store, login, display_name, password)
    except BaseException:
        store.close()
        raise
    return store, session


# ----------------------------------------------------------------------------- moving


def move_to_server(source: Store, address, actor: str, *, action: str = "migrate",
                   progress: Callable[[str, int], None] | None = None) -> MoveReport:
    """Copy the open database `source` onto the empty server database `address`, re-seal the
    chain there when the file's is keyed, record the move in the chain, then verify from a
    fresh connection. StoreError (nothing written on the server) when the file's own chain
    does not verify or the server database is not empty."""
    from ocrebill_gui.store.backup import check_database

    refuse_left_behind(source)
    verdict = verify_audit(source.conn, source.audit_key)
    if verdict.problems:
        raise StoreError(f"{source.path}: its audit chain does not verify "
                         f"({verdict.problems[0]}): nothing was copied. Run `ocrebill check` "
                         "on it, and restore a sound backup before moving it.")
    head = source.conn.execute("SELECT last_id, last_hash, keyed FROM audit_head "
                               "WHERE id = 1").fetchone()
    head_id, head_hash, keyed = (int(head[0]), str(head[1]), bool(head[2])) if head \
        else (0, GENESIS, False)
    require_empty(address)
    counts = table_counts(source)
    name = Path(str(source.path)).name
    with open_store(address) as target:
        with writing(target):
            copied = copy_database(source, target, progress)
            if keyed:
                rechain(target)
            append_entries(target.conn, [(target.now(), actor, *MOVE_ENTITY, action,
                                          _reason(action), changes_json([
                                              ("source", None, name),
                                              ("source_head_id", None, head_id),
                                              ("source_head_hash", None, head_hash),
                                              ("source_chain", None, "HMAC-SHA256 (the "
                                               "file's key)" if keyed else "SHA-256"),
                                              ("rechained", None, keyed),
                                              ("rows", None, json.dumps(copied))]))])
    report = MoveReport(source=str(source.path), target=str(address), copied=copied,
                        source_counts=counts, rechained=keyed)
    with open_store(address) as fresh:  # what the server holds now, read anew
        report.target_counts = table_counts(fresh)
        checked = check_database.inside(fresh)
        report.audit_rows = verify_audit(fresh.conn).rows
    report.problems = [*checked.integrity[1:], *checked.foreign_keys, *checked.consistency,
                       *checked.audit] if not checked.ok else []
    if checked.integrity and checked.integrity[0] != "ok":
        report.problems.insert(0, checked.integrity[0])
    return report


def _reason(action: str) -> str:
    if action == "restore":
        return "restored from a backup onto this server"
    return "moved from a single PC's database file onto this server"


def rechain(target: Store) -> int:
    """Chain the audit log of a server database again in SHA-256 (no key), in the caller's
    transaction: the new hashes go to a temporary table by COPY, then one UPDATE, with the
    append-only trigger lifted for it (the app's role owns its tables). Returns the rows."""
    from ocrebill_gui.store.postgres import server_connection

    conn = target.conn
    raw = server_connection(target).raw
    last_hash, last_id, last_at, count = GENESIS, 0, None, 0
    rows = conn.execute("SELECT id, at, actor, entity, entity_id, action, reason, changes "
                        "FROM audit_log ORDER BY id").fetchall()
    conn.execute("CREATE TEMPORARY TABLE ocrebill_rechain (id BIGINT PRIMARY KEY, "
                 "prev_hash TEXT NOT NULL, hash TEXT NOT NULL) ON COMMIT DROP")
    with raw.cursor().copy("COPY ocrebill_rechain (id, prev_hash, hash) FROM STDIN") as copy:
        for row_id, at, actor, entity, entity_id, action, reason, changes in rows:
            digest = entry_hash(last_hash, canonical(row_id, at, actor, entity, entity_id,
                                                     action, reason, changes))
            copy.write_row((row_id, last_hash, digest))
            last_hash, last_id, last_at, count = digest, row_id, at, count + 1
    conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log a SET prev_hash = r.prev_hash, hash = r.hash "
                 "FROM ocrebill_rechain r WHERE r.id = a.id")
    conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
    if count:
        conn.execute(HEAD_SQL, (last_id, last_hash, last_at, 0))
    return count

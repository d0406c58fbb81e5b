"""Backups of a practice on a PostgreSQL server (`ocrebill backup` with a server as --db), and
putting a dump back onto an empty database (`ocrebill server restore`).

Two kinds, both consistent (one snapshot of the whole database, while people keep working):

- **pg_dump** (custom format, `NAME.dump`) when pg_dump is on PATH and is at least the server's
  major version (an older pg_dump refuses a newer server). The dump is taken in a snapshot the
  store exports (REPEATABLE READ, pg_export_snapshot), and the rows of each table and the
  audit chain's head are read in that same snapshot into a manifest beside it
  (`NAME.dump.json`): what a restore is checked against. pg_restore reads the dump as any
  PostgreSQL dump.
- **The store's own logical export** otherwise (or with `logical=True`): an OcreBill database
  file (`NAME.sqlite`, plain SQLite), every table copied from one REPEATABLE READ READ ONLY
  transaction, then checked (integrity, the rows of every table against the snapshot's, the
  audit chain). It opens as any database file (`ocrebill --db NAME.sqlite`: the practice
  read at the desk if the server is down) and goes back onto a server with
  `ocrebill server restore` (or `server migrate`).

Either is written to a private partial file (0600) beside the destination and moved into
place once complete and checked; an existing destination is replaced only with `force`. Like
the server's own files and a pg_dump, the backup is not encrypted: keep it on an encrypted
disk (docs/server.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ocrebill_gui.files import create_private, partial_path, put_in_place, write_private_bytes
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.db import Store, open_store, writing
from ocrebill_gui.store.errors import BackupExists, StoreError
from ocrebill_gui.store.server_copy import BATCH, TABLES, table_counts

DUMP_MAGIC = b"PGDMP"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = "ocrebill.server-backup/1"


@dataclass(frozen=True)
class ServerBackup:
    path: Path
    kind: str  # "pg_dump" or "logical"
    bytes: int
    counts: dict[str, int]
    audit_rows: int
    head_hash: str
    note: str = ""  # why the logical export was written instead of a dump


def pg_dump_usable(store: Store) -> tuple[str | None, str]:
    """(pg_dump's path, "") when it can dump this server, else (None, why not)."""
    found = shutil.which("pg_dump")
    if found is None:
        return None, "pg_dump is not installed here"
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"pg_dump does not run ({exc})"
    match = re.search(r"(\d+)(?:\.\d+)?", done.stdout or "")
    server = int(store.conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
    if match is None:
        return None, "pg_dump's version is unknown"
    if int(match.group(1)) < server:
        return None, (f"pg_dump {match.group(1)} is older than the server (PostgreSQL "
                      f"{server}) and cannot dump it")
    return found, ""


def backup_server(store: Store, dest: str | os.PathLike[str], *, force: bool = False,
                  logical: bool = False) -> ServerBackup:
    """A consistent backup of the server database `store` to `dest` (a file, or a folder to
    put `DBNAME-YYYYMMDD-HHMM.dump` or `.sqlite` in). BackupExists before anything is
    written when `dest` exists and `force` is not given."""
    pg_dump, why = (None, "the logical export was asked for") if logical \
        else pg_dump_usable(store)
    if not pg_dump:  # the export copies server_copy.TABLES (a dump takes every table)
        from ocrebill_gui.store.server_move import refuse_left_behind

        refuse_left_behind(store)
    kind = "pg_dump" if pg_dump else "logical"
    target = _target(store, dest, ".dump" if pg_dump else ".sqlite")
    if os.path.lexists(target) and not force:
        raise BackupExists(target)
    if pg_dump:
        manifest = Path(f"{target}{MANIFEST_SUFFIX}")
        if os.path.lexists(manifest) and not force:
            raise BackupExists(manifest)
    partial = partial_path(target)
    try:
        if pg_dump:
            counts, rows, head = _dump(store, pg_dump, partial)
        else:
            counts, rows, head = _export(store, partial)
        _fsync(partial)
        if pg_dump:
            write_private_bytes(manifest, (json.dumps(
                {"format": MANIFEST_FORMAT, "database": str(store.path), "dump": target.name,
                 "taken_at": store.now(), "counts": counts, "audit_rows": rows,
                 "audit_head_hash": head}, indent=1) + "\n").encode("utf-8"), force=True)
        try:
            put_in_place(partial, target, force=force)
        except FileExistsError:
            raise BackupExists(target) from None
    finally:
        partial.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return ServerBackup(path=target, kind=kind, bytes=target.stat().st_size, counts=counts,
                        audit_rows=rows, head_hash=head, note="" if pg_dump else why)


def _target(store: Store, dest: str | os.PathLike[str], suffix: str) -> Path:
    from ocrebill_gui.store.backup import backup_destination
    from ocrebill_gui.store.server import server_of

    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return backup_destination(dest, f"{server_of(store).dbname}-{stamp}{suffix}")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _snapshot(store: Store) -> tuple[dict[str, int], int, str]:
    """Rows per table, and the audit chain's length and head, in the current transaction."""
    counts = table_counts(store)
    head = store.conn.execute("SELECT last_hash FROM audit_head WHERE id = 1").fetchone()
    return counts, counts["audit_log"], head[0] if head else ""


def _dump(store: Store, pg_dump: str, partial: Path) -> tuple[dict[str, int], int, str]:
    """pg_dump -Fc of the snapshot this connection exports, counted in that snapshot."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from ocrebill_gui.store.server import server_of

    conn = store.conn
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts, rows, head = _snapshot(store)
        params = conninfo_to_dict(server_of(store).conninfo)
        env = dict(os.environ)
        password = params.pop("password", None)
        if password:
            env["PGPASSWORD"] = str(password)  # never on the command line
        params.pop("options", None)
        create_private(partial)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={partial}",
             f"--dbname={make_conninfo('', **params)}"],
            capture_output=True, text=True, env=env, timeout=24 * 3600)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise StoreError(f"pg_dump failed ({lines[-1] if lines else done.returncode}): "
                             "nothing was written.")
    finally:
        conn.execute("COMMIT")
    return counts, rows, head


def _export(store: Store, partial: Path) -> tuple[dict[str, int], int, str]:
    """The store's own export: every table into a new OcreBill database file, from one
    REPEATABLE READ snapshot, then checked against it."""
    conn = store.conn
    create_private(partial)
    with open_store(partial) as copy:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            counts, rows, head = _snapshot(store)
            with writing(copy):
                for table in TABLES:
                    _copy_out(store, copy, table)
        finally:
            conn.execute("COMMIT")
        copy.conn.execute("PRAGMA journal_mode = DELETE")
        problems = _check_copy(copy, counts)
    if problems:
        raise StoreError(f"The backup copy failed its check ({problems[0]}): it was not kept.")
    return counts, rows, head


def _copy_out(store: Store, copy: Store, table: str) -> None:
    """One table from the server's snapshot into the file, streamed (a server-side cursor)."""
    from ocrebill_gui.store.postgres import server_connection

    raw = server_connection(store).raw
    with raw.cursor(name=f"ocrebill_backup_{table}") as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
        assert cursor.description is not None  # a SELECT's
        columns = [d[0] for d in cursor.description]
        insert = (f"INSERT INTO {table} ({', '.join(columns)}) "
                  f"VALUES ({', '.join('?' for _ in columns)})")
        while rows := cursor.fetchmany(BATCH):
            copy.conn.executemany(insert, rows)


def _check_copy(copy: Store, counts: dict[str, int]) -> list[str]:
    conn: sqlite3.Connection = copy.conn
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    got = table_counts(copy)
    problems += [f"{table}: {got[table]} rows in the copy, {counts[table]} on the server"
                 for table in TABLES if got[table] != counts[table]]
    problems += verify_audit(conn).problems
    return problems


# ----------------------------------------------------------------------------- restoring


def is_dump(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(DUMP_MAGIC)) == DUMP_MAGIC
    except OSError:
        return False


@dataclass
class DumpRestore:
    counts: dict[str, int]
    expected: dict[str, int] | None  # from the manifest (None: no manifest beside the dump)
    audit_rows: int
    head_hash: str
    expected_head: str | None
    problems: list[str]

    @property
    def mismatched(self) -> list[str]:
        if self.expected is None:
            return []
        return [t for t in TABLES if self.counts.get(t) != self.expected.get(t)]

    @property
    def ok(self) -> bool:
        head_ok = self.expected_head is None or self.head_hash == self.expected_head
        return not self.mismatched and not self.problems and head_ok


def read_manifest(dump: Path) -> dict | None:
    """The manifest beside a dump (None: there is none), checked whole before anything is
    restored: StoreError naming the file and the field otherwise."""
    path = Path(f"{dump}{MANIFEST_SUFFIX}")
    away = "restore without it by moving it away (the rows are then not compared)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else \
            getattr(exc, "strerror", None) or exc
        raise StoreError(f"{path} cannot be read ({reason}): {away}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise StoreError(f"{path} is not an OcreBill backup manifest")
    problem = _manifest_problem(data)
    if problem:
        raise StoreError(f"{path} is not a usable backup manifest ({problem}): {away}")
    return data


def _manifest_problem(data: dict) -> str | None:
    """What is wrong with a manifest's fields (the rows per table, the audit chain's head)."""
    counts = data.get("counts")
    if not isinstance(counts, dict):
        return "counts: must be the rows of each table"
    for table, rows in counts.items():
        if type(rows) is not int or rows < 0:
            return f"counts of {json.dumps(table)[:40]}: must be a number of rows"
    if not isinstance(data.get("audit_head_hash"), str):
        return "audit_head_hash: must be the audit chain's last hash"
    return None


# Reading a dump whole into nothing takes well under a second per MB; a damaged one can send
# pg_restore round in circles (seen with a flipped bit in a data block), so it is stopped.
READ_SECONDS = 60.0
READ_SECONDS_PER_MB = 2.0


def read_whole(pg_restore: str, dump: Path) -> None:
    """pg_restore reads the dump whole, into nothing (no server), before anything is
    restored: StoreError naming the dump when it cannot, or when it has not finished in a
    time in proportion to its size."""
    limit = READ_SECONDS + READ_SECONDS_PER_MB * dump.stat().st_size / 1e6
    try:
        done = subprocess.run([pg_restore, "--file=-", str(dump)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, errors="replace",
                              timeout=limit)
    except subprocess.TimeoutExpired:
        raise StoreError(f"{dump} is damaged: pg_restore had not read it after {limit:.0f} s "
                         "(stopped): nothing was restored.") from None
    except OSError as exc:
        raise StoreError(f"pg_restore does not run ({exc.strerror or exc}): nothing was "
                         "restored.") from None
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        raise StoreError(f"{dump} is damaged: pg_restore cannot read it "
                         f"({lines[-1] if lines else done.returncode}): nothing was restored.")


def restore_dump(dump: Path, address) -> DumpRestore:
    """pg_restore of an OcreBill dump onto the empty server database `address` (one
    transaction: all or nothing), then its rows against the manifest and `ocrebill check`.
    The manifest and the dump are read whole first: a damaged one restores nothing."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from ocrebill_gui.store.backup import check_database
    from ocrebill_gui.store.server import server_address
    from ocrebill_gui.store.server_move import require_empty

    address = server_address(address)
    manifest = read_manifest(dump)
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise StoreError("pg_restore is not installed here (Debian: apt install "
                         "postgresql-client): nothing was restored")
    read_whole(pg_restore, dump)
    require_empty(address, no_tables=True)
    params = conninfo_to_dict(address.conninfo)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    done = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={make_conninfo('', **params)}", str(dump)],
        capture_output=True, text=True, env=env, timeout=24 * 3600)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise StoreError(f"pg_restore could not restore {dump} "
                         f"({lines[-1] if lines else done.returncode}): nothing was restored.")
    with open_store(address) as store:
        counts = table_counts(store)
        verdict = check_database.inside(store)
        head = store.conn.execute("SELECT last_hash FROM audit_head WHERE id = 1").fetchone()
        rows = verify_audit(store.conn).rows
    problems = [] if verdict.ok else [*verdict.foreign_keys, *verdict.consistency,
                                      *verdict.audit]
    return DumpRestore(counts=counts, expected=manifest["counts"] if manifest else None,
                       audit_rows=rows, head_hash=head[0] if head else "",
                       expected_head=manifest.get("audit_head_hash") if manifest else None,
                       problems=problems)

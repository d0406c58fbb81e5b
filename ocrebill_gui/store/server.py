"""Where a practice's database lives on a PostgreSQL server, and opening it.

`--db` and $OCREBILL_DB take a file path, a `postgresql://` (or `postgres://`) URL, or
`server:NAME`: a named connection in the user's settings (`servers.json` in OcreBill's config
folder, or $OCREBILL_CONFIG_DIR), so that no password sits on a command line:

    {"clinic": {"url": "postgresql://frontdesk@db.clinic.lan/ocrebill",
                "sslrootcert": "/etc/ocrebill/clinic-ca.pem"}}

The password comes from libpq's own places (~/.pgpass, PGPASSFILE, PGPASSWORD), or from the
entry's "password", which is refused unless the settings file is private (0600).

TLS: a server that is not on this computer (any host but localhost, 127.0.0.0/8, ::1 or a unix
socket) is reached with TLS only: `sslmode=require` at least, `verify-full` when a CA is
configured (`sslrootcert`); a URL asking for less (disable, allow, prefer) is refused.
Encryption at rest (SQLCipher) is for files: on a server the data is protected by TLS on the
wire and by the server's own disk encryption, and the audit chain is plain SHA-256, as in an
unencrypted file.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ocrebill_gui.store.errors import (
    NewerSchemaError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabase,
)

if TYPE_CHECKING:
    import sqlite_utils

    from ocrebill_gui.store.db import Store

SCHEMES = ("postgresql://", "postgres://")
NAMED = "server:"
SETTINGS_FILE = "servers.json"
WEAK_SSL = ("disable", "allow", "prefer")
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL database to open: `conninfo` for libpq (private: it may hold a password),
    its text a URL without the password (what messages and the status bar show)."""

    conninfo: str = field(repr=False)
    host: str
    port: int
    dbname: str
    user: str
    # Why it cannot be used (a bad URL, TLS refused...): open_store raises it, so that the
    # commands and the app say it where they say any other refusal to open.
    problem: str | None = None
    given: str = ""  # what --db said, without its password (shown when there is a problem)

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def name(self) -> str:
        """Short, as the window title shows a file's name."""
        return f"{self.dbname} on {self.host}"

    def is_file(self) -> bool:  # callers that look for a file (encryption) find none here
        return False

    def exists(self) -> bool:  # the database is the server's: open_store says if it is not
        return True

    def __str__(self) -> str:
        if self.problem is not None:
            return self.given
        user = f"{self.user}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{user}{host}:{self.port}/{self.dbname}"


def server_of(store: Store) -> ServerAddress:
    """The address of a store on a server; a file's store has none: TypeError."""
    if not isinstance(store.path, ServerAddress):
        raise TypeError(f"{store.path} is not a database server")
    return store.path


def is_server(value: object) -> bool:
    """Whether `--db`'s value names a server (a URL, `server:NAME`) rather than a file."""
    if isinstance(value, ServerAddress):
        return True
    text = str(value).strip() if isinstance(value, str) else ""
    return text.lower().startswith(SCHEMES) or text.startswith(NAMED)


NOT_FOR_SERVERS = ("encryption at rest (SQLCipher) is for database files: a server's data is "
                   "protected by TLS on the way and by the server's own disk encryption")


def refuse_server(value: object) -> None:
    """StoreError when `value` names a server: for what only a database file can do."""
    if is_server(value):
        raise StoreError(f"{value} is a server: {NOT_FOR_SERVERS}")


def is_loopback(host: str) -> bool:
    if not host or host.startswith("/") or host.startswith("@"):
        return True  # a unix socket (or libpq's default, which is one)
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings_folder(environ: Mapping[str, str] | None = None) -> Path:
    folder = (os.environ if environ is None else environ).get("OCREBILL_CONFIG_DIR")
    if folder:
        return Path(folder).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("ocrebill", appauthor=False))


def server_address(value: str | ServerAddress, environ: Mapping[str, str] | None = None,
                   *, check: bool = True) -> ServerAddress:
    """The server `--db` names, with its TLS settings checked (StoreError naming what is
    wrong; with `check` False, an address holding the problem, which open_store raises)."""
    if isinstance(value, ServerAddress):
        return value
    text = value.strip()
    try:
        if text.startswith(NAMED):
            return _named(text[len(NAMED):].strip(), environ)
        return _from_url(text, {})
    except StoreError as exc:
        if check:
            raise
        return ServerAddress(conninfo="", host="", port=0, dbname="", user="",
                             problem=str(exc), given=_PASSWORD.sub(r"\1@", text))


_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")


def _from_url(url: str, extra: Mapping[str, str]) -> ServerAddress:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params: dict[str, Any] = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: the URL's syntax
        raise StoreError(f"--db: not a valid postgresql:// URL ({_first_line(exc)})") from None
    params.update({k: v for k, v in extra.items() if v})
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    if "," in host:
        raise StoreError("--db: give one server host, not a list")
    dbname = str(params.get("dbname") or "")
    if not dbname:
        raise StoreError("--db: the URL names no database: postgresql://USER@HOST/DATABASE")
    sslmode = str(params.get("sslmode") or "")
    if not is_loopback(host):
        if sslmode in WEAK_SSL:
            raise StoreError(
                f"--db: sslmode={sslmode} is refused for {host}: a server that is not on this "
                "computer is reached with TLS only (sslmode=require, or verify-full with the "
                "server's CA as sslrootcert)")
        if not sslmode:
            params["sslmode"] = "verify-full" if params.get("sslrootcert") else "require"
    params.setdefault("application_name", "OcreBill")
    params.setdefault("connect_timeout", "10")
    port = int(params.get("port") or DEFAULT_PORT)
    user = str(params.get("user") or "")
    return ServerAddress(conninfo=make_conninfo(**params), host=host, port=port,
                         dbname=dbname, user=user)


def _named(name: str, environ: Mapping[str, str] | None) -> ServerAddress:
    path = settings_folder(environ) / SETTINGS_FILE
    where = f"--db server:{name}"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{where}: there are no named connections ({path} does not "
                         "exist)") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{where}: cannot read {path} ({_first_line(exc)})") from None
    entry = entries.get(name) if isinstance(entries, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        known = ", ".join(sorted(entries)) if isinstance(entries, dict) else ""
        raise StoreError(f"{where}: no connection named '{name}' in {path}"
                         + (f" (known: {known})" if known else ""))
    extra = {k: str(entry[k]) for k in ("sslrootcert", "sslcert", "sslkey", "sslmode")
             if entry.get(k)}
    if entry.get("password"):
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise StoreError(f"{where}: {path} holds a password but others may read it: "
                             f"chmod 600 {path}, or keep the password in ~/.pgpass")
        extra["password"] = str(entry["password"])
    return _from_url(entry["url"], extra)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ----------------------------------------------------------------------------- opening


def connect(address: ServerAddress, *, read_only: bool, busy_timeout: float):
    """A PgConnection to `address`: autocommit (the store opens its own transactions),
    waits for a lock at most `busy_timeout` seconds, read-only when asked."""
    import psycopg

    from ocrebill_gui.store.postgres import PgConnection

    from psycopg.conninfo import conninfo_to_dict

    given = str(conninfo_to_dict(address.conninfo).get("options") or "")
    options = f"{given} -c lock_timeout={int(busy_timeout * 1000)}".strip()
    if read_only:
        options += " -c default_transaction_read_only=on"

    def raw():
        return psycopg.connect(address.conninfo, autocommit=True, options=options)

    return PgConnection(raw, str(address))


def schema_version(db) -> int:
    """The schema version of a server database: 0 when it has no OcreBill version table."""
    from ocrebill_gui.store.pg_schema import VERSION_TABLE

    # Looked up in the catalog with this statement's snapshot, not with to_regclass: that
    # answers from the connection's catalog cache, which inside a transaction begun before
    # another workstation committed the schema still says 'no such table'.
    found = db.conn.execute("SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE "
                            "table_schema = current_schema() AND table_name = ?)",
                            [VERSION_TABLE]).fetchone()[0]
    if not found:
        return 0
    return int(db.conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()[0])


def set_schema_version(db, version: int) -> None:
    from ocrebill_gui.store.pg_schema import VERSION_TABLE

    db.conn.execute(f"UPDATE {VERSION_TABLE} SET version = ?", [int(version)])


def has_tables(db) -> bool:
    return db.conn.execute("SELECT EXISTS (SELECT 1 FROM information_schema.tables "
                           "WHERE table_schema = current_schema())").fetchone()[0]


def _settled_version(db) -> int:
    """schema_version read again inside the writers' lock. A workstation creating the schema
    holds that lock until its tables and their version are committed together: another one
    opening the same empty database at that instant may have seen no version and then the new
    tables; read again once the creator is done, they are OcreBill's. The lock is the same on
    read-only connections (an advisory lock writes nothing)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        return schema_version(db)
    finally:
        db.conn.rollback()


def create_schema(db) -> None:
    """Schema pg_schema.BASELINE on an empty database, inside the caller's transaction."""
    from ocrebill_gui.store.pg_schema import baseline_ddl

    db.conn.execute(baseline_ddl())


def open_server(value: str | ServerAddress, *, create: bool = True, read_only: bool = False,
                busy_timeout: float, clock: Callable[[], datetime] | None = None,
                key: bytes | None = None):
    """open_store() for a server: connect, check the schema (refusing another program's
    database and a newer OcreBill's), create or migrate it, and return the Store."""
    from ocrebill_gui.store.db import Store, utc_now
    from ocrebill_gui.store.migrations import SCHEMA_VERSION, migrate
    from ocrebill_gui.store.postgres import PgDatabase

    address = server_address(value)
    if address.problem is not None:
        raise StoreError(address.problem)
    if key is not None:
        raise StoreError(f"{address} is a server: {NOT_FOR_SERVERS}. Open it without a key.")
    db = PgDatabase(connect(address, read_only=read_only, busy_timeout=busy_timeout))
    try:
        version = schema_version(db)
        if version == 0 and has_tables(db):  # another workstation creating it this instant?
            version = _settled_version(db)
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{address} was written by a newer OcreBill (database schema {version}; this "
                f"version understands up to {SCHEMA_VERSION}). It was not changed: update "
                "OcreBill to use it.")
        if version == 0 and has_tables(db):
            raise UnreadableDatabase(f"{address} is not an OcreBill database (it holds tables "
                                     "of another program): it was not changed. Choose another "
                                     "database.")
        if read_only and version < SCHEMA_VERSION:
            raise (UnreadableDatabase(f"{address} is not an OcreBill database (it has no "
                                      "OcreBill tables).") if version == 0 else ReadOnlyError(
                f"{address} uses an older database schema ({version}) and is opened "
                "read-only, so it cannot be upgraded: open it for writing once."))
        if version == 0 and not create:
            raise StoreError(f"{address} has no OcreBill tables yet (create them with "
                             "`ocrebill server init`, or by opening it for writing)")
        # PgDatabase stands where the store expects a sqlite_utils.Database (postgres.py: the
        # part of its interface the store uses); the types cannot say so.
        as_sqlite = cast("sqlite_utils.Database", db)
        if version < SCHEMA_VERSION:
            migrate(as_sqlite)
    except BaseException:
        db.close()
        raise
    return Store(db=as_sqlite, path=address, read_only=read_only, clock=clock or utc_now)

"""Opening the database file: where it lives, connection settings, and write transactions.

`open_store()` returns a small `Store` (the sqlite-utils Database, its path and a clock); every
repository function takes it as its first argument. The file is opened with WAL, foreign keys
on, synchronous=FULL (a committed visit survives a crash or power loss) and a busy timeout, and
migrated to the current schema. A file from a newer OcreBill is refused before anything is
written to it.

The files are private (POSIX): the user data folder 0700, the database and its -wal and -shm
0600 whatever the umask; opening an existing database for writing makes its files owner-only
(keep_private). Opening also removes what killed backups of it left (unfinished_backups).

Encrypted files (SQLCipher): `open_store(path, key=KEY)` with the 32-byte database key
(store/keys.py unwraps it for a signed-in account) sets the key before anything is read, in
SQLCipher's raw form (no key derivation: the key is random) with 16 KiB pages, and the audit
chain becomes an HMAC under a key derived from it. A new file opened with a key is created
encrypted; without one, plain (the store's default, which the tests use: the user-facing
paths choose encryption). An encrypted file opened without its key, a plain file opened with
one, or a wrong key is a StoreError that says so, and nothing is written.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from ocrebill_gui.files import POSIX, create_private, make_private, private_folder
from ocrebill_gui.store.errors import (
    NewerSchemaError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabase,
    database_errors,
    translate,
)
from ocrebill_gui.store.migrations import PAGE_SIZE, SCHEMA_VERSION, migrate
from ocrebill_gui.store.network_drive import refuse_network_drive
from ocrebill_gui.store.unfinished_backups import remove_unfinished

if TYPE_CHECKING:
    from ocrebill_gui.store.server import ServerAddress

ENV_VAR = "OCREBILL_DB"
DB_FILENAME = "ocrebill.sqlite"
DEFAULT_BUSY_TIMEOUT = 5.0


def default_db_path() -> Path:
    """The database in the user data folder (platformdirs), resolved now, not at import."""
    import platformdirs

    return Path(platformdirs.user_data_dir("OcreBill", appauthor=False)) / DB_FILENAME


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None) -> Path | ServerAddress:
    """`--db PATH` if given, else $OCREBILL_DB if set and not empty, else the default. A
    `postgresql://` URL or `server:NAME` gives the server's address instead of a Path
    (store/server.py; one that is not acceptable, e.g. without TLS, is refused by
    open_store)."""
    if cli_value:
        return _file_or_server(cli_value, environ)
    env = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if env:
        return _file_or_server(env, environ)
    return default_db_path()


def _file_or_server(value: str | os.PathLike[str] | ServerAddress,
                    environ: Mapping[str, str] | None) -> Path | ServerAddress:
    from ocrebill_gui.store.server import ServerAddress, is_server, server_address

    if isinstance(value, ServerAddress):
        return value
    if isinstance(value, str) and is_server(value):
        # a bad URL is said when it is opened, as any refusal to open
        return server_address(value, environ, check=False)
    return Path(value).expanduser()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Store:
    """An open database: pass it to the repository functions; close it when done."""

    db: sqlite_utils.Database  # on a server, a postgres.PgDatabase standing in for one
    path: Path | ServerAddress  # a file's path, or the server's address (store/server.py)
    read_only: bool = False
    clock: Callable[[], datetime] = utc_now
    # Makes the audit chain an HMAC (the database key, once files are encrypted); None: plain
    # SHA-256 (store/audit_chain.py).
    audit_key: bytes | None = field(default=None, repr=False)
    # The database key of an encrypted file (None: a plain file): account changes re-wrap it.
    key: bytes | None = field(default=None, repr=False)
    # Reads of patient data are audited once per (session, record, action): the default
    # session is this Store object (one per app run or CLI command); see audit.record_read.
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    audited_reads: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)
    _depth: int = field(default=0, repr=False)

    def now(self) -> str:
        """The current time as stored: UTC ISO 8601 with milliseconds."""
        return self.clock().astimezone(UTC).isoformat(timespec="milliseconds")

    def today(self) -> date:
        """Today's local date (for expiry and validity questions)."""
        return self.clock().astimezone().date()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def database_file(store: Store) -> Path:
    """The file of a store on one (encryption, key files); a server's store has none: a
    StoreError names it."""
    if not isinstance(store.path, Path):
        raise StoreError(f"{store.path} is a server, not a database file")
    return store.path


def open_store(path: str | os.PathLike[str] | ServerAddress | None = None, *,
               create: bool = True,
               read_only: bool = False, busy_timeout: float | None = None,
               clock: Callable[[], datetime] | None = None, key: bytes | None = None) -> Store:
    """Open (and if needed create and migrate) the database at `path`.

    `path` None means resolve_db_path(). Raises NewerSchemaError for a file from a newer
    OcreBill (the file is not touched), UnreadableDatabase for a file that is not a database,
    DatabaseInUse when another process keeps it locked past `busy_timeout` seconds (default
    DEFAULT_BUSY_TIMEOUT), and
    StoreError when it does not exist and `create` is false. A file the process may not write is
    opened read-only (writes then raise ReadOnlyError). `key`: the database key of an encrypted
    file (a new file is then created encrypted); a mismatch is a StoreError naming it.
    """
    target = resolve_db_path() if path is None else _file_or_server(path, None)
    if not isinstance(target, Path):  # a PostgreSQL server (store/server.py)
        from ocrebill_gui.store.server import open_server

        return open_server(target, create=create, read_only=read_only, clock=clock, key=key,
                           busy_timeout=DEFAULT_BUSY_TIMEOUT if busy_timeout is None
                           else busy_timeout)
    refuse_network_drive(target)  # SQLite corrupts files shared over SMB, NFS...
    if key is None:
        key = _remembered.get(_identity(target))
    exists = target.exists()
    if exists and target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    if not exists:
        if read_only or not create:
            raise StoreError(f"{target}: no such database (create one with `ocrebill demo` or "
                             "by starting the app)")
        folder_for(target)
        _create(target)
    if exists:
        _check_encryption(target, key)
    if exists and not read_only and not _writable(target):
        read_only = True
    if not read_only:
        keep_private(target)
    remove_unfinished(target)
    timeout = DEFAULT_BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    conn = _connect(target, read_only, timeout, key)
    try:
        if key is not None:
            _check_key(conn, target)
        with translate(target):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("PRAGMA schema_version").fetchone()  # reads the header: not a db?
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{target} was written by a newer OcreBill (database schema {version}; this "
                f"version understands up to {SCHEMA_VERSION}). It was not opened or changed: "
                "update OcreBill to use it.")
        db = sqlite_utils.Database(conn, execute_plugins=False)
        with translate(target):
            conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                conn.execute("PRAGMA query_only = ON")
                if version == 0:
                    raise UnreadableDatabase(f"{target} is not an OcreBill database (it has "
                                             "no OcreBill tables).")
                if version < SCHEMA_VERSION:
                    raise ReadOnlyError(
                        f"{target} uses an older database schema ({version}) and is read-only, "
                        "so it cannot be upgraded: open a writable copy.")
            else:
                if version == 0 and conn.execute("SELECT 1 FROM sqlite_master").fetchone():
                    raise UnreadableDatabase(f"{target} is not an OcreBill database (it holds "
                                             "tables of another program): it was not changed. "
                                             "Choose another file.")
                if version == 0:
                    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"{target}: cannot switch to WAL mode (got {mode})")
                conn.execute("PRAGMA synchronous = FULL")
                # Checkpoint at ~4 MiB of WAL, as SQLite's default does with 4 KiB pages.
                conn.execute(f"PRAGMA wal_autocheckpoint = {4 * 1024 * 1024 // page_size(conn)}")
                if version < SCHEMA_VERSION:
                    migrate(db)
    except database_errors() as exc:  # e.g. raised outside translate by sqlite-utils
        conn.close()
        raise UnreadableDatabase(f"{target}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    store = Store(db=db, path=target, read_only=read_only, clock=clock or utc_now)
    if key is not None:
        from ocrebill_gui.store.keys import audit_key

        store.key, store.audit_key = key, audit_key(key)
    return store


# Keys unlocked for this process (a command signs in once, then opens its file as often as it
# needs): remember_key() after keys.unlock; open_store uses it when given no key.
_remembered: dict[str, bytes] = {}


def _identity(target: Path) -> str:
    return os.path.normcase(os.path.abspath(target))


def remember_key(path: str | os.PathLike[str], key: bytes) -> None:
    _remembered[_identity(Path(path).expanduser())] = key


def forget_keys() -> None:
    _remembered.clear()


PLAIN_HEADER = b"SQLite format 3\x00"
CIPHER_PAGE_SIZE = PAGE_SIZE  # not stored in the file: set at every open of an encrypted one


def file_is_encrypted(target: Path) -> bool | None:
    """True for a file that does not start with SQLite's header (encrypted, or not a database
    at all), False for a plain one, None for an empty or unreadable file."""
    try:
        with open(target, "rb") as handle:
            head = handle.read(len(PLAIN_HEADER))
    except OSError:
        return None
    if not head:
        return None
    return head != PLAIN_HEADER


def _check_encryption(target: Path, key: bytes | None) -> None:
    encrypted = file_is_encrypted(target)
    if encrypted is None:
        return
    if encrypted and key is None:
        from ocrebill_gui.store.keys import sidecar_path

        if sidecar_path(target).exists():
            raise StoreError(f"{target} is encrypted: sign in to open it")
        raise UnreadableDatabase(f"{target} is not a readable OcreBill database (it is "
                                 "encrypted without a key file beside it, damaged, or another "
                                 "kind of file): it was not changed")
    if not encrypted and key is not None:
        raise StoreError(f"{target} is not encrypted but a key was given: open it without one "
                         "(or encrypt it with `ocrebill encrypt`)")


def _check_key(conn, target: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except database_errors() as exc:
        conn.close()
        raise UnreadableDatabase(f"{target}: the key does not open it (a wrong key or key "
                                 "file, or a damaged database): it was not changed") from exc


def folder_for(target: Path) -> None:
    """Make sure the folder of a new database file exists: the user data folder is created
    when needed, any other folder must exist already (a mistyped --db is not a new folder)."""
    if target.parent.is_dir():
        return
    if target != default_db_path():
        raise StoreError(f"{target.parent}: no such folder, so {target.name} cannot be created "
                         "there. Create the folder first, or choose another file.")
    try:
        private_folder(target.parent)
    except OSError as exc:
        raise StoreError(f"Cannot create the folder {target.parent}: "
                         f"{exc.strerror or exc}") from exc


def _create(target: Path) -> None:
    """The new database file, 0600 before SQLite opens it: SQLite then gives its -wal and
    -shm files the same mode."""
    try:
        create_private(target)
    except FileExistsError:  # another process made it meanwhile: it opens as any other
        pass
    except OSError as exc:
        raise StoreError(f"Cannot create {target}: {exc.strerror or exc}. Check that the "
                         "folder is writable, or choose another file.") from exc


def keep_private(target: Path) -> None:
    """On POSIX, the database's files as a new database has them: the file, its -wal and
    -shm owner-only (an older OcreBill made them with the umask, often readable by all) and
    the user data folder 0700. Only this user's files change; a file system without POSIX
    modes, or a refusal, leaves them as they are (best effort: the database still opens)."""
    if not POSIX:
        return
    for suffix in ("", "-wal", "-shm"):
        make_private(f"{target}{suffix}")
    if target.parent == default_db_path().parent:
        with suppress(OSError):
            private_folder(target.parent)


def page_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA page_size").fetchone()[0])


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, read_only: bool, busy_timeout: float,
             key: bytes | None = None) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rwc")
    with translate(path):
        if key is None:
            return sqlite3.connect(uri, uri=True, timeout=busy_timeout)
        return connect_encrypted(uri, key, uri=True, timeout=busy_timeout)


def connect_encrypted(target: str, key: bytes, **options) -> sqlite3.Connection:
    """A SQLCipher connection with the raw key and OcreBill's page size set, before any read."""
    from sqlcipher3 import dbapi2 as sqlcipher

    from ocrebill_gui.store.keys import raw_key_pragma

    conn = sqlcipher.connect(target, **options)
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not stderr
    conn.execute(raw_key_pragma(key))
    conn.execute(f"PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE}")
    return conn


@contextmanager
def writing(store: Store) -> Iterator[sqlite_utils.Database]:
    """One write transaction (BEGIN IMMEDIATE ... COMMIT), or a savepoint when nested.

    Everything inside is saved together or not at all; SQLite errors come out as StoreErrors
    (DatabaseInUse, DiskFullError, ReadOnlyError...).
    """
    if store.read_only:
        raise ReadOnlyError(f"{store.path} is read-only: nothing was saved. Check the file's "
                            "permissions, or open a writable copy.")
    conn = store.conn
    with translate(store.path):
        if store._depth:
            name = f"sp{store._depth}"
            conn.execute(f"SAVEPOINT {name}")
            store._depth += 1
            try:
                yield store.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                store._depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        store._depth = 1
        try:
            yield store.db
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            store._depth = 0

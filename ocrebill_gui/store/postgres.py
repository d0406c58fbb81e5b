"""The store on a PostgreSQL server (psycopg 3): the part of sqlite-utils' and sqlite3's
interface the repositories use, so that they run unchanged on either backend.

`PgDatabase` stands where a `sqlite_utils.Database` stands (`execute`, `query`, `conn`,
`db.table(name)` or `db[name]` insert/get/update, `close`); its `conn`, a `PgConnection`, where a
`sqlite3.Connection` does (`execute`, `executemany`, `in_transaction`, cursors with
`fetchone`, `fetchall`, iteration and `lastrowid`). The SQL is the repositories' own,
rewritten by dialect.to_postgres.

Transactions behave as SQLite's: `BEGIN IMMEDIATE` takes a transaction-scoped advisory lock
(WRITE_LOCK) that every OcreBill writer of the database takes first, so writers run one at a
time, exactly as on a file: a revision read inside the transaction is the newest, the audit
chain is appended in order, stock and authorization units are counted once. Readers never
wait (each statement sees what was committed when it started). Waiting longer than the busy
timeout is DatabaseInUse, as on a file.

Every psycopg error becomes a StoreError (server_errors.as_store_error): the message names
the server (never its password) and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.rows import dict_row

from ocrebill_gui.store.dialect import NotPortable, returns_id, to_postgres
from ocrebill_gui.store.errors import InvalidRecord, StoreError
from ocrebill_gui.store.server_errors import as_store_error

if TYPE_CHECKING:
    from ocrebill_gui.store.db import Store

# pg_advisory_xact_lock's key: "OcreBill" in ASCII, one lock for all writers of a database.
WRITE_LOCK = 0x4F63726542696C6C


class PgCursor:
    """A finished statement's rows, as a sqlite3 cursor hands them out."""

    def __init__(self, cursor: psycopg.Cursor, lastrowid: int | None = None):
        self._cursor = cursor
        self.lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self):
        return self._cursor.description

    def _has_rows(self) -> bool:
        # Not `description`: that builds a Column object per column each time it is read
        # (~0.07 ms for a visit's 22 columns, a quarter of opening one).
        result = self._cursor.pgresult
        return result is not None and result.status == psycopg.pq.ExecStatus.TUPLES_OK

    def fetchone(self):
        return self._cursor.fetchone() if self._has_rows() else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._has_rows() else []

    def __iter__(self) -> Iterator:
        return iter(self.fetchall())


class PgConnection:
    """One connection to the server, used the way the store uses a sqlite3 connection."""

    def __init__(self, connect, where: str):
        self._connect = connect  # () -> psycopg.Connection: again after the server restarts
        self.where = where  # the server as messages name it (no password)
        self._in_tx = False  # as of the last statement: a lost connection is not reopened
        self._raw: psycopg.Connection = self._open()

    def _open(self) -> psycopg.Connection:
        try:
            return self._connect()
        except psycopg.Error as exc:
            raise as_store_error(exc, self.where) from exc

    @property
    def raw(self) -> psycopg.Connection:
        """The psycopg connection, reconnected first when the server dropped it between
        transactions (a restart overnight); inside a transaction the loss is an error."""
        if self._raw.closed and not self._in_tx:
            self._raw = self._open()
        return self._raw

    @property
    def in_transaction(self) -> bool:
        raw = self._raw
        return not raw.closed and raw.info.transaction_status != \
            psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (),
                *, rows=None) -> PgCursor:
        statement = sql.strip()
        upper = statement.upper()
        if upper == "BEGIN IMMEDIATE":
            return self._run(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})", None)
        try:
            text = to_postgres(sql, bool(params))
        except NotPortable as exc:
            raise StoreError(f"{self.where}: {exc}") from None
        refuse_nul(params)
        table = returns_id(sql)
        if table is not None:
            cursor = self._run(text + " RETURNING id", params or None, rows)
            row = cursor._cursor.fetchone()
            return PgCursor(cursor._cursor, None if row is None else row[0])
        return self._run(text, params or None, rows)

    def _run(self, text: str, params, rows=None) -> PgCursor:
        raw = self.raw
        cursor = raw.cursor(row_factory=rows) if rows is not None else raw.cursor()
        with self._statement():
            cursor.execute(text, params)
        return PgCursor(cursor)

    @contextmanager
    def _statement(self) -> Iterator[None]:
        """A statement's psycopg error as the store's, and whether a transaction is open."""
        try:
            yield
        except psycopg.Error as exc:
            raise as_store_error(exc, self.where) from exc
        finally:
            self._in_tx = self.in_transaction

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        text = to_postgres(sql, True)
        rows = list(seq)
        for row in rows:
            refuse_nul(row)
        cursor = self.raw.cursor()
        with self._statement():
            cursor.executemany(text, rows)
        return PgCursor(cursor)

    def stream(self, sql: str, params: Sequence[Any] = (), *, chunk: int = 2000
               ) -> Iterator[tuple]:
        """The rows of a SELECT one by one, `chunk` at a time from the server (one at a time
        with a libpq before 17): a whole table is never held in memory."""
        size = chunk if psycopg.pq.version() >= 170000 else 1
        cursor = self.raw.cursor()
        try:
            with self._statement():
                yield from cursor.stream(to_postgres(sql, bool(params)), params or None,
                                         size=size)
        finally:
            cursor.close()

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        if not self._raw.closed:
            self._raw.close()


def refuse_nul(params: Sequence[Any] | Mapping[str, Any]) -> None:
    """InvalidRecord naming the value (its column when `params` are named) that holds a NUL
    character, which PostgreSQL cannot store in text: what the store's input checks did not
    refuse first is refused here in words, never as the server's error."""
    names: list[str] = []
    if isinstance(params, Mapping):
        names, params = list(params), list(params.values())
    for n, value in enumerate(params):
        if isinstance(value, str) and "\x00" in value:
            field = names[n] if n < len(names) else "text"
            raise InvalidRecord([(field, "must not contain the control character U+0000 "
                                         "(NUL)")])


class _Inserted:
    def __init__(self, last_pk: int | None):
        self.last_pk = last_pk


class PgTable:
    """`db.table(name)` as audit.insert_recorded and update_recorded use it (key `id`)."""

    def __init__(self, db: PgDatabase, name: str):
        if not name.isidentifier():
            raise ValueError(f"not a table name: {name!r}")
        self.db, self.name = db, name

    def insert(self, values: Mapping[str, Any]) -> _Inserted:
        columns = list(values)
        refuse_nul(values)
        cursor = self.db.conn.execute(
            f"INSERT INTO {self.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})", [values[c] for c in columns])
        return _Inserted(cursor.lastrowid)

    def get(self, pk: Any) -> dict[str, Any]:
        row = next(self.db.query(f"SELECT * FROM {self.name} WHERE id = ?", [pk]), None)
        if row is None:
            from sqlite_utils.db import NotFoundError

            raise NotFoundError
        return row

    def update(self, pk: Any, values: Mapping[str, Any]) -> PgTable:
        columns = list(values)
        refuse_nul(values)
        self.db.conn.execute(f"UPDATE {self.name} SET {', '.join(f'{c} = ?' for c in columns)}"
                             " WHERE id = ?", [*(values[c] for c in columns), pk])
        return self


class PgDatabase:
    """Where the repositories expect a sqlite_utils.Database."""

    dialect = "postgresql"

    def __init__(self, conn: PgConnection):
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> PgCursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
              ) -> Iterator[dict[str, Any]]:
        yield from self.conn.execute(sql, params, rows=dict_row).fetchall()

    def table(self, name: str) -> PgTable:
        return PgTable(self, name)

    __getitem__ = table

    def close(self) -> None:
        self.conn.close()


def server_connection(store: Store) -> PgConnection:
    """The connection of a store on a server (typed as a sqlite3 one where the store keeps it);
    a file's store has none: TypeError."""
    conn: object = store.conn
    if not isinstance(conn, PgConnection):
        raise TypeError(f"{store.path} is not on a database server")
    return conn

"""An encrypted demo written encrypted from the start, its visits encrypted on a second thread.

The demo's time goes to Python making the visit documents (one core), and an encrypted file
costs AES and HMAC-SHA512 on every page (~1.3 s of one core for the 100,000-visit demo's
600 MB). Building plain and exporting (sqlcipher_export) put those one after the other
(1.4x the plain build); so did writing encrypted row by row. Here they overlap:

- the visit rows are staged in chunks (CHUNK_VISITS) in plain in-memory databases (SQLite
  shared-cache memory databases, never a file: no plain page of the demo reaches the disk);
- a worker thread ATTACHes each finished chunk to the encrypted file's connection and copies it
  in (`INSERT ... SELECT`: one SQLite call that holds no GIL, so the copy, the visits' indexes
  and the encryption of the pages it fills run beside the main thread making the next chunk);
- the main thread waits for a chunk only when two are ahead of the worker (bounded memory).

The encrypted connection is used by one thread at a time: the main thread before and after the
visits, the worker for the chunks in between. ATTACH is refused inside a transaction, so the
build's transaction is committed before the visits and begun again after them (the file is
the build's private partial file with journal_mode OFF: a failure deletes it, transactions only
group writes). The visits' indexes are kept while the rows go in (the 64 MiB page cache keeps
their pages): built at the end they would read the whole table back through decryption.
"""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ocrebill_gui.store.db import connect_encrypted

CHUNK_VISITS = 5000  # ~30 MB of staged rows each
CACHE_KIB = 64 * 1024
INDEXED_WHILE_WRITING = "visits"  # the table whose indexes are kept during the build


def connect_building(building: Path, key: bytes) -> sqlite3.Connection:
    """The encrypted partial file's connection, usable from the worker thread too."""
    conn = connect_encrypted(building.resolve().as_uri(), key, uri=True,
                             check_same_thread=False)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return conn


def insert_visits_alongside(conn: sqlite3.Connection, sql: str,
                            rows: Iterable[tuple]) -> None:
    """Insert `rows` as `sql` (an `INSERT INTO visits (columns) VALUES (?, ...)`) into the
    encrypted `conn`, chunk by chunk on a worker thread (see the module docstring). Called
    inside the build's open transaction; returns with a transaction open again."""
    columns = sql[sql.index("(") + 1:sql.index(")")]
    placeholders = ", ".join("?" * (columns.count(",") + 1))
    token = uuid.uuid4().hex
    stages: list[sqlite3.Connection] = []
    pending: deque[Future] = deque()
    # The visits' triggers check what the app writes; run per row they would copy every
    # 6 KB row once more (~0.45 s of the worker's ~2.8 s): made again once the rows are in.
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "AND tbl_name = 'visits'").fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("COMMIT")
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="ocrebill-demo-cipher") as worker:
            try:
                source = iter(rows)
                for number in itertools.count():
                    chunk = list(itertools.islice(source, CHUNK_VISITS))
                    if not chunk:
                        break
                    uri = f"file:ocrebill-demo-{token}-{number}?mode=memory&cache=shared"
                    stages.append(_stage(uri, columns, placeholders, chunk))
                    pending.append(worker.submit(_copy, conn, uri, stages[-1], columns))
                    while len(pending) > 1:
                        pending.popleft().result()
                while pending:
                    pending.popleft().result()
            except BaseException:
                for future in pending:
                    future.cancel()
                raise  # leaving the `with` waits for a chunk being copied
    finally:
        for stage in stages:
            stage.close()
    conn.execute("BEGIN")
    for _, sql in triggers:
        conn.execute(sql)


def _stage(uri: str, columns: str, placeholders: str, chunk: list[tuple]):
    """A plain in-memory database holding `chunk` in table v (alive while it is open)."""
    from sqlcipher3 import dbapi2 as sqlcipher  # the same SQLite library as the file's

    stage = sqlcipher.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        stage.execute(f"CREATE TABLE v ({columns})")  # no types: the values as given
        stage.execute("BEGIN")
        stage.executemany(f"INSERT INTO v VALUES ({placeholders})", chunk)
        stage.execute("COMMIT")
    except BaseException:
        stage.close()
        raise
    return stage


def _copy(conn: sqlite3.Connection, uri: str, stage: sqlite3.Connection, columns: str) -> None:
    """On the worker: the staged chunk into the encrypted visits table, then freed."""
    conn.execute("ATTACH DATABASE ? AS stage KEY ''", (uri,))  # KEY '': plain, not the file's
    try:
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO main.visits ({columns}) SELECT {columns} FROM stage.v")
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("DETACH DATABASE stage")
        stage.close()


__all__ = ["CHUNK_VISITS", "INDEXED_WHILE_WRITING", "connect_building",
           "insert_visits_alongside"]

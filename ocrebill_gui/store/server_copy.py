"""Copying a whole practice from one store to another: a file onto an empty server database
(what `ocrebill server migrate` is built on), or back.

Every table row for row, ids, audit hashes and all, in one write transaction on the target
(all or nothing), parents before children. Onto a server the rows go through COPY, tens of
thousands a second. The target must be at the same schema version and hold no rows.
`table_counts` is what the caller compares afterwards, with audit_chain.verify_audit on the
target (the chain is copied as it is: the same hashes must verify there).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import StoreError
from ocrebill_gui.store.migrations import user_version

# Parents first: a row's foreign keys always point at rows copied before it.
TABLES = ("practice", "payer_profiles", "users", "patients", "patient_words", "coverages",
          "authorizations", "vial_lots", "visits", "vial_uses", "authorization_uses",
          "visit_amendments", "audit_log", "audit_head", "control_numbers",
          "reference_imports", "asp_prices", "icd10_codes", "fee_rows", "providers",
          "reorder_levels", "benefits_verifications", "claims", "remittances",
          "copay_enrolments", "copay_claims")
BATCH = 2000


def table_counts(store: Store) -> dict[str, int]:
    """Rows per table of the store's schema, in TABLES order."""
    return {table: int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in TABLES}


def copy_database(source: Store, target: Store,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; returns the rows per table.
    StoreError (nothing written) when the schemas differ or the target holds rows."""
    if user_version(source.db) != user_version(target.db):
        raise StoreError(f"{source.path} (schema {user_version(source.db)}) and {target.path} "
                         f"(schema {user_version(target.db)}) differ: open both with this "
                         "OcreBill first, which brings them to its schema")
    with writing(target):
        filled = [t for t, n in table_counts(target).items() if n]
        if filled:
            raise StoreError(f"{target.path} is not empty ({', '.join(filled)} hold rows): "
                             "nothing was copied. Copy into a new, empty database.")
        copied = {}
        for table in TABLES:
            copied[table] = _copy_table(source, target, table)
            if progress is not None:
                progress(table, copied[table])
    return copied


def _copy_table(source: Store, target: Store, table: str) -> int:
    from ocrebill_gui.store.postgres import server_connection

    cursor = source.conn.execute(f"SELECT * FROM {table} LIMIT 0")
    columns = [d[0] for d in cursor.description]
    names = ", ".join(columns)
    select = f"SELECT {names} FROM {table} ORDER BY 1"
    # From a server, streamed (a sqlite3 cursor already hands its rows out one by one).
    rows = (server_connection(source).stream(select) if _on_server(source)
            else source.conn.execute(select))
    count = 0
    if _on_server(target):
        import psycopg

        raw = server_connection(target).raw
        try:
            with raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        except (psycopg.Error, sqlite3.Error) as exc:  # a damaged file: unreadable, a NUL
            raise StoreError(f"The rows of {table} in {source.path} cannot be copied onto the "
                             f"server ({_reason(exc)}): nothing was copied. The file may be "
                             "damaged: `ocrebill check` says more.") from None
        return count
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    batch: list[tuple] = []
    for row in rows:
        batch.append(tuple(row))
        if len(batch) >= BATCH:
            target.conn.executemany(insert, batch)
            count += len(batch)
            batch.clear()
    if batch:
        target.conn.executemany(insert, batch)
        count += len(batch)
    return count


def _reason(exc: Exception) -> str:
    """An error's first words, without the value it quotes (a row's text may be a patient's):
    'Could not decode to UTF-8 column 'x' with text ...', 'invalid input syntax for type
    date: "..."'."""
    lines = str(exc).strip().splitlines()
    text = lines[0].split(" with text ")[0].split(': "')[0] if lines else ""
    return text[:120] or type(exc).__name__


def _on_server(store: Store) -> bool:
    return getattr(store.db, "dialect", "sqlite") == "postgresql"


def demo_on_server(address: Any, *, encrypt: bool = False, **options: Any):
    """A demo practice on an empty server database: made in a temporary file
    (demo.create_demo_database with `options`), then copied there. Its DemoSummary names the
    server. `encrypt` is for files (the default of new ones): a server's data is protected
    by TLS and its own disk encryption (server.NOT_FOR_SERVERS), so it does not apply here."""
    from ocrebill_gui.store.db import open_store
    from ocrebill_gui.store.demo import create_demo_database

    del encrypt
    with tempfile.TemporaryDirectory(prefix="ocrebill-demo-") as folder:
        made = create_demo_database(Path(folder) / "demo.sqlite", **options)
        with open_store(Path(folder) / "demo.sqlite") as source, open_store(address) as target:
            copy_database(source, target)
            where = str(target.path)
    return made.model_copy(update={"path": where})

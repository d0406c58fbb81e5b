"""The store's SQL, written once in SQLite's dialect, as PostgreSQL takes it.

The repositories keep one text per statement, with `?` or `:name` placeholders, in the subset
both engines read alike (upserts with ON CONFLICT, IS DISTINCT FROM, an alias on every
subquery in FROM). What differs is rewritten here, in one place:

- placeholders: `?` becomes `%s`, `:name` becomes `%(name)s`, and a literal `%` is doubled
  (psycopg's paramstyle); quoted text and identifiers are left alone;
- an INSERT into a table whose key is `id` gets `RETURNING id`, which stands in for
  sqlite3's `cursor.lastrowid`;
- the few statements about the engine itself (SQLite's PRAGMAs, sqlite_master) have their
  PostgreSQL equivalent in STATEMENTS; any other PRAGMA is refused, never sent.

`BEGIN IMMEDIATE` (a write transaction that waits for the other writers) is the connection's
business: postgres.PgConnection takes the store's advisory lock.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Tables whose key is an integer `id` that SQLite assigns (max + 1) when an INSERT names none.
ID_TABLES = frozenset({"patients", "coverages", "authorizations", "vial_lots", "visits",
                       "visit_amendments", "audit_log", "users", "providers",
                       "benefits_verifications", "claims", "remittances",
                       "copay_enrolments", "copay_claims"})
# Those a migration after the server's baseline creates: that migration adds their id trigger.
LATER_ID_TABLES = frozenset({"providers", "benefits_verifications", "claims", "remittances",
                             "copay_enrolments", "copay_claims"})

_TABLES = ("SELECT table_name FROM information_schema.tables "
           "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")

# Whole statements about the engine, by their text with spaces collapsed.
STATEMENTS = {
    # The server keeps its own files sound (checksums, WAL): nothing to walk page by page.
    "PRAGMA integrity_check": "SELECT 'ok'",
    "PRAGMA quick_check": "SELECT 'ok'",
    # Foreign keys are enforced at every statement, never deferred: none can be dangling.
    "PRAGMA foreign_key_check": "SELECT NULL, NULL, NULL, NULL WHERE false",
    "SELECT name FROM sqlite_master WHERE type = 'table'": _TABLES,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'":
        _TABLES,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "ORDER BY name": _TABLES + " ORDER BY 1",
}


class NotPortable(ValueError):
    """A statement only SQLite understands (a PRAGMA with no server equivalent)."""


_INSERT = re.compile(r"\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def to_postgres(sql: str, with_params: bool = True) -> str:
    """`sql` as psycopg sends it to PostgreSQL. `with_params` False: the statement runs
    without parameters, so `%` stays as it is (psycopg then does not parse the text)."""
    key = " ".join(sql.split())
    if key in STATEMENTS:
        return STATEMENTS[key]
    if key.upper().startswith("PRAGMA"):
        raise NotPortable(f"{key!r} is SQLite's own: it has no meaning on a server")
    return placeholders(sql) if with_params else sql


def returns_id(sql: str) -> str | None:
    """The table an INSERT adds a row to, when its key is `id` (RETURNING id is added)."""
    found = _INSERT.match(sql)
    if found is None or found.group(1).lower() not in ID_TABLES or "RETURNING" in sql.upper():
        return None
    return found.group(1).lower()


def placeholders(sql: str) -> str:
    """`?` -> `%s`, `:name` -> `%(name)s`, `%` -> `%%`, outside quotes."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":  # a quoted literal or identifier, doubled quotes inside
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_") \
                and (i == 0 or sql[i - 1] != ":"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1:end]})s")
            i = end
        elif ch == ":" and i + 1 < n and sql[i + 1] == ":":  # a PostgreSQL cast: kept
            out.append("::")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)

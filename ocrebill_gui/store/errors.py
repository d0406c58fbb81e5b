"""What can go wrong with the local database, in words a person can act on.

Every error the store raises is a StoreError; its message names the file or the field and says
what to do. SQLite's own exceptions never leave the store: `translate()` turns them into these.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocrebill_gui.core.claim import Finding

# The stdlib's and SQLCipher's (encrypted databases) exceptions are two parallel class trees.
# sqlcipher3 (~5 MB resident: SQLCipher and OpenSSL) is imported only when an encrypted file is
# opened, so these are asked for when an exception is caught (`except sqlite_errors():`): until
# sqlcipher3 is loaded no exception of its can be raised.


def sqlite_errors() -> tuple[type[Exception], ...]:
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return (sqlite3.Error,) if cipher is None else (sqlite3.Error, cipher.Error)


def database_errors() -> tuple[type[Exception], ...]:
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return ((sqlite3.DatabaseError,) if cipher is None
            else (sqlite3.DatabaseError, cipher.DatabaseError))


def __getattr__(name: str) -> tuple[type[Exception], ...]:
    """SQLITE_ERRORS and DATABASE_ERRORS, both trees (for code that imports the tuples: it
    loads sqlcipher3; prefer the functions above)."""
    if name in ("SQLITE_ERRORS", "DATABASE_ERRORS"):
        import sqlcipher3.dbapi2  # noqa: F401

        return sqlite_errors() if name == "SQLITE_ERRORS" else database_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# SQLite primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


class StoreError(Exception):
    """Base class: the message is for people (what happened and what to do)."""


class DatabaseInUse(StoreError):
    """Another OcreBill process held the database longer than the busy timeout."""


class NewerSchemaError(StoreError):
    """The file was written by a newer OcreBill: refused and left untouched."""


class ReadOnlyError(StoreError):
    """The database cannot be written (read-only file, folder or store)."""


class DiskFullError(StoreError):
    """The disk (or the database's size limit) is full: the change was not saved."""


class UnreadableDatabase(StoreError):
    """The file is not an OcreBill/SQLite database, or it is damaged."""


class NotFound(StoreError):
    """A record asked for by id does not exist."""


class InvalidRecord(StoreError):
    """Input rejected; `problems` holds (field, message) pairs, e.g. ("birth_date", "...")."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems))

    def lines(self) -> list[str]:
        return [f"{field}: {message}" for field, message in self.problems]


class BackupExists(StoreError):
    """The backup's destination exists and replacing it was not asked for; `path` names it."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} already exists: nothing was written. Choose another file "
                         "name, or replace it.")


class VisitLocked(StoreError):
    """A finalized visit cannot be saved as a draft: amend it with a reason, or reopen it."""


class VisitChanged(StoreError):
    """The visit was changed by someone else since it was read (revision mismatch)."""


class VisitHasErrors(StoreError):
    """Finalizing was refused because the claim has error findings; `findings` lists them."""

    def __init__(self, message: str, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__(message)


def primary_code(exc: Exception) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def as_store_error(exc: Exception, path: object) -> StoreError:
    """The StoreError that explains an SQLite error on the database at `path` (a file's path
    or a server's address: what the message names)."""
    code = primary_code(exc)
    text = str(exc)
    if code in (_BUSY, _LOCKED) or "locked" in text:
        return DatabaseInUse(
            f"{path} is in use by another OcreBill window or command, which kept it busy for "
            "too long. Nothing was changed: close the other one or try again in a moment.")
    if code == _READONLY or "readonly" in text:
        return ReadOnlyError(
            f"{path} is read-only: nothing was saved. Check the file's permissions or open a "
            "writable copy.")
    if code == _FULL or "disk is full" in text:
        return DiskFullError(
            f"The disk holding {path} is full: the change was not saved and nothing was lost. "
            "Free some space and save again.")
    if code in (_NOTADB, _CORRUPT) or "not a database" in text or "malformed" in text:
        return UnreadableDatabase(
            f"{path} is not a readable OcreBill database (it may be damaged or another kind of "
            "file). Restore it from a backup, or run `ocrebill check` for details.")
    if code == _CANTOPEN:
        return StoreError(f"Cannot open {path}: check that the folder exists and is writable.")
    if code == _IOERR:
        return StoreError(f"The disk reported an error while using {path} ({text}): nothing "
                          "was saved. Check the disk, then try again.")
    return StoreError(f"Database error on {path}: {text}")


@contextmanager
def translate(path: object) -> Iterator[None]:
    """Re-raise any sqlite3 error inside the block as the matching StoreError."""
    try:
        yield
    except sqlite_errors() as exc:
        raise as_store_error(exc, path) from exc

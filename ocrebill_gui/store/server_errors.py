"""What can go wrong with a PostgreSQL server, as the store's StoreErrors (errors.py): the
message names the server as `where` (never its password) and says what to do. No psycopg
exception leaves the store."""

from __future__ import annotations

import psycopg

from ocrebill_gui.store.errors import (
    DatabaseInUse,
    DiskFullError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabase,
)

# SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_AUTH = ("28000", "28P01")
_IN_USE = ("55P03", "40P01", "40001", "57014")  # lock timeout, deadlock, serialization, cancel
_FULL = ("53100", "53200", "53300", "54000")  # disk full, out of memory, too many connections
_GONE = ("57P01", "57P02", "57P03")  # admin shutdown, crash shutdown, cannot connect now
_NO_DATABASE = "3D000"
_READ_ONLY = "25006"
_NO_PERMISSION = "42501"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def as_store_error(exc: psycopg.Error, where: str) -> StoreError:
    """The StoreError that explains a psycopg error on the server `where`."""
    state = getattr(exc, "sqlstate", None) or ""
    text = _first_line(exc)
    if state in _AUTH or "password authentication failed" in text \
            or "no password supplied" in text:
        return StoreError(
            f"The server {where} refused the sign-in of its database user ({text}). Check the "
            "user name and the password in ~/.pgpass (or PGPASSWORD, or the named connection "
            "in OcreBill's settings); nothing was changed.")
    if state == _NO_DATABASE or "database" in text and "does not exist" in text:
        return StoreError(f"The server {where} has no such database ({text}): create it first "
                          "(docs/server.md), or check the name.")
    if state in _IN_USE:
        return DatabaseInUse(
            f"{where} is busy: another workstation kept it locked for too long. Nothing was "
            "changed: try again in a moment.")
    if state == "53100":
        return DiskFullError(
            f"The disk of the server {where} is full: the change was not saved and nothing was "
            "lost. Ask whoever runs the server to free some space, then save again.")
    if state in _FULL:
        return StoreError(f"The server {where} is out of resources ({text}): nothing was "
                          "saved. Try again in a moment, or ask whoever runs the server.")
    if state == _READ_ONLY:
        return ReadOnlyError(f"{where} is read-only: nothing was saved.")
    if state == _NO_PERMISSION:
        return ReadOnlyError(f"The database user may not do this on {where} ({text}): nothing "
                             "was saved. Ask whoever runs the server to grant it.")
    if state in _GONE or isinstance(exc, psycopg.OperationalError) and not state:
        if "connection" in text.lower() and ("refused" in text or "failed" in text
                                             or "timeout" in text or "resolve" in text):
            return StoreError(
                f"Cannot reach the server {where} ({text}). Check that it is running and that "
                "this computer may connect to it (network, firewall, pg_hba.conf).")
        return StoreError(
            f"The connection to the server {where} was lost ({text}). The last change may not "
            "have been saved: reopen the visit or list to see what the server has.")
    if state.startswith("P0"):  # raised by OcreBill's own triggers (PL/pgSQL)
        return StoreError(f"Database error on {where}: {text}")
    if state in ("42P01", "42703"):  # a table or column missing: not OcreBill's schema
        return UnreadableDatabase(
            f"{where} is not a complete OcreBill database ({text}): it was not changed.")
    return StoreError(f"Database error on {where}: {text}")

"""The append-only audit log: who changed what, when, field by field, and why; and who read
which patient's data.

Every write in the store calls `record()` inside its transaction, so the change and its trace
are saved together. Triggers refuse UPDATE and DELETE on the table, and each row is hash-chained
to the one before it (audit_chain.py: what that proves and what it cannot). Reads of patient
data go through `record_read()`, once per record and action in a session. `audit_entries()`
pages through the log by visit, patient, user and date range; `write_audit_csv()` exports it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit_chain import append_entries, changes_json
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.records import AuditEntry

Change = tuple[str, Any, Any]  # (field, before, after)

_MISSING = object()


def check_reason(reason: str | None, what: str) -> str:
    """A reason the audit log keeps: required, trimmed; `what` says what it must explain."""
    from ocrebill_gui.store.errors import InvalidRecord

    from ocrebill_gui.store.records import refuse_control_characters

    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRecord([("reason", what)])
    try:
        return refuse_control_characters(reason.strip())
    except ValueError as exc:
        raise InvalidRecord([("reason", str(exc))]) from None


def check_actor(actor: str) -> str:
    """Every write names who made it."""
    from ocrebill_gui.store.errors import InvalidRecord

    if not isinstance(actor, str) or not actor.strip():
        raise InvalidRecord([("actor", "must name who makes the change")])
    return actor.strip()


def record(store: Store, actor: str, entity: str, entity_id: object, action: str,
           changes: list[Change], reason: str | None = None) -> None:
    """Append one entry; call it inside the write transaction of the change it describes."""
    append_entries(store.conn, [(store.now(), actor, entity, str(entity_id), action, reason,
                                 changes_json(changes))], store.audit_key)


READ_ACTIONS = {"open": "opened", "view": "viewed", "print": "printed", "export": "exported"}


@writes("patients.read")
def record_read(store: Store, actor: str, entity: str, entity_id: object, action: str, *,
                session_id: str | None = None, details: list[Change] | None = None) -> bool:
    """Audit a read of patient data ("open" a visit, "view" a patient record, "print",
    "export"): one entry per (session, record, action), so reopening the same visit in a
    session writes nothing more. `session_id` defaults to this Store object's own (one per
    app run or CLI command). True when the read is on record; False when it cannot be (the
    database is read-only). Its own write transaction: call it outside others."""
    actor = check_actor(actor)
    if action not in READ_ACTIONS:
        raise ValueError(f"unknown read action {action!r}")
    session = session_id or store.session_id
    seen = (session, entity, str(entity_id), action)
    if seen in store.audited_reads:
        return True
    if store.read_only:
        return False
    from ocrebill_gui.store.db import writing

    with writing(store):
        record(store, actor, entity, entity_id, action,
               [("session", None, session), *(details or [])])
    store.audited_reads.add(seen)
    return True


def insert_recorded(store: Store, actor: str, table: str, entity: str,
                    values: Mapping[str, Any], *,
                    audited: Mapping[str, Any] | None = None) -> int:
    """Insert a row stamped with who and when, and its creation in the audit log; its id.
    `audited`: what the log keeps instead of the row's columns (a JSON column's fields one by
    one, say). Inside the caller's write transaction."""
    now = store.now()
    row_id = store.db.table(table).insert({**values, "created_at": now, "created_by": actor,
                                           "changed_at": now, "changed_by": actor}).last_pk
    assert row_id is not None  # an insert's
    record(store, actor, entity, row_id, "create",
           field_changes(None, values if audited is None else audited))
    return int(row_id)


def update_recorded(store: Store, actor: str, table: str, entity: str, row_id: int,
                    values: Mapping[str, Any], *,
                    audited: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None) -> None:
    """Write the fields that changed, stamped, with their before and after in the audit log
    (nothing when nothing changed). `audited`: the (before, after) the log compares instead of
    the row's columns. Inside the caller's write transaction."""
    if audited is None:
        before = dict(store.db.table(table).get(row_id))
        diff = field_changes({k: before[k] for k in values}, values)
    else:
        diff = field_changes(*audited)
    if diff:
        store.db.table(table).update(row_id, {**values, "changed_at": store.now(),
                                              "changed_by": actor})
        record(store, actor, entity, row_id, "update", diff)


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                  prefix: str = "") -> list[Change]:
    """Field-level differences between two records or documents (nested paths such as
    `administrations[0].dose_mg`); None stands for "did not exist"."""
    out: list[Change] = []
    _diff(before if before is not None else _MISSING, after if after is not None else _MISSING,
          prefix, out)
    return out


def _diff(before: Any, after: Any, path: str, out: list[Change]) -> None:
    if before == after:
        return
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in list(before) + [k for k in after if k not in before]:
            sub = f"{path}.{key}" if path else str(key)
            _diff(before.get(key, _MISSING), after.get(key, _MISSING), sub, out)
        return
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (b, a) in enumerate(zip(before, after, strict=True)):
            _diff(b, a, f"{path}[{index}]", out)
        return
    out.append((path or "record", None if before is _MISSING else before,
                None if after is _MISSING else after))


@reads("audit.read")
def audit_entries(store: Store, entity: str | None = None, entity_id: object | None = None, *,
                  visit_id: int | None = None, patient_id: int | None = None,
                  actor: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 100,
                  offset: int = 0) -> list[AuditEntry]:
    """Entries newest first, a page at a time, optionally for one entity kind ("visit",
    "patient"...) or record, one visit, everything about one patient (the patient, its
    coverages, authorizations and visits), one user (actor), and local dates from/to
    (inclusive)."""
    from ocrebill_gui.store.audit_query import entries_page

    return entries_page(store, entity=entity, entity_id=entity_id, visit_id=visit_id,
                        patient_id=patient_id, actor=actor, date_from=date_from,
                        date_to=date_to, limit=limit, offset=offset)


@reads("audit.read")
def write_audit_csv(store: Store, path: str | os.PathLike[str], *, force: bool = False,
                    **filters: Any) -> int:
    """The entries matching `filters` (as audit_entries takes them), oldest first, to a CSV
    file (0600, written whole or not at all; an existing file is replaced only with `force`,
    FileExistsError otherwise); returns how many rows."""
    from ocrebill_gui.store.audit_csv import write_csv

    return write_csv(store, path, force=force, **filters)

"""The append-only audit log: who changed what, when, field by field, and why.

Every write in the store calls `record()` inside its transaction, so the change and its trace
are saved together. Triggers refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ocrebill_gui.store.db import Store
from ocrebill_gui.store.records import AuditEntry, FieldChange

Change = tuple[str, Any, Any]  # (field, before, after)

_MISSING = object()


def check_reason(reason: str | None, what: str) -> str:
    """A reason the audit log keeps: required, trimmed; `what` says what it must explain."""
    from ocrebill_gui.store.errors import InvalidRecord

    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRecord([("reason", what)])
    return reason.strip()


def check_actor(actor: str) -> str:
    """Every write names who made it."""
    from ocrebill_gui.store.errors import InvalidRecord

    if not isinstance(actor, str) or not actor.strip():
        raise InvalidRecord([("actor", "must name who makes the change")])
    return actor.strip()


def record(store: Store, actor: str, entity: str, entity_id: object, action: str,
           changes: list[Change], reason: str | None = None) -> None:
    """Append one entry; call it inside the write transaction of the change it describes."""
    payload = json.dumps([{"field": f, "before": b, "after": a} for f, b, a in changes],
                         ensure_ascii=False, default=str)
    store.conn.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, reason, changes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (store.now(), actor, entity, str(entity_id), action, reason, payload))


def insert_recorded(store: Store, actor: str, table: str, entity: str,
                    values: Mapping[str, Any]) -> int:
    """Insert a row stamped with who and when, and its creation in the audit log; its id.
    Inside the caller's write transaction."""
    now = store.now()
    row_id = store.db[table].insert({**values, "created_at": now, "created_by": actor,
                                     "changed_at": now, "changed_by": actor}).last_pk
    record(store, actor, entity, row_id, "create", field_changes(None, values))
    return int(row_id)


def update_recorded(store: Store, actor: str, table: str, entity: str, row_id: int,
                    values: Mapping[str, Any]) -> None:
    """Write the fields that changed, stamped, with their before and after in the audit log
    (nothing when nothing changed). Inside the caller's write transaction."""
    before = dict(store.db[table].get(row_id))
    diff = field_changes({k: before[k] for k in values}, values)
    if diff:
        store.db[table].update(row_id, {**values, "changed_at": store.now(),
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


def audit_entries(store: Store, entity: str | None = None, entity_id: object | None = None, *,
                  limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """Entries newest first, optionally for one entity kind ("visit", "patient"...) or record."""
    where, params = [], []
    if entity is not None:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(str(entity_id))
    sql = "SELECT * FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
    rows = store.db.query(sql, [*params, limit, offset])
    return [AuditEntry(id=r["id"], at=r["at"], actor=r["actor"], entity=r["entity"],
                       entity_id=r["entity_id"], action=r["action"], reason=r["reason"],
                       changes=[FieldChange(**c) for c in json.loads(r["changes"])])
            for r in rows]

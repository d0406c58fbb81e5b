"""Reading the audit log for the viewer, the `ocrebill audit` command and the CSV export:
filters by visit, patient, user and date range, a page at a time, each entry with the patient
it is about (a patient's own entries and those of its coverages, authorizations and visits).

Dates are local days (the user's time zone); `at` is stored in UTC, so a day becomes the UTC
range of its local midnight to the next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.records import AuditEntry, FieldChange, Patient

# The patient an entry is about, for each kind of record that belongs to one.
_PATIENT_OF = """CASE a.entity
    WHEN 'patient' THEN CAST(a.entity_id AS INTEGER)
    WHEN 'visit' THEN (SELECT patient_id FROM visits WHERE id = CAST(a.entity_id AS INTEGER))
    WHEN 'coverage' THEN (SELECT patient_id FROM coverages
                          WHERE id = CAST(a.entity_id AS INTEGER))
    WHEN 'authorization' THEN (SELECT c.patient_id FROM authorizations x
                               JOIN coverages c ON c.id = x.coverage_id
                               WHERE x.id = CAST(a.entity_id AS INTEGER))
    WHEN 'claim' THEN (SELECT v.patient_id FROM claims x JOIN visits v ON v.id = x.visit_id
                       WHERE x.id = CAST(a.entity_id AS INTEGER))
    WHEN 'remittance' THEN (SELECT v.patient_id FROM remittances r
                            JOIN claims x ON x.id = r.claim_id
                            JOIN visits v ON v.id = x.visit_id
                            WHERE r.id = CAST(a.entity_id AS INTEGER))
  END"""

_SELECT = f"""SELECT a.id, a.at, a.actor, a.entity, a.entity_id, a.action, a.reason, a.changes,
       a.hash, p.id AS patient_id, p.ref AS patient_ref, p.name AS patient_name
  FROM audit_log a LEFT JOIN patients p ON p.id = {_PATIENT_OF}"""

# A visit's claims and their remittances (issue 15) are part of the visit's history.
_CLAIMS_OF = """(a.entity = 'claim' AND a.entity_id IN (
        SELECT CAST(x.id AS TEXT) FROM claims x WHERE {visits}))
    OR (a.entity = 'remittance' AND a.entity_id IN (
        SELECT CAST(r.id AS TEXT) FROM remittances r JOIN claims x ON x.id = r.claim_id
        WHERE {visits}))"""

_OF_VISIT = ("((a.entity = 'visit' AND a.entity_id = CAST(:visit AS TEXT))\n    OR "
             + _CLAIMS_OF.format(visits="x.visit_id = :visit") + ")")

_OF_PATIENT = """(
    (a.entity = 'patient' AND a.entity_id = CAST(:patient AS TEXT))
    OR (a.entity = 'visit' AND a.entity_id IN (
        SELECT CAST(id AS TEXT) FROM visits WHERE patient_id = :patient))
    OR """ + _CLAIMS_OF.format(
    visits="x.visit_id IN (SELECT id FROM visits WHERE patient_id = :patient)") + """
    OR (a.entity = 'coverage' AND a.entity_id IN (
        SELECT CAST(id AS TEXT) FROM coverages WHERE patient_id = :patient))
    OR (a.entity = 'authorization' AND a.entity_id IN (
        SELECT CAST(x.id AS TEXT) FROM authorizations x JOIN coverages c
        ON c.id = x.coverage_id WHERE c.patient_id = :patient)))"""


def utc_bound(day: date) -> str:
    """The stored (UTC) form of the local midnight that starts `day`."""
    from datetime import UTC

    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(UTC).isoformat(timespec="milliseconds")


def _where(entity: str | None = None, entity_id: object | None = None,
           visit_id: int | None = None, patient_id: int | None = None,
           actor: str | None = None, date_from: date | None = None,
           date_to: date | None = None) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if entity is not None:
        where.append("a.entity = :entity")
        params["entity"] = entity
    if entity_id is not None:
        where.append("a.entity_id = :entity_id")
        params["entity_id"] = str(entity_id)
    if visit_id is not None:
        where.append(_OF_VISIT)
        params["visit"] = int(visit_id)
    if patient_id is not None:
        where.append(_OF_PATIENT)
        params["patient"] = int(patient_id)
    if actor is not None and actor.strip():
        where.append("a.actor = :actor")
        params["actor"] = actor.strip()
    if date_from is not None:
        where.append("a.at >= :start")
        params["start"] = utc_bound(date_from)
    if date_to is not None:
        where.append("a.at < :end")
        params["end"] = utc_bound(date_to + timedelta(days=1))
    return (" WHERE " + " AND ".join(where)) if where else "", params


def entries_page(store: Store, *, limit: int = 100, offset: int = 0,
                 **filters: Any) -> list[AuditEntry]:
    """Newest first: `limit` entries after the first `offset` that match."""
    where, params = _where(**filters)
    rows = store.conn.execute(f"{_SELECT}{where} ORDER BY a.id DESC LIMIT :limit "
                              "OFFSET :offset", {**params, "limit": int(limit),
                                                 "offset": int(offset)})
    return [_entry(row) for row in rows.fetchall()]


def iter_entries(store: Store, *, batch: int = 1000, **filters: Any) -> Iterator[AuditEntry]:
    """Oldest first, every entry that matches, read `batch` at a time (by id, not offset)."""
    where, params = _where(**filters)
    joiner = " AND " if where else " WHERE "
    after = 0
    while True:
        rows = store.conn.execute(f"{_SELECT}{where}{joiner}a.id > :after ORDER BY a.id "
                                  "LIMIT :batch", {**params, "after": after,
                                                   "batch": batch}).fetchall()
        for row in rows:
            yield _entry(row)
        if len(rows) < batch:
            return
        after = rows[-1][0]


def _entry(row: tuple) -> AuditEntry:
    (row_id, at, actor, entity, entity_id, action, reason, changes, digest, patient_id,
     patient_ref, patient_name) = row
    return AuditEntry.model_construct(
        id=row_id, at=at, actor=actor, entity=entity, entity_id=entity_id, action=action,
        reason=reason, changes=_changes(changes), patient_id=patient_id,
        patient_ref=patient_ref, patient_name=patient_name, hash=digest)


def _changes(text: str) -> list[FieldChange]:
    """The stored changes; a value that is not the store's shape (a row written by hand) is
    shown as it is rather than refused."""
    try:
        items = json.loads(text)
        return [FieldChange(**item) for item in items]
    except (TypeError, ValueError):
        return [FieldChange(field="changes", after=text)]


@reads("audit.read")
def patients_meant(store: Store, text: str, limit: int = 10) -> list[Patient]:
    """The patients `text` may mean, for a filter that needs one: the patient whose id (ref)
    or MRN is exactly `text`, else those search_patients finds (name prefix, MRN, patient id,
    member id), at most `limit`."""
    from ocrebill_gui.store.patients import PATIENT_COLUMNS, patient_from_row
    from ocrebill_gui.store.search import search_patients

    wanted = text.strip()
    if not wanted:
        return []
    row = next(store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.ref = ? "
                              "OR p.mrn = ? ORDER BY p.ref = ? DESC LIMIT 1",
                              [wanted, wanted, wanted]), None)
    if row is not None:
        return [patient_from_row(row)]
    return search_patients.inside(store, wanted, limit=limit)

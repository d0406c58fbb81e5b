"""Coverages: which payer profile pays for a patient, with member id, group, priority and the
dates the coverage is in effect."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, insert_recorded, update_recorded
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import Coverage, CoverageFields, validated

_EDITABLE = ("patient_id", "payer", "member_id", "group_number", "priority", "effective_from",
             "effective_to")


def coverage_from_row(row: Mapping[str, Any]) -> Coverage:
    data = {k: row[k] for k in ("id", *_EDITABLE)}
    for key in ("effective_from", "effective_to"):
        data[key] = date.fromisoformat(data[key]) if data[key] else None
    data["member_id"] = data["member_id"] or ""
    data["group_number"] = data["group_number"] or ""
    return Coverage.model_construct(**data)


def _columns(store: Store, fields: CoverageFields) -> dict[str, Any]:
    from ocrebill_gui.store.payers import store_catalog

    problems = []
    if store.conn.execute("SELECT 1 FROM patients WHERE id = ?",
                          (fields.patient_id,)).fetchone() is None:
        problems.append(("patient_id", f"there is no patient {fields.patient_id}"))
    payers = store_catalog(store).payers
    if fields.payer not in payers:
        problems.append(("payer", f"unknown payer profile '{fields.payer}' (known: "
                                  f"{', '.join(sorted(payers))})"))
    if problems:
        raise InvalidRecord(problems)
    return {"patient_id": fields.patient_id, "payer": fields.payer,
            "member_id": fields.member_id.upper(), "group_number": fields.group_number,
            "priority": fields.priority,
            "effective_from": fields.effective_from.isoformat() if fields.effective_from else None,
            "effective_to": fields.effective_to.isoformat() if fields.effective_to else None}


@writes("coverage.write")
def add_coverage(store: Store, actor: str, fields: Mapping[str, Any]) -> Coverage:
    """Add a coverage to a patient (see CoverageFields); member ids are kept upper-case."""
    actor = check_actor(actor)
    parsed = validated(CoverageFields, fields)
    with writing(store):
        coverage_id = insert_recorded(store, actor, "coverages", "coverage",
                                      _columns(store, parsed))
    return get_coverage.inside(store, coverage_id)


@writes("coverage.write")
def update_coverage(store: Store, actor: str, coverage_id: int,
                    changes: Mapping[str, Any]) -> Coverage:
    """Change some fields of a coverage."""
    actor = check_actor(actor)
    with writing(store):
        current = get_coverage.inside(store, coverage_id)
        merged = {k: getattr(current, k) for k in _EDITABLE} | dict(changes)
        update_recorded(store, actor, "coverages", "coverage", coverage_id,
                        _columns(store, validated(CoverageFields, merged)))
    return get_coverage.inside(store, coverage_id)


@reads("patients.read")
def get_coverage(store: Store, coverage_id: int) -> Coverage:
    row = store.conn.execute("SELECT * FROM coverages WHERE id = ?", (coverage_id,))
    found = row.fetchone()
    if found is None:
        raise NotFound(f"There is no coverage {coverage_id}.")
    return coverage_from_row(dict(zip([d[0] for d in row.description], found, strict=True)))


@reads("patients.read")
def coverages_of(store: Store, patient_id: int) -> list[Coverage]:
    """A patient's coverages, primary first, newest first within a priority."""
    rows = store.db.query("SELECT * FROM coverages WHERE patient_id = ? "
                          "ORDER BY priority, coalesce(effective_from, '') DESC, id DESC",
                          [patient_id])
    return [coverage_from_row(r) for r in rows]


@reads("patients.read")
def coverage_on(store: Store, patient_id: int, day: date) -> Coverage | None:
    """The coverage to bill on `day`: the highest-priority one in effect then."""
    return next((c for c in coverages_of.inside(store, patient_id) if c.active_on(day)), None)

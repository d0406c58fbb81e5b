"""Coverages: which payer profile pays for a patient, with member id, group, priority, the
dates the coverage is in effect, the subscriber and what claims need of the plan.

A coverage can be corrected (update), ended (a termination date) and deleted while no visit
and no authorization uses it. One primary (priority 1) coverage per date range: a second that
overlaps is refused, naming the first. Member ids are kept as typed; `member_key` (no spaces,
dashes or case) is what search and comparisons read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, field_changes, insert_recorded, record, \
    update_recorded
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound, StoreError
from ocrebill_gui.store.records import Coverage, CoverageFields, member_key, validated

_EDITABLE = ("patient_id", "payer", "member_id", "group_number", "priority", "effective_from",
             "effective_to", "plan_type", "claim_office_id", "subscriber_relationship",
             "subscriber_name", "subscriber_birth_date")
_DATES = ("effective_from", "effective_to", "subscriber_birth_date")


def coverage_from_row(row: Mapping[str, Any]) -> Coverage:
    data: dict[str, Any] = {k: row.get(k) for k in ("id", *_EDITABLE)}
    for key in _DATES:
        data[key] = date.fromisoformat(data[key]) if data[key] else None
    for key in ("member_id", "group_number", "claim_office_id", "subscriber_name"):
        data[key] = data[key] or ""
    data["subscriber_relationship"] = data["subscriber_relationship"] or "self"
    return Coverage.model_construct(**data)


def payer_name(store: Store, payer: str) -> str:
    from ocrebill_gui.store.payers import store_catalog

    profile = store_catalog(store).payers.get(payer)
    return profile.name if profile is not None else payer


def coverage_label(store: Store, coverage: Coverage | Mapping[str, Any]) -> str:
    """'Medicare Part B, member 1EG4-TE5-MK72, from 2026-01-01' (ids only, for messages)."""
    get: Callable[[str], Any] = (coverage.get if isinstance(coverage, Mapping)
                                 else coverage.__getattribute__)
    start = get("effective_from")
    start = start.isoformat() if isinstance(start, date) else start
    end = get("effective_to")
    end = end.isoformat() if isinstance(end, date) else end
    when = f"from {start}" + (f" to {end}" if end else "") if start else "without dates"
    return f"coverage {get('id')} ({payer_name(store, get('payer'))}, {when})"


def _columns(store: Store, fields: CoverageFields, coverage_id: int | None) -> dict[str, Any]:
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
    values = {"patient_id": fields.patient_id, "payer": fields.payer,
              "member_id": fields.member_id, "member_key": member_key(fields.member_id),
              "group_number": fields.group_number, "priority": fields.priority,
              "effective_from": fields.starts.isoformat(),
              "effective_to": fields.effective_to.isoformat() if fields.effective_to else None,
              "plan_type": fields.plan_type, "claim_office_id": fields.claim_office_id,
              "subscriber_relationship": fields.subscriber_relationship,
              "subscriber_name": fields.subscriber_name if
              fields.subscriber_relationship != "self" else "",
              "subscriber_birth_date": fields.subscriber_birth_date.isoformat()
              if fields.subscriber_birth_date and fields.subscriber_relationship != "self"
              else None}
    _refuse_a_second_primary(store, values, coverage_id)
    return values


def _refuse_a_second_primary(store: Store, values: Mapping[str, Any],
                             coverage_id: int | None) -> None:
    """One priority-1 coverage of a patient in effect on any day."""
    if values["priority"] != 1:
        return
    end = values["effective_to"] or "9999-12-31"
    clash = next(store.db.query(
        "SELECT id, payer, effective_from, effective_to FROM coverages WHERE patient_id = ? "
        "AND priority = 1 AND id IS DISTINCT FROM ? "
        "AND coalesce(effective_from, '0000-01-01') <= ? "
        "AND coalesce(effective_to, '9999-12-31') >= ? ORDER BY id LIMIT 1",
        [values["patient_id"], coverage_id, end, values["effective_from"]]), None)
    if clash is not None:
        raise InvalidRecord([("priority", f"{coverage_label(store, clash)} is already the "
                              "primary coverage in those dates: end it first, or make this "
                              "one secondary (order 2)")])


@writes("coverage.write")
def add_coverage(store: Store, actor: str, fields: Mapping[str, Any]) -> Coverage:
    """Add a coverage to a patient (see CoverageFields)."""
    actor = check_actor(actor)
    parsed = validated(CoverageFields, fields)
    with writing(store):
        coverage_id = insert_recorded(store, actor, "coverages", "coverage",
                                      _columns(store, parsed, None))
    return get_coverage.inside(store, coverage_id)


def _merged(current: Coverage, changes: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(changes, Mapping):
        raise InvalidRecord([("record", "must be a set of named fields")])
    return {k: getattr(current, k) for k in _EDITABLE} | dict(changes)


@writes("coverage.write")
def update_coverage(store: Store, actor: str, coverage_id: int,
                    changes: Mapping[str, Any]) -> Coverage:
    """Correct some fields of a coverage. Its patient cannot change while visits use it."""
    actor = check_actor(actor)
    with writing(store):
        current = get_coverage.inside(store, coverage_id)
        values = _columns(store, validated(CoverageFields, _merged(current, changes)),
                          coverage_id)
        if values["patient_id"] != current.patient_id and _uses(store, coverage_id):
            raise InvalidRecord([("patient_id", "visits or authorizations use this coverage: "
                                  "it cannot move to another patient")])
        update_recorded(store, actor, "coverages", "coverage", coverage_id, values)
    return get_coverage.inside(store, coverage_id)


@writes("coverage.write")
def end_coverage(store: Store, actor: str, coverage_id: int, last_day: date | str) -> Coverage:
    """End a coverage on `last_day` (its termination date; the patient changed plans)."""
    return update_coverage.inside(store, actor, coverage_id, {"effective_to": last_day})


def _uses(store: Store, coverage_id: int) -> list[str]:
    """What uses a coverage: 'visit 12', 'authorization PA-1'..."""
    visits = [f"visit {r[0]}" for r in store.conn.execute(
        "SELECT id FROM visits WHERE coverage_id = ? ORDER BY id LIMIT 5", (coverage_id,))]
    auths = [f"authorization {r[0]}" for r in store.conn.execute(
        "SELECT number FROM authorizations WHERE coverage_id = ? ORDER BY id LIMIT 5",
        (coverage_id,))]
    return visits + auths


@writes("coverage.write")
def delete_coverage(store: Store, actor: str, coverage_id: int) -> None:
    """Delete a coverage typed by mistake: refused while a visit or an authorization uses it
    (end it instead); its benefits verifications go with it (they describe that plan alone).
    The deleted records stay in the audit log."""
    from ocrebill_gui.store.benefits import delete_benefits_of_coverage

    actor = check_actor(actor)
    with writing(store):
        current = get_coverage.inside(store, coverage_id)
        used = _uses(store, coverage_id)
        if used:
            raise StoreError(f"Coverage {coverage_id} cannot be deleted: {', '.join(used)} "
                             "use it. End it instead (a termination date).")
        delete_benefits_of_coverage(store, actor, coverage_id)
        store.conn.execute("DELETE FROM coverages WHERE id = ?", (coverage_id,))
        record(store, actor, "coverage", coverage_id, "delete",
               field_changes(current.model_dump(mode="json", exclude={"id"}), None))


@reads("patients.read")
def get_coverage(store: Store, coverage_id: int) -> Coverage:
    row = next(store.db.query("SELECT * FROM coverages WHERE id = ?", [coverage_id]), None)
    if row is None:
        raise NotFound(f"There is no coverage {coverage_id}.")
    return coverage_from_row(row)


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

"""Prior authorizations: number, product, approved units and validity, with what finalized
visits have used of them (authorization_uses), so the remaining units are always known."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import (
    check_actor,
    field_changes,
    insert_recorded,
    record,
    update_recorded,
)
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound, StoreError
from ocrebill_gui.store.records import Authorization, AuthorizationFields, validated

_EDITABLE = ("coverage_id", "number", "product", "approved_units", "valid_from", "valid_to",
             "visits_allowed")
_SELECT = """SELECT a.*, coalesce((SELECT sum(units) FROM authorization_uses u
                                    WHERE u.authorization_id = a.id), 0) AS used_units,
                    (SELECT count(*) FROM authorization_uses u
                     WHERE u.authorization_id = a.id) AS used_visits
             FROM authorizations a"""


def authorization_from_row(row: Mapping[str, Any]) -> Authorization:
    approved, used = row["approved_units"], row["used_units"]
    return Authorization.model_construct(
        id=row["id"], coverage_id=row["coverage_id"], number=row["number"],
        product=row["product"], approved_units=approved,
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_to=date.fromisoformat(row["valid_to"]), used_units=used,
        remaining_units=None if approved is None else approved - used,
        visits_allowed=row.get("visits_allowed"), used_visits=row.get("used_visits") or 0)


def coverage_and_product_problems(store: Store, coverage_id: int,
                                  product: str) -> list[tuple[str, str]]:
    """A record of a coverage about a drug (an authorization, a benefits verification): the
    coverage must exist and the product be one of the catalog's."""
    from ocrebill_gui.core.catalog import default_catalog

    problems = []
    if store.conn.execute("SELECT 1 FROM coverages WHERE id = ?",
                          (coverage_id,)).fetchone() is None:
        problems.append(("coverage_id", f"there is no coverage {coverage_id}"))
    products = default_catalog().products
    if product not in products:
        problems.append(("product", f"unknown product '{product}' (known: "
                                    f"{', '.join(sorted(products))})"))
    return problems


def _columns(store: Store, fields: AuthorizationFields, auth_id: int | None) -> dict[str, Any]:
    problems = coverage_and_product_problems(store, fields.coverage_id, fields.product)
    clash = store.conn.execute("SELECT 1 FROM authorizations WHERE coverage_id = ? AND "
                               "number = ? AND id IS DISTINCT FROM ?",
                               (fields.coverage_id, fields.number, auth_id)).fetchone()
    if clash:
        problems.append(("number", f"{fields.number} is already recorded for this coverage"))
    if problems:
        raise InvalidRecord(problems)
    return {"coverage_id": fields.coverage_id, "number": fields.number,
            "product": fields.product, "approved_units": fields.approved_units,
            "valid_from": fields.valid_from.isoformat(), "valid_to": fields.valid_to.isoformat(),
            "visits_allowed": fields.visits_allowed}


@writes("coverage.write")
def add_authorization(store: Store, actor: str, fields: Mapping[str, Any]) -> Authorization:
    """Record a prior authorization for a coverage (see AuthorizationFields)."""
    actor = check_actor(actor)
    parsed = validated(AuthorizationFields, fields)
    with writing(store):
        auth_id = insert_recorded(store, actor, "authorizations", "authorization",
                                  _columns(store, parsed, None))
    return get_authorization.inside(store, auth_id)


@writes("coverage.write")
def update_authorization(store: Store, actor: str, auth_id: int,
                         changes: Mapping[str, Any]) -> Authorization:
    """Correct an authorization (e.g. an extension of its dates or units). Finalized visits
    keep what they were billed with; its coverage cannot change once visits used it."""
    actor = check_actor(actor)
    with writing(store):
        current = get_authorization.inside(store, auth_id)
        if not isinstance(changes, Mapping):
            raise InvalidRecord([("record", "must be a set of named fields")])
        merged = {k: getattr(current, k) for k in _EDITABLE} | dict(changes)
        if merged["coverage_id"] != current.coverage_id and _visits_using(store, auth_id):
            raise InvalidRecord([("coverage_id", "visits use this authorization: it cannot "
                                  "move to another plan")])
        update_recorded(store, actor, "authorizations", "authorization", auth_id,
                        _columns(store, validated(AuthorizationFields, merged), auth_id))
    return get_authorization.inside(store, auth_id)


@writes("coverage.write")
def end_authorization(store: Store, actor: str, auth_id: int,
                      last_day: date | str) -> Authorization:
    """End an authorization early on `last_day` (the payer withdrew or replaced it)."""
    return update_authorization.inside(store, actor, auth_id, {"valid_to": last_day})


def _visits_using(store: Store, auth_id: int) -> list[int]:
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM visits WHERE authorization_id = ? UNION "
        "SELECT visit_id FROM authorization_uses WHERE authorization_id = ? ORDER BY 1",
        (auth_id, auth_id))]


@writes("coverage.write")
def delete_authorization(store: Store, actor: str, auth_id: int) -> None:
    """Delete an authorization typed by mistake: refused while a visit uses it (end it
    instead); the deleted record stays in the audit log."""
    actor = check_actor(actor)
    with writing(store):
        current = get_authorization.inside(store, auth_id)
        visits = _visits_using(store, auth_id)
        if visits:
            shown = ", ".join(str(v) for v in visits[:5]) + (" ..." if len(visits) > 5 else "")
            raise StoreError(f"Authorization {current.number} cannot be deleted: visit(s) "
                             f"{shown} use it. End it instead (an earlier end date).")
        store.conn.execute("DELETE FROM authorizations WHERE id = ?", (auth_id,))
        record(store, actor, "authorization", auth_id, "delete", field_changes(
            current.model_dump(mode="json", include=set(_EDITABLE)), None))


@reads("patients.read")
def authorization_uses(store: Store, auth_id: int) -> list[tuple[int, date, int]]:
    """(visit id, date of service, units) of each finalized visit that used the
    authorization, oldest first: where its used units went."""
    rows = store.conn.execute(
        "SELECT v.id, v.date_of_service, u.units FROM authorization_uses u "
        "JOIN visits v ON v.id = u.visit_id WHERE u.authorization_id = ? "
        "ORDER BY v.date_of_service, v.id", (auth_id,)).fetchall()
    return [(int(r[0]), date.fromisoformat(r[1]), int(r[2])) for r in rows]


@reads("patients.read")
def get_authorization(store: Store, auth_id: int) -> Authorization:
    """The authorization with its used and remaining units, or NotFound."""
    row = next(store.db.query(_SELECT + " WHERE a.id = ?", [auth_id]), None)
    if row is None:
        raise NotFound(f"There is no authorization {auth_id}.")
    return authorization_from_row(row)


@reads("patients.read")
def authorizations_of(store: Store, *, patient_id: int | None = None,
                      coverage_id: int | None = None) -> list[Authorization]:
    """Authorizations of a coverage or of all a patient's coverages, latest validity first."""
    if coverage_id is not None:
        rows = store.db.query(_SELECT + " WHERE a.coverage_id = ? ORDER BY a.valid_to DESC, "
                              "a.id DESC", [coverage_id])
    elif patient_id is not None:
        rows = store.db.query(_SELECT + " JOIN coverages c ON c.id = a.coverage_id "
                              "WHERE c.patient_id = ? ORDER BY a.valid_to DESC, a.id DESC",
                              [patient_id])
    else:
        raise ValueError("give patient_id or coverage_id")
    return [authorization_from_row(r) for r in rows]


@reads("patients.read")
def authorization_for(store: Store, coverage_id: int, product: str,
                      day: date) -> Authorization | None:
    """The authorization to use for `product` on `day`: valid then, most units left first."""
    valid = [a for a in authorizations_of.inside(store, coverage_id=coverage_id)
             if a.product == product and a.valid_on(day)]
    valid.sort(key=lambda a: (a.remaining_units is None, a.remaining_units or 0), reverse=True)
    return valid[0] if valid else None


@reads("patients.read")
def expiring_authorizations(store: Store, today: date | None = None, *,
                            within_days: int = 30) -> list[Authorization]:
    """Authorizations ending between today and `within_days` from now, soonest first."""
    today = today or store.today()
    rows = store.db.query(_SELECT + " WHERE a.valid_to >= ? AND a.valid_to <= ? "
                          "ORDER BY a.valid_to, a.id",
                          [today.isoformat(), (today + timedelta(days=within_days)).isoformat()])
    return [authorization_from_row(r) for r in rows]

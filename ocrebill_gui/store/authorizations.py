"""Prior authorizations: number, product, approved units and validity, with what finalized
visits have used of them (authorization_uses), so the remaining units are always known."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, insert_recorded, update_recorded
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import Authorization, AuthorizationFields, validated

_EDITABLE = ("coverage_id", "number", "product", "approved_units", "valid_from", "valid_to")
_SELECT = """SELECT a.*, coalesce((SELECT sum(units) FROM authorization_uses u
                                    WHERE u.authorization_id = a.id), 0) AS used_units
             FROM authorizations a"""


def authorization_from_row(row: Mapping[str, Any]) -> Authorization:
    approved, used = row["approved_units"], row["used_units"]
    return Authorization.model_construct(
        id=row["id"], coverage_id=row["coverage_id"], number=row["number"],
        product=row["product"], approved_units=approved,
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_to=date.fromisoformat(row["valid_to"]), used_units=used,
        remaining_units=None if approved is None else approved - used)


def _columns(store: Store, fields: AuthorizationFields, auth_id: int | None) -> dict[str, Any]:
    from ocrebill_gui.core.catalog import default_catalog

    problems = []
    if store.conn.execute("SELECT 1 FROM coverages WHERE id = ?",
                          (fields.coverage_id,)).fetchone() is None:
        problems.append(("coverage_id", f"there is no coverage {fields.coverage_id}"))
    products = default_catalog().products
    if fields.product not in products:
        problems.append(("product", f"unknown product '{fields.product}' (known: "
                                    f"{', '.join(sorted(products))})"))
    clash = store.conn.execute("SELECT 1 FROM authorizations WHERE coverage_id = ? AND "
                               "number = ? AND id IS DISTINCT FROM ?",
                               (fields.coverage_id, fields.number, auth_id)).fetchone()
    if clash:
        problems.append(("number", f"{fields.number} is already recorded for this coverage"))
    if problems:
        raise InvalidRecord(problems)
    return {"coverage_id": fields.coverage_id, "number": fields.number,
            "product": fields.product, "approved_units": fields.approved_units,
            "valid_from": fields.valid_from.isoformat(), "valid_to": fields.valid_to.isoformat()}


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
    """Change an authorization (e.g. an extension of its dates or units)."""
    actor = check_actor(actor)
    with writing(store):
        current = get_authorization.inside(store, auth_id)
        merged = {k: getattr(current, k) for k in _EDITABLE} | dict(changes)
        update_recorded(store, actor, "authorizations", "authorization", auth_id,
                        _columns(store, validated(AuthorizationFields, merged), auth_id))
    return get_authorization.inside(store, auth_id)


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

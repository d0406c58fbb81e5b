"""Vial inventory: lots by product, NDC, lot number and expiry, how many were received and how
many are on hand. Finalizing a visit takes vials (vial_uses); reopening gives them back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, check_reason, insert_recorded, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import VialLot, VialLotFields, validated

_COLUMNS = ("id", "product", "ndc", "lot", "expires", "received", "received_vials", "on_hand",
            "status")


def lot_from_row(row: Mapping[str, Any]) -> VialLot:
    data = {k: row[k] for k in _COLUMNS}
    for key in ("expires", "received"):
        data[key] = date.fromisoformat(data[key])
    return VialLot.model_construct(**data)


@writes("inventory.write")
def add_vial_lot(store: Store, actor: str, fields: Mapping[str, Any]) -> VialLot:
    """Receive a lot (see VialLotFields); on_hand defaults to the vials received."""
    from ocrebill_gui.core.catalog import default_catalog

    actor = check_actor(actor)
    parsed = validated(VialLotFields, fields)
    product = default_catalog().products.get(parsed.product)
    problems = []
    if product is None:
        problems.append(("product", f"unknown product '{parsed.product}'"))
    elif product.vials and product.vial_for_ndc(parsed.ndc) is None:
        known = ", ".join(v.ndc for v in product.vials)
        problems.append(("ndc", f"{parsed.ndc} is not an NDC of {product.name} (known: {known})"))
    if parsed.expires < parsed.received:
        problems.append(("expires", "is before the date received"))
    values: dict[str, Any] = {
        "product": parsed.product, "ndc": parsed.ndc, "lot": parsed.lot.upper(),
        "expires": parsed.expires.isoformat(), "received": parsed.received.isoformat(),
        "received_vials": parsed.received_vials,
        "on_hand": parsed.received_vials if parsed.on_hand is None else parsed.on_hand}
    with writing(store):
        if lot_by_number.inside(store, values["ndc"], values["lot"]) is not None:
            problems.append(("lot", f"lot {values['lot']} of NDC {values['ndc']} is already "
                                    "in the inventory"))
        if problems:
            raise InvalidRecord(problems)
        lot_id = insert_recorded(store, actor, "vial_lots", "vial_lot", values)
    return get_vial_lot.inside(store, lot_id)


_CHANGEABLE = frozenset({"on_hand", "status"})


def change_lot(store: Store, actor: str, lot: VialLot, column: str, value: object,
               action: str, reason: str) -> None:
    """Inside a write transaction: one column of `lot` (on_hand or status) set to `value`,
    the change and its reason in the audit log."""
    assert column in _CHANGEABLE, column
    store.conn.execute(f"UPDATE vial_lots SET {column} = ?, changed_at = ?, changed_by = ? "
                       "WHERE id = ?", (value, store.now(), actor, lot.id))
    record(store, actor, "vial_lot", lot.id, action, [(column, getattr(lot, column), value)],
           reason=reason)


@writes("inventory.write")
def count_on_hand(store: Store, actor: str, lot_id: int, on_hand: int, reason: str) -> VialLot:
    """Correct the vials on hand after a shelf count; the reason goes to the audit log."""
    actor = check_actor(actor)
    if not isinstance(on_hand, int) or on_hand < 0:
        raise InvalidRecord([("on_hand", "must be a whole number, 0 or more")])
    reason = check_reason(reason, "say why the count changed (e.g. 'shelf count')")
    with writing(store):
        current = get_vial_lot.inside(store, lot_id)
        if current.on_hand != on_hand:
            change_lot(store, actor, current, "on_hand", on_hand, "count", reason)
    return get_vial_lot.inside(store, lot_id)


@reads("store.read")
def get_vial_lot(store: Store, lot_id: int) -> VialLot:
    row = next(store.db.query("SELECT * FROM vial_lots WHERE id = ?", [lot_id]), None)
    if row is None:
        raise NotFound(f"There is no vial lot {lot_id}.")
    return lot_from_row(row)


@reads("store.read")
def lot_by_number(store: Store, ndc: str, lot: str) -> VialLot | None:
    """The inventory lot with this NDC (any notation) and lot number (case ignored)."""
    from ocrebill_gui.core.visit import normalize_ndc

    try:
        ndc11 = normalize_ndc(ndc)
    except ValueError:
        return None
    row = next(store.db.query("SELECT * FROM vial_lots WHERE ndc = ? AND lot = ?",
                              [ndc11, lot.strip().upper()]), None)
    return None if row is None else lot_from_row(row)


@reads("store.read")
def list_vial_lots(store: Store, *, product: str | None = None, in_stock: bool = False,
                   limit: int = 200, offset: int = 0, order: str | None = None) -> list[VialLot]:
    """A page of lots, soonest expiry first (or by `order`, a key of ordering.LOT_ORDER);
    `in_stock` leaves out empty lots."""
    from ocrebill_gui.store.ordering import LOT_ORDER, order_by

    where, params = [], []
    if product:
        where.append("product = ?")
        params.append(product)
    if in_stock:
        where.append("on_hand > 0")
    sql = "SELECT * FROM vial_lots" + (" WHERE " + " AND ".join(where) if where else "")
    sort = order_by(order, LOT_ORDER, "expires, id", "id")
    rows = store.db.query(sql + sort + " LIMIT ? OFFSET ?", [*params, limit, offset])
    return [lot_from_row(r) for r in rows]


@reads("store.read")
def expiring_lots(store: Store, today: date | None = None, *,
                  within_days: int = 60) -> list[VialLot]:
    """Lots with vials on hand that expire within `within_days` (or already have)."""
    today = today or store.today()
    rows = store.db.query("SELECT * FROM vial_lots WHERE on_hand > 0 AND expires <= ? "
                          "ORDER BY expires, id",
                          [(today + timedelta(days=within_days)).isoformat()])
    return [lot_from_row(r) for r in rows]

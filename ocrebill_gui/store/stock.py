"""Inventory that matches the shelf (issue 13, item 8): vials damaged or wasted outside a visit,
lots quarantined or recalled (never put on a visit), and each product's reorder level.

Receiving and shelf counts are in vial_lots.py; taking vials for a visit in lifecycle.py,
which refuses a lot that is not available and never takes more vials than are on hand (the
store serializes writers, so two visits finalized at once cannot both take the last vial).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, check_reason, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.records import VialLot
from ocrebill_gui.store.vial_lots import change_lot, get_vial_lot

LotStatus = Literal["available", "quarantined", "recalled"]
STATUSES: dict[str, str] = {"available": "available", "quarantined": "quarantined",
                            "recalled": "recalled"}
LOSSES = {"damaged": "damaged", "wasted": "wasted"}


def lot_refusal(lot: VialLot, day: date) -> str | None:
    """Why a vial of `lot` may not go on a visit of `day` (None: it may)."""
    if lot.status == "recalled":
        return f"lot {lot.lot} is recalled: take a vial of another lot"
    if lot.status == "quarantined":
        return f"lot {lot.lot} is quarantined: take a vial of another lot"
    if lot.expired(day):
        return f"lot {lot.lot} expired {lot.expires.isoformat()}, before the date of service"
    return None


@writes("inventory.write")
def set_lot_status(store: Store, actor: str, lot_id: int, status: str,
                   reason: str) -> VialLot:
    """Quarantine a lot, recall it, or make it available again; the reason is audited."""
    actor = check_actor(actor)
    if status not in STATUSES:
        raise InvalidRecord([("status", "must be available, quarantined or recalled")])
    reason = check_reason(reason, "say why (e.g. the maker's recall notice)")
    with writing(store):
        current = get_vial_lot.inside(store, lot_id)
        if current.status != status:
            change_lot(store, actor, current, "status", status, "status", reason)
    return get_vial_lot.inside(store, lot_id)


@writes("inventory.write")
def record_vial_loss(store: Store, actor: str, lot_id: int, vials: int, kind: str,
                     reason: str) -> VialLot:
    """Take `vials` damaged or wasted vials off the shelf (never below zero)."""
    actor = check_actor(actor)
    problems = []
    if kind not in LOSSES:
        problems.append(("kind", "must be damaged or wasted"))
    if not isinstance(vials, int) or isinstance(vials, bool) or vials < 1:
        problems.append(("vials", "must be a whole number, 1 or more"))
    if problems:
        raise InvalidRecord(problems)
    reason = check_reason(reason, "say what happened (e.g. 'dropped, vial cracked')")
    with writing(store):
        current = get_vial_lot.inside(store, lot_id)
        if vials > current.on_hand:
            raise InvalidRecord([("vials", f"is more than the {current.on_hand} vial(s) on "
                                           f"hand of lot {current.lot}")])
        change_lot(store, actor, current, "on_hand", current.on_hand - vials, kind, reason)
    return get_vial_lot.inside(store, lot_id)


@writes("inventory.write")
def set_reorder_level(store: Store, actor: str, product: str, level: int | None) -> None:
    """Alert when a product's usable vials on hand reach `level` (None: no alert)."""
    from ocrebill_gui.core.catalog import default_catalog

    actor = check_actor(actor)
    problems = []
    if product not in default_catalog().products:
        problems.append(("product", f"unknown product '{product}'"))
    if level is not None and (not isinstance(level, int) or isinstance(level, bool)
                              or not 0 <= level <= 100_000):
        problems.append(("level", "must be a whole number, 0 or more"))
    if problems:
        raise InvalidRecord(problems)
    with writing(store):
        row = store.conn.execute("SELECT level FROM reorder_levels WHERE product = ?",
                                 (product,)).fetchone()
        before = row[0] if row else None
        if before == level:
            return
        if level is None:
            store.conn.execute("DELETE FROM reorder_levels WHERE product = ?", (product,))
        else:
            store.conn.execute(
                "INSERT INTO reorder_levels (product, level, changed_at, changed_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (product) DO UPDATE SET level = excluded.level,"
                " changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                (product, level, store.now(), actor))
        record(store, actor, "reorder_level", product, "update", [("level", before, level)])


@dataclass(frozen=True)
class StockLevel:
    product: str
    on_hand: int  # vials of available, unexpired lots
    reorder_level: int | None

    @property
    def low(self) -> bool:
        return self.reorder_level is not None and self.on_hand <= self.reorder_level


@reads("store.read")
def stock_levels(store: Store, today: date | None = None) -> list[StockLevel]:
    """Usable vials on hand per product that has lots or a reorder level, by product."""
    today = today or store.today()
    usable = dict(store.conn.execute(
        "SELECT product, sum(on_hand) FROM vial_lots WHERE status = 'available' "
        "AND expires >= ? GROUP BY product", (today.isoformat(),)).fetchall())
    levels = dict(store.conn.execute("SELECT product, level FROM reorder_levels").fetchall())
    return [StockLevel(product, int(usable.get(product) or 0), levels.get(product))
            for product in sorted(set(usable) | set(levels))]

"""Vial lots: what is on the shelf, soonest expiry first, with expiring lots flagged."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from ocrebill_gui import store as api
from ocrebill_gui.core.visit import format_ndc
from ocrebill_gui.store import Store, VialLot
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.models.paged import Column, PagedTableModel

SOON_DAYS = 60  # the store's expiring_lots() default: two months to use a lot up
LotFilter = Literal["in_stock", "expiring", "all"]


def expiry_text(lot: VialLot, today: date) -> str:
    if lot.status != "available":  # issue 13: set aside, never on a visit
        return lot.status.capitalize() + ": do not use"
    days = lot.days_left(today)
    if days < 0:
        return f"Expired {-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "Expires today"
    if days <= SOON_DAYS:
        return f"Expires in {days} day{'s' if days != 1 else ''}"
    return "OK"


def expiry_severity(lot: VialLot, today: date) -> str | None:
    if lot.status != "available":
        return "error"
    days = lot.days_left(today)
    if days < 0:
        return "error"
    return "warning" if days <= SOON_DAYS and lot.on_hand > 0 else None


class VialLotsModel(PagedTableModel[VialLot]):
    """Lots in stock (default), expiring within SOON_DAYS, or all of them."""

    def __init__(self, store: Store, session: Session, product_names: dict[str, str], today: date,
                 parent: Any = None) -> None:
        self._session = session
        self._store, self._today = store, today
        self._filter: LotFilter = "in_stock"
        columns = [
            Column[VialLot]("Product", lambda lot: product_names.get(lot.product, lot.product),
                            sort_key="product"),
            Column[VialLot]("NDC", lambda lot: format_ndc(lot.ndc), sort_key="ndc"),
            Column[VialLot]("Lot", lambda lot: lot.lot, sort_key="lot"),
            Column[VialLot]("Expires", lambda lot: lot.expires.isoformat(),
                            attention=lambda lot: expiry_severity(lot, today),
                            sort_key="expires"),
            Column[VialLot]("Status", lambda lot: expiry_text(lot, today),
                            attention=lambda lot: expiry_severity(lot, today)),
            Column[VialLot]("On hand", lambda lot: f"{lot.on_hand} of {lot.received_vials}",
                            align_right=True,
                            attention=lambda lot: None if lot.on_hand else "info",
                            sort_key="on_hand"),
            Column[VialLot]("Received", lambda lot: lot.received.isoformat(),
                            sort_key="received"),
        ]
        super().__init__(columns, self._page, parent=parent)

    @property
    def lot_filter(self) -> LotFilter:
        return self._filter

    def set_filter(self, lot_filter: LotFilter) -> None:
        self._filter = lot_filter
        self.reload()

    def _page(self, limit: int, offset: int) -> list[VialLot]:
        if self._filter == "expiring":
            if offset:
                return []
            return api.expiring_lots(self._store, self._session, self._today, within_days=SOON_DAYS)
        return api.list_vial_lots(self._store, self._session, in_stock=self._filter == "in_stock",
                                  limit=limit, offset=offset, order=self.order)

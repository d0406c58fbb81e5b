"""The Inventory screen: vial lots soonest expiry first, expiring ones flagged, and Receive."""

from __future__ import annotations

from ocrebill_gui import store as api
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.inventory.receive_dialog import ReceiveLotDialog
from ocrebill_gui.ui.models.inventory import SOON_DAYS, VialLotsModel
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, heading, record_table, remember_columns

FILTERS = [("In stock", "in_stock"), (f"Expiring within {SOON_DAYS} days", "expiring"),
           ("All lots, including used up", "all")]


class InventoryPage(QWidget):
    """Lots on hand; the banner counts those expiring within SOON_DAYS."""

    def __init__(self, store: Store, session: Session, clock: Clock, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inventoryPage")
        self._store, self._session, self._clock, self._layout = store, session, clock, layout
        catalog = api.store_catalog(store)
        self._products = [p for p in catalog.products.values() if p.vials]
        names = {p.id: p.name for p in catalog.products.values()}
        self.model = VialLotsModel(store, session, names, clock.now().date(), parent=self)
        self.filter = QComboBox()
        self.filter.setObjectName("lotFilter")
        for text, value in FILTERS:
            self.filter.addItem(text, value)
        self.filter.currentIndexChanged.connect(
            lambda _i: self.model.set_filter(self.filter.currentData()))
        show_label = QLabel("&Show")
        show_label.setBuddy(self.filter)
        self.receive_button = QPushButton("&Receive lot...")
        self.receive_button.setObjectName("receiveLot")
        self.receive_button.clicked.connect(self.receive)
        gate(self.receive_button, session, "inventory.write")
        # issue 13: what happened to a lot on the shelf, and each product's reorder level
        self.change_button = QPushButton("&What happened...")
        self.change_button.setObjectName("changeLot")
        self.change_button.setToolTip("Shelf count, damaged or wasted vials, quarantine or "
                                      "recall of the chosen lot")
        self.change_button.clicked.connect(self.change_lot)
        gate(self.change_button, session, "inventory.write")
        self.reorder_button = QPushButton("Re&order level...")
        self.reorder_button.setObjectName("reorderLevel")
        self.reorder_button.clicked.connect(self.set_reorder_level)
        gate(self.reorder_button, session, "inventory.write")
        self.banner = QLabel()
        self.banner.setObjectName("expiryBanner")
        self.view = record_table(self.model, name="lotTable")
        top = QHBoxLayout()
        top.addWidget(heading("Inventory"))
        top.addStretch(1)
        top.addWidget(show_label)
        top.addWidget(self.filter)
        top.addWidget(self.receive_button)
        top.addWidget(self.change_button)
        top.addWidget(self.reorder_button)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.banner)
        page.addWidget(self.view, 1)
        fit_columns(self.view, layout)
        self._update_banner()

    def _update_banner(self) -> None:
        today = self._clock.now().date()
        expiring = api.expiring_lots(self._store, self._session, today, within_days=SOON_DAYS)
        low = [level for level in api.stock_levels(self._store, self._session, today)
               if level.low]
        names = {p.id: p.name for p in self._products}
        reorder = " ".join(f"{names.get(level.product, level.product)}: {level.on_hand} "
                           f"vial(s) usable, at or below the reorder level of "
                           f"{level.reorder_level}: order more." for level in low)
        if expiring:
            vials = sum(lot.on_hand for lot in expiring)
            self.banner.setText(f"{len(expiring)} lot{'s' if len(expiring) != 1 else ''} "
                                f"({vials} vial{'s' if vials != 1 else ''}) expire within "
                                f"{SOON_DAYS} days or already have: use them first."
                                + (" " + reorder if reorder else ""))
            set_role(self.banner, "banner-warning")
        elif reorder:
            self.banner.setText(reorder)
            set_role(self.banner, "banner-warning")
        else:
            self.banner.setText(f"No lot on hand expires within {SOON_DAYS} days.")
            set_role(self.banner, "banner-ok")

    def selected_lot(self):
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def change_lot(self) -> None:
        from ocrebill_gui.ui.inventory.lot_dialog import LotChangeDialog, apply_lot_change

        lot = self.selected_lot()
        if lot is None or not self.change_button.isEnabled():
            return
        dialog = LotChangeDialog(lot, lambda values: apply_lot_change(
            self._store, self._session, lot, values), self)
        if dialog.exec():
            self.refresh()

    def set_reorder_level(self) -> None:
        from ocrebill_gui.ui.qt import QInputDialog

        lot = self.selected_lot()
        product = lot.product if lot is not None else (
            self._products[0].id if self._products else None)
        if product is None or not self.reorder_button.isEnabled():
            return
        current = {s.product: s.reorder_level for s in api.stock_levels(
            self._store, self._session)}.get(product)
        name = next((p.name for p in self._products if p.id == product), product)
        level, ok = QInputDialog.getInt(self, "Reorder level", f"Alert when usable vials of "
                                        f"{name} on hand are at or below (0: no alert):",
                                        current or 0, 0, 100_000)
        if ok:
            api.set_reorder_level(self._store, self._session, product, level or None)
            self._update_banner()

    def receive(self) -> None:
        if not self.receive_button.isEnabled():
            return
        lot = ReceiveLotDialog.ask(self, self._products, self._clock.now().date(),
                                   lambda values: api.add_vial_lot(self._store, self._session,
                                                                   values))
        if lot is not None:
            self.refresh()

    def refresh(self) -> None:
        """Reload (after a receipt, or a finalized visit took vials)."""
        self.model.reload()
        self._update_banner()

    def save_layout(self) -> None:
        remember_columns(self.view, self._layout)

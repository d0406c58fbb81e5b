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
        self.banner = QLabel()
        self.banner.setObjectName("expiryBanner")
        self.view = record_table(self.model, name="lotTable")
        top = QHBoxLayout()
        top.addWidget(heading("Inventory"))
        top.addStretch(1)
        top.addWidget(show_label)
        top.addWidget(self.filter)
        top.addWidget(self.receive_button)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.banner)
        page.addWidget(self.view, 1)
        fit_columns(self.view, layout)
        self._update_banner()

    def _update_banner(self) -> None:
        expiring = api.expiring_lots(self._store, self._session, self._clock.now().date(),
                                     within_days=SOON_DAYS)
        if expiring:
            vials = sum(lot.on_hand for lot in expiring)
            self.banner.setText(f"{len(expiring)} lot{'s' if len(expiring) != 1 else ''} "
                                f"({vials} vial{'s' if vials != 1 else ''}) expire within "
                                f"{SOON_DAYS} days or already have: use them first.")
            set_role(self.banner, "banner-warning")
        else:
            self.banner.setText(f"No lot on hand expires within {SOON_DAYS} days.")
            set_role(self.banner, "banner-ok")

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

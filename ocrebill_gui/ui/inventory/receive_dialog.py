"""Receiving a vial lot: product, NDC, lot number, expiry and how many vials came in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ocrebill_gui.core.catalog import Product
from ocrebill_gui.core.visit import format_ndc
from ocrebill_gui.store import VialLot
from ocrebill_gui.store.records import VialLotFields
from ocrebill_gui.ui.forms import DateField, FormGrid, RecordDialog, validator
from ocrebill_gui.ui.qt import QComboBox, QLineEdit, QSpinBox, QWidget


class ReceiveLotDialog(RecordDialog):
    """The NDC list follows the chosen product; the received date defaults to today."""

    def __init__(self, products: Sequence[Product], today: date,
                 save: Callable[[dict[str, Any]], VialLot], parent: QWidget | None = None,
                 ) -> None:
        self._products, self._today = list(products), today
        super().__init__("Receive a vial lot", save, validator(VialLotFields), parent)

    def build(self, grid: FormGrid) -> None:
        self.product = grid.add("product", "&Product", QComboBox())
        for product in self._products:
            self.product.addItem(product.name, product.id)
        ndc = QComboBox()
        ndc.setEditable(True)  # a new NDC from the wholesaler can be typed
        ndc.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.ndc = grid.add("ndc", "&NDC", ndc)
        self.lot = grid.add("lot", "&Lot", QLineEdit())
        self.lot.setPlaceholderText("as printed on the carton")
        self.expires = grid.add("expires", "&Expires", DateField())
        self.received = grid.add("received", "&Received", DateField())
        self.received.set_value(self._today)
        self.received_vials = grid.add("received_vials", "&Vials", QSpinBox())
        self.received_vials.setRange(0, 100_000)
        self.received_vials.setValue(1)
        self.product.currentIndexChanged.connect(self._fill_ndcs)
        self._fill_ndcs()

    def _fill_ndcs(self) -> None:
        product = self._products[self.product.currentIndex()] if self._products else None
        self.ndc.clear()
        for vial in product.vials if product else []:
            self.ndc.addItem(f"{format_ndc(vial.ndc)}  ({vial.mg:g} mg / {vial.ml:g} mL)",
                             format_ndc(vial.ndc))

    def _ndc_text(self) -> str:
        text = self.ndc.currentText().strip()
        index = self.ndc.findText(text)
        return self.ndc.itemData(index) if index >= 0 else text.split(" ")[0]

    def values(self) -> dict[str, Any]:
        return {"product": self.product.currentData() or "", "ndc": self._ndc_text(),
                "lot": self.lot.text(), "expires": self.expires.value(),
                "received": self.received.value(),
                "received_vials": self.received_vials.value()}

    @classmethod
    def ask(cls, parent: QWidget | None, products: Sequence[Product], today: date,
            save: Callable[[dict[str, Any]], VialLot]) -> VialLot | None:
        """Show the dialog; the received lot, or None when cancelled."""
        dialog = cls(products, today, save, parent)
        return dialog.result_record if dialog.exec() else None

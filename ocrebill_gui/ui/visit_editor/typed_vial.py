"""A vial typed by hand on the vials card: NDC, lot and expiry as printed on the carton, for a
patient-supplied or free-drug vial (issue 13, item 8) that is no lot of the practice's
inventory. Nothing is taken from stock for it (store/lifecycle.py takes only purchased vials);
the engine judges it as any vial (expiry, NDC of another product)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field, field_validator

from ocrebill_gui.core.catalog import Product
from ocrebill_gui.core.visit import format_ndc, normalize_ndc
from ocrebill_gui.store.records import _Fields
from ocrebill_gui.ui.forms import DateField, FormGrid, RecordDialog, validator
from ocrebill_gui.ui.qt import QLineEdit, QWidget

TYPED = "typed"  # the picker's entry that opens this dialog


class TypedVialFields(_Fields):
    ndc: str
    lot: str = Field(min_length=1, max_length=40)
    expires: date

    @field_validator("ndc")
    @classmethod
    def _ndc(cls, value: str) -> str:
        return normalize_ndc(value)


def vial_sizes(product: Product) -> str:
    return ", ".join(f"{format_ndc(v.ndc)} ({v.mg:g} mg)" for v in product.vials)


def typed_vial_problems(product: Product, values: Mapping[str, Any]) -> dict[str, str]:
    """The typed vial's problems by field: the record's own, and an NDC that is no vial of
    the administration's product (its mg would be unknown)."""
    problems = dict(validator(TypedVialFields)(values))
    if "ndc" not in problems and product.vial_for_ndc(
            normalize_ndc(str(values.get("ndc") or ""))) is None:
        problems["ndc"] = f"is not a vial of {product.short}: {vial_sizes(product)}"
    return problems


def typed_vial(product: Product, values: Mapping[str, Any]) -> dict[str, Any]:
    """The vial as the visit document keeps it (no lot_id: not from the inventory)."""
    ndc = normalize_ndc(str(values["ndc"]))
    size = product.vial_for_ndc(ndc)
    assert size is not None  # typed_vial_problems checked it
    mg = int(size.mg) if float(size.mg).is_integer() else size.mg
    return {"ndc": format_ndc(ndc), "lot": str(values["lot"]).strip().upper(),
            "expires": str(values["expires"]), "mg": mg}


class TypedVialDialog(RecordDialog):
    """NDC, lot and expiry of one vial typed from its carton, checked as typed."""

    def __init__(self, product: Product, parent: QWidget | None = None) -> None:
        self._product = product
        super().__init__(f"Vial of {product.short} typed by hand",
                         lambda values: typed_vial(product, values),
                         lambda values: typed_vial_problems(product, values), parent)
        (self.lot if self.ndc.text() else self.ndc).setFocus()  # in its window by now

    def build(self, grid: FormGrid) -> None:
        self.ndc = grid.add("ndc", "&NDC", QLineEdit(),
                            note=f"As on the carton: {vial_sizes(self._product)}")
        if len(self._product.vials) == 1:
            self.ndc.setText(format_ndc(self._product.vials[0].ndc))
        self.lot = grid.add("lot", "&Lot", QLineEdit())
        self.expires = grid.add("expires", "E&xpires", DateField(),
                                note="Patient-supplied or free drug: not taken from the "
                                     "practice's stock")

    def values(self) -> dict[str, Any]:
        return {"ndc": self.ndc.text(), "lot": self.lot.text(),
                "expires": self.expires.value()}

    @classmethod
    def ask(cls, parent: QWidget | None, product: Product) -> dict[str, Any] | None:
        """The vial typed, or None when cancelled."""
        dialog = cls(product, parent)
        return dialog.result_record if dialog.exec() else None

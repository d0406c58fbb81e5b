"""What happened to a lot on the shelf (issue 13, item 8): a shelf count, vials damaged or
wasted, the lot quarantined, recalled or made available again; and a product's reorder
level. Checked as it is typed, with the store's words; every change needs a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ocrebill_gui.store import Store, VialLot
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.forms import FormGrid, RecordDialog
from ocrebill_gui.ui.qt import QComboBox, QLineEdit, QSpinBox, QWidget

ACTIONS = (("count", "Shelf count (vials on hand now)"), ("damaged", "Vials damaged"),
           ("wasted", "Vials wasted (drawn up, not given)"), ("quarantined", "Quarantine the lot"),
           ("recalled", "Recall the lot"), ("available", "Make the lot available again"))
COUNTED = ("count", "damaged", "wasted")


def lot_change_problems(lot: VialLot, values: Mapping[str, Any]) -> dict[str, str]:
    """The store's checks (vial_lots.count_on_hand, stock.record_vial_loss and
    stock.set_lot_status) in the same words, for the form as it is typed."""
    problems: dict[str, str] = {}
    action, number = values["action"], values["number"]
    if action == "count" and number < 0:
        problems["number"] = "must be a whole number, 0 or more"
    elif action in ("damaged", "wasted"):
        if number < 1:
            problems["number"] = "must be a whole number, 1 or more"
        elif number > lot.on_hand:
            problems["number"] = f"is more than the {lot.on_hand} vial(s) on hand of lot {lot.lot}"
    elif action not in COUNTED and action == lot.status:
        problems["action"] = f"the lot is already {lot.status}"
    if not values["reason"].strip():
        problems["reason"] = "is required: say why (e.g. 'shelf count', the recall notice)"
    return problems


class LotChangeDialog(RecordDialog):
    def __init__(self, lot: VialLot, save: Callable[[dict[str, Any]], VialLot],
                 parent: QWidget | None = None) -> None:
        self.lot = lot
        super().__init__(f"Lot {lot.lot}: what happened", save,
                         lambda values: lot_change_problems(lot, values), parent)

    def build(self, grid: FormGrid) -> None:
        self.action = grid.add("action", "&What", QComboBox())
        for key, text in ACTIONS:
            self.action.addItem(text, key)
        self.number = grid.add("number", "&Vials", QSpinBox(),
                               note=f"{self.lot.on_hand} on hand now")
        self.number.setRange(-1, 100_000)
        self.number.setValue(self.lot.on_hand)
        self.reason = grid.add("reason", "&Reason", QLineEdit())
        self.action.currentIndexChanged.connect(self._action_changed)

    def _action_changed(self) -> None:
        action = self.action.currentData()
        self.number.setEnabled(action in COUNTED)
        self.number.setValue(self.lot.on_hand if action == "count" else 1)

    def values(self) -> dict[str, Any]:
        return {"action": self.action.currentData(), "number": self.number.value(),
                "reason": self.reason.text()}


def apply_lot_change(store: Store, session: Session, lot: VialLot,
                     values: Mapping[str, Any]) -> VialLot:
    """What the dialog's Save does, through the store (which checks it all again)."""
    from ocrebill_gui import store as api
    from ocrebill_gui.store import InvalidRecord

    action, number, reason = values["action"], values["number"], values["reason"]
    try:
        if action == "count":
            return api.count_on_hand(store, session, lot.id, number, reason)
        if action in ("damaged", "wasted"):
            return api.record_vial_loss(store, session, lot.id, number, action, reason)
        return api.set_lot_status(store, session, lot.id, action, reason)
    except InvalidRecord as error:  # the store names on_hand / vials: the form's "number"
        raise InvalidRecord([("number" if field in ("on_hand", "vials") else field, message)
                             for field, message in error.problems]) from None

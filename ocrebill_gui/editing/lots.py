"""Vial lots as the nurse picks them: from the inventory (with its stock, expiry and status) or
the catalog's vial sizes (lot unknown), and what is wrong with using one on the day of service.
No Qt: the vials card (ui/visit_editor/vials.py) shows these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ocrebill_gui.core.visit import format_ndc
from ocrebill_gui.editing.presenter import whole


@dataclass(frozen=True)
class LotChoice:
    """A vial lot the nurse can pick: from the inventory (lot_id set) or the catalog."""

    ndc: str
    lot: str | None
    expires: date | None
    mg: float
    on_hand: int | None = None
    lot_id: int | None = None
    status: str = "available"  # "quarantined" or "recalled": never on a visit

    def usable_on(self, day: date | None) -> bool:
        """Available and not expired on `day`: a lot the picker may offer first."""
        expired = self.expires is not None and day is not None and self.expires < day
        return self.status == "available" and not expired

    def vial(self) -> dict[str, Any]:
        vial: dict[str, Any] = {"ndc": format_ndc(self.ndc), "mg": whole(self.mg)}
        if self.lot:
            vial["lot"] = self.lot
        if self.expires:
            vial["expires"] = self.expires.isoformat()
        if self.lot_id is not None:
            vial["lot_id"] = self.lot_id  # an extension field: which inventory row it came from
        return vial


def lot_flags(choice: LotChoice, day: date | None, opened_here: int = 0) -> list[str]:
    """What is wrong with using this lot on `day` for `opened_here` more vials."""
    flags = []
    if choice.status != "available":
        flags.append(f"{choice.status}: do not use")
    if choice.expires is not None and day is not None and choice.expires < day:
        flags.append(f"expired {choice.expires.isoformat()}")
    if choice.on_hand is not None and opened_here > choice.on_hand:
        flags.append(f"only {choice.on_hand} on hand")
    return flags


def vial_flags(vial: dict, on_hand: dict[int, int], opened: dict[int, int],
               findings: Iterable[str] = ()) -> list[str]:
    """Flags of one recorded vial: what only the inventory knows (its lot's vials on hand
    against those the visit opens of it), then the engine's `findings` about the vial (an
    expired vial, a lot not recorded: core/drug_lines.py), which the card does not judge
    itself."""
    lot_id = vial.get("lot_id")
    choice = LotChoice(vial.get("ndc", ""), vial.get("lot"), None, vial.get("mg", 0),
                       on_hand.get(lot_id) if lot_id is not None else None, lot_id)
    flags = lot_flags(choice, None, opened.get(lot_id, 0) if lot_id is not None else 0)
    return flags + list(findings)

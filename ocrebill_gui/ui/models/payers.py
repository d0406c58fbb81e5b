"""Payer profiles: the shipped ones and the user's own, sorted by name."""

from __future__ import annotations

from typing import Any, NamedTuple

from ocrebill_gui import store as api
from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.store import Store
from ocrebill_gui.ui.models.paged import Column, PagedTableModel

PROGRAMS = {"medicare": "Medicare", "medicaid": "Medicaid", "commercial": "Commercial"}
WASTE = {"jw_jz": "JW / JZ", "jw_only": "JW only", "none": "None"}


class PayerRow(NamedTuple):
    profile: PayerProfile
    is_users: bool  # saved in this database (editable), not shipped with the app


def _prior_auth(profile: PayerProfile) -> str:
    if profile.prior_auth_required:
        return "Always"
    if profile.prior_auth_unit_limit is not None:
        return f"Above {profile.prior_auth_unit_limit} units"
    return "No"


PAYER_COLUMNS = [
    Column[PayerRow]("Name", lambda r: r.profile.name),
    Column[PayerRow]("Id", lambda r: r.profile.id),
    Column[PayerRow]("Program", lambda r: PROGRAMS.get(r.profile.program, r.profile.program)),
    Column[PayerRow]("Waste", lambda r: WASTE.get(r.profile.waste_modifiers,
                                                  r.profile.waste_modifiers)),
    Column[PayerRow]("Prior auth", lambda r: _prior_auth(r.profile)),
    Column[PayerRow]("Owner", lambda r: "Yours" if r.is_users else "Shipped",
                     attention=lambda r: "info" if r.is_users else None,
                     tooltip=lambda r: "Saved in this database; you can edit it" if r.is_users
                     else "Shipped with OcreBill: make a copy to change it"),
]


class PayerProfilesModel(PagedTableModel[PayerRow]):
    """Every payer profile the engine knows in this database (a few dozen: one page)."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        self._store = store
        super().__init__(PAYER_COLUMNS, self._page, parent=parent)

    def row_of(self, payer_id: str) -> int:
        return next((i for i, r in enumerate(self.records()) if r.profile.id == payer_id), -1)

    def _page(self, limit: int, offset: int) -> list[PayerRow]:
        if offset:
            return []
        return [PayerRow(p, mine) for p, mine in api.payer_profiles(self._store)]

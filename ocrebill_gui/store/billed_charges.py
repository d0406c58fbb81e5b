"""Charges as billed: each claim line's charge frozen when a visit is finalized (issue 16).

`charges_to_freeze` (the lifecycle, in the finalize or amend transaction) prices the claim
with the fee schedule the database holds for the date of service, the practice settings' fee
list as fallback (core/charges.py), and returns the JSON kept in `visits.charges` (NULL for a
draft). `charges_for` gives what a document of the visit prints: a finalized visit's frozen
charges (of the claim it was finalized with), a draft's at the fees in force now. A visit
finalized before charges were frozen (NULL) is charged at today's fees, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.core.charges import (
    LineCharge,
    charges_from_json,
    charges_json,
    line_charges,
    matches,
)
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.practice import practice_settings
from ocrebill_gui.store.reference_data import store_fee_schedule


def live_charges(store: Store, claim: ClaimResult, *, setting: str, day: date,
                 practice: PracticeSettings | None = None) -> tuple[LineCharge, ...]:
    """The claim's charges at the fees the database holds now for the date of service (the
    fallback fee list: `practice`, else the database's practice settings)."""
    return line_charges(claim, setting=setting, day=day, fees=store_fee_schedule(store),
                        practice=practice or practice_settings(store))


def charges_to_freeze(store: Store, document: Mapping[str, Any], claim: ClaimResult) -> str:
    """The JSON of the claim's charges for `visits.charges` (the engine document's setting
    and date of service)."""
    day = document["date_of_service"]
    day = day if isinstance(day, date) else date.fromisoformat(str(day))
    return charges_json(live_charges(store, claim, setting=str(document.get("setting") or ""),
                                     day=day))


@reads("patients.read")
def charges_for(store: Store, visit_id: int | None, claim: ClaimResult, *, setting: str,
                day: date, practice: PracticeSettings | None = None
                ) -> tuple[LineCharge, ...]:
    """What `claim` of the visit is charged on paper: the frozen charges when the visit is
    finalized and they are of this claim, else the fees in force now (a draft, a visit
    finalized before charges were frozen, a visit document that is no saved visit)."""
    frozen = frozen_charges(store, visit_id) if visit_id is not None else None
    if frozen is not None and matches(frozen, claim):
        return frozen
    return live_charges(store, claim, setting=setting, day=day, practice=practice)


def frozen_charges(store: Store, visit_id: int) -> tuple[LineCharge, ...] | None:
    """The charges a finalized visit was billed with (None: a draft, or none frozen)."""
    row = store.conn.execute("SELECT status, charges FROM visits WHERE id = ?",
                             (visit_id,)).fetchone()
    if row is None or row[0] != "finalized" or not row[1]:
        return None
    try:
        return charges_from_json(row[1])
    except ValueError:
        return None

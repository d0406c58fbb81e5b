"""What the practice bills for each claim line: its charge, and where the fee came from.

The fee of a line is the practice's charge in force on the date of service: the imported fee
schedule's row for the code (a row for one of the line's modifiers before one for any
modifier, a row for the setting before one for every setting; core/fee_schedule.py) first,
else the practice settings' fee list (one fee per code, without dates), else none. The charge
is fee x units, rounded half-up to the cent (core/money.py).

A finalized visit keeps the charges it was billed with (`visits.charges`, JSON written by
`charges_json`): its superbill, claim forms and 837 show those, so a reprint after a fee
change shows what was billed. A draft is charged at the fees of the day it is printed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ocrebill_gui.core.claim import ClaimLine, ClaimResult
from ocrebill_gui.core.fee_schedule import FeeSchedule
from ocrebill_gui.core.money import ZERO, cents
from ocrebill_gui.core.practice import PracticeSettings

FORMAT = "ocrebill.charges/1"


@dataclass(frozen=True, slots=True)
class LineCharge:
    """One claim line's charge (None: no fee known for its code) and the fee's source."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    fee: Decimal | None  # per billing unit
    charge: Decimal | None
    source: str


def line_charge(line: ClaimLine, *, setting: str, day: date, fees: FeeSchedule | None,
                practice: PracticeSettings | None) -> LineCharge:
    """The charge of one line: the fee schedule's row in force on `day`, else the practice
    settings' fee, else none."""
    row = fees.charge(line.code, line.modifiers, setting, day) if fees is not None else None
    if row is not None:
        fee, source = row.amount, (f"fee schedule {fees.source_name if fees else ''}, "
                                   f"from {row.effective_from}").replace(" ,", ",")
    elif practice is not None and line.code in practice.fee_schedule:
        fee, source = practice.fee_schedule[line.code], "practice settings' fee list"
    else:
        return LineCharge(line.code, tuple(line.modifiers), line.units, None, None,
                          "no fee for this code")
    return LineCharge(line.code, tuple(line.modifiers), line.units, fee,
                      cents(fee * line.units), source)


def line_charges(claim: ClaimResult, *, setting: str, day: date, fees: FeeSchedule | None,
                 practice: PracticeSettings | None) -> tuple[LineCharge, ...]:
    """Each claim line's charge, in claim order."""
    return tuple(line_charge(line, setting=setting, day=day, fees=fees, practice=practice)
                 for line in claim.lines)


def total_charge(charges: Sequence[LineCharge]) -> Decimal:
    """The sum of the lines that have a charge."""
    return sum((c.charge for c in charges if c.charge is not None), ZERO)


def matches(charges: Sequence[LineCharge], claim: ClaimResult) -> bool:
    """Whether the charges are of this claim's lines (code, modifiers, units, in order)."""
    return len(charges) == len(claim.lines) and all(
        (c.code, c.modifiers, c.units) == (line.code, tuple(line.modifiers), line.units)
        for c, line in zip(charges, claim.lines, strict=True))


def charges_json(charges: Sequence[LineCharge]) -> str:
    """The JSON kept in `visits.charges` (amounts as decimal text)."""
    return json.dumps({
        "format": FORMAT,
        "lines": [{"code": c.code, "modifiers": list(c.modifiers), "units": c.units,
                   "fee": _text(c.fee), "charge": _text(c.charge), "source": c.source}
                  for c in charges],
        "total": str(total_charge(charges)),
    }, separators=(",", ":"))


def charges_from_json(text: str) -> tuple[LineCharge, ...]:
    """The charges `charges_json` wrote; ValueError when the text is not such JSON."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not ocrebill.charges/1")
        return tuple(LineCharge(str(x["code"]), tuple(str(m) for m in x["modifiers"]),
                                int(x["units"]), _amount(x["fee"]), _amount(x["charge"]),
                                str(x["source"])) for x in data["lines"])
    except (KeyError, TypeError, InvalidOperation, json.JSONDecodeError) as exc:
        raise ValueError(f"frozen charges unreadable: {exc}") from None


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))

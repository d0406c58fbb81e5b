"""What a biller types from a remittance (an ERA or a paper EOB) into the payment and denial
forms, read and checked field by field so each message names its field while typing.

- Money: "784", "784.00", "1,000.50" (dollars, at most two decimals, 0 or more).
- Adjustments: "CO-45 216.00; PR-1 200.00": per entry a claim adjustment group code (CO
  contractual, PR patient responsibility, OA other, PI payer initiated), a claim adjustment
  reason code (CARC: "45", "A1", "B7"...) and the amount; separated by ";" or new lines.
- Denial codes: "CO-50, N115": CARCs with their group, and remark codes (RARC: "N115",
  "MA130") as the payer printed them; separated by "," or ";".

The codes and amounts are checked by the store's own rules (store/remittances.py: `money`,
`denial_code`), so what the form accepts the save accepts. Qt-free (tests call it directly).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.remittances import GROUPS, denial_code
from ocrebill_gui.store.remittances import money as store_money

_ADJUSTMENT = re.compile(r"^([A-Za-z]{2}\s*-?\s*[A-Za-z]?\d{1,3})\s+(\S+)$")

Adjustment = tuple[str, str, Decimal]  # (group, reason code, amount): store/remittances.py


def money(text: str, *, negative: bool = False) -> Decimal:
    """Dollars typed as 784, 784.00 or 1,000.50, by the store's own rule; ValueError saying
    what is wrong."""
    try:
        return store_money(text.strip(), "amount", negative=negative)
    except InvalidRecord as error:
        raise ValueError(error.problems[0][1]) from None


def adjustments(text: str) -> list[Adjustment]:
    """The adjustment entries; ValueError naming the first wrong entry."""
    found: list[Adjustment] = []
    for number, entry in enumerate(_entries(text, ";\n"), start=1):
        match = _ADJUSTMENT.match(entry)
        if not match:
            raise ValueError(f"entry {number} ('{entry[:30]}') must be GROUP-REASON AMOUNT, "
                             "such as CO-45 216.00")
        try:
            group, _, reason = denial_code(match.group(1)).partition("-")
        except ValueError as error:
            raise ValueError(f"entry {number}: {error}") from None
        if not reason:  # a remark code (N54) is no adjustment
            raise ValueError(f"entry {number}: {group} is a remark code, not GROUP-REASON "
                             f"({', '.join(GROUPS)} and a reason code such as 45)")
        try:
            amount = money(match.group(2), negative=True)
        except ValueError as error:
            raise ValueError(f"entry {number}: the amount {error}") from None
        found.append((group, reason, amount))
    return found


def denial_codes(text: str) -> list[str]:
    """The codes as the store keeps them: "CO-50" (group and CARC) or a RARC such as "N115";
    ValueError naming the first wrong one."""
    return [denial_code(entry) for entry in _entries(text, ",;\n")]


def _entries(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text)
            if part.strip()]


def received_problem(value: str | None, today: date) -> str | None:
    if value is None:
        return "is required: the date on the remittance"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "must be a date"
    if day > today:
        return f"is after today ({today.isoformat()}): a remittance cannot come from the future"
    return None


def _problems(values: Mapping[str, Any], today: date,
              checks: dict[str, Callable[[str], object]]) -> dict[str, str]:
    """The date's problem, then each field's: a check raises ValueError with the message."""
    problems: dict[str, str] = {}
    received = received_problem(values["received_on"], today)
    if received:
        problems["received_on"] = received
    for key, check in checks.items():
        try:
            check(values[key])
        except ValueError as error:
            problems[key] = str(error)
    return problems


def _amount(required: bool) -> Callable[[str], object]:
    def check(text: str) -> object:
        if text.strip():
            return money(text)
        if required:
            raise ValueError("is required (0.00 when the payer paid nothing)")
        return None

    return check


def _required(check: Callable[[str], list[str]], message: str) -> Callable[[str], object]:
    def wanted(text: str) -> object:
        if not check(text):
            raise ValueError(message)
        return text

    return wanted


def payment_problems(values: Mapping[str, Any], today: date) -> dict[str, str]:
    """Each field's problem, in words for the field's message."""
    return _problems(values, today, {"amount_paid": _amount(True),
                                     "patient_responsibility": _amount(False),
                                     "adjustments": adjustments})


def denial_problems(values: Mapping[str, Any], today: date) -> dict[str, str]:
    return _problems(values, today, {
        "denial_codes": _required(denial_codes, "is required: at least one code, such as "
                                                "CO-50"),
        "reason": _required(lambda text: [text] if text.strip() else [],
                            "is required: say why in words (e.g. 'not medically "
                            "necessary')")})

"""Money: Decimal amounts, rounded half-up to the cent (docs/expected-payment.md).

Amounts are never floats. Prices per unit keep the precision of their source (the ASP file's
payment limits have three decimals, e.g. $59.596 per mg); every amount of money the estimate
shows is rounded once, half-up to the cent, where it is computed (a line's allowed amount, its
coinsurance, its sequestration), and totals are sums of those rounded amounts, so a total is
always the sum of the lines shown.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# 1234.5, 1,234.50, $1,234.50, .5: digits with optional thousands commas and a dollar sign.
_AMOUNT = re.compile(r"\$?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?")


def cents(value: Decimal) -> Decimal:
    """Half-up to the cent: 0.005 -> 0.01, 569.7216 -> 569.72, 2.675 -> 2.68."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of an amount, rounded to the cent."""
    return cents(amount * percent / HUNDRED)


def parse_amount(text: str) -> Decimal | None:
    """A non-negative amount as files write it ('59.596', '1,000.00', '$15.70'); None when the
    text is not one (the caller names the line and column)."""
    value = text.strip()
    if not value or not _AMOUNT.fullmatch(value) or not any(c.isdigit() for c in value):
        return None
    try:
        amount = Decimal(value.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def parse_percent(text: str) -> Decimal | None:
    """A percentage 0-100 written '20', '20.000', '20%' or '17.8 %'; None when it is not."""
    value = text.strip()
    if value.endswith("%"):
        value = value[:-1].rstrip()
    if "$" in value or "," in value:
        return None
    amount = parse_amount(value)
    return amount if amount is not None and amount <= HUNDRED else None

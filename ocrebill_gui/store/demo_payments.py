"""What the demo's payers pay: the estimate of core/estimate.py at the demo prices
(demo_prices.py), so that the claims worklist flags only the few claims the demo underpays.

The estimate of a demo visit depends on its claim lines, payer, setting and the quarter of its
date of service (the demo's benefits verifications are dated after its paid claims): it is
computed once per such key with a price book made from demo_prices' texts, not read from the
database per visit (100,000 visits stay fast).

A payment pays the estimate: the payer's amount, the patient's share as PR-2, the charge less
the allowed amount as CO-45 and Medicare's sequestration as CO-253. Without a benefits
verification a commercial or Medicaid estimate knows the allowed amount but not the patient's
share: the payer pays its usual share of the allowed amount (the worklist has no payer amount
to compare with). Every UNDERPAY_EVERY-th payment of a claim whose estimate knows the payer's
amount pays UNDERPAID_PERCENT % less (a lower contract rate: more CO-45).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ocrebill_gui.core.asp_file import Quarter, parse_asp_file
from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.estimate import estimate
from ocrebill_gui.core.fee_schedule import parse_fee_schedule
from ocrebill_gui.core.medicare_part_b import medicare_part_b
from ocrebill_gui.core.money import ZERO
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import parse_visit
from ocrebill_gui.store.demo_prices import asp_file_name, asp_text, fees_text

CENT = Decimal("0.01")
# The payer's share of the allowed amount when the estimate cannot split it (no benefits
# verification); the rest is the patient's coinsurance (PR-2).
_SHARE = {"medicaid": Decimal("1.00")}
_COMMERCIAL_SHARE = Decimal("0.80")
UNDERPAY_EVERY = 12  # ~2-3 % of all paid claims: the worklist compares about a third
UNDERPAID_PERCENT = Decimal(12)


@dataclass(frozen=True)
class Expected:
    """A demo claim's estimate: allowed, the payer's and the patient's amounts, Medicare's
    sequestration, and whether the worklist knows the payer's amount (it can flag)."""

    allowed: Decimal
    payer: Decimal
    patient: Decimal
    sequestration: Decimal
    known: bool


class DemoPayments:
    """The estimates of the demo's claims, one per (lines, payer, setting, quarter)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.books: dict[Quarter, PriceBook] = {}
        self.expected: dict[tuple, Expected | None] = {}
        self.periods: dict[date, tuple[Quarter, int]] = {}  # the day's price period
        self.paid: dict[tuple, tuple[str, str, str]] = {}
        self.known = 0  # payments whose estimate knows the payer's amount

    def of(self, claim_text: str, lines: str | None, document_text: str, payer: str,
           setting: str, day: date) -> Expected | None:
        """The estimate of a visit (document_text) with this claim result (claim_text);
        `lines` (its charges JSON) and the rest are the key."""
        period = self.periods.get(day)
        if period is None:
            period = self.periods[day] = (Quarter.of(day), id(medicare_part_b(day)))
        key = (lines, payer, setting, period)
        found = self.expected.get(key, self)
        if found is self:
            found = self.expected[key] = self._estimate(claim_text, document_text, period[0])
        return found  # type: ignore[return-value]

    def _estimate(self, claim_text: str, document_text: str,
                  quarter: Quarter) -> Expected | None:
        book = self.books.get(quarter)
        if book is None:
            asp = parse_asp_file(asp_text(quarter).encode(), name=asp_file_name(quarter))
            fees = parse_fee_schedule(fees_text(quarter.first_day).encode(), name="demo-fees")
            book = self.books[quarter] = PriceBook.of([asp], fees)
        result = estimate(ClaimResult.model_validate_json(claim_text),
                          parse_visit(json.loads(document_text)), prices=book,
                          catalog=self.catalog)
        totals = result.totals
        if not totals.allowed:
            return None
        known = not result.partial or bool(totals.payer_pays)  # as the worklist reads it
        if known:
            return Expected(totals.allowed, totals.payer_pays, totals.patient_share,
                            totals.sequestration, True)
        share = _SHARE.get(result.payer, _COMMERCIAL_SHARE)
        paid = (totals.allowed * share).quantize(CENT)
        return Expected(totals.allowed, paid, totals.allowed - paid, ZERO, False)

    def payment(self, expected: Expected, charge: Decimal) -> tuple[str, str, str]:
        """(amount paid, patient responsibility, adjustments JSON) of a claim charged
        `charge` that the payer pays as `expected` (every UNDERPAY_EVERY-th known one less)."""
        short = ZERO
        if expected.known:
            self.known += 1
            if self.known % UNDERPAY_EVERY == UNDERPAY_EVERY // 2:
                short = (expected.payer * UNDERPAID_PERCENT / 100).quantize(CENT)
        key = (id(expected), charge, short)  # the estimates are kept: their ids stay theirs
        found = self.paid.get(key)
        if found is None:
            found = self.paid[key] = _payment(expected, charge, short)
        return found


def _payment(expected: Expected, charge: Decimal, short: Decimal) -> tuple[str, str, str]:
    """CO-45: the charge less the allowed amount, and what the payer paid short."""
    paid, patient = expected.payer - short, expected.patient
    contractual = charge - paid - patient - expected.sequestration
    adjustments = [{"group": "CO", "reason": "45", "amount": str(contractual)}]
    if patient:
        adjustments.append({"group": "PR", "reason": "2", "amount": str(patient)})
    if expected.sequestration:
        adjustments.append({"group": "CO", "reason": "253",
                            "amount": str(expected.sequestration)})
    return str(paid), str(patient), json.dumps(adjustments)

"""How a payer prices a line: a payer profile's payment terms, and Medicare Part B's rules.

PaymentTerms is an optional field of a payer profile (PayerProfile.payment): a percentage of
ASP, of the ASP payment limit or of the practice's fee schedule, or the payer's contracted
rates imported per code (fee-schedule rows with the payer's id), separately for drugs and for
administration codes. Without terms a Medicare profile is priced the Part B way (the ASP
payment limit, the Medicare rates of the fee schedule) and others by their contracted rates.
Medicare Part B's percentages (ASP add-on, coinsurance, sequestration) are data too
(core/medicare_part_b.py). Plain pydantic: the visit's payer profile imports it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Basis = Literal["asp", "asp_payment_limit", "fee_schedule", "contract"]
BASIS_TEXT = {
    "asp": "ASP (the payment limit / 1.06)",
    "asp_payment_limit": "the ASP payment limit (ASP + 6 %)",
    "fee_schedule": "the practice's fee schedule",
    "contract": "the payer's rate",
}


class PriceBasis(BaseModel):
    """'asp' at 115 means ASP + 15 %; 'contract' at 100 is the imported rate as it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: Basis
    percent: Decimal = Field(default=Decimal(100), ge=0, le=1000)


class PaymentTerms(BaseModel):
    """A payer's way of pricing the lines of a visit (all fields optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drugs: PriceBasis | None = None
    administration: PriceBasis | None = None
    source: str | None = None  # the contract or policy the terms come from


MEDICARE_TERMS = PaymentTerms(drugs=PriceBasis(basis="asp_payment_limit"),
                              administration=PriceBasis(basis="contract"),
                              source="Medicare Part B (ASP file, fee schedule)")
CONTRACT_TERMS = PaymentTerms(drugs=PriceBasis(basis="contract"),
                              administration=PriceBasis(basis="contract"),
                              source="contracted rates of the fee schedule")

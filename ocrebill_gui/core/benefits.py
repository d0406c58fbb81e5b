"""A benefits verification: what the plan said about the patient's cost for a therapy.

Recorded per patient, plan and therapy before the first dose and again before each dose or plan
year (claims-money-security.md 4). The estimate reads the money fields (deductible remaining,
coinsurance, copay, out-of-pocket remaining); the others are kept for the record and for the
front desk (a later store table saves the whole model).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Money = Decimal


class BenefitsVerification(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    verified_on: date
    method: Literal["phone", "portal", "271"] | None = None
    reference: str | None = None
    representative: str | None = None
    plan: str | None = None
    group_number: str | None = None
    member_id: str | None = None
    subscriber: str | None = None
    relationship: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    benefit: Literal["medical", "pharmacy"] | None = None
    buy_and_bill_allowed: bool | None = None
    specialty_pharmacy_mandate: bool | None = None
    site_of_care_rule: str | None = None
    in_network: bool | None = None
    deductible_total: Money | None = Field(default=None, ge=0)
    deductible_remaining: Money | None = Field(default=None, ge=0)
    out_of_pocket_max: Money | None = Field(default=None, ge=0)
    out_of_pocket_remaining: Money | None = Field(default=None, ge=0)
    coinsurance_percent: Decimal | None = Field(default=None, ge=0, le=100)
    copay: Money | None = Field(default=None, ge=0)  # per visit
    prior_auth_required: bool | None = None
    prior_auth_number: str | None = None
    prior_auth_units: int | None = Field(default=None, ge=0)
    prior_auth_from: date | None = None
    prior_auth_to: date | None = None
    next_verification: date | None = None

    @model_validator(mode="after")
    def _remaining_within_totals(self) -> BenefitsVerification:
        pairs = (("deductible", self.deductible_total, self.deductible_remaining),
                 ("out_of_pocket", self.out_of_pocket_max, self.out_of_pocket_remaining))
        for name, total, remaining in pairs:
            if total is not None and remaining is not None and remaining > total:
                raise ValueError(f"{name} remaining ({remaining}) is more than its total "
                                 f"({total})")
        return self

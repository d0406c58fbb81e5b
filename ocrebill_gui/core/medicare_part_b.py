"""Medicare Part B's percentages: ASP add-on, standard coinsurance, sequestration.

In data/payment-rules.json with effective dates and sources (CMS changes them by law and
rule, e.g. the 2 % sequestration suspended 2020-05-01 to 2022-03-31), never constants.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.core.catalog import load_data_file
from ocrebill_gui.paths import data_dir


class MedicarePartB(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: date
    effective_to: date | None = None
    asp_add_on_percent: Decimal = Field(ge=0, le=100)
    standard_coinsurance_percent: Decimal = Field(ge=0, le=100)
    sequestration_percent: Decimal = Field(ge=0, le=100)
    source: str

    def effective_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


class _PaymentRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    medicare_part_b: list[MedicarePartB]


@cache
def _payment_rules() -> _PaymentRulesFile:
    return load_data_file(data_dir() / "payment-rules.json", _PaymentRulesFile)


def medicare_part_b(day: date) -> MedicarePartB | None:
    """Medicare Part B's percentages in effect on a date of service (None: not in the file)."""
    return next((p for p in _payment_rules().medicare_part_b if p.effective_on(day)), None)

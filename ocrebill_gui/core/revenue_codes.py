"""UB-04 / 837I revenue codes per claim line, from data/revenue-codes.json (never constants).

A line is one of three kinds: a separately payable drug (0636), a drug packaged under the
hospital outpatient payment system (0250; the catalog's `packaged_in_hospital_outpatient`), or
an administration code (0260). The file's `codes` table overrides the kind for a code.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.core.catalog import Catalog, Product, load_data_file
from ocrebill_gui.paths import data_dir

LineKind = Literal["separately_payable_drug", "packaged_drug", "administration"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RevenueKind(_Model):
    kind: LineKind
    revenue_code: str = Field(pattern=r"^\d{4}$")
    label: str = Field(min_length=1)
    source: str = Field(min_length=1)


class RevenueCodes(_Model):
    source: str
    effective_from: date
    kinds: list[RevenueKind]
    codes: dict[str, str] = Field(default_factory=dict)  # HCPCS/CPT -> revenue code override

    def by_kind(self, kind: LineKind) -> RevenueKind:
        for entry in self.kinds:
            if entry.kind == kind:
                return entry
        raise KeyError(f"revenue-codes.json has no entry of kind {kind}")

    def label_of(self, revenue_code: str) -> str:
        return next((k.label for k in self.kinds if k.revenue_code == revenue_code), "")


@cache
def default_revenue_codes() -> RevenueCodes:
    return revenue_codes_from(data_dir())


def revenue_codes_from(folder: Path) -> RevenueCodes:
    return load_data_file(folder / "revenue-codes.json", RevenueCodes)


def product_of_code(catalog: Catalog, code: str) -> Product | None:
    """The catalog product billed under a HCPCS code, if any."""
    return _products_by_code(catalog).get(code)


@lru_cache(maxsize=8)
def _products_by_code(catalog: Catalog) -> dict[str, Product]:
    return {c.code: p for p in catalog.products.values() for c in p.codes}


def line_kind(catalog: Catalog, code: str, has_ndc: bool) -> LineKind:
    """What a claim line is, for its revenue code."""
    product = product_of_code(catalog, code)
    if product is not None:
        return "packaged_drug" if product.packaged_in_hospital_outpatient \
            else "separately_payable_drug"
    if has_ndc:  # a not-otherwise-classified drug code (C9399, J3590) carries its NDC
        return "separately_payable_drug"
    return "administration"


def revenue_code_for(table: RevenueCodes, catalog: Catalog, code: str, has_ndc: bool) -> str:
    return table.codes.get(code) or table.by_kind(line_kind(catalog, code, has_ndc)).revenue_code

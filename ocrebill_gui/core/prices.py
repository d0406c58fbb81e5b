"""What a claim line is allowed: the price of each line from the reference data, with its source.

A PriceBook holds what a clinic imported (ASP quarters, a fee schedule); the payer profile's
payment terms (core/payment_terms.py) say which price applies. A line is a drug line (its code
is a product's, JW waste lines included: priced like the drug), an administration line (a CPT
administration code of data/admin-codes.json) or something else; a drug packaged in hospital
outpatient (premeds such as J1200, J2930) is allowed nothing apart there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from ocrebill_gui.core.asp_file import AspFile, AspPrice, Quarter
from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.claim import ClaimLine
from ocrebill_gui.core.fee_schedule import FeeRow, FeeSchedule
from ocrebill_gui.core.medicare_part_b import MedicarePartB
from ocrebill_gui.core.money import HUNDRED, cents
from ocrebill_gui.core.payment_terms import BASIS_TEXT, PaymentTerms, PriceBasis
from ocrebill_gui.core.visit import PayerProfile

LineKind = Literal["drug", "administration", "other"]


@dataclass(frozen=True)
class PriceBook:
    """The reference data an estimate reads: ASP files by quarter and the fee schedule."""

    asp: Mapping[Quarter, AspFile] = field(default_factory=dict)
    fees: FeeSchedule | None = None

    @classmethod
    def of(cls, asp_files: Iterable[AspFile] = (), fees: FeeSchedule | None = None) -> PriceBook:
        return cls({f.quarter: f for f in asp_files}, fees)

    def asp_price(self, code: str, day: date) -> tuple[AspFile | None, AspPrice | None]:
        """The ASP file of the date of service's quarter and the code's row in it."""
        asp_file = self.asp.get(Quarter.of(day))
        return asp_file, asp_file.price(code) if asp_file is not None else None


@dataclass(frozen=True)
class LinePrice:
    """A line's allowed amount (None: no price known, `source` says why) and, for a drug, its
    ASP row (the Part B coinsurance comes from it)."""

    kind: LineKind
    allowed: Decimal | None
    source: str
    asp: AspPrice | None = None
    asp_quarter: Quarter | None = None
    packaged: bool = False


@dataclass(frozen=True)
class PricingContext:
    catalog: Catalog
    prices: PriceBook
    payer: PayerProfile
    setting: str
    day: date
    part_b: MedicarePartB | None

    @property
    def payer_ids(self) -> tuple[str, ...]:
        """Rows of the fee schedule for the payer's own id, else for its program (a 'medicare'
        row serves every Medicare profile)."""
        return (self.payer.id, self.payer.program)


def line_kind(line: ClaimLine, catalog: Catalog) -> LineKind:
    if line.code in catalog.drug_labels:
        return "drug"
    if line.code in catalog.admin_labels:
        return "administration"
    return "other"


def packaged_here(line: ClaimLine, setting: str, catalog: Catalog) -> bool:
    """A drug paid inside the visit's other payments in hospital outpatient (OPPS packaging)."""
    if setting != "hospital_outpatient":
        return False
    return any(p.packaged_in_hospital_outpatient for p in catalog.products.values()
               if any(c.code == line.code for c in p.codes))


def price_line(line: ClaimLine, terms: PaymentTerms, ctx: PricingContext) -> LinePrice:
    """The allowed amount of a line under the payer's terms, or why there is none."""
    kind = line_kind(line, ctx.catalog)
    basis = {"drug": terms.drugs, "administration": terms.administration}.get(kind)
    if kind == "drug" and packaged_here(line, ctx.setting, ctx.catalog):
        return LinePrice(kind, Decimal("0.00"), "packaged in hospital outpatient (OPPS): paid "
                         "within the visit's other payments, nothing apart", packaged=True)
    if kind == "other" or basis is None:
        return LinePrice(kind, None, f"no price: payer profile {ctx.payer.id} has no payment "
                                     f"terms for {kind} lines")
    if basis.basis in ("asp", "asp_payment_limit"):
        return _asp_priced(line, kind, basis, ctx)
    row = _fee_row(line, basis, ctx)
    if row is None:
        whose = ("charge of the practice" if basis.basis == "fee_schedule"
                 else f"rate for payer {ctx.payer.id}")
        return LinePrice(kind, None, f"no price: the fee schedule has no {whose} for "
                                     f"{line.code} ({ctx.setting}) on {ctx.day}")
    allowed = cents(row.amount * line.units * basis.percent / HUNDRED)
    whose = f"payer {row.payer}" if row.payer else "practice charge"
    return LinePrice(kind, allowed, f"{_percent_text(basis)}{BASIS_TEXT[basis.basis]}: "
                                    f"${row.amount} a unit x {line.units} ({whose}, "
                                    f"{row.setting or 'any setting'}; "
                                    f"{_fee_row_text(row, ctx)})")


def _asp_priced(line: ClaimLine, kind: LineKind, basis: PriceBasis,
                ctx: PricingContext) -> LinePrice:
    asp_file, row = ctx.prices.asp_price(line.code, ctx.day)
    quarter = Quarter.of(ctx.day)
    if asp_file is None:
        return LinePrice(kind, None, f"no price: no ASP file for {quarter} is loaded")
    if row is None or row.payment_limit is None:
        missing = "not in" if row is None else "without a payment limit in"
        return LinePrice(kind, None, f"no price: {line.code} is {missing} the ASP file for "
                                     f"{quarter} ({asp_file.source_name})", asp=row)
    unit = row.payment_limit
    if basis.basis == "asp":
        if ctx.part_b is None:
            return LinePrice(kind, None, f"no price: no ASP add-on known for {ctx.day}")
        unit = unit * HUNDRED / (HUNDRED + ctx.part_b.asp_add_on_percent)
    allowed = cents(unit * line.units * basis.percent / HUNDRED)
    return LinePrice(kind, allowed,
                     f"{_percent_text(basis)}{BASIS_TEXT[basis.basis]}: payment limit "
                     f"${row.payment_limit} per {row.dosage or 'unit'} x {line.units} (ASP "
                     f"{quarter}, {asp_file.source_name}"
                     f"{f' line {row.line}' if row.line else ''})",
                     asp=row, asp_quarter=quarter)


def _fee_row(line: ClaimLine, basis: PriceBasis, ctx: PricingContext) -> FeeRow | None:
    fees = ctx.prices.fees
    if fees is None:
        return None
    if basis.basis == "fee_schedule":
        return fees.charge(line.code, line.modifiers, ctx.setting, ctx.day)
    return fees.rate(line.code, line.modifiers, ctx.setting, ctx.payer_ids, ctx.day)


def charge_of(line: ClaimLine, ctx: PricingContext) -> Decimal | None:
    """What the practice bills for the line (its fee schedule's charge x units)."""
    fees = ctx.prices.fees
    row = fees.charge(line.code, line.modifiers, ctx.setting, ctx.day) if fees else None
    return cents(row.amount * line.units) if row is not None else None


def _fee_row_text(row: FeeRow, ctx: PricingContext) -> str:
    """'fee schedule line 4, fees.csv' (a schedule read from the database keeps no line
    numbers: 'fee schedule fees.csv, from 2026-01-01')."""
    if row.line:
        return f"fee schedule line {row.line}, {_fees_name(ctx)}"
    return f"fee schedule {_fees_name(ctx)}, from {row.effective_from}"


def _percent_text(basis: PriceBasis) -> str:
    return "" if basis.percent == HUNDRED else f"{basis.percent.normalize():f} % of "


def _fees_name(ctx: PricingContext) -> str:
    return ctx.prices.fees.source_name if ctx.prices.fees else ""

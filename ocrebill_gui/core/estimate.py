"""The expected payment of a visit: per line and in total, the allowed amount, what the payer is
expected to pay and the patient's share, each with its source (docs/expected-payment.md).

A pure function of (claim result, visit, reference data, benefits, co-pay programme):
- Medicare Part B (traditional): drugs at the ASP file's payment limit x units, administration
  codes at the fee schedule's Medicare rates for the setting; the remaining Part B deductible
  first (lines in claim order), then the file's coinsurance percentage (the standard 20 % for
  codes the file has none for), then the 2 % sequestration on Medicare's share.
- Others (commercial, Medicaid, Medicare Advantage): priced by the payer profile's payment
  terms (or its contracted rates); the patient's share from the benefits verification:
  deductible remaining, then coinsurance, the copay once a visit, capped by the out-of-pocket
  maximum remaining.
Money is Decimal, each amount rounded half-up to the cent where it is computed; totals add the
rounded lines. A line without a price says why, and the estimate is then `partial`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.copay_programme import (
    ProgrammeCover,
    ProgrammeInput,
    programme_cover,
    terms_for,
)
from ocrebill_gui.core.medicare_part_b import MedicarePartB, medicare_part_b
from ocrebill_gui.core.money import ZERO, percent_of
from ocrebill_gui.core.payment_terms import CONTRACT_TERMS, MEDICARE_TERMS
from ocrebill_gui.core.prices import (
    LineKind,
    LinePrice,
    PriceBook,
    PricingContext,
    charge_of,
    price_line,
)
from ocrebill_gui.core.validation import resolve_payer
from ocrebill_gui.core.visit import PayerProfile, VisitDocument

Method = Literal["medicare_part_b", "benefits"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class EstimateLine(_Model):
    code: str
    modifiers: list[str]
    units: int
    kind: LineKind
    charge: Decimal | None  # what the practice bills (its fee schedule), if known
    allowed: Decimal | None  # None: no price known (allowed_source says why)
    payer_pays: Decimal | None
    patient_share: Decimal | None
    sequestration: Decimal | None  # Medicare's 2 % cut of its share (neither payer nor patient)
    allowed_source: str
    payment_source: str
    patient_source: str


class EstimateTotals(_Model):
    charge: Decimal
    allowed: Decimal
    payer_pays: Decimal
    patient_share: Decimal
    sequestration: Decimal


class Estimate(_Model):
    date_of_service: date
    payer: str
    method: Method
    lines: list[EstimateLine]
    totals: EstimateTotals  # sums of the lines that have the amount
    partial: bool  # a line has no price, or the patient's share is unknown
    notes: list[str]
    programme: ProgrammeCover | None = None
    patient_after_programme: Decimal | None = None


@dataclass
class _Split:
    payer: Decimal
    patient: Decimal
    sequestration: Decimal | None
    payment_source: str
    patient_source: str


def estimate(claim: ClaimResult, document: VisitDocument, *, prices: PriceBook,
             benefits: BenefitsVerification | None = None,
             programme: ProgrammeInput | None = None,
             catalog: Catalog | None = None) -> Estimate:
    """The expected payment of a computed visit (claim = compute(document))."""
    catalog = catalog or default_catalog()
    payer = resolve_payer(document, catalog)
    day = document.date_of_service
    part_b = medicare_part_b(day)
    ctx = PricingContext(catalog, prices, payer, document.setting, day, part_b)
    medicare = payer.program == "medicare" and not payer.medicare_advantage
    terms = payer.payment or (MEDICARE_TERMS if payer.program == "medicare" else CONTRACT_TERMS)
    notes: list[str] = []
    splitter = (_PartB(part_b, benefits, notes, day) if medicare
                else _Benefits(benefits, notes))
    lines = []
    for line in claim.lines:
        price = price_line(line, terms, ctx)
        split = splitter.split(price) if price.allowed is not None else None
        lines.append(EstimateLine(
            code=line.code, modifiers=list(line.modifiers), units=line.units, kind=price.kind,
            charge=charge_of(line, ctx), allowed=price.allowed,
            payer_pays=split.payer if split else None,
            patient_share=split.patient if split else None,
            sequestration=split.sequestration if split else None,
            allowed_source=price.source,
            payment_source=split.payment_source if split else "",
            patient_source=split.patient_source if split else ""))
    partial = any(line.allowed is None or line.patient_share is None for line in lines)
    if any(line.allowed is None for line in lines):
        notes.append("Partial: some lines have no price (see each line); the totals are of "
                     "the priced lines only.")
    result = Estimate(date_of_service=day, payer=payer.id,
                      method="medicare_part_b" if medicare else "benefits", lines=lines,
                      totals=_totals(lines), partial=partial, notes=notes)
    if programme is None:
        return result
    return _with_programme(result, programme, document, payer, catalog)


class _PartB:
    """Medicare Part B: deductible, the file's coinsurance, sequestration on Medicare's share."""

    def __init__(self, rules: MedicarePartB | None, benefits: BenefitsVerification | None,
                 notes: list[str], day: date):
        self.rules = rules
        remaining = benefits.deductible_remaining if benefits else None
        self.deductible_left = remaining if remaining is not None else ZERO
        self.verified = f"benefits verification of {benefits.verified_on}" if benefits else ""
        if rules is None:
            notes.append(f"No Medicare Part B rates known for {day} (data/payment-rules.json): "
                         "the split between Medicare and the patient is unknown.")
        elif remaining is None:
            notes.append("Part B deductible not verified: taken as met.")

    def split(self, price: LinePrice) -> _Split | None:
        rules, allowed = self.rules, price.allowed
        if rules is None or allowed is None:
            return None
        deductible = min(self.deductible_left, allowed)
        self.deductible_left -= deductible
        percent, where = rules.standard_coinsurance_percent, "standard Part B coinsurance"
        if price.asp is not None and price.asp.coinsurance_percent is not None:
            percent, where = price.asp.coinsurance_percent, f"ASP {price.asp_quarter} file"
        coinsurance = percent_of(allowed - deductible, percent)
        share = allowed - deductible - coinsurance
        sequestration = percent_of(share, rules.sequestration_percent)
        patient_source = f"coinsurance {percent.normalize():f} % ({where})"
        if deductible:
            patient_source = (f"deductible ${deductible} ({self.verified}), then "
                              f"{patient_source}")
        return _Split(share - sequestration, deductible + coinsurance, sequestration,
                      f"Medicare Part B: allowed - patient share - "
                      f"{rules.sequestration_percent.normalize():f} % sequestration "
                      f"(data/payment-rules.json)", patient_source)


class _Benefits:
    """Commercial, Medicaid, Medicare Advantage: the patient's share from the benefits
    verification, lines in claim order."""

    def __init__(self, benefits: BenefitsVerification | None, notes: list[str]):
        self.benefits = benefits
        if benefits is None:
            notes.append("No benefits verification: the patient's share is unknown.")
            return
        self.deductible_left = benefits.deductible_remaining or ZERO
        self.copay_due = benefits.copay or ZERO
        self.out_of_pocket_left = benefits.out_of_pocket_remaining
        self.percent = benefits.coinsurance_percent or ZERO
        self.source = f"benefits verification of {benefits.verified_on}"

    def split(self, price: LinePrice) -> _Split | None:
        allowed = price.allowed
        if self.benefits is None or allowed is None:
            return None
        deductible = min(self.deductible_left, allowed)
        self.deductible_left -= deductible
        coinsurance = percent_of(allowed - deductible, self.percent)
        copay = min(self.copay_due, allowed - deductible - coinsurance)
        self.copay_due -= copay
        patient = deductible + coinsurance + copay
        parts = [f"deductible ${deductible}" if deductible else "",
                 f"coinsurance {self.percent.normalize():f} %",
                 f"copay ${copay}" if copay else ""]
        if self.out_of_pocket_left is not None:
            if patient > self.out_of_pocket_left:
                patient = self.out_of_pocket_left
                parts.append("capped at the out-of-pocket maximum")
            self.out_of_pocket_left -= patient
        return _Split(allowed - patient, patient, None, "payer: allowed - patient share",
                      f"{', '.join(p for p in parts if p)} ({self.source})")


def _totals(lines: list[EstimateLine]) -> EstimateTotals:
    def total(name: str) -> Decimal:
        return sum((getattr(line, name) for line in lines if getattr(line, name) is not None),
                   ZERO)

    return EstimateTotals(charge=total("charge"), allowed=total("allowed"),
                          payer_pays=total("payer_pays"), patient_share=total("patient_share"),
                          sequestration=total("sequestration"))


def _with_programme(result: Estimate, given: ProgrammeInput, document: VisitDocument,
                    payer: PayerProfile, catalog: Catalog) -> Estimate:
    day = document.date_of_service
    terms = terms_for(given.enrolment.programme, day)
    notes = list(result.notes)
    if terms is None:
        notes.append(f"No terms of the co-pay programme {given.enrolment.programme} for {day} "
                     "(data/copay-programmes.json).")
        return result.model_copy(update={"notes": notes})
    ours = [a for a in document.administrations if a.product in terms.products]
    if not ours:
        notes.append(f"{terms.name}: none of its products given at this visit.")
        return result.model_copy(update={"notes": notes})
    if any(line.patient_share is None for line in result.lines):
        notes.append(f"{terms.name}: the patient's share is not known, so neither is what the "
                     "programme covers.")
        return result.model_copy(update={"notes": notes})
    drug = sum((line.patient_share or ZERO for line in result.lines if line.kind == "drug"),
               ZERO)
    infusion = sum((line.patient_share or ZERO for line in result.lines
                    if line.kind == "administration"), ZERO)
    birth = document.patient.birth_date if document.patient else None
    cover = programme_cover(terms, given, day=day, coverage=[payer.program],
                            birth_date=birth, drug_share=drug, infusion_share=infusion,
                            free_drug=any(a.source == "free_drug_program" for a in ours))
    return result.model_copy(update={
        "notes": notes, "programme": cover,
        "patient_after_programme": result.totals.patient_share - cover.total})

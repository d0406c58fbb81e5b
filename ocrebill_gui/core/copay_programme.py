"""A manufacturer's co-pay programme: eligibility, the calendar-year caps, what it covers.

The terms (caps, deadlines, who is eligible) are data: data/copay-programmes.json, each with
its period and source. The Ocrevus Co-pay Program (Genentech): commercial insurance only, age
18+, up to $20,000 a calendar year for the drug and $1,500 for the infusion in the first year
then $1,000; never more than the patient owes; the payer's EOB sent within 545 days of the date
of service; a date of service more than 180 days before enrolment is not paid; a patient on
free drug (Genentech Patient Foundation) gets the infusion part only. "First year" is read as
the calendar year of enrolment (the caps reset each 1 January).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.core.catalog import load_data_file
from ocrebill_gui.core.money import ZERO
from ocrebill_gui.paths import data_dir

Part = Literal["drug", "infusion"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgrammeTerms(_Model):
    id: str
    name: str
    sponsor: str
    products: list[str]
    effective_from: date
    effective_to: date | None = None
    eligible_programs: list[str]
    ineligible_coverage: list[str]
    minimum_age: int = Field(ge=0)
    drug_cap_per_year: Decimal = Field(ge=0)
    infusion_cap_first_year: Decimal = Field(ge=0)
    infusion_cap_later_years: Decimal = Field(ge=0)
    eob_deadline_days: int = Field(ge=0)
    days_before_enrolment_paid: int = Field(ge=0)
    source: str

    def effective_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)

    def infusion_cap(self, year: int, enrolled_on: date) -> Decimal:
        first = year <= enrolled_on.year
        return self.infusion_cap_first_year if first else self.infusion_cap_later_years


class _ProgrammesFile(_Model):
    source: str
    programmes: list[ProgrammeTerms]


class Enrolment(_Model):
    """A patient's enrolment (the store keeps one per patient and programme)."""

    programme: str
    card_id: str = Field(min_length=1)
    enrolled_on: date
    parts: frozenset[Part] = frozenset({"drug", "infusion"})


class YearUsage(_Model):
    """What the programme has paid already in a calendar year (from earlier claims to it)."""

    year: int
    drug_used: Decimal = Field(default=ZERO, ge=0)
    infusion_used: Decimal = Field(default=ZERO, ge=0)


class ProgrammeInput(_Model):
    """What an estimate needs to apply the programme: the enrolment, this year's usage, and
    coverages besides the visit's payer (a secondary TRICARE plan makes one ineligible)."""

    enrolment: Enrolment
    usage: YearUsage | None = None
    other_coverage: tuple[str, ...] = ()


class ProgrammeFinding(_Model):
    rule: str
    severity: Literal["error", "warning", "info"]
    message: str


class ProgrammeCover(_Model):
    programme: str
    name: str
    eligible: bool
    drug_covered: Decimal
    infusion_covered: Decimal
    drug_cap_left: Decimal  # after this visit
    infusion_cap_left: Decimal
    eob_deadline: date | None
    findings: list[ProgrammeFinding]
    source: str

    @property
    def total(self) -> Decimal:
        return self.drug_covered + self.infusion_covered


@cache
def programmes() -> tuple[ProgrammeTerms, ...]:
    return tuple(load_data_file(data_dir() / "copay-programmes.json", _ProgrammesFile)
                 .programmes)


def terms_for(programme: str, day: date) -> ProgrammeTerms | None:
    return next((t for t in programmes() if t.id == programme and t.effective_on(day)), None)


def eligibility(terms: ProgrammeTerms, *, coverage: Iterable[str], birth_date: date | None,
                day: date) -> list[ProgrammeFinding]:
    """Why the patient is not eligible (errors) or may not be (warnings); empty: eligible."""
    findings = []
    kinds = {c.casefold() for c in coverage}
    barred = sorted(kinds & set(terms.ineligible_coverage))
    if barred:
        findings.append(ProgrammeFinding(
            rule="copay-ineligible-coverage", severity="error",
            message=f"{terms.name}: not eligible with {', '.join(barred)} coverage (commercial "
                    "insurance only; no Medicare, Medicaid, TRICARE, VA or other government "
                    "plan)"))
    elif not kinds & set(terms.eligible_programs):
        findings.append(ProgrammeFinding(
            rule="copay-ineligible-coverage", severity="error",
            message=f"{terms.name}: needs {' or '.join(terms.eligible_programs)} coverage"))
    if birth_date is None:
        findings.append(ProgrammeFinding(
            rule="copay-age-unknown", severity="warning",
            message=f"{terms.name}: birth date unknown; the programme is for patients aged "
                    f"{terms.minimum_age} or over"))
    elif _age(birth_date, day) < terms.minimum_age:
        findings.append(ProgrammeFinding(
            rule="copay-under-age", severity="error",
            message=f"{terms.name}: the patient is under {terms.minimum_age} on {day}"))
    return findings


def programme_cover(terms: ProgrammeTerms, given: ProgrammeInput, *, day: date,
                    coverage: Iterable[str], birth_date: date | None, drug_share: Decimal,
                    infusion_share: Decimal, free_drug: bool) -> ProgrammeCover:
    """What the programme is expected to pay of the patient's share of one visit."""
    enrolment = given.enrolment
    findings = eligibility(terms, coverage=[*coverage, *given.other_coverage],
                           birth_date=birth_date, day=day)
    usage = given.usage if given.usage is not None and given.usage.year == day.year else None
    drug_left = max(terms.drug_cap_per_year - (usage.drug_used if usage else ZERO), ZERO)
    infusion_left = max(terms.infusion_cap(day.year, enrolment.enrolled_on)
                        - (usage.infusion_used if usage else ZERO), ZERO)
    if (enrolment.enrolled_on - day).days > terms.days_before_enrolment_paid:
        findings.append(ProgrammeFinding(
            rule="copay-before-enrolment", severity="error",
            message=f"{terms.name}: the date of service {day} is more than "
                    f"{terms.days_before_enrolment_paid} days before the enrolment "
                    f"({enrolment.enrolled_on}): not paid"))
    if free_drug:
        findings.append(ProgrammeFinding(
            rule="copay-free-drug", severity="info",
            message=f"{terms.name}: free drug from the patient foundation: the drug part is "
                    "not covered, the infusion part is"))
    eligible = not any(f.severity == "error" for f in findings)
    drug = min(drug_share, drug_left) if eligible and not free_drug and (
        "drug" in enrolment.parts) else ZERO
    infusion = min(infusion_share, infusion_left) if eligible and (
        "infusion" in enrolment.parts) else ZERO
    for part, share, left in (("drug", drug_share, drug_left),
                              ("infusion", infusion_share, infusion_left)):
        if eligible and part in enrolment.parts and share > left and not (
                part == "drug" and free_drug):
            findings.append(ProgrammeFinding(
                rule="copay-cap-reached", severity="warning",
                message=f"{terms.name}: the {day.year} {part} cap leaves ${left} of the "
                        f"patient's ${share}"))
    return ProgrammeCover(
        programme=terms.id, name=terms.name, eligible=eligible, drug_covered=drug,
        infusion_covered=infusion, drug_cap_left=drug_left - drug,
        infusion_cap_left=infusion_left - infusion,
        eob_deadline=day + timedelta(days=terms.eob_deadline_days) if eligible else None,
        findings=findings, source=terms.source)


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

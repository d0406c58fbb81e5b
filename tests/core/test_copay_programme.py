"""The manufacturer's co-pay programme: eligibility, calendar-year caps, deadlines, and what the
estimate shows it covering of the patient's share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from builders import ocrevus, on_day, visit

from ocrebill_gui.core import compute
from ocrebill_gui.core.asp_file import read_asp_file
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.copay_programme import (
    Enrolment,
    ProgrammeInput,
    YearUsage,
    programme_cover,
    terms_for,
)
from ocrebill_gui.core.estimate import estimate
from ocrebill_gui.core.fee_schedule import read_fee_schedule
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import parse_visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
D = Decimal
DAY = date(2026, 5, 12)
TERMS = terms_for("ocrevus-copay", DAY)
ENROLLED = Enrolment(programme="ocrevus-copay", card_id="CARD-1", enrolled_on=date(2026, 1, 15))
ADULT = date(1980, 1, 1)


def cover(given: ProgrammeInput | None = None, *, day: date = DAY, coverage=("commercial",),
          birth: date | None = ADULT, drug=D("8158.72"), infusion=D("58.00"), free=False):
    assert TERMS is not None
    return programme_cover(TERMS, given or ProgrammeInput(enrolment=ENROLLED), day=day,
                           coverage=coverage, birth_date=birth, drug_share=drug,
                           infusion_share=infusion, free_drug=free)


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}


def test_the_terms_are_data_with_their_source() -> None:
    assert TERMS is not None and TERMS.drug_cap_per_year == D("20000.00")
    assert (TERMS.infusion_cap_first_year, TERMS.infusion_cap_later_years) == (D(1500), D(1000))
    assert "545 days" in TERMS.source and TERMS.eob_deadline_days == 545


def test_covers_the_patients_share_up_to_the_caps_with_the_eob_deadline() -> None:
    result = cover()
    assert result.eligible and (result.drug_covered, result.infusion_covered) == (
        D("8158.72"), D("58.00"))
    assert result.drug_cap_left == D("11841.28") and result.infusion_cap_left == D("1442.00")
    assert result.eob_deadline == date(2027, 11, 8)  # 545 days after 2026-05-12


def test_what_was_used_this_year_counts_and_never_more_than_owed() -> None:
    used = ProgrammeInput(enrolment=ENROLLED, usage=YearUsage(year=2026, drug_used=D(15000),
                                                             infusion_used=D(1480)))
    result = cover(used)
    assert (result.drug_covered, result.infusion_covered) == (D(5000), D(20))
    assert "copay-cap-reached" in rules_of(result)
    last_year = ProgrammeInput(enrolment=ENROLLED, usage=YearUsage(year=2025, drug_used=D(20000)))
    assert cover(last_year).drug_covered == D("8158.72")  # the caps reset on 1 January
    assert cover(drug=D(0), infusion=D(0)).total == 0


def test_the_infusion_cap_is_lower_after_the_first_year() -> None:
    later = cover(day=date(2027, 3, 1), infusion=D(1200))
    assert later.infusion_covered == D(1000)


def test_government_coverage_is_ineligible_with_a_finding() -> None:
    for kind in ("medicare", "medicaid"):
        result = cover(coverage=(kind,))
        assert not result.eligible and result.total == 0 and result.eob_deadline is None
        finding = next(f for f in result.findings if f.rule == "copay-ineligible-coverage")
        assert kind in finding.message and "commercial insurance only" in finding.message
    secondary = ProgrammeInput(enrolment=ENROLLED, other_coverage=("TRICARE",))
    assert not cover(secondary).eligible


def test_age_18_or_over() -> None:
    assert not cover(birth=date(2009, 5, 13)).eligible  # 17 on the date of service
    assert cover(birth=date(2008, 5, 12)).eligible  # 18 that day
    unknown = cover(birth=None)
    assert unknown.eligible and "copay-age-unknown" in rules_of(unknown)


def test_a_date_of_service_more_than_180_days_before_enrolment_is_not_paid() -> None:
    late = Enrolment(programme="ocrevus-copay", card_id="C", enrolled_on=date(2026, 11, 8))
    assert cover(ProgrammeInput(enrolment=late)).eligible  # 180 days before: still paid
    later = Enrolment(programme="ocrevus-copay", card_id="C", enrolled_on=date(2026, 11, 9))
    result = cover(ProgrammeInput(enrolment=later))
    assert not result.eligible and "copay-before-enrolment" in rules_of(result)


def test_free_drug_excludes_the_drug_part_not_the_infusion() -> None:
    result = cover(free=True)
    assert (result.drug_covered, result.infusion_covered) == (D(0), D("58.00"))
    assert "copay-free-drug" in rules_of(result)
    infusion_only = Enrolment(programme="ocrevus-copay", card_id="C",
                              enrolled_on=date(2026, 1, 15), parts=frozenset({"infusion"}))
    assert cover(ProgrammeInput(enrolment=infusion_only)).drug_covered == 0


def _estimate(payer, given: ProgrammeInput, **benefit_money):
    doc = parse_visit(on_day(visit(ocrevus(), payer=payer), DAY.isoformat()))
    prices = PriceBook.of([read_asp_file(FIXTURES / "april-2026-asp-pricing-file.csv")],
                          read_fee_schedule(FIXTURES / "fees-2026.csv"))
    verified = BenefitsVerification(verified_on=date(2026, 5, 1), **benefit_money)
    return estimate(compute(doc), doc, prices=prices, benefits=verified, programme=given)


def test_the_estimate_shows_what_the_programme_covers_for_a_commercial_patient() -> None:
    payer = {"id": "aetna", "name": "Aetna", "program": "commercial",
             "payment": {"drugs": {"basis": "asp", "percent": 115},
                         "administration": {"basis": "contract"}}}
    used = ProgrammeInput(enrolment=ENROLLED, usage=YearUsage(year=2026, drug_used=D(15000)))
    result = _estimate(payer, used, deductible_remaining=D(500), coinsurance_percent=D(20),
                       out_of_pocket_remaining=D(9000))
    assert result.totals.patient_share == D("8216.72")
    assert result.programme is not None
    assert (result.programme.drug_covered, result.programme.infusion_covered) == (
        D(5000), D("58.00"))
    assert result.patient_after_programme == D("3158.72")


def test_a_medicare_patient_gets_nothing_from_the_programme() -> None:
    result = _estimate("medicare", ProgrammeInput(enrolment=ENROLLED), deductible_remaining=D(0))
    assert result.programme is not None and not result.programme.eligible
    assert result.patient_after_programme == result.totals.patient_share == D("7173.50")
    assert any(f.rule == "copay-ineligible-coverage" for f in result.programme.findings)

"""The expected payment of a visit: CMS's worked example, an Ocrevus visit for Medicare and for a
commercial patient, JW, packaging, unknown prices, and the money rounding."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from builders import given, infusion, ocrevus, on_day, visit

from ocrebill_gui.core import compute
from ocrebill_gui.core.asp_file import parse_asp_file, read_asp_file
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.claim import ClaimLine, ClaimResult
from ocrebill_gui.core.estimate import Estimate, estimate
from ocrebill_gui.core.fee_schedule import parse_fee_schedule, read_fee_schedule
from ocrebill_gui.core.money import cents
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import parse_visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
Q2_DAY = "2026-05-12"  # in the fixture's ASP quarter, 2026Q2
D = Decimal


def book(*asp_names: str) -> PriceBook:
    names = asp_names or ("april-2026-asp-pricing-file.csv",)
    return PriceBook.of([read_asp_file(FIXTURES / n) for n in names],
                        read_fee_schedule(FIXTURES / "fees-2026.csv"))


def estimated(doc: dict, prices: PriceBook | None = None, **kwargs) -> Estimate:
    document = parse_visit(doc)
    return estimate(compute(document), document, prices=prices or book(), **kwargs)


def line(result: Estimate, code: str, modifier: str | None = None):
    return next(x for x in result.lines if x.code == code
                and (modifier is None or modifier in x.modifiers))


def benefits(**money) -> BenefitsVerification:
    return BenefitsVerification(verified_on="2026-05-01", **money)


def test_cms_worked_example_asp_943_40_pays_784() -> None:
    """CMS: ASP $943.40 -> payment limit $1,000.00 (ASP x 1.06) allowed, 20 % coinsurance
    $200.00, Medicare's $800.00 less 2 % sequestration = $784.00."""
    text = ("Effective April 1, 2026\nHCPCS Code,Short Description,HCPCS Code Dosage,"
            "Payment Limit,Co-insurance Percentage\nJ2350,Example,1 MG,1000.004,20.000\n")
    prices = PriceBook.of([parse_asp_file(text.encode(), name="example.csv")])
    document = parse_visit(on_day(visit(ocrevus(), payer="medicare"), Q2_DAY))
    claim = ClaimResult(place_of_service="11", findings=[], administrations=[],
                        lines=[ClaimLine(code="J2350", modifiers=["JZ"], units=1)])
    [drug] = estimate(claim, document, prices=prices).lines
    assert (drug.allowed, drug.patient_share, drug.sequestration, drug.payer_pays) == (
        D("1000.00"), D("200.00"), D("16.00"), D("784.00"))
    assert D("943.40") * D("1.06") == D("1000.004")


def test_ocrevus_600_mg_medicare_q2_2026_with_the_deductible_partly_met() -> None:
    doc = on_day(visit(ocrevus(), payer="medicare"), Q2_DAY)
    result = estimated(doc, benefits=benefits(deductible_remaining=D("150.00")))
    drug = line(result, "J2350")
    assert drug.allowed == D("35757.60")  # $59.596 x 600
    # $150 deductible, 20 % of the remaining $35,607.60, Medicare's share less 2 %
    assert drug.patient_share == D("150.00") + D("7121.52") == D("7271.52")
    assert drug.sequestration == D("569.72")  # 2 % of $28,486.08
    assert drug.payer_pays == D("27916.36")
    assert "ASP 2026Q2" in drug.allowed_source and "59.596" in drug.allowed_source
    assert "deductible $150.00" in drug.patient_source
    infusion_hours = line(result, "96366")
    assert infusion_hours.allowed == D("42.76")  # 2 x $21.38, the office Medicare rate
    assert "payer medicare, office" in infusion_hours.allowed_source
    assert infusion_hours.patient_share == D("8.55")  # the deductible is used up by then
    assert result.method == "medicare_part_b" and not result.partial
    totals = result.totals
    assert totals.allowed == sum(x.allowed for x in result.lines) == D("35867.50")
    assert totals.allowed == totals.payer_pays + totals.patient_share + totals.sequestration


def test_medicare_with_the_deductible_met_matches_the_domain_figures() -> None:
    doc = on_day(visit(ocrevus(), payer="medicare"), Q2_DAY)
    drug = line(estimated(doc, benefits=benefits(deductible_remaining=D(0))), "J2350")
    assert (drug.patient_share, drug.payer_pays) == (D("7151.52"), D("28033.96"))


def test_without_benefits_the_part_b_deductible_is_taken_as_met_and_said() -> None:
    result = estimated(on_day(visit(ocrevus(), payer="medicare"), Q2_DAY))
    assert line(result, "J2350").patient_share == D("7151.52")
    assert any("deductible not verified" in n for n in result.notes)


def test_the_files_lower_coinsurance_is_used_and_older_files_fall_back_to_20() -> None:
    rituximab = infusion("rtx", "rituximab", 500, ("start", "09:00"), ("stop", "13:00"),
                         vials=[{"ndc": "50242-0053-06", "mg": 500}])
    doc = on_day(visit(rituximab, payer="medicare", diagnoses=["M05.79"]), Q2_DAY)
    drug = line(estimated(doc), "J9312")
    assert drug.allowed == D("3565.00")  # 50 units of 10 mg at $71.300
    assert drug.patient_share == cents(D("3565.00") * D("17.503") / 100) == D("623.98")
    old = on_day(visit(ocrevus(), payer="medicare"), "2022-08-01")
    old_drug = line(estimated(old, book("July 2022 ASP Pricing File.csv")), "J2350")
    assert old_drug.allowed == D("36850.20")
    assert "standard Part B coinsurance" in old_drug.patient_source
    assert old_drug.patient_share == D("7370.04")


def test_a_jw_line_is_paid_like_the_drug_line() -> None:
    doc = on_day(visit(ocrevus(dose=280, vials=1), payer="medicare"), Q2_DAY)
    result = estimated(doc)
    assert line(result, "J2350", "JW").allowed == D("1191.92")  # 20 mg wasted x $59.596
    assert line(result, "J2350", "JW").units == 20
    assert line(result, "J2350").allowed + D("1191.92") == D("17878.80")


def test_packaged_hospital_outpatient_premeds_pay_nothing_apart() -> None:
    premeds = [given("mp", "methylprednisolone", 100, "08:20"),
               given("dph", "diphenhydramine", 50, "08:30")]
    doc = on_day(visit(ocrevus(), *premeds, payer="medicare", setting="hospital_outpatient"),
                 Q2_DAY)
    result = estimated(doc)
    for code in ("J2930", "J1200"):
        packaged = line(result, code)
        assert (packaged.allowed, packaged.payer_pays, packaged.patient_share) == (
            D("0.00"), D("0.00"), D("0.00"))
        assert "packaged" in packaged.allowed_source
    assert line(result, "96365").allowed == D("210.69")  # the OPPS rate of the fee schedule
    assert line(result, "J2350").allowed == D("35757.60")


def test_no_price_known_the_line_says_so_and_the_total_is_partial() -> None:
    result = estimated(on_day(visit(ocrevus(), payer="medicare"), "2026-07-15"))
    drug = line(result, "J2350")
    assert drug.allowed is None and drug.payer_pays is None
    assert "no ASP file for 2026Q3" in drug.allowed_source
    assert result.partial and any("Partial" in n for n in result.notes)
    assert result.totals.allowed == sum(x.allowed for x in result.lines if x.allowed)


COMMERCIAL = {"id": "acme-ppo", "name": "Acme PPO", "program": "commercial",
              "payment": {"drugs": {"basis": "asp", "percent": 115},
                          "administration": {"basis": "contract"},
                          "source": "Acme provider agreement 2026, exhibit B"}}


def commercial_visit(**payer) -> dict:
    return on_day(visit(ocrevus(), payer=COMMERCIAL | payer), Q2_DAY)


def test_a_commercial_patient_priced_by_the_payer_profile_and_the_benefits() -> None:
    with_rates = COMMERCIAL | {"id": "aetna"}  # the fixture fee schedule has Aetna's rates
    result = estimated(on_day(visit(ocrevus(), payer=with_rates), Q2_DAY),
                       benefits=benefits(deductible_remaining=D("500.00"),
                                         coinsurance_percent=D(20),
                                         out_of_pocket_remaining=D("9000.00")))
    drug = line(result, "J2350")
    assert drug.allowed == D("38793.62")  # ASP ($59.596 / 1.06) x 600 x 115 %
    assert "115 % of ASP" in drug.allowed_source
    assert drug.patient_share == D("500.00") + D("7658.72")
    assert drug.payer_pays == drug.allowed - drug.patient_share
    assert drug.sequestration is None and result.method == "benefits"
    first_hour = line(result, "96365")
    assert (first_hour.allowed, first_hour.patient_share) == (D("180.00"), D("36.00"))
    assert result.totals.patient_share == D("8216.72")


def test_copay_once_a_visit_and_the_out_of_pocket_cap() -> None:
    doc = on_day(visit(ocrevus(), payer=COMMERCIAL | {"id": "aetna"}), Q2_DAY)
    capped = estimated(doc, benefits=benefits(coinsurance_percent=D(10), copay=D("50.00"),
                                              out_of_pocket_remaining=D("1000.00")))
    assert capped.totals.patient_share == D("1000.00")
    assert "out-of-pocket" in line(capped, "J2350").patient_source
    assert line(capped, "96365").patient_share == D("0.00")
    copay_only = estimated(doc, benefits=benefits(copay=D("50.00")))
    assert [x.patient_share for x in copay_only.lines] == [D("50.00"), D(0), D(0)]


def test_without_benefits_the_commercial_split_is_unknown() -> None:
    result = estimated(commercial_visit(id="aetna"))
    assert line(result, "J2350").allowed == D("38793.62")
    assert line(result, "J2350").patient_share is None and result.partial
    assert any("No benefits verification" in n for n in result.notes)


def test_a_payer_without_terms_or_rates_has_no_price() -> None:
    doc = on_day(visit(ocrevus()), Q2_DAY)  # the builders' commercial test payer
    result = estimated(doc, benefits=benefits())
    assert all(x.allowed is None for x in result.lines) and result.partial
    assert line(result, "J2350").allowed_source == (
        "no price: the fee schedule has no rate for payer test-payer for J2350 (office) on "
        "2026-05-12")
    no_fees = estimated(doc, PriceBook(), benefits=benefits())
    assert "no rate for payer test-payer" in line(no_fees, "96365").allowed_source


def test_percent_of_the_fee_schedule_and_the_practice_charge() -> None:
    terms = {"drugs": {"basis": "fee_schedule", "percent": 60},
             "administration": {"basis": "fee_schedule", "percent": 50}}
    result = estimated(commercial_visit(payment=terms), benefits=benefits())
    drug = line(result, "J2350")
    assert drug.charge == D("45000.00") and drug.allowed == D("27000.00")
    assert line(result, "96365").allowed == D("125.00")


@pytest.mark.parametrize(("amount", "rounded"), [
    ("0.005", "0.01"), ("2.675", "2.68"), ("569.7216", "569.72"), ("-0.005", "-0.01"),
    ("7151.515", "7151.52"), ("1.994999", "1.99")])
def test_half_up_to_the_cent(amount: str, rounded: str) -> None:
    assert cents(D(amount)) == D(rounded)


def test_medicare_advantage_is_priced_like_medicare_and_split_by_the_plan() -> None:
    plan = {"id": "humana-ma", "name": "Humana MA", "program": "medicare",
            "medicare_advantage": True}
    result = estimated(on_day(visit(ocrevus(), payer=plan), Q2_DAY),
                       benefits=benefits(copay=D("295.00")))
    drug = line(result, "J2350")
    assert drug.allowed == D("35757.60") and result.method == "benefits"
    assert (drug.patient_share, drug.sequestration) == (D("295.00"), None)
    assert "payer medicare" in line(result, "96365").allowed_source  # the program's rows


def test_medicaid_contracted_rates_per_code() -> None:
    fees = parse_fee_schedule((
        "code,modifier,setting,payer,amount,effective_from,effective_to\n"
        "J2350,,,medicaid,55.10,2026-01-01,\n"
        "96365,,office,medicaid,48.00,2026-01-01,\n"
        "96366,,office,medicaid,15.00,2026-01-01,\n").encode(), name="state-fees.csv")
    result = estimated(on_day(visit(ocrevus(), payer="medicaid"), Q2_DAY),
                       PriceBook.of(fees=fees), benefits=benefits(copay=D("4.00")))
    assert [x.allowed for x in result.lines] == [D("33060.00"), D("48.00"), D("30.00")]
    assert result.totals.patient_share == D("4.00")
    assert "state-fees.csv" in line(result, "J2350").allowed_source

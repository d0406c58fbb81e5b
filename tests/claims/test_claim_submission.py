"""The claim submission built from the engine's result, and the semantic checks that name the
field of each problem (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from claim_parties import (
    BILLING,
    OFFICE_PARTIES,
    ORDERING,
    SUBSCRIBER,
    dependent_parties,
    submission,
)
from example_visits import load_example

from ocrebill_gui.core.claim_builder import ClaimParties
from ocrebill_gui.core.claim_problems import submission_problems
from ocrebill_gui.core.claim_submission import ClaimSubmission


def fields(sub: ClaimSubmission, **kwargs) -> list[str]:
    return [p.field for p in submission_problems(sub, **kwargs)]


def with_line(sub: ClaimSubmission, index: int, **update) -> ClaimSubmission:
    lines = list(sub.claim.lines)
    lines[index] = lines[index].model_copy(update=update)
    return sub.model_copy(update={"claim": sub.claim.model_copy(update={"lines": lines})})


def with_claim(sub: ClaimSubmission, **update) -> ClaimSubmission:
    return sub.model_copy(update={"claim": sub.claim.model_copy(update=update)})


def test_office_ocrevus_claim_from_the_engine() -> None:
    sub = submission()
    claim = sub.claim
    assert claim.account_number == "42" and claim.frequency == "1"
    assert claim.place_of_service == "11" and claim.diagnoses == ["G35A"]
    drug = claim.lines[0]
    assert (drug.code, drug.modifiers, drug.units, drug.charge) == \
        ("J2350", ["JZ"], 600, Decimal("43200.00"))
    assert drug.ndc_entry == "N450242015001   ML20"
    assert [line.code for line in claim.lines] == ["J2350", "96365", "96366"]
    assert claim.total_charge == Decimal("43570.00")
    assert all(line.revenue_code == "" for line in claim.lines)  # professional claim
    assert submission_problems(sub) == []


def test_hospital_outpatient_lines_get_revenue_codes_from_data() -> None:
    sub = submission("06-facility-premeds")
    codes = {(line.code, line.revenue_code) for line in sub.claim.lines}
    # J2350 separately payable, premeds packaged under OPPS, administration codes IV therapy
    assert codes == {("J2350", "0636"), ("96365", "0260"), ("96366", "0260"),
                     ("J2930", "0250"), ("96375", "0260"), ("J1200", "0250")}
    assert sub.claim.type_of_bill == "0131"
    assert submission_problems(sub) == []


def test_prior_authorization_number_without_spaces_or_hyphens() -> None:
    document = load_example("01-standard-600mg")[0]
    document["prior_authorization"] = {"number": "PA-2026 0042", "valid_from": "2026-01-01",
                                       "valid_to": "2026-12-31"}
    assert submission(document=document).claim.prior_authorization == "PA20260042"


def test_replacement_needs_the_original_claim_number() -> None:
    assert fields(submission(frequency="7")) == ["claim.original_claim_number"]
    assert fields(submission(frequency="7", original_claim_number="2026120700001")) == []


@pytest.mark.parametrize("who", ["billing", "rendering", "referring", "facility"])
def test_a_wrong_npi_check_digit_names_the_provider(who: str) -> None:
    sub = submission()
    provider = getattr(sub, who)
    bad = provider.model_copy(update={"npi": provider.npi[:-1] + str((int(provider.npi[-1])
                                                                      + 1) % 10)})
    problems = submission_problems(sub.model_copy(update={who: bad}))
    assert [p.field for p in problems] == [f"{who}.npi"]
    assert "check digit" in problems[0].message


def test_missing_member_id_npi_and_ordering_provider() -> None:
    sub = submission()
    assert "subscriber.member_id" in fields(sub.model_copy(update={
        "subscriber": SUBSCRIBER.model_copy(update={"member_id": " "})}))
    assert "billing.npi" in fields(sub.model_copy(update={
        "billing": BILLING.model_copy(update={"npi": ""})}))
    for who in ("rendering", "referring"):  # on the claim, so with an NPI
        provider = getattr(sub, who).model_copy(update={"npi": ""})
        assert fields(sub.model_copy(update={who: provider})) == [f"{who}.npi"]
    no_facility_npi = sub.facility.model_copy(update={"npi": ""})
    assert fields(sub.model_copy(update={"facility": no_facility_npi})) == []
    no_ordering = ClaimParties(**{**OFFICE_PARTIES.__dict__, "referring": None})
    problems = submission_problems(submission(parties=no_ordering))
    assert [p.field for p in problems] == ["referring"]
    assert "ordering provider" in problems[0].message
    optional = ClaimParties(**{**OFFICE_PARTIES.__dict__, "referring": None,
                               "ordering_required": False})
    assert submission_problems(submission(parties=optional)) == []


def test_ndc_checks_name_the_line() -> None:
    sub = submission()
    assert fields(with_line(sub, 0, ndc="5024201500")) == ["claim.lines[0].ndc"]
    assert fields(with_line(sub, 0, ndc_unit="MG")) == ["claim.lines[0].ndc_unit"]
    for unit in ("F2", "GR", "ME", "UN"):  # the unit is checked, not the amount in it
        assert "claim.lines[0].ndc_unit" not in fields(with_line(sub, 0, ndc_unit=unit))


def test_drug_units_and_ml_must_equal_the_dose() -> None:
    sub = submission()
    problems = submission_problems(with_line(sub, 0, units=300))
    assert [p.field for p in problems] == ["claim.lines[0].units"]
    assert "600 mg = 600 units" in problems[0].message
    problems = submission_problems(with_line(sub, 0, ndc_quantity=Decimal("10")))
    assert [p.field for p in problems] == ["claim.lines[0].ndc_quantity"]
    assert "20 mL" in problems[0].message or "20.0 mL" in problems[0].message


def test_waste_lines_are_not_held_to_the_dose() -> None:
    sub = submission("05-waste-jw-line")
    assert [(line.code, line.modifiers, line.units) for line in sub.claim.lines][:2] == \
        [("J2350", [], 280), ("J2350", ["JW"], 20)]
    assert submission_problems(sub) == []


def test_more_than_twelve_diagnoses_and_bad_pointers() -> None:
    sub = submission()
    many = with_claim(sub, diagnoses=["G35A"] + [f"Z79{n}" for n in range(12)])
    assert fields(many) == ["claim.diagnoses"]
    assert fields(with_line(sub, 1, diagnosis_pointers=[2])) == \
        ["claim.lines[1].diagnosis_pointers"]
    assert fields(with_claim(sub, diagnoses=["G35.A"])) == ["claim.diagnoses[0]"]


def test_a_line_without_a_fee_is_named() -> None:
    sub = with_line(submission(), 2, charge=Decimal("0"))
    problems = submission_problems(sub)
    assert [p.field for p in problems] == ["claim.lines[2].charge"]
    assert "96366" in problems[0].message


def test_electronic_needs_payer_id_and_zip_plus_four() -> None:
    sub = submission()
    no_id = sub.model_copy(update={"payer": sub.payer.model_copy(update={"payer_id": ""})})
    assert fields(no_id) == ["payer.payer_id"]
    assert fields(no_id, electronic=False) == []
    short_zip = BILLING.model_copy(update={"address": BILLING.address.model_copy(
        update={"postal_code": "62701"})})
    assert fields(sub.model_copy(update={"billing": short_zip})) == \
        ["billing.address.postal_code"]


def test_a_dependent_patient_is_checked_too() -> None:
    sub = submission(parties=dependent_parties())
    assert submission_problems(sub) == []
    assert sub.patient_person.first_name == "Grace"
    no_birth = sub.model_copy(update={"patient": sub.patient.model_copy(
        update={"birth_date": None})})
    assert fields(no_birth) == ["patient.birth_date"]
    no_address = sub.model_copy(update={"patient": sub.patient.model_copy(
        update={"address": None})})
    assert fields(no_address) == ["patient.address"]  # 2010CA N3/N4
    assert fields(no_address, electronic=False) == []
    assert ORDERING.qualifier == "DK"


def test_problems_never_quote_patient_data() -> None:
    sub = submission()
    bad = sub.model_copy(update={"subscriber": SUBSCRIBER.model_copy(
        update={"member_id": "", "birth_date": None})})
    text = " ".join(str(p) for p in submission_problems(bad))
    assert "Okafor" not in text and "Grace" not in text


def test_an_837p_claim_takes_at_most_fifty_lines() -> None:
    sub = submission()
    many = with_claim(sub, lines=[sub.claim.lines[1]] * 51)
    assert fields(many) == ["claim.lines"]
    assert fields(many, electronic=False) == []  # the forms continue on further pages
    assert fields(with_claim(sub, lines=[sub.claim.lines[1]] * 50)) == []

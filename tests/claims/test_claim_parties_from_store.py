"""store/claim_parties.py: the claim's parties from store records (issue 15): addresses read
from the text the store keeps, a subscriber who is not the patient, and every missing field
named at once with the visit."""

from __future__ import annotations

from datetime import date

import pytest
from example_visits import load_example

from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store.claim_parties import ClaimNotReady, claim_parties, parse_address
from ocrebill_gui.store.records import Coverage, Patient

STAMP = {"created_at": "2026-01-01T00:00:00.000+00:00", "changed_at": "2026-01-01T00:00:00Z",
         "changed_by": "desk"}


@pytest.mark.parametrize(("text", "lines", "city", "state", "zip_code"), [
    ("12 Elm St, Springfield, IL 62704", ["12 Elm St"], "Springfield", "IL", "62704"),
    ("12 Elm St, Apt 3\nSpringfield, il 62704-1234", ["12 Elm St", "Apt 3"], "Springfield",
     "IL", "627041234"),
])
def test_an_address_as_the_store_keeps_it(text, lines, city, state, zip_code):
    address = parse_address(text)
    assert (address.lines, address.city, address.state, address.postal_code) == \
        (lines, city, state, zip_code)


@pytest.mark.parametrize("text", ["", "Springfield, IL", "12 Elm St, Springfield 62704",
                                  "a, b, c, d, IL 62704"])
def test_what_is_not_an_address_is_none(text):
    assert parse_address(text) is None


def patient() -> Patient:
    return Patient.model_validate({
        "id": 5, "ref": "P-5", "name": "Rivera, Ana", "birth_date": "1979-05-12", "mrn": None,
        "sex": "F", "address": "12 Elm St, Springfield, IL 62704", "phone": "", **STAMP})


def coverage(**changes) -> Coverage:
    fields = {"id": 9, "patient_id": 5, "payer": "aetna", "member_id": "W123",
              "group_number": "G1", "priority": 1, "effective_from": "2026-01-01",
              "effective_to": None, "plan_type": "commercial", "claim_office_id": "60054",
              "subscriber_relationship": "spouse", "subscriber_name": "Rivera, Luis",
              "subscriber_birth_date": "1977-01-02"}
    known = set(Coverage.model_fields)
    return Coverage.model_validate({k: v for k, v in {**fields, **STAMP, **changes}.items()
                                    if k in known})


def document(providers: dict | None):
    raw = load_example("01-standard-600mg")[0]
    if providers:
        raw["providers"] = providers
    return parse_visit(raw)


def test_a_spouse_subscribes_and_the_patient_is_named_apart():
    parties = claim_parties(7, document({"rendering": {"name": "Okafor, Grace",
                                                       "npi": "1234567893"}}),
                            demo_practice(), patient(), coverage(), "Aetna")
    assert parties.subscriber.last_name == "Rivera" and parties.subscriber.first_name == "Luis"
    assert parties.subscriber.relationship == "spouse"
    assert parties.subscriber.birth_date == date(1977, 1, 2)
    assert parties.patient.first_name == "Ana" and parties.patient.sex == "F"
    assert parties.payer.name == "Aetna" and parties.payer.payer_id == "60054"
    assert parties.billing.address.city == "Springfield" and parties.billing.tax_id.isdigit()
    assert parties.rendering.name == "Okafor" and parties.referring is None


def test_every_missing_field_is_named_with_the_visit():
    practice = demo_practice().model_copy(update={"address_lines": ["somewhere"]})
    with pytest.raises(ClaimNotReady) as refused:
        claim_parties(7, document(None), practice, patient(), coverage(claim_office_id=""), "")
    assert [field for field, _why in refused.value.problems] == [
        "practice.address_lines", "providers.rendering", "coverage.claim_office_id"]
    assert str(refused.value).startswith("visit 7: no claim: practice.address_lines must end")

"""Any claim the model allows is written as an 837 that pyx12 accepts: random parties (names
with delimiters and accents), lines, modifiers, NDC units, diagnoses and frequencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claim_parties import BILLING, CLOCK, ORDERING, PAYER, RENDERING, SETTINGS, SUBSCRIBER
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ocrebill_gui.core.claim_problems import submission_problems
from ocrebill_gui.core.claim_submission import (
    Claim,
    ClaimSubmission,
    Person,
    SubmissionLine,
)
from ocrebill_gui.core.x12 import InMemoryControlNumbers, write_837i, write_837p
from ocrebill_gui.core.x12.validate import validate_837

names = st.text(alphabet="ABCdefÑñéÖ '-*~:^.", min_size=1, max_size=20).filter(
    lambda s: any(ch.isalpha() for ch in s))
codes = st.sampled_from(["J2350", "96365", "96366", "J2930", "96375", "J1200", "96413"])
diagnosis = st.sampled_from(["G35A", "G35B1", "G35C2", "Z79899", "R509", "G360"])


@st.composite
def lines(draw, diagnoses: int) -> SubmissionLine:
    with_ndc = draw(st.booleans())
    return SubmissionLine(
        code=draw(codes), modifiers=draw(st.lists(st.sampled_from(["JZ", "JW", "59", "25"]),
                                                  max_size=4, unique=True)),
        units=draw(st.integers(1, 9999)),
        charge=Decimal(draw(st.integers(1, 9_999_999))) / 100,
        service_date=date(2026, 3, 4),
        diagnosis_pointers=draw(st.lists(st.integers(1, diagnoses), min_size=1, max_size=4,
                                         unique=True)),
        ndc="50242015001" if with_ndc else None,
        ndc_unit=draw(st.sampled_from(["F2", "GR", "ME", "ML", "UN"])) if with_ndc else None,
        ndc_quantity=Decimal(draw(st.integers(1, 99999))) / 1000 if with_ndc else None,
        revenue_code=draw(st.sampled_from(["0636", "0260", "0250"])))


@st.composite
def submissions(draw) -> ClaimSubmission:
    count = draw(st.integers(1, 12))
    diagnoses = draw(st.lists(diagnosis, min_size=count, max_size=count))
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    dependent = draw(st.booleans())
    subscriber = SUBSCRIBER.model_copy(update={
        "last_name": draw(names), "first_name": draw(names),
        "relationship": "spouse" if dependent else "self"})
    patient = Person(last_name=draw(names), first_name=draw(names), sex="F",
                     birth_date=date(1990, 1, 2), address=SUBSCRIBER.address) \
        if dependent else None
    return ClaimSubmission(
        billing=BILLING, rendering=RENDERING.model_copy(update={"name": draw(names)}),
        referring=ORDERING.model_copy(update={"qualifier": draw(st.sampled_from(["DN", "DK"]))}),
        subscriber=subscriber, patient=patient, payer=PAYER,
        claim=Claim(account_number=str(draw(st.integers(1, 10**12))), frequency=frequency,
                    original_claim_number="ORIG123" if frequency != "1" else "",
                    place_of_service=draw(st.sampled_from(["11", "22", "19"])),
                    prior_authorization=draw(st.sampled_from(["", "PA42"])),
                    diagnoses=diagnoses, date_of_service=date(2026, 3, 4),
                    setting="office",
                    lines=draw(st.lists(lines(count), min_size=1, max_size=8))))


# pyx12 takes ~0.3 s a file: a dozen examples, and no shrinking (minutes of pyx12 runs); a
# failure prints its example whole.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(submissions(), st.booleans())
def test_every_written_claim_is_accepted_by_pyx12(sub: ClaimSubmission,
                                                   institutional: bool) -> None:
    assert submission_problems(sub) == []  # what the checks let through...
    write = write_837i if institutional else write_837p
    text = write([sub, sub], SETTINGS, InMemoryControlNumbers(), at=CLOCK)
    assert text.isascii()
    result = validate_837(text)
    assert result.syntax_errors == [] and result.problems == [], \
        (result.syntax_errors[:3], result.problems[:3])
    assert result.accepted  # ...pyx12 accepts

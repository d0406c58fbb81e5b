"""Claim parties for the claims-out tests (issue 15): a demo practice as billing provider, its
neurologist rendering and ordering, a subscriber and a payer; and the submissions of the worked
example visits built from them. Every NPI here passes the check digit; every name is made up."""

from __future__ import annotations

from datetime import date, datetime

from example_visits import load_example

from ocrebill_gui.core import compute
from ocrebill_gui.core.claim_builder import ClaimParties, submission_from
from ocrebill_gui.core.claim_submission import (
    Address,
    ClaimSubmission,
    Payer,
    Person,
    Provider,
    ReferringProvider,
    Subscriber,
)
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.core.x12 import InMemoryControlNumbers, InterchangeSettings

CLOCK = datetime(2026, 12, 7, 8, 0)  # the golden files' fixed clock

CLINIC = Address(lines=["100 Example Parkway", "Suite 200"], city="Springfield", state="IL",
                 postal_code="627011234")
BILLING = Provider(entity="organization", name="Lakeside Neurology Infusion Center",
                   npi="1234567893", tax_id="00-1234567", address=CLINIC, taxonomy="261QI0500X")
RENDERING = Provider(entity="person", name="Rivera", first_name="Ana", npi="1987654328",
                     taxonomy="2084N0400X")
ORDERING = ReferringProvider(entity="person", name="Chen", first_name="Wei", npi="1456789019",
                             qualifier="DK")
FACILITY = Provider(entity="organization", name="Lakeside Infusion Suite", npi="1765432103",
                    address=CLINIC)
HOSPITAL = Provider(entity="organization", name="Springfield General Hospital",
                    npi="1122334455", tax_id="00-7654321",
                    address=Address(lines=["1 Hospital Drive"], city="Springfield", state="IL",
                                    postal_code="627029876"), taxonomy="282N00000X")
SUBSCRIBER = Subscriber(last_name="Okafor", first_name="Grace", birth_date=date(1984, 2, 17),
                        sex="F", member_id="XQ7710023", relationship="self",
                        group_number="GRP4410", claim_filing="CI",
                        address=Address(lines=["12 Elm Street"], city="Springfield",
                                        state="IL", postal_code="62704"))
PAYER = Payer(name="Example Health Plan", payer_id="EXH01",
              address=Address(lines=["PO Box 1000"], city="Chicago", state="IL",
                               postal_code="60601"))
SETTINGS = InterchangeSettings(
    sender_id="LAKESIDE01", receiver_id="CLEARHOUSE", submitter_name="Lakeside Neurology",
    submitter_id="LAKESIDE01", contact_name="Billing Office", contact_phone="555-010-0100",
    receiver_name="Example Clearinghouse", usage="T")

OFFICE_PARTIES = ClaimParties(billing=BILLING, subscriber=SUBSCRIBER, payer=PAYER,
                              rendering=RENDERING, referring=ORDERING, facility=FACILITY,
                              ordering_required=True)
HOSPITAL_PARTIES = ClaimParties(billing=HOSPITAL, subscriber=SUBSCRIBER, payer=PAYER,
                                rendering=RENDERING, referring=ORDERING)


def submission(name: str = "01-standard-600mg", *, parties: ClaimParties | None = None,
               visit_id: int = 42, document: dict | None = None,
               **kwargs) -> ClaimSubmission:
    """The submission of a worked example visit (or of `document`)."""
    raw = document if document is not None else load_example(name)[0]
    doc = parse_visit(raw)
    if parties is None:
        parties = HOSPITAL_PARTIES if doc.setting == "hospital_outpatient" else OFFICE_PARTIES
    return submission_from(compute(doc), doc, parties, demo_practice(), visit_id=visit_id,
                           **kwargs)


def numbers() -> InMemoryControlNumbers:
    return InMemoryControlNumbers(interchange=1, group=1, transaction=1)


def dependent_parties() -> ClaimParties:
    """The patient is the subscriber's child."""
    parent = SUBSCRIBER.model_copy(update={"first_name": "Daniel", "sex": "M",
                                           "birth_date": date(1960, 5, 1),
                                           "relationship": "child"})
    child = Person(last_name="Okafor", first_name="Grace", birth_date=date(1984, 2, 17),
                   sex="F", address=SUBSCRIBER.address)
    return ClaimParties(billing=BILLING, subscriber=parent, payer=PAYER, rendering=RENDERING,
                        referring=ORDERING, patient=child)


"""Who is on a visit's claim, from the store (issue 15): the practice bills (name, NPI, tax id,
address), the visit document's providers render and order, the visit's coverage names the
subscriber, member id and the payer's claim-office id. What a claim needs and the store lacks
is named with the visit and the field (ClaimNotReady); nothing is guessed. Used by
`ocrebill print cms1500|ub04` (cli/claim_forms.py), which reads the records with its session.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TypeVar

from ocrebill_gui.core.claim_builder import ClaimParties
from ocrebill_gui.core.claim_submission import (
    Address,
    ClaimFiling,
    Payer,
    Person,
    Provider,
    ReferringProvider,
    Sex,
    Subscriber,
)
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.providers import ProviderRef
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.store.errors import StoreError
from ocrebill_gui.store.records import Coverage, Patient

# The kind of coverage a claim names (SBR09, CMS-1500 box 1) per plan type.
CLAIM_FILING: dict[str, ClaimFiling] = {
    "medicare": "MB", "medicare_advantage": "16", "medicaid": "MC", "commercial": "CI",
    "tricare": "CH", "workers_comp": "WC", "other": "ZZ"}
_SEXES: dict[str, Sex] = {"F": "F", "M": "M"}  # a claim's; any other is U (unknown)
_CITY_LINE = re.compile(r"^(?P<state>[A-Za-z]{2})\s+(?P<zip>\d{5}(-?\d{4})?)$")


class ClaimNotReady(StoreError):
    """A visit lacking what a claim needs: `problems` are (field, what is wrong)."""

    def __init__(self, visit_id: int, problems: list[tuple[str, str]]):
        self.visit_id = visit_id
        self.problems = problems
        super().__init__(f"visit {visit_id}: no claim: " + "; ".join(
            f"{field} {why}" for field, why in problems))


def parse_address(text: str) -> Address | None:
    """'12 Main St, Suite 4, Springfield, IL 62701' as a claim's address, None if it is not
    one (street lines, city, then state and ZIP)."""
    parts = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if len(parts) < 3 or len(parts) > 4:
        return None
    found = _CITY_LINE.match(parts[-1])
    if found is None:
        return None
    return Address(lines=parts[:-2], city=parts[-2], state=found["state"].upper(),
                   postal_code=found["zip"])


def claim_parties(visit_id: int, document: VisitDocument, practice: PracticeSettings | None,
                  patient: Patient | None, coverage: Coverage | None,
                  payer_name: str) -> ClaimParties:
    """The parties of visit `visit_id`'s claim, or ClaimNotReady naming every missing field."""
    problems: list[tuple[str, str]] = []
    billing = _billing(practice, problems)
    providers = document.providers
    rendering = providers.rendering if providers else None
    ordering = providers.ordering if providers else None
    if rendering is None:
        problems.append(("providers.rendering", "is missing: choose the rendering provider"))
    if patient is None:
        problems.append(("patient", "is missing: the visit names no patient record"))
    if coverage is None:
        problems.append(("coverage", "is missing: the visit names no coverage"))
    elif not coverage.claim_office_id:
        problems.append(("coverage.claim_office_id",
                         "is missing: the payer's id for claims (e.g. 87726)"))
    if problems or billing is None or patient is None or coverage is None:
        raise ClaimNotReady(visit_id, problems)
    me = _person(patient.name, patient.birth_date, patient.sex, patient.address)
    filing = CLAIM_FILING.get(coverage.plan_type or "commercial", "CI")
    if coverage.subscriber_relationship == "self":
        subscriber = Subscriber(**me.model_dump(), member_id=coverage.member_id,
                                group_number=coverage.group_number, claim_filing=filing)
        other = None
    else:
        them = _person(coverage.subscriber_name or patient.name, coverage.subscriber_birth_date,
                       None, patient.address)
        subscriber = Subscriber(**them.model_dump(), member_id=coverage.member_id,
                                relationship=coverage.subscriber_relationship,
                                group_number=coverage.group_number, claim_filing=filing)
        other = me
    return ClaimParties(
        billing=billing, subscriber=subscriber, patient=other,
        payer=Payer(name=payer_name, payer_id=coverage.claim_office_id),
        rendering=_provider(rendering, Provider) if rendering else None,
        referring=_provider(ordering, ReferringProvider) if ordering else None)


def _billing(practice: PracticeSettings | None,
             problems: list[tuple[str, str]]) -> Provider | None:
    if practice is None:
        problems.append(("practice", "is not set up: File > Practice settings"))
        return None
    address = parse_address(", ".join(practice.address_lines))
    if address is None:
        problems.append(("practice.address_lines",
                         "must end with the city, then state and ZIP ('Springfield, IL 62701')"))
        return None
    return Provider(name=practice.name, npi=practice.npi,
                    tax_id=practice.tax_id.replace("-", ""), address=address)


def _person(name: str, birth_date: date | None, sex: str | None, address: str) -> Person:
    last, _, first = name.partition(",")
    return Person(last_name=last.strip(), first_name=first.strip(), birth_date=birth_date,
                  sex=_SEXES.get(sex or "", "U"), address=parse_address(address or ""))


_P = TypeVar("_P", bound=Provider)


def _provider(ref: ProviderRef, kind: type[_P]) -> _P:
    last, _, first = ref.name.partition(",")
    return kind(entity="person", name=last.strip(), first_name=first.strip(), npi=ref.npi,
                taxonomy=ref.taxonomy)

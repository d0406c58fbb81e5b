"""`submission_from`: the claim submission from what the engine already produces (the visit
document and its claim result), the parties of the claim and the line charges (a finalized
visit's as billed: store/billed_charges.py; else the practice settings' fee list).

The parties (providers with NPIs, subscriber, payer claim-office id) come from the store once
issue 13 keeps them; until then callers pass them in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.charges import LineCharge, line_charges
from ocrebill_gui.core.claim import ClaimLine, ClaimResult
from ocrebill_gui.core.claim_submission import (
    Claim,
    ClaimSubmission,
    Frequency,
    Payer,
    Person,
    Provider,
    ReferringProvider,
    Subscriber,
    SubmissionLine,
)
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.revenue_codes import (
    RevenueCodes,
    default_revenue_codes,
    product_of_code,
    revenue_code_for,
)
from ocrebill_gui.core.visit import VisitDocument


@dataclass(frozen=True)
class ClaimParties:
    """Everyone on a claim besides the practice's fee schedule."""

    billing: Provider
    subscriber: Subscriber
    payer: Payer
    rendering: Provider | None = None
    referring: ReferringProvider | None = None
    facility: Provider | None = None
    patient: Person | None = None  # only when the patient is not the subscriber
    ordering_required: bool = False


def submission_from(claim: ClaimResult, document: VisitDocument, parties: ClaimParties,
                    practice: PracticeSettings, *, visit_id: str | int,
                    frequency: Frequency = "1", original_claim_number: str = "",
                    catalog: Catalog | None = None,
                    revenue_codes: RevenueCodes | None = None,
                    charges: Sequence[LineCharge] | None = None) -> ClaimSubmission:
    """The submission of one computed visit. A line whose code has no fee gets a charge of 0,
    which `submission_problems` names; nothing here refuses a claim. `charges` are the claim
    lines' in order (a finalized visit's frozen ones), else the practice settings' fees."""
    catalog = catalog or default_catalog()
    table = revenue_codes or default_revenue_codes()
    institutional = document.setting == "hospital_outpatient"
    billed_per_product = Counter(
        product.id for line in claim.lines if "JW" not in line.modifiers
        and (product := product_of_code(catalog, line.code)) is not None)
    if charges is None:
        charges = line_charges(claim, setting=document.setting, day=document.date_of_service,
                               fees=None, practice=practice)
    lines = [
        _line(line, priced, document, catalog, table, institutional, billed_per_product)
        for line, priced in zip(claim.lines, charges, strict=True)
    ]
    authorization = document.prior_authorization
    return ClaimSubmission(
        billing=parties.billing, rendering=parties.rendering, referring=parties.referring,
        facility=parties.facility, subscriber=parties.subscriber, patient=parties.patient,
        payer=parties.payer, ordering_required=parties.ordering_required,
        member_id_required=True,
        claim=Claim(
            account_number=str(visit_id), frequency=frequency,
            original_claim_number=original_claim_number,
            place_of_service=claim.place_of_service, setting=document.setting,
            prior_authorization=_plain_reference(authorization.number) if authorization else "",
            diagnoses=[code.replace(".", "") for code in document.diagnoses],
            date_of_service=document.date_of_service, lines=lines))


def _line(line: ClaimLine, priced: LineCharge, document: VisitDocument,
          catalog: Catalog, table: RevenueCodes, institutional: bool,
          billed_per_product: Counter[str]) -> SubmissionLine:
    charge = priced.charge
    product = product_of_code(catalog, line.code)
    dose_mg = unit_mg = mg_per_ml = None
    if product is not None:
        mg_per_ml = product.concentration_mg_per_ml
        # The amount given is checked against a product billed on one line (mixed "up to"
        # vials bill two codes, R13: their split is the engine's, not checked here).
        if "JW" not in line.modifiers and billed_per_product[product.id] == 1:
            dose_mg = sum(admin.dose_mg or 0 for admin in document.administrations
                          if admin.product == product.id and admin.source == "purchased")
            unit_mg = next(c.unit_mg for c in product.codes if c.code == line.code)
    quantity = None if line.ndc_quantity is None else Decimal(str(line.ndc_quantity))
    return SubmissionLine(
        code=line.code, modifiers=list(line.modifiers), units=line.units,
        charge=charge if charge is not None else Decimal("0.00"),
        service_date=document.date_of_service,
        diagnosis_pointers=list(line.diagnosis_pointers), ndc=line.ndc,
        ndc_unit=line.ndc_unit, ndc_quantity=quantity,
        revenue_code=revenue_code_for(table, catalog, line.code, bool(line.ndc))
        if institutional else "",
        description=catalog.label(line.code) or line.label,
        dose_mg=dose_mg or None, unit_mg=unit_mg, mg_per_ml=mg_per_ml)


def _plain_reference(text: str) -> str:
    """A PA number as claims carry it (box 23: no spaces or hyphens)."""
    return "".join(ch for ch in text if ch.isalnum())

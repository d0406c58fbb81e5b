"""The loops the 837P and 837I share: the header (BHT, submitter 1000A, receiver 1000B) and the
hierarchy of billing provider (2000A), subscriber (2000B) and patient (2000C), each claim's own
segments supplied by the writer of its kind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from ocrebill_gui.core.claim_submission import (
    RELATIONSHIP_CODES,
    Address,
    Claim,
    ClaimSubmission,
    Person,
    Provider,
    SubmissionLine,
    quantity_text,
)
from ocrebill_gui.core.x12.envelope import MAX_CLAIMS_PER_TRANSACTION, InterchangeSettings
from ocrebill_gui.core.x12.segments import Segment, composite, d8, seg

ClaimSegments = Callable[[ClaimSubmission], list[Segment]]


def transaction_bodies(submissions: Sequence[ClaimSubmission], settings: InterchangeSettings,
                       at: datetime, reference: str,
                       claim_segments: ClaimSegments) -> list[list[Segment]]:
    """The bodies of the transaction sets (ST..SE) of a batch: one per 5000 claims."""
    if not submissions:
        raise ValueError("an 837 needs at least one claim")
    ref = reference or at.strftime("%Y%m%d%H%M")
    size = MAX_CLAIMS_PER_TRANSACTION
    return [header(settings, ref, at) + hierarchy(submissions[i:i + size], claim_segments)
            for i in range(0, len(submissions), size)]


def header(settings: InterchangeSettings, reference: str, at: datetime) -> list[Segment]:
    return [
        seg("BHT", "0019", "00", reference, at.strftime("%Y%m%d"), at.strftime("%H%M"), "CH"),
        seg("NM1", "41", "2", settings.submitter_name, "", "", "", "", "46",
            settings.submitter_id),
        seg("PER", "IC", settings.contact_name, "TE",
            "".join(ch for ch in settings.contact_phone if ch.isdigit())),
        seg("NM1", "40", "2", settings.receiver_name, "", "", "", "", "46",
            settings.receiver_id),
    ]


def provider_name(entity_code: str, provider: Provider, *, with_npi: bool = True) -> Segment:
    npi = ("XX", provider.npi) if with_npi and provider.npi else ("", "")
    if provider.entity == "person":
        return seg("NM1", entity_code, "1", provider.name, provider.first_name, "", "", "", *npi)
    return seg("NM1", entity_code, "2", provider.name, "", "", "", "", *npi)


def address(where: Address | None) -> list[Segment]:
    if where is None:
        return []
    return [seg("N3", *where.lines),
            seg("N4", where.city, where.state, where.postal_code)]


def demographics(person: Person) -> list[Segment]:
    if person.birth_date is None:
        return []
    return [seg("DMG", "D8", d8(person.birth_date), person.sex)]


def hierarchy(submissions: Sequence[ClaimSubmission],
              claim_segments: ClaimSegments) -> list[Segment]:
    """HL 20 per billing provider (claims grouped in their order of first appearance), HL 22
    per claim's subscriber, HL 23 when the patient is not the subscriber."""
    groups: dict[str, list[ClaimSubmission]] = {}
    for submission in submissions:
        groups.setdefault(submission.billing.model_dump_json(), []).append(submission)
    out: list[Segment] = []
    number = 0
    for claims in groups.values():
        number += 1
        billing_hl = number
        billing = claims[0].billing
        out.append(seg("HL", billing_hl, "", "20", "1"))
        if billing.taxonomy:
            out.append(seg("PRV", "BI", "PXC", billing.taxonomy))
        out.append(provider_name("85", billing))
        out.extend(address(billing.address))
        out.append(seg("REF", "EI", billing.tax_id.replace("-", "")))
        for submission in claims:
            number += 1
            out.extend(_subscriber(submission, number, billing_hl))
            if submission.patient is not None:
                number += 1
                out.extend(_patient(submission, number, number - 1))
            out.extend(claim_segments(submission))
    return out


def _subscriber(submission: ClaimSubmission, number: int, parent: int) -> list[Segment]:
    subscriber = submission.subscriber
    is_patient = submission.patient is None
    out = [
        seg("HL", number, parent, "22", "0" if is_patient else "1"),
        seg("SBR", subscriber.payer_responsibility, "18" if is_patient else "",
            subscriber.group_number, "" if subscriber.group_number else subscriber.group_name,
            "", "", "", "", subscriber.claim_filing),
        seg("NM1", "IL", "1", subscriber.last_name, subscriber.first_name, "", "", "", "MI",
            subscriber.member_id),
    ]
    if is_patient:  # the subscriber's address and birth date: required when they are the patient
        out.extend(address(subscriber.address))
        out.extend(demographics(subscriber))
    payer = submission.payer
    out.append(seg("NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.payer_id))
    return out


def _patient(submission: ClaimSubmission, number: int, parent: int) -> list[Segment]:
    patient = submission.patient
    assert patient is not None
    relationship = RELATIONSHIP_CODES[submission.subscriber.relationship]
    return [
        seg("HL", number, parent, "23", "0"),
        seg("PAT", relationship),
        seg("NM1", "QC", "1", patient.last_name, patient.first_name),
        *address(patient.address),
        *demographics(patient),
    ]


def references_and_diagnoses(claim: Claim, *, institutional: bool) -> list[Segment]:
    """2300: REF*F8 (the claim replaced or voided), REF*G1 (prior authorization), then the
    principal diagnosis (ABK) and up to eleven others (ABF): one HI on the 837P; on the 837I
    the principal has an HI of its own and the others another."""
    out = []
    if claim.frequency in ("7", "8"):
        out.append(seg("REF", "F8", claim.original_claim_number))
    if claim.prior_authorization:
        out.append(seg("REF", "G1", claim.prior_authorization))
    principal, *others = claim.diagnoses[:12]
    other_parts = [composite("ABF", code) for code in others]
    if institutional:
        out.append(seg("HI", composite("ABK", principal)))
        if other_parts:
            out.append(seg("HI", *other_parts))
    else:
        out.append(seg("HI", composite("ABK", principal), *other_parts))
    return out


def service_line(number: int, service: Segment, line: SubmissionLine) -> list[Segment]:
    """2400 (LX, the SV1 or SV2 given, DTP*472) and its drug detail 2410 (LIN N4 + the 11-digit
    NDC, CTP quantity and unit)."""
    out = [seg("LX", number), service, seg("DTP", "472", "D8", d8(line.service_date))]
    if line.ndc:
        out.append(seg("LIN", "", "N4", line.ndc))
        out.append(seg("CTP", "", "", "", quantity_text(line.ndc_quantity), line.ndc_unit or ""))
    return out

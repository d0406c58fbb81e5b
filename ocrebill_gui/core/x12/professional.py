"""The 837P (005010X222A1): professional claims, the electronic CMS-1500."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ocrebill_gui.core.claim_submission import ClaimSubmission, amount_text
from ocrebill_gui.core.x12.envelope import (
    VERSION_837P,
    ControlNumbers,
    InterchangeSettings,
    envelope,
)
from ocrebill_gui.core.x12.loops import (
    provider_name,
    references_and_diagnoses,
    service_line,
    transaction_bodies,
)
from ocrebill_gui.core.x12.segments import Segment, composite, render, seg


def write_837p(submissions: Sequence[ClaimSubmission], settings: InterchangeSettings,
               numbers: ControlNumbers, *, at: datetime, reference: str = "") -> str:
    """One interchange holding every claim (a transaction set per 5000 claims)."""
    bodies = transaction_bodies(submissions, settings, at, reference, claim_segments)
    return render(envelope(bodies, settings, numbers, at, VERSION_837P))


def claim_segments(submission: ClaimSubmission) -> list[Segment]:
    """Loop 2300 and its lines (2400)."""
    claim = submission.claim
    out = [seg("CLM", claim.account_number, amount_text(claim.total_charge), "", "",
               composite(claim.place_of_service, "B", claim.frequency), "Y", "A", "Y", "Y")]
    out.extend(references_and_diagnoses(claim, institutional=False))
    referring = submission.referring
    if referring is not None and referring.qualifier == "DN":
        out.append(provider_name("DN", referring))  # 2310A
    rendering = submission.rendering
    if rendering is not None and rendering.npi != submission.billing.npi:
        out.append(provider_name("82", rendering))  # 2310B
        if rendering.taxonomy:
            out.append(seg("PRV", "PE", "PXC", rendering.taxonomy))
    facility = submission.facility
    if facility is not None and facility.address is not None:
        out.append(provider_name("77", facility))  # 2310C
        out.append(seg("N3", *facility.address.lines))
        out.append(seg("N4", facility.address.city, facility.address.state,
                       facility.address.postal_code))
    for number, line in enumerate(claim.lines, start=1):
        out.extend(service_line(number, seg(
            "SV1", composite("HC", line.code, *line.modifiers), amount_text(line.charge), "UN",
            line.units, "", "", composite(*line.diagnosis_pointers)), line))
        if referring is not None and referring.qualifier == "DK":
            out.append(provider_name("DK", referring))  # 2420E ordering
    return out

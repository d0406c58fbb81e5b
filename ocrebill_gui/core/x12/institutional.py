"""The 837I (005010X223A2): institutional claims, the electronic UB-04, for hospital
outpatient visits (type of bill 013X: CLM05 13:A:frequency)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ocrebill_gui.core.claim_submission import ClaimSubmission, amount_text
from ocrebill_gui.core.x12.envelope import (
    VERSION_837I,
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
from ocrebill_gui.core.x12.segments import Segment, composite, d8, render, seg

FACILITY_TYPE = "13"  # hospital outpatient
PATIENT_STATUS = "01"  # discharged to home or self care (CL103, UB-04 FL 17)


def write_837i(submissions: Sequence[ClaimSubmission], settings: InterchangeSettings,
               numbers: ControlNumbers, *, at: datetime, reference: str = "") -> str:
    bodies = transaction_bodies(submissions, settings, at, reference, claim_segments)
    return render(envelope(bodies, settings, numbers, at, VERSION_837I))


def claim_segments(submission: ClaimSubmission) -> list[Segment]:
    """Loop 2300 and its lines (2400, SV2 with the revenue code)."""
    claim = submission.claim
    day = d8(claim.date_of_service)
    out = [
        seg("CLM", claim.account_number, amount_text(claim.total_charge), "", "",
            composite(FACILITY_TYPE, "A", claim.frequency), "", "A", "Y", "Y"),
        seg("DTP", "434", "RD8", f"{day}-{day}"),
        seg("CL1", "", "", PATIENT_STATUS),
    ]
    out.extend(references_and_diagnoses(claim, institutional=True))
    attending = submission.rendering
    if attending is not None:
        out.append(provider_name("71", attending))  # 2310A attending
        if attending.taxonomy:
            out.append(seg("PRV", "AT", "PXC", attending.taxonomy))
    if submission.referring is not None:
        # The 837I has no ordering provider at claim level: the ordering physician is
        # reported as the referring provider (2310F).
        out.append(provider_name("DN", submission.referring))
    for number, line in enumerate(claim.lines, start=1):
        out.extend(service_line(number, seg(
            "SV2", line.revenue_code, composite("HC", line.code, *line.modifiers),
            amount_text(line.charge), "UN", line.units), line))
    return out

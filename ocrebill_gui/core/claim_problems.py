"""The semantic checks a claim passes before it is written or printed: what a syntax validator
(pyx12) does not see. Each problem names the field (`billing.npi`, `claim.lines[2].ndc`) and
what is wrong, never the value of patient data.

    problems = submission_problems(submission)   # [] when the claim may go out
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from ocrebill_gui.core.claim_submission import (
    MAX_DIAGNOSES,
    ClaimSubmission,
    Provider,
    SubmissionLine,
)
from ocrebill_gui.core.npi import npi_problem

NDC_UNITS = ("F2", "GR", "ME", "ML", "UN")
_ICD10_NO_DOT = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")
_ML_TOLERANCE = Decimal("0.01")
MAX_LINES_837P = 50  # loop 2400 repeats: 50 on the 837P, 999 on the 837I
MAX_LINES_837I = 999


@dataclass(frozen=True)
class ClaimProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def submission_problems(submission: ClaimSubmission, *,
                        electronic: bool = True) -> list[ClaimProblem]:
    """Everything that keeps this claim from going out; `electronic` adds what only an 837
    needs (the payer's id, the billing provider's ZIP+4)."""
    problems: list[ClaimProblem] = []
    add = problems.append
    _provider(problems, "billing", submission.billing, required=True)
    billing = submission.billing
    if not re.fullmatch(r"\d{9}", billing.tax_id.replace("-", "")):
        add(ClaimProblem("billing.tax_id", "must be the 9-digit EIN (e.g. 12-3456789)"))
    if billing.address is None:
        add(ClaimProblem("billing.address", "is required (street, city, state, ZIP)"))
    elif electronic and len(billing.address.postal_code) != 9:
        add(ClaimProblem("billing.address.postal_code",
                         "must be the 9-digit ZIP+4 on an 837 (5010 billing provider)"))
    _provider(problems, "rendering", submission.rendering, required=True)  # 2310B, 24J
    _provider(problems, "facility", submission.facility, required=False)
    if submission.referring is None:
        if submission.ordering_required:
            add(ClaimProblem("referring", "the payer requires the ordering provider (name "
                                          "and NPI): none is on the claim"))
    else:
        _provider(problems, "referring", submission.referring, required=True)
    subscriber = submission.subscriber
    if submission.member_id_required and not subscriber.member_id.strip():
        add(ClaimProblem("subscriber.member_id", "is required (the id on the insurance card)"))
    if submission.patient is None and subscriber.birth_date is None:
        add(ClaimProblem("subscriber.birth_date", "is required when the subscriber is the "
                                                  "patient"))
    if submission.patient is not None and submission.patient.birth_date is None:
        add(ClaimProblem("patient.birth_date", "is required"))
    if electronic:  # 2010BA/2010CA N3 and N4: the patient's address
        if submission.patient is None and subscriber.address is None:
            add(ClaimProblem("subscriber.address", "is required on an 837 when the subscriber "
                                                   "is the patient"))
        if submission.patient is not None and submission.patient.address is None:
            add(ClaimProblem("patient.address", "is required on an 837"))
    if submission.patient is None and subscriber.relationship != "self":
        add(ClaimProblem("patient", f"the patient is the subscriber's {subscriber.relationship}"
                                    ": the patient's own name and birth date are required"))
    if electronic and not submission.payer.payer_id.strip():
        add(ClaimProblem("payer.payer_id", "is required on an 837 (the payer's electronic id "
                                           "or claim-office id)"))
    _claim(problems, submission, electronic)
    return problems


def _provider(problems: list[ClaimProblem], where: str, provider: Provider | None, *,
              required: bool) -> None:
    if provider is None:
        return
    problem = npi_problem(provider.npi)
    if problem is not None and (required or provider.npi):
        problems.append(ClaimProblem(f"{where}.npi", f"NPI {problem}"))


def _claim(problems: list[ClaimProblem], submission: ClaimSubmission,
           electronic: bool) -> None:
    add = problems.append
    claim = submission.claim
    if claim.frequency in ("7", "8") and not claim.original_claim_number.strip():
        kind = {"7": "replacement", "8": "void"}[claim.frequency]
        add(ClaimProblem("claim.original_claim_number",
                         f"a {kind} (frequency {claim.frequency}) needs the payer's claim "
                         "number of the original claim"))
    if len(claim.diagnoses) > MAX_DIAGNOSES:
        add(ClaimProblem("claim.diagnoses", f"{len(claim.diagnoses)} diagnoses: a claim takes "
                                            f"at most {MAX_DIAGNOSES}"))
    for index, code in enumerate(claim.diagnoses):
        if not _ICD10_NO_DOT.fullmatch(code):
            add(ClaimProblem(f"claim.diagnoses[{index}]",
                             "must be an ICD-10-CM code without the dot, e.g. G35A"))
    if claim.prior_authorization and not claim.prior_authorization.isalnum():
        add(ClaimProblem("claim.prior_authorization", "letters and digits only (no spaces or "
                                                      "hyphens)"))
    institutional = claim.setting == "hospital_outpatient"
    most = MAX_LINES_837I if institutional else MAX_LINES_837P
    if electronic and len(claim.lines) > most:
        add(ClaimProblem("claim.lines", f"{len(claim.lines)} lines: an "
                                        f"{'837I' if institutional else '837P'} claim takes at "
                                        f"most {most}"))
    for index, line in enumerate(claim.lines):
        _line(problems, f"claim.lines[{index}]", line, len(claim.diagnoses), institutional)


def _line(problems: list[ClaimProblem], where: str, line: SubmissionLine, diagnoses: int,
          institutional: bool) -> None:
    add = problems.append
    if line.units < 1:
        add(ClaimProblem(f"{where}.units", f"{line.code}: at least 1 unit"))
    if line.charge <= 0:
        add(ClaimProblem(f"{where}.charge", f"{line.code} has no charge (no fee for it in the "
                                            "practice's fee schedule)"))
    limit = min(diagnoses, MAX_DIAGNOSES)
    if not line.diagnosis_pointers:
        add(ClaimProblem(f"{where}.diagnosis_pointers", f"{line.code}: points to no diagnosis"))
    for pointer in line.diagnosis_pointers:
        if not 1 <= pointer <= limit:
            add(ClaimProblem(f"{where}.diagnosis_pointers",
                             f"{line.code}: pointer {pointer} is not one of the claim's "
                             f"{limit} diagnoses"))
    if institutional and not re.fullmatch(r"\d{4}", line.revenue_code):
        add(ClaimProblem(f"{where}.revenue_code", f"{line.code}: a hospital outpatient line "
                                                  "needs a 4-digit revenue code"))
    if line.ndc is not None:
        _ndc(problems, where, line)
    _dose(problems, where, line)


def _ndc(problems: list[ClaimProblem], where: str, line: SubmissionLine) -> None:
    add = problems.append
    if not re.fullmatch(r"\d{11}", line.ndc or ""):
        add(ClaimProblem(f"{where}.ndc", f"{line.code}: the NDC must be 11 digits (5-4-2 "
                                         "without dashes) after the N4 qualifier"))
    if line.ndc_unit not in NDC_UNITS:
        add(ClaimProblem(f"{where}.ndc_unit", f"{line.code}: the NDC unit must be one of "
                                              f"{', '.join(NDC_UNITS)}"))
    if line.ndc_quantity is None or line.ndc_quantity <= 0:
        add(ClaimProblem(f"{where}.ndc_quantity", f"{line.code}: the NDC quantity must be more "
                                                  "than 0"))


def _dose(problems: list[ClaimProblem], where: str, line: SubmissionLine) -> None:
    """Drug units equal to the dose: units = dose / unit size rounded up, and the NDC quantity
    in mL equal to the dose at the product's concentration."""
    if line.dose_mg is None or line.unit_mg is None:
        return
    expected = max(1, math.ceil(round(line.dose_mg / line.unit_mg, 6)))
    if line.units != expected:
        problems.append(ClaimProblem(
            f"{where}.units", f"{line.code}: {line.units} units, but the dose given is "
                              f"{line.dose_mg:g} mg = {expected} units of {line.unit_mg:g} mg"))
    if line.ndc_unit == "ML" and line.mg_per_ml and line.ndc_quantity is not None:
        ml = Decimal(str(round(line.dose_mg / line.mg_per_ml, 3)))
        if abs(line.ndc_quantity - ml) > _ML_TOLERANCE:
            problems.append(ClaimProblem(
                f"{where}.ndc_quantity", f"{line.code}: ML{line.ndc_quantity} on the NDC line, "
                                         f"but {line.dose_mg:g} mg at {line.mg_per_ml:g} mg/mL "
                                         f"is {ml} mL"))

"""A batch of claims into one 837: each claim checked first (claim_problems), a claim that fails
left out and named with its problems, the rest written in one interchange. What `ocrebill
claims export` will run once the store gives it the claims' parties (issue 13).

    batch = write_batch(submissions, "837p", settings, numbers, at=now)
    batch.text          # the 837, or "" when no claim could go
    batch.left_out      # {account number: [ClaimProblem, ...]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ocrebill_gui.core.claim_problems import ClaimProblem, submission_problems
from ocrebill_gui.core.claim_submission import ClaimSubmission
from ocrebill_gui.core.x12.envelope import ControlNumbers, InterchangeSettings
from ocrebill_gui.core.x12.institutional import write_837i
from ocrebill_gui.core.x12.professional import write_837p

Kind = Literal["837p", "837i"]


@dataclass(frozen=True)
class Batch:
    text: str
    written: list[str] = field(default_factory=list)  # account numbers, in file order
    left_out: dict[str, list[ClaimProblem]] = field(default_factory=dict)


def write_batch(submissions: Sequence[ClaimSubmission], kind: Kind,
                settings: InterchangeSettings, numbers: ControlNumbers, *,
                at: datetime) -> Batch:
    """The claims that pass their checks in one 837 of `kind`; control numbers are taken only
    when something is written. A hospital-outpatient claim in an 837P (or an office claim in an
    837I) is left out too: it belongs in the other file."""
    ready: list[ClaimSubmission] = []
    left_out: dict[str, list[ClaimProblem]] = {}
    for submission in submissions:
        problems = submission_problems(submission)
        institutional = submission.claim.setting == "hospital_outpatient"
        if institutional != (kind == "837i"):
            problems.append(ClaimProblem(
                "claim.setting", "a hospital-outpatient claim goes in an 837I" if institutional
                else "an office or home claim goes in an 837P"))
        if problems:
            left_out[submission.claim.account_number] = problems
        else:
            ready.append(submission)
    if not ready:
        return Batch(text="", left_out=left_out)
    write = write_837i if kind == "837i" else write_837p
    return Batch(text=write(ready, settings, numbers, at=at),
                 written=[s.claim.account_number for s in ready], left_out=left_out)

"""The golden claims (fixed clock 2026-12-07 08:00, control numbers from 1): what each writes.
`python tests/claims/golden_claims.py` rewrites tests/fixtures/claims/ after a deliberate
change; the test compares and never writes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from claim_parties import CLOCK, SETTINGS, numbers, submission  # noqa: E402
from example_visits import load_example  # noqa: E402

from ocrebill_gui.core.claim_submission import ClaimSubmission  # noqa: E402
from ocrebill_gui.core.x12 import write_837i, write_837p  # noqa: E402
from ocrebill_gui.reports.cms1500 import cms1500_pages  # noqa: E402
from ocrebill_gui.reports.form_grid import as_text  # noqa: E402
from ocrebill_gui.reports.ub04 import ub04_pages  # noqa: E402

GOLDEN = HERE.parent / "fixtures" / "claims"


def _office() -> ClaimSubmission:
    document = load_example("01-standard-600mg")[0]
    document["prior_authorization"] = {"number": "PA20260042", "valid_from": "2026-01-01",
                                       "valid_to": "2026-12-31"}
    return submission(document=document, visit_id=1001)


def _continuation() -> ClaimSubmission:
    document = load_example("06-facility-premeds")[0]
    document["setting"] = "office"
    return submission(document=document, visit_id=1004)


CLAIMS: dict[str, Callable[[], ClaimSubmission]] = {
    "office-ocrevus": _office,
    "hospital-outpatient": lambda: submission("06-facility-premeds", visit_id=1002),
    "replacement": lambda: submission(visit_id=1003, frequency="7",
                                      original_claim_number="2026120700001"),
    "continuation": _continuation,
}


def _pages(pages: list) -> str:
    return "\f\n".join(as_text(page) for page in pages)


def outputs(name: str) -> dict[str, str]:
    """File name -> text, for one golden claim."""
    sub = CLAIMS[name]()
    if sub.claim.setting == "hospital_outpatient":
        return {f"{name}.837i": write_837i([sub], SETTINGS, numbers(), at=CLOCK),
                f"{name}.ub04.txt": _pages(ub04_pages(sub, created=CLOCK.date()))}
    return {f"{name}.837p": write_837p([sub], SETTINGS, numbers(), at=CLOCK),
            f"{name}.cms1500.txt": _pages(cms1500_pages(sub))}


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for claim in CLAIMS:
        for file_name, text in outputs(claim).items():
            (GOLDEN / file_name).write_text(text)
            print(f"wrote {GOLDEN / file_name}")

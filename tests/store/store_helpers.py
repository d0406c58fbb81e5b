"""Builders for store tests: visit documents, a ticking clock, a populated store."""

from __future__ import annotations

import copy
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from staff import signed

from ocrebill_gui import store as st

FIXTURES = Path(__file__).parents[1] / "fixtures" / "visits"
REPO = Path(__file__).parents[2]
PYTHON = sys.executable


class TickingClock:
    """A clock that moves one second per reading: deterministic timestamps."""

    def __init__(self, start: datetime = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


def example(name: str = "01-standard-600mg") -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def visit_doc(*, day: str = "2026-03-04", dose: int = 600, lot: str = "H0123",
              payer: str | dict = "unitedhealthcare") -> dict:
    """Example 01 (600 mg Ocrevus) on `day`, with `dose` mg from 300 mg vials of `lot`."""
    doc = copy.deepcopy(example())
    doc["date_of_service"] = day
    doc["payer"] = payer
    admin = doc["administrations"][0]
    admin["dose_mg"] = dose
    admin["vials"] = [{"ndc": "50242-0150-01", "lot": lot, "expires": "2027-08-31", "mg": 300}
                      for _ in range(-(-dose // 300))]
    for event in admin["events"]:
        event["at"] = day + event["at"][10:]
    return doc


def populated(store: st.Store, *, approved_units: int | None = 1200, vials: int = 10):
    """A patient with a UnitedHealthcare coverage, a 2026 Ocrevus authorization and a lot."""
    patient = st.add_patient(store, signed("frontdesk"), {"name": "Müller, Ada", "mrn": "MRN-1",
                                                  "birth_date": "1980-02-03", "sex": "F"})
    coverage = st.add_coverage(store, signed("frontdesk"), {"patient_id": patient.id,
                                                    "payer": "unitedhealthcare",
                                                    "member_id": "uhc123",
                                                    "effective_from": "2020-01-01"})
    auth = st.add_authorization(store, signed("biller"), {
        "coverage_id": coverage.id, "number": "PA-1", "product": "ocrevus",
        "approved_units": approved_units, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
    lot = st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                           "lot": "H0123", "expires": "2027-08-31",
                                           "received": "2026-01-02", "received_vials": vials})
    return patient, coverage, auth, lot


def example_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json") if not p.stem.endswith(".expected"))


def load_example(name: str) -> tuple[dict, dict]:
    return example(name), json.loads((FIXTURES / f"{name}.expected.json").read_text())


def script_env() -> dict[str, str]:
    """The environment of a test's child Python: tests/store, tests and the repository
    importable, as in the test run itself."""
    import os

    paths = [str(Path(__file__).parent), str(REPO / "tests"), str(REPO),
             os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}

"""The worked example visits (tests/fixtures/visits, copied from the shared examples) for any
test to load. A module of its own, not conftest: several conftest.py files share that name."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VISITS = FIXTURES / "visits"


def example_names() -> list[str]:
    return sorted(p.stem for p in VISITS.glob("*.json") if not p.stem.endswith(".expected"))


def load_example(name: str) -> tuple[dict, dict]:
    document = json.loads((VISITS / f"{name}.json").read_text())
    expected = json.loads((VISITS / f"{name}.expected.json").read_text())
    return document, expected

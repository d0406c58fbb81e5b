"""Shared fixtures: the shared example visits (copied into tests/fixtures) and document builders."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VISITS = FIXTURES / "visits"


def example_names() -> list[str]:
    return sorted(p.stem for p in VISITS.glob("*.json") if not p.stem.endswith(".expected"))


def load_example(name: str) -> tuple[dict, dict]:
    document = json.loads((VISITS / f"{name}.json").read_text())
    expected = json.loads((VISITS / f"{name}.expected.json").read_text())
    return document, expected


@pytest.fixture
def standard_visit() -> dict:
    """A valid 600 mg Ocrevus visit (example 01) to vary in tests."""
    return copy.deepcopy(load_example("01-standard-600mg")[0])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if "ui" in path.parts:
            item.add_marker(pytest.mark.gui)
        if "benchmarks" in path.parts:
            item.add_marker(pytest.mark.benchmark)

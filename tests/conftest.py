"""Shared fixtures: the shared example visits (copied into tests/fixtures) and document builders."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from example_visits import load_example


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

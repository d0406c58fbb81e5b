"""The worked example visits (tests/fixtures/visits, copied from the shared examples) for any
test to load. A module of its own, not conftest: several conftest.py files share that name."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VISITS = FIXTURES / "visits"
RULE_VISITS = FIXTURES / "rules"  # one worked visit per rule decision R1-R15


def example_names(folder: Path = VISITS) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.json") if not p.stem.endswith(".expected"))


def load_example(name: str, folder: Path = VISITS) -> tuple[dict, dict]:
    document = json.loads((folder / f"{name}.json").read_text())
    expected = json.loads((folder / f"{name}.expected.json").read_text())
    return document, expected


def summed(lines) -> dict:
    """Claim lines (dicts or ClaimLines) summed by code and modifiers, as consumers compare
    them."""
    totals: dict = {}
    for line in lines:
        code, mods, units = (line["code"], tuple(line["modifiers"]), line["units"]) \
            if isinstance(line, dict) else (line.code, tuple(line.modifiers), line.units)
        totals[(code, mods)] = totals.get((code, mods), 0) + units
    return totals

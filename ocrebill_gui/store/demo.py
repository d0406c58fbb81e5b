"""Realistic fake data for demonstrations and benchmarks (`ocrebill demo`). Being written."""

from __future__ import annotations

import os
from datetime import date

from pydantic import BaseModel, ConfigDict

DEFAULT_PATIENTS = 40
DEFAULT_VISITS = 200


class DemoSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    patients: int
    visits: int
    finalized: int
    drafts: int
    seconds: float


def create_demo_database(path: str | os.PathLike[str], *, patients: int | None = None,
                         visits: int | None = None, seed: int = 1,
                         today: date | None = None) -> DemoSummary:
    """Build a demo database at `path` (which must not exist or be an empty store): an
    infusion centre with several payers, induction doses on day 1 and 15, 6-monthly
    maintenance, premeds, pauses and a reaction, Zunovo, expired authorizations and expiring
    lots. Deterministic for a given seed and `today` (default: today)."""
    raise NotImplementedError

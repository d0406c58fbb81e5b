"""Store fixtures: a real SQLite file per test in tmp_path."""

from __future__ import annotations

import pytest
from store_helpers import TickingClock, populated

from ocrebill_gui import store as st


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ocrebill.sqlite"


@pytest.fixture
def store(db_path):
    opened = st.open_store(db_path, clock=TickingClock())
    yield opened
    opened.close()


@pytest.fixture
def setup(store):
    """(patient, coverage, authorization, lot) in the store."""
    return populated(store)

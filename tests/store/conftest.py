"""Store fixtures: `store` is a real SQLite file per test in tmp_path, and the same tests run
again on a PostgreSQL database (tests/pg_fixtures.py) as `[postgres]`: the store's API is the
same on both backends.

A test stays SQLite-only when it is about the file itself: it asks for `db_path`, or is
marked `sqlite_only` (PRAGMAs, SQLCipher, file modes, tampering through sqlite3).
"""

from __future__ import annotations

import pytest
from store_helpers import TickingClock, populated

from ocrebill_gui import store as st

BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    sqlite_only = ("db_path" in metafunc.fixturenames
                   or metafunc.definition.get_closest_marker("sqlite_only") is not None)
    backends = ("sqlite",) if sqlite_only else BACKENDS
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ocrebill.sqlite"


@pytest.fixture
def where(backend, tmp_path, request):
    """What open_store takes for this test's database: a file path, or a server URL."""
    if backend == "postgres":
        return request.getfixturevalue("pg_url")
    return tmp_path / "ocrebill.sqlite"


@pytest.fixture
def store(where):
    opened = st.open_store(where, clock=TickingClock())
    yield opened
    opened.close()


@pytest.fixture
def setup(store):
    """(patient, coverage, authorization, lot) in the store."""
    return populated(store)

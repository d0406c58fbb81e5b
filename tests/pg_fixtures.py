"""The tests' PostgreSQL: one throwaway server per session (pg_server.py), started the first
time a test needs it, and a fresh database per test, copied from a template that already has
the schema (CREATE DATABASE ... TEMPLATE: ~40 ms), dropped after the test.

In CI ($CI=true) a server that cannot start fails the tests that need it; on a developer's
machine without PostgreSQL they are skipped, with the reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from pg_server import ServerUnavailable, ThrowawayServer

TEMPLATE = "ocrebill_template"
_numbers = itertools.count(1)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(why: str) -> None:
    if in_ci():
        pytest.fail(f"PostgreSQL is needed in CI: {why}", pytrace=False)
    pytest.skip(f"no PostgreSQL here: {why}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        unavailable(f"psycopg is not installed ({exc})")
    server = ThrowawayServer()
    try:
        server.start()
    except (ServerUnavailable, OSError) as exc:
        server.stop()
        unavailable(str(exc))
    try:
        from ocrebill_gui import store as st

        st.open_store(server.create_database(TEMPLATE)).close()  # the schema, once
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: ThrowawayServer) -> Iterator[str]:
    """A new OcreBill database on the test server (schema made, nothing in it)."""
    name = f"t{os.getpid()}_{next(_numbers)}"
    url = pg_server.create_database(name, template=TEMPLATE)
    yield url
    pg_server.drop_database(name)

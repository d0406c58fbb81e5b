"""Shared fixtures: the shared example visits (copied into tests/fixtures) and document builders."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from example_visits import load_example
from pg_fixtures import pg_server, pg_url  # noqa: F401  (the PostgreSQL backend's tests)

pytest_plugins = ["log_helpers"]  # log_files: the app's log in a folder of the test


@pytest.fixture(autouse=True, scope="session")
def log_folder_of_the_run(tmp_path_factory) -> Iterator[None]:
    """The app started by a test (in a subprocess too) logs to a folder of the run, not to the
    user log folder of whoever runs the tests (ocrebill_gui/logs.py)."""
    previous = os.environ.get("OCREBILL_LOG_DIR")
    os.environ["OCREBILL_LOG_DIR"] = str(tmp_path_factory.mktemp("logs"))
    yield
    if previous is None:
        os.environ.pop("OCREBILL_LOG_DIR", None)
    else:
        os.environ["OCREBILL_LOG_DIR"] = previous


@pytest.fixture(autouse=True)
def cheap_password_hashing():
    """argon2id at 64 MiB and 3 passes takes ~0.1 s a hash: tests use the same algorithm at
    its cheapest (test_accounts checks the real parameters once)."""
    from argon2 import PasswordHasher

    from ocrebill_gui.store import accounts

    previous = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(previous)


@pytest.fixture
def cli_staff(tmp_path_factory, monkeypatch):
    """The `ocrebill` commands of this test sign in as `staff` ($OCREBILL_USER) with a private
    password file ($OCREBILL_PASSWORD_FILE); returns `add_staff`, which gives a database (a
    demo one too) that account. `--user admin` signs in as its administrator."""
    from staff import STAFF, add_staff, password_file

    monkeypatch.setenv("OCREBILL_PASSWORD_FILE",
                       str(password_file(tmp_path_factory.mktemp("password"))))
    monkeypatch.setenv("OCREBILL_USER", STAFF)
    return add_staff


@pytest.fixture
def standard_visit() -> dict:
    """A valid 600 mg Ocrevus visit (example 01) to vary in tests."""
    return copy.deepcopy(load_example("01-standard-600mg")[0])


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most sessions have (022: new files readable by all), restored afterwards:
    the files OcreBill keeps private are checked under it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite files (their PRAGMAs, SQLCipher, file modes, a "
                   "killed writer of a file): the store fixture gives only the SQLite backend")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if "ui" in path.parts:
            item.add_marker(pytest.mark.gui)
        if "benchmarks" in path.parts:
            item.add_marker(pytest.mark.benchmark)

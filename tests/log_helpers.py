"""The app's log in a folder of the test (ocrebill_gui/logs.py), for the tests of the log and
of the crash handler (a plugin of tests/conftest.py: the `log_files` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocrebill_gui import logs


@pytest.fixture
def log_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usual_umask):
    """Logging started into tmp_path/logs (umask 022, as most sessions have), nothing kept
    out yet; stopped afterwards."""
    monkeypatch.setenv("OCREBILL_LOG_DIR", str(tmp_path / "logs"))
    logs.forget_kept_out()
    files = logs.start_logging()
    assert files is not None
    yield files
    logs.stop_logging()
    logs.forget_kept_out()

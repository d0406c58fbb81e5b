"""`ocrebill` on a machine without a display (ssh, a container, CI) says so in one paragraph
and exits 1, before Qt is imported, instead of Qt's page of plugin advice and a core dump."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from ocrebill_gui.cli import missing_display

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="always a display there")
@pytest.mark.parametrize("args", [[], ["--demo"], ["--smoke"], ["--db", "clinic.sqlite"]])
def test_no_display_is_explained_before_qt_is_imported(args: list[str], tmp_path) -> None:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "ocrebill_gui", *args],
                         env=without_display(), cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    seconds = time.perf_counter() - started
    imports = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    message = [line for line in run.stderr.splitlines() if not line.startswith("import time:")]
    assert run.returncode == 1
    assert len(message) == 1, message  # one paragraph
    assert "there is no display" in message[0]
    assert "desktop session" in message[0] and "QT_QPA_PLATFORM=offscreen" in message[0]
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert imports and not [line for line in imports if "PySide6" in line or "shiboken" in line]
    assert list(tmp_path.iterdir()) == []  # no database was created or opened
    assert seconds < 5  # the argument parser only: no Qt, no store


@pytest.mark.parametrize(("environ", "platform", "missing"), [
    ({}, "linux", True),
    ({"DISPLAY": ""}, "linux", True),  # set but empty is no display either
    ({"DISPLAY": ":0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({}, "freebsd14", True),
    ({}, "win32", False),
    ({}, "darwin", False),
])
def test_which_platforms_need_a_display_variable(environ: dict[str, str], platform: str,
                                                 missing: bool) -> None:
    assert missing_display(environ, platform) is missing


@pytest.mark.parametrize("args", [["--smoke", "--demo"], ["--smoke", "--db", "x.sqlite"],
                                  ["--smoke", "rules"]])
def test_smoke_refuses_what_it_cannot_combine_with(args: list[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], capture_output=True,
                         text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 2
    assert "--smoke" in run.stderr and "Traceback" not in run.stderr

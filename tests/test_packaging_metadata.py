"""The desktop entry and the AppStream metadata in packaging/ pass the freedesktop validators
(desktop-file-validate, appstreamcli validate) without an error or a warning; hints and infos
are allowed. `scripts/bootstrap --test` (called by scripts/test, so by CI) installs both tools:
the test requires them rather than skipping."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run scripts/bootstrap --test "
                    "(Debian: desktop-file-utils, appstream)")
    return subprocess.run([path, *args], capture_output=True, text=True, timeout=60)


def test_the_desktop_entry_is_valid():
    run = _run("desktop-file-validate", str(PACKAGING / "org.ocrebill.OcreBill.desktop"))
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert not re.search(r": (error|warning): ", report), report


def test_the_appstream_metadata_is_valid():
    # --no-net: no checks of URLs or screenshots over the network (CI may have none).
    run = _run("appstreamcli", "validate", "--no-net",
               str(PACKAGING / "org.ocrebill.OcreBill.metainfo.xml"))
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert not re.search(r"^[EW]: ", report, re.M), report

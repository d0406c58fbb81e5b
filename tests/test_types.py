"""The package type-checks: mypy with pyproject's [tool.mypy] (core strict, Qt typed through
ui/qt.py's TYPE_CHECKING imports of PySide6's stubs) finds no error anywhere in ocrebill_gui.

A subprocess, as a developer runs it (`.venv/bin/python -m mypy`), with its cache in the
git-ignored .mypy_cache: about a second once warm; a fresh clone's first run checks every
module and PySide6's stubs (README: the measured time).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error_in_the_package():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert done.returncode == 0 and not errors, (
        f"mypy found {len(errors)} error(s) (fix the types; `# type: ignore[code]` only with "
        "the reason, where PySide6's stubs are wrong):\n"
        + "\n".join(errors or [done.stdout.strip(), done.stderr.strip()]))
    assert done.stdout.startswith("Success: no issues found"), done.stdout

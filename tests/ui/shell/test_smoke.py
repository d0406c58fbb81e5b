"""`ocrebill --smoke` from the installed package (tests/test_bundle.py runs it from the
bundle): every step said, exit 0, and nothing left in the temp folder; a failing step exits 1
with the step named and no traceback, and still cleans up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from smoke_steps import check_smoke_output


def smoke(tmp_path: Path, *python: str, **env: str) -> subprocess.CompletedProcess:
    """`ocrebill --smoke` in a fresh process, offscreen, with its temp folder in tmp_path;
    `python` code (e.g. breaking a step) runs first when given."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path),
           "OCREBILL_CONFIG_DIR": str(tmp_path / "config"), "OCREBILL_DB": str(tmp_path / "no"),
           **env}
    code = [*python, "from ocrebill_gui.cli import main", "raise SystemExit(main(['--smoke']))"]
    return subprocess.run([sys.executable, "-c", "\n".join(code)], env=env, text=True,
                          capture_output=True, timeout=120)


def test_smoke_runs_every_step_and_leaves_nothing(tmp_path: Path) -> None:
    run = smoke(tmp_path)
    assert run.returncode == 0, run.stderr
    found = check_smoke_output(run.stdout)
    assert found["platform"] == "offscreen"
    assert Path(found["db"]).parent.parent == tmp_path
    assert Path(found["db"]).name == "smoke.sqlite"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("ocrebill-smoke-")]
    assert not (tmp_path / "config").exists()  # the user's layout is not touched
    assert not (tmp_path / "no").exists()  # nor the user's database


def test_a_failing_step_is_named_without_a_traceback_and_cleaned_up(tmp_path: Path) -> None:
    run = smoke(tmp_path, "import ocrebill_gui.ui.visit_editor.printing as printing",
                "printing.pdf_bytes = lambda *args, **kwargs: b'<html>'")
    assert run.returncode == 1
    assert ("ocrebill --smoke: failed to render the superbill: not a PDF (6 bytes starting "
            "b'<html>')") in run.stderr.splitlines()
    assert "Traceback" not in run.stderr and "superbill rendered" not in run.stdout
    assert "computed" in run.stdout  # the steps before it ran
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("ocrebill-smoke-")]


def test_an_error_says_what_and_where(tmp_path: Path) -> None:
    run = smoke(tmp_path, "import ocrebill_gui.core.icd10 as icd10",
                "def gone(self, query): raise FileNotFoundError(2, 'No such file or "
                "directory', '_data/icd10cm-fy2026.tsv.gz')",
                "icd10.Icd10Index.search = gone")
    assert run.returncode == 1
    assert re.search(r"^ocrebill --smoke: failed to search the diagnoses: FileNotFoundError: "
                     r".*icd10cm-fy2026\.tsv\.gz.* \(at <string>:\d+\)$", run.stderr, re.M), \
        run.stderr
    assert "Traceback" not in run.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("ocrebill-smoke-")]


def test_qt_that_cannot_start_leaves_no_database_behind(tmp_path: Path) -> None:
    """A platform plugin that cannot start (a DISPLAY with no server behind it, a plugin
    missing from a bundle) aborts the process: no cleanup runs, so Qt starts before the demo
    database is written."""
    run = smoke(tmp_path, QT_QPA_PLATFORM="no-such-platform")
    assert run.returncode != 0
    assert "database created" not in run.stdout
    assert list(tmp_path.iterdir()) == []

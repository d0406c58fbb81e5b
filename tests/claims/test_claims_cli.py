"""`ocrebill claims validate FILE` and `ocrebill print cms1500|ub04 --calibration`, as a user
runs them: real subprocesses, no database anywhere (a visit's form: test_print_claim_forms)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from golden_claims import GOLDEN


def ocrebill(tmp_path: Path, *args: str, stdin: str | None = None
             ) -> subprocess.CompletedProcess:
    # A database path that does not exist: these commands must not need one.
    env = {**os.environ, "OCREBILL_DB": str(tmp_path / "none.sqlite")}
    return subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


def test_validate_accepts_a_golden_file_and_prints_the_999(tmp_path: Path) -> None:
    for name in ("office-ocrevus.837p", "hospital-outpatient.837i"):
        run = ocrebill(tmp_path, "claims", "validate", str(GOLDEN / name))
        assert run.returncode == 0, run.stderr
        assert "IK5*A~" in run.stdout and "AK9*A*1*1*1~" in run.stdout
        assert "accepted" in run.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_validate_rejects_a_corrupted_copy_with_the_reason(tmp_path: Path) -> None:
    text = (GOLDEN / "office-ocrevus.837p").read_text()
    bad = tmp_path / "bad.837"
    bad.write_text(text.replace("LIN**N4*", "LIN**XX*"))
    run = ocrebill(tmp_path, "claims", "validate", str(bad))
    assert run.returncode == 1
    assert "IK5*R" in run.stdout and "rejected" in run.stderr
    assert "the NDC must be N4 and 11 digits" in run.stderr


def test_validate_names_what_pyx12_accepts_and_we_do_not(tmp_path: Path) -> None:
    text = (GOLDEN / "office-ocrevus.837p").read_text()
    bad = tmp_path / "npi.837"
    bad.write_text(text.replace("XX*1987654328", "XX*1987654327"))
    run = ocrebill(tmp_path, "claims", "validate", str(bad))
    assert run.returncode == 1 and "IK5*A" in run.stdout
    assert "NM1*82: NPI has a wrong check digit" in run.stderr
    assert "Okafor" not in run.stderr and "XQ7710023" not in run.stderr


def test_validate_bad_input(tmp_path: Path) -> None:
    run = ocrebill(tmp_path, "claims", "validate", str(tmp_path / "missing.837"))
    assert run.returncode == 2 and "cannot read" in run.stderr
    assert "Traceback" not in run.stderr
    run = ocrebill(tmp_path, "claims", "validate", "-", stdin="not a claim file")
    assert run.returncode == 1 and "not an X12 file" in run.stderr
    assert "Traceback" not in run.stderr


def test_print_cms1500_calibration_page(tmp_path: Path) -> None:
    out = tmp_path / "calibration.pdf"
    run = ocrebill(tmp_path, "print", "cms1500", "--calibration", "--top", "26", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF") and stat.S_IMODE(out.stat().st_mode) == 0o600
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "calibration: top 26 pt, left 24 pt" in text
    again = ocrebill(tmp_path, "print", "cms1500", "--calibration", "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    run = ocrebill(tmp_path, "print", "ub04", "--calibration", "-o", str(tmp_path))
    assert run.returncode == 0 and (tmp_path / "ub04-calibration.pdf").exists()


def test_print_claim_form_bad_input_is_named(tmp_path: Path) -> None:
    run = ocrebill(tmp_path, "print", "cms1500", "42", "-o", str(tmp_path / "x.pdf"))
    assert run.returncode == 1 and "none.sqlite: no such database" in run.stderr
    run = ocrebill(tmp_path, "print", "cms1500", "--date", "2026-03-04", "-o", str(tmp_path))
    assert run.returncode == 2 and "takes one visit id of the database" in run.stderr
    run = ocrebill(tmp_path, "print", "superbill", "--calibration", "-o",
                   str(tmp_path / "x.pdf"))
    assert run.returncode == 2 and "not the superbill" in run.stderr
    run = ocrebill(tmp_path, "print", "cms1500", "--calibration", "--left", "500", "-o",
                   str(tmp_path / "x.pdf"))
    assert run.returncode == 2 and "--left 500" in run.stderr

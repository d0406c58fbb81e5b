"""The PyInstaller bundle (packaging/ocrebill.spec), built once into tmp_path and run: a module,
data file or font missing from it fails here, not on a clinic's machine.

`ocrebill --smoke` (the main window, a visit computed in the editor, the ICD-10 search, a
superbill) from both executables, `ocrebill compute` and `ocrebill print` of a fixture visit
compared with the installed package's answers, and the no-display message."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from example_visits import VISITS
from smoke_steps import check_smoke_output

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "ocrebill.spec"
FIXTURE = VISITS / "01-standard-600mg.json"
EXE = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """dist/ocrebill of a fresh build (its work folder in tmp_path too, nothing in the repo)."""
    where = tmp_path_factory.mktemp("bundle")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(where / "dist"), "--workpath", str(where / "build"), str(SPEC)],
        cwd=where, capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-4000:]
    yield where / "dist" / "ocrebill"


def run(bundle: Path, exe: str, *args: str, tmp_path: Path,
        **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path),
               "OCREBILL_CONFIG_DIR": str(tmp_path / "config"),
               "OCREBILL_DB": str(tmp_path / "none.sqlite"), **env}
    return subprocess.run([str(bundle / f"{exe}{EXE}"), *args], env=environ, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)


def installed(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("exe", ["ocrebill", "ocrebill-app"])
def test_smoke_from_the_bundle(bundle: Path, exe: str, tmp_path: Path) -> None:
    result = run(bundle, exe, "--smoke", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    found = check_smoke_output(result.stdout)
    assert found["platform"] == "offscreen"
    assert list(tmp_path.iterdir()) == []  # the temporary database is gone; nothing else made


def test_compute_from_the_bundle_matches_the_package(bundle: Path, tmp_path: Path) -> None:
    result = run(bundle, "ocrebill", "compute", str(FIXTURE), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    claim = json.loads(result.stdout)
    assert claim["format"] == "ocrebill.claim/1"
    assert {line["code"] for line in claim["lines"]} >= {"J2350", "96365"}
    expected = installed("compute", str(FIXTURE), "--json")
    assert expected.returncode == 0, expected.stderr
    assert claim == json.loads(expected.stdout)


def test_a_bad_document_is_explained_by_the_bundle_too(bundle: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(FIXTURE.read_text()), "date_of_service": "soon"}))
    result = run(bundle, "ocrebill", "compute", str(bad), tmp_path=tmp_path)
    assert result.returncode == 2 and "date_of_service" in result.stderr
    assert "Traceback" not in result.stderr


def _pdf_text(path: Path) -> list[str]:
    """Each page's text, the 'Printed MM/DD/YYYY HH:MM' stamp left out."""
    return [re.sub(r"Printed \d\d/\d\d/\d{4} \d\d:\d\d", "Printed", page.extract_text())
            for page in pypdf.PdfReader(path).pages]


@pytest.mark.parametrize("document", ["superbill", "checklist"])
def test_print_from_the_bundle_matches_the_package(bundle: Path, document: str,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(bundle, "ocrebill", "print", document, str(FIXTURE), "-o",
                 str(out / "bundle.pdf"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = (out / "bundle.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data  # the fonts of resources/ were found and embedded
    expected = installed("print", document, str(FIXTURE), "-o", str(out / "package.pdf"))
    assert expected.returncode == 0, expected.stderr
    texts = _pdf_text(out / "bundle.pdf")
    assert texts == _pdf_text(out / "package.pdf")
    assert "Okafor, Grace" in texts[0]


def test_the_bundle_validates_an_837_with_pyx12(bundle: Path, tmp_path: Path) -> None:
    """pyx12 is a runtime dependency (every exported claim passes it): the bundle carries it
    and its X12 maps (pyx12/map/*.xml), so that the 999 is pyx12's, not 'pyx12 is missing'."""
    claims = ROOT / "tests" / "fixtures" / "claims"
    good = run(bundle, "ocrebill", "claims", "validate", str(claims / "office-ocrevus.837p"),
               tmp_path=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "IK5*A" in good.stdout and "accepted (999 IK5*A" in good.stdout + good.stderr
    assert any(bundle.rglob("pyx12/map/837.5010.X222.A1.xml"))
    broken = tmp_path / "broken.837p"
    text = (claims / "office-ocrevus.837p").read_text()
    broken.write_text(text.replace("CLM*", "CLX*", 1))
    bad = run(bundle, "ocrebill", "claims", "validate", str(broken), tmp_path=tmp_path)
    assert bad.returncode == 1 and "IK5*R" in bad.stdout, bad.stderr


def test_an_encrypted_demo_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """SQLCipher (sqlcipher3's own SQLite), argon2 and cryptography's AES-GCM are bundled."""
    db = tmp_path / "work" / "demo.sqlite"
    db.parent.mkdir()
    made = run(bundle, "ocrebill", "--db", str(db), "demo", tmp_path=tmp_path)  # encrypted
    assert made.returncode == 0 and "encrypted" in made.stdout, made.stderr
    password = tmp_path / "work" / "password"
    password.write_text("demo\n")
    password.chmod(0o600)
    listed = run(bundle, "ocrebill", "--db", str(db), "--user", "nurse", "visits", "--date",
                 "today", tmp_path=tmp_path, OCREBILL_PASSWORD_FILE=str(password))
    assert listed.returncode == 0, listed.stderr
    assert not db.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="always a display there")
@pytest.mark.parametrize("exe", ["ocrebill", "ocrebill-app"])
def test_the_bundle_explains_a_missing_display(bundle: Path, exe: str, tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([str(bundle / exe)], env=environ, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{exe}: there is no display")
    assert "Traceback" not in result.stderr


def test_the_windowed_app_takes_no_sub_command(bundle: Path, tmp_path: Path) -> None:
    result = run(bundle, "ocrebill-app", "compute", str(FIXTURE), tmp_path=tmp_path)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
    assert result.stdout == ""


def test_the_windowed_app_logs_without_a_console(bundle: Path, tmp_path: Path) -> None:
    """ocrebill-app has no console (console=False): what it does, and a hard crash, go to the
    files of the log folder (ocrebill_gui/logs.py), private, from the bundle too."""
    logs = tmp_path / "logs"
    result = run(bundle, "ocrebill-app", "--demo", tmp_path=tmp_path, OCREBILL_PROBE="sign-in",
                 OCREBILL_LOG_DIR=str(logs))
    assert result.returncode == 0, result.stderr
    assert "OcreBill 0.1.0 started" in (logs / "ocrebill.log").read_text()
    assert (logs / "crash.log").exists()  # faulthandler's, empty while nothing crashed
    if os.name == "posix":
        assert {p.stat().st_mode & 0o777 for p in logs.iterdir()} == {0o600}


def test_the_bundle_leaves_out_what_it_does_not_need(bundle: Path) -> None:
    names = {p.name for p in bundle.rglob("*")}
    assert {"icd10cm-fy2026.tsv.gz", "icd10cm-fy2026-codes.tsv.gz", "DejaVuSans.ttf"} <= names
    assert not {n for n in names if n.startswith(("simple_icd_10_cm", "hypothesis", "pytest"))}

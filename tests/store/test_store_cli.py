"""The store's commands: demo, import, export, visits, backup, check. They sign in as `staff`
(front desk, nurse, biller) or `admin` (tests/staff.py); cli sign-in itself is tested in
test_users_cli.py."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date

import pytest
from staff import signed
from store_helpers import FIXTURES, PYTHON, REPO, example

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.store.demo_accounts import open_demo

pytestmark = pytest.mark.usefixtures("cli_staff")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path, capsys, cli_staff):
    path = tmp_path / "demo.sqlite"
    code, out, _ = run(capsys, "--db", str(path), "demo", "--today", "2026-03-04",
                     "--plain")
    assert code == 0 and "200 visits" in out
    return cli_staff(path)


def test_demo_then_a_days_visits(demo_db, capsys):
    code, out, err = run(capsys, "visits", "--db", str(demo_db), "--date", "2026-03-04")
    assert code == 0 and not err
    with st.open_store(demo_db, read_only=True) as store:
        today = st.visits_on(store, signed(), date(2026, 3, 4))
        payers = {p.id: p.name for p, _ in st.payer_profiles(store)}
    assert today, "the demo has a worklist for its today"
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Date", "Patient"]
    for visit in today:  # payers by name, as in the app
        row = next(line for line in lines if line.lstrip().startswith(f"{visit.id} "))
        assert payers[visit.payer] in row and f" {visit.payer} " not in row
    assert len(lines) == 2 + len(today)
    for visit in today:
        assert any(line.lstrip().startswith(f"{visit.id} ") and visit.patient_name in line
                   for line in lines)


def test_visits_by_patient_text_accents_ignored(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "visits", "--patient", "mul", "--json",
                       "--limit", "1000")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    assert all("Müller" in row["patient_name"] for row in rows)
    with st.open_store(demo_db, read_only=True) as store:
        assert len(rows) == st.count_visits(store, signed(), text="Müller")


def test_visits_date_range_and_bad_dates(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "visits", "--from", "2026-01-01", "--to",
                       "2026-01-31", "--json", "--limit", "1000")
    days = {json.loads(line)["date_of_service"] for line in out.splitlines()}
    assert code == 0 and days and all("2026-01-01" <= d <= "2026-01-31" for d in days)
    with pytest.raises(SystemExit) as caught:
        main(["--db", str(demo_db), "visits", "--date", "03/04/2026"])
    assert caught.value.code == 2
    assert "--date: '03/04/2026' must be a date such as 2026-03-04" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", str(demo_db), "visits", "--from", "2026-02-01", "--to",
                       "2026-01-01")
    assert code == 2 and "--from 2026-02-01 is after --to 2026-01-01" in err


def test_export_prints_the_stored_document(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "export", "5")
    with st.open_store(demo_db, read_only=True) as store:
        assert json.loads(out) == st.visit_document(store, signed(), 5)
        claim = st.get_visit(store, signed(), 5).claim
    assert code == 0
    code, out, _ = run(capsys, "--db", str(demo_db), "export", "5", "--claim")
    assert code == 0 and json.loads(out) == claim.model_dump(mode="json")
    code, out, err = run(capsys, "--db", str(demo_db), "export", "99999")
    assert (code, out, err.strip()) == (2, "", "There is no visit 99999.")


def test_demo_refuses_a_database_with_data(demo_db, capsys):
    code, _, err = run(capsys, "--db", str(demo_db), "demo")
    assert code == 1 and "already holds 40 patients and 200 visits" in err


def test_import_reports_each_file_and_rejects_bad_ones_whole(tmp_path, capsys, cli_staff):
    db = cli_staff(tmp_path / "imp.sqlite")
    bad = tmp_path / "bad.json"
    doc = example()
    doc["administrations"][0]["dose_mg"] = 0
    doc["diagnoses"] = []
    bad.write_text(json.dumps(doc))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    good = FIXTURES / "01-standard-600mg.json"
    code, out, err = run(capsys, "--db", str(db), "import", str(good), str(bad), str(broken),
                         str(good))
    assert code == 2
    assert f"{good}: imported as visit 1 (draft, patient P-2001 (new))" in out
    assert f"{good}: already stored as visit 1" in out
    assert "1 imported, 1 already stored, 2 rejected" in out
    assert f"{bad}: rejected, nothing saved:" in err
    assert "  diagnoses: must have at least one entry" in err
    assert "  administrations[0].dose_mg: must be greater than 0" in err
    assert f"{broken}: not valid JSON (line 1, column 2" in err
    assert "Traceback" not in err
    with st.open_store(db) as store:
        assert st.count_visits(store, signed()) == 1
        assert st.audit_entries(store, signed(), "visit")[0].actor == "staff"  # who signed in


def test_import_finalize(tmp_path, capsys, cli_staff):
    db = cli_staff(tmp_path / "imp.sqlite")
    code, out, _ = run(capsys, "--db", str(db), "import", "--finalize",
                       str(FIXTURES / "09-zunovo-subcutaneous.json"))
    assert code == 0 and "(finalized, patient" in out


def test_import_finalize_of_a_stored_draft_and_of_a_claim_with_errors(tmp_path, capsys,
                                                                      cli_staff):
    db = cli_staff(tmp_path / "imp.sqlite")
    draft = str(FIXTURES / "01-standard-600mg.json")
    run(capsys, "--db", str(db), "import", draft)
    code, out, _ = run(capsys, "--db", str(db), "import", "--finalize", draft)
    assert code == 0 and "already stored as visit 1 (finalized" in out
    assert "finalized now" in out
    bad = str(FIXTURES / "08-bare-g35.json")
    code, _, err = run(capsys, "--db", str(db), "import", "--finalize", bad)
    assert code == 2 and "rejected, nothing saved" in err
    assert "G35 is a category" in err and "--allow-errors" in err


def test_backup_and_check(demo_db, tmp_path, capsys):
    dest = tmp_path / "copies" / "monday.sqlite"
    backup = ["--db", str(demo_db), "--user", "admin", "backup"]  # the administrator's task
    code, _, err = run(capsys, *backup, f"{dest.parent}/")
    assert code == 1 and "does not exist (is the drive connected?)" in err
    assert not dest.parent.exists(), "a missing folder is never made up"
    dest.parent.mkdir()
    code, out, _ = run(capsys, *backup, str(dest))
    assert code == 0 and "integrity check of the copy: ok" in out
    code, out, _ = run(capsys, "--db", str(dest), "check")
    assert code == 0 and "Integrity: ok" in out and "Foreign keys: ok" in out
    assert "The database is sound." in out
    code, _, err = run(capsys, *backup, str(dest))
    assert code == 2 and f"{dest} already exists: nothing was written" in err
    assert "Give --force to replace it" in err and "Traceback" not in err
    code, out, _ = run(capsys, *backup, str(dest), "--force")
    assert code == 0 and "integrity check of the copy: ok" in out


def test_check_fails_clearly_on_damage(demo_db, capsys):
    with st.open_store(demo_db) as store:
        store.conn.execute("PRAGMA foreign_keys = OFF")
        store.conn.execute("DELETE FROM patients WHERE id = 1")
        store.conn.commit()
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 1 and "Foreign keys: FAILED" in out
    assert "refers to a missing patients row" in out and "Problems found" in out


def test_commands_on_a_missing_or_alien_file_explain(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.sqlite"), "visits")
    assert code == 1 and "no such database" in err
    alien = tmp_path / "alien.sqlite"
    alien.write_text("hello")
    code, _, err = run(capsys, "--db", str(alien), "check")
    assert code == 1 and "not a readable OcreBill database" in err


def test_environment_variable_chooses_the_database(demo_db, tmp_path):
    env = {**os.environ, "OCREBILL_DB": str(demo_db), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([PYTHON, "-m", "ocrebill_gui", "export", "1"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with st.open_store(demo_db, read_only=True) as store:
        assert json.loads(done.stdout) == st.visit_document(store, signed(), 1)
    # --db wins over the environment.
    other = tmp_path / "other.sqlite"
    done = subprocess.run([PYTHON, "-m", "ocrebill_gui", "--db", str(other), "demo",
                           "--patients", "3", "--visits", "6"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with open_demo(other, read_only=True) as store:  # encrypted: the default
        assert st.count_visits(store, signed()) == 6


def test_demo_rejects_bad_sizes(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--db", str(tmp_path / "d.sqlite"), "demo", "--visits", "-3"])
    assert "--visits: '-3' must be 0 or more" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", str(tmp_path / "d.sqlite"), "demo", "--patients", "0")
    assert code == 2 and "patients: must be a whole number, 1 or more" in err
    assert not (tmp_path / "d.sqlite").exists()


def test_a_newer_database_is_refused_by_every_command(tmp_path, capsys):
    db = tmp_path / "future.sqlite"
    with st.open_store(db) as store:
        store.conn.execute(f"PRAGMA user_version = {st.SCHEMA_VERSION + 5}")
    before = db.read_bytes()
    doc = tmp_path / "visit.json"
    doc.write_text(json.dumps(example()))
    for argv in (["visits"], ["export", "1"], ["check"], ["import", str(doc)],
                 ["backup", str(tmp_path / "copy.sqlite")], ["demo"]):
        code, out, err = run(capsys, "--db", str(db), *argv)
        assert code == 1, argv
        assert "was written by a newer OcreBill" in err and "update OcreBill" in err, argv
    assert db.read_bytes() == before
    assert not (tmp_path / "copy.sqlite").exists()

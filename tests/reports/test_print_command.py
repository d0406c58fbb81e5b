"""`ocrebill print`: a visit document file, a visit of a real (tmp_path) database, and a day's
finalized visits in one batch, with the practice settings and payer profiles of the database."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

from example_visits import VISITS, load_example
from pdf_pages import flat, page_texts
import pytest
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.cli import main
from ocrebill_gui.cli.print_commands import Progress
from ocrebill_gui.core.practice import demo_practice

PRACTICE = {**json.loads(demo_practice().model_dump_json()),
            "name": "Riverbend MS Infusion Suite (DEMO)", "npi": "1987654320"}


@pytest.fixture
def no_db(tmp_path: Path) -> str:
    return str(tmp_path / "absent.sqlite")


@pytest.fixture
def database(tmp_path: Path, cli_staff) -> tuple[str, dict[str, int]]:
    """Two patients on 2026-03-04: two finalized visits, one draft; practice set up; the
    commands sign in as `staff` (tests/staff.py)."""
    path = tmp_path / "ocrebill.sqlite"
    db = store.open_store(path)
    try:
        store.save_practice(db, signed("admin"), PRACTICE)
        grace = store.add_patient(db, signed("desk"), {"name": "Okafor, Grace", "ref": "P-2001",
                                               "birth_date": "1984-02-17"})
        store.add_coverage(db, signed("desk"), {"patient_id": grace.id, "payer": "medicare",
                                        "member_id": "1EG4TE5MK73",
                                        "effective_from": "2020-01-01"})
        ana = store.add_patient(db, signed("desk"), {"name": "Rivera, Ana", "ref": "P-1001",
                                             "birth_date": "1979-05-12"})
        ids = {}
        for key, patient, example in (("grace", grace, "01-standard-600mg"),
                                      ("ana", ana, "06-facility-premeds"),
                                      ("draft", ana, "05-waste-jw-line")):
            document = load_example(example)[0]
            if key == "grace":
                document["payer"] = "medicare"
            ids[key] = store.create_draft(db, signed("nurse"), document,
                                          patient_id=patient.id).visit_id
        store.finalize_visit(db, signed("biller"), ids["grace"], expected_revision=1)
        store.finalize_visit(db, signed("biller"), ids["ana"], expected_revision=1)
    finally:
        db.close()
    return str(cli_staff(path)), ids


def test_prints_a_visit_document_file_with_the_demo_practice(no_db: str, tmp_path: Path,
                                                             capsys) -> None:
    out = tmp_path / "out.pdf"
    code = main(["--db", no_db, "print", "superbill", str(VISITS / "05-waste-jw-line.json"),
                 "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and f"Wrote {out}" in captured.out
    assert "demo practice" in captured.err
    text = flat(page_texts(out)[0])
    assert "SUPERBILL" in text and "Okafor, Grace" in text and "Lakeside Neurology" in text
    assert "J2350 JW" in text


def test_output_folder_gets_the_default_file_name(no_db: str, tmp_path: Path) -> None:
    code = main(["--db", no_db, "print", "checklist", str(VISITS / "01-standard-600mg.json"),
                 "-o", str(tmp_path)])
    assert code == 0
    assert "BILLING CHECKLIST" in page_texts(tmp_path / "Okafor-Grace_2026-03-04_checklist.pdf")[0]


def test_reads_stdin_and_takes_practice_settings_from_a_file(no_db: str, tmp_path: Path,
                                                             monkeypatch) -> None:
    practice = tmp_path / "practice.json"
    practice.write_text(json.dumps(PRACTICE))
    monkeypatch.setattr("sys.stdin", io.StringIO((VISITS / "02-seed-half-dose-90min.json")
                                                 .read_text()))
    out = tmp_path / "s.pdf"
    assert main(["--db", no_db, "print", "superbill", "-", "-o", str(out),
                 "--practice", str(practice)]) == 0
    text = flat(page_texts(out)[0])
    assert "Riverbend MS Infusion Suite (DEMO)" in text and "NPI 1987654320" in text


@pytest.mark.parametrize(("args", "message"), [
    (["print", "superbill", "-o", "x.pdf"], "give one VISIT_ID or FILE.json, or --date"),
    (["print", "superbill", str(VISITS / "11-invalid-negative-dose.json"), "-o", "x.pdf"],
     "administrations[0].dose_mg: must be greater than 0"),
    (["print", "superbill", "not-a-visit", "-o", "x.pdf"], "neither a visit id nor"),
    (["print", "superbill", "--date", "03/04/2026", "-o", "day"], "not a date"),
])
def test_bad_input_exits_2_with_a_message(args: list[str], message: str, no_db: str,
                                          tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", no_db, *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "x.pdf").exists()


def test_missing_output_folder_is_named(no_db: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "missing" / "x.pdf"
    assert main(["--db", no_db, "print", "superbill", str(VISITS / "01-standard-600mg.json"),
                 "-o", str(out)]) == 1
    assert f"{tmp_path / 'missing'}: no such folder" in capsys.readouterr().err


def test_superbill_without_patient_exits_2(no_db: str, tmp_path: Path, capsys) -> None:
    document = load_example("01-standard-600mg")[0]
    del document["patient"]
    source = tmp_path / "anonymous.json"
    source.write_text(json.dumps(document))
    assert main(["--db", no_db, "print", "superbill", str(source), "-o",
                 str(tmp_path / "x.pdf")]) == 2
    assert "patient" in capsys.readouterr().err


def test_prints_a_stored_visit_with_the_database_practice_and_coverage(database, tmp_path: Path
                                                                       ) -> None:
    path, ids = database
    out = tmp_path / "grace.pdf"
    assert main(["--db", path, "print", "superbill", str(ids["grace"]), "-o", str(out)]) == 0
    text = flat(page_texts(out)[0])
    for phrase in ("Riverbend MS Infusion Suite (DEMO)", "NPI 1987654320", "Okafor, Grace",
                   "Member ID 1EG4TE5MK73", "Payer Medicare Part B (traditional)",
                   "Patient ID P-2001", "J2350 JZ"):
        assert phrase in text, phrase


def test_a_draft_is_printed_as_computed_now(database, tmp_path: Path) -> None:
    path, ids = database
    out = tmp_path / "draft.pdf"
    assert main(["--db", path, "print", "checklist", str(ids["draft"]), "-o", str(out)]) == 0
    text = flat(page_texts(out)[0])
    assert "Rivera, Ana" in text
    assert "J2350: JW line for 20 units: 280 of 300 mg used, 20 mg discarded" in text


def test_unknown_visit_id_exits_2(database, tmp_path: Path, capsys) -> None:
    path, _ = database
    assert main(["--db", path, "print", "superbill", "999", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "There is no visit 999" in capsys.readouterr().err


def test_batch_prints_each_finalized_visit_of_the_day(database, tmp_path: Path,
                                                      capsys) -> None:
    path, _ = database
    folder = tmp_path / "paper-run"
    assert main(["--db", path, "print", "superbill", "--date", "2026-03-04",
                 "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Wrote 2 superbills for 2026-03-04" in out and "1 draft skipped" in out
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["Okafor-Grace_2026-03-04_superbill.pdf",
                     "Rivera-Ana_2026-03-04_superbill.pdf"]
    assert "Rivera, Ana" in flat(page_texts(folder / names[1])[0])


def test_batch_on_an_empty_day_writes_nothing(database, tmp_path: Path, capsys) -> None:
    path, _ = database
    assert main(["--db", path, "print", "checklist", "--date", "2026-03-05",
                 "-o", str(tmp_path / "none")]) == 0
    assert "No finalized visits on 2026-03-05" in capsys.readouterr().out
    assert not (tmp_path / "none").exists()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_pdf_is_private_and_replaced_only_with_force(database, tmp_path: Path, usual_umask,
                                                       capsys) -> None:
    path, ids = database
    out = tmp_path / "grace.pdf"
    command = ["--db", path, "print", "superbill", str(ids["grace"]), "-o"]
    assert main([*command, str(out)]) == 0
    assert _mode(out) == 0o600
    out.write_bytes(b"kept")
    os.chmod(out, 0o644)
    capsys.readouterr()
    assert main([*command, str(out)]) == 2
    err = capsys.readouterr().err
    assert f"ocrebill print: {out} already exists: nothing was written. Give --force to " \
           "replace it" in err and "Traceback" not in err
    assert out.read_bytes() == b"kept"
    assert main([*command, str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"%PDF") and _mode(out) == 0o600
    assert main([*command, str(tmp_path)]) == 0  # a folder: the default name in it
    assert main([*command, str(tmp_path)]) == 2
    assert "Okafor-Grace_2026-03-04_superbill.pdf already exists" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_days_batch_is_private_and_keeps_existing_files_without_force(
        database, tmp_path: Path, usual_umask, capsys) -> None:
    path, ids = database
    folder = tmp_path / "paper-run"
    command = ["--db", path, "print", "superbill", "--date", "2026-03-04", "-o", str(folder)]
    assert main(command) == 0
    pdfs = sorted(folder.iterdir())
    assert _mode(folder) == 0o700 and [_mode(pdf) for pdf in pdfs] == [0o600, 0o600]
    pdfs[0].write_bytes(b"kept")
    capsys.readouterr()
    assert main(command) == 2  # nothing replaced: bad input, as an import that refuses
    captured = capsys.readouterr()
    assert "Wrote 0 superbills" in captured.out
    assert f"visit {ids['grace']} (patient P-2001): its superbill is in {folder} already" \
        in captured.err
    assert "Not replaced, as they existed already: 2 files. Give --force" in captured.err
    assert "Okafor" not in captured.err and "Rivera" not in captured.err  # ids, never names
    assert pdfs[0].read_bytes() == b"kept"
    assert main([*command, "--force"]) == 0
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    assert main([*command[:-1], str(mine)]) == 0
    assert _mode(mine) == 0o755  # a folder that was there keeps its mode


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal_and_silence_in_a_log() -> None:
    terminal = _Terminal()
    progress = Progress(3, "superbills", terminal)
    for _ in range(3):
        progress.step()
    progress.done()
    assert terminal.getvalue().endswith("\rsuperbills 3/3\n")
    log = io.StringIO()
    quiet = Progress(3, "superbills", log)
    for _ in range(3):
        quiet.step()
    quiet.done()
    assert log.getvalue() == ""


def test_a_visit_finalized_over_errors_prints_the_reason_and_who_accepted_it(
        database, tmp_path: Path) -> None:
    """It printed ERROR and "Not ready" without the biller's reason (issue 14, item 11)."""
    path, ids = database
    db = store.open_store(Path(path))
    try:
        patient = store.get_visit(db, signed("nurse"), ids["ana"]).patient_id
        visit_id = store.create_draft(db, signed("nurse"), load_example("07-missing-stop-time")[0],
                                      patient_id=patient).visit_id
        store.finalize_visit(db, signed("biller"), visit_id, expected_revision=1,
                             override_reason="Stop time confirmed by phone with the nurse")
    finally:
        db.close()
    note = "accepted by biller: Stop time confirmed by phone with the nurse"
    for kind, words in (("superbill", "Finalized over 1 error, "),
                        ("checklist", "Finalized with the items marked Not done, ")):
        out = tmp_path / f"{kind}.pdf"
        assert main(["--db", path, "print", kind, str(visit_id), "-o", str(out)]) == 0
        assert words + note in flat(page_texts(out)[0]), kind
    out = tmp_path / "plain.pdf"  # finalized without errors: nothing to accept
    assert main(["--db", path, "print", "superbill", str(ids["grace"]), "-o", str(out)]) == 0
    assert "accepted by" not in flat(page_texts(out)[0])

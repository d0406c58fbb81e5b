"""`ocrebill print` exits as every command does (issue 10): 0 done, 1 the database refused or is
damaged, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from example_visits import VISITS, load_example

from ocrebill_gui import store
from ocrebill_gui.cli import main

VISIT_FILE = str(VISITS / "01-standard-600mg.json")


def _damaged(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)


def _newer(path: Path) -> None:
    store.open_store(path).close()
    with store.open_store(path) as db:
        db.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")


def _older(path: Path) -> None:
    """A database print would have to upgrade, which it may not: print opens read-only."""
    store.open_store(path).close()
    with store.open_store(path) as db:
        db.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION - 1}")


REFUSALS = [(_damaged, "not a readable OcreBill database"),
            (_newer, "was written by a newer OcreBill"),
            (_older, "read-only, so it cannot be upgraded")]


@pytest.mark.parametrize(("make", "message", "visit"), [
    *[(make, message, visit) for make, message in REFUSALS for visit in ("1", VISIT_FILE)],
    (None, "no such database", "1"),  # a visit file prints without a database
])
def test_a_database_that_refuses_exits_1(make, message: str, visit: str, tmp_path: Path,
                                         capsys) -> None:
    db = tmp_path / "ocrebill.sqlite"
    if make is not None:
        make(db)
    before = db.read_bytes() if db.exists() else None
    code = main(["--db", str(db), "print", "superbill", visit, "-o", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()
    assert (db.read_bytes() if db.exists() else None) == before


def test_a_day_of_a_damaged_database_exits_1(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ocrebill.sqlite"
    _damaged(db)
    code = main(["--db", str(db), "print", "checklist", "--date", "2026-03-04", "-o",
                 str(tmp_path / "day")])
    assert code == 1 and "not a readable OcreBill database" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 1000 + "]" * 1000, "nested too deeply"),
    (json.dumps({**load_example("01-standard-600mg")[0], "setting": "moon"}), "setting: "),
])
def test_bad_input_still_exits_2(text: str, message: str, tmp_path: Path, capsys) -> None:
    source = tmp_path / "visit.json"
    source.write_text(text)
    code = main(["--db", str(tmp_path / "absent.sqlite"), "print", "superbill", str(source),
                 "-o", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize(("text", "message"), [
    ('{"name": "Clinic", "npi": "1234567890", "tax_id": "12-3456789", "fee_schedule": '
     '{"J2350": "a lot"}}', "fee_schedule.J2350: "),
    ('{"name": "Cl\\ud800inic"}', "name: contains an invalid character (a lone surrogate)"),
    ("\xff", "not UTF-8 text (byte 1 is not UTF-8)"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_a_bad_practice_file_exits_2(text: str, message: str, tmp_path: Path, capsys) -> None:
    practice = tmp_path / "practice.json"
    practice.write_text(text, encoding="latin-1" if text == "\xff" else "utf-8")
    code = main(["--db", str(tmp_path / "absent.sqlite"), "print", "superbill", VISIT_FILE,
                 "--practice", str(practice), "-o", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err and str(practice) in err

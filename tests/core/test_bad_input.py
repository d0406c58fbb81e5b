"""Bad input to `compute`, `import` and `print`: one reader and one validation path, exit 2 with a
message that names the field, never a traceback (issue 10). The fuzz test is test_fuzz.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from example_visits import VISITS, load_example
from staff import add_staff, signed

from ocrebill_gui.cli import main

STANDARD = VISITS / "01-standard-600mg.json"


@pytest.fixture(autouse=True)
def staffed_databases(tmp_path: Path, cli_staff) -> None:
    """The databases these tests import into have staff, and the commands sign in (what is
    tested here comes after the sign-in: tests/store/test_users_cli.py tests that)."""
    for name in ("import.sqlite", "db.sqlite", "x.sqlite"):
        cli_staff(tmp_path / name)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def written(tmp_path: Path, text: str, name: str = "visit.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def as_text(document: object) -> str:
    return json.dumps(document)  # lone surrogates become \ud800 escapes, as other systems write


def each_entry_point(tmp_path: Path, source: str) -> list[list[str]]:
    """The same file through compute, import (a new database) and print."""
    return [["compute", source, "--json"],
            ["--db", str(tmp_path / "import.sqlite"), "import", source],
            ["--db", str(tmp_path / "absent.sqlite"), "print", "checklist", source, "-o",
             str(tmp_path / "out.pdf")]]


def refused(capsys, tmp_path: Path, source: str, message: str) -> None:
    """Every entry point exits 2 naming the problem, writes nothing, shows no traceback."""
    for argv in each_entry_point(tmp_path, source):
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, err)
        assert message in err, (argv, err)
        assert "Traceback" not in err and "Error" not in err, err
        if argv[0] == "compute":
            assert out == ""
    assert not (tmp_path / "out.pdf").exists()
    if (tmp_path / "import.sqlite").exists():
        from ocrebill_gui import store as st

        with st.open_store(tmp_path / "import.sqlite", read_only=True) as db:
            assert st.count_visits(db, signed()) == 0 and st.count_patients(db, signed()) == 0


def test_json_nested_1000_levels_deep(capsys, tmp_path: Path) -> None:
    deep = "[" * 1000 + "]" * 1000
    refused(capsys, tmp_path, written(tmp_path, deep), "nested too deeply")
    # Inside a document, as an extra field the engine would ignore but the store would keep:
    text = STANDARD.read_text().replace('"diagnoses"', f'"notes": {deep}, "diagnoses"', 1)
    refused(capsys, tmp_path, written(tmp_path, text, "inside.json"), "nested too deeply")


def test_nesting_deeper_than_64_levels_is_named_by_its_field(capsys, tmp_path: Path) -> None:
    text = STANDARD.read_text().replace('"diagnoses"', '"notes": ' + "[" * 100 + "]" * 100
                                        + ', "diagnoses"', 1)
    refused(capsys, tmp_path, written(tmp_path, text),
            "notes[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]")
    _, _, err = run(capsys, "compute", written(tmp_path, text))
    assert err.strip().endswith("is nested more than 64 levels deep")
    assert len(err) < 200, "a deep path is shortened"


def test_an_integer_of_5000_digits(capsys, tmp_path: Path) -> None:
    text = STANDARD.read_text().replace('"dose_mg": 600', '"dose_mg": ' + "9" * 5000, 1)
    assert "9" * 5000 in text
    refused(capsys, tmp_path, written(tmp_path, text),
            "administrations[0].dose_mg: is too large a number")
    _, _, err = run(capsys, "compute", written(tmp_path, text))
    assert "999999999999999999" not in err, "the number is not echoed"


def test_absurd_numbers_anywhere_are_named(capsys, tmp_path: Path, standard_visit) -> None:
    # 10^30 fits pydantic's int, but not SQLite's INTEGER: refused before the store sees it.
    standard_visit["prior_authorization"] = {"number": "PA-1", "valid_from": "2026-01-01",
                                             "valid_to": "2026-12-31", "approved_units": 10**30}
    refused(capsys, tmp_path, written(tmp_path, as_text(standard_visit)),
            "prior_authorization.approved_units: is too large a number")


@pytest.mark.parametrize(("path", "field"), [
    (("patient", "name"), "patient.name"),                       # a note a person typed
    (("administrations", 0, "id"), "administrations[0].id"),     # an id
    (("administrations", 0, "vials", 1, "lot"), "administrations[0].vials[1].lot"),
])
def test_a_lone_surrogate_is_named_by_its_field(capsys, tmp_path: Path, standard_visit,
                                                path: tuple, field: str) -> None:
    target = standard_visit
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "Rivera\ud800"
    source = written(tmp_path, as_text(standard_visit))
    assert "\\ud800" in Path(source).read_text()
    refused(capsys, tmp_path, source,
            f"{field}: contains an invalid character (a lone surrogate)")


def test_a_lone_surrogate_in_a_field_name(capsys, tmp_path: Path, standard_visit) -> None:
    standard_visit["patient"]["\udc80note"] = "x"
    refused(capsys, tmp_path, written(tmp_path, as_text(standard_visit)),
            "patient: a field name contains an invalid character (a lone surrogate)")


def test_a_50_mb_file_is_refused_without_reading_it_all(capsys, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("w") as file:  # valid JSON: a document with a 50 MB note
        file.write('{"format": "ocrebill.visit/1", "note": "')
        file.write("x" * (50 * 1024 * 1024))
        file.write('"}')
    started = time.perf_counter()
    refused(capsys, tmp_path, str(big), f"{big}: larger than 20 MB")
    assert time.perf_counter() - started < 10


def test_a_50_mb_stdin_is_refused(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "ocrebill_gui", "compute", "-"],
                         input=b"[" + b" " * (50 * 1024 * 1024) + b"]", capture_output=True,
                         timeout=60)
    assert run.returncode == 2 and run.stdout == b""
    assert run.stderr.decode().strip() == "-: larger than 20 MB, too large for a visit " \
                                          "document: not read"


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe{}", "not UTF-8 text (byte 1 is not UTF-8)"),
    (b'{"a": 1', "not valid JSON (line 1, column 8"),
    (b"", "not valid JSON"),
])
def test_not_a_json_file(capsys, tmp_path: Path, data: bytes, message: str) -> None:
    source = tmp_path / "bad.json"
    source.write_bytes(data)
    refused(capsys, tmp_path, str(source), f"{source}: {message}")


def test_a_folder_or_a_missing_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "compute", str(tmp_path))
    assert code == 2 and f"{tmp_path}: cannot read: Is a directory" in err
    code, _, err = run(capsys, "--db", str(tmp_path / "x.sqlite"), "import",
                       str(tmp_path / "none.json"))
    assert code == 2 and "none.json: cannot read: No such file or directory" in err


def test_a_long_value_is_not_echoed_back(capsys, tmp_path: Path, standard_visit) -> None:
    standard_visit["payer"] = "acme-" + "x" * 100_000
    standard_visit["administrations"][0]["product"] = "\x1b[2J" + "y" * 100_000
    refused(capsys, tmp_path, written(tmp_path, as_text(standard_visit)),
            "payer: unknown payer profile 'acme-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'")
    code, _, err = run(capsys, "compute", written(tmp_path, as_text(standard_visit)))
    assert code == 2 and len(err) < 1000
    assert "administrations[0].product: unknown product '\\x1b[2Jyyyy" in err  # no escape code


def test_thousands_of_problems_are_listed_by_their_first_fifty(capsys, tmp_path: Path,
                                                             standard_visit) -> None:
    standard_visit["diagnoses"] = ["not a code"] * 5000
    code, _, err = run(capsys, "compute", written(tmp_path, as_text(standard_visit)))
    lines = err.splitlines()
    assert code == 2 and len(lines) == 51
    assert lines[0] == "diagnoses[0]: must be an ICD-10-CM code such as G35.A"
    assert lines[-1] == "... and 4950 more"


# ---------------------------------------------------------------- compute and import agree


def _set(document: dict, path: tuple, value: object) -> dict:
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


# The cases of issue 10 where import accepted or raised on what compute refuses.
@pytest.mark.parametrize(("path", "value", "message"), [
    (("patient", "member_id"), {"id": "1EG4"}, "patient.member_id: input should be a valid string"),
    (("payer",), KeyError, "payer: is required"),
    (("patient",), "Rivera, Ana", "patient: must be an object"),
    (("prior_authorization",), {"number": "PA-1", "valid_from": "2026-01-01",
                                "valid_to": "someday"},
     "prior_authorization.valid_to: must be a date such as 2026-03-04"),
    (("prior_authorization",), "PA-77812", "prior_authorization: must be an object"),
    (("payer", "program"), "private", "payer.program: input should be 'medicare', 'medicaid' "
                                      "or 'commercial'"),
    (("payer", "id"), " test-payer ", "payer.id: must not begin or end with a space"),
    (("date_of_service",), "0", "date_of_service: must be a date such as 2026-03-04"),  # 1970
    (("patient", "birth_date"), "1984-02-17T00:00", "patient.birth_date: must be a date such "
                                                    "as 2026-03-04"),
    (("administrations", 0, "product"), ["ocrevus"], "administrations[0].product: input "
                                                     "should be a valid string"),
])
def test_import_refuses_what_compute_refuses_in_the_same_words(capsys, tmp_path: Path, path,
                                                               value, message: str) -> None:
    document = _set(load_example("01-standard-600mg")[0], path, value)  # an inline payer
    source = written(tmp_path, as_text(document))
    code, out, err = run(capsys, "compute", source)
    assert code == 2 and out == "" and err.splitlines() == [message]
    code, out, err = run(capsys, "--db", str(tmp_path / "db.sqlite"), "import", source)
    assert code == 2
    assert err.splitlines() == [f"{source}: rejected, nothing saved:", f"  {message}"]
    assert out == "0 imported, 0 already stored, 1 rejected\n"


def test_import_names_its_own_reasons_after_the_shared_ones(capsys, tmp_path: Path,
                                                           standard_visit) -> None:
    del standard_visit["patient"]
    standard_visit["setting"] = "clinic"
    source = written(tmp_path, as_text(standard_visit))
    _, _, computed = run(capsys, "compute", source)
    code, _, err = run(capsys, "--db", str(tmp_path / "db.sqlite"), "import", source)
    assert code == 2
    assert [line[2:] for line in err.splitlines()[1:]] == [
        *computed.splitlines(), "patient: is required to import: give at least its id or name"]


# ---------------------------------------------------------------- output and broken pipes


def ocrebill(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], capture_output=True,
                          timeout=120, env=env, **kwargs)


def test_an_ascii_terminal_never_gets_a_unicode_error(tmp_path: Path, standard_visit) -> None:
    standard_visit["patient"].update(name="Müller, Jürgen", id="P-Ü1")
    standard_visit["payer"] = "krankenkasse-ö"
    source = written(tmp_path, as_text(standard_visit))
    ascii_env = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PYTHONUTF8": "0"}
    done = ocrebill("compute", source, env=ascii_env)
    assert done.returncode == 2
    assert b"payer: unknown payer profile 'krankenkasse-\\xf6'" in done.stderr
    standard_visit["payer"] = "medicare"
    source = written(tmp_path, as_text(standard_visit))
    done = ocrebill("--db", str(tmp_path / "db.sqlite"), "import", source, env=ascii_env)
    assert done.returncode == 0, done.stderr
    assert b"patient P-\\xdc1 (new)" in done.stdout and b"Traceback" not in done.stderr
    done = ocrebill("--db", str(tmp_path / "db.sqlite"), "visits", env=ascii_env)
    assert done.returncode == 0 and b"M\\xfcller, J\\xfcrgen" in done.stdout


def closed_reader(*args: str) -> subprocess.CompletedProcess:
    """Run with a stdout whose reader is gone before anything is written (`| head -0`), with
    stdout buffered as usual (not PYTHONUNBUFFERED)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], stdout=write,
                              stderr=subprocess.PIPE, timeout=120, env=env)
    finally:
        os.close(write)
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    return done


def test_a_broken_pipe_never_turns_a_failure_into_success(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert ocrebill("--db", str(db), "demo", "--visits", "300", "--plain").returncode == 0
    add_staff(db)
    # The listing is cut short: not done.
    assert closed_reader("--db", str(db), "visits", "--limit", "300").returncode == 1
    # A failure stays a failure.
    bad = written(tmp_path, "{}", "bad.json")
    assert closed_reader("compute", bad).returncode == 2
    assert closed_reader("--db", str(db), "import", bad).returncode != 0
    assert closed_reader("--db", str(tmp_path / "none" / "x.sqlite"), "visits").returncode == 1
    # A claim computed in full (2 KB: still in stdout's buffer) whose reader left before it
    # was flushed: done, as far as the command goes.
    assert closed_reader("compute", str(STANDARD), "--json").returncode == 0


def test_a_field_name_in_a_path_is_escaped_and_cut(capsys, tmp_path: Path, standard_visit) -> None:
    standard_visit["patient"]["note\nline two" + "z" * 100] = "\ud800"
    code, _, err = run(capsys, "compute", written(tmp_path, as_text(standard_visit)))
    assert code == 2
    name = "note\\nline two" + "z" * 17 + "..."  # its first 30 characters, the break escaped
    assert err.splitlines() == [f"patient.{name}: contains an invalid character (a lone "
                                "surrogate)"]

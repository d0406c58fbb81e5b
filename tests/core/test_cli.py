"""`ocrebill compute` and `ocrebill rules` as a user runs them: real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from example_visits import VISITS, example_names, load_example


def ocrebill(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrebill_gui", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_compute_json_matches_the_example() -> None:
    run = ocrebill("compute", str(VISITS / "01-standard-600mg.json"), "--json")
    assert run.returncode == 0, run.stderr
    claim = json.loads(run.stdout)
    assert claim["format"] == "ocrebill.claim/1" and claim["place_of_service"] == "11"
    got = {(line["code"], tuple(line["modifiers"])): line["units"] for line in claim["lines"]}
    assert got == {("J2350", ("JZ",)): 600, ("96365", ()): 1, ("96366", ()): 2}
    assert claim["administrations"][0]["running_minutes"] == 210


def test_compute_table_for_a_biller() -> None:
    run = ocrebill("compute", str(VISITS / "05-waste-jw-line.json"))
    assert run.returncode == 0
    assert "J2350  JW" in run.stdout and "N450242015001" in run.stdout
    assert "Findings:" in run.stdout


def test_compute_reads_stdin_and_exits_0_with_error_findings() -> None:
    text = (VISITS / "07-missing-stop-time.json").read_text()
    run = ocrebill("compute", "-", "--json", stdin=text)
    assert run.returncode == 0
    assert any(f["severity"] == "error" for f in json.loads(run.stdout)["findings"])


@pytest.mark.parametrize("name", [n for n in example_names() if "exit_code" in
                                  load_example(n)[1]])
def test_invalid_example_exits_2(name: str) -> None:
    _, expected = load_example(name)
    run = ocrebill("compute", str(VISITS / f"{name}.json"), "--json")
    assert run.returncode == expected["exit_code"]
    assert expected["stderr_mentions"] in run.stderr
    assert run.stdout == "" and "Traceback" not in run.stderr


REQUIRED = ["format", "date_of_service", "setting", "payer", "diagnoses", "administrations"]


@pytest.mark.parametrize("field", REQUIRED)
def test_each_missing_required_field_is_named(field: str, standard_visit: dict) -> None:
    del standard_visit[field]
    run = ocrebill("compute", "-", stdin=json.dumps(standard_visit))
    assert run.returncode == 2 and run.stdout == ""
    assert f"{field}: is required" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(("path", "value", "message"), [
    (("administrations", 0, "dose_mg"), 0, "administrations[0].dose_mg: must be greater than 0"),
    (("administrations", 0, "product"), "aspirin", "administrations[0].product: unknown product"),
    (("administrations", 0, "route"), "nasal", "administrations[0].route"),
    (("administrations", 0, "events", 0, "at"), "9am", "administrations[0].events[0].at"),
    (("administrations", 0, "vials", 1, "ndc"), "5024", "administrations[0].vials[1].ndc"),
    (("payer",), "acme", "payer: unknown payer profile 'acme'"),
    (("setting",), "clinic", "setting"),
    (("date_of_service",), "2026-02-30", "date_of_service"),
    (("diagnoses",), [], "diagnoses: must have at least one entry"),
    (("diagnoses", 0), "MS", "diagnoses[0]: must be an ICD-10-CM code"),
    (("administrations",), [], "administrations: must have at least one entry"),
    # JSON true is not 1 mg, and NaN is not an amount that is "at most 100000".
    (("administrations", 0, "dose_mg"), True, "dose_mg: must be a number, not true or false"),
    (("administrations", 0, "dose_mg"), float("nan"), "dose_mg: must be a number (not NaN"),
    (("administrations", 0, "vials", 0, "mg"), float("inf"), "vials[0].mg: must be a number"),
])
def test_bad_values_are_named(standard_visit: dict, path, value, message: str) -> None:
    target = standard_visit
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    run = ocrebill("compute", "-", "--json", stdin=json.dumps(standard_visit))
    assert run.returncode == 2, run.stdout
    assert message in run.stderr and "Traceback" not in run.stderr


def test_every_bad_field_is_named_at_once(standard_visit: dict) -> None:
    standard_visit["administrations"][0]["dose_mg"] = -1
    standard_visit["setting"] = "moon"
    standard_visit["payer"] = "acme"  # unknown ids too, not only after the rest is fixed
    standard_visit["administrations"].append({**standard_visit["administrations"][0],
                                              "id": "two", "product": "aspirin"})
    run = ocrebill("compute", "-", stdin=json.dumps(standard_visit))
    named = [line.split(":")[0] for line in run.stderr.splitlines()]
    assert {"administrations[0].dose_mg", "setting", "payer",
            "administrations[1].product"} <= set(named), run.stderr


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "null"])
def test_not_a_document(text: str) -> None:
    run = ocrebill("compute", "-", stdin=text)
    assert run.returncode == 2 and run.stderr.strip() and "Traceback" not in run.stderr


def test_missing_file(tmp_path: Path) -> None:
    run = ocrebill("compute", str(tmp_path / "nope.json"))
    assert run.returncode == 2 and "cannot read" in run.stderr


def test_rules_lists_the_catalog() -> None:
    run = ocrebill("rules")
    assert run.returncode == 0
    assert "dx-g35-category" in run.stdout and "timeline-no-stop" in run.stdout


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + (VISITS / "01-standard-600mg.json").read_bytes())
    assert ocrebill("compute", str(path)).returncode == 0

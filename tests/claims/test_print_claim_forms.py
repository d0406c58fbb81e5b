"""`ocrebill print cms1500|ub04 VISIT -o FILE.pdf` on a real (tmp_path) database (issue 15):
the parties from the store (practice, the visit's providers, its coverage), each field at its
line and column, the practice's printer offsets, and a visit lacking what a claim needs named
with the field (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from example_visits import load_example
from form_text import words
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.cli import main
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports.cms1500 import DEFAULT_LEFT
from ocrebill_gui.reports.ub04 import DEFAULT_LEFT as UB04_LEFT
from ocrebill_gui.reports.ub04 import DEFAULT_TOP as UB04_TOP

PRACTICE = {**json.loads(demo_practice().model_dump_json()),
            "form_offsets": {"cms1500": {"top": 30, "left": DEFAULT_LEFT}}}
PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


def at(found: list[tuple[int, int, str]], line: int, column: int) -> str:
    return next((text for ln, col, text in found if (ln, col) == (line, column)), "")


@pytest.fixture
def database(tmp_path: Path, cli_staff) -> tuple[str, dict[str, int]]:
    """Ready: an office visit and a hospital-outpatient one of a Medicare patient; lacking:
    a visit without providers whose coverage has no payer id; a draft."""
    path = tmp_path / "ocrebill.sqlite"
    db = store.open_store(path)
    try:
        store.save_practice(db, signed("admin"), PRACTICE)
        ids = {}
        for key, office_id in (("ready", "MCR01"), ("lacking", "")):
            patient = store.add_patient(db, signed("desk"), {
                "name": "Rivera, Ana", "ref": f"P-{key}", "birth_date": "1979-05-12",
                "sex": "F", "address": "12 Elm St, Springfield, IL 62704"})
            store.add_coverage(db, signed("desk"), {
                "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4TE5MK73",
                "effective_from": "2020-01-01", "plan_type": "medicare",
                "claim_office_id": office_id})
            ids[key] = patient.id
        visits = {}
        for key, patient, example, providers in (
                ("office", ids["ready"], "01-standard-600mg", PROVIDERS),
                ("outpatient", ids["ready"], "06-facility-premeds", PROVIDERS),
                ("lacking", ids["lacking"], "01-standard-600mg", None),
                ("draft", ids["ready"], "05-waste-jw-line", PROVIDERS)):
            document = load_example(example)[0] | {"payer": "medicare"}
            if providers:
                document["providers"] = providers
            visits[key] = store.create_draft(db, signed("nurse"), document,
                                             patient_id=patient).visit_id
            if key != "draft":
                store.finalize_visit(db, signed("biller"), visits[key], expected_revision=1,
                                     allow_errors=True)
    finally:
        db.close()
    return str(cli_staff(path)), visits


def test_a_finalized_office_visit_on_the_cms1500_at_the_practice_offsets(
        database, tmp_path: Path, capsys) -> None:
    path, visits = database
    out = tmp_path / "claim.pdf"
    assert main(["--db", path, "print", "cms1500", str(visits["office"]), "-o", str(out)]) == 0
    [page] = words(out.read_bytes(), tmp_path, top=30, left=DEFAULT_LEFT)
    assert at(page, 44, 68) == "1234567893"  # 24J rendering NPI, from the visit's providers
    assert at(page, 34, 1) == "DK" and at(page, 34, 4) == "CHEN,"  # 17 ordering
    assert at(page, 34, 33) == "1456789019"  # 17b
    assert at(page, 61, 50) == demo_practice().npi  # 33a billing NPI, from the practice
    assert at(page, 56, 23) == str(visits["office"])  # 26 account = visit id
    assert "1EG4TE5MK73" in {text for _ln, _col, text in page}  # 1a member id
    assert at(page, 43, 1) == "N450242015001"
    again = main(["--db", path, "print", "cms1500", str(visits["office"]), "-o", str(out)])
    assert again == 2 and "already exists" in capsys.readouterr().err
    assert main(["--db", path, "print", "cms1500", str(visits["office"]), "-o", str(out),
                 "--force", "--top", "20"]) == 0
    [page] = words(out.read_bytes(), tmp_path, top=20, left=DEFAULT_LEFT)
    assert at(page, 44, 68) == "1234567893"  # --top wins over the practice's offset


def test_a_hospital_outpatient_visit_on_the_ub04(database, tmp_path: Path, capsys) -> None:
    path, visits = database
    out = tmp_path / "ub04.pdf"
    assert main(["--db", path, "print", "ub04", str(visits["outpatient"]), "-o",
                 str(out)]) == 0, capsys.readouterr().err
    [page] = words(out.read_bytes(), tmp_path, top=UB04_TOP, left=UB04_LEFT)
    assert at(page, 2, 77) == "0131"  # FL 4 type of bill
    assert at(page, 1, 59) == str(visits["outpatient"])  # FL 3a
    code = main(["--db", path, "print", "cms1500", str(visits["outpatient"]), "-o",
                 str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and f"visit {visits['outpatient']}" in err and "print the ub04" in err


def test_a_visit_lacking_what_a_claim_needs_names_the_visit_and_fields(
        database, tmp_path: Path, capsys) -> None:
    path, visits = database
    out = tmp_path / "x.pdf"
    assert main(["--db", path, "print", "cms1500", str(visits["lacking"]), "-o",
                 str(out)]) == 1
    err = capsys.readouterr().err
    assert f"visit {visits['lacking']}: no claim" in err
    assert "providers.rendering is missing" in err and "coverage.claim_office_id" in err
    assert "Rivera" not in err and not out.exists()  # ids only, nothing written
    assert main(["--db", path, "print", "cms1500", str(visits["draft"]), "-o", str(out)]) == 1
    assert "status is a draft: finalize the visit first" in capsys.readouterr().err


def test_only_a_biller_prints_a_claim_form(database, tmp_path: Path, capsys,
                                           monkeypatch) -> None:
    path, visits = database
    from staff import account

    with store.open_store(path) as db:
        account(db, "nurse2", ("nurse",))
    monkeypatch.setenv("OCREBILL_USER", "nurse2")
    code = main(["--db", path, "print", "cms1500", str(visits["office"]), "-o",
                 str(tmp_path / "x.pdf")])
    assert code != 0 and "biller" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()

"""`ocrebill estimate VISIT|FILE [--json]` on a real database (issue 16, item 3): CMS's worked
example and the Ocrevus 600 mg Medicare office visit at the Q2 2026 limit, exactly; the JSON
layout; a visit document file; bad input named (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from staff import signed
from store_helpers import visit_doc
from test_estimates import patient_on, verified

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.core.asp_file import parse_asp_file, read_asp_file
from ocrebill_gui.core.fee_schedule import read_fee_schedule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
# CMS's example: ASP $943.40 x 1.06 = $1,000.004, the payment limit of a made-up quarter.
WORKED_EXAMPLE = ("Payment Allowance Limits for Medicare Part B Drugs\n"
                  '"Effective July 1, 2026 through September 30, 2026"\n'
                  "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,"
                  "Co-insurance Percentage\nJ2350,Example,1 MG,1000.004,20.000\n")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def database(tmp_path, cli_staff) -> tuple[str, dict[str, int]]:
    path = tmp_path / "ocrebill.sqlite"
    with st.open_store(path) as store:
        biller = signed("biller")
        st.import_asp(store, biller,
                      read_asp_file(FIXTURES / "april-2026-asp-pricing-file.csv"))
        st.import_asp(store, biller, parse_asp_file(WORKED_EXAMPLE.encode(),
                                                    name="worked-example.csv"))
        st.import_fees(store, biller, read_fee_schedule(FIXTURES / "fees-2026.csv"))
        patient, coverage = patient_on(store, "medicare")
        verified(store, coverage, "2026-05-01", deductible_remaining="150.00")
        met, met_coverage = patient_on(store, "medicare", mrn="MRN-met")
        verified(store, met_coverage, "2026-07-01", deductible_remaining="0.00")
        visits = {
            "ocrevus": st.create_draft(store, signed("nurse"),
                                       visit_doc(day="2026-05-12", payer="medicare"),
                                       patient_id=patient).visit_id,
            "example": st.create_draft(store, signed("nurse"),
                                       visit_doc(day="2026-08-04", payer="medicare", dose=1),
                                       patient_id=met).visit_id}
    return str(cli_staff(path)), visits


def test_cms_worked_example_through_the_cli(database, capsys):
    db, visits = database
    code, out, err = run(capsys, "--db", db, "estimate", str(visits["example"]), "--json")
    assert code == 0, err
    data = json.loads(out)
    [line] = [x for x in data["lines"] if x["code"] == "J2350" and "JW" not in x["modifiers"]]
    assert line["units"] == 1
    assert (line["allowed"], line["patient_share"], line["sequestration"],
            line["payer_pays"]) == ("1000.00", "200.00", "16.00", "784.00")
    assert "ASP 2026Q3, worked-example.csv" in line["allowed_source"]
    assert "coinsurance 20 % (ASP 2026Q3 file)" in line["patient_source"]


def test_ocrevus_600_mg_medicare_q2_2026_through_the_cli(database, capsys):
    db, visits = database
    code, out, err = run(capsys, "--db", db, "estimate", str(visits["ocrevus"]))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (f"Visit {visits['ocrevus']}, date of service 2026-05-12, payer "
                        "medicare (Medicare Part B)")
    [drug] = [x for x in lines if x.startswith("1  J2350")]
    assert drug.split()[4:] == ["45,000.00", "35,757.60", "27,916.36", "7,271.52", "569.72"]
    total = next(x for x in lines if x.lstrip().startswith("Total"))
    assert total.split() == ["Total", "45,410.00", "35,867.50", "28,002.53", "7,293.50",
                             "571.47"]  # 35,867.50 = 28,002.53 + 7,293.50 + 571.47
    assert "deductible $150.00 (benefits verification of 2026-05-01)" in out
    assert "Partial" not in out
    code, out, _ = run(capsys, "--db", db, "estimate", str(visits["ocrevus"]), "--json")
    data = json.loads(out)
    assert data["format"] == "ocrebill.estimate/1" and data["visit_id"] == visits["ocrevus"]
    assert data["lines"][0]["allowed"] == "35757.60"
    assert data["totals"]["allowed"] == "35867.50" and data["partial"] is False
    assert set(data) == {"format", "visit_id", "date_of_service", "payer", "method", "lines",
                         "totals", "partial", "notes", "programme", "patient_after_programme"}


def test_a_document_file_and_bad_input(database, capsys, tmp_path):
    db, _visits = database
    document = tmp_path / "visit.json"
    document.write_text(json.dumps(visit_doc(day="2026-05-12", payer="medicare")))
    code, out, err = run(capsys, "--db", db, "estimate", str(document), "--json")
    assert code == 0, err
    assert json.loads(out)["visit_id"] is None
    assert json.loads(out)["lines"][0]["allowed"] == "35757.60"
    code, out, err = run(capsys, "--db", db, "estimate", "999")
    assert code == 2 and not out and "999" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(visit_doc() | {"date_of_service": "someday"}))
    code, out, err = run(capsys, "--db", db, "estimate", str(bad))
    assert code == 2 and not out and "date_of_service" in err
    code, out, err = run(capsys, "--db", db, "--user", "admin", "estimate", "1")
    assert code == 1 and not out and "reading patient records" in err

"""`ocrebill data import asp|icd10cm|fees` and `ocrebill data list` (issue 16): whole files
or nothing, the line and column of a bad one named (exit 2), a summary of what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import staff

from ocrebill_gui import store as st
from ocrebill_gui.cli import main

pytestmark = pytest.mark.usefixtures("cli_staff")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, cli_staff):
    return str(cli_staff(tmp_path / "ocrebill.sqlite"))


def test_each_kind_imported_then_listed(db, capsys):
    code, out, err = run(capsys, "data", "import", "asp",
                         str(FIXTURES / "april-2026-asp-pricing-file.csv"), "--db", db)
    assert (code, err) == (0, "") and "ASP prices 2026Q2" in out and "9 rows" in out
    code, out, _ = run(capsys, "data", "import", "icd10cm",
                       str(FIXTURES / "icd10cm_order_2027.txt"), "--year", "2027", "--db", db)
    assert code == 0 and "ICD-10-CM codes FY2027" in out
    code, out, _ = run(capsys, "data", "import", "fees", str(FIXTURES / "fees-2026.csv"),
                       "--db", db)
    assert code == 0 and "fee schedule 2025-01-01 to open" in out
    code, out, _ = run(capsys, "data", "list", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 5 and all(" staff" in line or "By" in line for line in lines[2:])
    assert "april-2026-asp-pricing-file.csv" in out and "fees-2026.csv" in out


@pytest.mark.parametrize(("kind", "name", "where"), [
    ("asp", "asp-broken-line.csv", "asp-broken-line.csv, line 9, column 4 (Payment Limit)"),
    ("icd10cm", "icd10cm_order_2027-broken.txt", "icd10cm_order_2027-broken.txt, line "),
    ("fees", "fees-broken-line.csv", "fees-broken-line.csv, line "),
])
def test_a_bad_file_is_refused_whole_naming_line_and_column(db, capsys, kind, name, where):
    extra = ["--year", "2027"] if kind == "icd10cm" else []
    code, out, err = run(capsys, "data", "import", kind, str(FIXTURES / name), *extra,
                         "--db", db)
    assert code == 2 and not out
    assert err.startswith(f"ocrebill data import: nothing imported: {where}")
    assert "column" in err and "Traceback" not in err
    with st.open_store(db) as store:
        for table in ("asp_prices", "icd10_codes", "fee_rows", "reference_imports"):
            assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_a_missing_file_and_a_role_without_the_right(db, capsys, tmp_path):
    code, _, err = run(capsys, "data", "import", "fees", str(tmp_path / "none.csv"), "--db", db)
    assert code == 2 and "none.csv: cannot read" in err
    code, _, err = run(capsys, "data", "list", "--db", db)
    assert code == 0
    with st.open_store(db) as store:
        staff.account(store, "nurse.only", ("nurse",))
    code, out, err = run(capsys, "--user", "nurse.only", "data", "import", "fees",
                         str(FIXTURES / "fees-2026.csv"), "--db", db)
    assert code == 1 and not out
    assert "importing reference data" in err and "administrator or biller role" in err


def test_compute_with_db_uses_its_code_sets(db, capsys, tmp_path):
    from store_helpers import visit_doc

    doc = visit_doc(day="2026-11-02")
    doc["diagnoses"] = ["G35.E"]
    visit = tmp_path / "visit.json"
    visit.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "compute", str(visit), "--json", "--db", db)
    assert code == 0 and "dx-unknown" in out
    code, _, _ = run(capsys, "data", "import", "icd10cm",
                     str(FIXTURES / "icd10cm_order_2027.txt"), "--year", "2027", "--db", db)
    assert code == 0
    code, out, _ = run(capsys, "compute", str(visit), "--json", "--db", db)
    assert code == 0 and "dx-unknown" not in out and "dx-code-set-outdated" not in out
    code, out, _ = run(capsys, "compute", str(visit), "--json")  # no --db: the shipped set
    assert code == 0 and "dx-unknown" in out
    code, _, err = run(capsys, "compute", str(visit), "--db", str(tmp_path / "none.sqlite"))
    assert code == 1 and err.startswith("ocrebill compute: ") and "Traceback" not in err

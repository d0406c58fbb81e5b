"""`ocrebill claims list|show|submitted|set-number|pay|deny` and `ocrebill print cms1500|ub04`
marking the claim printed (issue 15 item 4, issue 16 item 5), on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claims_store import claims_database
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.cli import main
from ocrebill_gui.store import claims


@pytest.fixture
def database(tmp_path: Path, cli_staff) -> tuple[str, dict[str, int]]:
    path = tmp_path / "ocrebill.sqlite"
    visits = claims_database(path)
    return str(cli_staff(path)), visits


def _claim(path: str, visit_id: int) -> claims.ClaimRecord:
    with store.open_store(path) as db:
        found = claims.current_claim(db, signed(), visit_id)
    assert found is not None
    return found


def test_printing_a_form_marks_the_claim_printed(database, tmp_path, capsys) -> None:
    path, visits = database
    out = tmp_path / "form.pdf"
    assert main(["--db", path, "print", "cms1500", str(visits["office"]), "-o", str(out)]) == 0
    one = _claim(path, visits["office"])
    assert (one.status, one.form) == ("printed", "cms1500")
    assert main(["--db", path, "print", "ub04", str(visits["outpatient"]), "-o",
                 str(tmp_path / "ub.pdf")]) == 0
    assert _claim(path, visits["outpatient"]).form == "ub04"
    assert main(["--db", path, "claims", "submitted", str(one.id)]) == 0
    assert "submitted" in capsys.readouterr().out
    # A copy of a submitted claim prints, and says it changed nothing.
    assert main(["--db", path, "print", "cms1500", str(visits["office"]), "-o", str(out),
                 "--force"]) == 0
    assert f"claim {one.id} is submitted: this is a copy" in capsys.readouterr().err
    assert _claim(path, visits["office"]).status == "submitted"


def _replaced_and_reprinted(path: str, visit_id: int, form: str, number: str,
                            folder: Path) -> tuple[claims.ClaimRecord, Path]:
    """The visit's claim printed, submitted and numbered by the payer, the visit then amended;
    its replacement printed. The original claim and the replacement's PDF."""
    one = _claim(path, visit_id)
    for args in (["print", form, str(visit_id), "-o", str(folder / "a.pdf")],
                 ["claims", "submitted", str(one.id)],
                 ["claims", "set-number", str(one.id), number]):
        assert main(["--db", path, *args]) == 0
    with store.open_store(path) as db:
        visit = store.get_visit(db, signed(), visit_id)
        store.amend_visit(db, signed("biller"), visit.id, visit.document, "corrected",
                          expected_revision=visit.revision, allow_errors=True)
    out = folder / "replacement.pdf"
    assert main(["--db", path, "print", form, str(visit_id), "-o", str(out)]) == 0
    return one, out


def test_a_replacement_prints_box_22(database, tmp_path, capsys) -> None:
    from form_text import words

    from ocrebill_gui.reports.cms1500 import DEFAULT_LEFT, DEFAULT_TOP

    path, visits = database
    one, out = _replaced_and_reprinted(path, visits["office"], "cms1500", "ICN-77", tmp_path)
    [page] = words(out.read_bytes(), tmp_path, top=DEFAULT_TOP, left=DEFAULT_LEFT)
    assert (38, 50, "7") in page and (38, 62, "ICN-77") in page  # box 22
    new = _claim(path, visits["office"])
    assert (new.frequency, new.status, new.replaces_claim_id) == ("7", "printed", one.id)
    capsys.readouterr()
    assert main(["--db", path, "claims", "show", str(new.id)]) == 0
    shown = capsys.readouterr().out
    assert f"replaces claim {one.id} (payer number ICN-77)" in shown
    assert f"other claims of visit {visits['office']}: claim {one.id} (replaced, frequency 1)" \
        in shown


def test_list_shows_the_work_by_reference_never_by_name(database, capsys) -> None:
    path, visits = database
    assert main(["--db", path, "claims", "list"]) == 0
    out = capsys.readouterr().out
    assert "P-ready" in out and "Okafor" not in out and "Doe" not in out
    assert "1-4 of 4 rows" in out
    assert main(["--db", path, "claims", "list", "--json", "--status", "ready",
                 "--from", "2026-09-01"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["visit_id"] for r in rows] == [visits["second_office"]]
    assert rows[0]["kind"] == "to_send" and rows[0]["charge_total"] is not None
    assert "patient_name" not in rows[0]
    assert main(["--db", path, "claims", "list", "--limit", "0"]) == 2
    assert "limit" in capsys.readouterr().err


def test_pay_deny_show_and_refusals(database, capsys) -> None:
    path, visits = database
    one = _claim(path, visits["office"])
    assert main(["--db", path, "claims", "pay", str(one.id), "--amount", "10.00"]) == 1
    assert "A ready claim has not been sent" in capsys.readouterr().err
    assert main(["--db", path, "claims", "submitted", str(one.id)]) == 1  # not printed yet
    assert main(["--db", path, "print", "cms1500", str(visits["office"]), "-o",
                 str(Path(path).parent / "f.pdf")]) == 0
    assert main(["--db", path, "claims", "submitted", str(one.id)]) == 0
    assert main(["--db", path, "claims", "deny", str(one.id), "--code", "co-197", "--code",
                 "N54", "--reason", "no authorization", "--on", "2026-04-02"]) == 0
    assert "denied CO-197 N54" in capsys.readouterr().out
    assert main(["--db", path, "claims", "pay", str(one.id), "--amount", "35,757.60",
                 "--patient-share", "200.00", "--adjust", "CO-45=1234.56", "--adjust",
                 "PR-2=200.00", "--on", "2026-05-20", "--note", "appeal won"]) == 0
    assert main(["--db", path, "claims", "pay", str(one.id), "--amount", "1.005"]) == 2
    assert "amount_paid" in capsys.readouterr().err
    assert main(["--db", path, "claims", "pay", str(one.id), "--amount", "1",
                 "--adjust", "CO45"]) == 2
    assert "GROUP-CODE=AMOUNT" in capsys.readouterr().err
    assert main(["--db", path, "claims", "show", str(one.id)]) == 0
    out = capsys.readouterr().out
    assert f"claim {one.id}, visit {visits['office']}, paid" in out
    assert "denied because: no authorization" in out
    assert "denied CO-197 N54" in out and "paid 35757.60, patient 200.00, CO-45 1234.56" in out
    assert main(["--db", path, "claims", "list", "--kind", "paid", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["claim_id"], row["amount_paid"]) == (one.id, "35757.60")
    assert main(["--db", path, "claims", "show", "999"]) == 1
    assert "no claim 999" in capsys.readouterr().err


def test_an_outpatient_replacement_prints_type_of_bill_0137(database, tmp_path) -> None:
    from form_text import words

    from ocrebill_gui.reports.ub04 import DEFAULT_LEFT, DEFAULT_TOP

    path, visits = database
    _, out = _replaced_and_reprinted(path, visits["outpatient"], "ub04", "DCN5", tmp_path)
    page = words(out.read_bytes(), tmp_path, top=DEFAULT_TOP, left=DEFAULT_LEFT)[0]
    assert (2, 77, "0137") in page  # FL 4: hospital outpatient, replacement
    assert "DCN5" in [text for _, _, text in page]  # FL 64, the original's number

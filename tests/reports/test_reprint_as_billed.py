"""Reprinting a finalized visit after a fee change shows what was billed (issue 16, item 2):
`ocrebill print superbill` and `print cms1500` of a finalized visit print its frozen charges
after a new fee file is imported; a draft's superbill shows the new fees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from example_visits import load_example
from pdf_pages import flat, page_texts
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.cli import main
from ocrebill_gui.core.practice import demo_practice

HEADER = "code,modifier,setting,payer,amount,effective_from,effective_to,note\n"
PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


def fee_file(tmp_path: Path, name: str, j2350: str) -> str:
    path = tmp_path / name
    path.write_text(HEADER + f"J2350,,,,{j2350},2026-01-01,,\n96365,,,,250.00,2026-01-01,,\n")
    return str(path)


@pytest.fixture
def database(tmp_path: Path, cli_staff) -> tuple[str, int, int]:
    path = tmp_path / "ocrebill.sqlite"
    db = store.open_store(path)
    try:
        store.save_practice(db, signed("admin"), json.loads(demo_practice().model_dump_json()))
        patient = store.add_patient(db, signed("desk"), {
            "name": "Rivera, Ana", "ref": "P-1", "birth_date": "1979-05-12", "sex": "F",
            "address": "12 Elm St, Springfield, IL 62704"})
        store.add_coverage(db, signed("desk"), {
            "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4TE5MK73",
            "effective_from": "2020-01-01", "plan_type": "medicare",
            "claim_office_id": "MCR01"})
        ids = []
        for day in ("2026-03-04", "2026-03-05"):
            document = load_example("01-standard-600mg")[0] | {"payer": "medicare",
                                                               "providers": PROVIDERS}
            document["date_of_service"] = day
            for event in document["administrations"][0]["events"]:
                event["at"] = day + event["at"][10:]
            ids.append(store.create_draft(db, signed("nurse"), document,
                                          patient_id=patient.id).visit_id)
    finally:
        db.close()
    db_path = str(cli_staff(path))
    assert main(["--db", db_path, "data", "import", "fees",
                 fee_file(tmp_path, "fees-a.csv", "75.00")]) == 0
    with store.open_store(path) as db:
        store.finalize_visit(db, signed("biller"), ids[0], expected_revision=1,
                             allow_errors=True)
    return db_path, ids[0], ids[1]


def superbill_text(db: str, visit_id: int, out: Path) -> str:
    assert main(["--db", db, "print", "superbill", str(visit_id), "-o", str(out),
                 "--force"]) == 0
    return flat(" ".join(page_texts(out)))


def test_a_reprint_after_new_fees_shows_what_was_billed(database, tmp_path, capsys):
    db, finalized, draft = database
    out = tmp_path / "superbill.pdf"
    before = superbill_text(db, finalized, out)
    assert "$45,000.00" in before and "$75.00" in before  # 600 mg x $75 of fees-a.csv
    assert main(["--db", db, "print", "cms1500", str(finalized), "-o",
                 str(tmp_path / "claim.pdf")]) == 0
    claim_before = flat(" ".join(page_texts(tmp_path / "claim.pdf")))
    assert "45000 00" in claim_before
    assert main(["--db", db, "data", "import", "fees",
                 fee_file(tmp_path, "fees-b.csv", "90.00")]) == 0
    after = superbill_text(db, finalized, out)
    assert "$45,000.00" in after and "$54,000.00" not in after
    assert main(["--db", db, "print", "cms1500", str(finalized), "-o",
                 str(tmp_path / "claim.pdf"), "--force"]) == 0
    assert flat(" ".join(page_texts(tmp_path / "claim.pdf"))) == claim_before
    drafted = superbill_text(db, draft, tmp_path / "draft.pdf")
    assert "$54,000.00" in drafted and "$90.00" in drafted  # 600 mg x $90 of fees-b.csv
    capsys.readouterr()

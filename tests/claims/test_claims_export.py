"""`ocrebill claims export` and the store's export path (issue 15, item 3) on a real database:
one interchange per batch, control numbers from the database, a claim that fails left out and
named (exit 1), the file private and never overwritten without --force, the claims marked
exported; a replacement as frequency 7 with REF*F8. Golden files of the store's path with a
fixed clock and control numbers; each validated by pyx12 and a corrupted copy refused."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from claims_store import CLOCK, claims_database
from golden_claims import GOLDEN
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.cli import main
from ocrebill_gui.core.x12.validate import validate_837
from ocrebill_gui.store import claims
from ocrebill_gui.store.claim_export import build_export, exported_elsewhere, finish_export

STORE_GOLDEN = {"store-batch-with-replacement.837p": ("office", "second_office"),
                "store-outpatient.837i": ("outpatient",)}


@pytest.fixture
def database(tmp_path: Path, cli_staff) -> tuple[str, dict[str, int]]:
    path = tmp_path / "ocrebill.sqlite"
    visits = claims_database(path)
    return str(cli_staff(path)), visits


def _replace_second(path: str, visit_id: int) -> None:
    """The second office claim was submitted, the payer numbered it, and the visit was then
    amended: its claim is now a replacement (frequency 7)."""
    with store.open_store(path) as db:
        biller = signed("biller")
        one = claims.current_claim(db, biller, visit_id)
        claims.mark_printed(db, biller, [one.id], "cms1500")
        claims.mark_submitted(db, biller, [one.id])
        claims.set_payer_claim_number(db, biller, one.id, "2026120700001")
        visit = store.get_visit(db, biller, visit_id)
        store.amend_visit(db, biller, visit_id, visit.document, "corrected the lot number",
                          expected_revision=visit.revision)


def _golden_texts(path: str, visits: dict[str, int]) -> dict[str, str]:
    _replace_second(path, visits["second_office"])
    texts = {}
    with store.open_store(path) as db:
        for name, keys in STORE_GOLDEN.items():
            plan = build_export(db, signed("biller"), [visits[k] for k in keys],
                                name.rsplit(".", 1)[1], at=CLOCK)
            assert not plan.left_out, plan.left_out
            texts[name] = plan.text
    return texts


def test_the_store_path_matches_its_golden_files(database) -> None:
    path, visits = database
    texts = _golden_texts(path, visits)
    if os.environ.get("OCREBILL_WRITE_GOLDEN"):  # after a deliberate change only
        for name, text in texts.items():
            (GOLDEN / name).write_text(text)
    for name, text in texts.items():
        assert text == (GOLDEN / name).read_text(), name
    batch = texts["store-batch-with-replacement.837p"]
    assert batch.count("CLM*") == 2 and batch.count("ISA*") == 1
    assert f"CLM*{visits['second_office']}*" in batch
    assert ":B:7*" in batch and "REF*F8*2026120700001~" in batch  # the replacement
    assert ":B:1*" in batch  # the original beside it
    assert "*000000001*0*T*:~" in batch  # ISA13 from the database, ISA15 test
    assert "*000000002*0*T*:~" in texts["store-outpatient.837i"]  # never reused
    assert "CLM*" in texts["store-outpatient.837i"] and "13:A:1" in texts[
        "store-outpatient.837i"]


@pytest.mark.parametrize("name", sorted(STORE_GOLDEN))
def test_each_golden_file_passes_pyx12_and_a_corrupted_copy_does_not(name: str) -> None:
    text = (GOLDEN / name).read_text()
    result = validate_837(text)
    assert result.accepted, (result.syntax_errors, result.problems)
    assert "IK5*A" in result.ack_999
    count = re.search(r"~\s*SE\*(\d+)\*", text)
    assert count is not None
    for broken in (text.replace("LIN**N4*", "LIN**XX*", 1),  # a wrong LIN02
                   text.replace(count.group(0), f"~SE*{int(count.group(1)) + 1}*"),  # count
                   re.sub(r"~\s*HI\*[^~]*", "", text, count=1),  # no diagnosis
                   re.sub(r"IEA\*1\*\d{9}", "IEA*1*000000009", text)):  # ISA/IEA mismatch
        assert broken != text
        refused = validate_837(broken)
        assert not refused.accepted and ("IK5*R" in refused.ack_999 or refused.problems
                                         or refused.syntax_errors)


def test_export_a_day_writes_one_private_file_and_marks_its_claims(
        database, tmp_path: Path, capsys) -> None:
    path, visits = database
    out = tmp_path / "day.837"
    assert main(["--db", path, "claims", "export", "--date", "2026-03-04", "--format", "837p",
                 "-o", str(out)]) == 1  # the lacking visit is that day too
    err = capsys.readouterr().err
    assert f"visit {visits['lacking']}: left out: coverage.claim_office_id" in err
    assert f"visit {visits['outpatient']}: not in this file: setting is hospital" in err
    assert "Doe" not in err and "Okafor" not in err  # ids only
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    assert validate_837(text).accepted
    assert text.count("CLM*") == 1 and f"CLM*{visits['office']}*" in text
    with store.open_store(path) as db:
        one = claims.current_claim(db, signed(), visits["office"])
        assert (one.status, one.control_number) == ("exported", "000000001")
        assert one.export_file == str(out.resolve())
        assert claims.current_claim(db, signed(), visits["lacking"]).status == "ready"
    # Again: the file is there; without --force nothing is taken or written.
    assert main(["--db", path, "claims", "export", "--date", "2026-03-04", "--format", "837p",
                 "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    with store.open_store(path) as db:
        assert db.conn.execute("SELECT last_used FROM control_numbers WHERE kind = 'isa'"
                               ).fetchone()[0] == 1
    # With --force: a new interchange number, the exported claim again (not yet submitted).
    assert main(["--db", path, "claims", "export", str(visits["office"]), "--format", "837p",
                 "-o", str(out), "--force"]) == 0
    assert "*000000002*0*T*:~" in out.read_text()
    assert "Wrote" in capsys.readouterr().out


def test_named_visits_of_the_other_file_or_sent_are_left_out(database, tmp_path, capsys):
    path, visits = database
    out = tmp_path / "x.837"
    assert main(["--db", path, "claims", "export", str(visits["office"]),
                 str(visits["outpatient"]), "--format", "837i", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"visit {visits['office']}: left out: setting: is not hospital outpatient" in err
    assert "13:A:1" in out.read_text()
    with store.open_store(path) as db:
        one = claims.current_claim(db, signed(), visits["outpatient"])
        claims.mark_submitted(db, signed("biller"), [one.id])
    assert main(["--db", path, "claims", "export", str(visits["outpatient"]), "--format",
                 "837i", "-o", str(tmp_path / "y.837")]) == 1
    err = capsys.readouterr().err
    assert "is submitted: amend the visit to send a replacement" in err
    assert not (tmp_path / "y.837").exists()
    assert main(["--db", path, "claims", "export", "999", "--format", "837p", "-o",
                 str(tmp_path / "z.837")]) == 1
    assert "visit 999: left out: visit: there is no such visit" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    ([], "give VISIT ids, or --date"),
    (["--date", "2026-03-04", "1"], "one of them"),
    (["--from", "2026-03-04"], "--from and --to go together"),
    (["--from", "2026-03-05", "--to", "2026-03-04"], "--to is before --from"),
])
def test_export_bad_choices_exit_2(database, tmp_path, capsys, args, message) -> None:
    path, _ = database
    code = main(["--db", path, "claims", "export", *args, "--format", "837p", "-o",
                 str(tmp_path / "a.837")])
    assert code == 2 and message in capsys.readouterr().err


def test_export_needs_the_clearinghouse_and_the_biller(database, tmp_path, capsys,
                                                       monkeypatch) -> None:
    path, visits = database
    with store.open_store(path) as db:
        practice = store.practice_settings(db)
        store.save_practice(db, signed("admin", ["admin"]),
                            practice.model_copy(update={"clearinghouse": None}))
    assert main(["--db", path, "claims", "export", str(visits["office"]), "--format", "837p",
                 "-o", str(tmp_path / "a.837")]) == 1
    assert "practice.clearinghouse is not set" in capsys.readouterr().err
    assert main(["--db", path, "--user", "admin", "claims", "setup", "--sender-id",
                 "LAKESIDE01", "--receiver-id", "CLEARHOUSE", "--receiver-name", "House",
                 "--contact-name", "Office", "--contact-phone", "555 010 0100"]) == 0
    assert "usage: T" in capsys.readouterr().out  # test until the practice says P
    assert main(["--db", path, "--user", "admin", "claims", "setup", "--usage", "P"]) == 0
    assert main(["--db", path, "--user", "admin", "claims", "setup", "--contact-phone",
                 "12"]) == 2
    assert "contact_phone" in capsys.readouterr().err
    out = tmp_path / "p.837"
    assert main(["--db", path, "claims", "export", str(visits["office"]), "--format", "837p",
                 "-o", str(out)]) == 0
    assert "*0*P*:~" in out.read_text()
    assert main(["--db", path, "--user", "admin", "claims", "export", str(visits["office"]),
                 "--format", "837p", "-o", str(tmp_path / "b.837")]) == 1
    assert "biller" in capsys.readouterr().err


def test_a_claim_the_validator_refuses_is_found_and_left_out(database, monkeypatch) -> None:
    """pyx12 refusing one claim of a batch: it is found by halving and named; the others go."""
    import ocrebill_gui.core.x12.validate as validate

    path, visits = database
    bad = visits["second_office"]
    real = validate.validate_837

    def refusing(text: str) -> validate.ValidationResult:
        result = real(text)
        if f"CLM*{bad}*" in text:
            return validate.ValidationResult(False, result.ack_999.replace("IK5*A", "IK5*R"),
                                             ["segment CLM: refused for the test"])
        return result

    monkeypatch.setattr(validate, "validate_837", refusing)
    with store.open_store(path) as db:
        plan = build_export(db, signed("biller"), [visits["office"], bad], "837p", at=CLOCK)
        assert plan.written == [visits["office"]]
        assert plan.left_out == {bad: [("837", "segment CLM: refused for the test")]}
        assert f"CLM*{bad}*" not in plan.text
        assert finish_export(db, signed("biller"), plan, "a.837")[0].status == "exported"
        assert claims.current_claim(db, signed(), bad).status == "ready"


def test_a_visit_finalized_before_claims_were_kept_is_exported_and_gets_a_claim(
        database) -> None:
    path, visits = database
    with store.open_store(path) as db:
        db.conn.execute("DELETE FROM claims WHERE visit_id = ?", (visits["office"],))
        db.conn.commit()
        plan = build_export(db, signed("biller"), [visits["office"]], "837p", at=CLOCK)
        assert plan.claim_ids == {visits["office"]: None}
        (record,) = finish_export(db, signed("biller"), plan, "old.837")
        assert (record.visit_id, record.status) == (visits["office"], "exported")


def test_two_exports_of_the_same_claims_at_once_are_named(database) -> None:
    """A second biller exports the day between this export's build and its marking: the
    claims both files hold are named, so that only one file is sent."""
    path, visits = database
    with store.open_store(path) as db:
        mine = build_export(db, signed("biller"), [visits["office"]], "837p", at=CLOCK)
        assert exported_elsewhere(db, mine) == []
        theirs = build_export(db, signed("biller"), [visits["office"]], "837p", at=CLOCK)
        finish_export(db, signed("biller"), theirs, "theirs.837")
        one = claims.current_claim(db, signed(), visits["office"])
        assert exported_elsewhere(db, mine) == [
            f"visit {visits['office']}: claim {one.id} is exported by another export since "
            f"(interchange {theirs.control_number:09d}): send only one of the two files"]

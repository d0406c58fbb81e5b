"""`ocrebill audit`, the audit part of `ocrebill check`, and exports on record."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def signed_in_as_biller(tmp_path, monkeypatch):
    """Commands that sign in do so as the demo's biller (password "demo", from a private
    file); a command that does not sign in ignores these."""
    secret = tmp_path / "password"
    secret.write_text("demo\n", encoding="utf-8")
    secret.chmod(0o600)
    monkeypatch.setenv("OCREBILL_USER", "biller")
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret))


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert run(capsys, "--db", str(path), "demo", "--today", "2026-03-04",
               "--plain")[0] == 0
    return path


def _finalized(path, n: int = 0) -> int:
    with st.open_store(path, read_only=True) as store:
        return store.conn.execute("SELECT id FROM visits WHERE status = 'finalized' ORDER BY "
                                  "id LIMIT 1 OFFSET ?", (n,)).fetchone()[0]


def test_check_passes_a_demo_and_names_a_tampered_row_without_patient_data(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 0 and "Audit trail: ok" in out
    visit_id = _finalized(demo_db, 3)
    conn = sqlite3.connect(demo_db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    row_id, at = conn.execute("SELECT id, at FROM audit_log WHERE entity = 'visit' AND "
                              "entity_id = ?", (str(visit_id),)).fetchone()
    conn.execute("UPDATE audit_log SET at = ? WHERE id = ?", (at.replace(":30:", ":31:"),
                                                             row_id))
    name = conn.execute("SELECT p.name FROM patients p JOIN visits v ON v.patient_id = p.id "
                        "WHERE v.id = ?", (visit_id,)).fetchone()[0]
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "--db", str(demo_db), "check")
    assert code == 1
    assert "Audit trail: FAILED" in out
    assert f"  audit row {row_id} (" in out and f"finalize visit {visit_id})" in out
    assert name not in out + err and name.split(",")[0] not in out + err


def test_check_names_a_visit_whose_claim_was_edited(demo_db, capsys):
    visit_id = _finalized(demo_db, 5)
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE visits SET claim = replace(claim, '\"J2350\"', '\"J2351\"') "
                 "WHERE id = ?", (visit_id,))
    assert conn.total_changes == 1
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 1
    assert f"  visit {visit_id}: its stored claim does not match its finalize entry" in out


def test_audit_by_visit_user_and_dates(demo_db, capsys):
    visit_id = _finalized(demo_db)
    with st.open_store(demo_db, read_only=True) as store:
        claim_id, remittance_id = store.conn.execute(
            "SELECT c.id, r.id FROM claims c JOIN remittances r ON r.claim_id = c.id "
            "WHERE c.visit_id = ?", (visit_id,)).fetchone()
    code, out, err = run(capsys, "--db", str(demo_db), "audit", "--visit", str(visit_id))
    lines = out.splitlines()
    assert code == 0 and not err
    assert lines[0].split()[:4] == ["ID", "When", "(UTC)", "User"]
    # Newest first: the visit's finalize entry, then its claim's history (issue 15): made at
    # finalize, printed or exported, submitted, the remittance and the payment or denial.
    rows = [line.split()[4:7] for line in lines[2:]]  # action, record, its id
    assert len(lines) == 2 + 6 and rows[-1] == ["finalize", "visit", str(visit_id)]
    claim_rows = [row for row in rows if row[1:] == ["claim", str(claim_id)]]
    assert [row[0] for row in claim_rows][1:] == ["submit", claim_rows[2][0], "create"]
    assert claim_rows[0][0] in ("pay", "deny") and claim_rows[2][0] in ("print", "export")
    assert ["create", "remittance", str(remittance_id)] in rows
    code, out, _ = run(capsys, "--db", str(demo_db), "audit", "--by", "nobody")
    assert code == 0 and out == "No audit entries match.\n"
    code, out, _ = run(capsys, "--db", str(demo_db), "audit", "--by", "demo", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 2 + 3 + 1 and "--limit for more" in out
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--from", "2026-03-04", "--to",
                       "2026-03-01")
    assert code == 2 and "is after --to" in err
    with pytest.raises(SystemExit) as exited:
        run(capsys, "--db", str(demo_db), "audit", "--from", "yesterday-ish")
    assert exited.value.code == 2 and "must be a date" in capsys.readouterr().err


def test_audit_by_patient_needs_one_patient(demo_db, capsys):
    with st.open_store(demo_db, read_only=True) as store:
        visit = st.get_visit(store, signed(), _finalized(demo_db))
        patient = st.get_patient(store, signed(), visit.patient_id)
    code, out, _ = run(capsys, "--db", str(demo_db), "audit", "--patient", patient.ref,
                       "--limit", "1000")
    assert code == 0
    rows = out.splitlines()[2:]
    assert rows and all(patient.ref in row for row in rows)
    assert patient.name not in out  # refs in the table; names only in the CSV
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--patient", "a")
    assert code == 2 and "patients match" in err and "give the patient id or MRN" in err
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--patient", "qqqq-none")
    assert code == 2 and "no patient matches" in err


def test_audit_csv_private_and_never_over_a_file_without_force(demo_db, tmp_path, capsys):
    out_file = tmp_path / "audit.csv"
    code, out, _ = run(capsys, "--db", str(demo_db), "audit", "--by", "demo", "--csv",
                       str(out_file))
    with st.open_store(demo_db, read_only=True) as store:
        expected = store.conn.execute("SELECT count(*) FROM audit_log WHERE actor = 'demo'"
                                      ).fetchone()[0]
    assert code == 0 and out == f"Wrote {expected} audit entries to {out_file}\n"
    assert stat.S_IMODE(os.stat(out_file).st_mode) == 0o600
    with open(out_file, newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == expected
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--csv", str(out_file))
    assert code == 2 and "already exists" in err and "--force" in err
    code, _, _ = run(capsys, "--db", str(demo_db), "audit", "--visit", "1", "--csv",
                     str(out_file), "--force")
    assert code == 0
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--force")
    assert code == 2 and "--force goes with --csv" in err


def test_audit_of_a_missing_database_is_exit_1(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.sqlite"), "audit")
    assert code == 1 and "no such database" in err


def test_an_export_is_on_record_once_per_command(demo_db, capsys):
    visit_id = _finalized(demo_db)
    for claim in ([], [], ["--claim"]):
        code, out, _ = run(capsys, "--db", str(demo_db), "export", str(visit_id), *claim)
        assert code == 0 and out.startswith("{")
    with st.open_store(demo_db, read_only=True) as store:
        exports = [e for e in st.audit_entries(store, signed(), visit_id=visit_id)
                   if e.action == "export"]
    assert len(exports) == 3  # each command is a session of its own
    assert len({e.actor for e in exports}) == 1 and exports[0].actor.strip()
    assert [next(c.after for c in e.changes if c.field == "what") for e in exports] == [
        "claim", "document", "document"]


def test_an_export_from_a_read_only_file_says_it_is_not_on_record(demo_db, capsys,
                                                                   monkeypatch):
    from ocrebill_gui.store import db as store_db

    monkeypatch.setattr(store_db, "_writable", lambda _path: False)  # as for a 0444 file
    code, out, err = run(capsys, "--db", str(demo_db), "export", str(_finalized(demo_db)))
    assert code == 0 and out.startswith("{")
    assert err == "note: the database is read-only: this export is not in its audit log\n"


def test_a_print_is_on_record_per_visit(demo_db, tmp_path, capsys):
    visit_id = _finalized(demo_db)
    with st.open_store(demo_db, read_only=True) as store:  # the demo's claims were printed
        before = store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    for _ in range(2):
        code, _, err = run(capsys, "--db", str(demo_db), "print", "superbill", str(visit_id),
                           "-o", str(tmp_path / f"one-{_}.pdf"))
        assert code == 0, err
    with st.open_store(demo_db, read_only=True) as store:
        day = st.get_visit(store, signed(), visit_id).date_of_service
        that_day = [v.id for v in st.visits_on(store, signed(), day) if v.status == "finalized"]
    code, _, err = run(capsys, "--db", str(demo_db), "print", "checklist", "--date",
                       day.isoformat(), "-o", str(tmp_path / "day"))
    assert code == 0, err
    with st.open_store(demo_db, read_only=True) as store:
        printed = [e for e in st.audit_entries(store, signed(), limit=1000)
                   if e.action == "print" and e.id > before]
    assert sorted(int(e.entity_id) for e in printed) == sorted([visit_id, visit_id, *that_day])
    assert {e.entity for e in printed} == {"visit"}


def test_a_print_from_a_read_only_file_says_it_is_not_on_record(demo_db, tmp_path, capsys,
                                                                monkeypatch):
    from ocrebill_gui.store import db as store_db

    monkeypatch.setattr(store_db, "_writable", lambda _path: False)
    code, _, err = run(capsys, "--db", str(demo_db), "print", "superbill",
                       str(_finalized(demo_db)), "-o", str(tmp_path / "ro.pdf"))
    assert code == 0 and (tmp_path / "ro.pdf").exists()
    assert "note: the database is read-only: printing from it is not in its audit log" in err


def test_audit_signs_in_with_user_after_the_command_like_every_command(capsys, demo_db):
    """`--user` after `audit` is the sign-in, as for every command; `--by` filters."""
    code, _, err = run(capsys, "--db", str(demo_db), "audit", "--user", "nurse", "--by", "demo")
    assert code == 1 and "biller" in err  # the nurse signed in, and may not read the log
    code, out, _ = run(capsys, "--db", str(demo_db), "audit", "--user", "admin", "--by", "admin",
                       "--limit", "1")
    assert code == 0 and " admin " in out.splitlines()[2]

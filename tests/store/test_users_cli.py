"""Signing in from the command line and `ocrebill users`: the first administrator of a new
database, accounts added, listed, disabled and reset by an administrator, the password from a
private file or the terminal (getpass replaced here), refusals as one line and exit 1; and the
demo database's accounts."""

from __future__ import annotations

import json
from datetime import date

import pytest
import staff
from store_helpers import FIXTURES

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.cli import sign_in as cli_sign_in
from ocrebill_gui.store import accounts, keys
from ocrebill_gui.store.demo_accounts import open_demo


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def secret(tmp_path, text: str, name: str = "password", mode: int = 0o600):
    path = tmp_path / name
    path.write_text(f"{text}\n", encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture
def terminal(monkeypatch):
    """A terminal that answers the password prompts with `typed` (in order); records them."""
    typed: list[str] = []
    asked: list[str] = []

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return typed.pop(0)

    monkeypatch.setattr(cli_sign_in, "terminal_available", lambda: True)
    monkeypatch.setattr(cli_sign_in.getpass, "getpass", answer)
    monkeypatch.delenv("OCREBILL_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("OCREBILL_USER", raising=False)
    return typed, asked


@pytest.fixture
def clinic_db(tmp_path, monkeypatch):
    """A database whose administrator `pat` signs in with the password file."""
    db = tmp_path / "clinic.sqlite"
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "correct horse")))
    monkeypatch.delenv("OCREBILL_USER", raising=False)
    assert main(["--db", str(db), "users", "add", "pat", "--name", "Pat Lee", "--role",
                 "admin"]) == 0
    return db


def opened(db):
    """The clinic's database (encrypted: a new file's first administrator made it so), opened
    with the key that pat's password unwraps."""
    return st.open_store(db, key=keys.unlock(db, "pat", "correct horse"))


def test_the_first_administrator_creates_a_new_file_encrypted(tmp_path, capsys, monkeypatch):
    import os

    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "correct horse")))
    db = tmp_path / "clinic.sqlite"
    old_umask = os.umask(0o022)
    try:
        code, out, err = run(capsys, "--db", str(db), "users", "add", "pat", "--name",
                             "Pat Lee", "--role", "admin")
    finally:
        os.umask(old_umask)
    assert code == 0, err
    assert "Administrator pat (Pat Lee) created" in out and "encrypted" in out
    assert "it opens the database if every password is lost" in out
    recovery = next(line.strip() for line in out.splitlines() if line.startswith("    "))
    assert recovery.count("-") == 7 and out.count(recovery) == 1  # shown once
    assert keys.unlock_with_recovery(db, recovery) == keys.unlock(db, "pat", "correct horse")
    assert not db.read_bytes().startswith(b"SQLite format 3")
    for path in (db, keys.sidecar_path(db)):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.sqlite", "clinic.sqlite.keys",
                                                          "password"]  # nothing partial left
    code, out, err = run(capsys, "--db", str(db), "--user", "pat", "users", "list")
    assert code == 0 and "pat" in out, err


def test_users_add_plain_creates_a_plain_database(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "correct horse")))
    db = tmp_path / "plain.sqlite"
    code, out, err = run(capsys, "--db", str(db), "users", "add", "pat", "--role", "admin",
                         "--plain")
    assert code == 0, err
    assert "Recovery key" not in out and not keys.sidecar_path(db).exists()
    assert db.read_bytes().startswith(b"SQLite format 3")
    code, _, err = run(capsys, "--db", str(db), "users", "add", "kim", "--role", "admin",
                       "--plain")
    assert code == 2 and "--plain" in err and "exists already" in err


def test_a_bad_first_administrator_makes_no_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "short")))
    db = tmp_path / "clinic.sqlite"
    code, _, err = run(capsys, "--db", str(db), "users", "add", "pat", "--role", "admin")
    assert code == 2 and "password: must have at least 8 characters" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["password"]


def test_the_first_account_is_the_administrator_and_needs_no_sign_in(tmp_path, capsys,
                                                                     monkeypatch):
    db = tmp_path / "new.sqlite"
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "correct horse")))
    code, _, err = run(capsys, "--db", str(db), "users", "add", "kim", "--role", "nurse")
    assert code == 2 and "the first account of a database is its administrator (give --role " \
                         "admin)" in err
    assert not db.exists()  # refused before a file was made
    st.open_store(db).close()  # an empty database: the same answer
    code, _, err = run(capsys, "--db", str(db), "users", "add", "kim", "--role", "nurse")
    assert code == 2 and "the first one is its administrator (give --role admin)" in err
    code, out, _ = run(capsys, "--db", str(db), "users", "add", "pat", "--name", "Pat Lee",
                       "--role", "admin")
    assert code == 0 and "Administrator pat (Pat Lee) created" in out
    with st.open_store(db) as store:
        session = accounts.sign_in(store, "pat", "correct horse")
    assert session.roles == {"admin"} and not session.must_change_password


def test_patient_data_commands_ask_for_the_administrator_first(tmp_path, capsys, monkeypatch):
    db = tmp_path / "empty.sqlite"
    st.open_store(db).close()
    monkeypatch.setenv("OCREBILL_USER", "kim")
    code, out, err = run(capsys, "--db", str(db), "visits")
    assert (code, out) == (1, "")
    assert "has no staff accounts yet: create the administrator first with `ocrebill users " \
           "add LOGIN --role admin`" in err


def test_an_administrator_adds_lists_disables_and_resets(clinic_db, tmp_path, capsys):
    db = str(clinic_db)
    temporary = secret(tmp_path, "first-day-1", "kim-temporary")
    code, out, _ = run(capsys, "--db", db, "--user", "pat", "users", "add", "kim", "--name",
                       "Kim Rivera", "--role", "nurse", "--role", "biller",
                       "--new-password-file", str(temporary))
    assert code == 0 and "Added kim (Kim Rivera; biller, nurse)" in out
    code, out, _ = run(capsys, "--db", db, "users", "list", "--user", "pat")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[2:]]
    assert ["kim", "Kim", "Rivera", "biller,", "nurse", "active,", "temporary", "password"] \
        in rows
    code, out, _ = run(capsys, "--db", db, "--user", "pat", "users", "disable", "kim")
    assert code == 0 and out == "kim is disabled.\n"
    code, _, err = run(capsys, "--db", db, "--user", "pat", "users", "disable", "pat")
    assert code == 1 and "You cannot disable your own account" in err
    code, _, err = run(capsys, "--db", db, "--user", "pat", "users", "add", "kim",
                       "--role", "nurse", "--new-password-file", str(temporary))
    assert code == 2 and "login: 'kim' is taken by another account" in err
    code, out, _ = run(capsys, "--db", db, "--user", "pat", "users", "enable", "kim")
    assert code == 0 and out == "kim is enabled.\n"
    code, out, _ = run(capsys, "--db", db, "--user", "pat", "users", "reset-password", "kim",
                       "--new-password-file", str(secret(tmp_path, "second-day-2", "reset")))
    assert code == 0 and "kim has a temporary password now" in out
    with opened(clinic_db) as store:
        assert accounts.sign_in(store, "kim", "second-day-2").must_change_password


def test_only_an_administrator_manages_accounts(clinic_db, tmp_path, capsys, monkeypatch):
    with opened(clinic_db) as store:
        accounts.add_user(store, accounts.sign_in(store, "pat", "correct horse"), "kim", "Kim",
                          ["nurse"], staff.PASSWORD, must_change=False, password_rule=False)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, staff.PASSWORD, "kim")))
    code, _, err = run(capsys, "--db", str(clinic_db), "--user", "kim", "users", "list")
    assert code == 1
    assert err.strip() == ("ocrebill users: Signed in as kim (nurse): managing staff accounts "
                           "needs the administrator role")


def test_a_wrong_password_or_a_disabled_account_is_exit_1(tmp_path, capsys, cli_staff,
                                                          monkeypatch):
    db = cli_staff(tmp_path / "clinic.sqlite")
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "guess", "wrong")))
    code, out, err = run(capsys, "--db", str(db), "visits")
    assert (code, out) == (1, "")
    assert err.strip() == "Cannot sign in as staff: wrong login name or password"
    with st.open_store(db) as store:  # the failure counts, even for a read-only command
        assert store.conn.execute("SELECT failures FROM users WHERE login = 'staff'"
                                  ).fetchone()[0] == 1
        accounts.set_active(store, accounts.sign_in(store, "admin", staff.PASSWORD), "staff",
                            False)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, staff.PASSWORD, "right")))
    code, _, err = run(capsys, "--db", str(db), "visits")
    assert code == 1
    assert err.strip() == ("Cannot sign in as staff: the account staff is disabled: ask an "
                           "administrator")


def test_a_password_file_others_may_read_is_refused(tmp_path, capsys, cli_staff, monkeypatch):
    db = cli_staff(tmp_path / "clinic.sqlite")
    loose = secret(tmp_path, staff.PASSWORD, "loose", mode=0o644)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(loose))
    code, _, err = run(capsys, "--db", str(db), "visits")
    assert code == 1
    assert f"OCREBILL_PASSWORD_FILE: {loose} can be read by others (mode -rw-r--r--): make " \
           f"it private first (chmod 600 {loose})" in err
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(tmp_path / "missing"))
    code, _, err = run(capsys, "--db", str(db), "visits")
    assert code == 1 and "OCREBILL_PASSWORD_FILE: cannot read" in err


def test_without_a_user_or_a_terminal_the_command_says_how(tmp_path, capsys, cli_staff,
                                                           monkeypatch):
    db = cli_staff(tmp_path / "clinic.sqlite")
    monkeypatch.delenv("OCREBILL_USER")
    code, _, err = run(capsys, "--db", str(db), "visits")
    assert code == 1 and "give --user NAME (or set OCREBILL_USER)" in err
    monkeypatch.delenv("OCREBILL_PASSWORD_FILE")
    monkeypatch.setattr(cli_sign_in, "terminal_available", lambda: False)
    code, _, err = run(capsys, "--db", str(db), "--user", "staff", "visits")
    assert code == 1
    assert "No terminal to ask the password on: set OCREBILL_PASSWORD_FILE" in err


def test_the_password_is_asked_at_the_terminal(tmp_path, capsys, cli_staff, terminal):
    typed, asked = terminal
    db = cli_staff(tmp_path / "clinic.sqlite")
    typed.append(staff.PASSWORD)
    code, out, _ = run(capsys, "--db", str(db), "--user", "staff", "visits")
    assert code == 0 and out == "No visits match.\n"
    assert asked == ["Password for staff: "]


def test_a_temporary_password_is_changed_at_the_terminal_first(tmp_path, capsys, cli_staff,
                                                               terminal):
    typed, asked = terminal
    db = cli_staff(tmp_path / "clinic.sqlite")
    with st.open_store(db) as store:
        staff.account(store, "kim", ["nurse"], must_change=True)
    typed += [staff.PASSWORD, "kims own pass", "kims own typo"]
    code, _, err = run(capsys, "--db", str(db), "--user", "kim", "visits")
    assert code == 1 and "the two passwords typed differ: nothing was changed" in err
    typed += [staff.PASSWORD, "kims own pass", "kims own pass"]
    code, out, err = run(capsys, "--db", str(db), "--user", "kim", "visits")
    assert code == 0 and "choose your own" in err and out == "No visits match.\n"
    assert asked[-3:] == ["Password for kim: ", "New password: ", "New password again: "]
    with st.open_store(db) as store:
        assert not accounts.sign_in(store, "kim", "kims own pass").must_change_password


def test_with_a_password_file_a_temporary_password_is_changed_by_users_password(
        tmp_path, capsys, cli_staff):
    db = cli_staff(tmp_path / "clinic.sqlite")
    with st.open_store(db) as store:
        staff.account(store, "kim", ["nurse"], must_change=True)
    code, _, err = run(capsys, "--db", str(db), "--user", "kim", "visits")
    assert code == 1 and "kim must choose a new password first" in err
    assert "ocrebill users password --new-password-file FILE" in err
    mine = secret(tmp_path, "kims own pass", "mine")
    code, out, _ = run(capsys, "--db", str(db), "--user", "kim", "users", "password",
                       "--new-password-file", str(mine))
    assert code == 0 and out == "Password of kim changed.\n"


def test_each_command_needs_its_role(tmp_path, capsys, cli_staff, monkeypatch):
    db = cli_staff(tmp_path / "clinic.sqlite")
    with st.open_store(db) as store:
        staff.account(store, "amy", ["front_desk"])
    monkeypatch.setenv("OCREBILL_USER", "amy")
    visit = str(FIXTURES / "01-standard-600mg.json")
    code, out, _ = run(capsys, "--db", str(db), "import", visit)
    assert code == 0 and "imported as visit 1" in out  # the front desk imports
    code, _, err = run(capsys, "--db", str(db), "import", "--finalize", visit)
    assert code == 1 and "finalizing, amending or reopening a visit needs the biller" in err
    code, _, err = run(capsys, "--db", str(db), "export", "1")
    assert code == 1 and "exporting a visit needs the biller role" in err
    code, _, err = run(capsys, "--db", str(db), "print", "superbill", "1", "-o",
                       str(tmp_path / "out.pdf"))
    assert code == 1 and "printing a visit needs the biller or nurse role" in err
    code, _, err = run(capsys, "--db", str(db), "backup", str(tmp_path / "copy.sqlite"))
    assert code == 1 and "backing up the database needs the administrator role" in err
    assert not (tmp_path / "out.pdf").exists() and not (tmp_path / "copy.sqlite").exists()
    with st.open_store(db) as store:
        assert store.conn.execute("SELECT actor FROM audit_log WHERE entity = 'visit' AND "
                                  "action = 'create'").fetchone()[0] == "amy"


def test_compute_and_rules_need_no_sign_in(capsys, monkeypatch):
    monkeypatch.delenv("OCREBILL_USER", raising=False)
    monkeypatch.delenv("OCREBILL_PASSWORD_FILE", raising=False)
    monkeypatch.setattr(cli_sign_in, "terminal_available", lambda: False)
    code, out, _ = run(capsys, "compute", str(FIXTURES / "01-standard-600mg.json"), "--json")
    assert code == 0 and json.loads(out)["format"] == "ocrebill.claim/1"
    code, out, _ = run(capsys, "rules")
    assert code == 0 and out


def test_a_demo_database_has_an_account_per_role(tmp_path, capsys, monkeypatch):
    db = tmp_path / "demo.sqlite"
    code, out, _ = run(capsys, "--db", str(db), "demo", "--visits", "10", "--today",
                       "2026-03-04")
    assert code == 0
    assert ('Staff accounts, password "demo": admin (administrator), frontdesk (front desk), '
            "nurse (nurse), biller (biller)") in out
    assert not db.read_bytes().startswith(b"SQLite format 3")  # encrypted by default
    with open_demo(db) as store:
        assert st.practice_settings(store).demo
        for login, role in (("admin", "admin"), ("frontdesk", "front_desk"),
                            ("nurse", "nurse"), ("biller", "biller")):
            session = accounts.sign_in(store, login, "demo")
            assert session.roles == {role} and not session.must_change_password
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret(tmp_path, "demo")))
    code, out, _ = run(capsys, "--db", str(db), "--user", "nurse", "visits", "--date",
                       "2026-03-04")
    assert code == 0 and out
    code, _, err = run(capsys, "--db", str(db), "demo")
    assert code == 1 and "demo data only goes into a new file" in err


def test_demo_accounts_are_rehashed_with_the_real_parameters_at_first_sign_in(tmp_path):
    db = tmp_path / "demo.sqlite"
    st.create_demo_database(db, patients=2, visits=2, today=date(2026, 3, 4))
    with st.open_store(db) as store:
        before = store.conn.execute("SELECT password_hash FROM users WHERE login = 'nurse'"
                                    ).fetchone()[0]
        accounts.sign_in(store, "nurse", "demo")
        after = store.conn.execute("SELECT password_hash FROM users WHERE login = 'nurse'"
                                   ).fetchone()[0]
    assert "m=1024,t=1,p=1" in before  # made cheaply: the password is public
    assert after != before and "m=1024,t=1,p=1" not in after


def test_import_into_a_new_file_makes_no_plain_database(tmp_path, capsys, monkeypatch):
    """Only the first administrator makes a database (encrypted): an import that cannot sign
    in leaves no empty plain file for `users add` to find later."""
    monkeypatch.setenv("OCREBILL_USER", "pat")
    document = tmp_path / "visit.json"
    document.write_text((FIXTURES / "01-standard-600mg.json").read_text())
    db = tmp_path / "clinic.sqlite"
    code, _, err = run(capsys, "--db", str(db), "import", str(document))
    assert code == 1 and "no such database" in err
    assert not list(tmp_path.glob("clinic.sqlite*"))


def test_a_new_file_in_a_missing_folder_is_refused_before_the_password(tmp_path, capsys,
                                                                      terminal):
    typed, asked = terminal
    code, _, err = run(capsys, "--db", str(tmp_path / "typo" / "clinic.sqlite"), "users", "add",
                       "pat", "--role", "admin")
    assert code == 1 and "no such folder" in err and asked == []
    assert not (tmp_path / "typo").exists()


def test_an_administrator_replaces_a_lost_recovery_key(clinic_db, tmp_path, capsys):
    """`users recovery-key`: the new key printed once (and on the sheet), the old one no
    longer opens the database; a plain database has none to replace."""
    capsys.readouterr()
    sheet = tmp_path / "recovery.pdf"
    code, out, err = run(capsys, "--db", str(clinic_db), "--user", "pat", "users",
                         "recovery-key", "--recovery-pdf", str(sheet))
    assert code == 0, err
    new = next(line.strip() for line in out.splitlines() if line.startswith("    "))
    assert out.count(new) == 1 and sheet.stat().st_mode & 0o777 == 0o600
    key = keys.unlock(clinic_db, "pat", "correct horse")
    assert keys.unlock_with_recovery(clinic_db, new) == key
    assert set(keys.read_sidecar(clinic_db).data) >= {"recovery"}
    assert "recovery_previous" not in keys.read_sidecar(clinic_db).data
    plain = tmp_path / "plain.sqlite"
    assert main(["--db", str(plain), "users", "add", "ana", "--role", "admin", "--plain"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--db", str(plain), "--user", "ana", "users", "recovery-key")
    assert code == 1 and "not encrypted" in err and not out.strip()

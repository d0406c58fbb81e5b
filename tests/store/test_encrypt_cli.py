"""The commands on encrypted databases: `ocrebill demo --encrypt`, the sign-in that unlocks the
key file before a command opens the file, `ocrebill encrypt`, and the refusals (wrong password,
a disabled account, plain and encrypted mixed up, a missing key file): one line, exit 1,
nothing changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ocrebill_gui.cli import main
from ocrebill_gui.store import db as store_db
from ocrebill_gui.store import keys

TODAY = "2026-03-02"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch, tmp_path):
    """Each `main()` as its own process would be: no key nor password from an earlier one."""
    from ocrebill_gui.cli import sign_in

    store_db.forget_keys()
    monkeypatch.setattr(sign_in, "_typed", {})
    monkeypatch.delenv("OCREBILL_USER", raising=False)
    password = tmp_path / "password"
    password.write_text("demo\n")
    password.chmod(0o600)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(password))
    yield
    store_db.forget_keys()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    store_db.forget_keys()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()
            and p.name != "password"}


@pytest.fixture
def encrypted_demo(tmp_path, capsys) -> Path:
    db = tmp_path / "demo.sqlite"
    code, out, _ = run(capsys, "--db", str(db), "demo", "--today", TODAY)
    assert code == 0 and ", encrypted" in out  # the default
    return db


def test_commands_sign_in_to_the_key_file_then_run(encrypted_demo, capsys) -> None:
    code, out, err = run(capsys, "--db", str(encrypted_demo), "--user", "nurse", "visits",
                         "--date", TODAY)
    assert code == 0, err
    assert out.strip()
    code, out, err = run(capsys, "--db", str(encrypted_demo), "--user", "admin", "check")
    assert code == 0, err


@pytest.mark.parametrize("user, message", [
    ("nurse-typo", "Cannot sign in as nurse-typo: wrong login name or password"),
    (None, "Sign in to use the database: give --user NAME"),
])
def test_a_refused_sign_in_is_one_line_exit_1_and_changes_nothing(
        encrypted_demo, capsys, user, message) -> None:
    before = _files(encrypted_demo.parent)
    code, out, err = run(capsys, "--db", str(encrypted_demo),
                         *(["--user", user] if user else []), "visits", "--date", TODAY)
    assert code == 1 and message in err and out == ""
    assert _files(encrypted_demo.parent) == before


def test_a_wrong_password_counts_in_the_key_file(encrypted_demo, capsys, tmp_path,
                                                  monkeypatch) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    wrong.chmod(0o600)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(wrong))
    code, _, err = run(capsys, "--db", str(encrypted_demo), "--user", "biller", "visits",
                       "--date", TODAY)
    assert code == 1 and "Cannot sign in as biller: wrong login name or password" in err
    assert keys.read_sidecar(encrypted_demo).data["failures"]["biller"]["count"] == 1


def test_a_disabled_account_is_told_so(encrypted_demo, capsys) -> None:
    code, _, err = run(capsys, "--db", str(encrypted_demo), "--user", "admin", "users",
                       "disable", "biller")
    assert code == 0, err
    code, _, err = run(capsys, "--db", str(encrypted_demo), "--user", "biller", "visits",
                       "--date", TODAY)
    assert code == 1 and "the account biller is disabled" in err


def test_an_encrypted_file_without_its_key_file_is_refused_clearly(encrypted_demo,
                                                                   capsys) -> None:
    keys.sidecar_path(encrypted_demo).unlink()
    before = _files(encrypted_demo.parent)
    code, _, err = run(capsys, "--db", str(encrypted_demo), "--user", "nurse", "visits",
                       "--date", TODAY)
    assert code == 1 and "encrypted without a key file beside it" in err
    assert _files(encrypted_demo.parent) == before


def test_a_backup_of_an_encrypted_database_opens_with_the_same_accounts(
        encrypted_demo, capsys, tmp_path) -> None:
    target = tmp_path / "copy" / "backup.sqlite"
    target.parent.mkdir()
    code, _, err = run(capsys, "--db", str(encrypted_demo), "--user", "admin", "backup",
                       str(target))
    assert code == 0, err
    assert keys.sidecar_path(target).exists()
    assert not target.read_bytes().startswith(b"SQLite format 3")
    code, out, err = run(capsys, "--db", str(target), "--user", "frontdesk", "visits",
                         "--date", TODAY)
    assert code == 0, err


def test_ocrebill_encrypt_converts_a_plain_demo(tmp_path, capsys) -> None:
    db = tmp_path / "plain.sqlite"
    assert run(capsys, "--db", str(db), "demo", "--today", TODAY, "--plain")[0] == 0
    code, out, err = run(capsys, "--db", str(db), "--user", "nurse", "encrypt")
    assert code == 1 and "needs the administrator role" in err
    assert db.read_bytes().startswith(b"SQLite format 3")
    code, out, err = run(capsys, "--user", "admin", "encrypt", "--db", str(db))
    assert code == 0, err
    recovery = next(line.strip() for line in out.splitlines()
                    if line.strip().count("-") == 7)
    assert keys.unlock_with_recovery(db, recovery) == keys.unlock(db, "admin", "demo")
    assert "biller, frontdesk, nurse" in out
    assert not Path(f"{db}.plain-backup").exists()
    code, _, err = run(capsys, "--db", str(db), "--user", "admin", "check")
    assert code == 0, err
    code, _, err = run(capsys, "--db", str(db), "--user", "nurse", "visits", "--date", TODAY)
    assert code == 1 and "ask an administrator to reset the password" in err
    code, _, err = run(capsys, "--user", "admin", "encrypt", "--db", str(db))
    assert code == 1 and "encrypted already" in err


def test_the_recovery_key_can_be_printed_from_a_private_pdf(tmp_path, capsys) -> None:
    import pypdf

    db = tmp_path / "plain.sqlite"
    assert run(capsys, "--db", str(db), "demo", "--today", TODAY, "--plain")[0] == 0
    sheet = tmp_path / "recovery.pdf"
    sheet.write_bytes(b"mine")
    code, _, err = run(capsys, "--user", "admin", "encrypt", "--db", str(db), "--recovery-pdf",
                       str(sheet))
    assert code == 1 and "exists already" in err and sheet.read_bytes() == b"mine"
    assert db.read_bytes().startswith(b"SQLite format 3")  # refused before anything was done
    sheet.unlink()
    code, out, err = run(capsys, "--user", "admin", "encrypt", "--db", str(db), "--recovery-pdf",
                         str(sheet))
    assert code == 0, err
    recovery = next(line.strip() for line in out.splitlines()
                    if line.strip().count("-") == 7)
    assert sheet.stat().st_mode & 0o777 == 0o600
    text = pypdf.PdfReader(sheet).pages[0].extract_text()
    assert "  ".join(recovery.split("-")[:4]) in text and "plain.sqlite" in text


def test_a_plain_database_works_as_before(tmp_path, capsys) -> None:
    db = tmp_path / "plain.sqlite"
    assert run(capsys, "--db", str(db), "demo", "--today", TODAY, "--plain")[0] == 0
    assert not keys.sidecar_path(db).exists()
    code, _, err = run(capsys, "--db", str(db), "--user", "nurse", "visits", "--date", TODAY)
    assert code == 0, err
    assert date.fromisoformat(TODAY)

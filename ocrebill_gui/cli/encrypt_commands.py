"""`ocrebill encrypt`: convert a plain database into an encrypted one (store/encryption.py).

    ocrebill --user admin encrypt --db ocrebill.sqlite            # asks the password
    ocrebill --user admin encrypt --db ocrebill.sqlite --keep-plain

An administrator signs in (the key is wrapped for them); the recovery key is printed once, to
write down or print, and only then is the conversion done. The other accounts' passwords are
not known here: an administrator resets them (`ocrebill users reset-password LOGIN`), which
wraps the key for them. Exit 0 done, 1 refused (sign-in, no accounts, damaged, encrypted
already: nothing changed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.sign_in import add_user_option
    from ocrebill_gui.cli.store_commands import _common

    p = sub.add_parser("encrypt", help="encrypt a plain database (SQLCipher) as its "
                                       "administrator", description=__doc__.split("\n\n")[0])
    _common(p, writes=True)
    p.add_argument("--keep-plain", action="store_true",
                   help="keep the original as FILE.plain-backup (0600) after the encrypted "
                        "copy is verified (default: removed then: a plain copy of the "
                        "patient data would undo the encryption)")
    add_recovery_pdf_option(p)
    add_user_option(p)
    p.set_defaults(handler=run_encrypt)


def run_encrypt(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.sign_in import login_name, password_for
    from ocrebill_gui.store import StoreError, resolve_db_path
    from ocrebill_gui.store.encryption import encrypt_database

    path = resolve_db_path(getattr(args, "db", None))
    try:
        sheet = recovery_sheet_path(args)
        if not path.exists():
            raise StoreError(f"{path}: no such database")
        login = login_name(args)
        report = encrypt_database(path, login, password_for(login), keep_plain=args.keep_plain)
    except StoreError as exc:
        print(f"ocrebill encrypt: {exc}", file=sys.stderr)
        return 1
    print(f"{report.path} is encrypted: {report.counts.get('visits', 0)} visits, "
          f"{report.counts.get('patients', 0)} patients, {report.audit_rows} audit entries "
          "verified in the encrypted copy.")
    show_recovery_key(report.path, report.recovery_key, sheet, "ocrebill encrypt")
    if report.plain_backup is not None:
        print(f"The plain original is kept as {report.plain_backup}: delete it once you no "
              "longer need it (it is not encrypted).")
    if report.without_wrap:
        print("These accounts cannot open the encrypted database until an administrator "
              "resets their password (ocrebill users reset-password LOGIN): "
              + ", ".join(report.without_wrap))
    return 0


RECOVERY_KEY_NOTE = ("Recovery key (shown once: write it down or print it, and keep it apart "
                     "from the computer; it opens the database if every password is lost):")


def add_recovery_pdf_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recovery-pdf", metavar="FILE",
                        help="also write the recovery key to FILE, a one-page PDF to print "
                             "(0600; an existing file is refused before anything is done)")


def recovery_sheet_path(args: argparse.Namespace) -> Path | None:
    """--recovery-pdf FILE, checked before anything is done (StoreError: it exists already,
    or its folder does not)."""
    from ocrebill_gui.store import StoreError

    sheet = Path(args.recovery_pdf).expanduser() if args.recovery_pdf else None
    if sheet is not None and (os.path.lexists(sheet) or not sheet.parent.is_dir()):
        raise StoreError(f"--recovery-pdf: {sheet} exists already, or its folder does not: "
                         "nothing was done")
    return sheet


def show_recovery_key(database: Path, recovery_key: str, sheet: Path | None,
                      command: str) -> None:
    """The recovery key on stdout, once, with what it is for; and on the --recovery-pdf sheet."""
    print(f"\n{RECOVERY_KEY_NOTE}\n")
    print(f"    {recovery_key}\n")
    if sheet is None:
        return
    from datetime import datetime

    from ocrebill_gui.reports.recovery_sheet import write_recovery_sheet

    try:
        write_recovery_sheet(sheet, database, recovery_key, datetime.now())
        print(f"The recovery key is also in {sheet} (0600): print it, then delete the file.")
    except OSError as exc:
        print(f"{command}: could not write {sheet} ({exc.strerror or exc}): copy the key above "
              "by hand", file=sys.stderr)

"""`ocrebill users`: the staff accounts of the database (store/accounts.py).

    ocrebill users add pat --name "Pat Lee" --role admin    # a database without accounts:
                                                            # its administrator, no sign-in
    ocrebill --user pat users add kim --name "Kim Rivera" --role nurse --role biller
    ocrebill --user pat users list
    ocrebill --user pat users disable kim                   # and: users enable kim
    ocrebill --user pat users reset-password kim            # temporary: changed at next sign-in
    ocrebill --user kim users password                      # change your own password
    ocrebill --user pat users recovery-key                  # a new recovery key (lost one)

A new (or reset) password is typed twice at the terminal, or read from --new-password-file
FILE (its first line; a file only its owner may read); the first administrator's may also come
from $OCREBILL_PASSWORD_FILE, the file they will sign in with. Everything but the first
administrator needs an administrator signed in. The first administrator on a file that does
not exist yet creates it encrypted (store/encryption.py) and the recovery key is printed once
(--recovery-pdf FILE also puts it on a page to print); --plain creates a plain one. Exit 0
done, 1 sign-in refused, not allowed or the database refused, 2 bad input (a login taken, a
password too short...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocrebill_gui.store import Store

EXIT_STORE, EXIT_INPUT = 1, 2
ROLE_NAMES = {"front_desk": "front_desk", "front-desk": "front_desk", "frontdesk": "front_desk",
              "nurse": "nurse", "biller": "biller", "admin": "admin",
              "administrator": "admin"}


def _role(text: str) -> str:
    role = ROLE_NAMES.get(text.strip().lower())
    if role is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a role: choose front_desk, nurse, "
                                         "biller or admin")
    return role


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.encrypt_commands import add_recovery_pdf_option
    from ocrebill_gui.cli.sign_in import add_user_option

    users = sub.add_parser("users", help="staff accounts: add, list, disable, enable, reset a "
                                         "password", description=__doc__.split("\n\n")[0])
    what = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, *, login: bool = True) -> argparse.ArgumentParser:
        p = what.add_parser(name, help=help_text, description=help_text)
        if login:
            p.add_argument("login", metavar="LOGIN")
        p.add_argument("--db", default=argparse.SUPPRESS,
                       help="SQLite database file (default: $OCREBILL_DB or the user data "
                            "folder)")
        add_user_option(p)
        p.set_defaults(handler=run_users)
        return p

    p = action("add", "add a staff account (on a database without any: its administrator)")
    p.add_argument("--name", default="", help="display name, e.g. \"Kim Rivera\" (default: "
                                              "the login)")
    p.add_argument("--role", dest="roles", action="append", type=_role, required=True,
                   metavar="ROLE", help="front_desk, nurse, biller or admin; repeat for more "
                                        "than one")
    p.add_argument("--new-password-file", metavar="FILE",
                   help="read the account's first password from FILE instead of asking")
    p.add_argument("--plain", action="store_true",
                   help="with a database file that does not exist yet: create it plain "
                        "(not encrypted; the default is an encrypted database)")
    add_recovery_pdf_option(p)
    action("list", "list the staff accounts", login=False)
    action("disable", "disable an account (it can no longer sign in)")
    action("enable", "enable a disabled account again")
    p = action("reset-password", "give an account a temporary password (to change at its next "
                                 "sign-in) and lift its lock after failed attempts")
    p.add_argument("--new-password-file", metavar="FILE",
                   help="read the temporary password from FILE instead of asking")
    p = action("password", "change your own password", login=False)
    p.add_argument("--new-password-file", metavar="FILE",
                   help="read the new password from FILE instead of asking")
    p = action("recovery-key", "replace the recovery key of an encrypted database (the old one "
                               "stops opening it once the new one is shown)", login=False)
    add_recovery_pdf_option(p)


def _fail(message: str, code: int = EXIT_STORE) -> int:
    print(f"ocrebill users: {message}", file=sys.stderr)
    return code


def run_users(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import InvalidRecord, StoreError, open_store, resolve_db_path

    path = resolve_db_path(getattr(args, "db", None))
    adding = args.users_command == "add"
    if adding and set(args.roles) != {"admin"} and not path.exists():
        return _fail(f"{path} does not exist yet: the first account of a database is its "
                     "administrator (give --role admin)", EXIT_INPUT)
    if adding and args.plain and path.exists():
        return _fail(f"--plain: {path} exists already (it stays as it is)", EXIT_INPUT)
    if adding and not args.plain and isinstance(path, Path) and not path.exists():
        return _create_encrypted(args, path)  # (a server always exists)
    try:  # only the first administrator makes a new database file
        store = open_store(path, create=adding)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        with store:
            return COMMANDS[args.users_command](args, store)
    except InvalidRecord as exc:
        return _fail("; ".join(exc.lines()), EXIT_INPUT)
    except StoreError as exc:  # sign-in refused, not allowed, the database refused
        return _fail(str(exc))


def _create_encrypted(args: argparse.Namespace, path: Path) -> int:
    """The first administrator on a new file: the database created encrypted, the recovery
    key printed once."""
    from ocrebill_gui.cli.encrypt_commands import recovery_sheet_path, show_recovery_key
    from ocrebill_gui.cli.sign_in import new_password
    from ocrebill_gui.store import InvalidRecord, StoreError
    from ocrebill_gui.store.db import folder_for
    from ocrebill_gui.store.encryption import create_encrypted_database, refuse_lone_key_file

    try:
        sheet = recovery_sheet_path(args)
        folder_for(path)  # refusals that need no password come before it is asked
        refuse_lone_key_file(path)
        password = new_password(args.new_password_file, f"Password for {args.login}",
                                fallback_to_own_file=True)
        store, admin, recovery = create_encrypted_database(path, args.login, args.name,
                                                           password)
    except InvalidRecord as exc:
        return _fail("; ".join(exc.lines()), EXIT_INPUT)
    except StoreError as exc:
        return _fail(str(exc))
    store.close()
    print(f"Administrator {admin.login} ({admin.display_name}) created in {path}, a new "
          f"encrypted database (its key file: {path.name}.keys, keep it beside it). Sign in "
          f"with --user {admin.login} to add the other accounts.")
    show_recovery_key(path, recovery, sheet, "ocrebill users")
    return 0


def _add(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.sign_in import new_password, signed_in
    from ocrebill_gui.store.accounts import ROLES, add_user, create_first_admin, has_accounts

    roles = sorted(set(args.roles))
    if not has_accounts(store):
        if roles != ["admin"]:
            return _fail(f"{store.path} has no accounts yet: the first one is its "
                         "administrator (give --role admin)", EXIT_INPUT)
        password = new_password(args.new_password_file, f"Password for {args.login}",
                                fallback_to_own_file=True)
        admin = create_first_admin(store, args.login, args.name, password)
        print(f"Administrator {admin.login} ({admin.display_name}) created in {store.path}. "
              f"Sign in with --user {admin.login} to add the other accounts.")
        return 0
    admin = signed_in(args, store, "accounts.manage")
    password = new_password(args.new_password_file, f"Temporary password for {args.login}")
    account = add_user(store, admin, args.login, args.name, roles, password)
    print(f"Added {account.login} ({account.display_name}; "
          f"{', '.join(ROLES[r] for r in account.roles)}). The password is temporary: "
          f"{account.login} chooses their own at the first sign-in.")
    return 0


def _list(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.store.accounts import ROLES, list_accounts

    admin = signed_in(args, store, "accounts.manage")
    rows = []
    for account in list_accounts(store, admin):
        state = "active" if account.active else "disabled"
        if account.must_change_password:
            state += ", temporary password"
        if account.locked_until:
            state += f", locked until {account.locked_until}"
        rows.append((account.login, account.display_name,
                     ", ".join(ROLES[r] for r in account.roles), state))
    table = [("Login", "Name", "Roles", "State"), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for index, row in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return 0


def _set_active(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.store.accounts import set_active

    active = args.users_command == "enable"
    admin = signed_in(args, store, "accounts.manage")
    account = set_active(store, admin, args.login, active)
    print(f"{account.login} is {'enabled' if account.active else 'disabled'}.")
    return 0


def _reset(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.sign_in import new_password, signed_in
    from ocrebill_gui.store.accounts import reset_password

    admin = signed_in(args, store, "accounts.manage")
    temporary = new_password(args.new_password_file, f"Temporary password for {args.login}")
    reset_password(store, admin, args.login, temporary)
    print(f"{args.login.strip().lower()} has a temporary password now, to change at the next "
          "sign-in; a lock after failed attempts is lifted.")
    return 0


def _password(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.sign_in import new_password, sign_in_as
    from ocrebill_gui.store.accounts import change_password

    session, current = sign_in_as(args, store, change_now=False)
    chosen = new_password(args.new_password_file, "New password")
    change_password(store, session, current, chosen)
    print(f"Password of {session.login} changed.")
    return 0


def _recovery_key(args: argparse.Namespace, store: Store) -> int:
    from ocrebill_gui.cli.encrypt_commands import recovery_sheet_path, show_recovery_key
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.store.db import database_file
    from ocrebill_gui.store.recovery import recovery_key_shown, replace_recovery_key

    sheet = recovery_sheet_path(args)
    admin = signed_in(args, store, "accounts.manage")
    recovery = replace_recovery_key(store, admin)
    print(f"A new recovery key for {store.path}; the one it replaces no longer opens it.")
    show_recovery_key(database_file(store), recovery, sheet, "ocrebill users")
    recovery_key_shown(store)
    return 0


COMMANDS = {"add": _add, "list": _list, "disable": _set_active, "enable": _set_active,
            "reset-password": _reset, "password": _password, "recovery-key": _recovery_key}

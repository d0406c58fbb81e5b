"""`ocrebill server`: a practice on a PostgreSQL server (docs/server.md).

    ocrebill server init postgresql://ocrebill@db.clinic.lan/clinic --user pat --name "Pat Lee"
    ocrebill server migrate clinic.sqlite server:clinic --user pat
    ocrebill server restore clinic-20261207-0200.dump server:clinic

`init` makes the schema and the first administrator on an empty database (the password typed
twice, or from --new-password-file / $OCREBILL_PASSWORD_FILE, as for `users add`). `migrate`
moves a single PC's database file (plain or encrypted: sign in as one of its administrators)
onto an empty server database, then compares every table's rows and verifies the audit chain
there. `restore` puts a backup back onto an empty database: a dump `ocrebill backup` wrote with
pg_dump (checked against the manifest beside it), or a database file (the logical backup, or
any file backup: as `migrate`). A database that is not empty is refused, naming what it holds.
The server is a URL or server:NAME (a named connection: no password on the command line); a
server that is not on this computer is reached with TLS only. Exit 0 done and verified, 1 the
server or the file refused or a check failed (the table named), 2 bad input.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

EXIT_STORE, EXIT_INPUT = 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.sign_in import add_user_option

    server = sub.add_parser("server", help="a practice on a PostgreSQL server: init, migrate, "
                                           "restore", description=__doc__.split("\n\n")[0])
    what = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    url_help = "postgresql://USER@HOST/DATABASE, or server:NAME (a named connection)"

    p = what.add_parser("init", help="the schema and the first administrator on an empty "
                                     "database", description="Create OcreBill's tables and "
                                                             "its first administrator on an "
                                                             "empty server database.")
    p.add_argument("url", metavar="URL", help=url_help)
    p.add_argument("--user", dest="sign_in_user", metavar="LOGIN", required=True,
                   help="the administrator's login")
    p.add_argument("--name", default="", help="display name (default: the login)")
    p.add_argument("--new-password-file", metavar="FILE",
                   help="read the administrator's password from FILE instead of asking")
    p.set_defaults(handler=run_init, store_free=True)

    for name, handler, short, what_for, first, first_help in (
            ("migrate", run_migrate, "move a database file onto an empty server database",
             "move a database file onto an empty server database", "file",
             "the database file (plain or encrypted)"),
            ("restore", run_restore, "load a backup into an empty server database",
             "load a backup (a pg_dump dump written by `ocrebill backup`, or a database file) "
             "into an empty server database", "backup", "NAME.dump or a database file")):
        p = what.add_parser(name, help=short,
                            description=f"{what_for[:1].upper()}{what_for[1:]}, then compare "
                                        "every table's rows and verify the audit chain there.")
        p.add_argument(first, metavar=first.upper(), help=first_help)
        p.add_argument("url", metavar="URL", help=url_help)
        add_user_option(p)
        p.set_defaults(handler=handler, store_free=True)


def _fail(args: argparse.Namespace, message: str, code: int = EXIT_STORE) -> int:
    print(f"ocrebill server {args.server_command}: {message}", file=sys.stderr)
    return code


def _address(args: argparse.Namespace):
    """The server of the command's URL, or a StoreError saying why not (bad input)."""
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.store.server import is_server, server_address

    if not is_server(args.url):
        raise StoreError(f"{args.url} is not a server: give postgresql://USER@HOST/DATABASE "
                         "or server:NAME")
    return server_address(args.url)


def run_init(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.sign_in import new_password
    from ocrebill_gui.store import InvalidRecord, StoreError
    from ocrebill_gui.store.server_move import init_server, is_superuser

    try:
        address = _address(args)
    except StoreError as exc:
        return _fail(args, str(exc), EXIT_INPUT)
    try:
        password = new_password(args.new_password_file, f"Password for {args.sign_in_user}",
                                fallback_to_own_file=True)
        store, admin = init_server(address, args.sign_in_user, args.name, password)
    except InvalidRecord as exc:
        return _fail(args, "; ".join(exc.lines()), EXIT_INPUT)
    except StoreError as exc:
        return _fail(args, str(exc))
    with store:
        if is_superuser(store):
            print(f"Note: the server signs OcreBill in as {address.user or 'its user'}, a "
                  "superuser: give the practice a role of its own that owns only its "
                  "database (docs/server.md, least privilege).", file=sys.stderr)
    print(f"OcreBill's tables and the administrator {admin.login} ({admin.display_name}) "
          f"created on {address}. Point each workstation at it (--db or $OCREBILL_DB) and "
          f"sign in as {admin.login} to add the other accounts.")
    return 0


def _source_file(args: argparse.Namespace, text: str) -> Path | str:
    """The database file named on the command line, or why it is not one (a message)."""
    from ocrebill_gui.store.server import is_server

    if is_server(text):
        return f"{text} is a server: give the database file to move"
    path = Path(text).expanduser()
    if not path.is_file():
        return f"{path}: no such database file"
    return path


def _working_copy(path: Path, folder: Path) -> Path:
    """A private copy of a backup file (and its key file) to restore from: the backup itself
    is never upgraded to this OcreBill's schema or signed into."""
    from ocrebill_gui.files import create_private

    for source in (path, Path(f"{path}.keys")):
        if source.exists():
            copy = folder / source.name
            create_private(copy)
            shutil.copyfile(source, copy)
    return folder / path.name


def _sign_in_file(args: argparse.Namespace, path: Path):
    """Open the file as one of its administrators: (store, session). An encrypted file is
    unlocked with the same login and password (its key file beside it)."""
    from ocrebill_gui.cli.sign_in import login_name, password_for
    from ocrebill_gui.store import StoreError, open_store
    from ocrebill_gui.store.accounts import SignInRefused, has_accounts, require, sign_in
    from ocrebill_gui.store.db import file_is_encrypted
    from ocrebill_gui.store.keys import UnlockRefused, unlock

    login = login_name(args)
    password = password_for(login)
    key = None
    if file_is_encrypted(path):
        try:
            key = unlock(path, login, password)
        except UnlockRefused as exc:
            raise SignInRefused(f"Cannot sign in as {login}: {exc}") from None
    store = open_store(path, create=False, key=key)  # brought to this OcreBill's schema
    try:
        if not has_accounts(store):
            raise StoreError(f"{path} has no staff accounts: create its administrator first "
                             "(`ocrebill users add LOGIN --role admin`)")
        try:
            session = sign_in(store, login, password)
        except SignInRefused as exc:
            raise SignInRefused(f"Cannot sign in as {login}: {exc}") from None
        require(session, "backup")  # the whole practice leaves the file: an administrator
    except BaseException:
        store.close()
        raise
    return store, session


def run_migrate(args: argparse.Namespace, action: str = "migrate") -> int:
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.store.server_move import move_to_server

    source = _source_file(args, args.file if action == "migrate" else args.backup)
    if isinstance(source, str):
        return _fail(args, source, EXIT_INPUT)
    try:
        address = _address(args)
    except StoreError as exc:
        return _fail(args, str(exc), EXIT_INPUT)
    given = source
    try:
        with tempfile.TemporaryDirectory(prefix="ocrebill-restore-") as folder:
            if action == "restore":
                source = _working_copy(source, Path(folder))
            store, session = _sign_in_file(args, source)
            with store:
                print(f"Copying {source.name} onto {address}...", file=sys.stderr)
                report = move_to_server(store, address, session.actor, action=action)
    except StoreError as exc:  # naming the backup given, not the private copy read
        return _fail(args, str(exc).replace(str(source), str(given)))
    except OSError as exc:
        return _fail(args, f"cannot copy {source} to restore from it: {exc.strerror or exc}")
    rows = [("Table", "File", "Server", "")]
    for table in report.copied:
        rows.append((table, str(report.source_counts[table]),
                     str(report.target_counts.get(table, "?")),
                     "ok" if table not in report.mismatched else "MISMATCH"))
    _print_table(rows)
    print(f"(audit_log on the server: the file's {report.source_counts['audit_log']} entries "
          f"and one recording the {'move' if action == 'migrate' else action})")
    if report.rechained:
        print("The file's audit chain (HMAC under its key) was verified, and chained again "
              "in SHA-256 on the server; the entry recording the move keeps the file's head "
              "hash.")
    return _verdict(args, report.mismatched, report.problems, report.audit_rows,
                    f"{source.name} is now on {address}")


def run_restore(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.store.server_backup import is_dump, restore_dump

    source = _source_file(args, args.backup)
    if isinstance(source, str):
        return _fail(args, source, EXIT_INPUT)
    if not is_dump(source):
        try:
            with open(source, "rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            return _fail(args, f"{source} cannot be read: {exc.strerror or exc}", EXIT_INPUT)
        if head != b"SQLite format 3\x00" and not Path(f"{source}.keys").exists():
            return _fail(args, f"{source} is neither a dump written by `ocrebill backup` "
                               "nor an OcreBill database file", EXIT_INPUT)
        return run_migrate(args, action="restore")
    try:
        address = _address(args)
    except StoreError as exc:
        return _fail(args, str(exc), EXIT_INPUT)
    try:
        print(f"Restoring {source.name} onto {address}...", file=sys.stderr)
        result = restore_dump(source, address)
    except StoreError as exc:
        return _fail(args, str(exc))
    rows = [("Table", "Backup", "Server", "")]
    for table, count in result.counts.items():
        expected = "?" if result.expected is None else str(result.expected.get(table, "?"))
        rows.append((table, expected, str(count),
                     "" if result.expected is None else
                     "ok" if table not in result.mismatched else "MISMATCH"))
    _print_table(rows)
    problems = list(result.problems)
    if result.expected is None:
        print(f"Note: no manifest ({source.name}.json) beside the dump: the rows were not "
              "compared.", file=sys.stderr)
    elif result.expected_head != result.head_hash:
        problems.append("the audit chain's head is not the one the backup recorded")
    return _verdict(args, result.mismatched, problems, result.audit_rows,
                    f"{source.name} is restored on {address}")


def _print_table(rows: Sequence[tuple[str, ...]]) -> None:
    from ocrebill_gui.cli.tables import text_table

    print("\n".join(text_table(rows, right=(1, 2))))


def _verdict(args: argparse.Namespace, mismatched: list[str], problems: list[str],
             audit_rows: int, done: str) -> int:
    if mismatched:
        return _fail(args, f"the rows of {', '.join(mismatched)} on the server are not the "
                           "source's: do not use this database; empty it and try again")
    if problems:
        return _fail(args, f"`ocrebill check` on the server found: {'; '.join(problems)}")
    print(f"audit chain verified: {audit_rows} entries")
    print(f"{done}: every table's rows match.")
    return 0


def print_server_backup(store, args: argparse.Namespace) -> int:
    """`ocrebill backup DEST` on a server (store_commands.run_backup): a pg_dump dump and its
    manifest, or the store's own export; raises BackupExists / StoreError as the file's."""
    from ocrebill_gui.store.accounts import require
    from ocrebill_gui.store.server_backup import MANIFEST_SUFFIX, backup_server

    require(args.session, "backup")
    report = backup_server(store, args.dest, force=args.force, logical=args.logical)
    if report.kind == "pg_dump":
        print(f"Backup written to {report.path} (pg_dump, custom format, "
              f"{report.bytes / 1e6:.1f} MB; its manifest {report.path.name}{MANIFEST_SUFFIX} "
              f"beside it), {report.counts['visits']} visits, audit chain of "
              f"{report.audit_rows} entries ending {report.head_hash[:16]}")
    else:
        print(f"Backup written to {report.path} (the store's own export, an OcreBill database "
              f"file: {report.note}; {report.bytes / 1e6:.1f} MB), {report.counts['visits']} "
              f"visits, every table's rows and the audit chain of {report.audit_rows} entries "
              f"(ending {report.head_hash[:16]}) checked in the copy")
    print(f"Restore it onto an empty database with: ocrebill server restore {report.path} URL")
    return 0

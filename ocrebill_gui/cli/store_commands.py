"""`ocrebill demo | import | export | visits | backup | check`: the local store from the command
line, on the same functions the app uses.

The database is `--db PATH` (before or after the command), else $OCREBILL_DB, else the user
data folder. Every command but `demo` signs in as a staff account (--user NAME before or after
the command, or $OCREBILL_USER; cli/sign_in.py), whose login the audit log records. Exit 0 on
success, 1 when the store refuses (in use, read-only, newer schema, failed check, sign-in
refused, a role that does not allow the command), 2 for bad input (a rejected document, a bad
argument).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

EXIT_STORE, EXIT_INPUT = 1, 2

if TYPE_CHECKING:
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.store.server import ServerAddress


def _day(text: str) -> date:
    if text.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' must be a date such as 2026-03-04 "
                                         "(or 'today')") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' must be a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more")
    return value


def _common(parser: argparse.ArgumentParser, *, writes: bool) -> None:
    """--db after the command; `writes`: the command writes as the signed-in account."""
    parser.add_argument("--db", default=argparse.SUPPRESS,
                        help="SQLite database file (default: $OCREBILL_DB or the user data "
                             "folder)")


def _signs_in(parser: argparse.ArgumentParser) -> None:
    from ocrebill_gui.cli.sign_in import add_user_option

    add_user_option(parser)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a demo database of a fictional infusion centre",
                       description="Build fake but realistic demo data into a new database "
                                   "file (or an empty one): patients with several payers, "
                                   "induction and maintenance infusions, premeds, pauses, a "
                                   "reaction, Zunovo, expired authorizations, expiring lots.")
    p.add_argument("--patients", type=_count, help="patients (default 40, or visits / 5)")
    p.add_argument("--visits", type=_count, help="visits (default 200)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--today", type=_day, help="the demo's today (default: today)")
    encryption = p.add_mutually_exclusive_group()
    encryption.add_argument("--plain", dest="encrypt", action="store_false",
                            help="a plain (unencrypted) SQLite file instead of an encrypted one")
    encryption.add_argument("--encrypt", dest="encrypt", action="store_true",
                            help="an encrypted database (SQLCipher) with a key file beside "
                                 "it, which the demo accounts unlock: the default")
    p.set_defaults(encrypt=True)
    _common(p, writes=False)
    p.set_defaults(handler=run_demo)

    p = sub.add_parser("import", help="import visit documents into the database",
                       description="Import ocrebill.visit/1 documents, each in its own "
                                   "transaction: the patient is matched by id or created; a "
                                   "rejected document is explained and nothing of it saved.")
    p.add_argument("files", nargs="+", metavar="FILE", help="visit document JSON files")
    p.add_argument("--finalize", action="store_true",
                   help="finalize each imported visit (takes vials and authorization units)")
    p.add_argument("--allow-errors", action="store_true",
                   help="with --finalize: finalize even when the claim has error findings")
    _common(p, writes=True)
    _signs_in(p)
    p.set_defaults(handler=run_import)

    p = sub.add_parser("export", help="print a visit's document as JSON",
                       description="Print a visit's document (or claim result) as JSON. The "
                                   "export is recorded in the audit log, with who made it.")
    p.add_argument("visit_id", type=int, metavar="VISIT_ID")
    p.add_argument("--claim", action="store_true",
                   help="print the visit's last claim result instead")
    _common(p, writes=True)
    _signs_in(p)
    p.set_defaults(handler=run_export)

    p = sub.add_parser("visits", help="list visits (a day's, a patient's, a date range)")
    p.add_argument("--date", type=_day, help="one day (YYYY-MM-DD or 'today')")
    p.add_argument("--from", dest="date_from", type=_day, help="first day of a range")
    p.add_argument("--to", dest="date_to", type=_day, help="last day of a range")
    p.add_argument("--patient", help="name prefix (accents and case ignored), MRN, patient "
                                     "id or member id")
    p.add_argument("--status", choices=["draft", "finalized"])
    p.add_argument("--limit", type=_count, default=200, help="at most this many (default 200)")
    p.add_argument("--json", action="store_true", help="one JSON object per visit")
    _common(p, writes=False)
    _signs_in(p)
    p.set_defaults(handler=run_visits)

    p = sub.add_parser("backup", help="copy the database safely while it is in use",
                       description="Online backup of the database to DEST, then an integrity "
                                   "check of the copy. DEST may be a folder.")
    p.add_argument("dest", metavar="DEST")
    p.add_argument("--force", action="store_true",
                   help="replace DEST if it exists (without it, an existing file is refused)")
    p.add_argument("--overwrite", dest="force", action="store_true",
                   help=argparse.SUPPRESS)  # its name before --force
    p.add_argument("--logical", action="store_true",
                   help="on a server: the store's own export (an OcreBill database file) even "
                        "when pg_dump is available")
    _common(p, writes=False)
    _signs_in(p)
    p.set_defaults(handler=run_backup)

    p = sub.add_parser("check", help="check the database's integrity and foreign keys")
    _common(p, writes=False)
    _signs_in(p)
    p.set_defaults(handler=run_check)


def _path(args: argparse.Namespace) -> Path | ServerAddress:
    from ocrebill_gui.store import resolve_db_path

    return resolve_db_path(getattr(args, "db", None))


def _sign_in(args: argparse.Namespace, store: Store, action: str | None) -> Session:
    """Sign in for this command (cli/sign_in.py), checking that the account may do `action`;
    raises a StoreError (SignInRefused, NotAllowed) that the command reports (exit 1)."""
    from ocrebill_gui.cli.sign_in import signed_in

    args.session = signed_in(args, store, action)
    return args.session


def _fail(message: str, code: int = EXIT_STORE) -> int:
    print(message, file=sys.stderr)
    return code


def run_demo(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import InvalidRecord, StoreError, create_demo_database
    from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD, demo_accounts_text

    path = _path(args)
    try:
        summary = create_demo_database(path, patients=args.patients, visits=args.visits,
                                       seed=args.seed, today=args.today, encrypt=args.encrypt)
    except InvalidRecord as exc:
        return _fail("\n".join(exc.lines()), EXIT_INPUT)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"Demo database {summary.path}: {summary.patients} patients, {summary.visits} visits "
          f"({summary.finalized} finalized, {summary.drafts} drafts) in {summary.seconds:.1f} s"
          + (", encrypted" if summary.encrypted else ""))
    print(f"Staff accounts, password \"{DEMO_PASSWORD}\": {demo_accounts_text()} (e.g. "
          "ocrebill --user nurse visits --date today)")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.compute import print_problems, read_document
    from ocrebill_gui.core.errors import shown
    from ocrebill_gui.store import (
        InvalidRecord,
        StoreError,
        VisitHasErrors,
        import_document,
        open_store,
    )
    from ocrebill_gui.store.accounts import require

    try:
        store = open_store(_path(args), create=False)  # a new database: its administrator first
    except StoreError as exc:
        return _fail(str(exc))
    rejected = imported = duplicates = 0
    with store:
        try:
            session = _sign_in(args, store, "visits.import")
            if args.finalize:
                require(session, "visits.finalize")
        except StoreError as exc:
            return _fail(str(exc))
        for index, path in enumerate(args.files):
            name = shown(path, 200, quote=False)
            document, error = read_document(path)
            problems: list[str] = []
            if error:
                problems = [error]
            else:
                try:
                    result = import_document(store, session, document,
                                             finalize=args.finalize,
                                             allow_errors=args.allow_errors)
                except InvalidRecord as exc:
                    problems = exc.lines()
                except VisitHasErrors as exc:
                    found = [f"- {f.message}" for f in exc.findings]
                    problems = ([f"not finalized: {len(found)} error finding(s) on its claim:",
                                 *found] if found else [f"not finalized: {exc}"])
                    problems.append("fix them, or import again with --allow-errors to "
                                    "finalize anyway")
                except StoreError as exc:  # in use, read-only, disk full: stop here
                    print(f"{name}: not imported: {exc}", file=sys.stderr)
                    print(f"{imported} imported, {duplicates} already stored, {rejected} "
                          f"rejected, {len(args.files) - index} not imported (stopped at "
                          f"{name})")
                    return EXIT_STORE
            if problems:
                rejected += 1
                print(f"{name}: rejected, nothing saved:", file=sys.stderr)
                print_problems(problems, indent="  ")
                continue
            duplicates += result.duplicate
            imported += not result.duplicate
            what = ("already stored as" if result.duplicate else "imported as")
            who = (f"patient {shown(result.patient_ref, 60, quote=False)}"
                   + (" (new)" if result.patient_created else ""))
            state = "finalized" if result.finalized else "draft"
            print(f"{name}: {what} visit {result.visit_id} ({state}, {who})")
            for note in result.notes:
                if not result.duplicate or result.finalized:
                    print(f"  {note}")
    print(f"{imported} imported, {duplicates} already stored, {rejected} rejected")
    return EXIT_INPUT if rejected else 0


def _open_existing(args: argparse.Namespace, *, read_only: bool = True) -> Store:
    from ocrebill_gui.store import open_store

    return open_store(_path(args), create=False, read_only=read_only)


def run_export(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import NotFound, StoreError, get_visit
    from ocrebill_gui.store.audit import record_read

    try:  # writable when it may be: the export is a read of patient data, audited
        with _open_existing(args, read_only=False) as store:
            _sign_in(args, store, "visits.export")
            visit = get_visit(store, args.session, args.visit_id)
            if not record_read(store, args.session, "visit", visit.id, "export",
                               details=[("what", None, "claim" if args.claim else "document")]):
                print("note: the database is read-only: this export is not in its audit log",
                      file=sys.stderr)
    except NotFound as exc:
        return _fail(str(exc), EXIT_INPUT)
    except StoreError as exc:
        return _fail(str(exc))
    if args.claim:
        if visit.claim is None:
            return _fail(f"Visit {visit.id} has no claim result (its draft cannot be "
                         "computed yet).", EXIT_INPUT)
        print(visit.claim.model_dump_json(indent=2))
    else:
        print(json.dumps(visit.document, indent=2, ensure_ascii=False))
    return 0


def run_visits(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.tables import text_table
    from ocrebill_gui.store import StoreError, find_visits, payer_profiles

    if args.date and (args.date_from or args.date_to):
        return _fail("give either --date or --from/--to, not both", EXIT_INPUT)
    start, end = (args.date, args.date) if args.date else (args.date_from, args.date_to)
    if start and end and start > end:
        return _fail(f"--from {start.isoformat()} is after --to {end.isoformat()}", EXIT_INPUT)
    try:
        with _open_existing(args) as store:
            _sign_in(args, store, "patients.read")
            rows = find_visits(store, args.session, text=args.patient, date_from=start,
                               date_to=end, status=args.status, limit=args.limit)
            payers = {p.id: p.name for p, _mine in payer_profiles(store)}
    except StoreError as exc:
        return _fail(str(exc))
    if args.json:
        for row in rows:
            print(row.model_dump_json())
        return 0
    if not rows:
        print("No visits match.")
        return 0
    table = [("ID", "Date", "Patient", "Payer", "Status", "Visit", "Findings")]
    for row in rows:
        findings = ", ".join(f"{n} {label}" for n, label in ((row.errors, "err"),
                                                             (row.warnings, "warn")) if n)
        table.append((str(row.id), row.date_of_service.isoformat(),
                      f"{row.patient_name} ({row.patient_ref})",
                      payers.get(row.payer or "", row.payer or ""), row.status,
                      row.summary + (f" · RUNNING since {row.running_since_text}"
                                     if row.running_since_text else ""), findings))
    print("\n".join(text_table(table)))
    if len(rows) == args.limit:
        print(f"(first {args.limit}; use --limit for more)")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import BackupExists, StoreError, backup_database

    try:
        with _open_existing(args) as store:
            _sign_in(args, store, "backup")
            if not isinstance(store.path, Path):  # a PostgreSQL server
                from ocrebill_gui.cli.server_commands import print_server_backup

                return print_server_backup(store, args)
            report = backup_database(store, args.session, args.dest, force=args.force)
    except BackupExists as exc:
        return _fail(f"ocrebill backup: {exc.path} already exists: nothing was written. Give "
                     "--force to replace it, or choose another file name.", EXIT_INPUT)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"Backup written to {report.path} ({report.bytes / 1e6:.1f} MB, {report.visits} "
          f"visits); integrity check of the copy: {report.integrity}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ocrebill_gui.store import StoreError, check_database

    try:
        with _open_existing(args) as store:
            _sign_in(args, store, None)
            report = check_database(store, args.session)
    except StoreError as exc:
        return _fail(str(exc))
    counts = ", ".join(f"{n if n >= 0 else '(unreadable)'} {name.replace('_', ' ')}"
                       for name, n in report.counts.items())
    print(f"{report.path} (schema {report.schema_version}): {counts}")
    print("Integrity: " + ("ok" if report.integrity == ["ok"] else "FAILED"))
    for line in report.integrity if report.integrity != ["ok"] else []:
        print(f"  {line}")
    print("Foreign keys: " + ("ok" if not report.foreign_keys else "FAILED"))
    for line in report.foreign_keys:
        print(f"  {line}")
    print("Bookkeeping: " + ("ok" if not report.consistency else "FAILED"))
    for line in report.consistency:
        print(f"  {line}")
    print("Audit trail: " + ("ok" if not report.audit else "FAILED"))
    for line in report.audit:
        print(f"  {line}")
    for line in report.notices:
        print(f"Note: {line}")
    if report.ok:
        print("The database is sound.")
        return 0
    print("Problems found: restore a backup (ocrebill backup) or ask for help before editing.")
    return EXIT_STORE

"""`ocrebill audit`: the audit log by visit, patient, user and date range, as a table or a
CSV file.

    ocrebill audit --visit 42                     # everything that happened to visit 42
    ocrebill audit --patient P-1001 --from 2026-03-01 --to 2026-03-31
    ocrebill audit --by biller.joe --csv march.csv

It signs in as an administrator or biller (`--user NAME` before or after the command, or
$OCREBILL_USER, as every command); `--by` names the user whose entries are listed. Exit 0
when listed or written, 1 when the database or the sign-in refuses, 2 for bad input (a patient that matches no
one or several, a CSV file that exists without --force).
"""

from __future__ import annotations

import argparse
import sys

from ocrebill_gui.cli.store_commands import EXIT_INPUT, EXIT_STORE, _common, _count, _day, _path


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.sign_in import add_user_option

    p = sub.add_parser("audit", help="list the audit log (by visit, patient, user, dates)",
                       description="List audit log entries, newest first: who did what to "
                                   "which record, when and why, and who opened, printed or "
                                   "exported patient data. --csv writes every matching entry, "
                                   "oldest first, to a private (0600) CSV file instead.")
    p.add_argument("--visit", type=int, metavar="N", help="one visit's entries")
    p.add_argument("--patient", metavar="REF",
                   help="a patient's entries (the patient, its coverages, authorizations and "
                        "visits): patient id, MRN, or a name prefix that finds one patient")
    p.add_argument("--by", metavar="NAME", help="one user's entries (the login name)")
    p.add_argument("--from", dest="date_from", type=_day, help="first day (YYYY-MM-DD, local)")
    p.add_argument("--to", dest="date_to", type=_day, help="last day (YYYY-MM-DD, local)")
    p.add_argument("--limit", type=_count, default=200, help="at most this many rows in the "
                                                             "table (default 200)")
    p.add_argument("--csv", metavar="FILE", help="write the entries to this CSV file")
    p.add_argument("--force", action="store_true", help="with --csv: replace FILE if it exists")
    _common(p, writes=False)
    add_user_option(p)
    p.set_defaults(handler=run_audit)


def _fail(message: str, code: int) -> int:
    print(f"ocrebill audit: {message}", file=sys.stderr)
    return code


def run_audit(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.cli.tables import text_table
    from ocrebill_gui.core.errors import shown
    from ocrebill_gui.store import StoreError, open_store
    from ocrebill_gui.store.audit import audit_entries, write_audit_csv
    from ocrebill_gui.store.audit_query import patients_meant

    if args.date_from and args.date_to and args.date_from > args.date_to:
        return _fail(f"--from {args.date_from.isoformat()} is after --to "
                     f"{args.date_to.isoformat()}", EXIT_INPUT)
    if args.force and not args.csv:
        return _fail("--force goes with --csv", EXIT_INPUT)
    try:
        with open_store(_path(args), create=False, read_only=True) as store:
            session = signed_in(args, store, "audit.read")
            filters = {"visit_id": args.visit, "actor": args.by,
                       "date_from": args.date_from, "date_to": args.date_to}
            if args.patient is not None:
                found = patients_meant(store, session, args.patient, limit=6)
                if len(found) != 1:
                    what = shown(args.patient, 40)
                    if not found:
                        return _fail(f"--patient {what}: no patient matches", EXIT_INPUT)
                    many = "more than 5" if len(found) > 5 else str(len(found))
                    refs = ", ".join(p.ref for p in found[:5]) + (", ..." if len(found) > 5
                                                                   else "")
                    return _fail(f"--patient {what}: {many} patients match ({refs}): give the "
                                 "patient id or MRN", EXIT_INPUT)
                filters["patient_id"] = found[0].id
            if args.csv:
                written = write_audit_csv(store, session, args.csv, force=args.force, **filters)
                print(f"Wrote {written} audit entr{'ies' if written != 1 else 'y'} to "
                      f"{args.csv}")
                return 0
            entries = audit_entries(store, session, limit=args.limit, **filters)
    except FileExistsError as exc:
        return _fail(f"{exc.filename} already exists: nothing was written. Give --force to "
                     "replace it, or choose another name.", EXIT_INPUT)
    except StoreError as exc:
        return _fail(str(exc), EXIT_STORE)
    if not entries:
        print("No audit entries match.")
        return 0
    table = [("ID", "When (UTC)", "User", "Action", "Record", "Patient", "Reason")]
    for e in entries:
        table.append((str(e.id), e.at[:19].replace("T", " "), shown(e.actor, 30, quote=False),
                      e.action, f"{e.entity} {shown(e.entity_id, 20, quote=False)}",
                      shown(e.patient_ref or "", 20, quote=False),
                      shown(e.reason or "", 60, quote=False)))
    print("\n".join(text_table(table)))
    if len(entries) == args.limit:
        print(f"(newest {args.limit}; use --limit for more, or --csv for all)")
    return 0

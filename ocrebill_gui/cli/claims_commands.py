"""`ocrebill claims ...`: claims out of the building and what became of them (issue 15).

    ocrebill claims validate FILE                       # any 837 through pyx12 and our checks
    ocrebill claims export --date 2026-03-04 --format 837p -o day.837
    ocrebill claims export 41 42 --format 837i -o fix.837 --force
    ocrebill claims list [--status S] [--kind K] [--from D --to D] [--json]
    ocrebill claims show CLAIM                          # status, its steps, remittances
    ocrebill claims submitted CLAIM...                  # the file or forms were sent
    ocrebill claims set-number CLAIM NUMBER             # the payer's claim number (ICN)
    ocrebill claims pay CLAIM --amount 900.00 [--patient-share 20.00] [--adjust CO-45=100.00]
    ocrebill claims deny CLAIM --code CO-197 --reason "no authorization"
    ocrebill claims setup --sender-id ... --usage T     # the clearinghouse (administrator)

`validate` needs no database. Export: one interchange for the batch (store/claim_export.py);
a claim that fails is left out and named with its visit and field, and the command exits 1;
an existing output file is replaced only with --force; the file is private (0600); the claims
written are marked exported. Messages name visits and claims by id, never a patient.
Exit 0 done, 1 something was left out or the store refused, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024  # a day's 837 is a few hundred KB
EXIT_STORE, EXIT_INPUT = 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.claim_status_commands import register_status
    from ocrebill_gui.cli.store_commands import _common, _signs_in

    p = sub.add_parser("claims", help="claims: export 837 files, validate them, their status "
                                      "and remittances",
                       description="Claims out of the building (X12 837P/837I) and what the "
                                   "payers did with them.")
    actions = p.add_subparsers(dest="claims_command", metavar="ACTION", required=True)
    v = actions.add_parser(
        "validate", help="validate an 837P/837I file and print the 999 acknowledgement",
        description="Validate an 837P (005010X222A1) or 837I (005010X223A2) file with pyx12 "
                    "against the 5010 maps, print its 999 acknowledgement, and run the checks "
                    "pyx12 does not make (NPI check digits, NDC N4 with 11 digits, CTP unit "
                    "and quantity, CLM02 equal to the sum of the line charges). Exit 0 when "
                    "accepted, 1 when rejected, 2 for bad input.")
    v.add_argument("file", metavar="FILE", help="the 837 file (- reads stdin)")
    v.set_defaults(handler=run_validate, store_free=True)

    e = actions.add_parser(
        "export", help="write finalized visits' claims to one 837P or 837I file",
        description="Write the claims of finalized visits to one X12 interchange: the visits "
                    "named, or every finalized visit of --date (or --from/--to) whose claim "
                    "has not been submitted. Each claim is checked (our checks, then pyx12's "
                    "999) first: one that fails is left out and named with its visit and "
                    "field, and the command exits 1. ISA15 (test or production) and the "
                    "sender/receiver ids come from the practice's clearinghouse settings "
                    "(ocrebill claims setup). The claims written are marked exported.")
    e.add_argument("visits", nargs="*", type=_visit_id, metavar="VISIT", help="visit ids")
    e.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="a day's visits")
    e.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD",
                   help="the first date of service (with --to)")
    e.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD",
                   help="the last date of service (with --from)")
    e.add_argument("--format", dest="kind", required=True, choices=("837p", "837i"),
                   help="837p (office, home) or 837i (hospital outpatient)")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help="the 837 to write")
    e.add_argument("--force", action="store_true", help="replace FILE if it exists")

    ls = actions.add_parser(
        "list", help="the biller's worklist: claims to send, denied, drafts with errors",
        description="Visits and their claims, by date of service: without --kind or "
                    "--status, drafts with errors, claims not yet sent and denied claims. "
                    "Patients are shown by reference, never by name.")
    ls.add_argument("--kind", action="append", metavar="KIND",
                    choices=("draft_errors", "to_send", "submitted", "paid", "denied"),
                    help="draft_errors, to_send, submitted, paid or denied (repeatable)")
    ls.add_argument("--status", action="append", metavar="STATUS",
                    choices=("draft", "ready", "printed", "exported", "submitted", "paid",
                             "denied"), help="only rows of this status (repeatable)")
    ls.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD")
    ls.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD")
    ls.add_argument("--payer", help="a payer profile id, e.g. medicare")
    ls.add_argument("--limit", type=int, default=100, help="rows (default 100, at most 1000)")
    ls.add_argument("--offset", type=int, default=0, help="rows to skip (paging)")
    ls.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    for parser, handler, writes in ((e, run_export, True), (ls, run_list, False)):
        _common(parser, writes=writes)
        _signs_in(parser)
        parser.set_defaults(handler=handler)
    register_status(actions)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-03-04") \
            from None


def _visit_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a visit id")
    return int(text)


def _fail(message: str, code: int = EXIT_STORE) -> int:
    print(f"ocrebill claims: {message}", file=sys.stderr)
    return code


# --- validate --------------------------------------------------------------------------------

def run_validate(args: argparse.Namespace) -> int:
    from ocrebill_gui.core.x12.validate import ValidatorMissing, validate_837

    text, error = _read(args.file)
    if error:
        print(f"ocrebill claims validate: {error}", file=sys.stderr)
        return 2
    try:
        result = validate_837(text)
    except ValidatorMissing as exc:
        print(f"ocrebill claims validate: {exc}", file=sys.stderr)
        return 2
    if result.ack_999:
        sys.stdout.write(result.ack_999)
    for message in result.syntax_errors[:50]:
        print(f"pyx12: {message}", file=sys.stderr)
    for message in result.problems[:50]:
        print(f"check: {message}", file=sys.stderr)
    name = "stdin" if args.file == "-" else args.file
    if result.accepted:
        print(f"{name}: accepted (999 IK5*A, every semantic check passed)", file=sys.stderr)
        return 0
    count = len(result.syntax_errors) + len(result.problems)
    print(f"{name}: rejected ({count} problem{'s' if count != 1 else ''})", file=sys.stderr)
    return 1


def _read(name: str) -> tuple[str, str | None]:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as file:
                data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        return "", f"{name}: cannot read: {exc.strerror or exc}"
    if len(data) > MAX_BYTES:
        return "", f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB: not read"
    try:
        return data.decode("ascii"), None
    except UnicodeDecodeError as exc:
        return "", f"{name}: not an X12 file (byte {exc.start + 1} is not ASCII)"


# --- export ----------------------------------------------------------------------------------

def _selection(args: argparse.Namespace) -> str | None:
    """What is wrong with the choice of visits, or None."""
    ranged = args.date_from is not None or args.date_to is not None
    chosen = sum((bool(args.visits), args.date is not None, ranged))
    if chosen != 1:
        return "give VISIT ids, or --date, or --from and --to (one of them)"
    if ranged and (args.date_from is None or args.date_to is None):
        return "--from and --to go together"
    if ranged and args.date_to < args.date_from:
        return "--to is before --from"
    return None


def run_export(args: argparse.Namespace) -> int:
    import os

    from ocrebill_gui.cli.store_commands import _open_existing, _sign_in
    from ocrebill_gui.files import write_private_bytes
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.store.claim_export import (
        ACTION,
        build_export,
        exported_elsewhere,
        finish_export,
        visits_to_send,
    )

    problem = _selection(args)
    if problem:
        return _fail(f"export: {problem}", EXIT_INPUT)
    out = Path(args.output)
    if out.is_dir():
        return _fail(f"export: {out} is a folder: -o names the file to write", EXIT_INPUT)
    if not args.force and os.path.lexists(out):
        return _fail(f"export: {out} already exists: nothing was written. Give --force to "
                     "replace it, or choose another name.", EXIT_INPUT)
    try:
        with _open_existing(args, read_only=False) as store:
            session = _sign_in(args, store, ACTION)
            batch = not args.visits
            if batch:
                first = args.date or args.date_from
                last = args.date or args.date_to
                visit_ids = visits_to_send(store, session, first, last)
                if not visit_ids:
                    print(f"No finalized visits with claims to send from {first} to {last}.")
                    return 0
            else:
                visit_ids = args.visits
            plan = build_export(store, session, visit_ids, args.kind,
                                at=store.clock().astimezone(), batch=batch)
            _report_left_out(plan)
            if not plan.text:
                return _fail("export: no claim could be written: nothing was written "
                             "(see above)")
            try:
                write_private_bytes(out, plan.text.encode("ascii"), force=args.force)
            except FileExistsError:
                return _fail(f"export: {out} already exists: nothing was written. Give "
                             "--force to replace it.", EXIT_INPUT)
            twice = exported_elsewhere(store, plan)
            for note in twice:
                print(f"warning: {note}", file=sys.stderr)
            name = str(out.resolve())
            finish_export(store, session, plan, name if len(name) <= 255 else out.name)
    except StoreError as exc:
        return _fail(f"export: {exc}")
    except OSError as exc:
        return _fail(f"export: {exc.filename or out}: {exc.strerror or exc}")
    _report_written(plan, out)
    return 1 if plan.left_out or twice else 0


def _report_left_out(plan: Any) -> None:
    for visit_id, why in plan.skipped.items():
        print(f"visit {visit_id}: not in this file: {why}", file=sys.stderr)
    for visit_id, problems in plan.left_out.items():
        for field, message in problems:
            print(f"visit {visit_id}: left out: {field}: {message}", file=sys.stderr)


def _report_written(plan: Any, out: Path) -> None:
    count = len(plan.written)
    usage = "P (production)" if plan.usage == "P" else "T (test)"
    checked = ("pyx12 999 accepted and our checks passed" if plan.pyx12 else
               "our checks passed; pyx12 is not installed, so no 999 was made")
    print(f"Wrote {out}: {count} claim{'s' if count != 1 else ''} in one {plan.kind.upper()} "
          f"interchange {plan.control_number:09d}, ISA15 {usage}; {checked}.")
    if plan.usage != "P":
        print("note: ISA15 is T: the clearinghouse treats the file as a test. Once it "
              "accepts your test files: ocrebill claims setup --usage P", file=sys.stderr)
    if plan.left_out:
        left = len(plan.left_out)
        print(f"{left} claim{'s were' if left != 1 else ' was'} left out (see above): fix "
              "the visit and export it again.", file=sys.stderr)


# --- list ------------------------------------------------------------------------------------

def run_list(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.store_commands import _open_existing, _sign_in
    from ocrebill_gui.store import InvalidRecord, StoreError
    from ocrebill_gui.store.claim_worklist import KINDS, worklist, worklist_count

    kinds = args.kind or (list(KINDS) if args.status else None)
    filters = {"kinds": kinds, "statuses": args.status, "payer": args.payer,
               "date_from": args.date_from, "date_to": args.date_to}
    try:
        with _open_existing(args) as store:
            session = _sign_in(args, store, worklist.action)
            rows = worklist(store, session, limit=args.limit, offset=args.offset, **filters)
            total = worklist_count(store, session, **filters)
    except InvalidRecord as exc:
        return _fail("list: " + "; ".join(exc.lines()), EXIT_INPUT)
    except StoreError as exc:
        return _fail(f"list: {exc}")
    if args.json:
        for row in rows:
            print(json.dumps(_row_json(row)))
        return 0
    if not rows:
        print("Nothing on the worklist with these filters.")
        return 0
    from ocrebill_gui.cli.tables import text_table

    table = [("Visit", "Claim", "Date", "Patient", "Payer", "Form", "Status", "Freq",
              "Charges", "Paid", "Err", "Warn")]
    table += [(str(r.visit_id), str(r.claim_id or ""), r.date_of_service.isoformat(),
               r.patient_ref, r.payer or "", r.form, r.status, r.frequency or "",
               _money(r.charge_total), _money(r.amount_paid), str(r.errors), str(r.warnings))
              for r in rows]
    print("\n".join(text_table(table, right=(0, 1, 8, 9, 10, 11))))
    shown = f"{args.offset + 1}-{args.offset + len(rows)} of {total}"
    print(f"\n{shown} row{'s' if total != 1 else ''}")
    return 0


def _money(amount: Any) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def _row_json(row: Any) -> dict[str, Any]:
    """A worklist row for --json: ids and claim facts, the patient by reference only."""
    return {"visit_id": row.visit_id, "claim_id": row.claim_id, "kind": row.kind,
            "status": row.status, "patient_ref": row.patient_ref, "payer": row.payer,
            "date_of_service": row.date_of_service.isoformat(), "setting": row.setting,
            "form": row.form, "frequency": row.frequency,
            "charge_total": None if row.charge_total is None else str(row.charge_total),
            "amount_paid": None if row.amount_paid is None else str(row.amount_paid),
            "errors": row.errors, "warnings": row.warnings, "printed_at": row.printed_at,
            "exported_at": row.exported_at, "submitted_at": row.submitted_at,
            "decided_at": row.decided_at}

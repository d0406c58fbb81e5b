"""`ocrebill print superbill|checklist`: the printable documents from the command line.

    ocrebill print superbill 42 -o superbill.pdf              # visit 42 of the database
    ocrebill print checklist visit.json -o checklist.pdf      # a visit document file
    ocrebill print superbill --date 2026-03-04 -o paper-run/  # every finalized visit that day
    ocrebill print cms1500 --calibration -o calibration.pdf   # a page to align the printer
    ocrebill print cms1500 42 -o claim.pdf                    # visit 42 on the red form

The database (`--db`, $OCREBILL_DB or the user data folder) is opened for reading; printing
one of its visits needs a signed-in account that may print (cli/sign_in.py; a visit document
file needs none) and is a read on record in its audit log (once per visit and command). A
finalized visit prints the claim result it was finalized with and the charges it was billed
with; a draft is computed as the app shows it, charged at the fees in force.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ocrebill_gui.core.catalog import Catalog
    from ocrebill_gui.core.charges import LineCharge
    from ocrebill_gui.core.claim import ClaimResult
    from ocrebill_gui.core.practice import PracticeSettings
    from ocrebill_gui.core.visit import VisitDocument
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.store.records import VisitSummary

KINDS = ("superbill", "checklist")
FORM_KINDS = ("cms1500", "ub04")  # claim forms (cli/claim_forms.py): a biller's


class _Calibration(argparse.Action):
    """--calibration: a store-free command (no database is unlocked for it)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        namespace.calibration = True
        namespace.store_free = True


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.sign_in import add_user_option

    p = sub.add_parser(
        "print", help="print a visit's superbill or billing checklist to PDF",
        description="Render the superbill or the billing checklist of one visit (a visit id "
                    "from the database, or a visit document file; - reads stdin), or of every "
                    "finalized visit of a day with --date. The PDFs are private (0600). Exit 0 "
                    "when everything was written, 1 when some visits of a day could not be "
                    "printed, 2 for bad input (an existing file without --force).")
    p.add_argument("document", choices=KINDS + FORM_KINDS, help="which document")
    p.add_argument("visit", nargs="?", metavar="VISIT_ID|FILE.json",
                   help="a visit id in the database, or a visit document JSON file")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="print every finalized visit of this date of service (batch)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the PDF to write (a folder: a file named after patient and date in "
                        "it); with --date, the folder for the PDFs")
    p.add_argument("--force", action="store_true",
                   help="replace PDFs that exist already (without it, an existing file is "
                        "refused and left as it is)")
    p.add_argument("--practice", metavar="FILE.json",
                   help="practice settings (name, address_lines, npi, tax_id, fee_schedule) "
                        "to print with instead of the database's")
    p.add_argument("--calibration", action=_Calibration, nargs=0, default=False,
                   help="cms1500/ub04: a calibration page to print on a blank form (where its "
                        "X marks land tells the --top/--left to use); needs no visit")
    p.add_argument("--top", type=float, default=None, metavar="POINTS",
                   help="cms1500/ub04: where the form's first line starts, in points from the "
                        "top edge (72 to the inch; default 20)")
    p.add_argument("--left", type=float, default=None, metavar="POINTS",
                   help="cms1500/ub04: where the form's first column starts, in points from "
                        "the left edge (default 24 for the CMS-1500, 20 for the UB-04)")
    add_user_option(p)
    p.set_defaults(handler=run_print)


FORCE_HINT = "Give --force to replace it, or choose another name."


class UsageProblem(Exception):
    """Bad input: the message is for the person at the terminal; exit 2."""


def run_print(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.compute import print_problems
    from ocrebill_gui.core.catalog import DataFileError
    from ocrebill_gui.core.errors import InvalidVisit
    from ocrebill_gui.reports import MissingForPrint
    from ocrebill_gui.store import InvalidRecord, NotFound, StoreError

    try:
        if args.document in FORM_KINDS or args.calibration:
            return _print_form(args)
        if (args.visit is None) == (args.date is None):
            raise UsageProblem("give one VISIT_ID or FILE.json, or --date for a day's visits")
        if args.date is not None:
            return _print_day(args)
        return _print_one(args)
    except InvalidVisit as exc:
        print_problems(exc.lines())
    except FileExistsError as exc:
        print(f"ocrebill print: {exc.filename} already exists: nothing was written. "
              f"{FORCE_HINT}", file=sys.stderr)
    except (UsageProblem, MissingForPrint, InvalidRecord, NotFound, DataFileError) as exc:
        print(f"ocrebill print: {exc}", file=sys.stderr)
    except StoreError as exc:  # the database refused: in use, damaged, newer, read-only
        print(f"ocrebill print: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"ocrebill print: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 2


def _print_form(args: argparse.Namespace) -> int:
    """A claim form's calibration page, or a finalized visit's claim form (claim_forms.py)."""
    from ocrebill_gui.reports import write_pdf

    if args.document not in FORM_KINDS:
        raise UsageProblem(f"--calibration is for the claim forms ({', '.join(FORM_KINDS)}), "
                           f"not the {args.document}")
    if not args.calibration:
        return _print_visit_form(args)
    if args.visit is not None or args.date is not None:
        raise UsageProblem("--calibration prints one page for the printer: give no visit or "
                           "--date")
    if args.document == "cms1500":
        from ocrebill_gui.reports.cms1500 import (
            DEFAULT_LEFT,
            DEFAULT_TOP,
            cms1500_calibration_pdf,
        )
        calibration = cms1500_calibration_pdf
    else:
        from ocrebill_gui.reports.ub04 import DEFAULT_LEFT, DEFAULT_TOP, ub04_calibration_pdf
        calibration = ub04_calibration_pdf
    _check_offsets(args)
    top = DEFAULT_TOP if args.top is None else args.top
    left = DEFAULT_LEFT if args.left is None else args.left
    out = Path(args.output)
    if out.is_dir():
        out = out / f"{args.document}-calibration.pdf"
    written = write_pdf(calibration(top=top, left=left), out, force=args.force)
    print(f"Wrote {written}")
    return 0


def _check_offsets(args: argparse.Namespace) -> None:
    for name, value in (("--top", args.top), ("--left", args.left)):
        if value is not None and not -72 <= value <= 144:
            raise UsageProblem(f"{name} {value:g}: must be between -72 and 144 points")


def _print_visit_form(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.claim_forms import ACTION, print_claim_form
    from ocrebill_gui.cli.sign_in import signed_in

    if args.date is not None or args.visit is None or not args.visit.isdigit():
        raise UsageProblem(f"print {args.document} takes one visit id of the database "
                           "(or --calibration)")
    _check_offsets(args)
    with _open_store(args.db, required=True) as store:
        assert store is not None  # required=True: a missing database raised
        session = signed_in(args, store, ACTION)
        written = print_claim_form(args, store, session, int(args.visit), today=store.today())
    print(f"Wrote {written}")
    return 0


def _print_one(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.files import exists_error
    from ocrebill_gui.reports import default_file_name, render_pdf, write_pdf

    source = args.visit
    from_file = source == "-" or source.endswith(".json") or Path(source).is_file()
    if not from_file and not source.isdigit():
        raise UsageProblem(f"{source}: neither a visit id nor a visit document file")
    with _open_store(args.db, required=not from_file) as store:
        if not from_file:  # a visit of the database: patient data, for a signed-in person
            assert store is not None  # required: a missing database raised
            args.session = signed_in(args, store, "visits.print")
        catalog = _catalog(store)
        draft, accepted, visit_id = False, None, None
        if from_file:
            document, claim = _file_visit(source, catalog)
        else:
            visit_id = int(source)
            from ocrebill_gui.store.overrides import errors_accepted

            assert store is not None  # required: a missing database raised
            document, claim, draft = visit_for_print(store, args.session, int(source),
                                                     catalog)
            accepted = errors_accepted(store, args.session, int(source))
        practice = _practice(args.practice, store)
        out = Path(args.output)
        if out.is_dir():
            out = out / default_file_name(document, args.document)
        if not args.force and os.path.lexists(out):
            raise exists_error(out)  # before rendering; write_pdf checks again
        data = render_pdf(args.document, document, claim, practice, catalog=catalog,
                          draft=draft, accepted=accepted,
                          charges=_charges(store, args, visit_id, claim, document, practice))
    write_pdf(data, out, force=args.force)
    print(f"Wrote {out}")
    return 0


def _print_day(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.sign_in import signed_in
    from ocrebill_gui.core.errors import InvalidVisit, shown
    from ocrebill_gui.files import exists_error, private_folder
    from ocrebill_gui.reports import MissingForPrint, default_file_name, render_pdf, write_pdf
    from ocrebill_gui.reports.file_names import unique_path
    from ocrebill_gui.store import visits_on
    from ocrebill_gui.store.overrides import errors_accepted

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageProblem(f"--date {args.date}: not a date such as 2026-03-04") from None
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(f"{folder}: with --date, -o names a folder")
    started = time.perf_counter()
    with _open_store(args.db, required=True) as store:
        assert store is not None  # required=True: a missing database raised
        args.session = signed_in(args, store, "visits.print")
        summaries: list[VisitSummary] = []
        while batch := visits_on(store, args.session, day, limit=500, offset=len(summaries)):
            summaries += batch
        finalized = [s for s in summaries if s.status == "finalized"]
        drafts = len(summaries) - len(finalized)
        note = f" ({drafts} draft{'s' if drafts != 1 else ''} skipped: finalize first)" \
            if drafts else ""
        if not finalized:
            print(f"No finalized visits on {day.isoformat()}{note}")
            return 0
        if not folder.exists():
            private_folder(folder)  # made here, so private; an existing one is left as it is
        catalog = _catalog(store)
        practice = _practice(args.practice, store)
        taken: set[str] = set()
        failed = kept = 0
        progress = Progress(len(finalized), f"{args.document}s", sys.stderr)
        for summary in finalized:
            # Ids, never names, on stderr: it often ends in a log.
            who = f"visit {summary.id} (patient {shown(summary.patient_ref, 60, quote=False)})"
            try:
                document, claim, _draft = visit_for_print(store, args.session, summary.id,
                                                          catalog)
                out = unique_path(folder, default_file_name(document, args.document), taken)
                if not args.force and os.path.lexists(out):
                    raise exists_error(out)  # before rendering; write_pdf checks again
                data = render_pdf(args.document, document, claim, practice, catalog=catalog,
                                  accepted=errors_accepted(store, args.session, summary.id),
                                  charges=_charges(store, args, summary.id, claim, document,
                                                   practice))
                write_pdf(data, out, force=args.force)
            except (InvalidVisit, MissingForPrint) as exc:
                failed += 1
                progress.interject(f"{who}: {exc}")
            except FileExistsError:  # the file's name would tell the patient's: not shown
                kept += 1
                progress.interject(f"{who}: its {args.document} is in {folder} already: left "
                                   "as it is")
            progress.step()
        progress.done()
    written = len(finalized) - failed - kept
    seconds = time.perf_counter() - started
    print(f"Wrote {written} {args.document}{'s' if written != 1 else ''} for "
          f"{day.isoformat()} to {folder} in {seconds:.1f} s{note}")
    if kept:
        print(f"Not replaced, as they existed already: {kept} file{'s' if kept != 1 else ''}. "
              "Give --force to replace them.", file=sys.stderr)
    if failed:
        print(f"{failed} visit{'s' if failed != 1 else ''} could not be printed (see above)",
              file=sys.stderr)
    return 1 if failed else 2 if kept else 0


def visit_for_print(store: Store, session: Session, visit_id: int,
                    catalog: Catalog) -> tuple[VisitDocument, ClaimResult, bool]:
    """A saved visit as the app shows it, and whether it is still a draft: a finalized visit
    with the claim it was finalized with, a draft computed now from the store's view of it
    (patient, coverage, authorization). The visit is read once, printed by the signed-in
    `session`: the read is on record in the audit log (once per visit and command)."""
    from ocrebill_gui.core.engine import compute, parse_visit
    from ocrebill_gui.store import engine_document, get_visit
    from ocrebill_gui.store.audit import record_read

    visit = get_visit(store, session, visit_id)
    record_read(store, session, "visit", visit_id, "print")
    if visit.finalized and visit.claim is not None:
        return parse_visit(visit.document), visit.claim, False
    document = parse_visit(engine_document(
        store, session, visit.document, patient_id=visit.patient_id, coverage_id=visit.coverage_id,
        authorization_id=visit.authorization_id, visit_id=visit.id,
        authorization_choice=visit.authorization_choice))
    return document, compute(document, catalog=catalog), not visit.finalized


def _charges(store: Store | None, args: argparse.Namespace, visit_id: int | None,
             claim: ClaimResult, document: VisitDocument,
             practice: PracticeSettings) -> tuple[LineCharge, ...] | None:
    """The superbill's charges: a finalized visit's as billed, else at the database's fees
    in force on the date of service (the practice's fee list as fallback); without a
    database, None (the practice's fee list)."""
    if store is None:
        return None
    from ocrebill_gui.store.billed_charges import charges_for, live_charges

    day, setting = document.date_of_service, document.setting
    if visit_id is None:  # a visit document file: no saved visit, no patient data read
        return live_charges(store, claim, setting=setting, day=day, practice=practice)
    return charges_for(store, args.session, visit_id, claim, setting=setting, day=day,
                       practice=practice)


def _file_visit(name: str, catalog: Catalog) -> tuple[VisitDocument, ClaimResult]:
    from ocrebill_gui.cli.compute import read_document
    from ocrebill_gui.core.engine import compute
    from ocrebill_gui.core.validation import validate_document

    raw, error = read_document(name)
    if error:
        raise UsageProblem(error)
    document = validate_document(raw, catalog)
    return document, compute(document, catalog=catalog)


@contextmanager
def _open_store(db: str | None, *, required: bool) -> Iterator[Store | None]:
    """The database, writable when it may be (a print is a read on record in its audit log;
    a read-only file prints, and says it is not on record), never upgraded (an older schema
    is refused, as a read-only open refuses it); None when it does not exist and a file visit
    needs none."""
    from ocrebill_gui.store import StoreError, open_store, resolve_db_path

    path = resolve_db_path(db)
    if not path.exists():
        if required:
            raise StoreError(f"{path}: no such database (give --db, or set $OCREBILL_DB)")
        yield None
        return
    open_store(path, read_only=True).close()  # refused as before: damaged, newer, older
    store = open_store(path, create=False)  # then writable when it may be: prints on record
    if store.read_only:
        print("note: the database is read-only: printing from it is not in its audit log",
              file=sys.stderr)
    try:
        yield store
    finally:
        store.close()


def _catalog(store: Store | None) -> Catalog:
    from ocrebill_gui.core.catalog import default_catalog
    from ocrebill_gui.store import store_catalog

    return default_catalog() if store is None else store_catalog(store)


def _practice(path: str | None, store: Store | None) -> PracticeSettings:
    """--practice FILE, else the database's settings, else the demo practice (with a note)."""
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.store import practice_settings

    if path:
        return _practice_file(path)
    saved = practice_settings(store) if store is not None else None
    if saved is not None:
        return saved
    print("note: no practice settings saved; printing with the demo practice "
          "(set them up in the app, or pass --practice FILE.json)", file=sys.stderr)
    return demo_practice()


def _practice_file(path: str) -> PracticeSettings:
    """--practice FILE.json, read as a visit document is (size, depth, characters)."""
    from pydantic import ValidationError

    from ocrebill_gui.cli.compute import read_document
    from ocrebill_gui.core.errors import from_validation_error
    from ocrebill_gui.core.practice import PracticeSettings
    from ocrebill_gui.core.validation import raw_problems

    raw, error = read_document(path)
    if error:
        raise UsageProblem(f"--practice {error}")
    problems = raw_problems(raw)
    if not problems:
        try:
            return PracticeSettings.model_validate(raw)
        except ValidationError as exc:
            problems = from_validation_error(exc).problems
    raise UsageProblem(f"--practice {path}: " + "; ".join(f"{where}: {message}"
                                                          for where, message in problems[:10]))


class Progress:
    """'superbills 120/500' rewritten in place on a terminal, at most ten times a second;
    silent when stderr is not a terminal (logs get the closing line only)."""

    def __init__(self, total: int, what: str, stream: TextIO):
        self.total, self.what, self.stream = total, what, stream
        self.count = 0
        self.live = stream.isatty()
        self._shown = 0.0

    def step(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.live and (now - self._shown > 0.1 or self.count == self.total):
            self._shown = now
            self.stream.write(f"\r{self.what} {self.count}/{self.total}")
            self.stream.flush()

    def interject(self, message: str) -> None:
        if self.live and self.count:
            self.stream.write("\r\033[K")
        print(message, file=self.stream)

    def done(self) -> None:
        if self.live and self.count:
            self.stream.write("\n")
            self.stream.flush()

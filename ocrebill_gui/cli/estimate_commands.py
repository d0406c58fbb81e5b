"""`ocrebill estimate VISIT|FILE [--json]`: what a visit is expected to pay (issue 16, item 3).

    ocrebill estimate 42                 # visit 42 of the database, as a table
    ocrebill estimate 42 --json          # the same as JSON (docs/expected-payment.md)
    ocrebill estimate visit.json --db practice.sqlite   # a visit document file

Per claim line and in total: the charge, the allowed amount, what the payer is expected to
pay and the patient's share, each with its source (ASP quarter, fee schedule, payer profile,
benefits verification), Medicare's sequestration, the co-pay programme's part and the notes
(a line without a price makes the total partial). A visit of the database needs a signed-in
account that may read patient records (the read is on record in the audit log); a visit
document file needs none: the database (--db, $OCREBILL_DB, else the user data folder) is then
read for its reference data only, when it exists. Exit 0 estimated, 1 the store refused
(sign-in, role, database), 2 bad input (no such visit, a document that cannot be computed).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ocrebill_gui.core.estimate import Estimate

FORMAT = "ocrebill.estimate/1"
EXIT_STORE, EXIT_INPUT = 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.store_commands import _common, _signs_in

    p = sub.add_parser(
        "estimate", help="expected payment and patient share of a visit",
        description="The expected payment of a visit (its id in the database, or a visit "
                    "document file; - reads stdin): per line and in total the charge, the "
                    "allowed amount, the payer's expected payment and the patient's share, "
                    "each with its source; the notes say when the total is partial. Exit 0 "
                    "estimated, 1 the store refused, 2 bad input.")
    p.add_argument("visit", metavar="VISIT|FILE",
                   help="a visit id in the database, or a visit document JSON file")
    p.add_argument("--json", action="store_true",
                   help=f"print the estimate as JSON ({FORMAT}, docs/expected-payment.md)")
    _common(p, writes=False)
    _signs_in(p)
    p.set_defaults(handler=run_estimate)


class _Refused(Exception):
    """Bad input: the message for the terminal, exit 2."""


def run_estimate(args: argparse.Namespace) -> int:
    from ocrebill_gui.core.errors import InvalidVisit
    from ocrebill_gui.store import NotFound, StoreError

    source = args.visit
    from_file = source == "-" or not source.isdigit()
    try:
        result = _from_file(args, source) if from_file else _from_store(args, int(source))
    except InvalidVisit as exc:
        from ocrebill_gui.cli.compute import print_problems

        print(f"ocrebill estimate: {'the document' if from_file else f'visit {source}'} "
              "cannot be computed:", file=sys.stderr)
        print_problems(exc.lines(), indent="  ")
        return EXIT_INPUT
    except (_Refused, NotFound) as exc:
        print(f"ocrebill estimate: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except StoreError as exc:
        print(f"ocrebill estimate: {exc}", file=sys.stderr)
        return EXIT_STORE
    visit_id = None if from_file else int(source)
    if args.json:
        print(json.dumps(estimate_json(result, visit_id), indent=2))
    else:
        print(estimate_text(result, visit_id))
    return 0


def _from_store(args: argparse.Namespace, visit_id: int) -> Estimate:
    from ocrebill_gui.cli.store_commands import _open_existing, _sign_in
    from ocrebill_gui.store.audit import record_read
    from ocrebill_gui.store.estimates import estimate_for_visit

    with _open_existing(args, read_only=False) as store:  # the read goes on record
        _sign_in(args, store, estimate_for_visit.action)
        result = estimate_for_visit(store, args.session, visit_id)
        if not record_read(store, args.session, "visit", visit_id, "view",
                           details=[("what", None, "estimate")]):
            print("note: the database is read-only: this estimate is not in its audit log",
                  file=sys.stderr)
    return result


def _from_file(args: argparse.Namespace, name: str) -> Estimate:
    from ocrebill_gui.cli.compute import read_document
    from ocrebill_gui.core.catalog import default_catalog
    from ocrebill_gui.core.engine import compute
    from ocrebill_gui.core.estimate import estimate
    from ocrebill_gui.core.prices import PriceBook
    from ocrebill_gui.core.validation import validate_document
    from ocrebill_gui.store import open_store, resolve_db_path, store_catalog
    from ocrebill_gui.store.estimates import price_book

    raw, error = read_document(name)
    if error:
        raise _Refused(error)
    path = resolve_db_path(getattr(args, "db", None))
    if isinstance(path, Path) and not path.exists():
        catalog = default_catalog()
        document = validate_document(cast(Any, raw), catalog)
        return estimate(compute(document, catalog=catalog), document, prices=PriceBook(),
                        catalog=catalog)
    with open_store(path, create=False, read_only=True) as store:  # reference data only
        catalog = store_catalog(store)
        document = validate_document(cast(Any, raw), catalog)
        return estimate(compute(document, catalog=catalog), document,
                        prices=price_book(store, document.date_of_service), catalog=catalog)


def estimate_json(result: Estimate, visit_id: int | None) -> dict[str, Any]:
    """The JSON printed by --json: `format`, `visit_id` (null for a file), then the estimate's
    fields (amounts as decimal strings; null where unknown)."""
    return {"format": FORMAT, "visit_id": visit_id, **result.model_dump(mode="json")}


def _money(amount: Decimal | None) -> str:
    return "-" if amount is None else f"{amount:,.2f}"


def _total(result: Estimate, name: str) -> str:
    """A total; '-' when no line has that amount (unknown, not 0.00)."""
    if all(getattr(line, name) is None for line in result.lines):
        return "-"
    return _money(getattr(result.totals, name))


def estimate_text(result: Estimate, visit_id: int | None) -> str:
    """The estimate as a table per line, the total, each line's sources and the notes."""
    from ocrebill_gui.cli.tables import text_table

    medicare = result.method == "medicare_part_b"
    what = f"Visit {visit_id}" if visit_id is not None else "Visit document"
    how = "Medicare Part B" if medicare else "payer profile and benefits verification"
    out = [f"{what}, date of service {result.date_of_service}, payer {result.payer} ({how})",
           ""]
    header = ("#", "Code", "Mod", "Units", "Charge", "Allowed", "Payer expected",
              "Patient share") + (("Sequestration",) if medicare else ())
    rows: list[tuple[str, ...]] = [header]
    for number, line in enumerate(result.lines, start=1):
        rows.append((str(number), line.code, " ".join(line.modifiers), str(line.units),
                     _money(line.charge), _money(line.allowed), _money(line.payer_pays),
                     _money(line.patient_share))
                    + ((_money(line.sequestration),) if medicare else ()))
    label = "Total*" if result.partial else "Total"
    rows.append(("", label, "", "", *(_total(result, name) for name in (
        "charge", "allowed", "payer_pays", "patient_share",
        *(("sequestration",) if medicare else ())))))
    table = text_table(rows, right=(0, 3, 4, 5, 6, 7, 8))
    out += [*table[:-1], table[1], table[-1]]  # the total under a rule
    if result.partial:
        out.append("* partial: lines without a price or a patient share are not included")
    out += ["", "Sources:"]
    for number, line in enumerate(result.lines, start=1):
        out.append(f"  {number}. {line.code}: allowed: {line.allowed_source}")
        if line.payment_source:
            out.append(f"     payer expected: {line.payment_source}")
        if line.patient_source:
            out.append(f"     patient share: {line.patient_source}")
    if result.programme is not None:
        cover = result.programme
        state = "eligible" if cover.eligible else "not eligible"
        out += ["", f"Co-pay programme {cover.name} ({state}): drug {_money(cover.drug_covered)}"
                    f", infusion {_money(cover.infusion_covered)}; the patient then owes "
                    f"{_money(result.patient_after_programme)}"
                    + (f"; EOB due by {cover.eob_deadline}" if cover.eob_deadline else "")]
        out += [f"  {f.severity}: {f.message}" for f in cover.findings]
    if result.notes:
        out += ["", "Notes:"] + [f"  - {note}" for note in result.notes]
    return "\n".join(out)

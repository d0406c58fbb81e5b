"""`ocrebill data import asp|icd10cm|fees FILE` and `ocrebill data list`: the reference data a
clinic updates itself (issue 16; store/reference_data.py).

The file is read whole before anything is saved: a bad file is refused with its line and
column named and nothing imported (exit 2). Importing needs the administrator or biller role;
listing, any signed-in account. Exit 0 done, 1 the store refused (sign-in, role, read-only),
2 bad input (an unreadable or malformed file, a bad --quarter or --year).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocrebill_gui.store.accounts import CheckedWrite
    from ocrebill_gui.store.reference_data import ImportSummary

EXIT_STORE, EXIT_INPUT = 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.store_commands import _common, _signs_in

    p = sub.add_parser("data", help="reference data: import ASP prices, ICD-10-CM codes, fees",
                       description="The practice database's reference data: CMS's ASP "
                                   "pricing files, ICD-10-CM order files per fiscal year, the "
                                   "practice's fee schedule (docs/reference-data.md).")
    actions = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import a reference file (whole, or nothing)")
    kinds = imp.add_subparsers(dest="kind", metavar="KIND", required=True)
    a = kinds.add_parser("asp", help="a CMS ASP pricing file (CSV as published)")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--quarter", help="the quarter, e.g. 2026Q3 (default: read from the file)")
    i = kinds.add_parser("icd10cm", help="a CMS ICD-10-CM order file (fixed width)")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--year", type=int, help="the fiscal year, e.g. 2027 (1 October 2026 to 30 "
                                            "September 2027; default: from the file name)")
    f = kinds.add_parser("fees", help="the practice's fee schedule (CSV with a header)")
    f.add_argument("file", metavar="FILE")
    lst = actions.add_parser("list", help="the reference data imported")
    for parser, handler in ((a, run_import), (i, run_import), (f, run_import),
                            (lst, run_list)):
        _common(parser, writes=handler is run_import)
        _signs_in(parser)
        parser.set_defaults(handler=handler)


def _parsed(args: argparse.Namespace):
    from pathlib import Path

    from ocrebill_gui.core.asp_file import read_asp_file
    from ocrebill_gui.core.fee_schedule import read_fee_schedule
    from ocrebill_gui.core.icd10_order_file import read_icd10_order_file

    path = Path(args.file)
    if args.kind == "asp":
        return read_asp_file(path, args.quarter)
    if args.kind == "icd10cm":
        return read_icd10_order_file(path, args.year)
    return read_fee_schedule(path)


def run_import(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.store_commands import _fail, _open_existing, _sign_in
    from ocrebill_gui.store import StoreError, import_asp, import_fees, import_icd10cm

    try:
        parsed = _parsed(args)
    except OSError as exc:
        return _fail(f"ocrebill data import: {args.file}: cannot read: "
                     f"{exc.strerror or exc}", EXIT_INPUT)
    except ValueError as exc:  # ReferenceFileError names the line and column
        return _fail(f"ocrebill data import: nothing imported: {exc}", EXIT_INPUT)
    importers: dict[str, CheckedWrite[..., ImportSummary]] = {
        "asp": import_asp, "icd10cm": import_icd10cm, "fees": import_fees}
    save = importers[args.kind]
    try:
        with _open_existing(args, read_only=False) as store:
            _sign_in(args, store, save.action)
            summary = save(store, args.session, parsed)
    except StoreError as exc:
        return _fail(str(exc))
    print(summary.text())
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ocrebill_gui.cli.store_commands import _fail, _open_existing, _sign_in
    from ocrebill_gui.cli.tables import text_table
    from ocrebill_gui.store import StoreError, list_reference_data
    from ocrebill_gui.store.reference_data import KINDS

    try:
        with _open_existing(args) as store:
            _sign_in(args, store, "store.read")
            imports = list_reference_data(store, args.session)
    except StoreError as exc:
        return _fail(str(exc))
    if not imports:
        print("No reference data imported: the shipped code sets and the practice settings' "
              "fees are used.")
        return 0
    table = [("Kind", "Period", "Rows", "File", "Imported", "By")]
    table += [(KINDS[i.kind], i.period, str(i.rows), i.file_name, i.imported_at[:16],
               i.imported_by) for i in imports]
    print("\n".join(text_table(table)))
    return 0

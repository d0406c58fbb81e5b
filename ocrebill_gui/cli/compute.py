"""`ocrebill compute` and `ocrebill rules`: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compute", help="compute the claim lines of a visit document",
                       description="Compute a visit document (`-` reads stdin). Exit 0 when "
                                   "computed, whatever its findings; exit 2 when the document "
                                   "cannot be computed, with every bad field on stderr.")
    p.add_argument("visit", help="visit document JSON file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the claim result as JSON")
    p.set_defaults(handler=run_compute)
    r = sub.add_parser("rules", help="list the findings catalog (rule ids and what they mean)")
    r.add_argument("--json", action="store_true", help="print the catalog as JSON")
    r.set_defaults(handler=run_rules)


def read_document(name: str) -> tuple[object | None, str | None]:
    """Read a JSON document from a file or stdin; return (document, error message)."""
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark.
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, f"{name}: cannot read: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return None, f"{name}: not UTF-8 text"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"


def run_compute(args: argparse.Namespace) -> int:
    from ocrebill_gui.core import InvalidVisit, compute
    from ocrebill_gui.core.catalog import DataFileError

    document, error = read_document(args.visit)
    if error:
        print(error, file=sys.stderr)
        return 2
    try:
        result = compute(document)  # type: ignore[arg-type]
    except InvalidVisit as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 2
    except DataFileError as exc:
        print(f"broken data file: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        from ocrebill_gui.cli.tables import claim_table

        print(claim_table(result))
    return 0


def run_rules(args: argparse.Namespace) -> int:
    from ocrebill_gui.core.catalog import default_catalog

    rules = default_catalog().rules.values()
    if args.json:
        print(json.dumps([r.model_dump() for r in rules], indent=2))
        return 0
    width = max(len(r.id) for r in rules)
    for rule in rules:
        seed = f" [seed 9.{rule.seed}]" if rule.seed else ""
        print(f"{rule.id:<{width}}  {rule.severity:<7}  §{rule.section:<2} "
              f"{rule.explanation}{seed}")
    return 0

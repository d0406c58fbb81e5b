"""`ocrebill compute` and `ocrebill rules`: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocrebill_gui.core.catalog import Catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compute", help="compute the claim lines of a visit document",
                       description="Compute a visit document (`-` reads stdin). Exit 0 when "
                                   "computed, whatever its findings; exit 2 when the document "
                                   "cannot be computed, with every bad field on stderr.")
    p.add_argument("visit", help="visit document JSON file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the claim result as JSON")
    p.add_argument("--db", dest="compute_db", metavar="FILE",
                   help="use this practice database's payer profiles and imported ICD-10-CM "
                        "code sets (read only; no sign-in: no patient data is read). Without "
                        "it, compute uses the shipped data alone and opens no database")
    p.set_defaults(handler=run_compute)
    r = sub.add_parser("rules", help="list the findings catalog (rule ids and what they mean)")
    r.add_argument("--json", action="store_true", help="print the catalog as JSON")
    r.set_defaults(handler=run_rules)


MAX_BYTES = 20 * 1024 * 1024  # a visit document is a few KB; a 20 MB one is a mistake
MAX_DIGITS = 100  # longer integers are read as HUGE (Python refuses 4,300 digits and more)
HUGE = 10**MAX_DIGITS  # any field refuses it, by name (core.validation: at most 15 digits)
MAX_PROBLEM_LINES = 50
PARSE_DEPTH = 200  # deeper JSON is refused unparsed (see read_document)


def read_document(name: str) -> tuple[object | None, str | None]:
    """Read a JSON document from a file or stdin (`-`); return (document, error message).

    The one reader of every command that takes a document (compute, import, print): at most
    MAX_BYTES are read, nesting too deep for the parser is a message, an integer of more than
    MAX_DIGITS digits reads as +-HUGE (core.validation then names its field as too large).
    What the values may be is core.validation's to say."""
    from ocrebill_gui.core.errors import shown
    from ocrebill_gui.core.validation import MAX_DEPTH

    label = shown(name, 200, quote=False)
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            if stream is None:  # no stdin at all (a windowed program)
                return None, "-: cannot read: there is no standard input"
            data = stream.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as file:
                data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, f"{label}: cannot read: {exc.strerror or exc}"
    if len(data) > MAX_BYTES:
        return None, (f"{label}: larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a "
                      "visit document: not read")
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark.
        text = data if isinstance(data, str) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"{label}: not UTF-8 text (byte {exc.start + 1} is not UTF-8)"
    too_deep = (f"{label}: nested too deeply for a visit document (at most {MAX_DEPTH} "
                "levels)")
    # Before the parser, whose own limit differs by Python (3.11 fails near 1,000 levels, 3.13
    # reads them): the same answer everywhere. Between MAX_DEPTH and this, the document is
    # parsed and core.validation names the field that nests too deep.
    if _depth_over(text, PARSE_DEPTH):
        return None, too_deep
    try:
        return json.loads(text, parse_int=_parse_int), None
    except json.JSONDecodeError as exc:
        return None, (f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                      f"{exc.msg})")
    except RecursionError:
        return None, too_deep


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: 0.1 s on a 20 MB string, not 4
_BRACKET = re.compile(r"[\[\]{}]")


def _depth_over(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` deep (strings skipped), in
    one pass without recursion: Python 3.11's parser fails on ~1,000 levels with a
    RecursionError, 3.13's reads them, and the answer must not depend on which one runs."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _parse_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        return -HUGE if text.startswith("-") else HUGE
    return int(text)


def print_problems(lines: list[str], *, indent: str = "") -> None:
    """Problem lines on stderr, the first MAX_PROBLEM_LINES of them."""
    for line in lines[:MAX_PROBLEM_LINES]:
        print(f"{indent}{line}", file=sys.stderr)
    if len(lines) > MAX_PROBLEM_LINES:
        print(f"{indent}... and {len(lines) - MAX_PROBLEM_LINES} more", file=sys.stderr)


def run_compute(args: argparse.Namespace) -> int:
    from ocrebill_gui.core import InvalidVisit, compute
    from ocrebill_gui.core.catalog import DataFileError

    document, error = read_document(args.visit)
    if error:
        print(error, file=sys.stderr)
        return 2
    catalog, error = _store_catalog(args.compute_db)
    if error:
        print(f"ocrebill compute: {error}", file=sys.stderr)
        return 1
    try:
        result = compute(document, catalog=catalog)
    except InvalidVisit as exc:
        print_problems(exc.lines())
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


def _store_catalog(path: str | None) -> tuple[Catalog | None, str | None]:
    """(the catalog of the database at `path`, None) or (None, why it cannot be read); no
    path: (None, None), the shipped catalog, and the store is not even imported."""
    if path is None:
        return None, None
    from ocrebill_gui.store import StoreError, open_store, store_catalog

    try:
        with open_store(path, create=False, read_only=True) as store:
            return store_catalog(store), None
    except StoreError as exc:
        return None, str(exc)


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

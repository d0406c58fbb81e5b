"""`ocrebill claims validate FILE`: any 837P/837I file through pyx12 (the 999 acknowledgement
is printed) and our semantic checks (NPI check digits, NDC N4 + 11 digits, CTP unit and
quantity, CLM02 equal to the sum of the lines). Exit 0 accepted, 1 rejected, 2 bad input.

Needs no database. `claims export` comes with the store's providers (issue 13).
"""

from __future__ import annotations

import argparse
import sys

MAX_BYTES = 64 * 1024 * 1024  # a day's 837 is a few hundred KB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("claims", help="claim files: validate an 837P/837I file",
                       description="Work with X12 837 claim files.")
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

"""`ocrebill claims show|submitted|set-number|pay|deny|setup`: a claim's status and the payer's
answer by hand (store/claims.py, store/remittances.py), and the clearinghouse settings.

Each writes as the signed-in account, in the audit log; a change the claim's status does not
allow is refused with the reason (exit 1); a bad amount, code or date is named (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_STORE, EXIT_INPUT = 1, 2


def register_status(actions: argparse._SubParsersAction) -> None:
    from ocrebill_gui.cli.claims_commands import _day
    from ocrebill_gui.cli.store_commands import _common, _signs_in

    show = actions.add_parser("show", help="a claim's status, its steps and remittances")
    show.add_argument("claim", type=int, metavar="CLAIM", help="the claim id")
    sent = actions.add_parser("submitted", help="mark printed or exported claims submitted",
                              description="The forms were mailed or the 837 was sent to the "
                                          "clearinghouse: the claims become submitted.")
    sent.add_argument("claims", type=int, nargs="+", metavar="CLAIM")
    number = actions.add_parser("set-number", help="the payer's claim number (ICN/DCN)",
                                description="The payer's number for a submitted claim: a "
                                            "replacement of it names it (REF*F8, box 22). "
                                            "'' clears it.")
    number.add_argument("claim", type=int, metavar="CLAIM")
    number.add_argument("number", metavar="NUMBER")
    pay = actions.add_parser("pay", help="record a payment from the remittance",
                             description="Record the payer's payment of a claim (amounts in "
                                         "dollars and cents); the claim becomes paid.")
    pay.add_argument("claim", type=int, metavar="CLAIM")
    pay.add_argument("--amount", required=True, help="amount paid, e.g. 35757.60")
    pay.add_argument("--patient-share", help="patient responsibility, e.g. 200.00")
    pay.add_argument("--adjust", action="append", default=[], metavar="GROUP-CODE=AMOUNT",
                     help="an adjustment (CAS), e.g. CO-45=1234.56 (repeatable)")
    deny = actions.add_parser("deny", help="record a denial from the remittance",
                              description="Record the payer's denial of a claim with its "
                                          "codes; the claim becomes denied.")
    deny.add_argument("claim", type=int, metavar="CLAIM")
    deny.add_argument("--code", action="append", required=True, metavar="CODE",
                      help="group and reason code (CO-197) or remark code (N54); repeatable")
    deny.add_argument("--reason", required=True, help="the denial reason in words")
    for parser in (pay, deny):
        parser.add_argument("--on", type=_day, metavar="YYYY-MM-DD",
                            help="the day the remittance was received (default today)")
        parser.add_argument("--note", help="a note kept with it")
    setup = actions.add_parser(
        "setup", help="the clearinghouse's ids and ISA15 for 837 files (administrator)",
        description="Set the ids the clearinghouse gave the practice for 837 files. ISA15 is "
                    "T (test) until set to P (production), once the clearinghouse accepts "
                    "the test files. Without options: the current settings.")
    setup.add_argument("--sender-id", help="ISA06/GS02, the practice's submitter id")
    setup.add_argument("--receiver-id", help="ISA08/GS03, the clearinghouse's id")
    setup.add_argument("--receiver-name", help="the clearinghouse's name (1000B)")
    setup.add_argument("--submitter-name", help="the submitter's name (default: the practice)")
    setup.add_argument("--contact-name", help="who the clearinghouse calls (1000A PER)")
    setup.add_argument("--contact-phone", help="their phone, ten digits")
    setup.add_argument("--usage", choices=("T", "P"), help="ISA15: T test, P production")
    for parser, handler, writes in ((show, run_show, False), (sent, run_submitted, True),
                                    (number, run_number, True), (pay, run_pay, True),
                                    (deny, run_deny, True), (setup, run_setup, True)):
        _common(parser, writes=writes)
        _signs_in(parser)
        parser.set_defaults(handler=handler)


def _run(args: argparse.Namespace, action: str, work: Any, *, read_only: bool = False) -> int:
    """Open the database, sign in for `action`, run `work(store, session)`; its errors as
    exit codes (InvalidRecord: bad input, 2; other StoreErrors: 1)."""
    from ocrebill_gui.cli.store_commands import _open_existing, _sign_in
    from ocrebill_gui.store import InvalidRecord, StoreError

    try:
        with _open_existing(args, read_only=read_only) as store:
            session = _sign_in(args, store, action)
            return int(work(store, session) or 0)
    except InvalidRecord as exc:
        print(f"ocrebill claims {args.claims_command}: " + "; ".join(exc.lines()),
              file=sys.stderr)
        return EXIT_INPUT
    except StoreError as exc:
        print(f"ocrebill claims {args.claims_command}: {exc}", file=sys.stderr)
        return EXIT_STORE


def _claim_line(record: Any) -> str:
    parts = [f"claim {record.id}", f"visit {record.visit_id}", record.status,
             f"frequency {record.frequency}"]
    if record.replaces_claim_id:
        parts.append(f"replaces claim {record.replaces_claim_id} "
                     f"(payer number {record.original_claim_number or 'not entered'})")
    if record.payer_claim_number:
        parts.append(f"payer number {record.payer_claim_number}")
    return ", ".join(parts)


def run_show(args: argparse.Namespace) -> int:
    from ocrebill_gui.store.claims import claim, claims_of
    from ocrebill_gui.store.remittances import remittances_of

    def work(store: Any, session: Any) -> int:
        record = claim(store, session, args.claim)
        print(_claim_line(record))
        others = [c for c in claims_of(store, session, record.visit_id) if c.id != record.id]
        if others:
            print(f"  other claims of visit {record.visit_id}: " + ", ".join(
                f"claim {c.id} ({c.status}, frequency {c.frequency})" for c in others))
        for label, value in (("printed", record.printed_at and
                              f"{record.printed_at} on the {record.form}"),
                             ("exported", record.exported_at and
                              f"{record.exported_at}, interchange {record.control_number}, "
                              f"{record.export_file}"),
                             ("submitted", record.submitted_at),
                             ("decided", record.decided_at),
                             ("denied because", record.denial_reason)):
            if value:
                print(f"  {label}: {value}")
        for r in remittances_of(store, session, args.claim):
            what = ("denied " + " ".join(r.denial_codes)) if r.denial else f"paid {r.amount_paid}"
            share = "" if r.patient_responsibility is None else \
                f", patient {r.patient_responsibility}"
            cas = "".join(f", {g}-{c} {a}" for g, c, a in r.adjustments)
            print(f"  remittance {r.id} received {r.received_on}: {what}{share}{cas}")
        return 0

    return _run(args, "patients.read", work, read_only=True)


def run_submitted(args: argparse.Namespace) -> int:
    from ocrebill_gui.store.claims import mark_submitted

    def work(store: Any, session: Any) -> int:
        for record in mark_submitted(store, session, args.claims):
            print(_claim_line(record))
        return 0

    return _run(args, mark_submitted.action, work)


def run_number(args: argparse.Namespace) -> int:
    from ocrebill_gui.store.claims import set_payer_claim_number

    def work(store: Any, session: Any) -> int:
        print(_claim_line(set_payer_claim_number(store, session, args.claim, args.number)))
        return 0

    return _run(args, set_payer_claim_number.action, work)


def _adjustments(texts: list[str]) -> list[tuple[str, str, str]]:
    from ocrebill_gui.store import InvalidRecord

    out = []
    for index, text in enumerate(texts):
        code, sep, amount = text.partition("=")
        group, dash, reason = code.strip().partition("-")
        if not sep or not dash:
            raise InvalidRecord([(f"--adjust {text[:30]}", "must be GROUP-CODE=AMOUNT, e.g. "
                                                           "CO-45=1234.56")])
        out.append((group, reason, amount.strip()))
    return out


def run_pay(args: argparse.Namespace) -> int:
    from ocrebill_gui.store.remittances import record_payment

    def work(store: Any, session: Any) -> int:
        paid = record_payment(store, session, args.claim, args.on or store.today(),
                              args.amount, args.patient_share, _adjustments(args.adjust),
                              args.note)
        print(f"remittance {paid.id}: claim {args.claim} paid {paid.amount_paid} "
              f"(received {paid.received_on})")
        return 0

    return _run(args, record_payment.action, work)


def run_deny(args: argparse.Namespace) -> int:
    from ocrebill_gui.store.remittances import record_denial

    def work(store: Any, session: Any) -> int:
        denied = record_denial(store, session, args.claim, args.on or store.today(),
                               args.code, args.reason, args.note)
        print(f"remittance {denied.id}: claim {args.claim} denied "
              f"{' '.join(denied.denial_codes)} (received {denied.received_on})")
        return 0

    return _run(args, record_denial.action, work)


SETUP_FIELDS = ("sender_id", "receiver_id", "receiver_name", "submitter_name", "contact_name",
                "contact_phone", "usage")


def run_setup(args: argparse.Namespace) -> int:
    from ocrebill_gui.core.practice import ClearinghouseSettings
    from ocrebill_gui.store import InvalidRecord, practice_settings, save_practice
    from ocrebill_gui.store.records import validated

    given = {name: getattr(args, name) for name in SETUP_FIELDS
             if getattr(args, name) is not None}

    def work(store: Any, session: Any) -> int:
        practice = practice_settings(store)
        if practice is None:
            raise InvalidRecord([("practice", "is not set up: set the practice first")])
        current = practice.clearinghouse
        if given:
            merged = (current.model_dump() if current else {}) | given
            house = validated(ClearinghouseSettings, merged)
            practice = save_practice(store, session,
                                     practice.model_copy(update={"clearinghouse": house}))
            current = practice.clearinghouse
        if current is None:
            print("No clearinghouse settings: give --sender-id, --receiver-id, "
                  "--receiver-name, --contact-name and --contact-phone.")
            return 0
        for name in SETUP_FIELDS:
            print(f"{name}: {getattr(current, name)}")
        return 0

    return _run(args, "practice.write" if given else "store.read", work, read_only=not given)

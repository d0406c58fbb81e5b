"""`ocrebill print cms1500|ub04 VISIT -o FILE.pdf`: a finalized visit's claim on the red
CMS-1500 or the UB-04 (a biller: claims leave the building). The parties come from the store
(store/claim_parties.py): the practice bills, the visit's providers render and order, its
coverage names the subscriber, member id and payer id; the line charges are the ones frozen
when the visit was finalized (store/billed_charges.py). A visit lacking what a claim needs is
refused naming the visit and the field (exit 1); the offsets are --top/--left, else the
practice's form_offsets, else the form's defaults. Printing marks the visit's claim printed
(store/claims.py record_printed); a claim sent already is printed as a copy, unchanged; a
replacement prints with box 22 (code 7 and the original's payer claim number)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ocrebill_gui.core.claim_submission import ClaimSubmission
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.claim_parties import ClaimNotReady, claim_parties

ACTION = "visits.export"  # a biller: the claim leaves the building


def print_claim_form(args: argparse.Namespace, store: Store, session: Session,
                     visit_id: int, *, today: date) -> Path:
    """Write the form of `visit_id` to args.output; the path written."""
    from ocrebill_gui.reports import write_pdf

    submission = claim_submission(store, session, visit_id, form=args.document)
    practice = _practice(store)
    top, left = offsets(args, practice)
    if args.document == "cms1500":
        from ocrebill_gui.reports.cms1500 import cms1500_pdf

        pdf = cms1500_pdf(submission, top=top, left=left)
    else:
        from ocrebill_gui.reports.ub04 import ub04_pdf

        pdf = ub04_pdf(submission, created=today, top=top, left=left)
    out = Path(args.output)
    if out.is_dir():
        out = out / f"{args.document}-visit-{visit_id}.pdf"
    written = write_pdf(pdf, out, force=args.force)
    from ocrebill_gui.store.claims import record_printed

    note = ("the database is read-only: the claim is not marked printed" if store.read_only
            else record_printed(store, session, visit_id, args.document))
    if note:
        print(f"note: {note}", file=sys.stderr)
    return written


def claim_submission(store: Store, session: Session, visit_id: int, *,
                     form: str) -> ClaimSubmission:
    """The claim of a finalized visit, its parties from the store; ClaimNotReady naming the
    visit and each missing field otherwise."""
    from ocrebill_gui.cli.print_commands import visit_for_print
    from ocrebill_gui.core.claim_builder import submission_from
    from ocrebill_gui.core.claim_problems import submission_problems
    from ocrebill_gui.store import (
        get_coverage,
        get_patient,
        get_visit,
        payer_profiles,
        store_catalog,
    )

    visit = get_visit(store, session, visit_id)
    if not visit.finalized:
        raise ClaimNotReady(visit_id, [("status", "is a draft: finalize the visit first")])
    catalog = store_catalog(store)
    document, claim, _draft = visit_for_print(store, session, visit_id, catalog)
    institutional = document.setting == "hospital_outpatient"
    if institutional != (form == "ub04"):
        raise ClaimNotReady(visit_id, [("setting", "is hospital outpatient: print the ub04"
                                        if institutional else "is not hospital outpatient: "
                                        "print the cms1500")])
    patient = get_patient(store, session, visit.patient_id)
    coverage = (get_coverage(store, session, visit.coverage_id)
                if visit.coverage_id is not None else None)
    names = {profile.id: profile.name for profile, _mine in payer_profiles(store)}
    payer = names.get(coverage.payer, coverage.payer) if coverage else ""
    practice = _practice(store)
    parties = claim_parties(visit_id, document, practice, patient, coverage, payer)
    assert practice is not None  # claim_parties raised ClaimNotReady without one
    from ocrebill_gui.store.billed_charges import charges_for

    charges = charges_for(store, session, visit_id, claim, setting=document.setting,
                          day=document.date_of_service, practice=practice)
    from ocrebill_gui.store.claims import current_claim

    record = current_claim(store, session, visit_id)  # a replacement: frequency 7, box 22
    submission = submission_from(claim, document, parties, practice, visit_id=visit_id,
                                 catalog=catalog, charges=charges,
                                 frequency="7" if record and record.frequency == "7" else "1",
                                 original_claim_number=(record.original_claim_number or "")
                                 if record else "")
    problems = submission_problems(submission, electronic=False)
    if problems:
        raise ClaimNotReady(visit_id, [(p.field, p.message) for p in problems])
    return submission


def offsets(args: argparse.Namespace,
            practice: PracticeSettings | None) -> tuple[float, float]:
    if args.document == "cms1500":
        from ocrebill_gui.reports.cms1500 import DEFAULT_LEFT, DEFAULT_TOP
    else:
        from ocrebill_gui.reports.ub04 import DEFAULT_LEFT, DEFAULT_TOP
    saved = practice.form_offsets.get(args.document) if practice is not None else None
    top = args.top if args.top is not None else saved.top if saved else DEFAULT_TOP
    left = args.left if args.left is not None else saved.left if saved else DEFAULT_LEFT
    return top, left


def _practice(store: Store) -> PracticeSettings | None:
    from ocrebill_gui.store import practice_settings

    return practice_settings(store)

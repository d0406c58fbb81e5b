"""Claims out of the building as one 837 (issue 15, item 3), for `ocrebill claims export` and
the worklist's batch export.

    plan = build_export(store, session, visit_ids, "837p", at=now)     # reads, checks, writes
    write_private_bytes(path, plan.text.encode("ascii"), force=False)  # the caller's file
    finish_export(store, session, plan, path.name)                     # claims marked exported

Each visit's claim is built from the store (store/claim_parties.py: the practice bills, the
visit's providers render and order, its coverage names subscriber, member id and the payer's
claim-office id), with the charges frozen at finalize (billed_charges.py) and the claim
record's frequency: a replacement is frequency 7 with REF*F8, the payer's number of the claim
it replaces. A claim that fails our checks (claim_problems) is left out and named with the
visit and field; the rest go in one interchange. Before it is handed back, the interchange is
validated by pyx12 (999) and our semantic checks (core/x12/validate.py); a claim pyx12
refuses is found by halving the batch, left out, and the file written again. Control numbers
come from the database (control_numbers.py): never reused, and a set taken by a file that was
then refused is skipped.

ISA15 (test or production) and the submitter/receiver ids come from the practice settings'
`clearinghouse` block (core/practice.py ClearinghouseSettings; usage 'T' until the practice
sets 'P').
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from ocrebill_gui.core.claim_submission import ClaimSubmission, Frequency
from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.core.x12 import ControlNumbers, InMemoryControlNumbers, InterchangeSettings
from ocrebill_gui.store.accounts import Session, require
from ocrebill_gui.store.claim_parties import ClaimNotReady
from ocrebill_gui.store.claims import (
    ClaimRecord,
    _current,
    ensure_claim,
    mark_exported,
)
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import NotFound, StoreError

if TYPE_CHECKING:
    from ocrebill_gui.core.x12.validate import ValidationResult

Kind = Literal["837p", "837i"]
KINDS: dict[str, str] = {"837p": "837P (professional)", "837i": "837I (institutional)"}
ACTION = "visits.export"
Problem = tuple[str, str]  # (field, what is wrong)
_FREQUENCIES: dict[str, Frequency] = {"1": "1", "7": "7", "8": "8"}  # any other: an original


class ExportNotReady(StoreError):
    """The practice cannot send an 837 yet (no clearinghouse settings, no practice)."""


@dataclass(frozen=True)
class ExportPlan:
    """What an export would write: the 837 text (empty when no claim could go), which visits'
    claims it holds, and which were left out and why."""

    kind: str
    text: str
    control_number: int | None  # ISA13 of the text
    written: list[int] = field(default_factory=list)  # visit ids, in file order
    claim_ids: dict[int, int | None] = field(default_factory=dict)  # visit -> claim (None: old)
    seen: dict[int, str | None] = field(default_factory=dict)  # visit -> its ISA13 when built
    left_out: dict[int, list[Problem]] = field(default_factory=dict)  # visit -> problems
    skipped: dict[int, str] = field(default_factory=dict)  # a day's visits not for this file
    usage: str = "T"
    ack_999: str = ""
    pyx12: bool = True  # False: pyx12 is not installed and only our checks ran

    @property
    def complete(self) -> bool:
        return not self.left_out


def interchange_settings(practice: PracticeSettings | None) -> InterchangeSettings:
    """The envelope's parties from the practice settings, or ExportNotReady naming what to
    set."""
    if practice is None:
        raise ExportNotReady("the practice is not set up: no claim can be exported")
    house = practice.clearinghouse
    if house is None:
        raise ExportNotReady("practice.clearinghouse is not set: give the clearinghouse's "
                             "sender and receiver ids first (ocrebill claims setup)")
    submitter = house.submitter_name or practice.name
    return InterchangeSettings(
        sender_id=house.sender_id, receiver_id=house.receiver_id,
        submitter_name=submitter[:60], submitter_id=house.sender_id,
        contact_name=house.contact_name, contact_phone=house.contact_phone,
        receiver_name=house.receiver_name, usage=house.usage)


def visits_to_send(store: Store, session: Session, date_from: date,
                   date_to: date) -> list[int]:
    """Finalized visits of the dates (inclusive) whose claim has not been submitted (or that
    have none yet), by date of service then id."""
    require(session, ACTION)
    rows = store.conn.execute(
        "SELECT v.id FROM visits v LEFT JOIN claims c ON c.visit_id = v.id AND "
        "c.status <> 'replaced' WHERE v.status = 'finalized' AND v.date_of_service >= ? "
        "AND v.date_of_service <= ? AND (c.id IS NULL OR c.status IN "
        "('ready', 'printed', 'exported')) ORDER BY v.date_of_service, v.id",
        (date_from.isoformat(), date_to.isoformat())).fetchall()
    return [int(row[0]) for row in rows]


class _Context:
    """What every claim of one export shares, read once."""

    def __init__(self, store: Store, session: Session):
        from ocrebill_gui.store.payers import payer_profiles, store_catalog
        from ocrebill_gui.store.practice import practice_settings

        self.store, self.session = store, session
        self.practice = practice_settings(store)
        self.catalog = store_catalog(store)
        self.payer_names = {p.id: p.name for p, _mine in payer_profiles(store)}


def submission_of(context: _Context, visit_id: int,
                  record: ClaimRecord | None) -> ClaimSubmission:
    """The claim of a finalized visit as it leaves: frequency and original number from its
    claim record; ClaimNotReady naming the visit and each field otherwise (no problem check:
    the caller checks for paper or for an 837)."""
    from ocrebill_gui.core.claim_builder import submission_from
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.store.billed_charges import charges_for
    from ocrebill_gui.store.claim_parties import claim_parties
    from ocrebill_gui.store.coverages import get_coverage
    from ocrebill_gui.store.patients import get_patient
    from ocrebill_gui.store.visits import get_visit

    store, session = context.store, context.session
    visit = get_visit(store, session, visit_id)
    if not visit.finalized or visit.claim is None:
        raise ClaimNotReady(visit_id, [("status", "is a draft: finalize the visit first")])
    document = parse_visit(visit.document)
    patient = get_patient(store, session, visit.patient_id)
    coverage = (get_coverage(store, session, visit.coverage_id)
                if visit.coverage_id is not None else None)
    payer = context.payer_names.get(coverage.payer, coverage.payer) if coverage else ""
    parties = claim_parties(visit_id, document, context.practice, patient, coverage, payer)
    practice = context.practice
    assert practice is not None  # claim_parties raised ClaimNotReady without one
    charges = charges_for(store, session, visit_id, visit.claim, setting=document.setting,
                          day=document.date_of_service, practice=practice)
    frequency = record.frequency if record is not None else "1"
    return submission_from(
        visit.claim, document, parties, practice, visit_id=visit_id,
        frequency=_FREQUENCIES.get(frequency, "1"),
        original_claim_number=(record.original_claim_number or "") if record else "",
        catalog=context.catalog, charges=charges)


def build_export(store: Store, session: Session, visit_ids: Sequence[int], kind: str, *,
                 at: datetime, batch: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ExportPlan:
    """The 837 of `kind` ('837p' or '837i') for the visits' claims. `batch` (a day's or a
    range's visits): a visit of the other kind of file is skipped, not left out. Control
    numbers are taken only when something is written. `progress(done, total)` is called as
    claims are built."""
    from ocrebill_gui.core.claim_problems import submission_problems

    require(session, ACTION)
    if kind not in KINDS:
        raise ExportNotReady(f"unknown format {kind!r}: 837p or 837i")
    context = _Context(store, session)
    settings = interchange_settings(context.practice)
    ready: list[tuple[int, ClaimRecord | None, ClaimSubmission]] = []
    left_out: dict[int, list[Problem]] = {}
    skipped: dict[int, str] = {}
    total = len(visit_ids)
    for done, visit_id in enumerate(dict.fromkeys(visit_ids), start=1):
        if progress is not None:
            progress(done, total)
        record = _current(store, visit_id)
        if record is not None and not record.to_send:
            why = (f"claim {record.id} is {record.status}: amend the visit to send a "
                   "replacement")
            if batch:
                skipped[visit_id] = why
            else:
                left_out[visit_id] = [("claim.status", why)]
            continue
        try:
            submission = submission_of(context, visit_id, record)
        except ClaimNotReady as exc:
            left_out[visit_id] = list(exc.problems)
            continue
        except NotFound:
            left_out[visit_id] = [("visit", "there is no such visit")]
            continue
        institutional = submission.claim.setting == "hospital_outpatient"
        if institutional != (kind == "837i"):
            why = ("is hospital outpatient: it goes in an 837I" if institutional
                   else "is not hospital outpatient: it goes in an 837P")
            if batch:
                skipped[visit_id] = f"setting {why}"
            else:
                left_out[visit_id] = [("setting", why)]
            continue
        problems = submission_problems(submission, electronic=True)
        if problems:
            left_out[visit_id] = [(p.field, p.message) for p in problems]
            continue
        ready.append((visit_id, record, submission))
    read = [v for v in dict.fromkeys(visit_ids) if v not in skipped
            and ("visit", "there is no such visit") not in left_out.get(v, [])]
    _record_reads(store, session, read)
    return _written(store, session, kind, settings, ready, left_out, skipped, at)


def _record_reads(store: Store, session: Session, visit_ids: list[int]) -> None:
    """Each visit read for the export, on record once (one transaction for all)."""
    from ocrebill_gui.store.audit import record_read

    if store.read_only or not visit_ids:
        return
    with writing(store):
        for visit_id in visit_ids:
            record_read(store, session, "visit", visit_id, "export")


Item = tuple[int, ClaimRecord | None, ClaimSubmission]


def _written(store: Store, session: Session, kind: str, settings: InterchangeSettings,
             ready: list[Item], left_out: dict[int, list[Problem]], skipped: dict[int, str],
             at: datetime) -> ExportPlan:
    from ocrebill_gui.core.x12.validate import ValidationResult, ValidatorMissing, validate_837
    from ocrebill_gui.store.control_numbers import StoreControlNumbers

    def text_of(items: list[Item], numbers: ControlNumbers) -> str:
        from ocrebill_gui.core.x12 import write_837i, write_837p

        write = write_837i if kind == "837i" else write_837p
        return write([s for _, _, s in items], settings, numbers, at=at)

    def check(items: list[Item]) -> ValidationResult:
        return validate_837(text_of(items, InMemoryControlNumbers()))

    def plan(text: str = "", *, control_number: int | None, written: list[int] | None = None,
             claim_ids: dict[int, int | None] | None = None, ack_999: str = "",
             pyx12: bool = True) -> ExportPlan:
        seen = {v: r.control_number if r else None for v, r, _ in ready}
        return ExportPlan(kind=kind, text=text, control_number=control_number,
                          written=written or [], claim_ids=claim_ids or {}, seen=seen,
                          left_out=left_out, skipped=skipped, usage=settings.usage,
                          ack_999=ack_999, pyx12=pyx12)

    if not ready:
        return plan(control_number=None)
    numbers = _Numbers(StoreControlNumbers(store, session))
    text = text_of(ready, numbers)
    try:
        result: ValidationResult | None = validate_837(text)
    except ValidatorMissing:
        result = None
    if result is not None and not result.accepted:
        # Found by halving (in-memory numbers), left out, and the rest written again with
        # new numbers: the ones taken for the refused text are skipped, never reused.
        refused = _refused(ready, check, result)
        for visit_id, messages in refused.items():
            left_out[visit_id] = [("837", m) for m in messages]
        ready = [item for item in ready if item[0] not in refused]
        if not ready:
            return plan(control_number=None, ack_999=result.ack_999)
        numbers = _Numbers(StoreControlNumbers(store, session))
        text = text_of(ready, numbers)
        result = validate_837(text)
        if not result.accepted:  # its claims passed one by one: never expected
            raise StoreError("the 837 was refused by its own validation after its claims "
                             "passed: nothing was written; "
                             + "; ".join((result.syntax_errors + result.problems)[:5]))
    return plan(text, control_number=numbers.interchange, written=[v for v, _, _ in ready],
                claim_ids={v: (r.id if r else None) for v, r, _ in ready},
                ack_999=result.ack_999 if result else "", pyx12=result is not None)


class _Numbers:
    """Control numbers, remembering the interchange's (ISA13)."""

    def __init__(self, numbers: ControlNumbers):
        self._numbers = numbers
        self.interchange: int | None = None

    def next_interchange(self) -> int:
        self.interchange = self._numbers.next_interchange()
        return self.interchange

    def next_group(self) -> int:
        return self._numbers.next_group()

    def next_transaction(self) -> int:
        return self._numbers.next_transaction()


def _refused(items: list[Item], check: Callable[[list[Item]], ValidationResult],
             result: ValidationResult) -> dict[int, list[str]]:
    """The claims the validation refuses (`result` is that of `items`), found by halving;
    each named with its own messages (segment and element: no values from the file)."""
    if result.accepted:
        return {}
    if len(items) == 1:
        messages = (result.syntax_errors + result.problems)[:5]
        return {items[0][0]: messages or ["refused by pyx12 (999 IK5*R)"]}
    middle = len(items) // 2
    first, second = items[:middle], items[middle:]
    return _refused(first, check, check(first)) | _refused(second, check, check(second))


def exported_elsewhere(store: Store, plan: ExportPlan) -> list[str]:
    """The plan's claims that another export (a second biller, the same day) took since the
    plan was built: sending both files would bill them twice. One message per claim, ids
    only; empty when none."""
    notes = []
    for visit_id in plan.written:
        current = _current(store, visit_id)
        if current is None or (current.to_send and
                               current.control_number == plan.seen.get(visit_id)):
            continue
        notes.append(f"visit {visit_id}: claim {current.id} is {current.status} by another "
                     f"export since (interchange {current.control_number or '-'}): send only "
                     "one of the two files")
    return notes


def finish_export(store: Store, session: Session, plan: ExportPlan,
                  file_name: str) -> list[ClaimRecord]:
    """After the file is written: its claims marked exported (file, ISA13, time), a claim
    made first for a visit finalized before claims were kept. One transaction."""
    if not plan.written or plan.control_number is None:
        return []
    with writing(store):
        ids = [plan.claim_ids.get(v) or ensure_claim(store, session, v).id
               for v in plan.written]
        return mark_exported(store, session, ids, file_name, plan.control_number)

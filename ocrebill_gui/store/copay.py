"""The manufacturer's co-pay programme per patient (issue 16, item 4): enrolments and the
claims sent to the programme (tables `copay_enrolments` and `copay_claims`, migration 12).

An enrolment names the programme (data/copay-programmes.json), the patient's card id, the
enrolment date and the parts used (drug, infusion); it is corrected or ended (a last day),
never two of one programme in force at once. A claim to the programme is one part of one
visit: the amount asked, the EOB sending deadline (the date of service + the programme's 545
days) and, once known, when it was sent and what the programme paid. A date of service more
than 180 days before the enrolment is refused (the programme does not pay it), and so is a
part the enrolment does not use.

`programme_input(store, patient_id, day)` is what an estimate needs (core/copay_programme):
the enrolment in force, the calendar year's usage from the programme's claims (what it paid,
else what was asked of it, a denied claim not counted) and the kinds of the patient's other
coverages on the day. `document_block` is what a visit document carries of it, so that the
engine says when the patient's coverage makes them ineligible (core/copay_check.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from ocrebill_gui.core.copay_programme import (
    Enrolment,
    Part,
    ProgrammeInput,
    ProgrammeTerms,
    YearUsage,
    programmes,
    terms_for,
)
from ocrebill_gui.core.money import ZERO
from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, insert_recorded, update_recorded
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import _Fields, _Record, validated

PARTS: tuple[Part, ...] = ("drug", "infusion")
ClaimStatus = Literal["to_send", "sent", "paid", "denied"]
STATUS_TEXT = {"to_send": "to send", "sent": "sent", "paid": "paid", "denied": "denied"}
# Plan types of a coverage as the programme's terms name them (Medicare Advantage is Medicare).
_COVERAGE_KIND = {"medicare_advantage": "medicare", "workers_comp": "other"}


class EnrolmentFields(_Fields):
    """What is typed for an enrolment; the same checks as the dialog's, in the same words."""

    patient_id: int
    programme: str = Field(default="ocrevus-copay", min_length=1)
    card_id: str = Field(min_length=1, max_length=60)
    enrolled_on: date
    ended_on: date | None = None
    parts: tuple[Part, ...] = PARTS

    @field_validator("programme")
    @classmethod
    def _known(cls, value: str) -> str:
        known = sorted({t.id for t in programmes()})
        if value not in known:
            raise ValueError(f"unknown programme '{value}' (known: {', '.join(known)})")
        return value

    @field_validator("parts")
    @classmethod
    def _some_parts(cls, value: tuple[Part, ...]) -> tuple[Part, ...]:
        if not value:
            raise ValueError("choose the drug, the infusion or both")
        return tuple(p for p in PARTS if p in value)

    @field_validator("enrolled_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("cannot be in the future")
        return value

    @field_validator("ended_on")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("enrolled_on")
        if value is not None and start is not None and value < start:
            raise ValueError(f"must not be before the enrolment date ({start})")
        return value


class CopayEnrolment(_Record):
    id: int
    patient_id: int
    programme: str
    card_id: str
    enrolled_on: date
    ended_on: date | None
    parts: tuple[Part, ...]

    def in_force_on(self, day: date) -> bool:
        """Enrolled for the day: not ended before it (a date of service before the enrolment
        is the programme's 180-day rule's to judge)."""
        return self.ended_on is None or day <= self.ended_on

    def as_enrolment(self) -> Enrolment:
        return Enrolment(programme=self.programme, card_id=self.card_id,
                         enrolled_on=self.enrolled_on, parts=frozenset(self.parts))


class ClaimFields(_Fields):
    """A claim to the programme for one part of one visit."""

    visit_id: int
    part: Part
    amount_claimed: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=500)


class ClaimUpdate(_Fields):
    """What becomes of a claim to the programme: sent (the EOB with it), paid or denied."""

    status: ClaimStatus
    sent_on: date | None = None
    amount_paid: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    note: str = Field(default="", max_length=500)

    def problems(self) -> list[tuple[str, str]]:
        found = []
        if self.status != "to_send" and self.sent_on is None:
            found.append(("sent_on", "say when the EOB was sent"))
        if self.status == "paid" and self.amount_paid is None:
            found.append(("amount_paid", "say what the programme paid"))
        if self.sent_on is not None and self.sent_on > date.today():
            found.append(("sent_on", "cannot be in the future"))
        return found


class ProgrammeClaim(_Record):
    id: int
    enrolment_id: int
    visit_id: int
    date_of_service: date
    part: Part
    amount_claimed: Decimal
    amount_paid: Decimal | None
    sent_on: date | None
    eob_deadline: date
    status: ClaimStatus
    note: str

    def deadline_text(self, today: date) -> str:
        """'send by 2028-03-01 (450 days left)', 'OVERDUE since ...', 'sent late ...'."""
        if self.sent_on is not None:
            late = self.sent_on > self.eob_deadline
            return (f"sent {self.sent_on} after the deadline {self.eob_deadline}" if late
                    else f"sent {self.sent_on}")
        left = (self.eob_deadline - today).days
        if left < 0:
            return f"OVERDUE: the EOB was due by {self.eob_deadline}"
        return f"send by {self.eob_deadline} ({left} days left)"

    @property
    def used(self) -> Decimal:
        """What it takes of the year's cap: paid, else asked (a denied claim nothing)."""
        if self.status == "denied":
            return ZERO
        return self.amount_paid if self.amount_paid is not None else self.amount_claimed


# ---------------------------------------------------------------------------- enrolments


def _enrolment(row: Mapping[str, Any]) -> CopayEnrolment:
    return CopayEnrolment.model_construct(
        id=int(row["id"]), patient_id=int(row["patient_id"]), programme=row["programme"],
        card_id=row["card_id"], enrolled_on=date.fromisoformat(row["enrolled_on"]),
        ended_on=date.fromisoformat(row["ended_on"]) if row["ended_on"] else None,
        parts=tuple(json.loads(row["parts"])))


def _columns(store: Store, fields: EnrolmentFields, enrolment_id: int | None) -> dict[str, Any]:
    if store.conn.execute("SELECT 1 FROM patients WHERE id = ?",
                          (fields.patient_id,)).fetchone() is None:
        raise InvalidRecord([("patient_id", f"there is no patient {fields.patient_id}")])
    end = fields.ended_on.isoformat() if fields.ended_on else "9999-12-31"
    clash = store.conn.execute(
        "SELECT id, enrolled_on FROM copay_enrolments WHERE patient_id = ? AND programme = ? "
        "AND id <> ? AND enrolled_on <= ? AND coalesce(ended_on, '9999-12-31') >= ? "
        "ORDER BY id LIMIT 1", (fields.patient_id, fields.programme, enrolment_id or 0, end,
                                fields.enrolled_on.isoformat())).fetchone()
    if clash is not None:
        raise InvalidRecord([("enrolled_on", f"enrolment {clash[0]} (from {clash[1]}) is in "
                              "force then: end it first")])
    return {"patient_id": fields.patient_id, "programme": fields.programme,
            "card_id": fields.card_id, "enrolled_on": fields.enrolled_on.isoformat(),
            "ended_on": fields.ended_on.isoformat() if fields.ended_on else None,
            "parts": json.dumps(list(fields.parts))}


@writes("copay.write")
def enrol(store: Store, actor: str, fields: Mapping[str, Any]) -> CopayEnrolment:
    """Enrol a patient in a co-pay programme (see EnrolmentFields)."""
    actor = check_actor(actor)
    parsed = validated(EnrolmentFields, fields)
    with writing(store):
        enrolment_id = insert_recorded(store, actor, "copay_enrolments", "copay_enrolment",
                                       _columns(store, parsed, None))
    return get_enrolment.inside(store, enrolment_id)


@writes("copay.write")
def update_enrolment(store: Store, actor: str, enrolment_id: int,
                     changes: Mapping[str, Any]) -> CopayEnrolment:
    """Correct an enrolment (card id, dates, parts); its patient and programme stay."""
    actor = check_actor(actor)
    if not isinstance(changes, Mapping):
        raise InvalidRecord([("record", "must be a set of named fields")])
    with writing(store):
        current = get_enrolment.inside(store, enrolment_id)
        merged = {"patient_id": current.patient_id, "programme": current.programme,
                  "card_id": current.card_id, "enrolled_on": current.enrolled_on,
                  "ended_on": current.ended_on, "parts": current.parts} | dict(changes)
        parsed = validated(EnrolmentFields, merged)
        if (parsed.patient_id, parsed.programme) != (current.patient_id, current.programme):
            raise InvalidRecord([("programme", "an enrolment stays with its patient and "
                                  "programme: end it and enrol again")])
        update_recorded(store, actor, "copay_enrolments", "copay_enrolment", enrolment_id,
                        _columns(store, parsed, enrolment_id))
    return get_enrolment.inside(store, enrolment_id)


@writes("copay.write")
def end_enrolment(store: Store, actor: str, enrolment_id: int,
                  last_day: date | str) -> CopayEnrolment:
    """End an enrolment on `last_day` (the patient left the programme or changed plans)."""
    return update_enrolment.inside(store, actor, enrolment_id, {"ended_on": last_day})


@reads("patients.read")
def get_enrolment(store: Store, enrolment_id: int) -> CopayEnrolment:
    row = next(store.db.query("SELECT * FROM copay_enrolments WHERE id = ?", [enrolment_id]),
               None)
    if row is None:
        raise NotFound(f"There is no co-pay programme enrolment {enrolment_id}.")
    return _enrolment(row)


@reads("patients.read")
def enrolments_of(store: Store, patient_id: int) -> list[CopayEnrolment]:
    """A patient's enrolments, the latest first."""
    rows = store.db.query("SELECT * FROM copay_enrolments WHERE patient_id = ? "
                          "ORDER BY enrolled_on DESC, id DESC", [patient_id])
    return [_enrolment(r) for r in rows]


def enrolment_for(store: Store, patient_id: int, day: date) -> CopayEnrolment | None:
    """The enrolment that answers for a date of service: of those not ended before it, the
    earliest enrolled after it (the 180-day rule judges it), else the latest enrolled on or
    before it. No session: call it inside a checked read or write."""
    found = [e for e in enrolments_of.inside(store, patient_id) if e.in_force_on(day)]
    after = [e for e in found if e.enrolled_on > day]
    before = [e for e in found if e.enrolled_on <= day]
    if before:
        return before[0]
    return min(after, key=lambda e: e.enrolled_on) if after else None


# ---------------------------------------------------------------------------- claims


_CLAIM_SQL = ("SELECT c.*, v.date_of_service FROM copay_claims c "
              "JOIN visits v ON v.id = c.visit_id ")


def _claim(row: Mapping[str, Any]) -> ProgrammeClaim:
    return ProgrammeClaim.model_construct(
        id=int(row["id"]), enrolment_id=int(row["enrolment_id"]), visit_id=int(row["visit_id"]),
        date_of_service=date.fromisoformat(row["date_of_service"]), part=row["part"],
        amount_claimed=Decimal(row["amount_claimed"]),
        amount_paid=Decimal(row["amount_paid"]) if row["amount_paid"] is not None else None,
        sent_on=date.fromisoformat(row["sent_on"]) if row["sent_on"] else None,
        eob_deadline=date.fromisoformat(row["eob_deadline"]), status=row["status"],
        note=row["note"] or "")


def _visit(store: Store, visit_id: int) -> tuple[int, date]:
    row = store.conn.execute("SELECT patient_id, date_of_service FROM visits WHERE id = ?",
                             (visit_id,)).fetchone()
    if row is None or row[0] is None:
        raise InvalidRecord([("visit_id", f"there is no visit {visit_id} with a patient")])
    return int(row[0]), date.fromisoformat(row[1])


def _terms(programme: str, day: date) -> ProgrammeTerms:
    terms = terms_for(programme, day)
    if terms is None:
        raise InvalidRecord([("visit_id", f"the programme {programme} has no terms for {day} "
                              "(data/copay-programmes.json)")])
    return terms


@writes("copay.write")
def add_programme_claim(store: Store, actor: str, fields: Mapping[str, Any]) -> ProgrammeClaim:
    """A claim to the programme for one part of a visit, under the enrolment answering for its
    date of service; its EOB deadline is the date of service + the programme's days. Refused:
    no enrolment, a part the enrolment does not use, a date of service more than the
    programme's 180 days before the enrolment, the same part of a visit twice."""
    actor = check_actor(actor)
    parsed = validated(ClaimFields, fields)
    with writing(store):
        patient_id, day = _visit(store, parsed.visit_id)
        enrolment = enrolment_for(store, patient_id, day)
        if enrolment is None:
            raise InvalidRecord([("visit_id", f"patient {patient_id} has no co-pay programme "
                                  f"enrolment in force on {day}: enrol them first")])
        terms = _terms(enrolment.programme, day)
        problems = claim_problems(terms, enrolment, day, parsed.part)
        if problems:
            raise InvalidRecord(problems)
        twice = store.conn.execute(
            "SELECT id FROM copay_claims WHERE enrolment_id = ? AND visit_id = ? AND part = ?",
            (enrolment.id, parsed.visit_id, parsed.part)).fetchone()
        if twice is not None:
            raise InvalidRecord([("part", f"the {parsed.part} part of visit {parsed.visit_id} "
                                  f"is already claim {twice[0]}")])
        claim_id = insert_recorded(store, actor, "copay_claims", "copay_claim", {
            "enrolment_id": enrolment.id, "visit_id": parsed.visit_id, "part": parsed.part,
            "amount_claimed": str(parsed.amount_claimed), "status": "to_send",
            "eob_deadline": (day + timedelta(days=terms.eob_deadline_days)).isoformat(),
            "note": parsed.note})
    return get_programme_claim.inside(store, claim_id)


def claim_problems(terms: ProgrammeTerms, enrolment: CopayEnrolment, day: date,
                   part: str) -> list[tuple[str, str]]:
    """Why the programme would not take this part of a visit on `day` (empty: it may)."""
    problems = []
    if part not in enrolment.parts:
        problems.append(("part", f"enrolment {enrolment.id} uses only the "
                                 f"{' and '.join(enrolment.parts)} part"))
    early = (enrolment.enrolled_on - day).days
    if early > terms.days_before_enrolment_paid:
        problems.append(("visit_id", f"the date of service {day} is {early} days before the "
                                     f"enrolment ({enrolment.enrolled_on}): {terms.name} does "
                                     f"not pay more than {terms.days_before_enrolment_paid}"))
    return problems


@writes("copay.write")
def update_programme_claim(store: Store, actor: str, claim_id: int,
                           fields: Mapping[str, Any]) -> ProgrammeClaim:
    """Record that a claim's EOB was sent, and what the programme paid or that it denied."""
    actor = check_actor(actor)
    parsed = validated(ClaimUpdate, fields)
    if parsed.problems():
        raise InvalidRecord(parsed.problems())
    with writing(store):
        get_programme_claim.inside(store, claim_id)
        update_recorded(store, actor, "copay_claims", "copay_claim", claim_id, {
            "status": parsed.status,
            "sent_on": parsed.sent_on.isoformat() if parsed.sent_on else None,
            "amount_paid": str(parsed.amount_paid) if parsed.amount_paid is not None else None,
            "note": parsed.note})
    return get_programme_claim.inside(store, claim_id)


@reads("patients.read")
def get_programme_claim(store: Store, claim_id: int) -> ProgrammeClaim:
    row = next(store.db.query(_CLAIM_SQL + "WHERE c.id = ?", [claim_id]), None)
    if row is None:
        raise NotFound(f"There is no co-pay programme claim {claim_id}.")
    return _claim(row)


@reads("patients.read")
def programme_claims_of(store: Store, patient_id: int, year: int | None = None
                        ) -> list[ProgrammeClaim]:
    """A patient's claims to co-pay programmes (dates of service in `year` if given), by date
    of service then part."""
    sql = _CLAIM_SQL + ("JOIN copay_enrolments e ON e.id = c.enrolment_id "
                        "WHERE e.patient_id = ?")
    params: list[Any] = [patient_id]
    if year is not None:
        sql += " AND v.date_of_service >= ? AND v.date_of_service <= ?"
        params += [f"{year}-01-01", f"{year}-12-31"]
    rows = store.db.query(sql + " ORDER BY v.date_of_service, c.part, c.id", params)
    return [_claim(r) for r in rows]


def year_usage(claims: list[ProgrammeClaim], year: int, *,
               leave_out_visit: int | None = None) -> YearUsage:
    """What the programme's claims take of a calendar year's caps, per part."""
    used = {part: ZERO for part in PARTS}
    for claim in claims:
        if claim.date_of_service.year == year and claim.visit_id != leave_out_visit:
            used[claim.part] += claim.used
    return YearUsage(year=year, drug_used=used["drug"], infusion_used=used["infusion"])


def coverage_kinds(store: Store, patient_id: int, day: date) -> tuple[str, ...]:
    """The kinds of the patient's coverages in effect on the day, as the programme's terms
    name them (medicare, medicaid, commercial, tricare...): the coverage's plan type, else
    its payer profile's program."""
    from ocrebill_gui.store.payers import store_catalog

    rows = store.conn.execute(
        "SELECT plan_type, payer FROM coverages WHERE patient_id = ? "
        "AND coalesce(effective_from, '0000-01-01') <= ? "
        "AND coalesce(effective_to, '9999-12-31') >= ?",
        (patient_id, day.isoformat(), day.isoformat())).fetchall()
    payers = store_catalog(store).payers if any(not r[0] for r in rows) else {}
    kinds = set()
    for plan_type, payer in rows:
        profile = payers.get(payer)
        kind = plan_type or (profile.program if profile is not None else None)
        if kind:
            kinds.add(_COVERAGE_KIND.get(kind, kind))
    return tuple(sorted(kinds))


def programme_input(store: Store, patient_id: int, day: date, *,
                    visit_id: int | None = None) -> ProgrammeInput | None:
    """The patient's enrolment answering for `day` with the calendar year's usage (leaving
    out `visit_id`'s own claims, so re-estimating a claimed visit does not count it twice)
    and the kinds of their coverages then; None when not enrolled. No session: for a checked
    read such as an estimate (store/estimates.py)."""
    enrolment = enrolment_for(store, patient_id, day)
    if enrolment is None:
        return None
    claims = [c for c in programme_claims_of.inside(store, patient_id, day.year)
              if c.enrolment_id == enrolment.id]
    return ProgrammeInput(enrolment=enrolment.as_enrolment(),
                          usage=year_usage(claims, day.year, leave_out_visit=visit_id),
                          other_coverage=coverage_kinds(store, patient_id, day))


def document_block(store: Store, patient_id: int, day: date | str | None
                   ) -> dict[str, Any] | None:
    """What a visit document carries of the patient's enrolment (core/copay_check.py): the
    programme, enrolment date, parts and the kinds of their coverages on the day; no card id.
    None when not enrolled (or no valid date of service yet)."""
    if not isinstance(day, date):
        try:
            day = date.fromisoformat(str(day))
        except ValueError:
            return None
    enrolment = enrolment_for(store, patient_id, day)
    if enrolment is None:
        return None
    return {"programme": enrolment.programme, "enrolled_on": enrolment.enrolled_on.isoformat(),
            "parts": list(enrolment.parts),
            "coverage": list(coverage_kinds(store, patient_id, day))}

"""Benefits verifications (issue 13, item 5): what a plan said about a patient's cost for a
therapy, recorded per coverage and product before the first dose and again before each dose or
plan year (claims-money-security.md 4).

A row keeps the coverage, the product and the dates the lists read (verified_on,
next_verification) in columns, and the whole record as core.benefits.BenefitsVerification JSON
in `details`. The plan, group, member id and subscriber are the coverage's own, not repeated
here; the audit log names the verification and coverage by id, never the patient.

A visit's engine document carries the latest verification of its coverage and drug on or
before the date of service (`benefits_block`, in the `benefits_verification` extension field);
core.checks then warns when none is within the practice's `benefits_verification_days`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import (check_actor, field_changes, insert_recorded, record,
                                      update_recorded)
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import _Fields, _Record, validated

MONEY_LIMIT = Decimal("10000000")  # $10 million: more is a typing mistake
MONEY_FIELDS = ("deductible_total", "deductible_remaining", "out_of_pocket_max",
                "out_of_pocket_remaining", "copay")
DEFAULT_DAYS = 30  # PracticeSettings.benefits_verification_days when no practice is set up


def money(value: Any) -> Decimal | None:
    """Dollars with cents as typed ("$1,500", "1500.00"), or None when empty; ValueError with
    what is wrong otherwise (the same words in the form and the store)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("must be an amount in dollars and cents, e.g. 1500.00")
    text = str(value).strip().replace(",", "").replace("$", "", 1).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be an amount in dollars and cents, e.g. 1500.00") from None
    if not amount.is_finite():
        raise ValueError("must be an amount in dollars and cents, e.g. 1500.00")
    if amount < 0:
        raise ValueError("cannot be negative")
    if amount >= MONEY_LIMIT:
        raise ValueError("must be less than $10,000,000")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("must be whole cents (at most 2 decimals)")
    return amount.quantize(Decimal("0.01"))


def percent(value: Any) -> Decimal | None:
    """A coinsurance percentage as typed ("20", "20%", "12.5"), or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().rstrip("%").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be a percentage from 0 to 100, e.g. 20") from None
    if not amount.is_finite() or not 0 <= amount <= 100:
        raise ValueError("must be a percentage from 0 to 100, e.g. 20")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("must have at most 2 decimals")
    return amount


class BenefitsFields(_Fields):
    """What the front desk records of one verification; the same checks as the form's, in the
    same words. Money in dollars with cents; empty means not said by the plan."""

    coverage_id: int
    product: str = Field(min_length=1, description="product id of the catalog, e.g. ocrevus")
    verified_on: date
    method: Literal["phone", "portal", "271"] | None = None
    reference: str = Field(default="", max_length=80)
    representative: str = Field(default="", max_length=120)
    benefit: Literal["medical", "pharmacy"] | None = None
    buy_and_bill_allowed: bool | None = None
    specialty_pharmacy_mandate: bool | None = None
    site_of_care_rule: str = Field(default="", max_length=300)
    in_network: bool | None = None
    deductible_total: Decimal | None = None
    deductible_remaining: Decimal | None = None
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_remaining: Decimal | None = None
    coinsurance_percent: Decimal | None = None
    copay: Decimal | None = None
    prior_auth_required: bool | None = None
    next_verification: date | None = None

    @field_validator(*MONEY_FIELDS, mode="before")
    @classmethod
    def _money(cls, value: Any) -> Decimal | None:
        return money(value)

    @field_validator("coinsurance_percent", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Decimal | None:
        return percent(value)

    @field_validator("verified_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("cannot be in the future: record a verification once it is made")
        if value.year < 2000:
            raise ValueError("is before 2000: check the year")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BenefitsFields:
        if self.next_verification is not None and self.next_verification < self.verified_on:
            raise ValueError("next_verification is before verified_on")
        for remaining, total in (("deductible_remaining", "deductible_total"),
                                 ("out_of_pocket_remaining", "out_of_pocket_max")):
            left, whole = getattr(self, remaining), getattr(self, total)
            if left is not None and whole is not None and left > whole:
                raise ValueError(f"{remaining} is more than {total}")
        return self

    def verification(self) -> BenefitsVerification:
        """The core model the estimate reads (core/benefits.py)."""
        data = self.model_dump(exclude={"coverage_id", "product"})
        for key in ("reference", "representative", "site_of_care_rule"):
            data[key] = data[key] or None
        return BenefitsVerification.model_validate(data)


class Benefits(_Record):
    """One recorded verification of a coverage for a product."""

    id: int
    coverage_id: int
    product: str
    verification: BenefitsVerification
    changed_at: str
    changed_by: str

    @property
    def verified_on(self) -> date:
        return self.verification.verified_on

    @property
    def next_verification(self) -> date | None:
        return self.verification.next_verification

    def fields(self) -> dict[str, Any]:
        """The record as BenefitsFields takes it (to edit it)."""
        data = self.verification.model_dump(include=set(BenefitsFields.model_fields))
        return {"coverage_id": self.coverage_id, "product": self.product} | {
            k: ("" if v is None and k in ("reference", "representative", "site_of_care_rule")
                else v) for k, v in data.items()}


def benefits_from_row(row: Mapping[str, Any]) -> Benefits:
    return Benefits.model_construct(
        id=row["id"], coverage_id=row["coverage_id"], product=row["product"],
        verification=BenefitsVerification.model_validate_json(row["details"]),
        changed_at=row["changed_at"], changed_by=row["changed_by"])


def _audited(verification: BenefitsVerification, coverage_id: int,
             product: str) -> dict[str, Any]:
    """What the audit log keeps of a verification: ids and the plan's answers, field by field
    (no patient name, member id or subscriber: those are the coverage's)."""
    return {"coverage_id": coverage_id, "product": product,
            **verification.model_dump(mode="json", exclude_none=True)}


def _row(store: Store, fields: BenefitsFields) -> dict[str, Any]:
    from ocrebill_gui.store.authorizations import coverage_and_product_problems

    problems = coverage_and_product_problems(store, fields.coverage_id, fields.product)
    if problems:
        raise InvalidRecord(problems)
    verification = fields.verification()
    return {"coverage_id": fields.coverage_id, "product": fields.product,
            "verified_on": verification.verified_on.isoformat(),
            "next_verification": verification.next_verification.isoformat()
            if verification.next_verification else None,
            "details": verification.model_dump_json(exclude_none=True)}


@writes("coverage.write")
def add_benefits(store: Store, actor: str, fields: Mapping[str, Any]) -> Benefits:
    """Record a benefits verification of a coverage for a product (see BenefitsFields)."""
    actor = check_actor(actor)
    parsed = validated(BenefitsFields, fields)
    with writing(store):
        row_id = insert_recorded(
            store, actor, "benefits_verifications", "benefits_verification",
            _row(store, parsed),
            audited=_audited(parsed.verification(), parsed.coverage_id, parsed.product))
    return get_benefits.inside(store, row_id)


@writes("coverage.write")
def update_benefits(store: Store, actor: str, verification_id: int,
                    changes: Mapping[str, Any]) -> Benefits:
    """Correct a verification: the changed fields over the recorded ones."""
    actor = check_actor(actor)
    if not isinstance(changes, Mapping):
        raise InvalidRecord([("record", "must be a set of named fields")])
    with writing(store):
        current = get_benefits.inside(store, verification_id)
        parsed = validated(BenefitsFields, current.fields() | dict(changes))
        update_recorded(
            store, actor, "benefits_verifications", "benefits_verification", verification_id,
            _row(store, parsed),
            audited=(_audited(current.verification, current.coverage_id, current.product),
                     _audited(parsed.verification(), parsed.coverage_id, parsed.product)))
    return get_benefits.inside(store, verification_id)


def _delete(store: Store, actor: str, current: Benefits) -> None:
    store.conn.execute("DELETE FROM benefits_verifications WHERE id = ?", (current.id,))
    record(store, actor, "benefits_verification", current.id, "delete", field_changes(
        _audited(current.verification, current.coverage_id, current.product), None))


@writes("coverage.write")
def delete_benefits(store: Store, actor: str, verification_id: int) -> None:
    """Delete a verification recorded by mistake; it stays in the audit log."""
    actor = check_actor(actor)
    with writing(store):
        _delete(store, actor, get_benefits.inside(store, verification_id))


def delete_benefits_of_coverage(store: Store, actor: str, coverage_id: int) -> int:
    """Inside delete_coverage's transaction: a coverage deleted (typed by mistake, used by no
    visit) takes its verifications with it, each on record in the audit log; how many."""
    found = benefits_of.inside(store, coverage_id)
    for current in found:
        _delete(store, actor, current)
    return len(found)


@reads("patients.read")
def get_benefits(store: Store, verification_id: int) -> Benefits:
    row = next(store.db.query("SELECT * FROM benefits_verifications WHERE id = ?",
                              [verification_id]), None)
    if row is None:
        raise NotFound(f"There is no benefits verification {verification_id}.")
    return benefits_from_row(row)


@reads("patients.read")
def benefits_of(store: Store, coverage_id: int, product: str | None = None) -> list[Benefits]:
    """A coverage's verifications (of one product, or all), the latest first."""
    sql = "SELECT * FROM benefits_verifications WHERE coverage_id = ?"
    params: list[Any] = [coverage_id]
    if product is not None:
        sql += " AND product = ?"
        params.append(product)
    rows = store.db.query(sql + " ORDER BY verified_on DESC, id DESC", params)
    return [benefits_from_row(r) for r in rows]


@reads("patients.read")
def latest_for(store: Store, coverage_id: int, product: str,
               on_or_before: date) -> Benefits | None:
    """The latest verification of the coverage for the product made on or before a day (the
    date of service): the one a visit of that day goes by."""
    row = next(store.db.query(
        "SELECT * FROM benefits_verifications WHERE coverage_id = ? AND product = ? AND "
        "verified_on <= ? ORDER BY verified_on DESC, id DESC LIMIT 1",
        [coverage_id, product, on_or_before.isoformat()]), None)
    return None if row is None else benefits_from_row(row)


def verification_days(store: Store) -> int:
    """The practice's number of days before the date of service within which a verification
    must be recorded (DEFAULT_DAYS before the practice is set up)."""
    from ocrebill_gui.store.practice import practice_settings

    practice = practice_settings(store)
    return practice.benefits_verification_days if practice is not None else DEFAULT_DAYS


def benefits_block(store: Store, coverage_id: int, document: Mapping[str, Any]
                   ) -> dict[str, Any] | None:
    """The visit document's `benefits_verification` extension: the latest verification of
    the visit's coverage for its authorized drug on or before its date of service (what the
    editor shows), and the practice's number of days it must be within (what core.checks
    warns on). None when the visit has no monoclonal or no readable date of service."""
    from ocrebill_gui.store.visit_documents import authorized_product

    product = authorized_product(document)
    try:
        day = date.fromisoformat(str(document.get("date_of_service")))
    except ValueError:
        return None
    if product is None:
        return None
    block: dict[str, Any] = {"product": product, "within_days": verification_days(store)}
    latest = latest_for.inside(store, coverage_id, product, day)
    if latest is not None:
        shown = latest.verification.model_dump(exclude_none=True, include={
            "verified_on", "next_verification", *MONEY_FIELDS, "coinsurance_percent"})
        block |= {k: v.isoformat() if isinstance(v, date) else float(v)  # JSON numbers (R8)
                  for k, v in shown.items()}
    return block


"""Plain typed records the store hands out (never sqlite rows), and the validated input shapes.

Records are frozen pydantic models built from rows without re-validation; inputs (`*Fields`)
are validated, and a bad value becomes an InvalidRecord naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.errors import from_validation_error
from ocrebill_gui.core.visit import Count, normalize_ndc
from ocrebill_gui.store.errors import InvalidRecord

Sex = Literal["F", "M", "X", "U"]
VisitStatus = Literal["draft", "finalized"]

_M = TypeVar("_M", bound=BaseModel)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str):
            refuse_control_characters(value)
        return value


# Typed text keeps tabs and line breaks; any other control character (a NUL above all, which a
# PostgreSQL server cannot store) is refused, on a file the same as on a server.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def refuse_control_characters(text: str) -> str:
    """`text`, or ValueError naming the first control character in it (U+0000 for a NUL)."""
    for ch in text:
        if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _ALLOWED_CONTROLS:
            raise ValueError(f"must not contain the control character U+{ord(ch):04X}"
                             + (" (NUL)" if ch == "\x00" else ""))
    return text


def validated(model: type[_M], data: Mapping[str, Any]) -> _M:
    """`model` validated from `data`, or InvalidRecord naming each bad field."""
    if not isinstance(data, Mapping):
        raise InvalidRecord([("record", "must be a set of named fields")])
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = [(path, "is not a known field" if msg.startswith("extra inputs") else msg)
                    for path, msg in from_validation_error(exc).problems]
        raise InvalidRecord(problems) from None


# ----------------------------------------------------------------------------- inputs


class PatientFields(_Fields):
    """What the front desk types for a patient. `ref` is the id used in visit documents
    (e.g. "P-1001"); left empty, the store assigns one."""

    name: str = Field(min_length=1, max_length=200)
    ref: str | None = Field(default=None, max_length=60)
    birth_date: date | None = None
    mrn: str | None = Field(default=None, max_length=60)
    sex: Sex | None = None
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=60)

    @field_validator("ref", "mrn", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("name")
    @classmethod
    def _has_letters(cls, value: str) -> str:
        if not any(ch.isalpha() for ch in value):
            raise ValueError("must contain a name, e.g. 'Rivera, Ana'")
        return value

    @field_validator("birth_date")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("cannot be in the future")
        if value is not None and value.year < 1900:  # 1899 for 1989, 0984 for 1984
            raise ValueError("is before 1900: check the year")
        return value


Relationship = Literal["self", "spouse", "child", "other"]
PlanType = Literal["medicare", "medicare_advantage", "medicaid", "commercial", "tricare",
                   "workers_comp", "other"]
AuthorizationChoice = Literal["auto", "none", "chosen"]


def member_key(member_id: str | None) -> str:
    """A member id as searched and compared: no spaces, dashes or dots, upper-case."""
    return "".join(ch for ch in (member_id or "") if ch.isalnum()).upper()


class CoverageFields(_Fields):
    """A patient's plan. The member id is kept as typed (searched without spaces, dashes or
    case, member_key); the subscriber is the patient unless another person is named."""

    patient_id: int
    payer: str = Field(min_length=1, description="payer profile id (shipped or user)")
    member_id: str = Field(max_length=60)
    group_number: str = Field(default="", max_length=60)
    priority: int = Field(default=1, ge=1, le=9, description="1 = primary, 2 = secondary...")
    effective_from: date | None = Field(default=None, validate_default=True)
    effective_to: date | None = None
    plan_type: PlanType | None = None
    claim_office_id: str = Field(default="", max_length=80,
                                 description="the payer's id for claims (payer id, office)")
    subscriber_relationship: Relationship = "self"
    subscriber_name: str = Field(default="", max_length=200)
    subscriber_birth_date: date | None = None

    @field_validator("member_id")
    @classmethod
    def _member_id(cls, value: str) -> str:
        if not member_key(value):
            raise ValueError("is required: the member id on the patient's insurance card")
        return value

    @field_validator("effective_from", mode="before")
    @classmethod
    def _start_given(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("is required: the date the coverage starts")
        return value

    @property
    def starts(self) -> date:
        assert self.effective_from is not None  # _start_given
        return self.effective_from

    @field_validator("subscriber_birth_date")
    @classmethod
    def _born_before_today(cls, value: date | None) -> date | None:
        if value is not None and (value > date.today() or value.year < 1900):
            raise ValueError("must be a past date after 1900")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CoverageFields:
        if self.effective_to and self.effective_to < self.starts:
            raise ValueError("effective_to is before effective_from")
        if self.subscriber_relationship != "self" and not self.subscriber_name:
            raise ValueError("subscriber_name is required when the subscriber is not the "
                             "patient")
        return self


class AuthorizationFields(_Fields):
    coverage_id: int
    number: str = Field(min_length=1, max_length=60)
    product: str = Field(min_length=1, description="product id of the catalog, e.g. ocrevus")
    approved_units: Count | None = Field(default=None, ge=0)
    valid_from: date
    valid_to: date
    visits_allowed: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> AuthorizationFields:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class VialLotFields(_Fields):
    product: str = Field(min_length=1)
    ndc: str
    lot: str = Field(min_length=1, max_length=40)
    expires: date
    received: date
    received_vials: Count = Field(ge=0, le=100_000)
    on_hand: Count | None = Field(default=None, ge=0, le=100_000,
                                description="defaults to received_vials")

    @field_validator("ndc")
    @classmethod
    def _ndc(cls, value: str) -> str:
        return normalize_ndc(value)


# ----------------------------------------------------------------------------- records


class Patient(_Record):
    id: int
    ref: str
    name: str
    birth_date: date | None
    mrn: str | None
    sex: Sex | None
    address: str
    phone: str
    created_at: str
    changed_at: str
    changed_by: str


class Coverage(_Record):
    id: int
    patient_id: int
    payer: str
    member_id: str
    group_number: str
    priority: int
    effective_from: date | None
    effective_to: date | None
    plan_type: str | None = None
    claim_office_id: str = ""
    subscriber_relationship: Relationship = "self"
    subscriber_name: str = ""
    subscriber_birth_date: date | None = None

    def active_on(self, day: date) -> bool:
        return ((self.effective_from is None or self.effective_from <= day)
                and (self.effective_to is None or day <= self.effective_to))


class Authorization(_Record):
    """A prior authorization with what finalized visits have used of it."""

    id: int
    coverage_id: int
    number: str
    product: str
    approved_units: int | None
    valid_from: date
    valid_to: date
    used_units: int
    remaining_units: int | None  # None when no unit limit was approved
    visits_allowed: int | None = None
    used_visits: int = 0  # finalized visits that used it

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def expired(self, today: date) -> bool:
        return self.valid_to < today


class VialLot(_Record):
    id: int
    product: str
    ndc: str
    lot: str
    expires: date
    received: date
    received_vials: int
    on_hand: int
    status: str = "available"  # or "quarantined", "recalled": never on a visit

    def expired(self, today: date) -> bool:
        return self.expires < today

    def usable_on(self, day: date) -> bool:
        """Whether a vial of it may go on a visit of `day`: available and not expired."""
        return self.status == "available" and not self.expired(day)

    def days_left(self, today: date) -> int:
        return (self.expires - today).days


class VisitSummary(_Record):
    """One row of a visit list: no JSON to parse."""

    id: int
    patient_id: int
    patient_ref: str
    patient_name: str
    date_of_service: date
    setting: str
    payer: str | None
    summary: str
    status: VisitStatus
    errors: int
    warnings: int
    revision: int
    changed_at: str
    changed_by: str
    # When the visit's earliest infusion without a stop started ('2026-03-10T09:00'), from
    # core.timeline.running_since at every save; None when nothing is running.
    running_since: str | None = None

    @property
    def running(self) -> bool:
        """An infusion is still running; a finalized visit never counts as running."""
        return self.status != "finalized" and self.running_since is not None

    @property
    def running_since_text(self) -> str | None:
        """'09:00' while running ('2026-03-09 09:00' when not on the visit's day), else None."""
        if not self.running or self.running_since is None:
            return None
        day, _, clock = self.running_since.partition("T")
        return clock if day == self.date_of_service.isoformat() else f"{day} {clock}"


class Visit(_Record):
    """A whole visit: its document as saved and its last claim result."""

    id: int
    patient_id: int
    coverage_id: int | None
    authorization_id: int | None
    date_of_service: date
    setting: str
    payer: str | None
    summary: str
    status: VisitStatus
    document: dict[str, Any]
    claim: ClaimResult | None
    errors: int
    warnings: int
    revision: int
    created_at: str
    created_by: str
    changed_at: str
    changed_by: str
    finalized_at: str | None
    finalized_by: str | None
    running_since: str | None = None  # as in VisitSummary
    # How the authorization was chosen: "auto" (the one of the coverage valid for the drug on
    # the date, re-chosen at each save), "chosen" by the biller, or "none" on purpose.
    authorization_choice: AuthorizationChoice = "auto"

    @property
    def finalized(self) -> bool:
        return self.status == "finalized"


class FieldChange(_Record):
    field: str
    before: Any = None
    after: Any = None


class AuditEntry(_Record):
    id: int
    at: str
    actor: str
    entity: str
    entity_id: str
    action: str
    reason: str | None
    changes: list[FieldChange]
    # The patient the entry is about (a patient, or one of its visits, coverages or
    # authorizations), when there is one; and the row's chain hash.
    patient_id: int | None = None
    patient_ref: str | None = None
    patient_name: str | None = None
    hash: str | None = None


class Amendment(_Record):
    id: int
    visit_id: int
    at: str
    actor: str
    kind: Literal["amend", "reopen"]
    reason: str
    document_before: dict[str, Any]
    document_after: dict[str, Any] | None


class FinalizeOutcome(_Record):
    """What finalizing (or amending) did to the stock and the authorization."""

    visit: Visit
    vials_taken: dict[str, int] = Field(default_factory=dict)  # "NDC lot" -> vials
    units_used: int = 0
    notes: list[str] = Field(default_factory=list)


class DraftSaved(_Record):
    """What save_draft did: `saved` is False when nothing had changed."""

    visit_id: int
    revision: int
    saved: bool

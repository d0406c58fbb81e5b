"""The visit document (`ocrebill.visit/1`): what the front desk and the nurse recorded.

Field names are the public contract of ../shared/spec/visit-document.md: never rename one.
Unknown extra fields are ignored so that other systems can send richer documents.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ocrebill_gui.core.payment_terms import PaymentTerms
from ocrebill_gui.core.copay_check import VisitCopayProgramme
from ocrebill_gui.core.providers import VisitProviders

VISIT_FORMAT = "ocrebill.visit/1"

Setting = Literal["office", "hospital_outpatient", "home"]
Route = Literal["iv_infusion", "iv_push", "subcutaneous", "intramuscular", "oral"]
Source = Literal["purchased", "patient_supplied", "free_drug_program", "trial_sponsor"]
EventKind = Literal["start", "pause", "resume", "stop", "given"]
Program = Literal["medicare", "medicaid", "commercial"]

PLACE_OF_SERVICE: dict[str, str] = {"office": "11", "hospital_outpatient": "22", "home": "12"}

_NDC_DASHED = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")
_TZ_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,30}(/[A-Za-z0-9_+-]{1,30}){0,2}")
_ICD_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def normalize_ndc(value: str) -> str:
    """Return the 11-digit 5-4-2 NDC (no dashes) for a dashed or 11-digit NDC.

    Labeler codes printed as 4-4-2, 5-3-2 or 5-4-1 are padded with a leading zero in the short
    segment, which is how billers convert a 10-digit package NDC.
    """
    text = value.strip()
    if re.fullmatch(r"\d{11}", text):
        return text
    match = _NDC_DASHED.match(text)
    if match:
        labeler, product, package = match.groups()
        if len(labeler) + len(product) + len(package) in (10, 11):
            return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    raise ValueError("must be an NDC such as 50242-0150-01 (5-4-2) or 11 digits")


def format_ndc(ndc11: str) -> str:
    """50242015001 -> 50242-0150-01."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def normalize_icd10(value: str) -> str:
    """Upper-case a diagnosis code and put its dot after the third character."""
    code = value.strip().upper()
    if not _ICD_CODE.match(code):
        raise ValueError("must be an ICD-10-CM code such as G35.A")
    code = code.replace(".", "")
    return code if len(code) == 3 else f"{code[:3]}.{code[3:]}"


def _json_number(value: object) -> object:
    """Amounts are JSON numbers (R8): true/false is not an amount (pydantic would read true as
    1 mg) and neither is text ("600" hides a mistake in the sending system)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str):
        raise ValueError("must be a number")
    return value


def _json_date(value: object) -> object:
    """Dates are ISO text: a number is not read as a timestamp, nor is text of digits ("0"
    would be 1970-01-01), and a date-time is not a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date such as 2026-03-04")
    return value


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def _json_date_time(value: object) -> object:
    """Event times carry a date and a time to the minute (R8): a bare date is not a time and a
    number is not read as a timestamp."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"has a date but no time: give both, e.g. {value.strip()}T09:00")
    if not isinstance(value, str) or not _DATE_TIME.match(value.strip()):
        raise ValueError("must be a local date and time such as 2026-03-04T09:00")
    return value.strip()


def _json_bool(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


Ndc = Annotated[str, AfterValidator(normalize_ndc)]
DiagnosisCode = Annotated[str, AfterValidator(normalize_icd10)]
Amount = Annotated[float, BeforeValidator(_json_number)]
Count = Annotated[int, BeforeValidator(_json_number)]
IsoDate = Annotated[date, BeforeValidator(_json_date)]
Flag = Annotated[bool, BeforeValidator(_json_bool)]
MIN_DOSE_MG = 0.001  # R10: doses are meaningful to 0.001 mg


class _Model(BaseModel):
    # NaN and infinity are not amounts either (they would pass "at most 100000" checks oddly).
    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)


class Patient(_Model):
    id: str | None = None
    name: str | None = None
    birth_date: IsoDate | None = None
    member_id: str | None = None


class PriorAuthorization(_Model):
    number: str = Field(min_length=1)
    valid_from: IsoDate
    valid_to: IsoDate
    approved_units: Count | None = Field(default=None, ge=0)
    # Optional extension: the whole approval, when approved_units is what is left of it for
    # this visit (as the store sends it), so that a finding can say "0 of 1200 left".
    approved_units_total: Count | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _dates_in_order(self) -> PriorAuthorization:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        total, left = self.approved_units_total, self.approved_units
        if total is not None and left is not None and left > total:
            raise ValueError(f"approved_units ({left}) is more than approved_units_total "
                             f"({total}): more left than was approved")
        return self


class VisitBenefits(_Model):
    """Optional extension (issue 13): the latest benefits verification of the visit's coverage
    for its drug on or before the date of service, as the store writes it, and the number of
    days before the date of service it must be within (the practice's setting). Without
    `verified_on`, none is recorded. Money in dollars (JSON numbers)."""

    product: str | None = None
    within_days: Count = Field(default=30, ge=1, le=366)
    verified_on: IsoDate | None = None
    next_verification: IsoDate | None = None
    deductible_total: Amount | None = Field(default=None, ge=0)
    deductible_remaining: Amount | None = Field(default=None, ge=0)
    out_of_pocket_max: Amount | None = Field(default=None, ge=0)
    out_of_pocket_remaining: Amount | None = Field(default=None, ge=0)
    coinsurance_percent: Amount | None = Field(default=None, ge=0, le=100)
    copay: Amount | None = Field(default=None, ge=0)


class Vial(_Model):
    ndc: Ndc
    lot: str | None = None
    expires: IsoDate | None = None
    mg: Amount = Field(gt=0, le=100_000)


class Event(_Model):
    at: Annotated[datetime, BeforeValidator(_json_date_time)]
    kind: EventKind

    @field_validator("at")
    @classmethod
    def _minute_precision(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("must be a local date-time without a time zone, e.g. 2026-03-04T09:00")
        return value.replace(second=0, microsecond=0)


class ProposedLine(_Model):
    """A line the biller intends to submit; the engine explains where it differs (optional)."""

    code: str = Field(min_length=1)
    modifiers: list[str] = Field(default_factory=list)
    units: Amount = Field(gt=0)


class Administration(_Model):
    id: str = Field(min_length=1)
    product: str = Field(min_length=1)
    route: Route
    dose_mg: Amount | None = Field(default=None, gt=0, le=100_000)
    vials: list[Vial] = Field(default_factory=list)
    source: Source = "purchased"
    events: list[Event]
    primary: Flag = False
    # Optional extensions (not in the spec's table; the spec allows optional fields):
    previous_dose_date: IsoDate | None = None

    @field_validator("dose_mg")
    @classmethod
    def _meaningful_dose(cls, value: float | None) -> float | None:
        if value is not None and value < MIN_DOSE_MG:
            raise ValueError(f"must be at least {MIN_DOSE_MG} mg (a smaller dose is a typing "
                             "mistake: any dose from 0.001 mg bills at least one unit)")
        return value


class PayerProfile(_Model):
    """A payer profile: shipped in data/payers, edited by the user, or inline in a visit."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    program: Program = "commercial"
    monoclonal_admin: Literal["therapeutic", "complex"] = "therapeutic"
    waste_modifiers: Literal["jw_jz", "jw_only", "none"] = "jw_jz"
    prior_auth_required: Flag = False
    prior_auth_unit_limit: Count | None = Field(default=None, ge=0)
    ndc_unit: Literal["ML", "UN"] = "ML"
    medicare_advantage: Flag = False
    source: str | None = None
    notes: list[str] = Field(default_factory=list)
    # Optional extension (issue 16): how the payer prices lines, for the expected payment
    # (core/estimate.py); None = Medicare Part B's way, or the payer's contracted rates.
    payment: PaymentTerms | None = None


def _known_time_zone(value: str) -> str:
    """An IANA time zone name that this machine (or the tzdata package) knows."""
    name = value.strip()
    if not _TZ_NAME.fullmatch(name):
        raise ValueError("must be an IANA time zone name such as America/Chicago")
    try:
        ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):  # bad key, missing file
        raise ValueError(
            f"'{name}' is not a known IANA time zone (e.g. America/Chicago)") from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_known_time_zone)]


class VisitDocument(_Model):
    format: Literal["ocrebill.visit/1"]
    date_of_service: IsoDate
    setting: Setting
    payer: str | PayerProfile
    patient: Patient | None = None
    diagnoses: list[DiagnosisCode] = Field(min_length=1)
    prior_authorization: PriorAuthorization | None = None
    administrations: list[Administration] = Field(min_length=1)
    proposed_lines: list[ProposedLine] = Field(default_factory=list)
    # Optional (R8): the practice's IANA time zone; running minutes are then real elapsed
    # minutes across a daylight-saving change. Without it times are plain wall-clock times.
    time_zone: TimeZoneName | None = None
    # Optional extension (issue 13): the rendering provider and the ordering physician
    # (core/providers.py); when present, a missing one is a finding.
    providers: VisitProviders | None = None
    # Optional extension (issue 13): the benefits verification the visit goes by; when
    # present, none within `within_days` before the date of service is a warning.
    benefits_verification: VisitBenefits | None = None
    # Optional extension (issue 16): the patient's co-pay programme enrolment
    # (core/copay_check.py); when present, an ineligible coverage is a warning.
    copay_programme: VisitCopayProgramme | None = None

    @field_validator("payer", mode="before")
    @classmethod
    def _payer_not_blank(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("must name a payer profile")
        return value

    @property
    def place_of_service(self) -> str:
        return PLACE_OF_SERVICE[self.setting]

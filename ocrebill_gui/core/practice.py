"""Practice settings: who bills (name, address, NPI, tax id) and the fee schedule (charge per
unit of each code). Stored by the store; a demo practice ships in data/practice-demo.json."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrebill_gui.core.catalog import load_data_file
from ocrebill_gui.core.visit import TimeZoneName
from ocrebill_gui.paths import data_dir


class FormOffset(BaseModel):
    """Where a claim form's first line and column start on the printer, in points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top: float = Field(ge=-72, le=144)
    left: float = Field(ge=-72, le=144)


class ClearinghouseSettings(BaseModel):
    """Who sends the practice's 837 files and who receives them (the clearinghouse's enrolment
    letter gives these), for `ocrebill claims export`. `usage` is ISA15: T (test) until the
    clearinghouse has accepted test files and the practice sets P (production)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    sender_id: str = Field(pattern=r"^[A-Za-z0-9]{1,15}$",
                           description="ISA06/GS02: the practice's submitter id at the "
                                       "clearinghouse")
    receiver_id: str = Field(pattern=r"^[A-Za-z0-9]{1,15}$",
                             description="ISA08/GS03: the clearinghouse's receiver id")
    receiver_name: str = Field(min_length=1, max_length=60, description="loop 1000B NM103")
    submitter_name: str = Field(default="", max_length=60,
                                description="loop 1000A NM103 (default: the practice's name)")
    contact_name: str = Field(min_length=1, max_length=60, description="loop 1000A PER02")
    contact_phone: str = Field(pattern=r"^\d{10}$", description="PER04: ten digits")
    usage: Literal["T", "P"] = Field(default="T", description="ISA15: T test, P production")

    @field_validator("contact_phone", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        return "".join(ch for ch in value if ch.isdigit()) if isinstance(value, str) else value


class PracticeSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    address_lines: list[str] = Field(default_factory=list)
    phone: str = ""
    npi: str = Field(pattern=r"^\d{10}$", description="10-digit National Provider Identifier")
    tax_id: str = Field(pattern=r"^\d{2}-?\d{7}$", description="EIN, e.g. 12-3456789")
    # Charge per billing unit, by HCPCS/CPT code.
    fee_schedule: dict[str, Decimal] = Field(default_factory=dict)
    # The practice's IANA time zone (R8), written into every visit document the app builds so
    # that running minutes are real elapsed minutes across a daylight-saving change.
    time_zone: TimeZoneName | None = Field(
        default=None, description="IANA time zone name, e.g. America/Chicago")
    # Automatic logoff (HIPAA 164.312(a)(2)(iii)): the app hides patient data behind the
    # sign-in after this many minutes without a key press or mouse input.
    idle_lock_minutes: int = Field(default=5, ge=1, le=240,
                                   description="minutes without input before the app locks")
    # A database made by `ocrebill demo`: its sign-in screen lists the demo accounts.
    demo: bool = False
    # Claim forms on this practice's printer (issue 15): where each form's grid starts, in
    # points from the top and left edges (the calibration page tells); a form not named here
    # prints at its default offsets, and --top/--left override both.
    form_offsets: dict[Literal["cms1500", "ub04"], FormOffset] = Field(default_factory=dict)
    # 837 files (issue 15): the clearinghouse's ids and ISA15 (store/claim_export.py); None
    # until set (`ocrebill claims setup`), and an export says so.
    clearinghouse: ClearinghouseSettings | None = None
    # Benefits verification (issue 13): a visit wants one of its coverage and drug recorded
    # within this many days before the date of service, else a warning (benefits-not-verified).
    # 30: the plans re-verify monthly at most and a month catches a plan-year change.
    benefits_verification_days: int = Field(
        default=30, ge=1, le=366,
        description="days before the date of service within which benefits must be verified")

    @field_validator("time_zone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("fee_schedule")
    @classmethod
    def _no_negative_fees(cls, fees: dict[str, Decimal]) -> dict[str, Decimal]:
        for code, fee in fees.items():
            if fee < 0:
                raise ValueError(f"{code}: a charge cannot be negative")
        return fees

    def charge(self, code: str, units: int) -> Decimal | None:
        """The line charge (fee x units), or None when the code has no fee."""
        fee = self.fee_schedule.get(code)
        return None if fee is None else (fee * units).quantize(Decimal("0.01"))


@cache
def demo_practice() -> PracticeSettings:
    return load_data_file(data_dir() / "practice-demo.json", PracticeSettings)

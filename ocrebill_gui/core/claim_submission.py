"""The claim as it leaves the building (issue 15): who bills, who rendered and ordered, who is
covered, which payer, and the lines with their charges, NDCs and diagnosis pointers.

One typed model feeds every output: the 837P and 837I writers (core/x12) and the CMS-1500 and
UB-04 forms (reports). `claim_builder.submission_from` makes it from what the engine already
produces; `claim_problems.submission_problems` checks it before anything is written. Qt-free.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Frequency = Literal["1", "7", "8"]  # original, replacement, void
Sex = Literal["F", "M", "U"]
Relationship = Literal["self", "spouse", "child", "other"]
# SBR09 / CMS-1500 box 1: the kind of coverage.
ClaimFiling = Literal["MB", "MC", "CI", "HM", "BL", "12", "16", "CH", "VA", "WC", "ZZ"]
NdcUnit = Literal["F2", "GR", "ME", "ML", "UN"]

RELATIONSHIP_CODES: dict[str, str] = {"self": "18", "spouse": "01", "child": "19",
                                      "other": "G8"}
MAX_DIAGNOSES = 12


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Model):
    lines: list[str] = Field(min_length=1, max_length=2)
    city: str = Field(min_length=1)
    state: str = Field(pattern=r"^[A-Z]{2}$")
    postal_code: str = Field(pattern=r"^\d{5}(\d{4})?$", description="5 or 9 digits, no dash")

    @field_validator("postal_code", mode="before")
    @classmethod
    def _no_dash(cls, value: object) -> object:
        return value.replace("-", "") if isinstance(value, str) else value


class Provider(_Model):
    """A provider: a person (last and first name) or an organization (name only)."""

    entity: Literal["person", "organization"] = "organization"
    name: str = Field(min_length=1, description="organization name, or a person's last name")
    first_name: str = ""
    npi: str = ""
    tax_id: str = ""  # EIN, digits (the billing provider's)
    address: Address | None = None
    taxonomy: str = ""  # provider taxonomy code, e.g. 2084N0400X (neurology)

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.first_name}" if self.first_name else self.name


class ReferringProvider(Provider):
    qualifier: Literal["DN", "DK"] = "DK"  # DN referring, DK ordering


class Person(_Model):
    last_name: str = Field(min_length=1)
    first_name: str = ""
    birth_date: date | None = None
    sex: Sex = "U"
    address: Address | None = None

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}" if self.first_name else self.last_name


class Subscriber(Person):
    member_id: str = ""
    relationship: Relationship = "self"  # the patient's relationship to the subscriber
    group_number: str = ""
    group_name: str = ""
    claim_filing: ClaimFiling = "CI"
    payer_responsibility: Literal["P", "S", "T"] = "P"


class Payer(_Model):
    name: str = Field(min_length=1)
    payer_id: str = ""  # the payer's electronic id / claim-office id (NM1*PR ... PI*)
    address: Address | None = None


class SubmissionLine(_Model):
    code: str = Field(min_length=1)
    modifiers: list[str] = Field(default_factory=list, max_length=4)
    units: int = Field(ge=0)
    charge: Decimal = Field(ge=0)
    service_date: date
    diagnosis_pointers: list[int] = Field(default_factory=lambda: [1], max_length=4)
    ndc: str | None = None
    ndc_unit: str | None = None
    ndc_quantity: Decimal | None = None
    revenue_code: str = ""  # institutional claims (837I SV2, UB-04 FL 42)
    description: str = ""  # our short label (UB-04 FL 43 when there is no NDC)
    # What the drug units should match (the semantic check): the amount given and the size of a
    # billing unit, for drug lines that bill an administered amount (not JW waste lines).
    dose_mg: float | None = None
    unit_mg: float | None = None
    mg_per_ml: float | None = None

    @property
    def ndc_entry(self) -> str:
        """The shaded line of CMS-1500 box 24 / UB-04 FL 43: 'N450242015001   ML20'."""
        if not self.ndc:
            return ""
        return f"N4{self.ndc}   {self.ndc_unit or ''}{quantity_text(self.ndc_quantity)}".rstrip()


class Claim(_Model):
    account_number: str = Field(min_length=1, max_length=38)  # CLM01: the visit id
    frequency: Frequency = "1"
    original_claim_number: str = ""  # the payer's claim number of the claim replaced/voided
    place_of_service: str = Field(pattern=r"^\d{2}$")
    setting: Literal["office", "hospital_outpatient", "home"] = "office"
    prior_authorization: str = ""
    diagnoses: list[str] = Field(min_length=1)  # ICD-10-CM without the dot, principal first
    date_of_service: date
    lines: list[SubmissionLine] = Field(min_length=1)

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0"))

    @property
    def type_of_bill(self) -> str:
        """UB-04 FL 4: 013X, hospital outpatient, X the frequency (0131, 0137, 0138)."""
        return f"013{self.frequency}"


class ClaimSubmission(_Model):
    """One claim, every party on it."""

    billing: Provider
    rendering: Provider | None = None
    referring: ReferringProvider | None = None  # ordering (DK) or referring (DN)
    facility: Provider | None = None  # where the service was given (box 32, 2310C/2310E)
    subscriber: Subscriber
    patient: Person | None = None  # only when the patient is not the subscriber
    payer: Payer
    claim: Claim
    # What the payer requires on this claim (from its profile): the checks use these.
    ordering_required: bool = False
    member_id_required: bool = True

    @property
    def patient_person(self) -> Person:
        return self.patient or self.subscriber


def quantity_text(amount: Decimal | float | None) -> str:
    """A quantity as X12 and the forms write it: no trailing zeros (20, 9.333, 1.6)."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).normalize()
    text = format(value, "f")
    return text


def amount_text(amount: Decimal) -> str:
    """Money for X12: no trailing zeros after the point (43200, 65.5, 13.25)."""
    return quantity_text(amount.quantize(Decimal("0.01")))

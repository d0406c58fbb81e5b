"""The claim result (`ocrebill.claim/1`): the lines a biller would submit, plus findings."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

CLAIM_FORMAT: Final = "ocrebill.claim/1"

Severity = Literal["error", "warning", "info"]
Family = Literal["therapeutic", "complex", "hydration"]
Role = Literal[
    "initial",
    "sequential",
    "concurrent",
    "push",
    "repeat_push",
    "injection",
    "hydration",
    "not_coded",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClaimLine(_Model):
    code: str
    modifiers: list[str] = Field(default_factory=list)
    units: int
    ndc: str | None = None
    ndc_unit: str | None = None
    ndc_quantity: int | float | None = None
    diagnosis_pointers: list[int] = Field(default_factory=lambda: [1])
    administration: str | None = None
    # Optional extensions: our own short label and why the line is there.
    label: str = ""
    why: str = ""

    @property
    def ndc_entry(self) -> str:
        """The NDC as billers write it on the line: N4 + 11 digits, then unit qualifier and
        quantity, e.g. 'N450242015001 ML20'; empty when the line has no NDC."""
        if not self.ndc:
            return ""
        quantity = ""
        if self.ndc_unit and self.ndc_quantity is not None:
            amount = self.ndc_quantity
            quantity = f"{self.ndc_unit}{int(amount) if amount == int(amount) else amount}"
        return f"N4{self.ndc} {quantity}".strip()


class Finding(_Model):
    rule: str
    severity: Severity
    message: str
    administration: str | None = None
    # Optional extension: the document path the finding is about (for the UI to focus).
    field: str | None = None


class AdministrationSummary(_Model):
    id: str
    running_minutes: int | None
    family: Family | None
    role: Role
    # Optional extensions.
    product: str = ""
    codes: list[str] = Field(default_factory=list)
    explanation: str = ""


class ClaimResult(_Model):
    format: Literal["ocrebill.claim/1"] = CLAIM_FORMAT
    place_of_service: str
    lines: list[ClaimLine]
    findings: list[Finding]
    administrations: list[AdministrationSummary]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def units_of(self, codes: Collection[str]) -> int:
        """Billed units of these codes, JW waste lines included: what the payer is billed, and
        so what a prior authorization is charged for (the engine's pa-units check counts the
        same way)."""
        return sum(line.units for line in self.lines if line.code in codes)

    def summed_lines(self) -> dict[tuple[str, tuple[str, ...]], int]:
        """Units per (code, modifiers), the way the spec says consumers compare lines."""
        totals: dict[tuple[str, tuple[str, ...]], int] = {}
        for line in self.lines:
            key = (line.code, tuple(line.modifiers))
            totals[key] = totals.get(key, 0) + line.units
        return totals

"""The providers of a visit: who rendered the service and who ordered it (issue 13, item 4).

A visit document may carry `providers: {"rendering": {...}, "ordering": {...}}`, each a name,
an NPI (core/npi.py) and an optional taxonomy code. The store keeps the practice's providers
and writes the chosen ones into the document; core/checks.check_providers turns a missing one
into a finding. A document without `providers` at all (written by another system, or before OcreBill
kept providers) is not checked.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrebill_gui.core.npi import normalize_npi, npi_problem

ProviderRole = Literal["rendering", "ordering"]
ROLE_NAMES: dict[str, str] = {"rendering": "rendering provider",
                              "ordering": "ordering/referring physician"}
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def taxonomy_problem(text: str) -> str | None:
    """None for an empty or well-formed taxonomy code (e.g. 2084N0400X), else what is wrong."""
    code = text.strip().upper()
    if not code or _TAXONOMY.fullmatch(code):
        return None
    return ("must be a 10-character provider taxonomy code ending in X, e.g. 2084N0400X "
            "(neurology)")


def name_problem(text: str) -> str | None:
    if not any(ch.isalpha() for ch in text):
        return "is required, e.g. 'Okafor, Grace'"
    return None


class ProviderRef(BaseModel):
    """One provider as a visit document names it."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    npi: str
    taxonomy: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("npi")
    @classmethod
    def _npi(cls, value: str) -> str:
        problem = npi_problem(value)
        if problem:
            raise ValueError(problem)
        return normalize_npi(value)

    @field_validator("taxonomy")
    @classmethod
    def _taxonomy(cls, value: str) -> str:
        problem = taxonomy_problem(value)
        if problem:
            raise ValueError(problem)
        return value.upper()

    @property
    def label(self) -> str:
        return f"{self.name} (NPI {self.npi})"


class VisitProviders(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    rendering: ProviderRef | None = None
    ordering: ProviderRef | None = None


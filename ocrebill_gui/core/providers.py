"""The providers of a visit: who rendered the service and who ordered it (issue 13, item 4).

A visit document may carry `providers: {"rendering": {...}, "ordering": {...}}`, each a name,
an NPI (core/npi.py) and an optional taxonomy code. The store keeps the practice's providers
and writes the chosen ones into the document; core/checks.check_providers turns a missing one
into a finding. A document without `providers` at all (written by another system, or before OcreBill
kept providers) is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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


def _checked(problem: Callable[[str], str | None]) -> Callable[[str], str]:
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value
    return check


# The same checks for a visit document's providers and the store's records (and its forms).
ProviderName = Annotated[str, Field(max_length=200),
                         AfterValidator(_checked(name_problem))]
Npi = Annotated[str, Field(max_length=20), AfterValidator(_checked(npi_problem)),
                AfterValidator(normalize_npi)]
Taxonomy = Annotated[str, Field(max_length=20), AfterValidator(_checked(taxonomy_problem)),
                     AfterValidator(str.upper)]


class ProviderRef(BaseModel):
    """One provider as a visit document names it."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    name: ProviderName
    npi: Npi
    taxonomy: Taxonomy = ""

    @property
    def label(self) -> str:
        return f"{self.name} (NPI {self.npi})"


class VisitProviders(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    rendering: ProviderRef | None = None
    ordering: ProviderRef | None = None


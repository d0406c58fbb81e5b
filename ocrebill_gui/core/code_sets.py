"""The ICD-10-CM code sets diagnoses are checked against, one per fiscal year.

The shipped FY2026 index (core/icd10.py) is always there; a clinic imports later years from
CMS's order file (core/icd10_order_file.py), and the store hands them to the engine through the
catalog (Catalog.with_code_sets). For a date of service the set of its fiscal year is used;
without one, the nearest earlier set is used and the claim says to verify the codes (see
core/diagnoses.py). Nothing here imports simple_icd_10_cm or loads a file at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ocrebill_gui.core.icd10 import Icd10Index
from ocrebill_gui.core.icd10_order_file import Icd10OrderFile, InFiscalYear, fiscal_year_of


@dataclass(frozen=True)
class DiagnosisCodeSet(InFiscalYear):
    """One fiscal year's codes: exists? billable? (index.billable: True, False for a header,
    None for no such code), with the categories' billable children and descriptions."""

    fiscal_year: int
    name: str
    index: Icd10Index
    source: str

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def billable(self, code: str) -> bool | None:
        return self.index.billable(code)

    def exists(self, code: str) -> bool:
        return self.index.billable(code) is not None

    @classmethod
    def from_codes(cls, fiscal_year: int, codes: Iterable[tuple[str, bool, str]], *,
                   source: str) -> DiagnosisCodeSet:
        """A set from (dotted code, billable, description) rows: an order file just parsed,
        or the rows a store saved from one."""
        return cls(fiscal_year, f"ICD-10-CM FY{fiscal_year}", Icd10Index.from_rows(codes),
                   source)

    @classmethod
    def from_order_file(cls, order_file: Icd10OrderFile) -> DiagnosisCodeSet:
        rows = ((c.code, c.billable, c.long_description) for c in order_file.codes)
        return cls.from_codes(order_file.fiscal_year, rows, source=order_file.source_name)


@dataclass(frozen=True)
class CodeSetChoice:
    """The set to check a date of service against; `needs_verifying` when no set of the date's
    fiscal year is loaded and a later date is checked against an earlier year's set."""

    code_set: DiagnosisCodeSet
    needs_verifying: bool


class CodeSets:
    """The loaded code sets by fiscal year (imports win over the shipped set of their year)."""

    def __init__(self, loaded: Iterable[DiagnosisCodeSet] = ()):
        self._by_year = {s.fiscal_year: s for s in loaded}

    def __len__(self) -> int:
        return len(self._by_year)

    @property
    def fiscal_years(self) -> list[int]:
        return sorted(self._by_year)

    def with_set(self, code_set: DiagnosisCodeSet) -> CodeSets:
        return CodeSets([*self._by_year.values(), code_set])

    def in_force(self, day: date) -> DiagnosisCodeSet | None:
        """The set of the fiscal year the date of service is in, if loaded."""
        return self._by_year.get(fiscal_year_of(day))

    def choose(self, day: date, shipped: DiagnosisCodeSet) -> CodeSetChoice:
        """The set in force on the day; else the latest set before it, not in force (the
        claim then says to verify); a day before every set is checked against the earliest,
        whose rules file knows the older changes (G35 billable until 2025-09-30), without the
        verify finding (as before imports existed)."""
        sets = {shipped.fiscal_year: shipped, **self._by_year}
        year = fiscal_year_of(day)
        if year in sets:
            return CodeSetChoice(sets[year], False)
        earlier = [y for y in sets if y < year]
        if earlier:
            return CodeSetChoice(sets[max(earlier)], True)
        return CodeSetChoice(sets[min(sets)], False)

"""The diagnosis type-ahead, ranked for an MS infusion centre. No Qt.

The index (core/icd10.py) finds codes that start with what was typed and codes whose
description holds every word of it, each in code order. In code order the category G35 came
before G35.A, and "relapsing" listed relapsing fever (A68) above relapsing-remitting MS: the
first row is what Enter takes, so the order matters. Here the same matches are ranked:
1. the code typed, exactly, when billable (G35A and g35.a read as G35.A);
2. the other codes that start with it: billable codes before categories (typing G35 offers
   G35.A ... G35.D first, the category G35 after them);
3. codes found by their description: the MS codes first (the diagnosis rules' ms_prefix, G35),
   then the others; billable before categories in each.
Common abbreviations are read as their words ("ms", "rrms", "ppms", "spms").
"""

from __future__ import annotations

from ocrebill_gui.core.icd10 import Icd10Code, Icd10Index, icd10_index

ABBREVIATIONS = {
    "ms": "multiple sclerosis",
    "rrms": "relapsing-remitting multiple sclerosis",
    "ppms": "primary progressive multiple sclerosis",
    "spms": "secondary progressive multiple sclerosis",
}


def code_prefix(text: str) -> str:
    """What was typed as the start of a code: upper case, the dot put in (G35A -> G35.A)."""
    prefix = text.strip().upper()
    if len(prefix) > 3 and "." not in prefix and prefix[:3].isalnum():
        prefix = f"{prefix[:3]}.{prefix[3:]}"
    return prefix


def expanded(text: str) -> str:
    """The query with its abbreviations written out."""
    return " ".join(ABBREVIATIONS.get(word.lower(), word) for word in text.split())


def search_diagnoses(text: str, limit: int = 40, *, index: Icd10Index | None = None,
                     preferred: tuple[str, ...] | None = None) -> list[Icd10Code]:
    """The codes for what was typed, best first (see the module docstring); at most `limit`.
    `preferred`: code prefixes ranked first among description matches (default: MS)."""
    query = expanded(text.strip())
    if not query:
        return []
    index = index or icd10_index()
    if preferred is None:
        from ocrebill_gui.core.diagnoses import diagnosis_rules

        preferred = (diagnosis_rules().ms_prefix,)
    prefix = code_prefix(query)
    found = index.search(query, limit)
    by_code = [row for row in found if row.code.startswith(prefix)]
    described = [row for row in found if not row.code.startswith(prefix)]
    exact = [row for row in by_code if row.code == prefix and row.billable]
    words = query.lower().split()
    seen = {row.code for row in by_code}
    favoured = [row for start in preferred for row in index.search(start, 500)
                if row.code.startswith(start) and row.code not in seen
                and all(word in row.description.lower() for word in words)]
    favoured_codes = {row.code for row in favoured}
    others = [row for row in described if row.code not in favoured_codes]
    ranked = (exact + _billable_first([row for row in by_code if row not in exact])
              + _billable_first(favoured) + _billable_first(others))
    return ranked[:limit]


def enter_choice(ranked: list[Icd10Code]) -> Icd10Code | None:
    """What Enter takes from the suggestions: the first, when it is billable (a category is
    never taken by Enter: it cannot be billed)."""
    return ranked[0] if ranked and ranked[0].billable else None


def _billable_first(rows: list[Icd10Code]) -> list[Icd10Code]:
    return [row for row in rows if row.billable] + [row for row in rows if not row.billable]


__all__ = ["ABBREVIATIONS", "code_prefix", "enter_choice", "expanded", "search_diagnoses"]

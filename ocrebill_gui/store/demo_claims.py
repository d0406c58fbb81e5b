"""Claim results for many demo visits without computing each one.

core.compute takes about a millisecond per visit, too slow for 100,000 demo visits. Demo
visits are made from a few templates, so their documents differ only in

- things the engine only compares with the date of service (the authorization's dates, the
  vials' expiry): the key holds the outcome of that comparison, and
- things the engine only copies into messages (the date of service, lot numbers, the
  authorization's number and dates): these are *tokens*.

The cache key is (template, setting, payer, diagnosis, authorization state and remaining
units, reference-data period of the date of service). The first visit of a key is computed for
real; a later visit of the same key gets that result with the first visit's tokens replaced by
its own, in one pass. A result that shows a token that could be confused (two tokens with the
same text, or a token equal to a reference-data date) is not reused: the next visit of its key
is computed and tried instead.
tests/store/test_demo.py checks reused results against compute() visit by visit.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.charges import charges_json, line_charges, total_charge
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.diagnoses import diagnosis_rules
from ocrebill_gui.core.engine import compute
from ocrebill_gui.core.practice import PracticeSettings


@cache
def reference_dates() -> tuple[date, ...]:
    """Every date at which the reference data changes (code effective dates, ICD-10-CM code
    set and code changes): results may differ across them, never between them."""
    days: set[date] = set()
    for product in default_catalog().products.values():
        for code in product.codes:
            days.add(code.effective_from)
            if code.effective_to:
                days.add(code.effective_to + timedelta(days=1))
    rules = diagnosis_rules()
    days |= {rules.code_set.valid_from, rules.code_set.valid_to + timedelta(days=1)}
    for change in rules.changes:
        if change.valid_from:
            days.add(change.valid_from)
        if change.billable_until:
            days.add(change.billable_until + timedelta(days=1))
    return tuple(sorted(days))


def period_of(day: date) -> int:
    """Which stretch between reference-data dates the day falls in."""
    return bisect.bisect_right(reference_dates(), day)


@cache
def _reference_texts() -> frozenset[str]:
    texts = set()
    for day in reference_dates():
        texts |= {day.isoformat(), (day - timedelta(days=1)).isoformat()}
    return frozenset(texts)


@dataclass(frozen=True)
class CachedClaim:
    text: str  # the claim result JSON
    errors: int
    warnings: int
    units: dict[str, int]  # billed units by product id (drug lines without JW)
    tokens: tuple[tuple[str, str], ...]  # (role, text) of the first visit's tokens shown
    pattern: re.Pattern[str] | None
    # The claim's charges at the practice's fees (visits.charges JSON) and their total: no
    # token in either.
    charges: str | None = None
    charge: Decimal = Decimal(0)


class ClaimCache:
    """compute() once per key, then reuse with the visit's own tokens."""

    def __init__(self, catalog: Catalog, practice: PracticeSettings | None = None):
        self.catalog = catalog
        self.practice = practice
        self.entries: dict[tuple, CachedClaim] = {}
        self.computed = 0

    def claim(self, key: tuple, document_text: str, tokens: dict[str, str],
              more_tokens: dict[str, str] | None = None) -> CachedClaim:
        """The claim result of the document; `tokens` (and `more_tokens`) map roles to the
        visit's own values of the text the engine may copy into messages."""
        entry = self.entries.get(key)
        if entry is not None and entry.pattern is None:
            return entry
        if more_tokens:
            tokens = tokens | more_tokens
        if entry is None:
            # No usable result for this key yet (or its results show confusable tokens, e.g.
            # a date of service equal to a reference date): compute this visit, and keep the
            # result for the next ones if its tokens are unambiguous.
            entry = self._compute(document_text, tokens)
            if self._reusable(entry):
                self.entries[key] = entry
            return entry
        mapping = {text: tokens[role] for role, text in entry.tokens}
        assert entry.pattern is not None  # a reused entry (None returned above)
        replaced = entry.pattern.sub(lambda m: mapping[m.group(0)], entry.text)
        return CachedClaim(replaced, entry.errors, entry.warnings, entry.units, (), None,
                           entry.charges, entry.charge)

    def _compute(self, document_text: str, tokens: dict[str, str]) -> CachedClaim:
        document = json.loads(document_text)
        result = compute(document, catalog=self.catalog)
        self.computed += 1
        charges = line_charges(result, setting=document["setting"],
                               day=date.fromisoformat(document["date_of_service"]), fees=None,
                               practice=self.practice) if self.practice is not None else ()
        text = result.model_dump_json()
        shown = tuple((role, value) for role, value in sorted(tokens.items())
                      if value and value in text)
        pattern = (re.compile("|".join(re.escape(v) for _, v in
                                       sorted(shown, key=lambda t: -len(t[1]))))
                   if shown else None)
        return CachedClaim(text, result.count("error"), result.count("warning"),
                           _units(result, self.catalog), shown, pattern,
                           charges_json(charges) if charges else None, total_charge(charges))

    @staticmethod
    def _reusable(entry: CachedClaim) -> bool:
        texts = [value for _, value in entry.tokens]
        if len(set(texts)) != len(texts):
            return False
        if any(t in _reference_texts() for t in texts):
            return False
        # A token inside another token would be replaced in the wrong place.
        return not any(a != b and a in b for a in texts for b in texts)


def _units(result: ClaimResult, catalog: Catalog) -> dict[str, int]:
    """Units charged to an authorization per product, counted as finalizing counts them."""
    units = {p.id: result.units_of({c.code for c in p.codes}) for p in catalog.products.values()}
    return {product: n for product, n in units.items() if n}


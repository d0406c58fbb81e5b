"""The visit editor's expected payment, without Qt: the estimate of the presenter's document
and claim at each change, cheap enough for every keystroke (docs/expected-payment.md).

What the database gives an estimate (store/estimates.py) is read once per visit open: the
price book per ASP quarter, and the benefits verification and co-pay programme input per
date of service, coverage, patient and drugs; an edit that changes none of those reuses them,
so an estimate costs the document's parse and core's pure computation only. A reference file
imported while the visit is open counts from its next opening.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ocrebill_gui.core.asp_file import Quarter
from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.estimate import Estimate, estimate
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import validate_document
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.estimates import (
    EstimateInputs,
    drug_products,
    estimate_inputs,
    price_book,
)


@dataclass(frozen=True)
class Unavailable:
    """Why there is no estimate to show (nothing computable yet, the database refused)."""

    reason: str


class EditorEstimator:
    """Estimates for one open visit, with what it read from the database cached."""

    def __init__(self, store: Store, session: Session) -> None:
        self.store, self.session = store, session
        self._books: dict[Quarter, PriceBook] = {}
        self._inputs_key: tuple[Any, ...] | None = None
        self._inputs: EstimateInputs | None = None
        self.reads = 0  # database reads made (tests, benchmarks)

    def estimate(self, document: Mapping[str, Any], claim: ClaimResult | None, *,
                 catalog: Catalog, patient_id: int | None, coverage_id: int | None,
                 visit_id: int | None = None) -> Estimate | Unavailable:
        """The estimate of the document as computed (`claim`), or why there is none."""
        if claim is None:
            return Unavailable("Nothing to estimate until the visit can be computed.")
        try:
            visit = validate_document(dict(document), catalog)
        except InvalidVisit:
            return Unavailable("Not up to date: fix the fields marked in the form.")
        try:
            inputs = self._inputs_for(visit.date_of_service, patient_id, coverage_id,
                                      tuple(drug_products(visit)), visit_id, catalog)
        except StoreError as exc:
            return Unavailable(f"Expected payment unavailable: {exc}")
        return estimate(claim, visit, prices=inputs.prices, benefits=inputs.benefits,
                        programme=inputs.programme, catalog=catalog)

    def _inputs_for(self, day: date, patient_id: int | None, coverage_id: int | None,
                    products: tuple[str, ...], visit_id: int | None,
                    catalog: Catalog) -> EstimateInputs:
        key = (day, patient_id, coverage_id, products, visit_id)
        if key != self._inputs_key or self._inputs is None:
            quarter = Quarter.of(day)
            if quarter not in self._books:
                self._books[quarter] = price_book(self.store, day, catalog.drug_labels)
                self.reads += 1
            self._inputs = estimate_inputs(self.store, self.session, day=day,
                                           coverage_id=coverage_id, patient_id=patient_id,
                                           products=products, visit_id=visit_id,
                                           prices=self._books[quarter])
            self.reads += 1
            self._inputs_key = key
        return self._inputs

"""The expected payment of a saved visit (issue 16, item 3): core/estimate.py fed from the
database (docs/expected-payment.md).

`estimate_for_visit(store, session, visit_id)` reads the visit (a finalized one as it was
finalized: its document with the payer profile it was billed with, and its claim; a draft
completed from the store and computed now), the imported ASP prices of the date of service's
quarter and the fee schedule (`price_book`), the latest benefits verification of the visit's
coverage for its drug made on or before the date of service, and the patient's co-pay
programme enrolment with the year's usage.

The visit editor calls the same pieces apart: `estimate_inputs` once per visit open (and when
the date, coverage or drug changes), then core's `estimate` at each keystroke, so an estimate
there costs the pure computation only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ocrebill_gui.core.asp_file import AspFile, AspPrice, Quarter
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.catalog import Catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.copay_programme import ProgrammeInput
from ocrebill_gui.core.estimate import Estimate, estimate
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.reference_data import store_fee_schedule


@dataclass(frozen=True)
class EstimateInputs:
    """What an estimate reads from the database besides the visit itself."""

    prices: PriceBook
    benefits: BenefitsVerification | None
    programme: ProgrammeInput | None
    catalog: Catalog

    def estimate(self, claim: ClaimResult, document: VisitDocument) -> Estimate:
        return estimate(claim, document, prices=self.prices, benefits=self.benefits,
                        programme=self.programme, catalog=self.catalog)


def price_book(store: Store, day: date, codes: Iterable[str] | None = None) -> PriceBook:
    """The imported ASP file of the day's quarter (none imported: no ASP prices), only the
    rows of `codes` when given (an estimate prices the catalog's drug codes alone: a few rows
    of the quarter's thousands), and the imported fee schedule. Reference data, no patient
    data: no session."""
    quarter = Quarter.of(day)
    found = store.conn.execute(
        "SELECT file_name FROM reference_imports WHERE kind = 'asp' AND period = ?",
        (str(quarter),)).fetchone()
    files: list[AspFile] = []
    if found is not None:
        wanted = sorted(set(codes)) if codes is not None else None
        only = f" AND hcpcs IN ({', '.join('?' * len(wanted))})" if wanted else ""
        rows = store.conn.execute(
            "SELECT hcpcs, short_description, dosage, payment_limit, coinsurance_percent, "
            f"notes FROM asp_prices WHERE quarter = ?{only}",
            (str(quarter), *(wanted or ()))).fetchall()
        prices = {r[0]: AspPrice(hcpcs=r[0], short_description=r[1] or "", dosage=r[2] or "",
                                 payment_limit=_decimal(r[3]),
                                 coinsurance_percent=_decimal(r[4]), notes=r[5] or "",
                                 line=0) for r in rows}
        files.append(AspFile(quarter=quarter, source_name=found[0],
                             has_coinsurance_column=any(p.coinsurance_percent is not None
                                                        for p in prices.values()),
                             prices=prices, quarter_from="imported"))
    return PriceBook.of(files, store_fee_schedule(store))


@reads("patients.read")
def estimate_inputs(store: Store, *, day: date, coverage_id: int | None,
                    patient_id: int | None, products: Iterable[str],
                    visit_id: int | None = None, prices: PriceBook | None = None
                    ) -> EstimateInputs:
    """The price book (`prices`, else read for the day's quarter), the latest benefits
    verification of the coverage for the first of `products` that has one, and the co-pay
    programme input."""
    from ocrebill_gui.store.payers import store_catalog

    benefits = None
    if coverage_id is not None:
        benefits = next((found for product in products
                         if (found := latest_benefits(store, coverage_id, product, day))),
                        None)
    programme = (programme_input(store, patient_id, day, visit_id)
                 if patient_id is not None else None)
    catalog = store_catalog(store)
    return EstimateInputs(prices=prices or price_book(store, day, catalog.drug_labels),
                          benefits=benefits, programme=programme, catalog=catalog)


@reads("patients.read")
def estimate_for_visit(store: Store, visit_id: int) -> Estimate:
    """The expected payment of a saved visit (NotFound when there is none; InvalidVisit when
    a draft cannot be computed yet)."""
    from ocrebill_gui.core.engine import compute, parse_visit
    from ocrebill_gui.store.payers import store_catalog
    from ocrebill_gui.store.visit_documents import engine_document
    from ocrebill_gui.store.visits import get_visit

    visit = get_visit.inside(store, visit_id)
    catalog = store_catalog(store)
    if visit.finalized and visit.claim is not None:
        document, claim = parse_visit(visit.document), visit.claim
    else:
        document = parse_visit(engine_document.inside(
            store, visit.document, patient_id=visit.patient_id,
            coverage_id=visit.coverage_id, authorization_id=visit.authorization_id,
            visit_id=visit.id, authorization_choice=visit.authorization_choice))
        claim = compute(document, catalog=catalog)
    inputs = estimate_inputs.inside(
        store, day=document.date_of_service, coverage_id=visit.coverage_id,
        patient_id=visit.patient_id, products=drug_products(document), visit_id=visit.id)
    return inputs.estimate(claim, document)


def drug_products(document: VisitDocument) -> list[str]:
    """The visit's products in order, those the practice bought first (a benefits
    verification is per therapy)."""
    ordered = sorted(document.administrations, key=lambda a: a.source != "purchased")
    return list(dict.fromkeys(a.product for a in ordered))


def latest_benefits(store: Store, coverage_id: int, product: str,
                    day: date) -> BenefitsVerification | None:
    """The latest verification of the coverage for the product on or before the day."""
    try:
        from ocrebill_gui.store.benefits import latest_for
    except ImportError:  # store/benefits.py not there yet: the table as migration 12 made it
        row = store.conn.execute(
            "SELECT details FROM benefits_verifications WHERE coverage_id = ? AND product = ? "
            "AND verified_on <= ? ORDER BY verified_on DESC, id DESC LIMIT 1",
            (coverage_id, product, day.isoformat())).fetchone()
        return None if row is None else BenefitsVerification.model_validate_json(row[0])
    found = latest_for.inside(store, coverage_id, product, day)
    return None if found is None else found.verification


def programme_input(store: Store, patient_id: int, day: date,
                    visit_id: int | None) -> ProgrammeInput | None:
    """The co-pay programme's input for the patient on the day (store/copay.py), None when
    not enrolled or when that module is not there."""
    try:
        from ocrebill_gui.store.copay import programme_input as from_store
    except ImportError:
        return None
    return from_store(store, patient_id, day, visit_id=visit_id)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None or text == "" else Decimal(text)

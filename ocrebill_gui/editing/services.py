"""The store calls the visit editor makes, in one place (the editor never runs SQL).

Each function composes the store's repository functions for one thing the editor needs: the
patient's coverages and authorizations as choices, the vial lots of a product as LotChoices,
the engine document completed from the store (patient, payer, authorization with remaining
units). Visit lifecycle calls (load, save a draft, finalize, amend) live in `visit_io`.
"""

from __future__ import annotations

from datetime import date
from collections.abc import Mapping
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.editing.lots import LotChoice
from ocrebill_gui.editing.visit_io import keep_patient_out_of_log
from ocrebill_gui.store import Authorization, Coverage, Patient, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.dose_history import ON_RECORD, with_previous_doses


def catalog(store: Store) -> Catalog:
    return api.store_catalog(store)


def find_patients(store: Store, session: Session, text: str, limit: int = 20) -> list[Patient]:
    return api.search_patients(store, session, text, limit=limit)


def patient(store: Store, session: Session, patient_id: int) -> Patient:
    return api.get_patient(store, session, patient_id)


def add_patient(store: Store, session: Session, values: dict[str, Any]) -> Patient:
    return api.add_patient(store, session, values)


def possible_duplicates(store: Store, session: Session, values: dict[str, Any]) -> list[Patient]:
    """Patients who may be the one typed (same name and birth date)."""
    return api.possible_duplicates(store, session, values)


def coverages(store: Store, session: Session, patient_id: int) -> list[Coverage]:
    return api.coverages_of(store, session, patient_id)


def coverage_for_day(store: Store, session: Session, patient_id: int,
                     day: date | None) -> Coverage | None:
    if day is None:
        found = coverages(store, session, patient_id)
        return found[0] if found else None
    return api.coverage_on(store, session, patient_id, day)


def add_coverage(store: Store, session: Session, values: dict[str, Any]) -> Coverage:
    return api.add_coverage(store, session, values)


def authorizations(store: Store, session: Session, coverage_id: int) -> list[Authorization]:
    return api.authorizations_of(store, session, coverage_id=coverage_id)


def add_authorization(store: Store, session: Session,
                      values: dict[str, Any]) -> Authorization:
    return api.add_authorization(store, session, values)


def payer_choices(store: Store) -> list[tuple[str, str]]:
    """(label, payer id) of every profile the engine knows here, user ones marked."""
    return [(f"{p.name}{' (own copy)' if mine else ''}", p.id)
            for p, mine in api.payer_profiles(store)]


def payer_names(store: Store) -> dict[str, str]:
    """Payer id -> name of every profile the engine knows here (one read of the store)."""
    return {payer_id: p.name for payer_id, p in catalog(store).payers.items()}


def lot_choices(store: Store, session: Session, product: str) -> list[LotChoice]:
    """The product's lots with vials on hand, plus empty ones so that recorded vials of an
    exhausted lot still show their stock."""
    return [LotChoice(lot.ndc, lot.lot, lot.expires, _vial_mg(product, lot.ndc),
                      lot.on_hand, lot.id, lot.status)
            for lot in api.list_vial_lots(store, session, product=product, in_stock=True)]


def _vial_mg(product_id: str, ndc: str) -> float:
    product = default_catalog().products.get(product_id)  # products are shipped data only
    vial = product.vial_for_ndc(ndc) if product else None
    return vial.mg if vial else (product.vials[0].mg if product and product.vials else 0)


def with_practice_time_zone(store: Store, document: dict[str, Any]) -> dict[str, Any]:
    """The document with the practice's time zone when it has none of its own (R8)."""
    return api.with_practice_time_zone(store, document)


def completed_document(store: Store, session: Session, document: dict[str, Any], *,
                       patient_id: int | None, coverage_id: int | None,
                       authorization_id: int | None, visit_id: int | None,
                       authorization_choice: str = "auto") -> dict[str, Any]:
    """The document with patient, payer and prior_authorization filled in from the store
    (the authorization as the store will settle it when it saves: authorization_choice.py)."""
    document = api.engine_document(store, session, document, patient_id=patient_id,
                                   coverage_id=coverage_id, authorization_id=authorization_id,
                                   visit_id=visit_id, authorization_choice=None
                                   if authorization_id is not None else authorization_choice)
    keep_patient_out_of_log(document)
    return document


def previous_doses(store: Store, document: Mapping[str, Any], patient_id: int | None,
                   visit_id: int | None) -> dict[str, Any]:
    """Each administration's `previous_dose_date` (and the store's value beside it) as the
    store fills them on save (dose_history.with_previous_doses), as document path -> value
    (None removes) for the fields that differ: the live preview checks the interval before
    the visit is saved."""
    filled = with_previous_doses(store, document, patient_id, visit_id)
    changes: dict[str, Any] = {}
    pairs = zip(document.get("administrations") or [], filled.get("administrations") or [])
    for index, (old, new) in enumerate(pairs):
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            continue
        for key in ("previous_dose_date", ON_RECORD):
            if old.get(key) != new.get(key):
                changes[f"administrations[{index}].{key}"] = new.get(key)
    return changes

"""The visit document as the engine should see it: the saved document completed with what the
store knows (patient, the coverage's payer and member id, and the prior authorization with its
*remaining* units as approved_units, so core.compute's PA check counts earlier visits)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, TypeGuard

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.engine import compute
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.authorization_choice import settle
from ocrebill_gui.store.authorizations import get_authorization
from ocrebill_gui.store.benefits import benefits_block
from ocrebill_gui.store.copay import document_block as copay_block
from ocrebill_gui.store.coverages import get_coverage
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.errors import NotFound
from ocrebill_gui.store.patients import get_patient
from ocrebill_gui.store.payers import store_catalog
from ocrebill_gui.store.records import Authorization


def authorized_product(document: Mapping[str, Any]) -> str | None:
    """The product an authorization is about: the first monoclonal given in the visit."""
    products = default_catalog().products
    for admin in document.get("administrations") or []:
        if isinstance(admin, Mapping):
            product = products.get(str(admin.get("product")))
            if product is not None and product.monoclonal:
                return product.id
    return None


def units_used_by(store: Store, visit_id: int | None, auth_id: int) -> int:
    if visit_id is None:
        return 0
    row = store.conn.execute("SELECT units FROM authorization_uses WHERE visit_id = ? AND "
                             "authorization_id = ?", (visit_id, auth_id)).fetchone()
    return row[0] if row else 0


@reads("patients.read")
def engine_document(store: Store, document: Mapping[str, Any], *, patient_id: int | None = None,
                    coverage_id: int | None = None, authorization_id: int | None = None,
                    visit_id: int | None = None,
                    authorization_choice: str | None = None,
                    check_benefits: bool = True) -> dict[str, Any]:
    """A copy of `document` completed from the store, ready for core.compute().

    - patient: id (the patient's ref), name, birth date and the coverage's member id;
    - payer: the coverage's payer profile id (an inline payer profile, e.g. from an imported
      document, is kept); the copy a finalized visit keeps (`with_payer_profile`) gives way
      to the profile as it is now, so an amended or reopened visit is computed afresh;
    - prior_authorization: the authorization authorization_choice.settle() gives for the
      choice ("chosen" when an `authorization_id` is given, else "auto"; "none"), with
      approved_units = units still remaining, not counting what `visit_id` itself already
      used, and approved_units_total = the whole approval. With a coverage, the store decides:
      a prior_authorization the document holds from before (another plan's) is taken out
      when no authorization of this coverage covers the visit. Without a coverage (an
      imported document the store has no plan for) the document's own is kept. A finalized
      visit's (`authorization_choice` "billed") is the one it was billed with, unchecked.
    - benefits_verification: with a coverage, the latest verification of it for the visit's
      drug on or before the date of service and the practice's days (benefits.benefits_block);
      a finalized visit keeps the one it was billed with; `check_benefits` False keeps the
      document's own (an import is billed as the document says, as `ocrebill compute` bills
      it: the check starts once the practice saves the visit).
    - copay_programme: with a patient, their co-pay programme enrolment answering for the
      date of service and the kinds of their coverages then (copay.document_block).
    """
    doc = copy.deepcopy(dict(document))
    coverage = get_coverage.inside(store, coverage_id) if coverage_id is not None else None
    if patient_id is not None:
        patient = get_patient.inside(store, patient_id)
        block: dict[str, Any] = {"id": patient.ref, "name": patient.name}
        if patient.birth_date:
            block["birth_date"] = patient.birth_date.isoformat()
        member = coverage.member_id if coverage else (doc.get("patient") or {}).get("member_id")
        if member:
            block["member_id"] = member
        doc["patient"] = block
    payer = doc.get("payer")
    if is_billed_copy(payer):
        doc["payer"] = coverage.payer if coverage is not None else payer["id"]
    elif coverage is not None and not isinstance(payer, Mapping):
        doc["payer"] = coverage.payer
    choice = authorization_choice or ("chosen" if authorization_id is not None else "auto")
    if choice == "billed":  # a finalized visit: the one it was billed with, as it was
        auth = (get_authorization.inside(store, authorization_id)
                if authorization_id is not None else None)
        if coverage_id is not None:
            doc.pop("prior_authorization", None)
    elif coverage_id is not None or choice == "none":
        auth = settle(store, coverage_id, doc, choice, authorization_id)[1]
        doc.pop("prior_authorization", None)
    else:
        auth = (get_authorization.inside(store, authorization_id)
                if authorization_id is not None else None)
    if auth is not None:
        pa: dict[str, Any] = {"number": auth.number, "valid_from": auth.valid_from.isoformat(),
                              "valid_to": auth.valid_to.isoformat()}
        if auth.remaining_units is not None:
            pa["approved_units"] = max(0, auth.remaining_units
                                       + units_used_by(store, visit_id, auth.id))
            pa["approved_units_total"] = auth.approved_units
        doc["prior_authorization"] = pa
    if coverage_id is not None and choice != "billed" and check_benefits:
        doc.pop("benefits_verification", None)
        benefits = benefits_block(store, coverage_id, doc)
        if benefits is not None:
            doc["benefits_verification"] = benefits
    if patient_id is not None:  # issue 16: the patient's co-pay programme (copay.py)
        doc.pop("copay_programme", None)
        copay = copay_block(store, patient_id, doc.get("date_of_service"))
        if copay is not None:
            doc["copay_programme"] = copay
    return doc


BILLED_COPY = "the profile as it was when this visit was finalized"


def is_billed_copy(payer: object) -> TypeGuard[Mapping[str, Any]]:
    """Whether a document's payer is the copy a finalized visit keeps (not a profile someone
    wrote into a document on purpose)."""
    return isinstance(payer, Mapping) and payer.get("source") == BILLED_COPY


def with_payer_profile(store: Store, document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with its payer profile written out inline, as it is now: what a finalized
    visit keeps, so that its claim, superbill and checklist read the same later, whatever
    becomes of the profile (a user's own profile edited, a new release's payer data)."""
    doc = dict(document)
    payer = doc.get("payer")
    if isinstance(payer, str):
        profile = store_catalog(store).payers.get(payer)
        if profile is not None:  # every billing field, defaults too; not the notes
            doc["payer"] = profile.model_dump(mode="json", exclude={"notes"}) | {
                "source": BILLED_COPY}
    return doc


@reads("patients.read")
def visit_engine_document(store: Store, visit_id: int) -> dict[str, Any]:
    """engine_document() for a saved visit, with its own patient, coverage and authorization."""
    row = store.conn.execute("SELECT document, patient_id, coverage_id, authorization_id, "
                             "authorization_choice, status FROM visits WHERE id = ?",
                             (visit_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return engine_document.inside(store, json.loads(row[0]), patient_id=row[1],
                                  coverage_id=row[2], authorization_id=row[3],
                                  visit_id=visit_id, authorization_choice="billed"
                                  if row[5] == "finalized" else row[4])


def compute_in_store(store: Store, document: Mapping[str, Any]) -> ClaimResult:
    """core.compute() with this database's user payer profiles known."""
    return compute(document, catalog=store_catalog(store))

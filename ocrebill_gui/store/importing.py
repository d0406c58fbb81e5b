"""Importing visit documents from other systems or files.

Each document is imported in its own transaction: it must compute (core.compute), its patient
is matched by the document's patient id (and must have the same name) or created, its payer
becomes the patient's coverage and its prior authorization one of that coverage's
authorizations. A rejected document writes nothing, and the reason names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.store.audit import check_actor
from ocrebill_gui.store.authorizations import add_authorization, authorizations_of
from ocrebill_gui.store.coverages import add_coverage, coverages_of
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.lifecycle import finalize_visit
from ocrebill_gui.store.patients import add_patient, patient_by_ref
from ocrebill_gui.store.payers import payer_profiles, save_payer, store_catalog
from ocrebill_gui.store.practice import with_practice_time_zone
from ocrebill_gui.store.search import fold
from ocrebill_gui.store.visit_documents import (
    authorized_product,
    compute_in_store,
    engine_document,
)
from ocrebill_gui.store.visits import date_of, document_dict, dumps, save_draft


class ImportResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    visit_id: int
    patient_id: int
    patient_ref: str
    patient_created: bool
    duplicate: bool = False
    finalized: bool = False
    notes: list[str] = Field(default_factory=list)


def import_document(store: Store, actor: str, document: Mapping[str, Any], *,
                    finalize: bool = False, allow_errors: bool = False) -> ImportResult:
    """Import one visit document as a draft (or finalized with `finalize`), all or nothing.

    Raises InvalidRecord naming every offending field when the document is rejected; an
    identical document already stored for the same patient and day is not stored twice.
    """
    actor = check_actor(actor)
    doc = with_practice_time_zone(store, document_dict(document))
    patient = doc.get("patient") or {}
    if not patient.get("id") and not patient.get("name"):
        raise InvalidRecord([("patient", "is required to import: give at least its id or name")])
    notes: list[str] = []
    with writing(store):
        day = date_of(doc)
        patient_id, ref, created = _patient(store, actor, patient)
        text = dumps(doc)
        same = store.conn.execute("SELECT id, status FROM visits WHERE patient_id = ? AND "
                                  "date_of_service = ? AND document = ?",
                                  (patient_id, day.isoformat(), text)).fetchone()
        if same and finalize and same[1] == "draft":  # asked to finalize what is stored
            outcome = finalize_visit(store, actor, same[0], allow_errors=allow_errors)
            return ImportResult(visit_id=same[0], patient_id=patient_id, patient_ref=ref,
                                patient_created=False, duplicate=True, finalized=True,
                                notes=[f"already stored as visit {same[0]}: finalized now",
                                       *outcome.notes])
        if same:
            return ImportResult(visit_id=same[0], patient_id=patient_id, patient_ref=ref,
                                patient_created=False, duplicate=True,
                                finalized=same[1] == "finalized",
                                notes=[f"already stored as visit {same[0]}: not imported again"])
        coverage_id = _coverage(store, actor, patient_id, doc, patient.get("member_id"), notes)
        auth_id = _authorization(store, actor, coverage_id, doc, notes)
        try:  # computed once, as the draft will hold it; a rejection rolls everything back
            claim = compute_in_store(store, engine_document(
                store, doc, patient_id=patient_id, coverage_id=coverage_id,
                authorization_id=auth_id))
        except InvalidVisit as exc:
            raise InvalidRecord(exc.problems) from None
        saved = save_draft(store, actor, doc, patient_id=patient_id, coverage_id=coverage_id,
                           authorization_id=auth_id, claim=claim)
        if finalize:
            outcome = finalize_visit(store, actor, saved.visit_id, allow_errors=allow_errors)
            notes.extend(outcome.notes)
    return ImportResult(visit_id=saved.visit_id, patient_id=patient_id, patient_ref=ref,
                        patient_created=created, finalized=finalize, notes=notes)


def _patient(store: Store, actor: str, block: Mapping[str, Any]) -> tuple[int, str, bool]:
    ref = str(block.get("id") or "").strip()
    name = str(block.get("name") or "").strip()
    if ref:
        found = patient_by_ref(store, ref)
        if found is not None:
            if name and fold(name) != fold(found.name):
                raise InvalidRecord([("patient.name", f"patient {ref} is '{found.name}' in this "
                                                      f"database, not '{name}'")])
            return found.id, found.ref, False
    if not name:
        raise InvalidRecord([("patient.name", f"patient {ref} is not in this database: its "
                                              "name is needed to create it")])
    fields: dict[str, Any] = {"name": name, "ref": ref or None}
    if block.get("birth_date"):
        fields["birth_date"] = block["birth_date"]
    try:
        created = add_patient(store, actor, fields)
    except InvalidRecord as exc:
        raise InvalidRecord([(f"patient.{f}", m) for f, m in exc.problems]) from None
    return created.id, created.ref, True


def _coverage(store: Store, actor: str, patient_id: int, doc: Mapping[str, Any],
              member_id: object, notes: list[str]) -> int:
    payer = doc["payer"]
    if isinstance(payer, Mapping):
        profile = PayerProfile.model_validate(payer)
        if profile.id not in store_catalog(store).payers:
            names = {p.name.strip().casefold() for p, _mine in payer_profiles(store)}
            if profile.name.strip().casefold() in names:  # two "Aetna" would be one too many
                profile = profile.model_copy(update={"name": f"{profile.name} ({profile.id})"})
            try:
                save_payer(store, actor, profile)
            except InvalidRecord as exc:
                raise InvalidRecord([(f"payer.{f}", m) for f, m in exc.problems]) from None
            notes.append(f"payer profile '{profile.id}' saved from the document as "
                         f"'{profile.name}'")
        payer_id = profile.id
    else:
        payer_id = str(payer)
    member = str(member_id or "").strip().upper()
    existing = coverages_of(store, patient_id)
    for coverage in existing:
        if coverage.payer == payer_id and (not member or coverage.member_id in ("", member)):
            return coverage.id
    priority = max((c.priority for c in existing), default=0) + 1
    created = add_coverage(store, actor, {"patient_id": patient_id, "payer": payer_id,
                                          "member_id": member, "priority": min(priority, 9)})
    notes.append(f"coverage added: {payer_id}" + (f" member {member}" if member else ""))
    return created.id


def _authorization(store: Store, actor: str, coverage_id: int, doc: Mapping[str, Any],
                   notes: list[str]) -> int | None:
    pa = doc.get("prior_authorization")
    if not pa:
        return None
    for auth in authorizations_of(store, coverage_id=coverage_id):
        if auth.number == pa["number"]:
            return auth.id
    product = authorized_product(doc)
    if product is None:
        notes.append(f"authorization {pa['number']} not recorded: no monoclonal in the visit")
        return None
    created = add_authorization(store, actor, {
        "coverage_id": coverage_id, "number": pa["number"], "product": product,
        "approved_units": pa.get("approved_units"), "valid_from": pa["valid_from"],
        "valid_to": pa["valid_to"]})
    notes.append(f"authorization {created.number} recorded")
    return created.id

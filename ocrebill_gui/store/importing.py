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

from ocrebill_gui.core.errors import InvalidVisit, shown
from ocrebill_gui.core.validation import validate_document
from ocrebill_gui.core.visit import Patient, PayerProfile, VisitDocument
from ocrebill_gui.store.accounts import Session, require
from ocrebill_gui.store.audit import check_actor
from ocrebill_gui.store.authorization_choice import why_not
from ocrebill_gui.store.authorizations import (
    add_authorization,
    authorizations_of,
    get_authorization,
)
from ocrebill_gui.store.coverages import add_coverage, coverages_of
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.lifecycle import finalize_visit
from ocrebill_gui.store.patients import add_patient, patient_by_ref
from ocrebill_gui.store.payers import payer_profiles, save_payer, store_catalog
from ocrebill_gui.store.practice import with_practice_time_zone
from ocrebill_gui.store.records import member_key
from ocrebill_gui.store.search import fold
from ocrebill_gui.store.visit_documents import (
    authorized_product,
    compute_in_store,
    engine_document,
)
from ocrebill_gui.store.visits import create_draft, document_dict, dumps


class ImportResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    visit_id: int
    patient_id: int
    patient_ref: str
    patient_created: bool
    duplicate: bool = False
    finalized: bool = False
    notes: list[str] = Field(default_factory=list)


def import_document(store: Store, session: Session, document: object, *,
                    finalize: bool = False, allow_errors: bool = False) -> ImportResult:
    """Import one visit document as a draft (or finalized with `finalize`), all or nothing.

    Needs the role that imports (visits.import), and with `finalize` the one that finalizes:
    the patient, coverage and authorization an import makes are part of importing, whoever
    may otherwise change them. Raises InvalidRecord naming every offending field when the
    document is rejected; an identical document already stored for the same patient and day
    is not stored twice.
    """
    require(session, "visits.import")
    if finalize:
        require(session, "visits.finalize")
    return _import_document(store, session.actor, document, finalize=finalize,
                            allow_errors=allow_errors)


# What @writes gives its functions (the role matrix test reads it); mypy knows no attribute
# of a plain function.
import_document.action = "visits.import"  # type: ignore[attr-defined]


def _import_document(store: Store, actor: str, document: object, *,
                     finalize: bool, allow_errors: bool) -> ImportResult:
    actor = check_actor(actor)
    if not isinstance(document, Mapping | VisitDocument):
        validated_for_import(store, document)  # refused, in the words compute uses
        raise AssertionError("validated_for_import refuses what is not a JSON object")
    doc = with_practice_time_zone(store, document_dict(document))
    visit = validated_for_import(store, doc)
    notes: list[str] = []
    with writing(store):
        day = visit.date_of_service
        patient_id, ref, created = _patient(store, actor, visit.patient)
        text = dumps(doc)
        same = store.conn.execute("SELECT id, status, revision FROM visits WHERE patient_id = ? "
                                  "AND date_of_service = ? AND document = ?",
                                  (patient_id, day.isoformat(), text)).fetchone()
        if same and finalize and same[1] == "draft":  # asked to finalize what is stored
            outcome = finalize_visit.inside(store, actor, same[0], allow_errors=allow_errors,
                                            expected_revision=same[2])
            return ImportResult(visit_id=same[0], patient_id=patient_id, patient_ref=ref,
                                patient_created=False, duplicate=True, finalized=True,
                                notes=[f"already stored as visit {same[0]}: finalized now",
                                       *outcome.notes])
        if same:
            return ImportResult(visit_id=same[0], patient_id=patient_id, patient_ref=ref,
                                patient_created=False, duplicate=True,
                                finalized=same[1] == "finalized",
                                notes=[f"already stored as visit {same[0]}: not imported again"])
        coverage_id = _coverage(store, actor, patient_id, visit, notes)
        auth_id = _authorization(store, actor, coverage_id, visit, doc, notes)
        if auth_id is not None:  # a visit only uses an authorization that covers it
            reason = why_not(store, get_authorization.inside(store, auth_id), coverage_id, doc)
            if reason is not None:
                notes.append(f"{reason}: the visit does not use it")
                auth_id = None
        try:  # computed once, as the draft will hold it; a rejection rolls everything back
            claim = compute_in_store(store, engine_document.inside(
                store, doc, patient_id=patient_id, coverage_id=coverage_id,
                authorization_id=auth_id, check_benefits=False))  # as the document says
        except InvalidVisit as exc:
            raise InvalidRecord(exc.problems) from None
        saved = create_draft.inside(store, actor, doc, patient_id=patient_id,
                                    coverage_id=coverage_id, authorization_id=auth_id,
                                    claim=claim)
        if finalize:
            outcome = finalize_visit.inside(store, actor, saved.visit_id,
                                            allow_errors=allow_errors,
                                            expected_revision=saved.revision)
            notes.extend(outcome.notes)
    return ImportResult(visit_id=saved.visit_id, patient_id=patient_id, patient_ref=ref,
                        patient_created=created, finalized=finalize, notes=notes)


def validated_for_import(store: Store, doc: object) -> VisitDocument:
    """The document validated as compute() validates it, with this database's payer profiles
    (core.validation), plus what only an import needs: a patient with an id or a name.
    Every problem at once, before anything is written."""
    problems: list[tuple[str, str]] = []
    try:
        visit: VisitDocument | None = validate_document(doc, store_catalog(store))
    except InvalidVisit as exc:
        problems, visit = exc.problems, None
    if isinstance(doc, Mapping) and _no_patient(doc.get("patient")):
        problems.append(("patient", "is required to import: give at least its id or name"))
    if problems or visit is None:
        raise InvalidRecord(problems)
    return visit


def _no_patient(block: object) -> bool:
    """Whether a document's patient block is missing or names no one (neither id nor name;
    a block of another type is the schema's to refuse)."""
    return block is None or (isinstance(block, Mapping) and all(
        block.get(key) is None or (isinstance(block[key], str) and not block[key].strip())
        for key in ("id", "name")))


def _patient(store: Store, actor: str, block: Patient | None) -> tuple[int, str, bool]:
    ref = ((block and block.id) or "").strip()
    name = ((block and block.name) or "").strip()
    if ref:
        found = patient_by_ref.inside(store, ref)
        if found is not None:
            if name and fold(name) != fold(found.name):  # the stored name is not told
                raise InvalidRecord([("patient.name", f"patient {shown(ref, quote=False)} has "
                                                      f"another name in this database than "
                                                      f"{shown(name)}: check the patient id")])
            return found.id, found.ref, False
    if not name:
        raise InvalidRecord([("patient.name", f"patient {shown(ref, quote=False)} is not in "
                                              "this database: its name is needed to create it")])
    fields: dict[str, Any] = {"name": name, "ref": ref or None}
    if block is not None and block.birth_date:
        fields["birth_date"] = block.birth_date
    try:
        created = add_patient.inside(store, actor, fields)
    except InvalidRecord as exc:
        raise InvalidRecord([(_DOCUMENT_FIELD.get(f"patient.{f}", f"patient.{f}"), m)
                             for f, m in exc.problems]) from None
    return created.id, created.ref, True


# A record's field -> the visit document's (for messages that name the field).
_DOCUMENT_FIELD = {"patient.ref": "patient.id", "member_id": "patient.member_id"}


def _coverage(store: Store, actor: str, patient_id: int, visit: VisitDocument,
              notes: list[str]) -> int | None:
    payer = visit.payer
    if isinstance(payer, PayerProfile):
        profile = payer
        if profile.id not in store_catalog(store).payers:
            names = {p.name.strip().casefold() for p, _mine in payer_profiles(store)}
            if profile.name.strip().casefold() in names:  # two "Aetna" would be one too many
                profile = profile.model_copy(update={"name": f"{profile.name} ({profile.id})"})
            try:
                save_payer.inside(store, actor, profile)
            except InvalidRecord as exc:
                raise InvalidRecord([(f"payer.{f}", m) for f, m in exc.problems]) from None
            notes.append(f"payer profile {shown(profile.id)} saved from the document as "
                         f"{shown(profile.name, 80)}")
        payer_id = profile.id
    else:
        payer_id = str(payer)
    member = ((visit.patient and visit.patient.member_id) or "").strip()
    existing = coverages_of.inside(store, patient_id)
    for coverage in existing:
        if coverage.payer == payer_id and (not member or member_key(coverage.member_id)
                                           in ("", member_key(member))):
            return coverage.id
    if not member_key(member):
        notes.append(f"no coverage recorded: the document names no member id for "
                     f"{shown(payer_id, quote=False)}")
        return None
    priority = max((c.priority for c in existing), default=0) + 1
    try:
        created = add_coverage.inside(store, actor, {
            "patient_id": patient_id, "payer": payer_id, "member_id": member,
            "priority": min(priority, 9), "effective_from": visit.date_of_service})
    except InvalidRecord as exc:
        raise InvalidRecord([(_DOCUMENT_FIELD.get(f, f), m) for f, m in exc.problems]) from None
    notes.append(f"coverage added: {shown(payer_id, quote=False)}"
                 + (f" member {shown(member, quote=False)}" if member else ""))
    return created.id


def _authorization(store: Store, actor: str, coverage_id: int | None, visit: VisitDocument,
                   doc: Mapping[str, Any], notes: list[str]) -> int | None:
    pa = visit.prior_authorization
    if pa is None or coverage_id is None:
        return None
    for auth in authorizations_of.inside(store, coverage_id=coverage_id):
        if auth.number == pa.number:
            return auth.id
    product = authorized_product(doc)
    if product is None:
        notes.append(f"authorization {shown(pa.number, quote=False)} not recorded: no "
                     "monoclonal in the visit")
        return None
    try:
        created = add_authorization.inside(store, actor, {
            "coverage_id": coverage_id, "number": pa.number, "product": product,
            "approved_units": pa.approved_units, "valid_from": pa.valid_from,
            "valid_to": pa.valid_to})
    except InvalidRecord as exc:
        raise InvalidRecord([(f"prior_authorization.{f}", m) for f, m in exc.problems]
                            ) from None
    notes.append(f"authorization {shown(created.number, quote=False)} recorded")
    return created.id

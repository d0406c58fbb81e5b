"""Visits: drafts saved as they are edited, and reading a visit back.

A visit is its visit document (as the app or an import produced it) plus its last claim
result. A draft may be incomplete: it is saved whatever it holds, so nothing typed is lost;
only its date of service must be a date (the day list is built on it). Finalizing, amending
and reopening are in lifecycle.py.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.timeline import running_since
from ocrebill_gui.core.visit import VisitDocument
from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, field_changes, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import (
    InvalidRecord,
    NotFound,
    StoreError,
    VisitChanged,
    VisitLocked,
)
from ocrebill_gui.store.records import Amendment, DraftSaved, Visit
from ocrebill_gui.store.visit_documents import compute_in_store, engine_document

_VISIT_COLUMNS = ("id, patient_id, coverage_id, authorization_id, date_of_service, setting, "
                  "payer, summary, status, document, claim, errors, warnings, revision, "
                  "created_at, created_by, changed_at, changed_by, finalized_at, finalized_by, "
                  "running_since, authorization_choice")


def document_dict(document: VisitDocument | Mapping[str, Any]) -> dict[str, Any]:
    """A visit document as a JSON-ready dict (a VisitDocument is dumped, a mapping copied)."""
    if isinstance(document, VisitDocument):
        return document.model_dump(mode="json", exclude_defaults=True) | {
            "format": document.format}
    if not isinstance(document, Mapping):
        raise InvalidRecord([("document", "must be a JSON object")])
    return dict(document)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def date_of(document: Mapping[str, Any]) -> date:
    """The document's date of service, or InvalidRecord naming the field."""
    value = document.get("date_of_service")
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRecord([("date_of_service", "must be a date such as 2026-03-04")]) from None


def summary_text(document: Mapping[str, Any]) -> str:
    """A short line for visit lists: "Ocrevus 600 mg + 3 premeds"."""
    products = default_catalog().products
    main, premeds, other = [], 0, 0
    for admin in document.get("administrations") or []:
        if not isinstance(admin, Mapping):
            continue
        product = products.get(str(admin.get("product")))
        if product is not None and product.role == "treatment":
            dose = admin.get("dose_mg")
            main.append(f"{product.short} {dose:g} mg" if isinstance(dose, int | float)
                        else product.short)
        elif product is not None and product.role == "premedication":
            premeds += 1
        else:
            other += 1
    parts = [", ".join(main) or "no treatment recorded"]
    if premeds:
        parts.append(f"{premeds} premed{'s' if premeds > 1 else ''}")
    if other:
        parts.append(f"{other} other")
    return " + ".join(parts)


def running_since_of(document: Mapping[str, Any]) -> str | None:
    """When the visit's earliest infusion still running started ('2026-03-10T09:00'), else
    None: the `running_since` column, as core.timeline.running_since decides it for each
    administration. A draft may hold anything: events whose `at` is not a date-time to the
    minute are left out, the rest go to the core as they are."""
    started: list[datetime] = []
    for admin in document.get("administrations") or []:
        if not isinstance(admin, Mapping) or not isinstance(admin.get("route"), str):
            continue
        events = []
        for event in admin.get("events") or []:
            at = _lenient_at(event.get("at")) if isinstance(event, Mapping) else None
            if at is not None:
                events.append((event.get("kind"), at))
        since = running_since(admin["route"], events)
        if since is not None:
            started.append(since)
    return min(started).isoformat(timespec="minutes") if started else None


def _lenient_at(value: object) -> datetime | None:
    """A local date-time to the minute from an event's `at`, or None (a bare date, another
    type, an offset, nonsense)."""
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at.replace(second=0, microsecond=0) if at.tzinfo is None else None


def payer_of(document: Mapping[str, Any]) -> str | None:
    payer = document.get("payer")
    if isinstance(payer, Mapping):
        return str(payer.get("id") or "") or None
    return str(payer) if payer else None


def claim_counts(claim: ClaimResult | None) -> tuple[int, int]:
    if claim is None:
        return 0, 0
    return claim.count("error"), claim.count("warning")


@writes("visits.draft")
def create_draft(store: Store, actor: str, document: VisitDocument | Mapping[str, Any], *,
                 patient_id: int, coverage_id: int | None = None,
                 authorization_id: int | None = None,
                 claim: ClaimResult | None = None,
                 authorization_choice: str | None = None) -> DraftSaved:
    """Save a new draft visit of `patient_id` (revision 1). `coverage_id` None takes the
    patient's coverage in effect on the visit's date; the authorization is as for
    save_draft (automatic unless one is given, or "none"); `claim` is as for save_draft.
    Each treatment's previous_dose_date is filled from the store as in save_draft."""
    from ocrebill_gui.store.coverages import coverage_on

    actor = check_actor(actor)
    doc = document_dict(document)
    day = date_of(doc)
    now = store.now()
    with writing(store):
        if patient_id is None:
            raise InvalidRecord([("patient_id", "choose the patient of the visit")])
        _check_refs(store, patient_id, coverage_id, authorization_id)
        doc, claim = _with_previous_doses(store, doc, patient_id, None, claim)
        if coverage_id is None:
            coverage = coverage_on.inside(store, patient_id, day)
            coverage_id = coverage.id if coverage else None
        choice, authorization_id = _settled(store, coverage_id, doc, authorization_choice,
                                            authorization_id, None, None)
        claim_text, errors, warnings = _claim_columns(
            store, doc, claim, patient_id, coverage_id, authorization_id, None, choice)
        cur = store.conn.execute(
            "INSERT INTO visits (patient_id, coverage_id, authorization_id, date_of_service, "
            "setting, payer, summary, status, document, claim, errors, warnings, revision, "
            "created_at, created_by, changed_at, changed_by, running_since, "
            "authorization_choice) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (patient_id, coverage_id, authorization_id, day.isoformat(),
             str(doc.get("setting") or ""), payer_of(doc), summary_text(doc), dumps(doc),
             claim_text, errors, warnings, now, actor, now, actor, running_since_of(doc),
             choice))
        assert cur.lastrowid is not None  # an INSERT's
        new_id = int(cur.lastrowid)
        record(store, actor, "visit", new_id, "create", field_changes(None, {
            "patient_id": patient_id, "coverage_id": coverage_id,
            "authorization_id": authorization_id, "authorization_choice": choice,
            "status": "draft", "document": doc}))
        return DraftSaved(visit_id=new_id, revision=1, saved=True)


def check_revision(visit_id: int, expected: int, current: int) -> None:
    """Refuse a write based on an older revision of the visit than the saved one
    (VisitChanged): someone else saved it meanwhile, and their change would be lost."""
    if isinstance(expected, bool) or not isinstance(expected, int):
        raise TypeError(f"expected_revision: the revision of visit {visit_id} the change is "
                        f"based on (an int), not {expected!r}")
    if expected != current:
        raise VisitChanged(f"Visit {visit_id} was saved by someone else meanwhile (it is at "
                           f"revision {current}; your change is based on revision {expected}): "
                           "reload it, then make your change again.")


@writes("visits.draft")
def save_draft(store: Store, actor: str, document: VisitDocument | Mapping[str, Any], *,
               visit_id: int, expected_revision: int, patient_id: int | None = None,
               coverage_id: int | None = None, authorization_id: int | None = None,
               claim: ClaimResult | None = None,
               clear: Collection[str] = (),
               authorization_choice: str | None = None) -> DraftSaved:
    """Save a draft visit as it is now; cheap enough to call on every pause in typing.
    Returns the visit id and its new revision (`saved` False when nothing changed).

    `expected_revision` is the revision the change is based on (as read, or as the last save
    returned): when someone else saved the visit meanwhile it is refused (VisitChanged), never
    written over their change. `patient_id`/`coverage_id`/`authorization_id` left None keep the
    saved ones; name them in `clear` to unlink them ("coverage_id", "authorization_id").
    The authorization follows the coverage (authorization_choice.py): an `authorization_id`
    given is the biller's choice, refused (InvalidRecord) unless it covers the visit;
    `authorization_choice` "auto" (or clearing authorization_id) re-chooses it automatically,
    "none" saves the visit without one on purpose; left unsaid, the saved choice stays, and a
    chosen one that this save's coverage, drug or date no longer fits is re-chosen.
    `claim` is the result the caller already computed (the live preview); None computes it
    here from engine_document() (the store's patient, payer and remaining authorization
    units), and a document that cannot be computed yet is saved with no claim. A finalized
    visit raises VisitLocked: amend it with a reason, or reopen it. New visits: create_draft.
    Each administration of a drug with a dosing course gets previous_dose_date from the store
    (the patient's last finalized dose of it before the date of service) unless another date
    was typed (dose_history.with_previous_doses); a `claim` computed without it is set aside.
    """
    actor = check_actor(actor)
    doc = document_dict(document)
    day = date_of(doc)
    text = dumps(doc)
    now = store.now()
    with writing(store):
        row = store.conn.execute(
            "SELECT status, revision, document, patient_id, coverage_id, authorization_id, "
            "authorization_choice FROM visits WHERE id = ?", (visit_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no visit {visit_id}.")
        status, revision, old_text, old_patient, old_coverage, old_auth, old_choice = row
        if status != "draft":
            raise VisitLocked(f"Visit {visit_id} is finalized: change it with an amendment "
                              "(a reason is required) or reopen it first.")
        check_revision(visit_id, expected_revision, revision)
        new_refs: dict[str, Any] = {
            "patient_id": old_patient if patient_id is None else patient_id,
            "coverage_id": old_coverage if coverage_id is None else coverage_id}
        for name in clear:
            if name not in ("coverage_id", "authorization_id"):
                raise InvalidRecord([("clear", f"'{name}' cannot be cleared")])
            if name == "coverage_id":
                new_refs[name] = None
        old_refs = {"patient_id": old_patient, "coverage_id": old_coverage,
                    "authorization_id": old_auth, "authorization_choice": old_choice}
        if authorization_id is not None or new_refs != {k: old_refs[k] for k in new_refs}:
            _check_refs(store, new_refs["patient_id"], new_refs["coverage_id"],
                        authorization_id)  # the links saved before were checked then
        if "authorization_id" in clear and authorization_choice is None:
            authorization_choice = "auto"
        choice, new_refs["authorization_id"] = _settled(
            store, new_refs["coverage_id"], doc, authorization_choice, authorization_id,
            old_choice, old_auth)
        new_refs["authorization_choice"] = choice
        doc, claim = _with_previous_doses(store, doc, new_refs["patient_id"], visit_id, claim)
        text = dumps(doc)
        if old_text == text and new_refs == old_refs:
            return DraftSaved(visit_id=visit_id, revision=revision, saved=False)
        claim_text, errors, warnings = _claim_columns(
            store, doc, claim, new_refs["patient_id"], new_refs["coverage_id"],
            new_refs["authorization_id"], visit_id, choice)
        store.conn.execute(
            "UPDATE visits SET patient_id = ?, coverage_id = ?, authorization_id = ?, "
            "date_of_service = ?, setting = ?, payer = ?, summary = ?, document = ?, claim = ?, "
            "errors = ?, warnings = ?, revision = revision + 1, changed_at = ?, changed_by = ?, "
            "running_since = ?, authorization_choice = ? WHERE id = ?",
            (new_refs["patient_id"], new_refs["coverage_id"], new_refs["authorization_id"],
             day.isoformat(), str(doc.get("setting") or ""), payer_of(doc), summary_text(doc),
             text, claim_text, errors, warnings, now, actor, running_since_of(doc), choice,
             visit_id))
        diff = field_changes(old_refs, new_refs) + field_changes(
            json.loads(old_text), doc, prefix="document")
        record(store, actor, "visit", visit_id, "update", diff)
        return DraftSaved(visit_id=visit_id, revision=revision + 1, saved=True)


def _with_previous_doses(store: Store, doc: dict[str, Any], patient_id: int, visit_id: int | None,
                         claim: ClaimResult | None) -> tuple[dict[str, Any], ClaimResult | None]:
    """The document with previous_dose_date from the store (dose_history.py), and the
    caller's claim only when that changed nothing (else it was computed without them)."""
    from ocrebill_gui.store.dose_history import with_previous_doses

    filled = with_previous_doses(store, doc, patient_id, visit_id)
    return (doc, claim) if filled == doc else (filled, None)


def _settled(store: Store, coverage_id: int | None, doc: Mapping[str, Any], choice: str | None,
             given: int | None, old_choice: str | None,
             old_auth: int | None) -> tuple[str, int | None]:
    """(choice, authorization id) a draft saves: `given` (an authorization chosen now) must
    cover the visit; a choice carried over from the last save gives way when it does not."""
    from ocrebill_gui.store.authorization_choice import settle

    if given is not None:
        choice, auth = settle(store, coverage_id, doc, "chosen", given, refuse_stale=True)
    elif choice is not None:
        choice, auth = settle(store, coverage_id, doc, choice, None)
    else:
        choice, auth = settle(store, coverage_id, doc, old_choice or "auto", old_auth)
    return choice, auth.id if auth is not None else None


def _claim_columns(store: Store, doc: Mapping[str, Any], claim: ClaimResult | None,
                   patient_id: int, coverage_id: int | None, authorization_id: int | None,
                   visit_id: int | None, choice: str) -> tuple[str | None, int, int]:
    """(claim JSON, errors, warnings) for a draft: the caller's claim, else computed."""
    if claim is None:
        try:
            claim = compute_in_store(store, engine_document.inside(
                store, doc, patient_id=patient_id, coverage_id=coverage_id,
                authorization_id=authorization_id, visit_id=visit_id,
                authorization_choice=choice))
        except InvalidVisit:
            claim = None
    errors, warnings = claim_counts(claim)
    return (claim.model_dump_json() if claim is not None else None), errors, warnings


def _check_refs(store: Store, patient_id: int, coverage_id: int | None,
                authorization_id: int | None) -> None:
    problems = []
    if store.conn.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone() is None:
        problems.append(("patient_id", f"there is no patient {patient_id}"))
    if coverage_id is not None:
        row = store.conn.execute("SELECT patient_id FROM coverages WHERE id = ?",
                                 (coverage_id,)).fetchone()
        if row is None:
            problems.append(("coverage_id", f"there is no coverage {coverage_id}"))
        elif row[0] != patient_id:
            problems.append(("coverage_id", f"coverage {coverage_id} belongs to another patient"))
    if authorization_id is not None:
        row = store.conn.execute("SELECT coverage_id FROM authorizations WHERE id = ?",
                                 (authorization_id,)).fetchone()
        if row is None:
            problems.append(("authorization_id", f"there is no authorization {authorization_id}"))
        elif coverage_id is not None and row[0] != coverage_id:
            problems.append(("authorization_id", f"authorization {authorization_id} belongs to "
                                                 "another coverage"))
    if problems:
        raise InvalidRecord(problems)


def visit_from_row(row: Mapping[str, Any]) -> Visit:
    data = dict(row)
    data["date_of_service"] = date.fromisoformat(data["date_of_service"])
    data["document"] = json.loads(data["document"])
    data["claim"] = (ClaimResult.model_validate_json(data["claim"]) if data["claim"] else None)
    return Visit.model_construct(**data)


@reads("patients.read")
def get_visit(store: Store, visit_id: int) -> Visit:
    """The whole visit (document and last claim result), or NotFound."""
    row = next(store.db.query(f"SELECT {_VISIT_COLUMNS} FROM visits WHERE id = ?", [visit_id]),
               None)
    if row is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return visit_from_row(row)


@reads("patients.read")
def visit_document(store: Store, visit_id: int) -> dict[str, Any]:
    """The visit document exactly as saved (what `ocrebill export` prints)."""
    row = store.conn.execute("SELECT document FROM visits WHERE id = ?", (visit_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no visit {visit_id}.")
    return json.loads(row[0])


@writes("visits.draft")
def discard_draft(store: Store, actor: str, visit_id: int, *, expected_revision: int) -> None:
    """Delete a draft that was never finalized; its last document stays in the audit log.
    A visit that was ever finalized cannot be deleted: amend it instead. A draft saved by
    someone else since `expected_revision` is not deleted (VisitChanged)."""
    actor = check_actor(actor)
    with writing(store):
        row = store.conn.execute("SELECT status, document, patient_id, revision FROM visits "
                                 "WHERE id = ?", (visit_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no visit {visit_id}.")
        check_revision(visit_id, expected_revision, row[3])
        history = store.conn.execute("SELECT count(*) FROM visit_amendments WHERE visit_id = ?",
                                     (visit_id,)).fetchone()[0]
        if row[0] != "draft" or history:
            raise StoreError(f"Visit {visit_id} was finalized: it cannot be deleted, only "
                             "amended (with a reason).")
        store.conn.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
        record(store, actor, "visit", visit_id, "delete",
               [("patient_id", row[2], None), ("document", json.loads(row[1]), None)])


@reads("patients.read")
def visit_amendments(store: Store, visit_id: int) -> list[Amendment]:
    """The amendments and reopenings of a visit, oldest first, with their reasons."""
    rows = store.db.query("SELECT * FROM visit_amendments WHERE visit_id = ? ORDER BY id",
                          [visit_id])
    return [Amendment.model_construct(
        **{**r, "document_before": json.loads(r["document_before"]),
           "document_after": json.loads(r["document_after"]) if r["document_after"] else None})
        for r in rows]

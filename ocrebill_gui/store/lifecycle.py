"""Finalize, amend and reopen a visit, with their effects on stock and authorizations.

Finalizing computes the visit as the engine sees it (visit_documents.engine_document), locks
it, takes its vials from the inventory lots (vial_uses) and uses units of its authorization
(authorization_uses). Amending a finalized visit needs a reason, gives back what the old
version took and takes what the new one needs. Reopening needs a reason and gives everything
back. Each is one transaction, written to the audit log with its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.visit import VisitDocument, normalize_ndc
from ocrebill_gui.store.accounts import writes
from ocrebill_gui.store.audit import Change, check_actor, check_reason, field_changes, record
from ocrebill_gui.store.audit_chain import CLAIM_FIELD, claim_digest
from ocrebill_gui.store.authorization_choice import settle
from ocrebill_gui.store.billed_charges import charges_to_freeze
from ocrebill_gui.store.claims import claim_on_amend, claim_on_finalize, claim_on_reopen
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import (
    InvalidRecord,
    NotFound,
    StoreError,
    VisitHasErrors,
)
from ocrebill_gui.store.records import FinalizeOutcome, Visit
from ocrebill_gui.store.visit_documents import (
    compute_in_store,
    engine_document,
    with_payer_profile,
)
from ocrebill_gui.store.visits import (
    check_revision,
    claim_counts,
    date_of,
    document_dict,
    dumps,
    get_visit,
    payer_of,
    running_since_of,
    summary_text,
)


def authorized_units(claim: ClaimResult, product_id: str) -> int:
    """Units of `product_id` the claim charges to an authorization (ClaimResult.units_of)."""
    product = default_catalog().products.get(product_id)
    return 0 if product is None else claim.units_of({c.code for c in product.codes})


def _vials_used(document: Mapping[str, Any]) -> dict[tuple[str, str], tuple[int, str]]:
    """(NDC, lot) -> (vials, the first one's path) of the vials the practice bought: a
    patient-supplied, free-drug or trial vial is recorded on the visit, not taken from stock."""
    used: dict[tuple[str, str], tuple[int, str]] = {}
    for i, admin in enumerate(document.get("administrations") or []):
        if (admin.get("source") or "purchased") != "purchased":
            continue
        for j, vial in enumerate(admin.get("vials") or []):
            lot = str(vial.get("lot") or "").strip().upper()
            try:
                ndc = normalize_ndc(str(vial.get("ndc") or ""))
            except ValueError:
                continue
            count, path = used.get((ndc, lot), (0, f"administrations[{i}].vials[{j}].lot"))
            used[(ndc, lot)] = (count + 1, path)
    return used


def _take(store: Store, visit_id: int, document: Mapping[str, Any], claim: ClaimResult,
          auth_id: int | None, changes: list[Change]) -> tuple[dict[str, int], int, list[str]]:
    """Take the visit's vials from their lots: a lot quarantined or recalled, and more vials
    than a lot has on hand, are refused at the vial (stock never goes below zero)."""
    from ocrebill_gui.store.stock import lot_refusal
    from ocrebill_gui.store.vial_lots import lot_from_row

    taken: dict[str, int] = {}
    notes: list[str] = []
    refused: list[tuple[str, str]] = []
    for (ndc, lot), (count, path) in sorted(_vials_used(document).items()):
        if not lot:
            notes.append(f"{count} vial(s) of NDC {ndc} have no lot number: not taken from "
                         "the inventory")
            continue
        row = next(store.db.query("SELECT * FROM vial_lots WHERE ndc = ? AND lot = ?",
                                  [ndc, lot]), None)
        if row is None:
            notes.append(f"lot {lot} (NDC {ndc}) is not in the inventory: nothing taken")
            continue
        found = lot_from_row(row)
        why = lot_refusal(found, date_of(document))
        if why:
            refused.append((path, why))
            continue
        if found.on_hand < count:
            refused.append((path, f"lot {lot} has {found.on_hand} vial(s) on hand and this "
                                  f"visit opens {count}: count the shelf (Inventory) or "
                                  "correct the vials"))
            continue
        store.conn.execute("UPDATE vial_lots SET on_hand = on_hand - ? WHERE id = ?",
                           (count, found.id))
        store.conn.execute("INSERT INTO vial_uses (visit_id, lot_id, vials) VALUES (?, ?, ?)",
                           (visit_id, found.id, count))
        changes.append((f"vial_lots[{found.id}].on_hand", found.on_hand, found.on_hand - count))
        taken[f"{ndc} {lot}"] = count
    if refused:
        raise InvalidRecord(refused)
    units = 0
    if auth_id is not None:
        product = store.conn.execute("SELECT product FROM authorizations WHERE id = ?",
                                     (auth_id,)).fetchone()[0]
        units = authorized_units(claim, product)
        if units:
            store.conn.execute("INSERT INTO authorization_uses (visit_id, authorization_id, "
                               "units) VALUES (?, ?, ?)", (visit_id, auth_id, units))
            changes.append((f"authorizations[{auth_id}].used_units", None, units))
            notes += _visits_beyond_allowed(store, auth_id)
    return taken, units, notes


def _visits_beyond_allowed(store: Store, auth_id: int) -> list[str]:
    """A note when this visit goes past the visits the authorization allows."""
    number, allowed, used = store.conn.execute(
        "SELECT a.number, a.visits_allowed, (SELECT count(*) FROM authorization_uses u "
        "WHERE u.authorization_id = a.id) FROM authorizations a WHERE a.id = ?",
        (auth_id,)).fetchone()
    if allowed is None or used <= allowed:
        return []
    return [f"authorization {number} allows {allowed} visit(s): this is visit {used} on it; "
            "ask the payer for more visits"]


def _give_back(store: Store, visit_id: int, changes: list[Change]) -> None:
    for lot_id, vials, on_hand in store.conn.execute(
            "SELECT u.lot_id, u.vials, l.on_hand FROM vial_uses u JOIN vial_lots l "
            "ON l.id = u.lot_id WHERE u.visit_id = ?", (visit_id,)).fetchall():
        store.conn.execute("UPDATE vial_lots SET on_hand = on_hand + ? WHERE id = ?",
                           (vials, lot_id))
        changes.append((f"vial_lots[{lot_id}].on_hand", on_hand, on_hand + vials))
    for auth_id, units in store.conn.execute(
            "SELECT authorization_id, units FROM authorization_uses WHERE visit_id = ?",
            (visit_id,)).fetchall():
        changes.append((f"authorizations[{auth_id}].used_units", units, None))
    store.conn.execute("DELETE FROM vial_uses WHERE visit_id = ?", (visit_id,))
    store.conn.execute("DELETE FROM authorization_uses WHERE visit_id = ?", (visit_id,))


def _refuse_a_second_bill(store: Store, visit_id: int, patient_id: int, day: date) -> None:
    """Two finalized visits of one patient on one day bill the day twice: refused unless the
    biller gives a reason (a second, separate encounter that day is possible, but rare)."""
    other = store.conn.execute(
        "SELECT id FROM visits WHERE patient_id = ? AND date_of_service = ? "
        "AND status = 'finalized' AND id != ? ORDER BY id LIMIT 1",
        (patient_id, day.isoformat(), visit_id)).fetchone()
    if other is not None:
        raise VisitHasErrors(
            f"Visit {other[0]} of the same patient on {day.isoformat()} is already finalized: "
            f"finalizing visit {visit_id} too would bill the day twice. Amend visit {other[0]} "
            "instead, or give the reason for a second encounter that day.", [])


def _lock_in(store: Store, actor: str, visit_id: int, document: Mapping[str, Any],
             patient_id: int, coverage_id: int | None, authorization_id: int | None,
             allow_errors: bool, changes: list[Change],
             claim_before: str | None = None, choice: str = "auto",
             refuse_stale: bool = True) -> FinalizeOutcome:
    """Compute the engine's document, check it, take stock and units, and save it finalized.
    The authorization is settled as authorization_choice.settle() says: a chosen one that
    does not cover the visit (its coverage, drug and date) is refused with the reason, unless
    `refuse_stale` is False (an amendment that changed the coverage: re-chosen).
    `changes` gets the SHA-256 of the claim JSON exactly as stored (and of `claim_before`,
    the one it replaces): the audit entry covers the stored claim (audit_chain.py)."""
    choice, picked = settle(store, coverage_id, document, choice, authorization_id,
                            refuse_stale=refuse_stale)
    auth = picked.id if picked else None
    final = with_payer_profile(store, engine_document.inside(
        store, document, patient_id=patient_id, coverage_id=coverage_id,
        authorization_id=auth, visit_id=visit_id, authorization_choice=choice))
    try:
        claim = compute_in_store(store, final)
    except InvalidVisit as exc:
        raise InvalidRecord(exc.problems) from None
    if claim.has_errors and not allow_errors:
        found = [f for f in claim.findings if f.severity == "error"]
        raise VisitHasErrors(
            f"Visit {visit_id} has {len(found)} error(s) on its claim: "
            + "; ".join(f.message for f in found)
            + ". Fix them, or finalize anyway if the claim is meant to go out like this.",
            found)
    if not allow_errors:
        _refuse_a_second_bill(store, visit_id, patient_id, date_of(final))
    taken, units, notes = _take(store, visit_id, final, claim, auth, changes)
    errors, warnings = claim_counts(claim)
    claim_json = claim.model_dump_json()
    changes.append((CLAIM_FIELD, claim_digest(claim_before) if claim_before else None,
                    claim_digest(claim_json)))
    charges = charges_to_freeze(store, final, claim)  # as billed: reprints show these
    changes.append(("charges_total", None, json.loads(charges)["total"]))
    now = store.now()
    store.conn.execute(
        "UPDATE visits SET status = 'finalized', patient_id = ?, coverage_id = ?, "
        "authorization_id = ?, date_of_service = ?, setting = ?, payer = ?, summary = ?, "
        "document = ?, claim = ?, errors = ?, warnings = ?, revision = revision + 1, "
        "changed_at = ?, changed_by = ?, finalized_at = ?, finalized_by = ?, running_since = ?, "
        "authorization_choice = ?, charges = ? WHERE id = ?",
        (patient_id, coverage_id, auth, date_of(final).isoformat(),
         str(final.get("setting") or ""), payer_of(final), summary_text(final), dumps(final),
         claim_json, errors, warnings, now, actor, now, actor,
         running_since_of(final), choice, charges, visit_id))
    return FinalizeOutcome(visit=get_visit.inside(store, visit_id), vials_taken=taken,
                           units_used=units, notes=notes)


def _load(store: Store, visit_id: int, expected_revision: int) -> dict[str, Any]:
    row = next(store.db.query("SELECT * FROM visits WHERE id = ?", [visit_id]), None)
    if row is None:
        raise NotFound(f"There is no visit {visit_id}.")
    check_revision(visit_id, expected_revision, row["revision"])
    return row


def _reason(reason: str | None) -> str:
    return check_reason(reason, "say why a finalized visit is changed")


@writes("visits.finalize")
def finalize_visit(store: Store, actor: str, visit_id: int, *, allow_errors: bool = False,
                   override_reason: str | None = None,
                   expected_revision: int) -> FinalizeOutcome:
    """Lock a draft: compute it with the store's data, take its vials from the inventory and
    its units from the authorization (picked automatically when the visit names none).

    Raises InvalidRecord (naming each field) when the document cannot be computed, and
    VisitHasErrors when the claim has error findings, unless `allow_errors` or an
    `override_reason` (which, with the errors it overrides, goes into the audit entry).
    `expected_revision` is the revision the caller read: a visit saved by someone else since
    is refused (VisitChanged), as in every write to a visit.
    """
    actor = check_actor(actor)
    if override_reason is not None:
        override_reason = check_reason(override_reason,
                                       "say why the visit is finalized despite its errors")
        allow_errors = True
    with writing(store):
        row = _load(store, visit_id, expected_revision)
        if row["status"] != "draft":
            raise StoreError(f"Visit {visit_id} is already finalized.")
        changes: list[Change] = [("status", "draft", "finalized")]
        before = json.loads(row["document"])
        outcome = _lock_in(store, actor, visit_id, before, row["patient_id"],
                           row["coverage_id"], row["authorization_id"], allow_errors, changes,
                           choice=row["authorization_choice"])
        changes += field_changes(before, outcome.visit.document, prefix="document")
        claim = outcome.visit.claim
        overridden = [f.message for f in claim.findings if f.severity == "error"] if claim else []
        if overridden:
            changes.append(("overridden_errors", None, overridden))
        record(store, actor, "visit", visit_id, "finalize", changes,
               reason=override_reason)
        notes = claim_on_finalize(store, actor, visit_id)  # its claim (store/claims.py)
    return outcome.model_copy(update={"notes": outcome.notes + notes}) if notes else outcome


@writes("visits.finalize")
def amend_visit(store: Store, actor: str, visit_id: int,
                document: VisitDocument | Mapping[str, Any], reason: str, *,
                coverage_id: int | None = None, authorization_id: int | None = None,
                allow_errors: bool = False, authorization_choice: str | None = None,
                expected_revision: int) -> FinalizeOutcome:
    """Change a finalized visit. The reason is required and kept with the before and after
    documents; stock and authorization units are given back and taken again for the new
    version. The authorization is as in save_draft: one given must cover the visit; the one
    it was billed with stays unless the new coverage, drug or date leaves it out (then it is
    re-chosen). All or nothing."""
    actor = check_actor(actor)
    reason = _reason(reason)
    doc = document_dict(document)
    date_of(doc)
    with writing(store):
        row = _load(store, visit_id, expected_revision)
        if row["status"] != "finalized":
            raise StoreError(f"Visit {visit_id} is a draft: save it as a draft instead.")
        changes: list[Change] = []
        _give_back(store, visit_id, changes)
        coverage = row["coverage_id"] if coverage_id is None else coverage_id
        given = authorization_id is not None
        auth = authorization_id if given else row["authorization_id"]
        choice = "chosen" if given else authorization_choice or row["authorization_choice"]
        outcome = _lock_in(store, actor, visit_id, doc, row["patient_id"], coverage, auth,
                           allow_errors, changes, claim_before=row["claim"], choice=choice,
                           refuse_stale=given)
        before = json.loads(row["document"])
        after = outcome.visit.document
        changes += field_changes(before, after, prefix="document")
        store.conn.execute(
            "INSERT INTO visit_amendments (visit_id, at, actor, kind, reason, document_before, "
            "document_after) VALUES (?, ?, ?, 'amend', ?, ?, ?)",
            (visit_id, store.now(), actor, reason, row["document"], dumps(after)))
        record(store, actor, "visit", visit_id, "amend", changes, reason=reason)
        notes = claim_on_amend(store, actor, visit_id, reason)  # updated or replaced
    return outcome.model_copy(update={"notes": outcome.notes + notes}) if notes else outcome


@writes("visits.finalize")
def reopen_visit(store: Store, actor: str, visit_id: int, reason: str, *,
                 expected_revision: int) -> Visit:
    """Turn a finalized visit back into a draft (reason required), giving back its vials and
    authorization units. Returns the visit."""
    actor = check_actor(actor)
    reason = _reason(reason)
    with writing(store):
        row = _load(store, visit_id, expected_revision)
        if row["status"] != "finalized":
            raise StoreError(f"Visit {visit_id} is not finalized.")
        changes: list[Change] = [("status", "finalized", "draft")]
        _give_back(store, visit_id, changes)
        now = store.now()
        store.conn.execute("UPDATE visits SET status = 'draft', revision = revision + 1, "
                           "changed_at = ?, changed_by = ?, finalized_at = NULL, "
                           "finalized_by = NULL, running_since = ?, charges = NULL WHERE id = ?",
                           (now, actor, running_since_of(json.loads(row["document"])),
                            visit_id))
        store.conn.execute(
            "INSERT INTO visit_amendments (visit_id, at, actor, kind, reason, document_before) "
            "VALUES (?, ?, ?, 'reopen', ?, ?)", (visit_id, now, actor, reason, row["document"]))
        record(store, actor, "visit", visit_id, "reopen", changes, reason=reason)
        claim_on_reopen(store, actor, visit_id, reason)  # not yet submitted: withdrawn
    return get_visit.inside(store, visit_id)

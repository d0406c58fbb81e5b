"""The visit lifecycle as the editor uses it: load, save a draft, finalize (with an override
reason when the claim has errors), amend (reopen with a reason, then finalize again).

Small functions over the store's visits and lifecycle modules; the store records an override
reason, and the errors it overrides, in the audit log with the finalization.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from ocrebill_gui import store as api
from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.store import DraftSaved, FinalizeOutcome, Store, Visit
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.logs import keep_out
from ocrebill_gui.store.audit import record_read

log = logging.getLogger("ocrebill.visits")


def keep_patient_out_of_log(document: dict[str, Any]) -> None:
    """The patient of a document on screen: never written to the log (ocrebill_gui/logs.py)."""
    patient = document.get("patient") or {}
    if isinstance(patient, dict):
        keep_out(*(patient.get(key) for key in ("name", "member_id", "id")
                   if isinstance(patient.get(key), str)))


def load_visit(store: Store, session: Session, visit_id: int, *,
               on_record: bool = True) -> Visit:
    """The visit, opened by the signed-in person (the editor): a read on record in the audit
    log, once per visit in a session (store.audit.record_read); `on_record` False for a
    reload of a visit already open."""
    visit = api.get_visit(store, session, visit_id)
    keep_patient_out_of_log(visit.document)
    if on_record:
        record_read(store, session, "visit", visit_id, "open")
    log.info("visit %d opened by %s (%s, revision %d)", visit_id, session.actor, visit.status,
             visit.revision)
    return visit


def record_print(store: Store, session: Session, visit_id: int, kind: str) -> None:
    """The visit's superbill or checklist printed or saved as PDF: a read on record."""
    record_read(store, session, "visit", visit_id, "print", details=[("document", None, kind)])


def save_draft(store: Store, session: Session, document: dict[str, Any], *, visit_id: int | None,
               patient_id: int | None, coverage_id: int | None, authorization_id: int | None,
               claim: ClaimResult | None, revision: int | None,
               authorization_choice: str = "auto") -> DraftSaved:
    """Save the form as it is: a new visit (no `visit_id` yet) is created; an existing one
    is saved over the `revision` the editor holds, and refused when someone else saved it
    meanwhile. A coverage set back to none is unlinked from the draft, not kept from an
    earlier save; the authorization is the one chosen, else `authorization_choice` ("auto":
    the store re-chooses it; "none" on purpose)."""
    choice = None if authorization_id is not None else authorization_choice
    if visit_id is None:
        # A new visit without a patient: the store refuses it itself, naming patient_id.
        return api.create_draft(store, session, document, patient_id=cast(int, patient_id),
                                coverage_id=coverage_id, authorization_id=authorization_id,
                                claim=claim, authorization_choice=choice)
    assert revision is not None, "a saved visit is edited over the revision read"
    clear = ["coverage_id"] if coverage_id is None else []
    return api.save_draft(store, session, document, visit_id=visit_id, patient_id=patient_id,
                          coverage_id=coverage_id, authorization_id=authorization_id,
                          claim=claim, expected_revision=revision, clear=clear,
                          authorization_choice=choice)


def finalize(store: Store, session: Session, visit_id: int, *, revision: int,
             override_reason: str | None = None) -> FinalizeOutcome:
    """Finalize a draft. With an override reason the claim may carry error findings; the
    reason and the errors it overrides go to the audit log with the finalization."""
    return api.finalize_visit(store, session, visit_id, expected_revision=revision,
                              override_reason=override_reason)


def reopen_for_amendment(store: Store, session: Session, visit_id: int, reason: str, *,
                         revision: int) -> Visit:
    """A finalized visit becomes an editable draft again (stock and units given back); the
    reason is kept with the visit's amendment history."""
    return api.reopen_visit(store, session, visit_id, reason, expected_revision=revision)

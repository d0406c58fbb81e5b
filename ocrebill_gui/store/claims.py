"""Each finalized visit's claim and its status (issue 15, item 4): ready, printed (form, when),
exported (file, control number, when), submitted, paid or denied (remittances.py), replaced.

    ready -> printed -> exported -> submitted -> paid | denied
    (printed and exported may repeat or come in either order; a payment may follow a denial)

- Finalizing a visit makes its claim (ready, frequency 1), in the finalize transaction
  (lifecycle.py calls `claim_on_finalize`).
- Amending a visit whose claim has not been submitted (ready, printed, exported) updates that
  claim: it is ready again, the form printed or the file exported before no longer being what
  the visit says. Amending after submission (submitted, paid, denied) makes a replacement
  claim: frequency 7, `replaces_claim_id` naming the original, which becomes 'replaced'. The
  original's payer claim number (REF*F8, box 22, UB-04 0137) is read through
  `replaces_claim_id` (`ClaimRecord.original_claim_number`), so a number entered after the
  amendment still reaches the replacement; `payer_claim_number` is the claim's own number.
- Reopening a visit withdraws a claim not yet submitted: it is ready again, its form and file
  forgotten (a printed form or exported file of it must not be sent), and nothing can be done
  with it until the visit is finalized again (then it is that visit's claim, same id). A claim
  already submitted stays as it is: it is out there; finalizing the visit again makes its
  replacement, as an amendment would.
- A visit keeps at most one claim that is not 'replaced' (its current claim); older visits,
  finalized before claims were kept, have none until `ensure_claim` makes one (printing or
  exporting them does).

Every change is in the audit log (entity 'claim'); a change the status does not allow is
refused with a StoreError naming the claim, its status and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import Change, check_actor, insert_recorded, record
from ocrebill_gui.store.claim_worklist import WorklistRow, worklist, worklist_count
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound, StoreError
from ocrebill_gui.store.records import refuse_control_characters

ClaimStatus = Literal["ready", "printed", "exported", "submitted", "paid", "denied",
                      "replaced"]
STATUSES: tuple[str, ...] = ("ready", "printed", "exported", "submitted", "paid", "denied",
                             "replaced")
TO_SEND = ("ready", "printed", "exported")  # finalized, not yet sent
SENT = ("submitted", "paid", "denied")  # the payer has it: a change needs a replacement
FORMS = {"cms1500": "CMS-1500", "ub04": "UB-04"}
MAX_FILE_NAME = 255
MAX_CLAIM_NUMBER = 50  # REF02

_COLUMNS = ("id", "visit_id", "status", "frequency", "replaces_claim_id",
            "payer_claim_number", "form", "printed_at", "export_file", "control_number",
            "exported_at", "submitted_at", "decided_at", "denial_reason", "created_at",
            "created_by", "changed_at", "changed_by")
_SELECT = ("SELECT " + ", ".join(f"c.{name}" for name in _COLUMNS)
           + ", o.payer_claim_number AS original_claim_number FROM claims c "
           "LEFT JOIN claims o ON o.id = c.replaces_claim_id")


class ClaimRefused(StoreError):
    """A change the claim's status does not allow (or a claim that cannot take it)."""


@dataclass(frozen=True)
class ClaimRecord:
    """One row of `claims`, with the payer's number of the claim it replaces."""

    id: int
    visit_id: int
    status: str
    frequency: str  # '1' original, '7' replacement, '8' void
    replaces_claim_id: int | None
    payer_claim_number: str | None  # the payer's number for this claim (ICN/DCN)
    form: str | None  # 'cms1500' or 'ub04', the form it was last printed on
    printed_at: str | None
    export_file: str | None
    control_number: str | None  # the interchange (ISA13) it was last exported in
    exported_at: str | None
    submitted_at: str | None
    decided_at: str | None  # when the payer's payment or denial was received
    denial_reason: str | None
    created_at: str
    created_by: str
    changed_at: str
    changed_by: str
    original_claim_number: str | None = None  # payer_claim_number of replaces_claim_id

    @property
    def to_send(self) -> bool:
        return self.status in TO_SEND

    @property
    def sent(self) -> bool:
        return self.status in SENT


def claim_from_row(row: Mapping[str, Any]) -> ClaimRecord:
    data = {name: row[name] for name in _COLUMNS}
    for name in ("id", "visit_id", "replaces_claim_id"):
        if data[name] is not None:
            data[name] = int(data[name])
    return ClaimRecord(**data, original_claim_number=row["original_claim_number"])


def _one(store: Store, where: str, params: list[Any]) -> ClaimRecord | None:
    row = next(store.db.query(f"{_SELECT} WHERE {where}", params), None)
    return None if row is None else claim_from_row(row)


def _current(store: Store, visit_id: int) -> ClaimRecord | None:
    return _one(store, "c.visit_id = ? AND c.status <> 'replaced' ORDER BY c.id DESC LIMIT 1",
                [visit_id])


def _get(store: Store, claim_id: int) -> ClaimRecord:
    found = _one(store, "c.id = ?", [claim_id])
    if found is None:
        raise NotFound(f"There is no claim {claim_id}.")
    return found


@reads("patients.read")
def current_claim(store: Store, visit_id: int) -> ClaimRecord | None:
    """The visit's claim that is not replaced (None: a draft never finalized, or a visit
    finalized before claims were kept)."""
    return _current(store, visit_id)


@reads("patients.read")
def claim(store: Store, claim_id: int) -> ClaimRecord:
    """One claim, or NotFound."""
    return _get(store, claim_id)


@reads("patients.read")
def claims_of(store: Store, visit_id: int) -> list[ClaimRecord]:
    """Every claim of a visit, the first first (replaced ones included)."""
    rows = store.db.query(f"{_SELECT} WHERE c.visit_id = ? ORDER BY c.id", [visit_id])
    return [claim_from_row(row) for row in rows]


# --- changes -------------------------------------------------------------------------------

def _change(store: Store, actor: str, current: ClaimRecord, values: Mapping[str, Any],
            action: str, reason: str | None = None) -> None:
    """Write `values` to the claim, stamped, with their before and after in the audit log."""
    changes: list[Change] = [(name, getattr(current, name), value)
                             for name, value in values.items()
                             if getattr(current, name) != value]
    if not changes:
        return
    now = store.now()
    sets = ", ".join(f"{name} = ?" for name in values)
    store.conn.execute(f"UPDATE claims SET {sets}, changed_at = ?, changed_by = ? WHERE id = ?",
                       (*values.values(), now, actor, current.id))
    record(store, actor, "claim", current.id, action, changes, reason=reason)


def _create(store: Store, actor: str, visit_id: int, frequency: str = "1",
            replaces: int | None = None) -> int:
    values = {"visit_id": visit_id, "status": "ready", "frequency": frequency,
              "replaces_claim_id": replaces}
    return insert_recorded(store, actor, "claims", "claim",
                           {k: v for k, v in values.items() if v is not None})


_CLEARED = {"status": "ready", "form": None, "printed_at": None, "export_file": None,
            "control_number": None, "exported_at": None}


def _settle(store: Store, actor: str, visit_id: int, reason: str | None) -> list[str]:
    """The visit was just finalized or amended: its claim follows (see the module's doc);
    notes for the person who did it."""
    current = _current(store, visit_id)
    if current is None:
        last = _one(store, "c.visit_id = ? ORDER BY c.id DESC LIMIT 1", [visit_id])
        if last is None:
            _create(store, actor, visit_id)
            return []
        # Its replacement was withdrawn when the visit was reopened: replace it again.
        new_id = _create(store, actor, visit_id, "7", last.id)
        return [_replacement_note(last, new_id)]
    if current.to_send:
        _change(store, actor, current, _CLEARED, "update", reason)
        return []
    if current.status not in SENT:
        raise ClaimRefused(f"claim {current.id} of visit {visit_id} is {current.status}")
    _change(store, actor, current, {"status": "replaced"}, "replace", reason)
    new_id = _create(store, actor, visit_id, "7", current.id)
    return [_replacement_note(current, new_id)]


def _replacement_note(original: ClaimRecord, new_id: int) -> str:
    note = (f"claim {original.id} was {original.status}: claim {new_id} replaces it "
            f"(frequency 7)")
    if not original.payer_claim_number:
        note += (f"; enter the payer's claim number of claim {original.id} before the "
                 "replacement goes out")
    return note


def claim_on_finalize(store: Store, actor: str, visit_id: int) -> list[str]:
    """lifecycle.finalize_visit, inside its transaction: the visit's claim is ready."""
    return _settle(store, actor, visit_id, None)


def claim_on_amend(store: Store, actor: str, visit_id: int, reason: str) -> list[str]:
    """lifecycle.amend_visit, inside its transaction: the claim is ready again, or (sent
    already) replaced by a frequency-7 claim."""
    return _settle(store, actor, visit_id, reason)


def claim_on_reopen(store: Store, actor: str, visit_id: int, reason: str) -> list[str]:
    """lifecycle.reopen_visit, inside its transaction: a claim not yet submitted is withdrawn
    (ready again, its form and file forgotten: neither may be sent; it waits for the visit to
    be finalized again); a submitted one stays as it is."""
    current = _current(store, visit_id)
    if current is None or not current.to_send:
        return []
    _change(store, actor, current, _CLEARED, "withdraw", reason)
    return [f"claim {current.id} withdrawn: it was never submitted"] \
        if current.status != "ready" else []


@writes("visits.export")
def ensure_claim(store: Store, actor: str, visit_id: int) -> ClaimRecord:
    """The current claim of a finalized visit, made (ready) for one finalized before claims
    were kept; a draft is refused."""
    actor = check_actor(actor)
    with writing(store):
        status = _visit_status(store, visit_id)
        if not status:
            raise NotFound(f"There is no visit {visit_id}.")
        if status != "finalized":
            raise ClaimRefused(f"visit {visit_id} is a draft: finalize it first")
        found = _current(store, visit_id)
        if found is not None:
            return found
        _settle(store, actor, visit_id, None)
        current = _current(store, visit_id)
        assert current is not None  # just made
        return current


@writes("visits.export")
def record_printed(store: Store, actor: str, visit_id: int, form: str) -> str | None:
    """A finalized visit's claim form was printed: its claim (made if the visit has none
    yet) marked printed on `form`. A claim sent already is not changed: what was printed is a
    copy; the note says so (None when the claim was marked)."""
    actor = check_actor(actor)
    with writing(store):
        current = ensure_claim.inside(store, actor, visit_id)
        if not current.to_send:
            return (f"claim {current.id} is {current.status}: this is a copy; its status is "
                    "unchanged (amend the visit to send a replacement)")
        mark_printed.inside(store, actor, [current.id], form)
    return None


def _ids(claim_ids: Iterable[int]) -> list[int]:
    if isinstance(claim_ids, (int, str)):
        claim_ids = [claim_ids]
    ids: list[int] = []
    for value in claim_ids:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidRecord([("claim_ids", f"{value!r} is not a claim id")])
        if value not in ids:
            ids.append(value)
    if not ids:
        raise InvalidRecord([("claim_ids", "name at least one claim")])
    return ids


def _each(store: Store, claim_ids: Iterable[int], allowed: tuple[str, ...],
          what: str, instead: str) -> list[ClaimRecord]:
    """The claims, all in a status that allows `what`, or ClaimRefused naming each that is
    not (nothing is changed then)."""
    found = [_get(store, claim_id) for claim_id in _ids(claim_ids)]
    refused = [c for c in found if c.status not in allowed]
    if refused:
        listed = ", ".join(f"claim {c.id} (visit {c.visit_id}) is {c.status}" for c in refused)
        raise ClaimRefused(f"cannot {what}: {listed}. {instead}")
    drafts = [c for c in found if c.to_send and _visit_status(store, c.visit_id) != "finalized"]
    if drafts:
        listed = ", ".join(f"claim {c.id} (visit {c.visit_id})" for c in drafts)
        raise ClaimRefused(f"cannot {what}: {listed}: the visit was reopened and is a draft. "
                           "Finalize it first.")
    return found


def _visit_status(store: Store, visit_id: int) -> str:
    row = store.conn.execute("SELECT status FROM visits WHERE id = ?", (visit_id,)).fetchone()
    return str(row[0]) if row else ""


def _setting_of(store: Store, visit_id: int) -> str:
    row = store.conn.execute("SELECT setting FROM visits WHERE id = ?", (visit_id,)).fetchone()
    return str(row[0] or "") if row else ""


@writes("visits.export")
def mark_printed(store: Store, actor: str, claim_ids: Iterable[int],
                 form: str) -> list[ClaimRecord]:
    """The claims were printed on `form` ('cms1500' or 'ub04'): a ready claim becomes printed;
    a printed or exported one keeps its status with the form and time noted. A claim already
    submitted (or decided, or replaced) is refused: a copy of it is printed without marking."""
    actor = check_actor(actor)
    if form not in FORMS:
        raise InvalidRecord([("form", "must be cms1500 or ub04")])
    with writing(store):
        found = _each(store, claim_ids, TO_SEND, f"mark printed on the {FORMS[form]}",
                      "A claim sent already is printed as a copy, without marking it.")
        wrong = [c for c in found
                 if (_setting_of(store, c.visit_id) == "hospital_outpatient") != (form == "ub04")]
        if wrong:
            raise ClaimRefused(", ".join(f"claim {c.id} (visit {c.visit_id})" for c in wrong)
                               + f": not a {FORMS[form]} claim (hospital outpatient goes on "
                               "the UB-04, the others on the CMS-1500)")
        now = store.now()
        for current in found:
            status = "printed" if current.status == "ready" else current.status
            _change(store, actor, current, {"status": status, "form": form, "printed_at": now},
                    "print")
    return [_get(store, c.id) for c in found]


@writes("visits.export")
def mark_exported(store: Store, actor: str, claim_ids: Iterable[int], file_name: str,
                  control_number: str | int) -> list[ClaimRecord]:
    """The claims were written to the 837 `file_name` in interchange `control_number`."""
    actor = check_actor(actor)
    problems = []
    name = file_name.strip() if isinstance(file_name, str) else ""
    if not name or len(name) > MAX_FILE_NAME:
        problems.append(("file_name", f"must name the file written (1-{MAX_FILE_NAME} "
                                      "characters)"))
    else:
        try:
            refuse_control_characters(name)
        except ValueError as exc:
            problems.append(("file_name", str(exc)))
    number = str(control_number).strip()
    if not number.isdigit() or not 1 <= int(number) <= 999_999_999:
        problems.append(("control_number", "must be the interchange control number, "
                                           "1-999999999"))
    if problems:
        raise InvalidRecord(problems)
    with writing(store):
        found = _each(store, claim_ids, TO_SEND, "mark exported",
                      "A claim sent already goes out again only as a replacement (amend the "
                      "visit).")
        now = store.now()
        for current in found:
            _change(store, actor, current, {"status": "exported", "export_file": name,
                                            "control_number": f"{int(number):09d}",
                                            "exported_at": now}, "export")
    return [_get(store, c.id) for c in found]


@writes("visits.export")
def mark_submitted(store: Store, actor: str, claim_ids: Iterable[int]) -> list[ClaimRecord]:
    """The printed forms were mailed or the exported file was sent to the clearinghouse."""
    actor = check_actor(actor)
    with writing(store):
        found = _each(store, claim_ids, ("printed", "exported"), "mark submitted",
                      "Print or export a ready claim first; a claim sent already stays "
                      "as it is.")
        now = store.now()
        for current in found:
            _change(store, actor, current, {"status": "submitted", "submitted_at": now},
                    "submit")
    return [_get(store, c.id) for c in found]


@writes("visits.export")
def set_payer_claim_number(store: Store, actor: str, claim_id: int,
                           number: str | None) -> ClaimRecord:
    """The payer's number for a submitted claim (its ICN/DCN, from the acknowledgement or the
    remittance): what a replacement names in REF*F8 / box 22. None or '' clears it."""
    actor = check_actor(actor)
    text = "".join((number or "").split()).upper() if isinstance(number, str | None) else None
    if text is None or len(text) > MAX_CLAIM_NUMBER or not all(
            ch.isascii() and (ch.isalnum() or ch == "-") for ch in text):
        raise InvalidRecord([("payer_claim_number", f"must be the payer's claim number: "
                                                    f"letters, digits and '-', at most "
                                                    f"{MAX_CLAIM_NUMBER}")])
    with writing(store):
        (current,) = _each(store, [claim_id], (*SENT, "replaced"), "set the payer's claim "
                           "number", "The payer gives its number once the claim is "
                           "submitted: mark it submitted first.")
        _change(store, actor, current, {"payer_claim_number": text or None}, "update")
    return _get(store, claim_id)


def decide(store: Store, actor: str, current: ClaimRecord, status: str, day: str,
           reason: str | None) -> None:
    """remittances.py: a payment or denial received on `day` decides the claim (a replaced
    claim stays replaced)."""
    values: dict[str, Any] = {"decided_at": day}
    if current.status != "replaced":
        values["status"] = status
    values["denial_reason"] = reason if status == "denied" else current.denial_reason
    _change(store, actor, current, values, "pay" if status == "paid" else "deny")


def get_for_decision(store: Store, claim_id: int) -> ClaimRecord:
    """remittances.py: a claim that can take a payment or denial (it left the building)."""
    (current,) = _each(store, [claim_id], ("printed", "exported", *SENT, "replaced"),
                       "record a payment or denial", "A ready claim has not been sent.")
    return current

__all__ = ["ClaimRecord", "ClaimRefused", "WorklistRow", "claim", "claims_of",
           "current_claim", "ensure_claim", "mark_exported", "mark_printed", "mark_submitted",
           "record_printed", "set_payer_claim_number", "worklist", "worklist_count"]

"""The biller's worklist (issue 15, item 5): what is left to do about claims, one row per visit,
filtered, sorted and paged in SQL (a practice has 100,000 visits).

Kinds of row:
- 'draft_errors': drafts whose claim still has errors (no claim yet);
- 'to_send': finalized visits whose claim is ready, printed or exported (a visit finalized
  before claims were kept has no claim row: it counts as ready, claim_id None);
- 'submitted', 'paid', 'denied': claims by what the payer has done with them.
The default is the work: drafts with errors, claims to send, and denials.

Each row carries the patient's reference and name (a staff screen shows them; never log them),
the payer, date of service, status, form, the charge total when known and the claim's error and
warning counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.search import visit_dates

# The visit's status through a function (it is NOT NULL: the same value), so that SQLite does
# not read the visits by status through migration 13's index where the date index, read in
# the list's order, stops at the page (the whole list by date: 6 ms, not 280).
_V = "coalesce(v.status, '')"
KINDS: dict[str, str] = {
    "draft_errors": f"{_V} = 'draft' AND v.errors > 0",
    "to_send": f"{_V} = 'finalized' AND (c.id IS NULL OR c.status IN "
               "('ready', 'printed', 'exported'))",
    "submitted": f"{_V} = 'finalized' AND c.status = 'submitted'",
    "paid": f"{_V} = 'finalized' AND c.status = 'paid'",
    "denied": f"{_V} = 'finalized' AND c.status = 'denied'",
}
DEFAULT_KINDS = ("draft_errors", "to_send", "denied")
ROW_STATUSES = ("draft", "ready", "printed", "exported", "submitted", "paid", "denied")
_STATUS = "CASE WHEN v.status = 'draft' THEN 'draft' ELSE coalesce(c.status, 'ready') END"
_KIND = ("CASE WHEN v.status = 'draft' THEN 'draft_errors' WHEN c.status IN "
         "('submitted', 'paid', 'denied') THEN c.status ELSE 'to_send' END")
ORDERS: dict[str, str] = {
    "date_of_service": "v.date_of_service",
    "visit_id": "v.id",
    "status": _STATUS,
    "payer": "coalesce(v.payer, '')",
    "patient": "p.name",
    "patient_ref": "p.ref",
    "errors": "v.errors",
    "warnings": "v.warnings",
    "changed_at": "coalesce(c.changed_at, v.changed_at)",
}
MAX_PAGE = 1000

_CLAIMS = "LEFT JOIN claims c ON c.visit_id = v.id AND c.status <> 'replaced'"
# The visits each kind can hold, found through indexes (migration 13: visits (status, errors),
# claims (status, visit_id)): a superset `_where` narrows with KINDS. Without it every sort read all 100,000
# visits of the demo with their claims (0.7-1.2 s); paid claims are most visits, so a list
# that shows them reads them all anyway.
_NO_CLAIM = ("SELECT id FROM (SELECT id FROM visits WHERE status = 'finalized' EXCEPT "
             "SELECT visit_id FROM claims WHERE status <> 'replaced') AS unclaimed")
CANDIDATES: dict[str, str] = {
    "draft_errors": "SELECT id FROM visits WHERE status = 'draft' AND errors > 0",
    "to_send": "SELECT visit_id AS id FROM claims WHERE status IN ('ready', 'printed', "
               f"'exported') UNION ALL {_NO_CLAIM}",
    "submitted": "SELECT visit_id AS id FROM claims WHERE status = 'submitted'",
    "denied": "SELECT visit_id AS id FROM claims WHERE status = 'denied'",
}


@dataclass(frozen=True)
class WorklistRow:
    visit_id: int
    claim_id: int | None  # None: a draft, or a visit finalized before claims were kept
    kind: str  # draft_errors, to_send, submitted, paid, denied
    status: str  # draft, ready, printed, exported, submitted, paid, denied
    patient_id: int
    patient_ref: str
    patient_name: str  # for the screen only: never in a log or a message
    payer: str | None
    date_of_service: date
    setting: str
    form: str  # the form this claim prints on: 'ub04' (hospital outpatient) or 'cms1500'
    printed_form: str | None  # the form it was printed on, if it was
    frequency: str | None  # '1' original, '7' replacement
    charge_total: Decimal | None  # the billed charges when known (frozen at finalize)
    errors: int
    warnings: int
    printed_at: str | None
    exported_at: str | None
    submitted_at: str | None
    decided_at: str | None
    denial_reason: str | None
    amount_paid: Decimal | None = None  # what the remittances recorded paid (None: none yet)

    @property
    def replacement(self) -> bool:
        return self.frequency == "7"


def _visits(kinds: Sequence[str] | None, order_by: str | None,
            patients: bool = True) -> tuple[str, str]:
    """The FROM clause and what joins it in WHERE: the kinds' candidate visits first when each
    kind has them (CROSS JOIN: SQLite reads them first). Not for an order the date or id index
    gives when a kind is spread over the years (paid, denied): read in that order, the first
    page is found early. The others are the newest visits (drafts, claims not yet decided): a
    read from the oldest would pass nearly every visit."""
    chosen = list(DEFAULT_KINDS if kinds is None else kinds)
    source, joined = "visits v", ""
    in_order = order_by in _INDEX_ORDERS and any(k in ("paid", "denied") for k in chosen)
    if chosen and all(k in CANDIDATES for k in chosen) and not in_order:
        source = f"({' UNION '.join(CANDIDATES[k] for k in chosen)}) k CROSS JOIN visits v"
        joined = " AND v.id = k.id"
    # The count needs no patient (visits.patient_id is a NOT NULL foreign key): without the
    # join it reads 3x less on the 100k-visit demo (107 ms, not 310).
    people = " JOIN patients p ON p.id = v.patient_id" if patients else ""
    return f"FROM {source}{people} {_CLAIMS}", joined


_INDEX_ORDERS = ("date_of_service", "visit_id")


def _where(kinds: Iterable[str] | None, statuses: Iterable[str] | None, payer: str | None,
           date_from: date | None, date_to: date | None) -> tuple[str, list[Any]]:
    problems = []
    chosen = list(DEFAULT_KINDS if kinds is None else kinds)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown or not chosen:
        problems.append(("kinds", f"must be some of {', '.join(KINDS)}"))
    wanted = None if statuses is None else list(statuses)
    if wanted is not None and (not wanted or any(s not in ROW_STATUSES for s in wanted)):
        problems.append(("statuses", f"must be some of {', '.join(ROW_STATUSES)}"))
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and not isinstance(value, date):
            problems.append((name, "must be a date"))
    if problems:
        raise InvalidRecord(problems)
    where = ["(" + " OR ".join(f"({KINDS[k]})" for k in chosen) + ")"]
    params: list[Any] = []
    if wanted is not None:
        where.append(f"{_STATUS} IN ({', '.join('?' for _ in wanted)})")
        params += wanted
    if payer:
        where.append("v.payer = ?")
        params.append(payer)
    dates, more = visit_dates(date_from, date_to)
    return " WHERE " + " AND ".join(where + dates), params + more


@reads("patients.read")
def worklist(store: Store, *, kinds: Sequence[str] | None = None,
             statuses: Sequence[str] | None = None, payer: str | None = None,
             date_from: date | None = None, date_to: date | None = None,
             order_by: str = "date_of_service", descending: bool = False, limit: int = 100,
             offset: int = 0) -> list[WorklistRow]:
    """One page of the worklist (see the module's doc), sorted by `order_by` (one of
    ORDERS), then by visit id."""
    if order_by not in ORDERS:
        raise InvalidRecord([("order_by", f"must be one of {', '.join(ORDERS)}")])
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidRecord([("limit", f"must be 1-{MAX_PAGE}")])
    if not isinstance(offset, int) or offset < 0:
        raise InvalidRecord([("offset", "must be 0 or more")])
    where, params = _where(kinds, statuses, payer, date_from, date_to)
    direction = " DESC" if descending else ""
    source, joined = _visits(kinds, order_by)
    sql = (f"SELECT v.id, c.id, {_KIND}, {_STATUS}, v.patient_id, p.ref, p.name, v.payer, "
           "v.date_of_service, v.setting, c.form, c.frequency, v.charges, v.errors, "
           "v.warnings, c.printed_at, c.exported_at, c.submitted_at, c.decided_at, "
           f"c.denial_reason {source}{where}{joined} ORDER BY {ORDERS[order_by]}{direction}, "
           f"v.id{direction} LIMIT ? OFFSET ?")
    rows = [_row(row) for row in store.conn.execute(sql, (*params, limit, offset)).fetchall()]
    return _with_payments(store, rows)


def _with_payments(store: Store, rows: list[WorklistRow]) -> list[WorklistRow]:
    """The page's rows with what their claims' remittances paid (one query for the page)."""
    from dataclasses import replace

    claim_ids = [row.claim_id for row in rows if row.claim_id is not None]
    if not claim_ids:
        return rows
    paid: dict[int, Decimal] = {}
    marks = ", ".join("?" for _ in claim_ids)
    for claim_id, amount in store.conn.execute(
            f"SELECT claim_id, amount_paid FROM remittances WHERE claim_id IN ({marks})",
            claim_ids).fetchall():
        paid[int(claim_id)] = paid.get(int(claim_id), Decimal("0.00")) + Decimal(amount)
    return [replace(row, amount_paid=paid[row.claim_id]) if row.claim_id in paid else row
            for row in rows]


@reads("patients.read")
def worklist_count(store: Store, *, kinds: Sequence[str] | None = None,
                   statuses: Sequence[str] | None = None, payer: str | None = None,
                   date_from: date | None = None, date_to: date | None = None) -> int:
    """How many rows `worklist` has with these filters (all pages)."""
    where, params = _where(kinds, statuses, payer, date_from, date_to)
    source, joined = _visits(kinds, None, patients=False)
    return int(store.conn.execute(f"SELECT count(*) {source}{where}{joined}",
                                  params).fetchone()[0])


def _row(row: Sequence[Any]) -> WorklistRow:
    (visit_id, claim_id, kind, status, patient_id, ref, name, payer, day, setting, form,
     frequency, charges, errors, warnings, printed, exported, submitted, decided,
     denial) = row
    return WorklistRow(
        visit_id=int(visit_id), claim_id=None if claim_id is None else int(claim_id),
        kind=kind, status=status, patient_id=int(patient_id), patient_ref=ref,
        patient_name=name, payer=payer, date_of_service=date.fromisoformat(day),
        setting=setting or "", form="ub04" if setting == "hospital_outpatient" else "cms1500",
        printed_form=form, frequency=frequency, charge_total=charge_total(charges),
        errors=int(errors), warnings=int(warnings), printed_at=printed, exported_at=exported,
        submitted_at=submitted, decided_at=decided, denial_reason=denial)


def charge_total(charges: str | None) -> Decimal | None:
    """The total of a visit's frozen charges (visits.charges, core/charges.py: its lines'
    'charge'); None when not frozen, unreadable, or a line has no price."""
    if not charges:
        return None
    try:
        data = json.loads(charges)
        lines = data.get("lines") if isinstance(data, dict) else data
        if not isinstance(lines, list) or any(
                not isinstance(line, dict) or line.get("charge") is None for line in lines):
            return None  # a line without a price: the total would be partial
        return sum((Decimal(str(line["charge"])) for line in lines), Decimal("0.00"))
    except (ValueError, TypeError, InvalidOperation):
        return None

"""Remittance in by hand (issue 16, item 5): a payment or a denial recorded against a claim, from
the payer's remittance advice (EOB/ERA); the claim's status follows (paid, denied).

Money is Decimal, stored as text with two decimals ("1234.50"); a float is refused (binary
fractions are not cents). Adjustments are the remittance's CAS triplets: group code (CO
contractual, PR patient responsibility, OA other, PI payer initiated) and claim adjustment
reason code (CARC: 1-3 digits, or a letter and 1-2 digits such as A1, B7, P14), with the
amount. A denial names its codes: group + CARC ('CO-197') or a remark code (RARC: N54, M20,
MA130). A payment may follow a denial (an appeal won); a claim replaced since keeps its status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, check_reason, insert_recorded
from ocrebill_gui.store.claims import decide, get_for_decision
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.records import refuse_control_characters

GROUPS = {"CO": "contractual obligation", "PR": "patient responsibility",
          "OA": "other adjustment", "PI": "payer initiated reduction"}
_CARC = re.compile(r"^(?:\d{1,3}|[A-Z]\d{1,2})$")
_RARC = re.compile(r"^(?:MA|M|N)\d{1,3}$")
_GROUP_CODE = re.compile(r"^(?P<group>[A-Z]{2})[- ]?(?P<code>[A-Z]?\d{1,3})$")
MAX_AMOUNT = Decimal("10000000")  # ten million: beyond any one claim
MAX_NOTE = 2000
MAX_CODES = 20
CENT = Decimal("0.01")

Adjustment = tuple[str, str, Decimal]  # (group, reason code, amount)


@dataclass(frozen=True)
class Remittance:
    id: int
    claim_id: int
    received_on: date
    amount_paid: Decimal
    patient_responsibility: Decimal | None
    adjustments: tuple[Adjustment, ...]
    denial_codes: tuple[str, ...]  # empty for a payment
    note: str | None
    created_at: str
    created_by: str

    @property
    def denial(self) -> bool:
        return bool(self.denial_codes)


def money(value: object, field: str, *, negative: bool = False) -> Decimal:
    """`value` (Decimal, int or text such as '1,234.50') as cents, or InvalidRecord naming
    `field`."""
    if isinstance(value, bool) or isinstance(value, float) or not isinstance(
            value, Decimal | int | str):
        raise InvalidRecord([(field, "must be an amount such as 1234.50 (text or Decimal)")])
    text = str(value).strip().replace(",", "").removeprefix("$")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidRecord([(field, f"{text[:20]!r} is not an amount such as 1234.50")]) \
            from None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or (amount < 0 and not negative):
        raise InvalidRecord([(field, "must be within +-10,000,000.00" if negative
                              else "must be 0 or more and at most 10,000,000.00")])
    if amount != amount.quantize(CENT):
        raise InvalidRecord([(field, "must be an amount in dollars and cents (2 decimals)")])
    return amount.quantize(CENT)


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRecord([("received_on", "must be a date such as 2026-12-07")]) from None


def _adjustments(items: Iterable[Sequence[Any]] | None) -> list[Adjustment]:
    out: list[Adjustment] = []
    for index, item in enumerate(items or []):
        where = f"adjustments[{index}]"
        if isinstance(item, str) or not isinstance(item, Sequence) or len(item) != 3:
            raise InvalidRecord([(where, "must be (group, reason code, amount)")])
        group, code, amount = item
        group = str(group).strip().upper()
        code = str(code).strip().upper()
        if group not in GROUPS:
            raise InvalidRecord([(f"{where}.group", f"{group[:10]!r}: must be one of "
                                                    f"{', '.join(GROUPS)}")])
        if not _CARC.match(code):
            raise InvalidRecord([(f"{where}.reason_code", f"{code[:10]!r}: not a claim "
                                  "adjustment reason code (e.g. 45, 253, A1, B7)")])
        out.append((group, code, money(amount, f"{where}.amount", negative=True)))
    if len(out) > 99:
        raise InvalidRecord([("adjustments", "at most 99")])
    return out


def denial_code(text: object) -> str:
    """'co 197', 'CO-197', 'CO197' -> 'CO-197'; a remark code as it is ('N54');
    ValueError otherwise."""
    code = str(text).strip().upper()
    if _RARC.match(code):
        return code
    found = _GROUP_CODE.match(code)
    if found is None or found["group"] not in GROUPS or not _CARC.match(found["code"]):
        raise ValueError(f"{code[:12]!r} is not a group and reason code (CO-197, PR-1) or a "
                         "remark code (N54, MA130)")
    return f"{found['group']}-{found['code']}"


def _note(note: str | None) -> str | None:
    if note is None or not str(note).strip():
        return None
    text = str(note).strip()
    if len(text) > MAX_NOTE:
        raise InvalidRecord([("note", f"at most {MAX_NOTE} characters")])
    try:
        return refuse_control_characters(text)
    except ValueError as exc:
        raise InvalidRecord([("note", str(exc))]) from None


def _insert(store: Store, actor: str, claim_id: int, values: dict[str, Any]) -> int:
    return insert_recorded(store, actor, "remittances", "remittance",
                           {"claim_id": claim_id, **values})


@writes("remittances.write")
def record_payment(store: Store, actor: str, claim_id: int, received_on: date | str,
                   amount_paid: Decimal | str | int,
                   patient_responsibility: Decimal | str | int | None = None,
                   adjustments: Iterable[Sequence[Any]] | None = None,
                   note: str | None = None) -> Remittance:
    """A payment of the claim received on `received_on` (0.00 is a payment too: all to the
    deductible); the claim becomes paid."""
    actor = check_actor(actor)
    day = _day(received_on)
    paid = money(amount_paid, "amount_paid")
    share = (None if patient_responsibility is None
             else money(patient_responsibility, "patient_responsibility"))
    adjusted = _adjustments(adjustments)
    text = _note(note)
    with writing(store):
        current = get_for_decision(store, claim_id)
        remittance_id = _insert(store, actor, claim_id, {
            "received_on": day.isoformat(), "amount_paid": str(paid),
            "patient_responsibility": None if share is None else str(share),
            "adjustments": _adjustments_json(adjusted), "denial_codes": None, "note": text})
        decide(store, actor, current, "paid", day.isoformat(), None)
    return _get(store, remittance_id)


@writes("remittances.write")
def record_denial(store: Store, actor: str, claim_id: int, received_on: date | str,
                  denial_codes: Iterable[str], reason: str, note: str | None = None,
                  adjustments: Iterable[Sequence[Any]] | None = None) -> Remittance:
    """A denial of the claim received on `received_on`, with its codes (at least one) and the
    reason in words; the claim becomes denied (amount paid 0.00)."""
    actor = check_actor(actor)
    day = _day(received_on)
    if isinstance(denial_codes, str):
        denial_codes = [denial_codes]
    codes: list[str] = []
    for index, code in enumerate(denial_codes or []):
        try:
            codes.append(denial_code(code))
        except ValueError as exc:
            raise InvalidRecord([(f"denial_codes[{index}]", str(exc))]) from None
    if not codes or len(codes) > MAX_CODES:
        raise InvalidRecord([("denial_codes", f"name 1-{MAX_CODES} codes from the remittance "
                                              "(e.g. CO-197)")])
    why = check_reason(reason, "say why the payer denied it (as the remittance says)")
    adjusted = _adjustments(adjustments)
    text = _note(note)
    with writing(store):
        current = get_for_decision(store, claim_id)
        remittance_id = _insert(store, actor, claim_id, {
            "received_on": day.isoformat(), "amount_paid": "0.00",
            "patient_responsibility": None, "adjustments": _adjustments_json(adjusted),
            "denial_codes": json.dumps(codes), "note": text})
        decide(store, actor, current, "denied", day.isoformat(), why)
    return _get(store, remittance_id)


def _adjustments_json(adjusted: list[Adjustment]) -> str:
    return json.dumps([{"group": g, "reason": c, "amount": str(a)} for g, c, a in adjusted])


_COLUMNS = ("id, claim_id, received_on, amount_paid, patient_responsibility, adjustments, "
            "denial_codes, note, created_at, created_by")


def _from_row(row: Sequence[Any]) -> Remittance:
    (row_id, claim_id, day, paid, share, adjusted, codes, note, created_at, created_by) = row
    return Remittance(
        id=int(row_id), claim_id=int(claim_id), received_on=date.fromisoformat(day),
        amount_paid=Decimal(paid), patient_responsibility=None if share is None
        else Decimal(share),
        adjustments=tuple((a["group"], a["reason"], Decimal(a["amount"]))
                          for a in json.loads(adjusted or "[]")),
        denial_codes=tuple(json.loads(codes)) if codes else (), note=note,
        created_at=created_at, created_by=created_by)


def _get(store: Store, remittance_id: int) -> Remittance:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM remittances WHERE id = ?",
                             (remittance_id,)).fetchone()
    return _from_row(row)


@reads("patients.read")
def remittances_of(store: Store, claim_id: int) -> list[Remittance]:
    """The payments and denials recorded against a claim, in the order received."""
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM remittances WHERE claim_id = ? "
                              "ORDER BY received_on, id", (claim_id,)).fetchall()
    return [_from_row(row) for row in rows]

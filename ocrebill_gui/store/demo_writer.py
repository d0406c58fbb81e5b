"""Writing a planned demo centre with executemany, inside the caller's one transaction.

Rows go in with the ids the plan implies (patient n and its coverage are both n), so no
lookups are needed; vial lots are written last, once the visits have counted what they took.
The audit log gets a finalize entry per finalized visit (covering its stored claim, in the
order of their times) and the demo's creation, hash-chained like any other (audit_chain.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache, partial

from ocrebill_gui.store.audit_chain import (
    CLAIM_FIELD,
    Entry,
    append_entries,
    changes_json,
    claim_digest,
)
from ocrebill_gui.store.demo_billing import (
    CLAIM_SQL,
    HISTORIES,
    PAYER_CLAIM_IDS,
    REMITTANCE_SQL,
    DemoClaims,
)
from ocrebill_gui.store.demo_payments import DemoPayments
from ocrebill_gui.store.demo_plan import DemoPlan
from ocrebill_gui.store.search import fold, name_words

PATIENT_SQL = ("INSERT INTO patients (id, ref, name, name_key, birth_date, mrn, sex, address, "
               "phone, created_at, created_by, changed_at, changed_by) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
COVERAGE_SQL = ("INSERT INTO coverages (id, patient_id, payer, member_id, group_number, priority, "
                "effective_from, effective_to, subscriber_relationship, plan_type, "
                "claim_office_id, created_at, created_by, changed_at, changed_by) "
                "VALUES (?, ?, ?, ?, ?, 1, ?, NULL, 'self', ?, ?, ?, ?, ?, ?)")
AUTH_SQL = ("INSERT INTO authorizations (id, coverage_id, number, product, approved_units, "
            "valid_from, valid_to, created_at, created_by, changed_at, changed_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
VISIT_SQL = ("INSERT INTO visits (id, patient_id, coverage_id, authorization_id, "
             "date_of_service, setting, payer, summary, status, document, claim, errors, "
             "warnings, revision, created_at, created_by, changed_at, changed_by, finalized_at, "
             "finalized_by, running_since, authorization_choice, charges) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
LOT_SQL = ("INSERT INTO vial_lots (id, product, ndc, lot, expires, received, received_vials, "
           "on_hand, created_at, created_by, changed_at, changed_by) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


@cache
def _stamp(day: date, clock: str = "07:00") -> str:
    return f"{day.isoformat()}T{clock}:00.000+00:00"


def write_plan(conn: sqlite3.Connection, plan: DemoPlan, documents: Iterable, actor: str, *,
               practice: str, user_payer: str, audit_key: bytes | None = None,
               insert_visits: Callable[[str, Iterable[tuple]], None] | None = None,
               payments: DemoPayments | None = None) -> tuple[int, int]:
    """Insert the whole plan; return (finalized, drafts). `audit_key`: an encrypted demo's
    chain key (store/keys.audit_key). `insert_visits(VISIT_SQL, rows)`: how the visit rows go
    in (default: executemany on `conn`; an encrypted demo's: demo_cipher.py). `payments`: the
    estimates a paid claim's remittance pays (demo_payments.py)."""
    first_seen: dict[int, date] = {}
    for visit in plan.visits:
        first_seen.setdefault(visit.patient, visit.day)
    joined = {i: first_seen.get(i, plan.today) - timedelta(days=21)
              for i in range(len(plan.patients))}

    patient_rows = []
    word_rows: list[tuple[str, str, int]] = []
    words_of: dict[str, list[str]] = {}
    for index, p in enumerate(plan.patients):
        stamp = _stamp(joined[index])
        patient_rows.append((index + 1, p.ref, p.name, fold(p.name), p.birth_date.isoformat(),
                             p.mrn, p.sex, p.address, p.phone, stamp, actor, stamp, actor))
        words = words_of.get(p.name)
        if words is None:
            words = words_of[p.name] = name_words(p.name)
        key = patient_rows[-1][3]
        word_rows.extend((w, key, index + 1) for w in words)
    conn.executemany(PATIENT_SQL, patient_rows)
    word_rows.sort()  # in primary-key order: appends to the index instead of inserting
    conn.executemany("INSERT INTO patient_words (word, name_key, patient_id) VALUES (?, ?, ?)",
                     word_rows)
    conn.executemany(COVERAGE_SQL, (
        (i + 1, i + 1, p.payer, p.member_id, p.group_number, joined[i].isoformat(),
         PAYER_CLAIM_IDS[p.payer][1], PAYER_CLAIM_IDS[p.payer][0],
         _stamp(joined[i]), actor, _stamp(joined[i]), actor)
        for i, p in enumerate(plan.patients)))
    conn.executemany(AUTH_SQL, (
        (i + 1, a.patient + 1, a.number, a.product, a.approved, a.valid_from.isoformat(),
         a.valid_to.isoformat(), _stamp(a.valid_from), actor, _stamp(a.valid_from), actor)
        for i, a in enumerate(plan.auths)))

    lot_ids = {id(lot): i + 1 for i, lot in enumerate(plan.lots)}
    vial_uses: list[tuple[int, int, int]] = []
    auth_uses: list[tuple[int, int, int]] = []
    tally = {"finalized": 0, "drafts": 0}
    billing = DemoClaims(plan.today, actor, sorted(
        {v.day for v in plan.visits if v.finalized}, reverse=True)[:10],
        history_after=len(plan.visits) - HISTORIES,  # each finalized visit's claim (issue 15)
        payments=payments)
    log = billing.entries  # finalize entries and the claims', put in time order below

    def visit_rows() -> Iterator[tuple]:
        for number, (visit, text, claim, template, lots) in enumerate(documents, start=1):
            patient = plan.patients[visit.patient]
            status = "finalized" if visit.finalized else "draft"
            tally["finalized" if visit.finalized else "drafts"] += 1
            auth_id = None if visit.auth is None else visit.auth + 1
            if visit.finalized:
                for lot, (_, count) in zip(lots, template.vials, strict=True):
                    lot.used += count
                    vial_uses.append((number, lot_ids[id(lot)], count))
                if auth_id is not None:
                    product = plan.auths[visit.auth].product
                    units = claim.units.get(product, 0)
                    if units:
                        auth_uses.append((number, auth_id, units))
            created = _stamp(visit.day, visit.slot)
            changed = _stamp(visit.day, "17:30") if visit.finalized else created
            if visit.finalized:
                log.append(_finalize_entry(changed, actor, number, claim_digest(claim.text)))
                billing.add(number, visit.day, patient.setting, patient.payer, changed,
                            claim.charge, None if payments is None else partial(
                                payments.of, claim.text, claim.charges, text, patient.payer,
                                patient.setting, visit.day))
            yield (number, visit.patient + 1, visit.patient + 1, auth_id,
                   changed[:10], patient.setting, patient.payer, template.summary,
                   status, text, claim.text, claim.errors, claim.warnings,
                   2 if visit.finalized else 1, created, actor, changed, actor,
                   changed if visit.finalized else None, actor if visit.finalized else None,
                   None if template.running is None else f"{visit.day}T{template.running}",
                   "auto" if auth_id is None else "chosen",  # the plan names it (migration 7)
                   claim.charges if visit.finalized else None)  # frozen at finalize (issue 16)

    (insert_visits or conn.executemany)(VISIT_SQL, visit_rows())
    conn.executemany(CLAIM_SQL, billing.claims)
    conn.executemany(REMITTANCE_SQL, billing.remittances)
    conn.executemany("INSERT INTO control_numbers (kind, last_used, changed_at, changed_by) "
                     "VALUES (?, ?, ?, ?)", billing.control_numbers())
    conn.executemany("INSERT INTO vial_uses (visit_id, lot_id, vials) VALUES (?, ?, ?)",
                     vial_uses)
    conn.executemany("INSERT INTO authorization_uses (visit_id, authorization_id, units) "
                     "VALUES (?, ?, ?)", auth_uses)
    # Member ids searched by their key (migration 7).
    conn.execute("UPDATE coverages SET member_key = upper(replace(replace(member_id, ' ', ''), "
                 "'-', ''))")
    conn.executemany(LOT_SQL, (
        (lot_ids[id(lot)], lot.product, lot.ndc, lot.lot, lot.expires.isoformat(),
         lot.received.isoformat(), lot.used + lot.leftover, lot.leftover,
         _stamp(lot.received), actor, _stamp(lot.received), actor)
        for lot in plan.lots if lot.used + lot.leftover > 0))
    now = _stamp(plan.today, "06:00")
    conn.execute("INSERT INTO payer_profiles (id, profile, created_at, created_by, changed_at, "
                 "changed_by) VALUES (?, ?, ?, ?, ?, ?)",
                 (json.loads(user_payer)["id"], user_payer, now, actor, now, actor))
    conn.execute("INSERT INTO practice (id, settings, created_at, created_by, changed_at, "
                 "changed_by) VALUES (1, ?, ?, ?, ?, ?)", (practice, now, actor, now, actor))
    # Never later than the real time it is written (a demo's today may lie ahead, and the log
    # never goes backwards: later entries would get its future time).
    written = datetime.now(UTC).isoformat(timespec="milliseconds")
    # In time order; a visit's finalize entry before its claim's (the sort is stable).
    log.sort(key=lambda entry: entry[0])
    log.append((now, actor, "database", "demo", "create", "demo data", changes_json(
        (name, None, value) for name, value in (
            ("patients", len(plan.patients)), ("visits", len(plan.visits)),
            ("authorizations", len(plan.auths)), ("vial_lots", len(plan.lots)),
            ("claims", len(billing.claims)), ("remittances", len(billing.remittances)),
            ("claims with their changes in this log", billing.histories)))))
    append_entries(conn, _not_after(log, written), audit_key)
    return tally["finalized"], tally["drafts"]


def _finalize_entry(at: str, actor: str, visit_id: int, digest: str) -> Entry:
    # changes_json's output for [status draft -> finalized, claim_sha256 None -> digest]
    return (at, actor, "visit", str(visit_id), "finalize", None,
            f'[{{"field": "status", "before": "draft", "after": "finalized"}}, '
            f'{{"field": "{CLAIM_FIELD}", "before": null, "after": "{digest}"}}]')


def _not_after(entries: list[Entry], written: str) -> Iterator[Entry]:
    """The entries, none later than the time they are written."""
    for entry in entries:
        yield (written, *entry[1:]) if entry[0] > written else entry

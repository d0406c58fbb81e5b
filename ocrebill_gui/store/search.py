"""Finding people and visits the way front-desk staff type: "mul" finds "Müller, Ada".

Names are folded (case and accents removed) into one indexed row per word, so a prefix of any
word of the name finds the patient; MRN, member id and patient id match by prefix too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ocrebill_gui.store.db import Store
from ocrebill_gui.store.records import Patient, VisitStatus, VisitSummary

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Letters that NFKD does not split into base + accent.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                          "ı": "i", "þ": "th", "ð": "d"})


def fold(text: str) -> str:
    """Lower-case, accent-free form used for matching: "Núñez-Ørsted" -> "nunez-orsted"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_SPECIAL)


def name_words(name: str) -> list[str]:
    """The folded words of a name, each indexed for prefix search."""
    return sorted(set(_WORD.findall(fold(name))))


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "\U0010ffff"


def search_patients(store: Store, text: str, *, limit: int = 50,
                    offset: int = 0) -> list[Patient]:
    """Patients whose name words start with every word typed (any order), or whose MRN,
    patient id or member id starts with the text. Sorted by name."""
    from ocrebill_gui.store.patients import PATIENT_COLUMNS, patient_from_row

    words = name_words(text)
    raw = text.strip()
    if not words and not raw:
        return []
    clauses, params = [], []
    if words:
        sub = []
        for word in words:
            sub.append("p.id IN (SELECT patient_id FROM patient_words "
                       "WHERE word >= ? AND word < ?)")
            params.extend(_prefix_range(word))
        clauses.append("(" + " AND ".join(sub) + ")")
    if raw:
        low, high = _prefix_range(raw.upper())
        clauses.append("(p.mrn >= ? AND p.mrn < ?)")
        clauses.append("(p.ref >= ? AND p.ref < ?)")
        clauses.append("p.id IN (SELECT patient_id FROM coverages "
                       "WHERE member_id >= ? AND member_id < ?)")
        params.extend([low, high] * 3)
    sql = (f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE " + " OR ".join(clauses)
           + " ORDER BY p.name_key, p.id LIMIT ? OFFSET ?")
    return [patient_from_row(r) for r in store.db.query(sql, [*params, limit, offset])]


_SUMMARY_SQL = """SELECT v.id, v.patient_id, p.ref AS patient_ref, p.name AS patient_name,
    v.date_of_service, v.setting, v.payer, v.summary, v.status, v.errors, v.warnings,
    v.revision, v.changed_at, v.changed_by
    FROM visits v JOIN patients p ON p.id = v.patient_id"""


def _summary(row: dict) -> VisitSummary:
    return VisitSummary.model_construct(**{**row, "date_of_service":
                                           date.fromisoformat(row["date_of_service"])})


def visits_on(store: Store, day: date, *, limit: int = 500, offset: int = 0) -> list[VisitSummary]:
    """A day's visits, in the order they were created."""
    rows = store.db.query(_SUMMARY_SQL + " WHERE v.date_of_service = ? ORDER BY v.id "
                          "LIMIT ? OFFSET ?", [day.isoformat(), limit, offset])
    return [_summary(r) for r in rows]


def find_visits(store: Store, *, patient_id: int | None = None, text: str | None = None,
                date_from: date | None = None, date_to: date | None = None,
                status: VisitStatus | None = None, limit: int = 200,
                offset: int = 0) -> list[VisitSummary]:
    """Visits matching every filter given (patient, patient search text, date range, status),
    newest first."""
    where, params = _filters(store, patient_id, text, date_from, date_to, status)
    if where is None:
        return []
    rows = store.db.query(_SUMMARY_SQL + where + " ORDER BY v.date_of_service DESC, v.id DESC "
                          "LIMIT ? OFFSET ?", [*params, limit, offset])
    return [_summary(r) for r in rows]


def count_visits(store: Store, *, patient_id: int | None = None, text: str | None = None,
                 date_from: date | None = None, date_to: date | None = None,
                 status: VisitStatus | None = None) -> int:
    """How many visits find_visits() would page through."""
    where, params = _filters(store, patient_id, text, date_from, date_to, status)
    if where is None:
        return 0
    return store.conn.execute("SELECT count(*) FROM visits v" + where, params).fetchone()[0]


def _filters(store: Store, patient_id: int | None, text: str | None, date_from: date | None,
             date_to: date | None, status: VisitStatus | None) -> tuple[str | None, list]:
    where, params = [], []
    if text and text.strip():
        ids = [p.id for p in search_patients(store, text, limit=1000)]
        if not ids:
            return None, []
        if patient_id is not None:
            if patient_id not in ids:
                return None, []
        else:
            where.append(f"v.patient_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
    if patient_id is not None:
        where.append("v.patient_id = ?")
        params.append(patient_id)
    if date_from is not None:
        where.append("v.date_of_service >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("v.date_of_service <= ?")
        params.append(date_to.isoformat())
    if status is not None:
        where.append("v.status = ?")
        params.append(status)
    return ((" WHERE " + " AND ".join(where)) if where else ""), params

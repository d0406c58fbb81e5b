"""Finding people and visits the way front-desk staff type: "mul" finds "Müller, Ada".

Names are folded (case and accents removed) into one indexed row per word, so a prefix of any
word of the name finds the patient; MRN, member id and patient id match by prefix too (a
member id without its spaces, dashes or case), and a birth date typed as 1982-03-04 or
03/04/1982 finds who was born that day.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.records import Patient, VisitStatus, VisitSummary, member_key

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


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def birth_date_typed(text: str) -> date | None:
    """A birth date typed into search: "1982-03-04" or "03/04/1982" (US month/day/year)."""
    text = text.strip()
    found = _US_DATE.match(text)
    try:
        if found:
            month, day, year = (int(part) for part in found.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "\U0010ffff"


# Above this many distinct words sharing the typed prefix, scan the prefix range and sort.
MERGE_WORDS = 32


# The distinct words in a prefix range, one index probe each (a loose index scan: a common
# word's thousands of rows are stepped over, never read), in one statement on both backends.
_DISTINCT_WORDS = """WITH RECURSIVE found(word, n) AS (
    SELECT (SELECT min(word) FROM patient_words WHERE word >= ? AND word < ?), 1
    UNION ALL
    SELECT (SELECT min(word) FROM patient_words WHERE word > found.word AND word < ?), n + 1
    FROM found WHERE found.word IS NOT NULL AND n <= ?)
  SELECT word FROM found WHERE word IS NOT NULL"""


def _words_with_prefix(store: Store, prefix: str) -> list[str] | None:
    """The distinct indexed words starting with `prefix` (None when there are too many)."""
    low, high = _prefix_range(prefix)
    found = [row[0] for row in store.conn.execute(_DISTINCT_WORDS,
                                                  (low, high, high, MERGE_WORDS))]
    return found if len(found) <= MERGE_WORDS else None


def _rows_starting_with(store: Store, word: str, cap: int = 5000) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM patient_words WHERE word >= ? AND word < ? "
        "LIMIT ?) AS few", (*_prefix_range(word), cap)).fetchone()[0]


_ID_RANGES = ("SELECT 1 FROM patients WHERE mrn >= ? AND mrn < ?",
              "SELECT 1 FROM patients WHERE ref >= ? AND ref < ?",
              "SELECT 1 FROM coverages WHERE member_key >= ? AND member_key < ?")
FEW_IDS = 200


def _few_ids(store: Store, text: str) -> bool:
    """Whether `text` (no digit in it) starts few identifiers: then it may be an MRN or member
    id typed in letters; a prefix of hundreds of them (e.g. "DEM" of "DEMO-...") is a name."""
    low, high = _prefix_range(text.upper())
    key_low, key_high = _prefix_range(member_key(text))
    union = " UNION ALL ".join(_ID_RANGES)
    found = store.conn.execute(f"SELECT count(*) FROM ({union} LIMIT ?) AS ids",
                               (low, high, low, high, key_low, key_high, FEW_IDS)
                               ).fetchone()[0]
    return found < FEW_IDS


@reads("patients.read")
def search_patients(store: Store, text: str, *, limit: int = 50, offset: int = 0,
                    order: str | None = None) -> list[Patient]:
    """Patients whose name has a word starting with each word typed (any order, case and
    accents ignored), or whose MRN, patient id or member id starts with the text (when it has
    a digit, or starts fewer than 200 of them). Sorted by name, paged.

    Each matching word is an index range already in name order (patient_words), so a page is
    a merge of a few ranges, filtered by the other words: fast however common the name.
    Another `order` (a key of ordering.PATIENT_ORDER) sorts every match before paging.
    """
    from ocrebill_gui.store.ordering import PATIENT_ORDER, order_by
    from ocrebill_gui.store.patients import PATIENT_COLUMNS, patient_from_row

    match = _patient_matches(store, text)
    if match is None:
        return []
    arms, params = match
    matches = " UNION ".join(arms)
    if order not in (None, "name"):
        sort = order_by(order, PATIENT_ORDER, "", "p.id")
        rows = store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.id IN "
                              f"(SELECT patient_id FROM ({matches}) AS m){sort} "
                              "LIMIT ? OFFSET ?", [*params, limit, offset])
        return [patient_from_row(r) for r in rows]
    # Each way of matching keeps only the page's worth of its first rows (each is an index
    # range in name order, so it stops early) before the union: a server otherwise gathers
    # every match of every word into one hash to de-duplicate it before keeping 50.
    top = " UNION ".join(f"SELECT * FROM ({arm} ORDER BY 1, 2 LIMIT ?) AS a{i}"
                         for i, arm in enumerate(arms))
    per_arm = _params_per_arm(arms, params, limit + offset)
    sql = (f"SELECT {PATIENT_COLUMNS} FROM ({top} ORDER BY 1, 2 LIMIT ? OFFSET ?) m "
           "JOIN patients p ON p.id = m.patient_id ORDER BY m.name_key, m.patient_id")
    rows = store.db.query(sql, [*per_arm, limit, offset])
    return [patient_from_row(r) for r in rows]


def _params_per_arm(arms: list[str], params: list[object], keep: int) -> list[object]:
    """`params` with `keep` after each arm's own (each arm's are its `?`s, in order)."""
    out: list[object] = []
    at = 0
    for arm in arms:
        count = arm.count("?")
        out += [*params[at:at + count], keep]
        at += count
    return out


def _patient_matches(store: Store, text: str) -> tuple[list[str], list[object]] | None:
    """The SQL arms (to UNION) selecting (name_key, patient_id) of every patient the text
    finds, and their parameters in order; None when the text can find nobody."""
    text = text.replace("\x00", "")  # a NUL is never stored (records.py): found as if absent
    words = name_words(text)
    raw = text.strip()
    arms: list[str] = []
    params: list[object] = []
    if words:
        if len(words) > 1:  # the rarest first (one query per word: none for one word)
            words.sort(key=lambda w: _rows_starting_with(store, w))
        rarest, others = words[0], words[1:]
        filters = "".join(" AND EXISTS (SELECT 1 FROM patient_words x WHERE x.patient_id = "
                          "w.patient_id AND x.word >= ? AND x.word < ?)" for _ in others)
        other_bounds = [bound for word in others for bound in _prefix_range(word)]
        exact = _words_with_prefix(store, rarest)
        arm = ("SELECT w.name_key AS name_key, w.patient_id AS patient_id "
               "FROM patient_words w WHERE ")
        if exact is None:
            arms.append(arm + "w.word >= ? AND w.word < ?" + filters)
            params += [*_prefix_range(rarest), *other_bounds]
        for word in exact or []:
            arms.append(arm + "w.word = ?" + filters)
            params += [word, *other_bounds]
    if raw and (not words or any(ch.isdigit() for ch in raw) or _few_ids(store, raw)):
        low, high = _prefix_range(raw.upper())
        pair = "SELECT p.name_key AS name_key, p.id AS patient_id FROM patients p"
        arms += [f"{pair} WHERE p.mrn >= ? AND p.mrn < ?",
                 f"{pair} WHERE p.ref >= ? AND p.ref < ?"]
        params += [low, high] * 2
        if member_key(raw):  # "1eg4-te5" finds 1EG4TE5MK72 as typed on the card
            arms.append(f"{pair} JOIN coverages c ON c.patient_id = p.id "
                        "WHERE c.member_key >= ? AND c.member_key < ?")
            params += list(_prefix_range(member_key(raw)))
        born = birth_date_typed(raw)
        if born is not None:
            arms.append(f"{pair} WHERE p.birth_date = ?")
            params.append(born.isoformat())
    if not arms:
        return None
    return arms, params


_SUMMARY_SQL = """SELECT v.id, v.patient_id, p.ref AS patient_ref, p.name AS patient_name,
    v.date_of_service, v.setting, v.payer, v.summary, v.status, v.errors, v.warnings,
    v.revision, v.changed_at, v.changed_by, v.running_since
    FROM visits v JOIN patients p ON p.id = v.patient_id"""


def _summary(row: dict) -> VisitSummary:
    return VisitSummary.model_construct(**{**row, "date_of_service":
                                           date.fromisoformat(row["date_of_service"])})


def has_records(store: Store) -> bool:
    """Whether the database holds any patient or visit (the app offers the demo data to one
    that holds neither): says nothing about anyone, so it needs no session."""
    return store.conn.execute("SELECT EXISTS (SELECT 1 FROM patients) OR "
                              "EXISTS (SELECT 1 FROM visits)").fetchone()[0] == 1


@reads("patients.read")
def visits_on(store: Store, day: date, *, limit: int = 500, offset: int = 0,
              order: str | None = None) -> list[VisitSummary]:
    """A day's visits, in the order they were created (or by `order`, a key of
    ordering.VISIT_ORDER, "-" first for descending)."""
    from ocrebill_gui.store.ordering import VISIT_ORDER, order_by

    sort = order_by(order, VISIT_ORDER, "v.id", "v.id")
    rows = store.db.query(_SUMMARY_SQL + " WHERE v.date_of_service = ?" + sort
                          + " LIMIT ? OFFSET ?", [day.isoformat(), limit, offset])
    return [_summary(r) for r in rows]


@reads("patients.read")
def find_visits(store: Store, *, patient_id: int | None = None, text: str | None = None,
                date_from: date | None = None, date_to: date | None = None,
                status: VisitStatus | None = None, limit: int = 200,
                offset: int = 0, order: str | None = None) -> list[VisitSummary]:
    """Visits matching every filter given (patient, patient search text, date range, status),
    newest first (or by `order`, a key of ordering.VISIT_ORDER)."""
    from ocrebill_gui.store.ordering import VISIT_ORDER, order_by

    where, params = _filters(store, patient_id, text, date_from, date_to, status)
    if where is None:
        return []
    sort = order_by(order, VISIT_ORDER, "v.date_of_service DESC, v.id DESC", "v.id")
    rows = store.db.query(_SUMMARY_SQL + where + sort + " LIMIT ? OFFSET ?",
                          [*params, limit, offset])
    return [_summary(r) for r in rows]


@reads("patients.read")
def count_visits(store: Store, *, patient_id: int | None = None, text: str | None = None,
                 date_from: date | None = None, date_to: date | None = None,
                 status: VisitStatus | None = None) -> int:
    """How many visits find_visits() would page through."""
    where, params = _filters(store, patient_id, text, date_from, date_to, status)
    if where is None:
        return 0
    return store.conn.execute("SELECT count(*) FROM visits v" + where, params).fetchone()[0]


def visit_dates(date_from: date | None, date_to: date | None) -> tuple[list[str], list[str]]:
    """The conditions (on `v`, the visits) and parameters of a date-of-service range, either
    end open."""
    where, params = [], []
    if date_from is not None:
        where.append("v.date_of_service >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("v.date_of_service <= ?")
        params.append(date_to.isoformat())
    return where, params


def _filters(store: Store, patient_id: int | None, text: str | None, date_from: date | None,
             date_to: date | None, status: VisitStatus | None) -> tuple[str | None, list]:
    where, params = [], []
    if text and text.strip():
        match = _patient_matches(store, text)
        if match is None:
            return None, []
        # Every patient the text finds, however many: a subquery, never a capped id list.
        where.append(f"v.patient_id IN (SELECT patient_id FROM ({' UNION '.join(match[0])}) "
                     "AS found)")
        params.extend(match[1])
    if patient_id is not None:
        where.append("v.patient_id = ?")
        params.append(patient_id)
    dates, more = visit_dates(date_from, date_to)
    where += dates
    params += more
    if status is not None:
        where.append("v.status = ?")
        params.append(status)
    return ((" WHERE " + " AND ".join(where)) if where else ""), params

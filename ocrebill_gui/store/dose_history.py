"""Each patient's dose history from finalized visits: the previous dose of a product before a
date, the next dose due (core/dose_schedule.py), and the patients due soon without a planned
visit (issue 13, item 7).

Where doses are read from:
- one patient (previous dose, next doses): the documents of the patient's finalized visits,
  one indexed query (visits by patient and date), each document's administrations summed per
  product;
- every patient (the due list, the alerts): the `summary` column each save writes
  (visits.summary_text: "Ocrevus 600 mg + 3 premeds"), read over a window of dates through
  the date index, so no document is parsed; `doses_in_summary` reads back what summary_text
  wrote, and a test checks both readings agree on the demo's visits.

A planned visit is a draft dated today or later: any drug (a patient is on one course at a
time), so a patient with one is not "due without a planned visit".

`previous_dose_date` (visit-document.md: the engine's interval rule reads it) is filled by the
store (`fill_previous_doses`) in each administration of a product that has a dosing course: the
date of the patient's last finalized dose of the same product before the date of service. The
store's value is also kept beside it as `previous_dose_date_on_record`; a value that equals it
(or none) is the store's and follows the visit's date, drug and patient; a different value was
typed (a dose given elsewhere) and is kept as typed, with the store's beside it to compare.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.dose_schedule import (
    DoseSchedule,
    GivenDose,
    NextDose,
    default_schedules,
    next_dose,
)
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store

ON_RECORD = "previous_dose_date_on_record"
DUE_WITHIN_DAYS = 30  # the due list's default horizon
OVERDUE_DAYS = 90  # overdue longer than this: taken as off the course, not listed as due


@dataclass(frozen=True)
class DueDose:
    """A patient's next dose of a product, as the due list shows it."""

    patient_id: int
    patient_ref: str
    patient_name: str
    next: NextDose
    last_dose: date  # the last finalized dose of the product
    planned: date | None = None  # the first planned visit (a draft today or later), if any

    @property
    def due(self) -> date:
        assert self.next.due is not None  # only doses due by date are listed
        return self.next.due


def _scheduled_product(product: object) -> DoseSchedule | None:
    return default_schedules().get(product) if isinstance(product, str) else None


def doses_in_document(document: Mapping[str, Any]) -> dict[str, float]:
    """mg given per product that has a dosing course (a visit may split a dose)."""
    given: dict[str, float] = defaultdict(float)
    for admin in document.get("administrations") or []:
        if not isinstance(admin, Mapping) or _scheduled_product(admin.get("product")) is None:
            continue
        dose = admin.get("dose_mg")
        if isinstance(dose, int | float) and not isinstance(dose, bool) and dose > 0:
            given[str(admin["product"])] += float(dose)
    return dict(given)


_AMOUNT = re.compile(r"^(?P<short>.+) (?P<mg>[0-9][0-9.e+]*) mg$")


def _short_names() -> dict[str, str]:
    products = default_catalog().products
    return {products[p].short: p for p in default_schedules() if p in products}


def doses_in_summary(summary: str, shorts: Mapping[str, str] | None = None) -> dict[str, float]:
    """The same as doses_in_document, read back from the visit's summary line."""
    shorts = _short_names() if shorts is None else shorts
    given: dict[str, float] = defaultdict(float)
    treatments = summary.split(" + ", 1)[0]
    for part in treatments.split(", "):
        found = _AMOUNT.match(part)
        if found and found["short"] in shorts:
            try:
                given[shorts[found["short"]]] += float(found["mg"])
            except ValueError:
                continue
    return dict(given)


# ----------------------------------------------------------------------------- one patient


def _finalized(store: Store, patient_id: int, before: date | None,
               exclude_visit: int | None) -> list[tuple[date, dict[str, float]]]:
    sql = ("SELECT id, date_of_service, document FROM visits WHERE patient_id = ? "
           "AND status = 'finalized'")
    params: list[Any] = [patient_id]
    if before is not None:
        sql += " AND date_of_service < ?"
        params.append(before.isoformat())
    rows = store.conn.execute(sql + " ORDER BY date_of_service, id", params).fetchall()
    return [(date.fromisoformat(day), doses_in_document(json.loads(text)))
            for visit_id, day, text in rows if visit_id != exclude_visit]


@reads("patients.read")
def finalized_doses(store: Store, patient_id: int) -> dict[str, list[GivenDose]]:
    """The patient's finalized doses per product (with a dosing course), oldest first."""
    doses: dict[str, list[GivenDose]] = defaultdict(list)
    for day, given in _finalized(store, patient_id, None, None):
        for product, mg in given.items():
            doses[product].append(GivenDose(day, mg))
    return dict(doses)


@reads("patients.read")
def previous_dose_date(store: Store, patient_id: int, product: str, day: date, *,
                       exclude_visit: int | None = None) -> date | None:
    """The date of the patient's last finalized dose of `product` before `day`."""
    found = [d for d, given in _finalized(store, patient_id, day, exclude_visit)
             if product in given]
    return found[-1] if found else None


@reads("patients.read")
def next_doses(store: Store, patient_id: int) -> list[NextDose]:
    """The next dose of each product the patient has had (by product id)."""
    schedules = default_schedules()
    return [next_dose(schedules[product], given)
            for product, given in sorted(finalized_doses.inside(store, patient_id).items())]


def with_previous_doses(store: Store, document: Mapping[str, Any], patient_id: int | None,
                        visit_id: int | None = None) -> dict[str, Any]:
    """`document` (a copy when anything changes) with `previous_dose_date` filled from the
    store, as the module says: the store's value in each administration of a product with a
    dosing course that has none or still has the store's own, and the store's value beside it
    as `previous_dose_date_on_record` (removed when the store knows of no earlier dose)."""
    try:
        day = date.fromisoformat(str(document.get("date_of_service")))
    except ValueError:
        return dict(document)
    if patient_id is None:  # no patient, no history: the document's own values stand
        return dict(document)
    admins = [i for i, a in enumerate(document.get("administrations") or [])
              if isinstance(a, Mapping) and _scheduled_product(a.get("product")) is not None]
    if not admins:
        return dict(document)
    history = _finalized(store, patient_id, day, visit_id)
    doc = dict(document)
    doc["administrations"] = list(doc["administrations"])
    for index in admins:
        admin = doc["administrations"][index] = dict(doc["administrations"][index])
        found = [d for d, given in history if admin["product"] in given]
        on_record = found[-1].isoformat() if found else None
        typed = admin.get("previous_dose_date")
        if typed is None or typed == admin.get(ON_RECORD):
            _put(admin, "previous_dose_date", on_record)
        _put(admin, ON_RECORD, on_record)
    return doc


def _put(admin: dict[str, Any], key: str, value: str | None) -> None:
    if value is None:
        admin.pop(key, None)
    else:
        admin[key] = value


# ----------------------------------------------------------------------------- every patient


def _lookback(overdue_days: int) -> int:
    """Days of history that decide a due date no older than `overdue_days`: the longest
    interval of any course, plus its starting series twice (a series dose at the window's
    edge read as a first dose still gives a due date before the cut)."""
    longest = 0
    for schedule in default_schedules().values():
        after = [schedule.every, *(x for x in [schedule.first_maintenance_after] if x)]
        reach = max((a.after(date(2000, 1, 31)) - date(2000, 1, 31)).days for a in after)
        series = max((s.after_days for s in schedule.initial), default=0)
        longest = max(longest, reach + 2 * series + 31)
    return overdue_days + longest


def _series_only(schedule: DoseSchedule, mg: float) -> bool:
    """Whether a dose of `mg` may be read as a dose of the starting series (else it can only
    be a maintenance dose, and the next one is due from it alone)."""
    return any(abs(s.mg - mg) < 0.5 for s in schedule.initial)


# The last course() read: (store session, today, overdue days, last audit entry) -> its rows.
# Every change to a visit writes an audit entry in the same transaction (audit.py), so the
# audit log's last id says whether anything changed since (here or on another workstation).
_LAST: dict[tuple[str, date, int, int | None], list[tuple[int, NextDose, date]]] = {}


def course(store: Store, today: date, overdue_days: int = OVERDUE_DAYS
           ) -> list[tuple[int, NextDose, date]]:
    """course_read(), again from memory while the audit log says nothing changed (Today's
    panel and Needs attention read it one after the other)."""
    token = store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    key = (store.session_id, today, overdue_days, token)
    rows = _LAST.get(key)  # Today's panel reads it on a thread of its own: get once
    if rows is None:
        rows = course_read(store, today, overdue_days)
        _LAST.clear()  # one reading kept: the store in use
        _LAST[key] = rows
    return list(rows)


def course_read(store: Store, today: date, overdue_days: int = OVERDUE_DAYS
                ) -> list[tuple[int, NextDose, date]]:
    """(patient id, next dose, last dose) of each product each recently dosed patient is on,
    due from `today - overdue_days` on, read from the finalized visits' summaries over the
    window that decides those dates (through the date index, no document parsed).

    A last dose that can only be a maintenance dose decides the next one alone (next_dose of
    it by itself gives the same), so those are computed once per product, date and amount;
    the others (a series under way) from the patient's doses in the window."""
    schedules = default_schedules()
    start = today - timedelta(days=_lookback(overdue_days))
    cut = today - timedelta(days=overdue_days)
    shorts = _short_names()
    read: dict[str, dict[str, float]] = {}
    doses: dict[tuple[int, str], list[tuple[str, float]]] = defaultdict(list)
    days: dict[str, str] = {}  # one string per date (a few hundred), not one per visit
    for patient_id, day, summary in store.conn.execute(
            "SELECT patient_id, date_of_service, summary FROM visits WHERE date_of_service >= ? "
            "AND status = 'finalized' ORDER BY date_of_service, id", (start.isoformat(),)):
        given = read.get(summary)
        if given is None:
            given = read[summary] = doses_in_summary(summary or "", shorts)
        day = days.setdefault(day, day)
        for product, mg in given.items():
            doses[(patient_id, product)].append((day, mg))
    alone: dict[tuple[str, str, float], NextDose] = {}
    out = []
    for (patient_id, product), dated in doses.items():
        schedule, (day, mg) = schedules[product], dated[-1]
        known = None if _series_only(schedule, mg) else alone.get((product, day, mg))
        if known is not None:
            upcoming = known
        elif _series_only(schedule, mg):
            upcoming = next_dose(schedule, [GivenDose(date.fromisoformat(d), m)
                                            for d, m in dated])
        else:
            upcoming = alone[(product, day, mg)] = next_dose(
                schedule, [GivenDose(date.fromisoformat(day), mg)])
        if upcoming.due is not None and upcoming.due >= cut:
            out.append((patient_id, upcoming, date.fromisoformat(day)))
    return out


def planned_visits(store: Store, today: date) -> dict[int, date]:
    """The first planned visit (a draft dated today or later) of each patient who has one."""
    planned: dict[int, date] = {}
    for patient_id, day in store.conn.execute(
            "SELECT patient_id, min(date_of_service) FROM visits WHERE date_of_service >= ? "
            "AND status = 'draft' GROUP BY patient_id", (today.isoformat(),)):
        planned[patient_id] = date.fromisoformat(day)
    return planned


Course = list[tuple[int, NextDose, date]]  # what course() gives


def scheduled(rows: Course, planned: Mapping[int, date]) -> dict[int, list[NextDose]]:
    """Each patient's next doses of course() rows, at the planned visit where one is planned
    (that is when the dose is scheduled), else when the course says."""
    out: dict[int, list[NextDose]] = defaultdict(list)
    for patient_id, upcoming, _last in rows:
        if patient_id in planned:
            upcoming = replace(upcoming, due=planned[patient_id])
        out[patient_id].append(upcoming)
    return dict(out)


def check_within_days(within_days: object) -> int:
    if isinstance(within_days, bool) or not isinstance(within_days, int) \
            or not 0 <= within_days <= 366:
        from ocrebill_gui.store.errors import InvalidRecord

        raise InvalidRecord([("within_days", "must be a whole number of days, 0 to 366")])
    return within_days


def due_without_plan(store: Store, today: date, rows: Course, planned: Mapping[int, date],
                     within_days: int, limit: int = 1000) -> list[DueDose]:
    """course() rows due by `today + within_days` of patients without a planned visit,
    soonest first (at most `limit`), with the patients' refs and names."""
    horizon = today + timedelta(days=check_within_days(within_days))
    due = [(p, upcoming, last) for p, upcoming, last in rows
           if p not in planned and upcoming.due is not None and upcoming.due <= horizon]
    due.sort(key=lambda d: (d[1].due or today, d[0], d[1].product))
    due = due[:limit]
    names = patient_names(store, (d[0] for d in due))
    return [DueDose(p, *names[p], upcoming, last) for p, upcoming, last in due]


@reads("patients.read")
def doses_due(store: Store, today: date | None = None, *, within_days: int = DUE_WITHIN_DAYS,
              overdue_days: int = OVERDUE_DAYS, limit: int = 1000) -> list[DueDose]:
    """Patients whose next dose is due within `within_days` (or overdue by at most
    `overdue_days`) and who have no planned visit, soonest first (at most `limit`)."""
    check_within_days(within_days)
    today = today or store.today()
    return due_without_plan(store, today, course(store, today, overdue_days),
                            planned_visits(store, today), within_days, limit)


def patient_names(store: Store, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(ref, name) of each patient id, read in chunks of 500."""
    wanted = sorted(set(ids))
    names: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for patient_id, ref, name in store.conn.execute(
                f"SELECT id, ref, name FROM patients WHERE id IN ({marks})", chunk):
            names[patient_id] = (ref, name)
    return names

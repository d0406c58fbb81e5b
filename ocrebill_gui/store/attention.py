"""What the front desk must act on (issue 13, item 6): the rules of core/front_desk_alerts.py
applied to the store's records, each alert with the record to open (a patient, a lot, a
product's stock). The screens only show these lists.

- authorizations: each coverage's live authorizations of a product, against the patient's
  next dose of it (dose_history.scheduled: the planned visit's date when one is planned,
  else the date the course says), and those ending within 30 days that nothing follows;
  only coverages in effect (not ended before today);
- benefits: the latest verification of each coverage and product whose re-verification date
  is within 30 days (or past); and a planned visit after today whose coverage has no
  verification of the drug at all;
- lots with vials on hand (not recalled) expired or expiring within 30 days; products whose
  usable vials are at or below their reorder level.

Patient alerts need `patients.read`, the inventory's `store.read` (an administrator sees those).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.dose_schedule import NextDose
from ocrebill_gui.core.front_desk_alerts import (
    SOON_DAYS,
    Alert,
    authorization_alerts,
    benefits_alert,
    lot_alert,
    stock_alert,
)
from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.coverages import coverage_label
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.dose_history import (
    DUE_WITHIN_DAYS,
    DueDose,
    course,
    due_without_plan,
    patient_names,
    planned_visits,
    scheduled,
)
from ocrebill_gui.store.stock import stock_levels
from ocrebill_gui.store.vial_lots import expiring_lots

_ORDER = {"error": 0, "warning": 1, "info": 2}
# An authorization is held against the next dose from this many days before it is due (a
# renewal takes the plan weeks): sooner, the list would ask for renewals months ahead.
ACT_WITHIN_DAYS = 60


@dataclass(frozen=True)
class AttentionItem:
    """One alert and what to open to act on it."""

    alert: Alert
    patient_id: int | None = None
    patient_ref: str = ""
    patient_name: str = ""
    lot_id: int | None = None
    product: str | None = None

    @property
    def subject(self) -> str:
        """Whom or what it is about, as a list shows it."""
        if self.patient_id is not None:
            return f"{self.patient_name} ({self.patient_ref})"
        return self.product or ""


def sorted_items(items: Sequence[AttentionItem]) -> list[AttentionItem]:
    """Errors first, then by the date that matters (undated last)."""
    return sorted(items, key=lambda i: (_ORDER[i.alert.severity], i.alert.when or date.max,
                                        i.alert.kind, i.patient_id or 0, i.lot_id or 0))


@reads("patients.read")
def patient_alerts(store: Store, today: date | None = None) -> list[AttentionItem]:
    """Authorization and benefits alerts, errors first."""
    return front_desk_lists.inside(store, today, within_days=None)[0]


@reads("patients.read")
def front_desk_lists(store: Store, today: date | None = None, *,
                     within_days: int | None = DUE_WITHIN_DAYS
                     ) -> tuple[list[AttentionItem], list[DueDose]]:
    """The patient alerts and the patients due within `within_days` without a planned visit
    (dose_history.doses_due; not read when None), from one reading of the dose history."""
    today = today or store.today()
    rows, planned = course(store, today), planned_visits(store, today)
    found: list[tuple[int, Alert, str]] = []  # (patient id, alert, product)
    found += _authorization_alerts(store, today, scheduled(rows, planned))
    found += _benefits_alerts(store, today)
    names = patient_names(store, (p for p, _a, _x in found))
    alerts = sorted_items([AttentionItem(alert, patient_id, *names.get(patient_id, ("", "")),
                                         product=product)
                           for patient_id, alert, product in found])
    due = ([] if within_days is None
           else due_without_plan(store, today, rows, planned, within_days))
    return alerts, due


@reads("store.read")
def inventory_alerts(store: Store, today: date | None = None) -> list[AttentionItem]:
    """Lots expired or expiring within 30 days with vials on hand; stock at its reorder level."""
    today = today or store.today()
    products = default_catalog().products
    items = []
    for lot in expiring_lots.inside(store, today, within_days=SOON_DAYS):
        alert = lot_alert(lot, today) if lot.status != "recalled" else None
        if alert is not None:
            items.append(AttentionItem(alert, lot_id=lot.id, product=lot.product))
    for level in stock_levels.inside(store, today):
        product = products.get(level.product)
        alert = stock_alert(product.name if product else level.product, level.on_hand,
                            level.reorder_level)
        if alert is not None:
            items.append(AttentionItem(alert, product=level.product))
    return sorted_items(items)


def _authorization_alerts(store: Store, today: date, course: dict[int, list[NextDose]]
                          ) -> list[tuple[int, Alert, str]]:
    """Per coverage in effect and product: its live authorizations against the next dose when
    that is due within ACT_WITHIN_DAYS, and those ending within 30 days. Units used are read
    only for the authorizations of such groups."""
    soon = today + timedelta(days=SOON_DAYS)
    act_by = today + timedelta(days=ACT_WITHIN_DAYS)
    rows = store.conn.execute(
        "SELECT a.id, a.coverage_id, a.number, a.product, a.approved_units, a.valid_from, "
        "a.valid_to, c.patient_id FROM authorizations a JOIN coverages c ON c.id = "
        "a.coverage_id WHERE a.valid_to >= ? AND (c.effective_to IS NULL OR "
        "c.effective_to >= ?)", (today.isoformat(), today.isoformat())).fetchall()
    groups: dict[tuple[int, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        groups[(row[1], row[3])].append(row)
    wanted: dict[tuple[int, str], tuple[int, NextDose | None]] = {}
    for key, members in groups.items():
        patient_id = members[0][7]
        upcoming = next((n for n in course.get(patient_id, []) if n.product == key[1]), None)
        if upcoming is not None and (upcoming.due is None or upcoming.due > act_by):
            upcoming = None  # not yet: the renewal is asked for nearer the dose
        if upcoming is not None or any(date.fromisoformat(m[6]) <= soon for m in members):
            wanted[key] = (patient_id, upcoming)
    used = _units_used(store, [m[0] for key in wanted for m in groups[key]])
    catalog = default_catalog()
    found = []
    for key, (patient_id, upcoming) in wanted.items():
        auths = [_authorization(m, used.get(m[0], 0)) for m in groups[key]]
        for alert in authorization_alerts(auths, upcoming, catalog, today):
            found.append((patient_id, alert, key[1]))
    return found


@dataclass(slots=True)
class _LiveAuthorization:  # core.front_desk_alerts.AuthorizationLike, without pydantic
    number: str
    product: str
    valid_from: date
    valid_to: date
    remaining_units: int | None


def _authorization(row: tuple[Any, ...], used: int) -> _LiveAuthorization:
    approved = row[4]
    return _LiveAuthorization(row[2], row[3], date.fromisoformat(row[5]),
                              date.fromisoformat(row[6]),
                              None if approved is None else approved - used)


def _units_used(store: Store, ids: list[int]) -> dict[int, int]:
    """The units finalized visits used of each authorization, read in chunks of 500."""
    used: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for auth_id, units in store.conn.execute(
                "SELECT authorization_id, sum(units) FROM authorization_uses "
                f"WHERE authorization_id IN ({marks}) GROUP BY authorization_id", chunk):
            used[auth_id] = int(units or 0)
    return used


def _benefits_alerts(store: Store, today: date) -> list[tuple[int, Alert, str]]:
    """Latest verifications due for re-verification; planned visits never verified."""
    soon = (today + timedelta(days=SOON_DAYS)).isoformat()
    due = store.conn.execute(
        "SELECT b.coverage_id, b.product, b.verified_on, b.next_verification, c.patient_id, "
        "c.payer, c.effective_from, c.effective_to FROM benefits_verifications b "
        "JOIN coverages c ON c.id = b.coverage_id "
        "WHERE b.next_verification <= ? AND (c.effective_to IS NULL OR c.effective_to >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM benefits_verifications n WHERE n.coverage_id = "
        "b.coverage_id AND n.product = b.product AND (n.verified_on > b.verified_on OR "
        "(n.verified_on = b.verified_on AND n.id > b.id)))",
        (soon, today.isoformat())).fetchall()
    found = []
    for coverage_id, product, verified, reverify, patient_id, payer, start, end in due:
        label = coverage_label(store, {"id": coverage_id, "payer": payer,
                                       "effective_from": start, "effective_to": end})
        alert = benefits_alert(date.fromisoformat(verified), date.fromisoformat(reverify),
                               today, label)
        if alert is not None:
            found.append((patient_id, alert, product))
    found += _never_verified(store, today)
    return found


def _never_verified(store: Store, today: date) -> list[tuple[int, Alert, str]]:
    """Planned visits after today (within 30 days) whose coverage has no verification of the
    visit's drug (read from its summary)."""
    from ocrebill_gui.store.dose_history import doses_in_summary

    rows = store.conn.execute(
        "SELECT v.patient_id, v.coverage_id, v.summary, c.payer, c.effective_from, "
        "c.effective_to FROM visits v JOIN coverages c ON c.id = v.coverage_id "
        "WHERE v.date_of_service > ? AND v.date_of_service <= ? AND v.status = 'draft'",
        (today.isoformat(), (today + timedelta(days=SOON_DAYS)).isoformat())).fetchall()
    found, seen = [], set()
    for patient_id, coverage_id, summary, payer, start, end in rows:
        for product in doses_in_summary(summary or ""):
            if (coverage_id, product) in seen:
                continue
            seen.add((coverage_id, product))
            if store.conn.execute("SELECT 1 FROM benefits_verifications WHERE coverage_id = ? "
                                  "AND product = ?", (coverage_id, product)).fetchone():
                continue
            label = coverage_label(store, {"id": coverage_id, "payer": payer,
                                           "effective_from": start, "effective_to": end})
            alert = benefits_alert(None, None, today, label)
            if alert is not None:
                found.append((patient_id, alert, product))
    return found

"""Patients (all, or those matching what was typed), their coverages and authorizations."""

from __future__ import annotations

from datetime import date
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.core.front_desk_alerts import authorization_standing, no_units_left
from ocrebill_gui.store import Authorization, Coverage, Patient, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.models.paged import Column, PagedTableModel


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


PATIENT_COLUMNS = [
    Column[Patient]("Name", lambda p: p.name, sort_key="name"),
    Column[Patient]("Patient id", lambda p: p.ref, sort_key="ref"),
    Column[Patient]("Born", lambda p: _day(p.birth_date), sort_key="born"),
    Column[Patient]("MRN", lambda p: p.mrn or "-", sort_key="mrn"),
]


class PatientListModel(PagedTableModel[Patient]):
    """Patients sorted by name; with search text, those whose name words (or MRN, patient id,
    member id) start with what was typed: "mul" finds "Müller, Ada"."""

    def __init__(self, store: Store, session: Session, text: str = "", parent: Any = None) -> None:
        self._session = session
        self._store, self._text = store, text.strip()
        super().__init__(PATIENT_COLUMNS, self._page, parent=parent)

    @property
    def search_text(self) -> str:
        return self._text

    def set_search_text(self, text: str) -> None:
        if text.strip() != self._text:
            self._text = text.strip()
            self.reload()

    def row_of(self, patient_id: int) -> int:
        """The row showing this patient, or -1."""
        return next((row for row, p in enumerate(self.records()) if p.id == patient_id), -1)

    def _page(self, limit: int, offset: int) -> list[Patient]:
        if self._text:
            return api.search_patients(self._store, self._session, self._text, limit=limit,
                                       offset=offset, order=self.order)
        return api.list_patients(self._store, self._session, limit=limit, offset=offset,
                                 order=self.order)


PRIORITY = {1: "Primary", 2: "Secondary", 3: "Tertiary"}


class CoveragesModel(PagedTableModel[Coverage]):
    """A patient's coverages (a handful: one page)."""

    def __init__(self, store: Store, session: Session, payer_names: dict[str, str], today: date,
                 parent: Any = None) -> None:
        self._session = session
        self._store = store
        self._patient_id: int | None = None
        columns = [
            Column[Coverage]("Payer", lambda c: payer_names.get(c.payer, c.payer)),
            Column[Coverage]("Member id", lambda c: c.member_id or "-"),
            Column[Coverage]("Group", lambda c: c.group_number or "-"),
            Column[Coverage]("Order", lambda c: PRIORITY.get(c.priority, str(c.priority))),
            Column[Coverage]("In effect", lambda c: f"{_day(c.effective_from)} to "
                                                    f"{_day(c.effective_to)}",
                             attention=lambda c: None if c.active_on(today) else "warning",
                             tooltip=lambda c: None if c.active_on(today)
                             else "Not in effect today"),
        ]
        super().__init__(columns, self._page, parent=parent)

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self.reload()

    def _page(self, limit: int, offset: int) -> list[Coverage]:
        if self._patient_id is None or offset:
            return []
        return api.coverages_of(self._store, self._session, self._patient_id)


def units_text(auth: Authorization) -> str:
    if auth.approved_units is None:
        return f"{auth.used_units} used, no limit"
    return f"{auth.remaining_units} of {auth.approved_units} left"


class AuthorizationsModel(PagedTableModel[Authorization]):
    """A patient's prior authorizations with the units finalized visits have used."""

    def __init__(self, store: Store, session: Session, today: date, product_names: dict[str, str],
                 parent: Any = None) -> None:
        self._session = session
        self._store, self._today = store, today
        self._patient_id: int | None = None
        self._plans: dict[int, str] = {}  # coverage id -> its payer's name, per page

        columns = [
            Column[Authorization]("Number", lambda a: a.number),
            Column[Authorization]("Plan", lambda a: self._plans.get(a.coverage_id, "-")),
            Column[Authorization]("Product", lambda a: product_names.get(a.product, a.product)),
            Column[Authorization]("Valid", lambda a: f"{_day(a.valid_from)} to {_day(a.valid_to)}",
                                  attention=lambda a: authorization_standing(a, today),
                                  tooltip=self._validity_note),
            Column[Authorization]("Units", units_text,
                                  attention=lambda a: "error" if no_units_left(a) else None,
                                  tooltip=self.uses_text),
            Column[Authorization]("Visits", lambda a: str(a.used_visits) if a.visits_allowed
                                  is None else f"{a.used_visits} of {a.visits_allowed}",
                                  attention=lambda a: "error" if a.visits_allowed is not None
                                  and a.used_visits >= a.visits_allowed else None),
        ]
        super().__init__(columns, self._page, parent=parent)

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self.reload()

    def _validity_note(self, auth: Authorization) -> str:
        days = (auth.valid_to - self._today).days
        if days < 0:
            return f"Expired {-days} days ago"
        return f"Valid for {days} more days"

    def uses_text(self, auth: Authorization) -> str:
        """'Used by visit 12 on 2026-03-04 (600 units), ...' or 'Not used by any visit yet'."""
        uses = api.authorization_uses(self._store, self._session, auth.id)
        if not uses:
            return "Not used by any finalized visit yet"
        return "Used by " + ", ".join(f"visit {v} on {day.isoformat()} ({units} units)"
                                      for v, day, units in uses)

    def _page(self, limit: int, offset: int) -> list[Authorization]:
        if self._patient_id is None or offset:
            return []
        names = {p.id: p.name for p, _mine in api.payer_profiles(self._store)}
        self._plans = {c.id: names.get(c.payer, c.payer) for c in
                       api.coverages_of(self._store, self._session, self._patient_id)}
        return api.authorizations_of(self._store, self._session, patient_id=self._patient_id)

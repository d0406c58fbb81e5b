"""Visit lists: today's visits on the main window, a patient's visits on the patient page."""

from __future__ import annotations

from datetime import date
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.store import Store, VisitSummary
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.models.paged import Column, PagedTableModel

SETTINGS = {"office": "Office", "hospital_outpatient": "Hospital outpatient", "home": "Home"}


def findings_text(visit: VisitSummary) -> str:
    """"2 errors, 1 warning", or "none"."""
    parts = []
    if visit.errors:
        parts.append(f"{visit.errors} error{'s' if visit.errors != 1 else ''}")
    if visit.warnings:
        parts.append(f"{visit.warnings} warning{'s' if visit.warnings != 1 else ''}")
    return ", ".join(parts) or "none"


def findings_severity(visit: VisitSummary) -> str | None:
    return "error" if visit.errors else "warning" if visit.warnings else None


def status_text(visit: VisitSummary) -> str:
    return "Finalized" if visit.status == "finalized" else "Running" if visit.running \
        else "Draft"


def status_tooltip(visit: VisitSummary) -> str | None:
    since = visit.running_since_text  # the store's column; never for a finalized visit
    return None if since is None else (f"An infusion started at {since} has no stop yet: "
                                       "stop it in the visit, or record its stop time")


def product_text(visit: VisitSummary) -> str:
    """"Ocrevus 600 mg + 3 premeds", and " · RUNNING since 09:00" while one runs."""
    since = visit.running_since_text
    return visit.summary if since is None else f"{visit.summary} · RUNNING since {since}"


STATUS = Column[VisitSummary]("Status", status_text, tooltip=status_tooltip,
                              attention=lambda v: "ok" if v.status == "finalized"
                              else "error" if v.running else None, sort_key="status")
PATIENT = Column[VisitSummary]("Patient", lambda v: v.patient_name,
                               tooltip=lambda v: f"{v.patient_name} ({v.patient_ref})",
                               sort_key="patient")
PRODUCT = Column[VisitSummary]("Product", product_text, sort_key="product")
SETTING = Column[VisitSummary]("Setting", lambda v: SETTINGS.get(v.setting, v.setting or "-"),
                               sort_key="setting")
FINDINGS = Column[VisitSummary]("Findings", findings_text, attention=findings_severity,
                                tooltip=lambda v: "Open the visit to see each finding",
                                sort_key="findings")
DATE = Column[VisitSummary]("Date", lambda v: v.date_of_service.isoformat(), sort_key="date")


class DayVisitsModel(PagedTableModel[VisitSummary]):
    """The visits of one day (today on the main window), in the order they were booked."""

    def __init__(self, store: Store, session: Session, day: date, payer_names: dict[str, str],
                 parent: Any = None) -> None:
        self._session = session
        self._store, self._day = store, day
        self.alerts: dict[int, str] = {}  # visit id -> why its infusion runs too long
        payer = Column[VisitSummary]("Payer", lambda v: payer_names.get(v.payer or "",
                                                                        v.payer or "-"),
                                     sort_key="payer")
        status = Column[VisitSummary](
            "Status", lambda v: "TOO LONG" if v.id in self.alerts else status_text(v),
            tooltip=lambda v: self.alerts.get(v.id) or status_tooltip(v),
            attention=STATUS.attention, sort_key=STATUS.sort_key)
        super().__init__([status, PATIENT, PRODUCT, SETTING, payer, FINDINGS], self._page,
                         parent=parent)

    def set_alerts(self, alerts: dict[int, str]) -> None:
        """Infusions running too long (ui/long_run_watch.py): their visits' status says so,
        its tooltip why."""
        if alerts != self.alerts:
            self.alerts = dict(alerts)
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    @property
    def day(self) -> date:
        return self._day

    def set_day(self, day: date) -> None:
        self._day = day
        self.reload()

    def _page(self, limit: int, offset: int) -> list[VisitSummary]:
        return api.visits_on(self._store, self._session, self._day, limit=limit, offset=offset,
                             order=self.order)


class PatientVisitsModel(PagedTableModel[VisitSummary]):
    """One patient's visits, newest first."""

    def __init__(self, store: Store, session: Session, patient_id: int | None,
                 parent: Any = None) -> None:
        self._session = session
        self._store, self._patient_id = store, patient_id
        super().__init__([DATE, STATUS, PRODUCT, SETTING, FINDINGS], self._page, parent=parent)

    def set_patient(self, patient_id: int | None) -> None:
        self._patient_id = patient_id
        self.reload()

    def _page(self, limit: int, offset: int) -> list[VisitSummary]:
        if self._patient_id is None:
            return []
        return api.find_visits(self._store, self._session, patient_id=self._patient_id, limit=limit,
                               offset=offset, order=self.order)

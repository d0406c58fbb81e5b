"""The worklist's rows (store/claim_worklist.py), a page at a time and sorted in SQL, with the
filters the page sets; paid claims show what was paid (the row's amount_paid), flagged when it
is less than the estimate expected from the payer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.claim_worklist import WorklistRow
from ocrebill_gui.ui.models.paged import PAGE_SIZE, Column, PagedTableModel
from ocrebill_gui.ui.models.visits import SETTINGS
from ocrebill_gui.ui.qt import QGuiApplication, Qt
from ocrebill_gui.ui.worklist.claim_forms import FORMS

STATUS_TEXT = {"draft": "Draft with errors", "ready": "Ready to send", "printed": "Printed",
               "exported": "Exported", "submitted": "Submitted", "paid": "Paid",
               "denied": "Denied"}
STATUS_SEVERITY = {"draft": "error", "denied": "error", "ready": "warning", "paid": "ok"}

# What the "Show" filter offers: (text, kinds, statuses) for the store's worklist.
SHOW: list[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]] = [
    ("Work to do: errors, to send, denials", None, None),
    ("Drafts with errors", ("draft_errors",), None),
    ("To send: ready", ("to_send",), ("ready",)),
    ("To send: printed or exported", ("to_send",), ("printed", "exported")),
    ("Submitted, waiting for the payer", ("submitted",), None),
    ("Denied", ("denied",), None),
    ("Paid", ("paid",), None),
    ("Every claim, and drafts with errors",
     ("draft_errors", "to_send", "submitted", "paid", "denied"), None),
]


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] | None = None  # None: the store's default (the work to do)
    statuses: tuple[str, ...] | None = None
    payer: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def arguments(self) -> dict[str, Any]:
        return {"kinds": self.kinds, "statuses": self.statuses, "payer": self.payer,
                "date_from": self.date_from, "date_to": self.date_to}


def money_text(amount: Decimal | None) -> str:
    return "-" if amount is None else f"${amount:,.2f}"


def findings(row: WorklistRow) -> str:
    parts = [f"{n} {word}{'s' if n != 1 else ''}"
             for n, word in ((row.errors, "error"), (row.warnings, "warning")) if n]
    return ", ".join(parts) or "none"


def status_tip(row: WorklistRow) -> str | None:
    if row.status == "denied":
        return f"Denied: {row.denial_reason or 'no reason recorded'}"
    if row.status == "draft":
        return "A draft whose claim still has errors: open the visit to fix them"
    when = {"printed": row.printed_at, "exported": row.exported_at,
            "submitted": row.submitted_at, "paid": row.decided_at}.get(row.status)
    return f"{STATUS_TEXT[row.status]} {when}" if when else None


class WorklistModel(PagedTableModel[WorklistRow]):
    """Worklist rows under `filters`; `payments` and `expected` give a paid claim's amount
    paid and the estimate's expected payer amount (None: not known), for the Paid column."""

    def __init__(self, store: Store, session: Session, payer_names: dict[str, str],
                 parent: Any = None, *, expected: Any = None,
                 page_size: int = PAGE_SIZE) -> None:
        self._store, self._session = store, session
        self.filters = Filters()
        self._expected_of: dict[int, Decimal | None] = {}  # claim id -> the estimate's
        self._expected = expected  # visit id -> Decimal | None, or None: no estimates
        payer = Column[WorklistRow]("Payer", lambda r: payer_names.get(r.payer or "",
                                                                       r.payer or "-"),
                                    sort_key="payer")
        super().__init__([
            Column("Date of service", lambda r: r.date_of_service.isoformat(),
                   sort_key="date_of_service"),
            Column("Status", lambda r: STATUS_TEXT.get(r.status, r.status)
                   + (" (replacement)" if r.replacement else ""),
                   tooltip=status_tip, attention=lambda r: STATUS_SEVERITY.get(r.status),
                   sort_key="status"),
            Column("Patient", lambda r: r.patient_name,
                   tooltip=lambda r: f"{r.patient_name} ({r.patient_ref})", sort_key="patient"),
            payer,
            Column("Form", lambda r: FORMS[r.form],
                   tooltip=lambda r: SETTINGS.get(r.setting, r.setting or "-")),
            Column("Charges", lambda r: money_text(r.charge_total), align_right=True),
            Column("Paid", self._paid_text, tooltip=self._paid_tip,
                   attention=lambda r: "warning" if self.underpaid(r) else None,
                   align_right=True),
            Column("Visit", lambda r: str(r.visit_id), sort_key="visit_id", align_right=True),
            Column("Findings", findings,
                   attention=lambda r: "error" if r.errors else "warning" if r.warnings
                   else None, sort_key="errors"),
        ], self._page, parent=parent, page_size=page_size)

    def set_filters(self, filters: Filters) -> None:
        if filters != self.filters:
            self.filters = filters
            self.reload()

    def set_show(self, index: int) -> None:
        _text, kinds, statuses = SHOW[index]
        self.set_filters(replace(self.filters, kinds=kinds, statuses=statuses))

    def reload(self) -> None:
        """The first page again; the wait cursor meanwhile (sorting ~100k rows by status or
        patient takes the store up to a second: tests/benchmarks/test_worklist_bench.py)."""
        self._expected_of = {}
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            super().reload()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _page(self, limit: int, offset: int) -> list[WorklistRow]:
        from ocrebill_gui.store.claims import worklist

        order = self.order or "date_of_service"
        return worklist(self._store, self._session, **self.filters.arguments(),
                        order_by=order.lstrip("-"), descending=order.startswith("-"),
                        limit=limit, offset=offset)

    # -- what was paid ---------------------------------------------------------------------

    def payment(self, row: WorklistRow) -> tuple[Decimal | None, Decimal | None]:
        """(paid, expected from the payer) of a paid claim; the estimate read once per
        reload."""
        if row.status != "paid" or row.claim_id is None:
            return None, None
        if row.claim_id not in self._expected_of:
            self._expected_of[row.claim_id] = (self._expected(row.visit_id)
                                               if self._expected is not None else None)
        return row.amount_paid, self._expected_of[row.claim_id]

    def underpaid(self, row: WorklistRow) -> bool:
        paid, expected = self.payment(row)
        return paid is not None and expected is not None and paid < expected

    def _paid_text(self, row: WorklistRow) -> str:
        paid, _expected = self.payment(row)
        if paid is None:
            return ""
        return money_text(paid) + ("  UNDERPAID" if self.underpaid(row) else "")

    def _paid_tip(self, row: WorklistRow) -> str | None:
        paid, expected = self.payment(row)
        if paid is None:
            return None
        if expected is None:
            return "No estimate of the payer's amount to compare with"
        if paid < expected:
            return (f"Underpaid: {money_text(paid)} paid, the estimate expected "
                    f"{money_text(expected)} from the payer ({money_text(expected - paid)} "
                    "short)")
        return f"The estimate expected {money_text(expected)} from the payer"

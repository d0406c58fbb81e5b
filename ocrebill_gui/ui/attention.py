"""Needs attention (issue 13, items 6-7): the front desk's alerts (store/attention.py) and the
patients due for a dose within N days without a planned visit (store/dose_history.py), each
row opening what to act on with Enter or a double-click: the patient, the lot, the stock.

The lists are computed by the store; this module only shows them. `AttentionPanel` is the
short version on Today: it reads the lists once the day's visits are up (a moment after
the first paint), off the UI thread, and again at most once a minute when Today reloads.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.attention import (
    AttentionItem,
    front_desk_lists,
    inventory_alerts,
    sorted_items,
)
from ocrebill_gui.store.dose_history import DUE_WITHIN_DAYS, DueDose
from ocrebill_gui.ui.attention_reader import BackgroundRead, ReadOutcome
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.models.paged import Column, PagedTableModel
from ocrebill_gui.ui.permissions import allowed, gate
from ocrebill_gui.ui.qt import (
    QEvent,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QShowEvent,
    QSpinBox,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, fit_height, heading, record_table, \
    remember_columns

KINDS = {"authorization-short": "Authorization short", "authorization-ends-before-dose":
         "Authorization ends before dose", "authorization-ending": "Authorization ending",
         "benefits-due": "Benefits to verify", "lot-expiring": "Lot expiring",
         "lot-expired": "Lot expired", "stock-low": "Stock low"}
TODAY_ROWS = 5  # alerts listed on Today; the rest on Needs attention (Ctrl+8)
TODAY_EVERY_S = 60  # Today reads the lists again at most this often


class RowsModel(PagedTableModel[Any]):
    """A list already in memory, shown a page at a time."""

    def __init__(self, columns: list[Column[Any]], parent: Any = None) -> None:
        self._rows_now: list[Any] = []
        super().__init__(columns, lambda limit, offset: self._rows_now[offset:offset + limit],
                         parent=parent)

    def set_rows(self, rows: list[Any]) -> None:
        self._rows_now = list(rows)
        self.reload()


def alert_columns() -> list[Column[AttentionItem]]:
    return [
        Column[AttentionItem]("", lambda i: i.alert.severity.capitalize(),
                              attention=lambda i: i.alert.severity),
        Column[AttentionItem]("What", lambda i: KINDS.get(i.alert.kind, i.alert.kind)),
        Column[AttentionItem]("Patient or product", lambda i: i.subject
                              if i.patient_id is not None else product_name(i.product or "")),
        Column[AttentionItem]("Date", lambda i: i.alert.when.isoformat() if i.alert.when
                              else ""),
        Column[AttentionItem]("Detail", lambda i: i.alert.text, tooltip=lambda i: i.alert.text),
    ]


class DetailWidth(QObject):
    """The last column (Detail) as wide as its longest sentence, filling the rest of the
    table when that is wider: a narrow window scrolls the table sideways rather than cutting
    the sentence ("due 2027-0..."). Fitted again when the table is resized or refilled."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        view.horizontalHeader().setStretchLastSection(False)
        view.viewport().installEventFilter(self)

    def fit(self) -> None:
        view, header = self._view, self._view.horizontalHeader()
        last = header.count() - 1
        if last < 0:
            return
        header.setStretchLastSection(False)  # a layout saved before may have turned it on
        needed = view.sizeHintForColumn(last) + 2 * view.fontMetrics().averageCharWidth()
        others = sum(header.sectionSize(c) for c in range(last) if not header.isSectionHidden(c))
        header.resizeSection(last, max(needed, view.viewport().width() - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def due_columns(today: date) -> list[Column[DueDose]]:
    def late(d: DueDose) -> str:
        days = (today - d.due).days
        return f"{days} day{'s' if days != 1 else ''} late" if days > 0 else \
            "today" if days == 0 else f"in {-days} day{'s' if days != -1 else ''}"
    return [
        Column[DueDose]("Patient", lambda d: f"{d.patient_name} ({d.patient_ref})"),
        Column[DueDose]("Drug", lambda d: product_name(d.next.product)),
        Column[DueDose]("Dose", lambda d: f"{d.next.mg:g} mg", align_right=True),
        Column[DueDose]("Due", lambda d: d.due.isoformat(),
                        attention=lambda d: "error" if d.due < today else None),
        Column[DueDose]("When", late),
        Column[DueDose]("Step", lambda d: d.next.step),
        Column[DueDose]("Last dose", lambda d: d.last_dose.isoformat()),
    ]


def read_lists(store: Store, session: Session, today: date,
               within_days: int | None) -> tuple[list[AttentionItem], list[DueDose]]:
    """What this session may see: patient alerts and the due list with patient access, the
    inventory's for everyone."""
    alerts: list[AttentionItem] = []
    due: list[DueDose] = []
    if allowed(session, "patients.read"):
        alerts, due = front_desk_lists(store, session, today, within_days=within_days)
    return sorted_items(alerts + inventory_alerts(store, session, today)), due


def act_on(source: Any, item: Any) -> None:
    """Ask for what the alert is about (the signals of `source`, a page or the panel): its
    patient, its lot, or the product's stock."""
    if item.patient_id is not None:
        source.open_patient.emit(item.patient_id)
    elif item.lot_id is not None:
        source.open_lot.emit(item.lot_id)
    elif item.product:
        source.open_product.emit(item.product)


def product_name(product: str) -> str:
    found = default_catalog().products.get(product)
    return found.name if found is not None else product


def counts_text(alerts: list[AttentionItem]) -> str:
    errors = sum(1 for a in alerts if a.alert.severity == "error")
    others = len(alerts) - errors
    if not alerts:
        return "Nothing needs attention."
    return (f"{errors} to act on now, {others} to plan for" if errors
            else f"{others} to plan for")


class AttentionPage(QWidget):
    """The Needs attention screen: alerts above, patients due without a planned visit below."""

    open_patient = Signal(int)
    open_lot = Signal(int)
    open_product = Signal(str)
    plan_visit = Signal(int)  # a patient id to start a visit for

    def __init__(self, store: Store, session: Session, clock: Clock, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionPage")
        self._store, self._session, self._clock, self._layout = store, session, clock, layout
        today = clock.now().date()
        self.alerts_model = RowsModel(alert_columns(), self)
        self.due_model = RowsModel(due_columns(today), self)
        self.summary = QLabel()
        set_role(self.summary, "muted")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("refreshAttention")
        self.refresh_button.clicked.connect(self.refresh)
        self.alerts_view = record_table(self.alerts_model, name="attentionTable",
                                        on_activate=lambda item: act_on(self, item))
        self.within = QSpinBox()
        self.within.setObjectName("dueWithin")
        self.within.setRange(0, 366)
        self.within.setValue(DUE_WITHIN_DAYS)
        self.within.setSuffix(" days")
        self.within.editingFinished.connect(self.refresh)
        within_label = QLabel("Due &within")
        within_label.setBuddy(self.within)
        self.due_view = record_table(self.due_model, name="dueTable",
                                     on_activate=lambda d: self.open_patient.emit(
                                         getattr(d, "patient_id")))
        self.plan_button = QPushButton("&Plan a visit")
        self.plan_button.setObjectName("planVisit")
        self.plan_button.setToolTip("Start a visit for the chosen patient (date it the day "
                                    "the dose is planned)")
        self.plan_button.clicked.connect(self._plan)
        gate(self.plan_button, session, "visits.draft")
        self.due_box = QGroupBox("Due for a dose, no visit planned")
        due_top = QHBoxLayout()
        due_top.addWidget(within_label)
        due_top.addWidget(self.within)
        due_top.addStretch(1)
        due_top.addWidget(self.plan_button)
        due_layout = QVBoxLayout(self.due_box)
        due_layout.addLayout(due_top)
        due_layout.addWidget(self.due_view)
        self.due_box.setVisible(allowed(session, "patients.read"))
        top = QHBoxLayout()
        top.addWidget(heading("Needs attention"))
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.summary)
        page.addWidget(self.alerts_view, 3)
        page.addWidget(self.due_box, 2)
        self.detail_width = DetailWidth(self.alerts_view)
        self.refresh()
        fit_columns(self.alerts_view, layout)
        fit_columns(self.due_view, layout)
        self.detail_width.fit()

    def refresh(self) -> None:
        today = self._clock.now().date()
        within = self.within.value() if allowed(self._session, "patients.read") else None
        alerts, due = read_lists(self._store, self._session, today, within)
        self.alerts_model.set_rows(alerts)
        self.detail_width.fit()
        self.due_model.set_rows(due)
        self.summary.setText(f"{counts_text(alerts)}  \u00b7  {len(due)} patient"
                             f"{'s' if len(due) != 1 else ''} due within "
                             f"{self.within.value()} days without a planned visit"
                             if within is not None else counts_text(alerts))

    def _plan(self) -> None:
        index = self.due_view.currentIndex()
        due = self.due_model.record(index.row()) if index.isValid() else None
        if due is not None and self.plan_button.isEnabled():
            self.plan_visit.emit(due.patient_id)

    def focus_table(self) -> None:
        """Ctrl+8: the keyboard in the alerts (the due list when there are none)."""
        view = self.alerts_view if self.alerts_model.rowCount() or not \
            self.due_box.isVisible() else self.due_view
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if view.model().rowCount() and not view.currentIndex().isValid():
            view.selectRow(0)

    def save_layout(self) -> None:
        remember_columns(self.alerts_view, self._layout)
        remember_columns(self.due_view, self._layout)


class AttentionPanel(QGroupBox):
    """Today's few alerts first (errors first) and how many more there are; Enter opens one."""

    open_patient = Signal(int)
    open_lot = Signal(int)
    open_product = Signal(str)
    show_all = Signal()

    def __init__(self, store: Store, session: Session, clock: Clock,
                 parent: QWidget | None = None) -> None:
        super().__init__("Needs attention", parent)
        self.setObjectName("todayAttention")
        self._store, self._session, self._clock = store, session, clock
        self._read_at: float | None = None
        # Read off the UI thread with a connection of its own (ui/attention_reader.py).
        self._reader = BackgroundRead(
            store, session, lambda own, who, day: read_lists(own, who, day, None), self)
        self._reader.done.connect(self._show)
        self._pending = False  # asked to read while hidden: read when shown
        self.model = RowsModel(alert_columns(), self)
        self.count = QLabel("Checking authorizations, benefits and stock\u2026")
        set_role(self.count, "muted")
        self.all_button = QPushButton("All a&lerts\u2026")
        self.all_button.setObjectName("allAlerts")
        self.all_button.setToolTip("Needs attention, with the patients due for a dose (Ctrl+8)")
        self.all_button.clicked.connect(self.show_all)
        self.view: QTableView = record_table(self.model, name="todayAttentionTable",
                                             on_activate=lambda item: act_on(self, item))
        fit_height(self.view, least=1, most=TODAY_ROWS)
        self.detail_width = DetailWidth(self.view)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.all_button)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addWidget(self.view)
        self.view.hide()

    def load_soon(self) -> None:
        """Read the lists once the event loop is free (after the day's visits show)."""
        QTimer.singleShot(0, self, self.load)

    def load(self) -> None:
        """Read the lists now; while hidden (another screen in front, the window closed or
        locked), once Today shows again."""
        if not self.isVisible():
            self._pending = True
            return
        self._pending = False
        self._reader.start(self._clock.now().date())

    def _show(self, outcome: ReadOutcome) -> None:
        if outcome.error is not None:  # busy a moment, or gone: Today's next reload tries again
            self.count.setText(f"Could not check what needs attention: {outcome.error}")
            return
        alerts, _due = outcome.lists
        self._read_at = time.monotonic()
        self.model.set_rows(alerts[:TODAY_ROWS])
        more = len(alerts) - TODAY_ROWS
        self.count.setText(counts_text(alerts) + (f" (the first {TODAY_ROWS} below; "
                                                  f"{more} more in All alerts)"
                                                  if more > 0 else ""))
        self.view.setVisible(bool(alerts))
        fit_height(self.view, least=1, most=TODAY_ROWS)
        fit_columns(self.view)
        self.detail_width.fit()
        if self.view.horizontalHeader().length() > self.view.viewport().width():
            self.view.setFixedHeight(self.view.height()  # the rows above the scroll bar
                                     + self.view.horizontalScrollBar().sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._pending:
            self.load_soon()

    def refresh(self) -> None:
        """Today reloaded: read again if the last reading is over a minute old."""
        if self._reader.busy:
            return  # a reading is under way
        if self._read_at is None or time.monotonic() - self._read_at >= TODAY_EVERY_S:
            self.load_soon()

    @property
    def loaded(self) -> bool:
        return self._read_at is not None


def open_from(window: Any, source: Any) -> None:
    """Connect `source`'s requests (the page's or Today's panel's) to the main window: the
    patient on Patients, the lot or the product's stock on Inventory, with the keyboard there."""
    source.open_patient.connect(lambda patient_id: show_patient(window, patient_id))
    source.open_lot.connect(lambda lot_id: show_lot(window, lot_id))
    source.open_product.connect(lambda product: show_stock(window, product))


def show_patient(window: Any, patient_id: int) -> None:
    if not window.may("patients.read"):
        return
    page = window.show_page("patients")
    page.select_patient(patient_id)
    page.list_view.setFocus(Qt.FocusReason.OtherFocusReason)


def show_lot(window: Any, lot_id: int) -> None:
    """Inventory listing the lots expiring within its days, this one chosen."""
    _inventory_row(window, "expiring", lambda lot: lot.id == lot_id)


def show_stock(window: Any, product: str) -> None:
    """Inventory listing the lots in stock, the product's first one chosen."""
    _inventory_row(window, "in_stock", lambda lot: lot.product == product)


def _inventory_row(window: Any, lot_filter: str, wanted: Any) -> None:
    from ocrebill_gui.ui.views import select_row

    page = window.show_page("inventory")
    page.filter.setCurrentIndex(page.filter.findData(lot_filter))
    rows = page.model.records()
    row = next((n for n, lot in enumerate(rows) if wanted(lot)), 0 if rows else -1)
    if row >= 0:
        select_row(page.view, row)
    page.view.setFocus(Qt.FocusReason.OtherFocusReason)

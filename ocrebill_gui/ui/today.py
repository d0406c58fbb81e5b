"""The main window's first page: the visits of a day (today unless another day is picked),
with status, patient, product, setting, payer and how many findings each claim has; below
them, what needs attention (ui/attention.py: the first alerts, Enter opens one)."""

from __future__ import annotations

from datetime import date, timedelta

from ocrebill_gui import store as api
from ocrebill_gui.store import Store, VisitSummary
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.clock import Clock, SystemClock
from ocrebill_gui.ui.long_run_watch import LongRunWatch
from ocrebill_gui.ui.models.visits import DayVisitsModel
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QDate,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, heading, record_table, remember_columns


class TodayPage(QWidget):
    """A day's visits; Enter or double-click opens one in the visit editor."""

    open_visit = Signal(int)
    new_visit = Signal()

    def __init__(self, store: Store, today: date, layout: WindowLayout, session: Session,
                 parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self._today, self._layout = today, layout
        payer_names = {p.id: p.name for p, _mine in api.payer_profiles(store)}
        self.model = DayVisitsModel(store, session, today, payer_names, parent=self)
        # Infusions past their label's time plus an hour: a red line and a note in the list.
        self.long_runs = LongRunWatch(store, session, self.model, clock or SystemClock(), self)
        self.title = heading("")
        self.summary = QLabel()
        set_role(self.summary, "muted")
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setObjectName("dayPicker")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(lambda d: self.show_day(date(d.year(), d.month(), d.day())))
        day_label = QLabel("&Day")
        day_label.setBuddy(self.day)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip("Previous day (Alt+Left)")  # View > Previous day
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip("Next day (Alt+Right)")  # View > Next day
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button = QPushButton("&Today")
        self.today_button.clicked.connect(lambda: self.show_day(self._today))
        self.new_button = QPushButton("&New visit")
        self.new_button.setToolTip("Start a visit (Ctrl+N)")
        self.new_button.clicked.connect(self.new_visit)
        gate(self.new_button, session, "visits.draft")
        self.view = record_table(self.model, name="todayTable",
                                 on_activate=self._activated)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.empty, "muted")
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for widget in (day_label, self.previous_button, self.day, self.next_button,
                       self.today_button, self.new_button):
            top.addWidget(widget)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(self.summary)
        page.addWidget(self.long_runs.banner)
        page.addWidget(self.stack, 1)
        fit_columns(self.view, layout)
        self._update_labels()
        # issue 13: alerts the front desk acts on, read once the day's visits show
        from ocrebill_gui.ui.attention import AttentionPanel

        self.attention = AttentionPanel(store, session, clock or SystemClock(), self)
        page.addWidget(self.attention)
        self.attention.load_soon()

    def show_day(self, day: date) -> None:
        if day != self.model.day:
            self.model.set_day(day)
            self.day.setDate(QDate(day.year, day.month, day.day))
            self._update_labels()

    def step(self, days: int) -> None:
        """`days` before or after the day shown; 0: back to today."""
        self.show_day(self.model.day + timedelta(days=days) if days else self._today)

    def refresh(self) -> None:
        """Reload after a visit was saved or finalized, keeping the selected row."""
        row = self.view.currentIndex().row()
        self.model.reload()
        if 0 <= row < self.model.rowCount():
            self.view.selectRow(row)
        self._update_labels()
        self.attention.refresh()

    def _update_labels(self) -> None:
        self.long_runs.check()
        day = self.model.day
        name = "Today" if day == self._today else day.strftime("%A")
        self.title.setText(f"{name}, {day.strftime('%B')} {day.day}, {day.year}")
        visits = self.model.records()
        drafts = sum(1 for v in visits if v.status == "draft")
        with_errors = sum(1 for v in visits if v.errors)
        running = sum(1 for v in visits if v.running)
        more = "+" if self.model.canFetchMore() else ""
        self.summary.setText(
            f"{len(visits)}{more} visit{'s' if len(visits) != 1 else ''}  \u00b7  {drafts} "
            f"draft{'s' if drafts != 1 else ''}"
            + (f" ({running} running" + (f", {len(self.long_runs.runs)} too long"
                                         if self.long_runs.runs else "") + ")"
               if running else "")
            + f"  \u00b7  {len(visits) - drafts} finalized  "
            f"\u00b7  {with_errors} with errors to fix before billing" if visits else "")
        if visits:
            self.stack.setCurrentWidget(self.view)
        else:
            self.empty.setText("No visits on this day."
                               + (" Press Ctrl+N to start one."
                                  if self.new_button.isEnabled() else ""))
            self.stack.setCurrentWidget(self.empty)

    def _activated(self, visit: VisitSummary) -> None:
        self.open_visit.emit(visit.id)

    def focus_table(self) -> None:
        """The keyboard goes to the day's list, or to New visit on a day without visits."""
        if not self.model.rowCount():
            self.new_button.setFocus()
            return
        self.view.setFocus()
        if not self.view.currentIndex().isValid():
            self.view.selectRow(0)

    def save_layout(self) -> None:
        remember_columns(self.view, self._layout)

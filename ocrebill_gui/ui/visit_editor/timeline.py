"""The nurse's timeline for one administration: big Start/Pause/Resume/Stop buttons.

Each button stamps the injected clock's current minute, or the time typed in the box beside
them (0930, 9:30, 09:30). Every recorded time stays editable in the event list; Undo puts the
list back as it was before its last change. While an infusion runs, its running minutes count
live and a red banner says since when it runs without a stop time.
"""

from __future__ import annotations

from datetime import datetime

from ocrebill_gui.editing.live_timeline import LiveState, live_state
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.editing.timeparse import TimeFormatError, parse_time
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QFont,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPalette,
    QPushButton,
    QSizePolicy,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.visit_editor.palette import banner_background, severity_color
from ocrebill_gui.ui.visit_editor.timeline_model import (
    KIND_LABELS,
    TimelineEventsModel,
    out_of_place,
)

# Keys of the timeline buttons; the editor routes them to the timeline in use.
SHORTCUTS = {"start": "F5", "pause": "F6", "resume": "F7", "stop": "F8", "given": "F5"}
LABELS = KIND_LABELS  # the buttons say what the event list says


class RunningBanner(QLabel):
    """'Infusion running since 09:00 - no stop time': red, bold, impossible to miss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runningBanner")
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setMargin(8)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.hide()

    def show_text(self, text: str | None) -> None:
        if not text:
            self.hide()
            return
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, banner_background(palette))
        palette.setColor(QPalette.ColorRole.WindowText, severity_color(palette, "error"))
        self.setPalette(palette)
        self.setText(text)
        self.show()


FINALIZED_OPEN = ("Finalized without a stop time: the claim was billed without this infusion's "
                  "time codes. Amend the visit to record the stop.")


def running_text(state: LiveState) -> str | None:
    """The banner text for an infusion that has started and not stopped."""
    if not state.open or state.started is None:
        return None
    if state.phase == "paused" and state.since is not None:
        return (f"Infusion paused since {state.since:%H:%M} (started {state.started:%H:%M}) "
                "\u2014 no stop time")
    return f"Infusion running since {state.started:%H:%M} \u2014 no stop time"


class TimelineWidget(QFrame):
    """Buttons, a time box, the running minutes and the editable event list."""

    def __init__(self, presenter: VisitPresenter, admin_index: int, clock: Clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.presenter = presenter
        self.admin_index = admin_index
        self.clock = clock
        self.state: LiveState | None = None

        self.banner = RunningBanner(self)
        self.time_box = QLineEdit(self)
        self.time_box.setObjectName("timelineTime")
        self.time_box.setPlaceholderText("now")
        self.time_box.setToolTip("Leave empty to stamp the current time, or type the time the "
                                 "event happened: 0930, 9:30 or 09:30")
        self.time_box.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:00 now") + 24)
        self.time_box.textEdited.connect(self._check_typed_time)
        self.time_message = FieldMessage(self)
        self.running = QLabel(self)
        self.running.setObjectName("runningMinutes")
        big = QFont(self.running.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.running.setFont(big)

        self.buttons: dict[str, QPushButton] = {}
        button_row = QHBoxLayout()
        for kind in self.kinds:
            button = QPushButton(f"{LABELS[kind]}\n{SHORTCUTS[kind]}", self)
            button.setObjectName(f"timeline_{kind}")
            button.setToolTip(f"{LABELS[kind]}: stamp the current time, or the time typed "
                              f"beside ({SHORTCUTS[kind]})")
            button.setMinimumHeight(self.fontMetrics().height() * 3 + 12)
            button.setMinimumWidth(self.fontMetrics().horizontalAdvance("Resume") * 2)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, k=kind: self.press(k))
            self.buttons[kind] = button
            button_row.addWidget(button)

        self.message = FieldMessage(self)
        self.model = TimelineEventsModel(presenter, admin_index, self, now=clock.now,
                                         refused=self.message.show_message)
        self.events_view = QTableView(self)
        self.events_view.setObjectName("timelineEvents")
        self.events_view.setModel(self.model)
        self.events_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.events_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed
                                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.events_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Room for start, pause, resume and stop without scrolling (the header, four rows).
        row = self.events_view.verticalHeader().defaultSectionSize()
        header = self.events_view.horizontalHeader().sizeHint().height()
        self.events_view.setFixedHeight(header + row * 4 + 2 * self.events_view.frameWidth())
        self.events_view.setToolTip("Select a time and type the new one (0930, 9:30, 09:30)")

        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setObjectName("timelineUndo")
        self.undo_button.setToolTip("Put the timeline back as it was before its last change "
                                    "(Ctrl+Z: the visit's last change, whichever it was)")
        self.undo_button.clicked.connect(self.undo)
        self.delete_button = QPushButton("Delete event", self)
        self.delete_button.setObjectName("timelineDelete")
        self.delete_button.clicked.connect(self.delete_selected)

        entry = QHBoxLayout()
        self.at_label = QLabel("At", self)  # the card gives it Alt+A while in use
        self.at_label.setBuddy(self.time_box)
        entry.addWidget(self.at_label)
        entry.addWidget(self.time_box)
        entry.addWidget(self.time_message, 1)
        entry.addStretch(0)
        entry.addWidget(self.running)
        side = QVBoxLayout()
        side.addWidget(self.undo_button)
        side.addWidget(self.delete_button)
        side.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.events_view, 0, 0)
        grid.addLayout(side, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(button_row)
        layout.addLayout(entry)
        layout.addLayout(grid)
        layout.addWidget(self.message)

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.setTabOrder(self.time_box, self.events_view)
        self.refresh()

    # -- reading the administration ----------------------------------------------------------
    @property
    def infusion(self) -> bool:
        admin = self.presenter.administrations[self.admin_index]
        return admin.get("route") == "iv_infusion"

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("start", "pause", "resume", "stop") if self.infusion else ("given",)

    def refresh(self) -> None:
        """Redraw from the presenter: events, allowed buttons, minutes, banner."""
        self.model.refresh()
        self.tick()
        read_only = self.presenter.read_only
        self.time_box.setReadOnly(read_only)
        self.undo_button.setEnabled(not read_only and self.presenter.can_undo_events(
            self.admin_index))
        self.delete_button.setEnabled(not read_only and self.model.rowCount() > 0)

    def tick(self) -> None:
        """Recount the minutes up to the clock's now (every second while it runs)."""
        events = self.presenter.events(self.admin_index)
        state = live_state(events, self.clock.now(), infusion=self.infusion,
                           zone=self.presenter.zone)
        self.state = state
        read_only = self.presenter.read_only
        for kind, button in self.buttons.items():
            button.setEnabled(not read_only and kind in state.allowed)
        if self.presenter.finalized and state.open:  # billed without a stop: nothing runs on
            self.running.setText("No stop time")
            self.banner.show_text(FINALIZED_OPEN)
            self.ticker.stop()
            return
        self.running.setText(_minutes_text(state))
        self.banner.show_text(running_text(state))
        if state.phase == "running" and not self.ticker.isActive():
            self.ticker.start()
        elif state.phase != "running" and self.ticker.isActive():
            self.ticker.stop()

    # -- actions -----------------------------------------------------------------------------
    def _check_typed_time(self, text: str) -> bool:
        if not text.strip():
            self.time_message.show_message(None)
            return True
        try:
            parse_time(text)
        except TimeFormatError as exc:
            self.time_message.show_message(str(exc))
            return False
        self.time_message.show_message(None)
        return True

    def moment(self) -> datetime | None:
        """The time a button press stamps: the typed time on the visit's day, else now."""
        text = self.time_box.text()
        if not text.strip():
            return self.clock.now().replace(second=0, microsecond=0)
        if not self._check_typed_time(text):
            return None
        now = self.clock.now()
        day = self.presenter.date_of_service or now.date()
        at = datetime.combine(day, parse_time(text))
        events = self.presenter.events(self.admin_index)
        refused = out_of_place(events, len(events), at, now)  # the rules of a correction too
        if refused:
            self.time_message.show_message(refused)
            return None
        return at

    def press(self, kind: str) -> bool:
        """Stamp an event of `kind` if the timeline allows it now; True when recorded."""
        if self.presenter.read_only or self.state is None or kind not in self.state.allowed:
            return False
        at = self.moment()
        if at is None:
            self.time_box.setFocus()
            return False
        self.presenter.stamp(self.admin_index, kind, at)
        self.time_box.clear()
        return True

    def undo(self) -> None:
        self.presenter.undo_events(self.admin_index)

    def delete_selected(self) -> None:
        rows = self.events_view.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.model.rowCount() - 1
        if row >= 0:
            self.presenter.delete_event(self.admin_index, row)

    def focus_events(self, path: str = "") -> None:
        """Where a finding about the events puts the cursor: the event it names (or the last
        one) in the list, else the first button that can be pressed."""
        rows = self.model.rowCount()
        if rows:
            row = rows - 1
            marker = ".events["
            if marker in path:
                row = min(rows - 1, int(path.split(marker, 1)[1].split("]", 1)[0]))
            self.events_view.setCurrentIndex(self.model.index(row, TimelineEventsModel.TIME))
            self.events_view.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            enabled = [b for b in self.buttons.values() if b.isEnabled()]
            (enabled[0] if enabled else self.time_box).setFocus(Qt.FocusReason.OtherFocusReason)


def _minutes_text(state: LiveState) -> str:
    if state.phase == "running":
        return f"Running {state.running_minutes} min"
    if state.phase == "paused":
        return f"Paused \u00b7 {state.running_minutes} min run"
    if state.phase == "stopped":
        paused = f", {state.paused_minutes} paused" if state.paused_minutes else ""
        return f"{state.running_minutes} running min{paused}"
    if state.phase == "given":
        return f"Given {state.since:%H:%M}" if state.since else "Given"
    return "Not started" if state.phase == "not_started" else "Not given yet"

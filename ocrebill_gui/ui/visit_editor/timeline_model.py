"""The event list of one administration as a Qt table: kind and time, times editable.

Edits go through the presenter (so they are undoable and recompute the claim); a time that
cannot be read, that is later than now, or that would put the event before the one above it or
after the one below is refused and reported beside the list, and the cell keeps its old value.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.editing.timeparse import TimeFormatError, parse_time
from ocrebill_gui.ui.qt import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

AnyIndex = QModelIndex | QPersistentModelIndex

KIND_LABELS = {"start": "Start", "pause": "Pause", "resume": "Resume", "stop": "Stop",
               "given": "Given"}


class TimelineEventsModel(QAbstractTableModel):
    """Rows are the administration's events in the order recorded."""

    COLUMNS = ("Event", "Time")
    KIND, TIME = range(2)

    def __init__(self, presenter: VisitPresenter, admin_index: int,
                 parent: QObject | None = None, *,
                 now: Callable[[], datetime] = datetime.now,
                 refused: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.admin_index = admin_index
        self._now = now
        # Where a refused edit is explained. The document keeps its old, valid time, so this
        # is no input problem of the visit (the preview stays current, finalizing stays open).
        self._refused = refused or (lambda _message: None)
        self._events: list[dict] = []
        self.refresh()

    def refresh(self) -> None:
        """Re-read the events from the presenter (after any edit)."""
        admins = self.presenter.administrations
        events = admins[self.admin_index].get("events", []) if self.admin_index < len(
            admins) else []
        if events == self._events:
            return
        if len(events) == len(self._events) and self._events:
            # Same rows, new values (a time was edited): no reset under an open editor.
            self._events = [dict(e) for e in events]
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(events) - 1, len(self.COLUMNS) - 1))
            return
        self.beginResetModel()
        self._events = [dict(e) for e in events]
        self.endResetModel()

    def path(self, row: int) -> str:
        return f"administrations[{self.admin_index}].events[{row}].at"

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._events):
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.TIME and not self.presenter.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == self.KIND:
                return KIND_LABELS.get(event.get("kind", ""), event.get("kind", ""))
            return self._time_text(event.get("at", ""))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.TIME:
            return "Type a time (0930, 9:30 or 09:30) and press Enter"
        return None

    def _time_text(self, at: str) -> str:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            return at
        day = self.presenter.date_of_service
        return moment.strftime("%H:%M" if day == moment.date() else "%Y-%m-%d %H:%M")

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() \
                or index.column() != self.TIME or self.presenter.read_only:
            return False
        row = index.row()
        try:
            typed = parse_time(str(value))
        except TimeFormatError as exc:
            self._refused(f"event {row + 1}: {exc}")
            return False
        old = datetime.fromisoformat(self._events[row]["at"])
        at = datetime.combine(old.date(), typed)
        refused = self._out_of_place(row, at)
        if refused:
            self._refused(f"event {row + 1}: {refused}")
            return False
        self.presenter.retime_event(self.admin_index, row, at)
        return True

    def _out_of_place(self, row: int, at: datetime) -> str | None:
        return out_of_place(self._events, row, at, self._now())


def out_of_place(events: list[dict], row: int, at: datetime, now: datetime) -> str | None:
    """Why `at` cannot be the time of event `row` (row == len(events): a new one), or None:
    an event is recorded when it happens (not later than now) and in order, between the
    event before it and the one after it."""
    now = now.replace(second=0, microsecond=0)
    if at > now:
        return f"{at:%H:%M} is later than now ({now:%H:%M}): an event is recorded when it happens"
    for neighbour, wrong in ((row - 1, operator.lt), (row + 1, operator.gt)):
        if not 0 <= neighbour < len(events):
            continue
        try:
            other = datetime.fromisoformat(events[neighbour]["at"])
        except (KeyError, TypeError, ValueError):
            continue
        if wrong(at, other):
            kind = KIND_LABELS.get(events[neighbour].get("kind", ""), "event")
            side = "before" if neighbour < row else "after"
            return f"{at:%H:%M} would be {side} the {kind} at {other:%H:%M}"
    return None

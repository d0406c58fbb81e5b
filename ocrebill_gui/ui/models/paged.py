"""A read-only table model over store records, fetched a page at a time as the view scrolls.

Each model says what its columns are (`Column`: title, text, optional tooltip, sort key and
"attention" flag) and how to fetch a page (`fetch(limit, offset) -> list`). Views ask Qt's
canFetchMore/fetchMore as they scroll, so a 100,000-visit list costs one page at start.

A click on a column header sorts: a column with a `sort_key` is sorted by the store, in SQL
(`order`, "-key" descending, passed on by each model's fetch), and the pages start again; a
list that fits in one page sorts its rows by the column's text instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ocrebill_gui.ui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from ocrebill_gui.ui.style import accent

R = TypeVar("R")
PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its title and how to show a record in it."""

    title: str
    text: Callable[[R], str]
    tooltip: Callable[[R], str | None] | None = None
    # A severity ('error', 'warning', 'info', 'ok') that colours the cell, or None.
    attention: Callable[[R], str | None] | None = None
    align_right: bool = False
    sort_key: str | None = None  # the store's key for sorting by this column in SQL


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Rows are records from `fetch`; more pages come when the view scrolls to the end."""

    def __init__(self, columns: Sequence[Column[R]],
                 fetch: Callable[[int, int], list[R]], *, page_size: int = PAGE_SIZE,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch = fetch
        self._page_size = page_size
        self._rows: list[R] = []
        self._more = True
        self.order: str | None = None  # the store's sort key ("-key": descending), or None
        self._local_sort: tuple[int, bool] | None = None  # (column, descending) of one page
        self.reload()

    # -- contents --------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the first page again (after a save elsewhere)."""
        self.beginResetModel()
        self._rows = self._fetch(self._page_size, 0)
        self._more = len(self._rows) == self._page_size
        if self._local_sort is not None and not self._more:
            self._sort_rows(*self._local_sort)
        self.endResetModel()

    # -- sorting ---------------------------------------------------------------------------

    @property
    def sortable(self) -> bool:
        """Whether a header click can sort: columns the store sorts, or a single page."""
        return any(c.sort_key for c in self._columns) or not self._more

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if not 0 <= column < len(self._columns):  # the indicator cleared: the list's own order
            if self.order is None and self._local_sort is None:
                return
            self.order, self._local_sort = None, None
            self.reload()
            return
        key = self._columns[column].sort_key
        if key:
            wanted = f"-{key}" if descending else key
            if wanted != self.order:
                self.order, self._local_sort = wanted, None
                self.reload()
        elif not self._more:
            self._local_sort = (column, descending)
            self.layoutAboutToBeChanged.emit()
            self._sort_rows(column, descending)
            self.layoutChanged.emit()

    def _sort_rows(self, column: int, descending: bool) -> None:
        text = self._columns[column].text
        self._rows.sort(key=lambda r: text(r).casefold(), reverse=descending)

    def record(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def records(self) -> list[R]:
        return list(self._rows)

    # -- paging ----------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._more:
            return
        page = self._fetch(self._page_size, len(self._rows))
        self._more = len(page) == self._page_size
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._columns)):
            return self._columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, QAbstractTableModel.CheckIndexOption.IndexIsValid):
            return None
        record, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.attention is not None:
            severity = column.attention(record)
            return accent(severity) if severity else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

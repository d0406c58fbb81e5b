"""Table views set up the same way everywhere: whole-row selection, keyboard activation,
column widths fitted to the first page, then remembered with the window layout."""

from __future__ import annotations

from collections.abc import Callable

from ocrebill_gui.ui.models.paged import PagedTableModel, R
from ocrebill_gui.ui.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QHeaderView,
    QItemSelectionModel,
    QLabel,
    QModelIndex,
    QScrollArea,
    QSplitter,
    Qt,
    QTableView,
    QWidget,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role


def read_only_table(model: QAbstractItemModel, *, name: str, parent: QWidget | None = None,
                    multi: bool = False) -> QTableView:
    """A table that shows rows without editing them: whole rows selected (one, or several
    with `multi`), no row numbers, the last column taking the spare width."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def record_table(model: PagedTableModel[R], *, name: str, parent: QWidget | None = None,
                 on_activate: Callable[[R], None] | None = None) -> QTableView:
    """A table of records; Enter or double-click calls `on_activate(record)`."""
    view = read_only_table(model, name=name, parent=parent)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move between fields
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(40)  # fit columns to a sample of rows, not all of them
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    if model.sortable:  # a header click sorts (in SQL for a paged list: models/paged.py)
        header.setSortIndicatorClearable(True)  # a third click: the list's own order again
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    if on_activate is not None:
        def activate(index: QModelIndex) -> None:
            record = model.record(index.row())
            if record is not None:
                on_activate(record)
        view.activated.connect(activate)
    return view


def fit_columns(view: QTableView, layout: WindowLayout | None = None) -> None:
    """Columns as wide as the loaded rows need (capped), unless the user set widths before."""
    header = view.horizontalHeader()
    em = view.fontMetrics().averageCharWidth()
    view.resizeColumnsToContents()
    for column in range(header.count() - 1):
        header.resizeSection(column, min(max(header.sectionSize(column) + 2 * em, 8 * em),
                                         60 * em))
    if layout is not None:
        layout.restore_part(f"header/{view.objectName()}", header)
        if view.isSortingEnabled():  # widths and order kept; the rows in the list's own order
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # (a layout saved
            # before sorting held "column 0, descending", Qt's default: lists came reversed)


def fit_height(view: QTableView, *, least: int = 2, most: int = 8) -> None:
    """A short table as tall as its rows (between `least` and `most` of them), no taller."""
    rows = min(max(view.model().rowCount(), least), most)
    height = (view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
              + rows * view.verticalHeader().defaultSectionSize())
    view.setFixedHeight(height)


def remember_columns(view: QTableView, layout: WindowLayout) -> None:
    layout.save_part(f"header/{view.objectName()}", view.horizontalHeader())


def select_row(view: QTableView, row: int) -> None:
    """Make `row` the current, selected and visible row."""
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    view.scrollTo(index)


def list_and_detail(master: QWidget, detail: QWidget, *, name: str, layout: WindowLayout,
                    sizes: tuple[int, int]) -> QSplitter:
    """A list on the left, its chosen record's form scrolling on the right; the divider is
    remembered (`sizes` the first time)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
    scroll.setWidget(detail)
    master_layout = master.layout()
    assert master_layout is not None, "the list's widget has its layout"
    master_layout.setContentsMargins(0, 0, 6, 0)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName(name)
    splitter.addWidget(master)
    splitter.addWidget(scroll)
    splitter.setChildrenCollapsible(False)
    if not layout.restore_part(name, splitter):
        splitter.setSizes(list(sizes))
    return splitter


def heading(text: str, role: str = "title") -> QLabel:
    label = QLabel(text)
    set_role(label, role)
    return label

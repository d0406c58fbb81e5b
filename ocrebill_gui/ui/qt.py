"""The one Qt import seam: every ui module imports Qt names from here, never from PySide6.

One place for shims, version checks and the lint rule that keeps Qt out of core/store/reports
(qutebrowser's `qt/` package habit). Add names to `_NAMES` as the app needs them, and to the
TYPE_CHECKING imports below them, which give mypy the real classes (tests/test_qt_seam.py
checks the two agree); keep the lists sorted. A name is fetched from PySide6 the first time
someone imports it from here (PEP 562 module `__getattr__`): PySide6 builds each Qt class on
first access, and building all of them up front cost ~80 ms of start-up, a third of a bare
window's. Optional modules
(QtPrintSupport) are imported lazily through small functions so they stay off the start-up path.
"""

from __future__ import annotations

import linecache
import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

_NAMES: dict[str, tuple[str, ...]] = {
    "PySide6.QtCore": (
        "QAbstractItemModel",
        "QAbstractListModel",
        "QAbstractTableModel",
        "QByteArray",
        "QDate",
        "QDateTime",
        "QEvent",
        "QEventLoop",
        "QItemSelectionModel",
        "QLibraryInfo",
        "QLocale",
        "QMargins",
        "QModelIndex",
        "QObject",
        "QPersistentModelIndex",
        "QPoint",
        "QPointF",
        "QRect",
        "QRegularExpression",
        "QSettings",
        "QSocketNotifier",
        "QSize",
        "QSortFilterProxyModel",
        "QStringListModel",
        "Qt",
        "QTime",
        "QTimer",
        "QUrl",
        "Signal",
        "Slot",
    ),
    "PySide6.QtGui": (
        "QAction",
        "QActionGroup",
        "QBrush",
        "QColor",
        "QCloseEvent",
        "QDesktopServices",
        "QFocusEvent",
        "QFont",
        "QFontMetrics",
        "QGuiApplication",
        "QIcon",
        "QImage",
        "QKeyEvent",
        "QKeySequence",
        "QPageLayout",
        "QPageSize",
        "QPainter",
        "QPalette",
        "QPixmap",
        "QRegularExpressionValidator",
        "QShortcut",
        "QShowEvent",
        "QStandardItem",
        "QStandardItemModel",
        "QUndoCommand",
        "QUndoStack",
        "QValidator",
        "QWheelEvent",
    ),
    # Only when someone prints (print_support() or these names, imported where they print).
    "PySide6.QtPrintSupport": ("QPrintDialog", "QPrintPreviewDialog", "QPrinter"),
    "PySide6.QtWidgets": (
        "QAbstractItemView",
        "QAbstractScrollArea",
        "QAbstractSpinBox",
        "QApplication",
        "QCheckBox",
        "QComboBox",
        "QCompleter",
        "QDateEdit",
        "QDialog",
        "QDialogButtonBox",
        "QDoubleSpinBox",
        "QFileDialog",
        "QFormLayout",
        "QFrame",
        "QGridLayout",
        "QGroupBox",
        "QHBoxLayout",
        "QHeaderView",
        "QInputDialog",
        "QLabel",
        "QLineEdit",
        "QListView",
        "QListWidget",
        "QMainWindow",
        "QMenu",
        "QMessageBox",
        "QPlainTextEdit",
        "QProgressDialog",
        "QPushButton",
        "QScrollArea",
        "QSizePolicy",
        "QSpinBox",
        "QSplitter",
        "QStackedWidget",
        "QStatusBar",
        "QStyle",
        "QTabBar",
        "QTableView",
        "QTabWidget",
        "QTextEdit",
        "QToolBar",
        "QToolButton",
        "QTreeView",
        "QVBoxLayout",
        "QWidget",
    ),
}

if TYPE_CHECKING:  # mypy sees the real classes (PySide6's .pyi stubs), not __getattr__'s Any
    from PySide6.QtCore import (
        QAbstractItemModel,
        QAbstractListModel,
        QAbstractTableModel,
        QByteArray,
        QDate,
        QDateTime,
        QEvent,
        QEventLoop,
        QItemSelectionModel,
        QLibraryInfo,
        QLocale,
        QMargins,
        QModelIndex,
        QObject,
        QPersistentModelIndex,
        QPoint,
        QPointF,
        QRect,
        QRegularExpression,
        QSettings,
        QSocketNotifier,
        QSize,
        QSortFilterProxyModel,
        QStringListModel,
        Qt,
        QTime,
        QTimer,
        QUrl,
        Signal,
        Slot,
    )
    from PySide6.QtGui import (
        QAction,
        QActionGroup,
        QBrush,
        QColor,
        QCloseEvent,
        QDesktopServices,
        QFocusEvent,
        QFont,
        QFontMetrics,
        QGuiApplication,
        QIcon,
        QImage,
        QKeyEvent,
        QKeySequence,
        QPageLayout,
        QPageSize,
        QPainter,
        QPalette,
        QPixmap,
        QRegularExpressionValidator,
        QShortcut,
        QShowEvent,
        QStandardItem,
        QStandardItemModel,
        QUndoCommand,
        QUndoStack,
        QValidator,
        QWheelEvent,
    )
    from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog, QPrinter
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QAbstractScrollArea,
        QAbstractSpinBox,
        QApplication,
        QCheckBox,
        QComboBox,
        QCompleter,
        QDateEdit,
        QDialog,
        QDialogButtonBox,
        QDoubleSpinBox,
        QFileDialog,
        QFormLayout,
        QFrame,
        QGridLayout,
        QGroupBox,
        QHBoxLayout,
        QHeaderView,
        QInputDialog,
        QLabel,
        QLineEdit,
        QListView,
        QListWidget,
        QMainWindow,
        QMenu,
        QMessageBox,
        QPlainTextEdit,
        QProgressDialog,
        QPushButton,
        QScrollArea,
        QSizePolicy,
        QSpinBox,
        QSplitter,
        QStackedWidget,
        QStatusBar,
        QStyle,
        QTabBar,
        QTableView,
        QTabWidget,
        QTextEdit,
        QToolBar,
        QToolButton,
        QTreeView,
        QVBoxLayout,
        QWidget,
    )

_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """`from ocrebill_gui.ui.qt import QLabel`: fetch QLabel from PySide6 now, once."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"ocrebill_gui.ui.qt has no {name!r}: add it to _NAMES")
    value = getattr(import_module(module), name)
    globals()[name] = value
    _spare_the_line_cache()
    return value


def _spare_the_line_cache() -> None:
    """PySide6 asks of every module imported after it whether its source mentions "PySide6"
    (for `from __feature__ import snake_case`), and asks through inspect.getsource, which keeps
    every line of every module in linecache for the life of the process: ~10 MB of strings by
    the time today's visits are listed, more with each screen opened. The same answer is read
    here from the file, keeping nothing. No-op where PySide6 does not have this check."""
    feature: Any = sys.modules.get("shibokensupport.feature")  # shiboken's, untyped
    if feature is None or getattr(feature, "_mod_uses_pyside", None) in (None, _mentions_pyside):
        return
    feature._mod_uses_pyside = _mentions_pyside
    for name, entry in list(linecache.cache.items()):  # the files it read before now
        if len(entry) == 4 and entry[1] is not None:  # (size, mtime, lines, path): a file
            linecache.cache.pop(name, None)


def _mentions_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # inspect.getsource has no source for these either
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class PrintSupport(Protocol):
    """The PySide6.QtPrintSupport module as mypy sees it from print_support()."""

    QPrintDialog: type[QPrintDialog]
    QPrintPreviewDialog: type[QPrintPreviewDialog]
    QPrinter: type[QPrinter]


def print_support() -> PrintSupport:
    """QtPrintSupport (ships with PySide6-Essentials), imported only when someone prints."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport

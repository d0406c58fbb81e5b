"""The one Qt import seam: every ui module imports Qt names from here, never from PySide6.

One place for shims, version checks and the lint rule that keeps Qt out of core/store/reports
(qutebrowser's `qt/` package habit). Add names here as the app needs them; keep the lists sorted.
Optional modules (QtPrintSupport) are imported lazily through small functions so they stay off
the start-up path.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QDate,
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QLocale,
    QMargins,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRegularExpression,
    QSettings,
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
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QRegularExpressionValidator,
    QShortcut,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

__all__ = [name for name in dir() if name.startswith("Q") or name in {"Qt", "Signal", "Slot"}]


def print_support():  # noqa: ANN201 - returns the PySide6.QtPrintSupport module
    """QtPrintSupport (ships with PySide6-Essentials), imported only when someone prints."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport

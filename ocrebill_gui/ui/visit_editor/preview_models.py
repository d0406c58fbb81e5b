"""Qt item models of the live superbill preview: claim lines and findings.

Both hold plain rows taken from a ClaimResult, prepared once per recompute (the views ask for
every cell and role many times while they lay out; answering from prepared tuples keeps an
edit inside one frame). A result with as many rows as before is announced as dataChanged,
otherwise as a reset; both keep them consistent for the views and for qtmodeltester.
"""

from __future__ import annotations

from typing import Any

from ocrebill_gui.core.claim import ClaimLine, Finding
from ocrebill_gui.core.visit import format_ndc
from ocrebill_gui.ui.qt import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from ocrebill_gui.ui.visit_editor.palette import severity_icon

AnyIndex = QModelIndex | QPersistentModelIndex
FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2
RULE_ROLE = Qt.ItemDataRole.UserRole + 3

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_FIELD, _SEVERITY, _RULE = FIELD_ROLE, SEVERITY_ROLE, RULE_ROLE  # plain ints
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _role(role: Any) -> int:
    return role if isinstance(role, int) else int(role.value)


def line_texts(line: ClaimLine) -> tuple[str, str, str, str, str]:
    """The cells of one claim line: code, modifiers, units, NDC (unit and quantity below),
    our short description with why the line is there on its second line."""
    ndc = ""
    if line.ndc:
        quantity = f"\n{line.ndc_unit} {line.ndc_quantity:g}" if line.ndc_quantity else ""
        ndc = format_ndc(line.ndc) + quantity
    description = f"{line.label}\n{line.why}" if line.why else line.label
    return line.code, " ".join(line.modifiers), str(line.units), ndc, description


class PreparedRowsModel(QAbstractTableModel):
    """A read-only table of items whose cells and tooltip are prepared once per change
    (`rows_of`); as many rows as before are announced as dataChanged, otherwise a reset.
    Columns in RIGHT are aligned right."""

    COLUMNS: tuple[str, ...] = ()
    RIGHT: frozenset[int] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []
        self._cells: list[tuple[str, ...]] = []
        self._tips: list[str | None] = []

    def rows_of(self, items: list[Any]) -> tuple[list[tuple[str, ...]], list[str | None]]:
        raise NotImplementedError

    def set_items(self, items: list[Any]) -> None:
        if items == self._items:
            return
        same_shape = len(items) == len(self._items) and items
        if not same_shape:
            self.beginResetModel()
        self._items = list(items)
        self._cells, self._tips = self.rows_of(self._items)
        if same_shape:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(items) - 1, len(self.COLUMNS) - 1))
        else:
            self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if _role(role) == _DISPLAY and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = _role(role)
        if role not in (_DISPLAY, _TOOLTIP, _ALIGNMENT) or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._cells) or not 0 <= column < len(self.COLUMNS):
            return None
        if role == _DISPLAY:
            return self._cells[row][column]
        if role == _TOOLTIP:
            return self._tips[row]
        return _ALIGN_RIGHT if column in self.RIGHT else None


class ClaimLinesModel(PreparedRowsModel):
    """The superbill lines: code, modifiers, units, NDC (with its unit and quantity), and our
    short description with, on its second line, why the line is there."""

    COLUMNS = ("Code", "Mod.", "Units", "NDC", "Description and why")
    CODE, MODIFIERS, UNITS, NDC, DESCRIPTION = range(5)
    RIGHT = frozenset({UNITS})

    def rows_of(self, items: list[Any]) -> tuple[list[tuple[str, ...]], list[str | None]]:
        return ([line_texts(line) for line in items],
                [f"{line.code}: {line.label}\n{line.why}" if line.why else (line.label or None)
                 for line in items])

    def set_lines(self, lines: list[ClaimLine]) -> None:
        self.set_items(lines)

    def line(self, row: int) -> ClaimLine:
        return self._items[row]


class FindingsModel(QAbstractListModel):
    """Findings, errors first, each with a severity icon; FIELD_ROLE is the path it is about."""

    def __init__(self, parent=None, explanations: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []
        self._tips: list[str] = []
        self.explanations = dict(explanations or {})  # rule id -> what it means (catalog)

    def explanation(self, row: int) -> str:
        finding = self._findings[row]
        return self.explanations.get(finding.rule, "")

    def set_findings(self, findings: list[Finding]) -> None:
        if findings == self._findings:
            return
        self.beginResetModel()
        self._findings = list(findings)
        self._tips = [f"{f.severity.capitalize()} [{f.rule}]: "
                      + (self.explanations.get(f.rule) or f.message)
                      + (f"\nClick to go to the field ({f.field})" if f.field else "")
                      for f in findings]
        self.endResetModel()

    def finding(self, row: int) -> Finding:
        return self._findings[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = _role(role)
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        finding = self._findings[index.row()]
        if role == _DISPLAY:
            return finding.message
        if role == _DECORATION:
            return severity_icon(finding.severity)
        if role == _TOOLTIP:
            return self._tips[index.row()]
        if role == _ACCESSIBLE:
            return f"{finding.severity}: {finding.message}"
        if role == _FIELD:
            return finding.field
        if role == _SEVERITY:
            return finding.severity
        if role == _RULE:
            return finding.rule
        return None

"""Qt item models of the live superbill preview: claim lines and findings.

Both hold plain lists taken from a ClaimResult and are reset as a whole on every recompute (a
visit has a handful of lines), which keeps them trivially consistent for the views and for
qtmodeltester.
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

_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ClaimLinesModel(QAbstractTableModel):
    """The superbill lines: code, modifiers, units, NDC (with its unit and quantity), and our
    short description with, on its second line, why the line is there."""

    COLUMNS = ("Code", "Mod.", "Units", "NDC", "Description and why")
    CODE, MODIFIERS, UNITS, NDC, DESCRIPTION = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lines: list[ClaimLine] = []

    def set_lines(self, lines: list[ClaimLine]) -> None:
        if lines == self._lines:
            return
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def line(self, row: int) -> ClaimLine:
        return self._lines[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line, column = self._lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line.code}: {line.label}\n{line.why}" if line.why else line.label or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.UNITS:
            return _ALIGN_RIGHT
        return None

    def _text(self, line: ClaimLine, column: int) -> str:
        if column == self.CODE:
            return line.code
        if column == self.MODIFIERS:
            return " ".join(line.modifiers)
        if column == self.UNITS:
            return str(line.units)
        if column == self.NDC:
            if not line.ndc:
                return ""
            quantity = f"\n{line.ndc_unit} {line.ndc_quantity:g}" if line.ndc_quantity else ""
            return format_ndc(line.ndc) + quantity
        if column == self.DESCRIPTION:
            return f"{line.label}\n{line.why}" if line.why else line.label
        return ""


class FindingsModel(QAbstractListModel):
    """Findings, errors first, each with a severity icon; FIELD_ROLE is the path it is about."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        if findings == self._findings:
            return
        self.beginResetModel()
        self._findings = list(findings)
        self.endResetModel()

    def finding(self, row: int) -> Finding:
        return self._findings[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        finding = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return finding.message
        if role == Qt.ItemDataRole.DecorationRole:
            return severity_icon(finding.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"\nClick to go to the field ({finding.field})" if finding.field else ""
            return f"{finding.severity.capitalize()} [{finding.rule}]{where}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{finding.severity}: {finding.message}"
        if role == FIELD_ROLE:
            return finding.field
        if role == SEVERITY_ROLE:
            return finding.severity
        if role == RULE_ROLE:
            return finding.rule
        return None

"""ICD-10-CM type-ahead for the diagnosis field, and the Qt model of its suggestions.

The search is the core's (`Icd10Index.search`: C-level scans of the index text, no per-code
lists), warmed once off the GUI thread so the first keystroke does not pay for loading it.
"""

from __future__ import annotations

import threading
from typing import Any

from ocrebill_gui.core.icd10 import Icd10Code, icd10_index
from ocrebill_gui.ui.qt import QAbstractListModel, QFont, QModelIndex, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
BILLABLE_ROLE = Qt.ItemDataRole.UserRole + 2

_warm = threading.Event()


def search_codes(text: str, limit: int = 40) -> list[Icd10Code]:
    """Codes starting with `text`, then codes whose description holds every word of it."""
    return icd10_index().search(text, limit=limit)


def lookup(code: str) -> Icd10Code | None:
    return icd10_index().get(code)


def warm_up_in_background() -> None:
    """Load the index and its lower-cased copy once, off the GUI thread (idempotent)."""
    if _warm.is_set():
        return
    _warm.set()
    threading.Thread(target=icd10_index().warm_search, name="icd10-warm-up",
                     daemon=True).start()


def suggestion_text(entry: Icd10Code) -> str:
    kind = "" if entry.billable else "   [category: not billable, pick a subcode]"
    return f"{entry.code}   {entry.description}{kind}"


class Icd10SuggestionsModel(QAbstractListModel):
    """The codes matching what is typed: billable codes plain, categories marked and greyed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[Icd10Code] = []

    def set_entries(self, entries: list[Icd10Code]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> Icd10Code:
        return self._entries[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return suggestion_text(entry)
        if role == Qt.ItemDataRole.EditRole:
            return entry.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{entry.code}: billable" if entry.billable
                    else f"{entry.code} is a category: choose one of its billable subcodes")
        if role == CODE_ROLE:
            return entry.code
        if role == BILLABLE_ROLE:
            return entry.billable
        if role == Qt.ItemDataRole.FontRole and not entry.billable:
            font = QFont()
            font.setItalic(True)
            return font
        return None

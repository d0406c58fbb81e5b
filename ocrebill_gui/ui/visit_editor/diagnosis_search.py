"""ICD-10-CM type-ahead for the diagnosis field, and the Qt model of its suggestions.

The search is the core's (core/diagnosis_search.py: the exact code first, billable codes
before categories, MS codes first among description matches, over `Icd10Index.search`'s
C-level scans), warmed once off the GUI thread so the first keystroke does not pay for loading
it. The first suggestion, when billable, is what Enter takes; the list says so on its row.
"""

from __future__ import annotations

import threading
from typing import Any

from ocrebill_gui.core.diagnosis_search import enter_choice, search_diagnoses
from ocrebill_gui.core.icd10 import Icd10Code, Icd10Index, icd10_index
from ocrebill_gui.ui.qt import (
    QAbstractListModel,
    QFont,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
BILLABLE_ROLE = Qt.ItemDataRole.UserRole + 2

_warm = threading.Event()


def search_codes(text: str, limit: int = 40, *,
                 index: Icd10Index | None = None) -> list[Icd10Code]:
    """The codes for what was typed, best first (core/diagnosis_search.py), in `index` (the
    code set in force on the visit's date, core.diagnoses.code_set_for; None: the shipped)."""
    return search_diagnoses(text, limit, index=index)


def lookup(code: str, index: Icd10Index | None = None) -> Icd10Code | None:
    return (index or icd10_index()).get(code)


def billable(code: str, index: Icd10Index | None = None) -> bool | None:
    """True for a billable code, False for a category, None for no such code."""
    return (index or icd10_index()).billable(code)


def warm_up_in_background() -> None:
    """Load the index and its lower-cased copy once, off the GUI thread (idempotent)."""
    if _warm.is_set():
        return
    _warm.set()
    threading.Thread(target=icd10_index().warm_search, name="icd10-warm-up",
                     daemon=True).start()


ENTER_MARK = "   \u21b5 Enter"


def suggestion_text(entry: Icd10Code, *, enter: bool = False) -> str:
    kind = "" if entry.billable else "   [category: not billable, pick a subcode]"
    return f"{entry.code}   {entry.description}{kind}{ENTER_MARK if enter else ''}"


class Icd10SuggestionsModel(QAbstractListModel):
    """The codes matching what is typed: billable codes plain, categories marked and greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Icd10Code] = []
        self.enter_choice: Icd10Code | None = None

    def set_entries(self, entries: list[Icd10Code]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.enter_choice = enter_choice(self._entries)
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
            return suggestion_text(entry, enter=entry is self.enter_choice)
        if role == Qt.ItemDataRole.EditRole:
            return entry.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{entry.code}: billable" if entry.billable
                    else f"{entry.code} is a category: choose one of its billable subcodes")
        if role == CODE_ROLE:
            return entry.code
        if role == BILLABLE_ROLE:
            return entry.billable
        if role == Qt.ItemDataRole.FontRole and (not entry.billable
                                                 or entry is self.enter_choice):
            font = QFont()
            font.setItalic(not entry.billable)
            font.setBold(entry is self.enter_choice)
            return font
        return None

"""ICD-10-CM type-ahead for the diagnosis field, and the Qt model of its suggestions.

The search runs on the index's raw text (one lower-cased copy beside it, ~8 MB) with C-level
`str.find` scans, instead of the per-code Python lists the core's `Icd10Index.search` builds on
first use (~45 MB and a few hundred milliseconds): an editor that stays open all day should not
carry them. Results and order are the core's: codes starting with the query first (code order),
then codes whose description has every word typed (code order).
"""

from __future__ import annotations

import threading
from typing import Any

from ocrebill_gui.core.icd10 import Icd10Code, icd10_index
from ocrebill_gui.ui.qt import QAbstractListModel, QFont, QModelIndex, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
BILLABLE_ROLE = Qt.ItemDataRole.UserRole + 2

_lock = threading.Lock()
_warm = threading.Event()
_lowered: dict[int, str] = {}  # id(index text) -> its lower-cased copy


def _texts() -> tuple[str, str]:
    """The index's raw text ("\nCODE\tFLAG\tDESCRIPTION" lines) and its lower-cased copy."""
    index = icd10_index()
    text = getattr(index, "_text", None)  # the core keeps its file text; see module docstring
    if not isinstance(text, str):
        raise LookupError("the ICD-10 index does not expose its text")
    with _lock:
        lowered = _lowered.get(id(text))
        if lowered is None:
            _lowered.clear()
            lowered = _lowered[id(text)] = text.lower()
    return text, lowered


def _row(text: str, start: int) -> tuple[Icd10Code, int]:
    """The row whose line starts at `start`, and where the next line starts."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    code, flag, description = text[start:end].split("\t", 2)
    return Icd10Code(code, flag == "1", description), end + 1


def _as_code(query: str) -> str:
    code = query.upper()
    if len(code) > 3 and "." not in code and code[:3].isalnum():
        code = f"{code[:3]}.{code[3:]}"
    return code


def search_codes(text: str, limit: int = 40) -> list[Icd10Code]:
    """Codes starting with `text`, then codes whose description holds every word of it."""
    query = text.strip()
    if not query:
        return []
    try:
        raw, lowered = _texts()
    except LookupError:
        return icd10_index().search(query, limit=limit)
    found: list[Icd10Code] = []
    seen: set[str] = set()
    prefix = _as_code(query)
    at = raw.find("\n" + prefix)
    while at >= 0 and len(found) < limit and at + 1 < len(raw):
        row, next_start = _row(raw, at + 1)
        if not row.code.startswith(prefix):
            break
        found.append(row)
        seen.add(row.code)
        at = next_start - 1
    words = query.lower().split()
    anchor = max(words, key=len)
    others = [w for w in words if w is not anchor]
    position = 0
    while len(found) < limit:
        hit = lowered.find(anchor, position)
        if hit < 0:
            break
        start = lowered.rfind("\n", 0, hit) + 1
        end = lowered.find("\n", hit)
        end = len(lowered) if end < 0 else end
        description_at = lowered.find("\t", lowered.find("\t", start) + 1) + 1
        description = lowered[description_at:end]
        if hit >= description_at and all(w in description for w in others):
            row, _next = _row(raw, start)
            if row.code not in seen:
                seen.add(row.code)
                found.append(row)
        position = end + 1
    return found


def lookup(code: str) -> Icd10Code | None:
    return icd10_index().get(code)


def warm_up_in_background() -> None:
    """Load the index and its lower-cased copy once, off the GUI thread (idempotent)."""
    if _warm.is_set():
        return
    _warm.set()
    threading.Thread(target=search_codes, args=("G35",), name="icd10-warm-up",
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

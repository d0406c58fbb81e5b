"""Diagnoses: type-ahead over ICD-10-CM by code or words, first code = primary.

Billable codes and categories are told apart everywhere (G35 shows as a category, G35.A as
billable); the engine's findings say what a category on the claim means. Enter takes the
first suggestion (marked on its row) when nothing is highlighted, and never a category: a
category typed in full and Entered opens its billable codes instead. A category highlighted
by hand is taken (the claim's findings then say what it means on the date of service).
"""

from __future__ import annotations

from typing import Any

from ocrebill_gui.core.diagnoses import code_set_for
from ocrebill_gui.core.icd10 import Icd10Index
from ocrebill_gui.core.visit import normalize_icd10
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QCompleter,
    QEvent,
    QFont,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLineEdit,
    QListView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    QShortcut,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.visit_editor.diagnosis_search import (
    Icd10SuggestionsModel,
    billable,
    lookup,
    search_codes,
)
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry

AnyIndex = QModelIndex | QPersistentModelIndex
SEARCH_DELAY_MS = 150


class DiagnosesModel(QAbstractListModel):
    """The visit's diagnoses in claim order, each with its description and billable flag."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codes: list[str] = []
        self._index: Icd10Index | None = None
        self._rows: list[tuple[str, str, bool | None]] = []

    def set_codes(self, codes: list[str], index: Icd10Index | None = None) -> None:
        if codes == self._codes and index is self._index:
            return
        self.beginResetModel()
        self._codes, self._index = list(codes), index
        self._rows = []
        for code in codes:
            entry = lookup(code, index)
            self._rows.append((code, entry.description if entry else "not an ICD-10-CM code",
                               entry.billable if entry else None))
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        code, description, billable = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = {True: "", False: "   [category: not billable]", None: "   [unknown]"}[billable]
            primary = "   (primary)" if index.row() == 0 else ""
            return f"{index.row() + 1}.  {code}   {description}{mark}{primary}"
        if role == Qt.ItemDataRole.FontRole and billable is not True:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.EditRole:
            return code
        return None


class DiagnosesSection(QWidget):
    """Search box with suggestions, the chosen codes, and Remove / Make primary."""

    def __init__(self, presenter: VisitPresenter, registry: FieldRegistry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.search = QLineEdit(self)
        self.search.setObjectName("diagnosisSearch")
        self.search.setPlaceholderText("Find a diagnosis: code (G35) or words (relapsing)")
        self.search.setToolTip("Type a code or words, pick from the list, or type a full code "
                               "and press Enter")
        self.suggestions = Icd10SuggestionsModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated.connect(self.add_code)
        self.search.setCompleter(self.completer)
        self._popup().installEventFilter(self)  # before the completer's own filter
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self._enter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)

        self.model = DiagnosesModel(self)
        self.list = QListView(self)
        self.list.setObjectName("diagnoses")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setMaximumHeight(self.fontMetrics().height() * 6)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        self.remove = QPushButton("Remove", self)
        self.remove.clicked.connect(self.remove_selected)
        self.primary = QPushButton("Make primary", self)
        self.primary.setToolTip("Move the selected diagnosis to the top (the primary diagnosis)")
        self.primary.clicked.connect(self.make_primary)
        self.message = FieldMessage(self)
        self.search_message = FieldMessage(self)

        buttons = QVBoxLayout()
        buttons.addWidget(self.remove)
        buttons.addWidget(self.primary)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.search_message)
        layout.addLayout(row)
        layout.addWidget(self.message)
        registry.register("diagnoses", self.search, self.message, self.focus_diagnosis)
        self.refresh()

    def code_index(self) -> Icd10Index:
        """The ICD-10-CM year in force on the visit's date of service (an imported one when
        the database holds it, else the shipped set: core.diagnoses.code_set_for)."""
        return code_set_for(self.presenter.catalog, self.presenter.date_of_service).index

    def refresh(self) -> None:
        self.model.set_codes(self.presenter.diagnoses, self.code_index())
        read_only = self.presenter.read_only
        self.search.setReadOnly(read_only)
        self.remove.setEnabled(not read_only and self.model.rowCount() > 0)
        self.primary.setEnabled(not read_only and self.model.rowCount() > 1)

    # -- typing ------------------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self.search_message.show_message(None)
        self._timer.start()

    def run_search(self) -> None:
        """Search now (the debounce timer calls this) and open the suggestions."""
        self._timer.stop()
        text = self.search.text().strip()
        self.suggestions.set_entries(search_codes(text, index=self.code_index()) if text
                                     else [])
        if self.suggestions.rowCount() and self.window().focusWidget() is self.search:
            self.completer.complete()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Enter in the suggestions with none highlighted: the Enter choice (the first, when
        billable), never a category."""
        popup = self._popup()
        if (watched is popup and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not popup.currentIndex().isValid()):
            choice = self.suggestions.enter_choice
            if choice is None:
                self._say_pick_one()
                return True
            popup.hide()
            self.add_code(choice.code)
            return True
        return False

    def _popup(self) -> QAbstractItemView:
        """The completer's list (Qt makes one on first ask: never None, whatever the stubs
        say)."""
        popup = self.completer.popup()
        assert popup is not None
        return popup

    def _enter(self) -> None:
        """Enter in the search box without suggestions open: a billable code typed in full is
        added; anything else (a category, words typed before the list came) shows the list."""
        if self._popup().isVisible():
            return
        text = self.search.text().strip()
        if not text:
            return
        try:
            code = normalize_icd10(text)
        except ValueError:
            code = None
        index = self.code_index()
        if code is not None and (billable(code, index) or code in self.presenter.diagnoses):
            self.add_code(code)
            return
        self.run_search()
        if not self.suggestions.rowCount():
            self.add_code(text)  # says what is wrong with it
        elif code is not None and billable(code, index) is False:
            self._say_pick_one()

    def _say_pick_one(self) -> None:
        typed = self.search.text().strip()
        self.search_message.show_message(
            f"{typed} is a category, not billable: pick one of its codes from the list "
            "(arrows, then Enter)")

    def add_code(self, text: str) -> None:
        """Add a typed or picked code (normalized, e.g. g35a -> G35.A) unless already there."""
        try:
            code = normalize_icd10(text)
        except ValueError:
            self.search_message.show_message(
                f"'{text.strip()}' is not an ICD-10-CM code: pick one from the list or type a "
                "code such as G35.A")
            return
        if code not in self.presenter.diagnoses:
            self.presenter.set_diagnoses([*self.presenter.diagnoses, code])
        QTimer.singleShot(0, self.search, self.search.clear)
        self.suggestions.set_entries([])

    # -- the list ----------------------------------------------------------------------------
    def _selected_row(self) -> int:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else self.model.rowCount() - 1

    def remove_selected(self) -> None:
        """Remove the selected diagnosis; the keyboard stays in the list on the one that took
        its place (or the one before), or goes to the search box when none is left."""
        row = self._selected_row()
        codes = self.presenter.diagnoses
        if 0 <= row < len(codes):
            del codes[row]
            self.presenter.set_diagnoses(codes)
            if self.model.rowCount():
                self.list.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1),
                                                           0))
                self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def make_primary(self) -> None:
        row = self._selected_row()
        codes = self.presenter.diagnoses
        if 0 < row < len(codes):
            codes.insert(0, codes.pop(row))
            self.presenter.set_diagnoses(codes)
            self.list.setCurrentIndex(self.model.index(0, 0))

    def focus_diagnosis(self, path: str) -> None:
        marker = "diagnoses["
        if marker in path and self.model.rowCount():
            row = min(int(path.split(marker, 1)[1].split("]", 1)[0]), self.model.rowCount() - 1)
            self.list.setCurrentIndex(self.model.index(row, 0))
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)

"""A save refused because the visit was saved elsewhere first (VisitChanged): Reload, and your
values kept beside the reloaded ones until you put them back or discard them.

`ConflictPanel` sits under the editor's title, hidden until a save is refused. It says who
saved the visit and when ("Visit 7 was changed by nurse.lee at 10:42 since you opened it")
and offers Reload; reloaded, it lists each difference (core/visit_diff.py) as field, yours,
saved now, with Use mine (the selected rows), Use all mine and Discard mine. The editor's
`SaveConflict` mixin does the store side; nothing typed is dropped until Discard mine.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ocrebill_gui.core.visit_diff import Difference, differences, reapply
from ocrebill_gui.editing import docpath, services, visit_io
from ocrebill_gui.store import StoreError
from ocrebill_gui.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStandardItem,
    QStandardItemModel,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import read_only_table

if TYPE_CHECKING:
    from ocrebill_gui.editing.presenter import VisitPresenter
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.ui.visit_editor.patient_section import PatientSection
    from ocrebill_gui.ui.visit_editor.undo import VisitUndo

    _Editor = QWidget  # what the mixin is mixed into, for the type checker only
else:
    _Editor = object

log = logging.getLogger("ocrebill.visits")  # ids only
HEADERS = ("Field", "Yours", "Saved now")
MAX_ROWS_SHOWN = 6


def shown(value: Any) -> str:
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value)


def field_label(document: dict, path: str) -> str:
    """'administrations[0].dose_mg' -> '1. ocrevus: dose mg' (the path stays in the tooltip)."""
    keys = docpath.split(path)
    words: list[str] = []
    for at, key in enumerate(keys):
        if isinstance(key, int) and at and keys[at - 1] == "administrations":
            product = docpath.get(document, docpath.join(keys[:at + 1] + ["product"]), "")
            words[-1] = f"{key + 1}. {product}".strip()
        else:
            words.append(f"#{key + 1}" if isinstance(key, int) else key.replace("_", " "))
    return ": ".join(words)


def local_time(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")
    except (TypeError, ValueError):
        return stamp or "an unknown time"


class ConflictPanel(QFrame):
    reload_requested = Signal()
    apply_requested = Signal(list)  # the Differences to put back
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveConflict")
        self.kept: list[Difference] = []
        self.message = QLabel(self)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        set_role(self.message, "banner-warning")
        self.reload_button = self._button("&Reload", "conflictReload", self.reload_requested.emit)
        self.use_button = self._button("&Use mine", "conflictUseMine", self._use_selected)
        self.use_all_button = self._button("Use a&ll mine", "conflictUseAll",
                                           lambda: self.apply_requested.emit(list(self.kept)))
        self.discard_button = self._button("Discard mine", "conflictDiscard",
                                           self.discard_requested.emit)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        self.table = read_only_table(self.model, name="conflictTable", parent=self, multi=True)
        self.table.setTabKeyNavigation(False)
        buttons = QHBoxLayout()
        for button in (self.reload_button, self.use_button, self.use_all_button,
                       self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        # only as tall as its lines: the form below gets the room (a wrapped label asks more)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    @property
    def refused(self) -> bool:
        """A save was refused and the visit is not reloaded yet."""
        editor = self.parentWidget()  # made with the editor as its parent
        return (editor is not None and self.isVisibleTo(editor)
                and self.reload_button.isVisibleTo(self))

    def show_refused(self, text: str) -> None:
        self.message.setText(text + ": Reload it to see the differences; nothing you typed "
                             "is lost.")
        self.reload_button.show()
        for widget in (self.use_button, self.use_all_button, self.discard_button, self.table):
            widget.hide()
        self.show()
        self.reload_button.setFocus()

    def show_kept(self, text: str, kept: list[Difference], document: dict) -> None:
        """Reloaded: your values beside the saved ones (nothing to show: the panel goes)."""
        self.kept = kept
        self.reload_button.hide()
        self.model.removeRows(0, self.model.rowCount())
        for difference in kept:
            label = QStandardItem(field_label(document, difference.path))
            label.setToolTip(difference.path)
            self.model.appendRow([label, QStandardItem(shown(difference.yours)),
                                  QStandardItem(shown(difference.theirs))])
        if not kept:
            self.hide()
            return
        self.message.setText(f"{text}. Reloaded: yours beside the visit as saved now. Put "
                             "back what you want to keep (it is saved then), or discard it.")
        for widget in (self.use_button, self.use_all_button, self.discard_button, self.table):
            widget.show()
        self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        rows = min(len(kept), MAX_ROWS_SHOWN)  # the form below stays in view
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 4
                                  + rows * self.table.verticalHeader().defaultSectionSize())
        self.show()

    def _use_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if rows:
            self.apply_requested.emit([self.kept[row] for row in rows])

    def clear(self) -> None:
        self.kept = []
        self.model.removeRows(0, self.model.rowCount())
        self.hide()


class SaveConflict(_Editor):
    """Mixed into VisitEditor: a refused save, Reload, and putting your values back."""

    if TYPE_CHECKING:  # VisitEditor's, which these methods use (mypy checks that they agree)
        store: Store
        session: Session
        presenter: VisitPresenter
        patient: PatientSection
        undo: VisitUndo
        visit_id: int | None
        revision: int | None
        status: str
        status_note: str
        conflict: ConflictPanel
        _saved_revision: int

        def _say(self, text: str | None, *, problem: bool = False) -> None: ...
        def _refresh_read_only(self) -> None: ...

    def _build_conflict(self) -> ConflictPanel:
        panel = ConflictPanel(self)
        panel.reload_requested.connect(self.reload_saved)
        panel.apply_requested.connect(self.use_mine)
        panel.discard_requested.connect(self.discard_mine)
        self._conflict_text = ""
        return panel

    def save_refused(self) -> None:
        """Someone saved the visit first: say who and when, offer Reload (ids only logged)."""
        assert self.visit_id is not None, "only a saved visit can be saved elsewhere first"
        try:
            visit = visit_io.load_visit(self.store, self.session, self.visit_id,
                                        on_record=False)
            who, when = visit.changed_by, local_time(visit.changed_at)
        except StoreError:
            who, when = "someone else", "an unknown time"
        self._conflict_text = (f"Visit {self.visit_id} was changed by {who} at {when} since "
                               "you opened it")
        self._say(f"Not saved: {self._conflict_text}.", problem=True)
        self.conflict.show_refused(self._conflict_text)

    def reload_saved(self) -> bool:
        """Load the visit as saved now; what you had is kept beside it in the panel."""
        self.presenter.commit_typing()
        yours = copy.deepcopy(self.presenter.document)
        assert self.visit_id is not None, "reloaded after a refused save of a saved visit"
        try:
            visit = visit_io.load_visit(self.store, self.session, self.visit_id,
                                        on_record=False)
        except StoreError as exc:
            self._say(f"Not reloaded: {exc}", problem=True)
            return False
        log.info("visit %d reloaded at revision %d after a refused save", visit.id,
                 visit.revision)
        document = visit.document
        if visit.status != "finalized":
            document = services.with_practice_time_zone(self.store, document)
        self.undo.stack.clear()  # its steps were taken on your document, not this one
        self.revision, self.status = visit.revision, visit.status
        self.presenter.document = copy.deepcopy(document)
        if visit.finalized:
            self.presenter.show_billed(document, visit.claim)
            self.status_note = f"finalized by {visit.finalized_by} at {visit.finalized_at}"
        else:
            self.presenter.recompute()
        self.patient.set_links(visit.patient_id, visit.coverage_id, visit.authorization_id,
                               visit.authorization_choice)
        self._saved_revision = self.presenter.revision
        self._say(None)
        self._refresh_read_only()
        self.conflict.show_kept(self._conflict_text, differences(yours, document),
                                self.presenter.document)
        return True

    def use_mine(self, chosen: list[Difference]) -> None:
        """Put your values back onto the reloaded draft (one edit; autosave saves it)."""
        if self.presenter.read_only:
            self._say("Not put back: the visit is finalized now (Amend it first).", problem=True)
            return
        document = copy.deepcopy(self.presenter.document)
        done: list[Difference] = []
        tops: set[str] = set()
        for difference in chosen:
            try:
                reapply(document, difference)
            except ValueError as exc:
                self._say(f"Not put back: {exc}", problem=True)
                continue
            done.append(difference)
            tops.add(str(docpath.split(difference.path)[0]))
        if tops:
            self.presenter.set_many({top: document.get(top) for top in tops})
        left = [d for d in self.conflict.kept if d not in done]
        self.conflict.show_kept(self._conflict_text, left, self.presenter.document)

    def discard_mine(self) -> None:
        """Your values left over are let go (only now)."""
        log.info("visit %s: values kept after a refused save discarded", self.visit_id)
        self.conflict.clear()

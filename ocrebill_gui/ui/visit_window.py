"""The open visits: a page of the main window, one tab per visit (a nurse with four chairs
running keeps four tabs). A page rather than a window of its own: one window to keep in front,
and one backing store less (~5 MB at 1280x800).

Only the tab in front holds a live visit editor. A tab sent to the back saves its draft and
lets its editor go (a built editor is ~4 MB of widgets); coming back to it builds the editor
again from the database, where everything typed already is. A tab whose editor cannot save
(no patient chosen yet, a database error) keeps its editor, so nothing typed is lost. Twenty
open visits so cost about what one does.

Ctrl+Tab / Ctrl+Shift+Tab move between tabs, Ctrl+W closes the current one (its draft is
saved first, as the editor's own Close does): the main window's Visit menu (ui/menus.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ocrebill_gui.ui.memory import collect_soon
from ocrebill_gui.ui.qt import (
    QCloseEvent,
    QShowEvent,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout

if TYPE_CHECKING:
    from ocrebill_gui.ui.visit_editor import VisitEditor  # heavy: made by the factory

EditorFactory = Callable[[int | None, int | None], "VisitEditor"]
SPLIT_KEY = "visitEditor.splitter"


class VisitTab(QWidget):
    """One tab: the visit it is for, and its editor while it has one."""

    def __init__(self, visit_id: int | None, patient_id: int | None) -> None:
        super().__init__()
        self.visit_id, self.patient_id = visit_id, patient_id
        self.editor: VisitEditor | None = None
        self.label = "New visit"
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)

    def put(self, editor: VisitEditor) -> None:
        self.editor = editor
        self._box.addWidget(editor)

    def let_go(self) -> bool:
        """Save and drop the editor; False (editor kept) when its draft cannot be saved."""
        editor = self.editor
        if editor is None:
            return True
        if editor.visit_id is None or not editor.save_now():
            return False
        self.visit_id = editor.visit_id
        editor.release()
        self.editor = None
        self._box.removeWidget(editor)
        editor.hide()
        editor.deleteLater()
        return True


class VisitWindow(QWidget):
    """Tabs of visit editors; `visit_changed` carries the id of a visit saved or finalized,
    `wanted` asks the main window to bring this page up, `emptied` says the last tab closed."""

    visit_changed = Signal(int)
    wanted = Signal()
    emptied = Signal()

    def __init__(self, layout: WindowLayout, make_editor: EditorFactory,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitWindow")
        self._layout, self._make_editor = layout, make_editor
        self.tabs = QTabWidget()
        self.tabs.setObjectName("visitTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideMiddle)
        self.tabs.tabCloseRequested.connect(lambda index: self._close_tab(self._tab(index)))
        self.tabs.currentChanged.connect(self._front_changed)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.tabs)

    def _tab(self, index: int) -> VisitTab:
        tab = self.tabs.widget(index)
        assert isinstance(tab, VisitTab), index  # the only widgets added to the tabs
        return tab

    def current_tab(self) -> VisitTab | None:
        """The tab in front; None when there is none."""
        index = self.tabs.currentIndex()
        return self._tab(index) if index >= 0 else None

    def visit_tabs(self) -> list[VisitTab]:
        return [self._tab(i) for i in range(self.tabs.count())]

    def editors(self) -> list[VisitEditor]:
        """The live editors: the one in front, and any that could not save to be let go."""
        return [tab.editor for tab in self.visit_tabs() if tab.editor is not None]

    def open(self, visit_id: int | None, patient_id: int | None = None) -> VisitEditor:
        """The editor of this visit (its tab made if needed), brought to the front."""
        tab = next((t for t in self.visit_tabs()
                    if visit_id is not None and t.visit_id == visit_id), None)
        if tab is None:
            tab = VisitTab(visit_id, patient_id)
            self.tabs.addTab(tab, tab.label)
        self.tabs.setCurrentWidget(tab)
        self._bring_up(tab)
        self.wanted.emit()
        assert tab.editor is not None
        return tab.editor

    def restore(self, tabs: list[tuple[int, str]], front: int) -> None:
        """Tabs for these visits (id, label) as the user left them, without building an
        editor: the one in front is built when this page is shown."""
        self.tabs.blockSignals(True)
        for visit_id, label in tabs:
            tab = VisitTab(visit_id, None)
            tab.label = label
            self.tabs.addTab(tab, label)
        self.tabs.setCurrentIndex(min(front, self.tabs.count() - 1))
        self.tabs.blockSignals(False)

    def open_visit_ids(self) -> tuple[list[int], int]:
        """The saved visits of the tabs (a new visit not saved yet has no id) and the index of
        the one in front among them."""
        ids: list[int] = []
        front = 0
        for tab in self.visit_tabs():
            editor_id = tab.editor.visit_id if tab.editor else None
            visit_id = editor_id if editor_id is not None else tab.visit_id
            if visit_id is None:
                continue
            if tab is self.tabs.currentWidget():
                front = len(ids)
            ids.append(visit_id)
        return ids, front

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        front = self.current_tab()
        if front is not None:
            self._bring_up(front)  # a restored tab's first showing

    def _front_changed(self, _index: int) -> None:
        front = self.current_tab()
        let_go = [tab.let_go() for tab in self.visit_tabs()
                  if tab is not front and tab.editor is not None]
        if front is not None:
            self._bring_up(front)
        if any(let_go):
            collect_soon()  # the editor's Python side is cyclic garbage now (ui/memory.py)

    def _bring_up(self, tab: VisitTab) -> None:
        if tab.editor is not None:
            return
        editor = self._make_editor(tab.visit_id, tab.patient_id)
        editor.saved.connect(lambda saved_id, t=tab: self._saved(t, saved_id))
        editor.finalized.connect(lambda saved_id, t=tab: self._saved(t, saved_id))
        editor.closed.connect(lambda t=tab: self._closed(t))
        splitter = getattr(editor, "splitter", None)
        if splitter is not None:  # the form/preview split, as the user last left it
            editor.restore_split = lambda: self._layout.restore_part(SPLIT_KEY, splitter)
            splitter.splitterMoved.connect(
                lambda *_: self._layout.save_part(SPLIT_KEY, splitter))
        tab.put(editor)
        tab.label = self._label(editor)
        self.tabs.setTabText(self.tabs.indexOf(tab), tab.label)

    @staticmethod
    def _label(editor: VisitEditor) -> str:
        return editor.title.text() or "New visit"

    def _saved(self, tab: VisitTab, visit_id: int) -> None:
        tab.visit_id = visit_id
        index = self.tabs.indexOf(tab)
        if index >= 0 and tab.editor is not None:
            tab.label = self._label(tab.editor)
            self.tabs.setTabText(index, tab.label)
        self.visit_changed.emit(visit_id)

    def _closed(self, tab: VisitTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.removeTab(index)
            tab.deleteLater()
            collect_soon()
        if not self.tabs.count():
            self.emptied.emit()

    def _close_tab(self, tab: VisitTab) -> bool:
        """Close one tab: its editor saves first (and may refuse); a tab without one just goes."""
        if tab.editor is not None:
            return tab.editor.close()
        self._closed(tab)
        return True

    def close_current(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            self._close_tab(tab)

    def close_all(self) -> bool:
        """Close every tab (each saves its draft); False if one refused."""
        for tab in self.visit_tabs():
            if not self._close_tab(tab):
                return False
        return True

    def close_all_unasked(self) -> int:
        """Close every tab without a question (another person signs in): each editor saves its
        draft, and one that cannot is closed anyway. Returns how many could not be saved."""
        unsaved = 0
        for tab in self.visit_tabs():
            editor = tab.editor
            if editor is not None:
                unsaved += not editor.save_now()
                editor.release()
            self._closed(tab)
        return unsaved

    def save_layout(self) -> None:
        """Nothing of its own to keep: each editor's split is saved as it moves."""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.close_all():
            event.ignore()
            return
        super().closeEvent(event)

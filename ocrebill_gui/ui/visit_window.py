"""The open visits: one window beside the main window, one tab per visit (a nurse with four
chairs running keeps four tabs). One window rather than one per visit keeps the screen tidy and
memory flat: hidden tabs draw nothing and share one backing store.

Ctrl+Tab / Ctrl+Shift+Tab move between tabs, Ctrl+W closes the current one (its draft is
saved first, as the editor's own Close does).
"""

from __future__ import annotations

from collections.abc import Callable

from ocrebill_gui.ui.qt import (
    QCloseEvent,
    QKeySequence,
    QMainWindow,
    QShortcut,
    Qt,
    QTabWidget,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout

EditorFactory = Callable[[int | None, int | None], QWidget]


class VisitWindow(QMainWindow):
    """Tabs of visit editors; `visit_changed` carries the id of a visit saved or finalized."""

    visit_changed = Signal(int)

    def __init__(self, layout: WindowLayout, make_editor: EditorFactory,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("visitWindow")
        self.setWindowTitle("Visits")
        self._layout, self._make_editor = layout, make_editor
        self.tabs = QTabWidget()
        self.tabs.setObjectName("visitTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideMiddle)
        self.tabs.tabCloseRequested.connect(lambda index: self.tabs.widget(index).close())
        self.setCentralWidget(self.tabs)
        close_tab = QShortcut(QKeySequence.StandardKey.Close, self)
        close_tab.activated.connect(self.close_current)
        self._restored = layout.restore_window("visitWindow", self)

    def editors(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def open(self, visit_id: int | None, patient_id: int | None = None) -> QWidget:
        """The tab of this visit (made if needed), brought to the front."""
        editor = next((e for e in self.editors()
                       if visit_id is not None and getattr(e, "visit_id", None) == visit_id),
                      None)
        if editor is None:
            editor = self._make_editor(visit_id, patient_id)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            editor.saved.connect(lambda saved_id, e=editor: self._saved(e, saved_id))
            editor.finalized.connect(lambda saved_id, e=editor: self._saved(e, saved_id))
            editor.closed.connect(lambda e=editor: self._closed(e))
            self.tabs.addTab(editor, self._label(editor))
        self.tabs.setCurrentWidget(editor)
        if not self.isVisible():
            if not self._restored and self.parentWidget() is not None:
                self.resize(self.parentWidget().size())
            self.show()
        self.raise_()
        self.activateWindow()
        return editor

    @staticmethod
    def _label(editor: QWidget) -> str:
        title = getattr(editor, "title", None)
        text = title.text() if title is not None and hasattr(title, "text") else ""
        return text or "New visit"

    def _saved(self, editor: QWidget, visit_id: int) -> None:
        index = self.tabs.indexOf(editor)
        if index >= 0:
            self.tabs.setTabText(index, self._label(editor))
        self.visit_changed.emit(visit_id)

    def _closed(self, editor: QWidget) -> None:
        index = self.tabs.indexOf(editor)
        if index >= 0:
            self.tabs.removeTab(index)
        if not self.tabs.count():
            self.close()

    def close_current(self) -> None:
        editor = self.tabs.currentWidget()
        if editor is not None:
            editor.close()

    def close_all(self) -> bool:
        """Close every tab (each saves its draft); False if one refused."""
        for editor in self.editors():
            if not editor.close():
                return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.close_all():
            event.ignore()
            return
        if self.isVisible():
            self._layout.save_window("visitWindow", self)
            self._restored = True
        super().closeEvent(event)

"""One undo stack per open visit: Ctrl+Z takes back the last removal (an administration with
its dose, vials and times, a vial, a diagnosis) or timeline change (a Start pressed by mistake,
a corrected time, a deleted event), Ctrl+Shift+Z (and the platform's Redo key) does it again.

The presenter records each as an UndoStep (editing/undo_steps.py); here each becomes
a QUndoCommand on the editor's QUndoStack, so `undo_action` and `redo_action` name what they
do ("Undo Remove vial H0123 (Ocrevus)") for a menu, and a timeline's own Undo button takes
back its last change while that is the last thing done. A finalized visit keeps no history:
its fields are read-only, and amending starts a new one. The stack lives as long as the
editor: a tab sent to the back (its editor let go, ui/visit_window.py) starts afresh.
"""

from __future__ import annotations

from ocrebill_gui.editing.presenter import UNDO_DEPTH, VisitPresenter
from ocrebill_gui.editing.undo_steps import UndoStep
from ocrebill_gui.ui.qt import (
    QKeySequence,
    QObject,
    QShortcut,
    Qt,
    QUndoCommand,
    QUndoStack,
    QWidget,
)

REDO_KEYS = ("Ctrl+Shift+Z",)


class StepCommand(QUndoCommand):
    """An UndoStep on the stack; the edit itself was already done when it is pushed."""

    def __init__(self, presenter: VisitPresenter, step: UndoStep) -> None:
        super().__init__(step.text)
        self.presenter, self.step = presenter, step
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo(): the presenter has done it
            self._pushed = True
            return
        self.presenter.replay(self.step.redo)

    def undo(self) -> None:
        self.presenter.replay(self.step.undo)


class VisitUndo(QObject):
    """The editor's undo stack and its keys (Ctrl+Z, Ctrl+Shift+Z), anywhere in `editor`
    except where a text field takes them for its own text."""

    def __init__(self, presenter: VisitPresenter, editor: QWidget) -> None:
        super().__init__(editor)
        self.presenter, self.editor = presenter, editor
        self._pushing = False
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_DEPTH)
        self.undo_action = self.stack.createUndoAction(self, "&Undo")
        self.redo_action = self.stack.createRedoAction(self, "&Redo")
        keys = [QKeySequence(QKeySequence.StandardKey.Undo), *map(QKeySequence, ("Ctrl+Z",))]
        redo = [QKeySequence(QKeySequence.StandardKey.Redo), *map(QKeySequence, REDO_KEYS)]
        self.shortcuts: list[QShortcut] = []
        for sequences, slot in ((keys, self.stack.undo), (redo, self.stack.redo)):
            for sequence in dict.fromkeys(s.toString() for s in sequences if not s.isEmpty()):
                shortcut = QShortcut(QKeySequence(sequence), editor)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                self.shortcuts.append(shortcut)
        presenter.undo_host = self
        presenter.subscribe(self._presenter_changed)
        # A timeline's Undo button follows the last step: set once the stack has moved (an
        # undo or redo redraws the form before the stack's index moves on).
        self.stack.indexChanged.connect(self._moved)
        finalized = getattr(editor, "finalized", None)
        if finalized is not None:
            finalized.connect(lambda *_: self.stack.clear())

    # -- the presenter's UndoHost ---------------------------------------------------------
    def push(self, step: UndoStep) -> None:
        self._pushing = True  # the presenter redraws everything once its edit is done
        try:
            self.stack.push(StepCommand(self.presenter, step))
        finally:
            self._pushing = False

    def _last(self) -> StepCommand | None:
        if self.presenter.undo_host is not self:  # let go with the editor
            return None
        command = self.stack.command(self.stack.index() - 1) if self.stack.canUndo() else None
        return command if isinstance(command, StepCommand) else None

    def can_undo_of(self, administration: str) -> bool:
        last = self._last()
        return last is not None and last.step.administration == administration

    def undo_of(self, administration: str) -> bool:
        if not self.can_undo_of(administration):
            return False
        self.stack.undo()
        return True

    def _moved(self, _index: int) -> None:
        if self.presenter.undo_host is not self or self._pushing:
            return
        read_only, count = self.presenter.read_only, len(self.presenter.administrations)
        for card in getattr(self.editor, "cards", [])[:count]:
            card.timeline.undo_button.setEnabled(
                not read_only and self.presenter.can_undo_events(card.index))

    def release(self) -> None:
        """The editor goes: the presenter records nothing more here, the stack's last signals
        (it clears itself as it is deleted) reach nobody."""
        if self.presenter.undo_host is self:
            self.presenter.undo_host = None
            self.stack.indexChanged.disconnect(self._moved)

    def _presenter_changed(self) -> None:
        if self.presenter.read_only and self.stack.count():
            self.stack.clear()  # finalized: nothing to take back any more


__all__ = ["StepCommand", "VisitUndo"]

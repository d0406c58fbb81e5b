"""A typed amount that counts only when typing pauses and only when it is valid.

Typing 920 into the dose used to pass through 9 and 92: each keystroke reached the document,
the preview showed 911 units of waste and the autosave could catch a draft in between; `9x0`
was saved as it was. Here every keystroke is checked at once against the engine's own rules
(the message shows beside the field, in the engine's words, and the preview greys), but the
value reaches the document only when the text is valid and typing has paused (PAUSE_MS), the
field is left or Enter pressed, or anything else is done first (a button, F5, a save: the
presenter takes waiting values before every edit). Invalid text never does: the document, and
so the draft, keeps the last valid value.

A value put in by the program (Zunovo's 920) is selected when the field gets the focus that
way, so typing replaces it rather than appending to it (Tab and shortcuts select already).
"""

from __future__ import annotations

from typing import Any

from ocrebill_gui.editing.presenter import VisitPresenter, number_value
from ocrebill_gui.ui.qt import QEvent, QFocusEvent, QLineEdit, QObject, Qt, QTimer

PAUSE_MS = 400


class TypedNumber(QObject):
    """Binds a QLineEdit to a number at a document path (see the module docstring)."""

    def __init__(self, edit: QLineEdit, presenter: VisitPresenter, path: str) -> None:
        super().__init__(edit)
        self.edit, self.presenter, self.path = edit, presenter, path
        self._waiting: tuple[Any] | None = None  # a valid value waiting for the pause
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)
        self._pause.timeout.connect(self.commit)
        edit.textEdited.connect(self._typed)
        edit.editingFinished.connect(self.commit)
        edit.installEventFilter(self)
        take = self._take
        presenter.hold_typing(path, take)
        edit.destroyed.connect(lambda *_: presenter.stop_typing(path, take))

    @property
    def busy(self) -> bool:
        """Typed text the document does not hold yet: waiting for the pause, or invalid. The
        field keeps it when the form is redrawn."""
        return self._waiting is not None or self.path in self.presenter.local_problems

    def _typed(self, text: str) -> None:
        value = number_value(text)
        problem = self.presenter.problem_with(self.path, value)
        if problem is None:
            self._waiting = (value,)
            self._pause.start()
        else:
            self._waiting = None
            self._pause.stop()
        self.presenter.set_local_problem(self.path, problem)

    def _take(self) -> tuple[bool, Any]:
        waiting, self._waiting = self._waiting, None
        self._pause.stop()
        return (True, waiting[0]) if waiting is not None else (False, None)

    def commit(self) -> None:
        """Count the valid text now (the pause came, the field was left, Enter)."""
        if self._waiting is not None:
            self.presenter.commit_typing()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (watched is self.edit and isinstance(event, QFocusEvent)
                and event.type() == QEvent.Type.FocusIn
                and event.reason() == Qt.FocusReason.OtherFocusReason):
            self.edit.selectAll()  # put there by the program: typing replaces it
        return False

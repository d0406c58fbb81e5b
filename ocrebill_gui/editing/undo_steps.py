"""What an undoable edit of the visit is, without Qt: its name and how to take it back and do
it again. The presenter records one for each removal (an administration, a vial, a diagnosis,
an event) and each change of a timeline, and hands it to its undo host (the editor's
QUndoStack, ui/visit_editor/undo.py), which replays them through `VisitPresenter.replay`.
Steps find their administration by id, not by place, so they still apply after the cards
above have moved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class UndoStep:
    text: str  # what the menu names: "Remove vial H0123 (Ocrevus)"
    undo: Callable[[], None]  # changes the document back (the presenter redraws after)
    redo: Callable[[], None]
    administration: str | None = None  # the timeline it belongs to, for its Undo button


class UndoHost(Protocol):
    """Keeps the steps in order (the editor's undo stack)."""

    def push(self, step: UndoStep) -> None: ...

    def undo_of(self, administration: str) -> bool:
        """Undo the last step if it is this administration's timeline's; True if done."""
        ...

    def can_undo_of(self, administration: str) -> bool: ...

"""For every GUI test: the 'close without saving?' question never blocks a test run. It is
answered 'discard' and recorded, so a test can assert whether it was asked."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def discard_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from ocrebill_gui.ui.visit_editor import editor

    asked: list[str] = []

    def answer(parent, reason: str) -> bool:
        asked.append(reason)
        return True

    monkeypatch.setattr(editor.DiscardChanges, "ask", staticmethod(answer))
    return asked

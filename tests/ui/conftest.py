"""For every GUI test: a real SQLite store in tmp_path, and the 'close without saving?'
question never blocks a test run (it is answered 'discard' and recorded, so a test can assert
whether it was asked)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ocrebill_gui import store as api


@pytest.fixture
def store(tmp_path: Path) -> Iterator[api.Store]:
    db = api.open_store(tmp_path / "clinic.sqlite")
    yield db
    db.close()


@pytest.fixture(autouse=True)
def discard_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from ocrebill_gui.ui.visit_editor import editor

    asked: list[str] = []

    def answer(parent, reason: str) -> bool:
        asked.append(reason)
        return True

    monkeypatch.setattr(editor.DiscardChanges, "ask", staticmethod(answer))
    return asked

"""Today's infusions that have run too long (core/long_infusion.py), flagged on the list.

Once a minute, and whenever the list reloads, the running visits of the day shown (a handful:
the list's `running` column says which) are read and judged at the injected clock's time. Each
one past its label's longest run plus an hour says TOO LONG as its status in the list (the
tooltip says why), and a red line above the list says which visit and since how long, so a
forgotten Stop is seen without opening every visit. Documents are read again only when a
visit's revision changed.
"""

from __future__ import annotations

from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.long_infusion import LongRun, long_runs
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import QObject, QTimer, QWidget

CHECK_MS = 60_000


class LongRunWatch(QObject):
    """Keeps `model.alerts` (visit id -> short note) and `banner` up to date."""

    def __init__(self, store: Store, session: Session, model: Any, clock: Clock,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._store, self._session, self._model, self._clock = store, session, model, clock
        self._documents: dict[int, tuple[int, dict]] = {}  # visit id -> (revision, document)
        self.runs: dict[int, list[LongRun]] = {}
        self.banner = FieldMessage(parent)
        self.banner.setObjectName("longRunAlert")
        font = self.banner.font()
        font.setBold(True)
        self.banner.setFont(font)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Judge the running visits of the list now."""
        now = self._clock.now()
        runs: dict[int, list[LongRun]] = {}
        for visit in self._model.records():
            if not visit.running:
                continue
            document = self._document(visit.id, visit.revision)
            found = long_runs(document, default_catalog(), now) if document else []
            if found:
                runs[visit.id] = found
        self.runs = runs
        self._model.set_alerts({visit_id: " ".join(r.text() for r in found)
                                for visit_id, found in runs.items()})
        lines = [f"Visit {visit_id}: {run.text()}" for visit_id, found in runs.items()
                 for run in found]
        self.banner.show_message("\n".join(lines) or None)

    def _document(self, visit_id: int, revision: int) -> dict | None:
        kept = self._documents.get(visit_id)
        if kept is None or kept[0] != revision:
            try:
                kept = (revision, api.visit_document(self._store, self._session, visit_id))
            except StoreError:  # busy a moment, or gone: the next check tries again
                return None
            self._documents[visit_id] = kept
        return kept[1]

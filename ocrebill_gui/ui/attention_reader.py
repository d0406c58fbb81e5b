"""Today's Needs attention read off the UI thread (0.4-0.9 s on a 100,000-visit practice: the
window would freeze meanwhile).

The store's connection belongs to the UI thread, so the worker opens the same store again,
read-only, with its own connection: the file with its SQLCipher key when it is encrypted, or
the PostgreSQL server's address. It keeps the store's session id, so the dose history it reads
is the one the Needs attention screen finds remembered (dose_history.course). The outcome
(the lists, or the StoreError that stopped them) comes back to the UI thread as a signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ocrebill_gui.store import Store, StoreError, open_store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.qt import QObject, Signal


@dataclass
class ReadOutcome:
    lists: Any = None  # what `read` returned
    error: StoreError | None = None
    unexpected: Exception | None = None  # a bug: raised on the UI thread (logged there)


class BackgroundRead(QObject):
    """Runs `read(store, session, today)` on a worker thread with its own connection; `done`
    carries a ReadOutcome to the UI thread. One read at a time: asked again meanwhile, it
    reads once more when the first ends (the later answer is the one shown)."""

    done = Signal(object)

    def __init__(self, store: Store, session: Session,
                 read: Callable[[Store, Session, date], Any], parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._store, self._session, self._read = store, session, read
        self._busy = False
        self._again: date | None = None
        self._relay = _Relay()
        self._relay.finished.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, today: date) -> None:
        if self._busy:
            self._again = today
            return
        self._busy = True
        threading.Thread(target=self._work, args=(today,), name="attention-read",
                         daemon=True).start()

    def _work(self, today: date) -> None:
        outcome = ReadOutcome()
        try:
            with reopened(self._store) as own:
                outcome.lists = self._read(own, self._session, today)
        except StoreError as exc:  # busy a moment, or gone: said on the panel
            outcome.error = exc
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which raises it
            outcome.unexpected = exc
        try:
            self._relay.finished.emit(outcome)
        except RuntimeError:  # the window closed meanwhile: nobody to tell
            pass

    def _finished(self, outcome: ReadOutcome) -> None:
        self._busy = False
        if self._again is not None:
            today, self._again = self._again, None
            self.start(today)
            return
        if outcome.unexpected is not None:
            raise outcome.unexpected
        self.done.emit(outcome)


class _Relay(QObject):
    finished = Signal(object)


def reopened(store: Store) -> Store:
    """The same store on a connection of its own, read-only (the file's key when encrypted;
    a server is reached again at its address)."""
    own = open_store(store.path, create=False, read_only=True, key=store.key,
                     clock=store.clock)
    own.session_id = store.session_id
    return own

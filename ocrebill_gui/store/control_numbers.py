"""X12 control numbers kept in the database (issue 15): ISA13 (interchange), GS06 (group) and
ST02 (transaction set) must never be reused with a trading partner, so each is taken from the
control_numbers table (migration 10) in its own write transaction. The store serializes
writers on both backends, so two exports at once never get the same number; a number taken
by an export that then fails is skipped, never handed out again.

    numbers = StoreControlNumbers(store, session)   # a core.x12.ControlNumbers
    text = write_837p(submissions, settings, numbers, at=now)
"""

from __future__ import annotations

from ocrebill_gui.store.accounts import Session, require, writes
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, StoreError

KINDS = {"isa": "interchange (ISA13)", "gs": "group (GS06)", "st": "transaction set (ST02)"}
LIMIT = 999_999_999  # nine digits: ISA13 and GS06 have no room for more


@writes("visits.export")
def take_control_number(store: Store, actor: str, kind: str) -> int:
    """The next unused control number of `kind` ('isa', 'gs' or 'st'), recorded as used."""
    if kind not in KINDS:
        raise InvalidRecord([("kind", "must be isa, gs or st")])
    with writing(store):
        row = store.conn.execute("SELECT last_used FROM control_numbers WHERE kind = ?",
                                 (kind,)).fetchone()
        last = int(row[0]) if row else 0
        if last >= LIMIT:
            raise StoreError(f"every {KINDS[kind]} control number (1-{LIMIT}) has been used: "
                             "ask the clearinghouse how to go on before exporting again")
        store.conn.execute(
            "INSERT INTO control_numbers (kind, last_used, changed_at, changed_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (kind) DO UPDATE SET "
            "last_used = excluded.last_used, changed_at = excluded.changed_at, "
            "changed_by = excluded.changed_by", (kind, last + 1, store.now(), actor))
    return last + 1


class StoreControlNumbers:
    """core.x12's ControlNumbers over the store: every number handed out is persistent and
    used once. The session must be allowed to export (checked here, before anything is
    written, and again at every number)."""

    def __init__(self, store: Store, session: Session):
        require(session, take_control_number.action)
        self._store = store
        self._session = session

    def next_interchange(self) -> int:
        return take_control_number(self._store, self._session, "isa")

    def next_group(self) -> int:
        return take_control_number(self._store, self._session, "gs")

    def next_transaction(self) -> int:
        return take_control_number(self._store, self._session, "st")

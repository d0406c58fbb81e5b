"""Audit log entries, newest first, a page at a time, for the filters the viewer sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ocrebill_gui.store import AuditEntry, FieldChange, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.audit import audit_entries
from ocrebill_gui.store.audit_chain import CLAIM_FIELD
from ocrebill_gui.ui.models.paged import Column, PagedTableModel

READS = {"open": "opened", "view": "viewed", "print": "printed", "export": "exported"}
HIDDEN_FIELDS = {"session"}  # which run of the app a read belongs to: not for the table


def local_time(at: str) -> str:
    """A stored UTC time as the user's local date and time, to the second."""
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def _value(value: Any, limit: int = 40) -> str:
    text = "\u2014" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def change_text(change: FieldChange, limit: int = 40) -> str:
    if change.field == CLAIM_FIELD:  # the stored claim's SHA-256: its first characters say it
        return f"claim {str(change.after)[:12]}\u2026" if limit < 64 else \
            f"claim SHA-256 {change.after}"
    if change.before is None:
        return f"{change.field}: {_value(change.after, limit)}"
    return f"{change.field}: {_value(change.before, limit)} \u2192 {_value(change.after, limit)}"


def changes_summary(entry: AuditEntry, limit: int = 160) -> str:
    text = "; ".join(change_text(c) for c in entry.changes if c.field not in HIDDEN_FIELDS)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def changes_tooltip(entry: AuditEntry, lines: int = 30) -> str | None:
    shown = [change_text(c, 80) for c in entry.changes if c.field not in HIDDEN_FIELDS]
    if len(shown) > lines:
        shown = [*shown[:lines], f"\u2026 and {len(shown) - lines} more"]
    return "\n".join(shown) or None


def patient_text(entry: AuditEntry) -> str:
    if entry.patient_id is None:
        return ""
    return f"{entry.patient_name} ({entry.patient_ref})"


class AuditModel(PagedTableModel[AuditEntry]):
    """The entries matching `filters` (audit_entries' keywords), loaded as the view scrolls."""

    def __init__(self, store: Store, session: Session, parent: Any = None) -> None:
        self._session = session
        self._store = store
        self.filters: dict[str, Any] = {}
        columns = [
            Column[AuditEntry]("When", lambda e: local_time(e.at), tooltip=lambda e: e.at),
            Column[AuditEntry]("User", lambda e: e.actor),
            Column[AuditEntry]("Action", lambda e: READS.get(e.action, e.action),
                               attention=lambda e: "info" if e.action in READS else None),
            Column[AuditEntry]("Record", lambda e: f"{e.entity} {e.entity_id}"),
            Column[AuditEntry]("Patient", patient_text),
            Column[AuditEntry]("Reason", lambda e: _value(e.reason or "", 60),
                               tooltip=lambda e: e.reason),
            Column[AuditEntry]("Changes", changes_summary, tooltip=changes_tooltip),
        ]
        super().__init__(columns, self._page, parent=parent)

    def set_filters(self, **filters: Any) -> None:
        self.filters = {k: v for k, v in filters.items() if v is not None}
        self.reload()

    def _page(self, limit: int, offset: int) -> list[AuditEntry]:
        return audit_entries(self._store, self._session, limit=limit, offset=offset, **self.filters)

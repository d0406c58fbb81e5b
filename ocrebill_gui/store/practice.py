"""Practice settings (name, address, NPI, tax id, fee schedule, time zone), validated by core's
PracticeSettings and kept as one row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ocrebill_gui.core.practice import PracticeSettings
from ocrebill_gui.store.accounts import writes
from ocrebill_gui.store.audit import check_actor, field_changes, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.records import validated


def practice_settings(store: Store) -> PracticeSettings | None:
    """The saved settings, or None before the practice was set up."""
    row = store.conn.execute("SELECT settings FROM practice WHERE id = 1").fetchone()
    return None if row is None else PracticeSettings.model_validate_json(row[0])


@writes("practice.write")
def save_practice(store: Store, actor: str,
                  settings: PracticeSettings | Mapping[str, Any]) -> PracticeSettings:
    """Save the practice settings; every changed field (and fee) goes to the audit log."""
    actor = check_actor(actor)
    parsed = (settings if isinstance(settings, PracticeSettings)
              else validated(PracticeSettings, settings))
    text = parsed.model_dump_json()
    now = store.now()
    with writing(store):
        row = store.conn.execute("SELECT settings FROM practice WHERE id = 1").fetchone()
        diff = field_changes(json.loads(row[0]) if row else None, json.loads(text))
        if not diff:
            return parsed
        store.conn.execute(
            "INSERT INTO practice (id, settings, created_at, created_by, changed_at, changed_by) "
            "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings,"
            " changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            (text, now, actor, now, actor))
        record(store, actor, "practice", 1, "update" if row else "create", diff)
    return parsed


def with_practice_time_zone(store: Store, document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with the practice's time zone (R8) when it names none; a document's own
    time zone is kept, and without one in the settings the document is returned as it is."""
    doc = dict(document)
    if not doc.get("time_zone"):
        practice = practice_settings(store)
        if practice is not None and practice.time_zone:
            doc["time_zone"] = practice.time_zone
    return doc

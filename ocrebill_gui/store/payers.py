"""Payer profiles edited by the user. The shipped profiles stay in data/payers.json; a user
profile with the same id takes precedence (Catalog.with_payers)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.store.accounts import writes
from ocrebill_gui.store.audit import check_actor, field_changes, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import validated
from ocrebill_gui.store.reference_data import store_code_sets


def user_payers(store: Store) -> dict[str, PayerProfile]:
    """The profiles the user saved, by id."""
    rows = store.conn.execute("SELECT profile FROM payer_profiles ORDER BY id").fetchall()
    profiles = [PayerProfile.model_validate_json(r[0]) for r in rows]
    return {p.id: p for p in profiles}


def store_catalog(store: Store) -> Catalog:
    """The engine's catalog with this database's user payer profiles added, and the
    ICD-10-CM code sets imported into it (issue 16; none: the shipped set alone)."""
    extra = user_payers(store)
    catalog = default_catalog().with_payers(extra) if extra else default_catalog()
    code_sets = store_code_sets(store)
    return catalog.with_code_sets(code_sets) if len(code_sets) else catalog


def payer_profiles(store: Store) -> list[tuple[PayerProfile, bool]]:
    """Every profile the engine knows here, sorted by name; the flag is True for user ones."""
    mine = user_payers(store)
    shipped = {k: v for k, v in default_catalog().payers.items() if k not in mine}
    both = [(p, False) for p in shipped.values()] + [(p, True) for p in mine.values()]
    return sorted(both, key=lambda item: item[0].name.casefold())


@writes("payers.write")
def save_payer(store: Store, actor: str, profile: PayerProfile | Mapping[str, Any]) -> PayerProfile:
    """Create or replace a user payer profile (validated by core's PayerProfile)."""
    actor = check_actor(actor)
    parsed = profile if isinstance(profile, PayerProfile) else validated(PayerProfile, profile)
    text = parsed.model_dump_json()
    now = store.now()
    with writing(store):
        wanted = parsed.name.strip().casefold()
        same_name = next((p for p, _mine in payer_profiles(store)
                          if p.id != parsed.id and p.name.strip().casefold() == wanted), None)
        if same_name is not None:  # two "Aetna" in every payer picker: which one is billed?
            raise InvalidRecord([("name", f"is already the name of payer profile "
                                          f"'{same_name.id}': give this one a name of its own")])
        row = store.conn.execute("SELECT profile FROM payer_profiles WHERE id = ?",
                                 (parsed.id,)).fetchone()
        before = json.loads(row[0]) if row else None
        diff = field_changes(before, json.loads(text))
        if not diff:
            return parsed
        if row:
            store.conn.execute("UPDATE payer_profiles SET profile = ?, changed_at = ?, "
                               "changed_by = ? WHERE id = ?", (text, now, actor, parsed.id))
        else:
            store.conn.execute("INSERT INTO payer_profiles (id, profile, created_at, created_by, "
                               "changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)",
                               (parsed.id, text, now, actor, now, actor))
        record(store, actor, "payer_profile", parsed.id, "update" if row else "create", diff)
    return parsed


@writes("payers.write")
def delete_payer(store: Store, actor: str, payer_id: str) -> None:
    """Remove a user profile; refused while a coverage still names it (unless a shipped
    profile of that id remains to take its place)."""
    actor = check_actor(actor)
    with writing(store):
        row = store.conn.execute("SELECT profile FROM payer_profiles WHERE id = ?",
                                 (payer_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no user payer profile '{payer_id}'.")
        used = store.conn.execute("SELECT count(*) FROM coverages WHERE payer = ?",
                                  (payer_id,)).fetchone()[0]
        if used and payer_id not in default_catalog().payers:
            raise InvalidRecord([("payer", f"'{payer_id}' is used by {used} coverage(s): "
                                           "change them first")])
        store.conn.execute("DELETE FROM payer_profiles WHERE id = ?", (payer_id,))
        record(store, actor, "payer_profile", payer_id, "delete",
               field_changes(json.loads(row[0]), None))

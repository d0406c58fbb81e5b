"""The practice's providers (issue 13, item 4): rendering providers (who gives the infusion
under whose NPI it is billed) and ordering/referring physicians (the neurologist who ordered
it), each with a name, an NPI (Luhn check digit, core/npi.py) and a taxonomy code.

A visit names one of each in its document (`providers`, core/providers.py), as a copy: a
finalized visit keeps the providers it was billed with whatever becomes of the records. A new
visit's defaults come from the patient's latest visit, else the practice's default provider of
each role (`default_providers`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ocrebill_gui.core.providers import Npi, ProviderName, ProviderRole, Taxonomy
from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, insert_recorded, update_recorded
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import _Fields, _Record, validated

_COLUMNS = ("id", "role", "name", "npi", "taxonomy", "is_default", "active")


class ProviderFields(_Fields):
    """What is typed for a provider; the same checks as the form's, in the same words."""

    role: ProviderRole
    name: ProviderName
    npi: Npi
    taxonomy: Taxonomy = ""
    is_default: bool = False
    active: bool = True


class Provider(_Record):
    id: int
    role: ProviderRole
    name: str
    npi: str
    taxonomy: str
    is_default: bool
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} (NPI {self.npi})"

    def document_block(self) -> dict[str, str]:
        """What a visit document carries of it (core.providers.ProviderRef)."""
        block = {"name": self.name, "npi": self.npi}
        if self.taxonomy:
            block["taxonomy"] = self.taxonomy
        return block


def provider_from_row(row: Mapping[str, Any]) -> Provider:
    data = {k: row[k] for k in _COLUMNS}
    data["taxonomy"] = data["taxonomy"] or ""
    data["is_default"], data["active"] = bool(data["is_default"]), bool(data["active"])
    return Provider.model_construct(**data)


def _values(parsed: ProviderFields) -> dict[str, Any]:
    return {"role": parsed.role, "name": parsed.name, "npi": parsed.npi,
            "taxonomy": parsed.taxonomy, "is_default": int(parsed.is_default),
            "active": int(parsed.active)}


def _check_unique(store: Store, values: Mapping[str, Any], provider_id: int | None) -> None:
    row = store.conn.execute("SELECT id, name FROM providers WHERE role = ? AND npi = ? AND "
                             "id <> ?", (values["role"], values["npi"],
                                         provider_id or 0)).fetchone()
    if row is not None:
        raise InvalidRecord([("npi", f"is already the NPI of provider {row[0]} ({row[1]})")])


def _settle_default(store: Store, actor: str, values: Mapping[str, Any],
                    provider_id: int) -> None:
    """One default per role: making one the default takes it from the others."""
    if not values["is_default"]:
        return
    others = store.conn.execute("SELECT id FROM providers WHERE role = ? AND is_default = 1 "
                                "AND id <> ?", (values["role"], provider_id)).fetchall()
    for (other,) in others:
        update_recorded(store, actor, "providers", "provider", other, {"is_default": 0})


@writes("providers.write")
def add_provider(store: Store, actor: str, fields: Mapping[str, Any]) -> Provider:
    """Add a rendering provider or an ordering/referring physician (see ProviderFields)."""
    actor = check_actor(actor)
    values = _values(validated(ProviderFields, fields))
    if values["is_default"] and not values["active"]:
        raise InvalidRecord([("is_default", "an inactive provider cannot be the default")])
    with writing(store):
        _check_unique(store, values, None)
        provider_id = insert_recorded(store, actor, "providers", "provider", values)
        _settle_default(store, actor, values, provider_id)
    return get_provider.inside(store, provider_id)


@writes("providers.write")
def update_provider(store: Store, actor: str, provider_id: int,
                    fields: Mapping[str, Any]) -> Provider:
    """Correct a provider, make it the default of its role, or set it inactive (kept for the
    visits that name it; no longer offered)."""
    actor = check_actor(actor)
    values = _values(validated(ProviderFields, fields))
    if values["is_default"] and not values["active"]:
        raise InvalidRecord([("is_default", "an inactive provider cannot be the default")])
    with writing(store):
        get_provider.inside(store, provider_id)
        _check_unique(store, values, provider_id)
        update_recorded(store, actor, "providers", "provider", provider_id, values)
        _settle_default(store, actor, values, provider_id)
    return get_provider.inside(store, provider_id)


@reads("store.read")
def get_provider(store: Store, provider_id: int) -> Provider:
    row = next(store.db.query("SELECT * FROM providers WHERE id = ?", [provider_id]), None)
    if row is None:
        raise NotFound(f"There is no provider {provider_id}.")
    return provider_from_row(row)


@reads("store.read")
def list_providers(store: Store, role: str | None = None, *,
                   active_only: bool = False) -> list[Provider]:
    """The providers by role then name; `active_only` leaves out those set inactive."""
    where, params = [], []
    if role:
        where.append("role = ?")
        params.append(role)
    if active_only:
        where.append("active = 1")
    sql = "SELECT * FROM providers" + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.db.query(sql + " ORDER BY role DESC, name, id", params)
    return [provider_from_row(r) for r in rows]


@reads("patients.read")
def default_providers(store: Store, patient_id: int | None) -> dict[str, dict[str, str] | None]:
    """The `providers` block of a new visit for a patient: each role from the patient's latest
    visit naming an active provider of that role, else the practice's default for it."""
    active = list_providers.inside(store, active_only=True)
    chosen: dict[str, dict[str, str] | None] = {"rendering": None, "ordering": None}
    if patient_id is not None:
        rows = store.conn.execute("SELECT document FROM visits WHERE patient_id = ? "
                                  "ORDER BY date_of_service DESC, id DESC LIMIT 5",
                                  (patient_id,)).fetchall()
        for (text,) in rows:
            named = json.loads(text).get("providers") or {}
            for role in chosen:
                npi = (named.get(role) or {}).get("npi")
                match = next((p for p in active if p.role == role and p.npi == npi), None)
                if chosen[role] is None and match is not None:
                    chosen[role] = match.document_block()
    for role in chosen:
        default = next((p for p in active if p.role == role and p.is_default), None)
        if chosen[role] is None and default is not None:
            chosen[role] = default.document_block()
    return chosen

"""Patients: name, birth date, MRN, sex, address, phone, and the id visit documents use.

MRNs are kept upper-case and unique; the name is indexed word by word for search.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, field_changes, record
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.errors import InvalidRecord, NotFound
from ocrebill_gui.store.records import Patient, PatientFields, validated
from ocrebill_gui.store.search import fold, name_words

PATIENT_COLUMNS = ("p.id, p.ref, p.name, p.birth_date, p.mrn, p.sex, p.address, p.phone, "
                   "p.created_at, p.changed_at, p.changed_by")
_EDITABLE = ("name", "ref", "birth_date", "mrn", "sex", "address", "phone")


def patient_from_row(row: Mapping[str, Any]) -> Patient:
    data = dict(row)
    data["birth_date"] = date.fromisoformat(data["birth_date"]) if data["birth_date"] else None
    return Patient.model_construct(**data)


def _columns(fields: PatientFields) -> dict[str, Any]:
    return {"name": fields.name, "ref": fields.ref,
            "birth_date": fields.birth_date.isoformat() if fields.birth_date else None,
            "mrn": fields.mrn.upper() if fields.mrn else None, "sex": fields.sex,
            "address": fields.address, "phone": fields.phone}


@writes("patients.write")
def add_patient(store: Store, actor: str, fields: Mapping[str, Any]) -> Patient:
    """Create a patient from form fields (see PatientFields); audit-logged."""
    actor = check_actor(actor)
    values = _columns(validated(PatientFields, fields))
    now = store.now()
    with writing(store):
        patient_id = store.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM patients"
                                        ).fetchone()[0]
        if not values["ref"]:
            values["ref"] = free_ref(store, patient_id)
        _check_unique(store, values, None)
        store.conn.execute(
            "INSERT INTO patients (id, ref, name, name_key, birth_date, mrn, sex, address, "
            "phone, created_at, created_by, changed_at, changed_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (patient_id, values["ref"], values["name"], fold(values["name"]),
             values["birth_date"], values["mrn"], values["sex"], values["address"],
             values["phone"], now, actor, now, actor))
        _index_name(store, patient_id, values["name"])
        record(store, actor, "patient", patient_id, "create", field_changes(None, values))
    return get_patient.inside(store, patient_id)


@writes("patients.write")
def update_patient(store: Store, actor: str, patient_id: int,
                   changes: Mapping[str, Any]) -> Patient:
    """Change some fields of a patient; unchanged fields keep their values."""
    actor = check_actor(actor)
    with writing(store):
        current = get_patient.inside(store, patient_id)
        merged = {k: getattr(current, k) for k in _EDITABLE} | dict(changes)
        values = _columns(validated(PatientFields, merged))
        values["ref"] = values["ref"] or current.ref
        before = _columns(PatientFields.model_construct(
            **{k: getattr(current, k) for k in _EDITABLE}))
        diff = field_changes(before, values)
        if not diff:
            return current
        _check_unique(store, values, patient_id)
        store.conn.execute(
            "UPDATE patients SET ref = ?, name = ?, name_key = ?, birth_date = ?, mrn = ?, "
            "sex = ?, address = ?, phone = ?, changed_at = ?, changed_by = ? WHERE id = ?",
            (values["ref"], values["name"], fold(values["name"]), values["birth_date"],
             values["mrn"], values["sex"], values["address"], values["phone"], store.now(),
             actor, patient_id))
        if values["name"] != current.name:
            store.conn.execute("DELETE FROM patient_words WHERE patient_id = ?", (patient_id,))
            _index_name(store, patient_id, values["name"])
        record(store, actor, "patient", patient_id, "update", diff)
    return get_patient.inside(store, patient_id)


def free_ref(store: Store, patient_id: int) -> str:
    """"P-00042" for patient 42, or the next free number when someone typed that one."""
    number = patient_id
    while True:
        ref = f"P-{number:05d}"
        if store.conn.execute("SELECT 1 FROM patients WHERE ref = ?", (ref,)).fetchone() is None:
            return ref
        number += 1


def _check_unique(store: Store, values: Mapping[str, Any], patient_id: int | None) -> None:
    problems = []
    for column in ("ref", "mrn"):
        if values[column] is None:
            continue
        row = store.conn.execute(
            f"SELECT id, name FROM patients WHERE {column} = ? AND id IS DISTINCT FROM ?",
            (values[column], patient_id)).fetchone()
        if row:
            problems.append((column, f"'{values[column]}' is already used by {row[1]}"))
    if problems:
        raise InvalidRecord(problems)


def _index_name(store: Store, patient_id: int, name: str) -> None:
    key = fold(name)
    store.conn.executemany("INSERT INTO patient_words (word, name_key, patient_id) "
                           "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           [(w, key, patient_id) for w in name_words(name)])


@reads("patients.read")
def get_patient(store: Store, patient_id: int) -> Patient:
    """The patient with this id, or NotFound."""
    row = next(store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.id = ?",
                              [patient_id]), None)
    if row is None:
        raise NotFound(f"There is no patient {patient_id}.")
    return patient_from_row(row)


@reads("patients.read")
def patient_by_ref(store: Store, ref: str) -> Patient | None:
    """The patient whose visit-document id is `ref` (e.g. "P-1001"), if any."""
    row = next(store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.ref = ?",
                              [ref.strip()]), None)
    return None if row is None else patient_from_row(row)


@reads("patients.read")
def list_patients(store: Store, *, limit: int = 100, offset: int = 0,
                  order: str | None = None) -> list[Patient]:
    """A page of patients sorted by name (accents and case ignored), or by `order` (a key of
    ordering.PATIENT_ORDER, "-" first for descending)."""
    from ocrebill_gui.store.ordering import PATIENT_ORDER, order_by

    sort = order_by(order, PATIENT_ORDER, "p.name_key, p.id", "p.id")
    rows = store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p{sort} LIMIT ? OFFSET ?",
                          [limit, offset])
    return [patient_from_row(r) for r in rows]


@reads("patients.read")
def count_patients(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM patients").fetchone()[0]



@reads("patients.read")
def possible_duplicates(store: Store, fields: Mapping[str, Any], *,
                        patient_id: int | None = None,
                        member_id: str | None = None) -> list[Patient]:
    """Patients who may be the one being typed (shown before saving a new or changed patient):
    the same name (case and accents ignored) and birth date, or a coverage with the same member
    id (without spaces, dashes or case). `patient_id` is the patient being edited (left out)."""
    from ocrebill_gui.store.records import member_key

    name = str(fields.get("name") or "").strip()
    born = fields.get("birth_date")
    born_text = born.isoformat() if isinstance(born, date) else str(born or "").strip()
    arms, params = [], []
    if name and born_text:
        arms.append("SELECT id FROM patients WHERE name_key = ? AND birth_date = ?")
        params += [fold(name), born_text]
    key = member_key(member_id)
    if key:
        arms.append("SELECT patient_id FROM coverages WHERE member_key = ?")
        params.append(key)
    if not arms:
        return []
    rows = store.db.query(f"SELECT {PATIENT_COLUMNS} FROM patients p WHERE p.id IN "
                          f"({' UNION '.join(arms)}) AND p.id IS DISTINCT FROM ? "
                          "ORDER BY p.name_key, p.id LIMIT 20", [*params, patient_id])
    return [patient_from_row(r) for r in rows]

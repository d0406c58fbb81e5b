"""The schema on a PostgreSQL server: what migrations 1 to 5 make of a SQLite file, in
PostgreSQL's DDL, and the version table that stands for `PRAGMA user_version`.

A server database starts at BASELINE (no server ever held an older schema, so migrations 1-5,
which reshaped SQLite files, never run there); migrations from 6 on run on both backends
through migrations.migrate with the same numbers. tests/store/test_store_postgres.py compares
the two schemas table by table, column by column (types, NOT NULL, keys, unique indexes).

Differences that keep the behaviour the same:
- text compares byte by byte (COLLATE "C"), as SQLite's BINARY does, whatever the database's
  locale: sort orders and the prefix ranges of search.py are identical;
- an `id` left out of an INSERT is max(id) + 1, as SQLite's INTEGER PRIMARY KEY assigns it
  (a trigger; writers are serialised, so two never pick the same);
- SQLite's RAISE(ABORT) triggers are PL/pgSQL functions raising the same messages.
"""

from __future__ import annotations

from ocrebill_gui.store.dialect import ID_TABLES, LATER_ID_TABLES

BASELINE = 5
VERSION_TABLE = "ocrebill_schema"

T = 'TEXT COLLATE "C"'
STAMPS = f"created_at {T} NOT NULL, created_by {T} NOT NULL, " \
         f"changed_at {T} NOT NULL, changed_by {T} NOT NULL"

TABLES = f"""
CREATE TABLE patients (
    id BIGINT PRIMARY KEY, ref {T} NOT NULL, name {T} NOT NULL, name_key {T} NOT NULL,
    birth_date {T}, mrn {T}, sex {T}, address {T}, phone {T}, {STAMPS});
CREATE UNIQUE INDEX idx_patients_ref ON patients (ref);
CREATE UNIQUE INDEX idx_patients_mrn ON patients (mrn);
CREATE INDEX idx_patients_name_key ON patients (name_key);

CREATE TABLE payer_profiles (id {T} PRIMARY KEY, profile {T} NOT NULL, {STAMPS});

CREATE TABLE coverages (
    id BIGINT PRIMARY KEY, patient_id BIGINT NOT NULL REFERENCES patients (id),
    payer {T} NOT NULL, member_id {T}, group_number {T}, priority INTEGER NOT NULL,
    effective_from {T}, effective_to {T}, {STAMPS});
CREATE INDEX idx_coverages_patient_id_priority ON coverages (patient_id, priority);
CREATE INDEX idx_coverages_member_id ON coverages (member_id);

CREATE TABLE authorizations (
    id BIGINT PRIMARY KEY, coverage_id BIGINT NOT NULL REFERENCES coverages (id),
    number {T} NOT NULL, product {T} NOT NULL, approved_units INTEGER,
    valid_from {T} NOT NULL, valid_to {T} NOT NULL, {STAMPS});
CREATE UNIQUE INDEX idx_authorizations_coverage_id_number
    ON authorizations (coverage_id, number);
CREATE INDEX idx_authorizations_valid_to ON authorizations (valid_to);

CREATE TABLE vial_lots (
    id BIGINT PRIMARY KEY, product {T} NOT NULL, ndc {T} NOT NULL, lot {T} NOT NULL,
    expires {T} NOT NULL, received {T} NOT NULL, received_vials INTEGER NOT NULL,
    on_hand INTEGER NOT NULL, {STAMPS});
CREATE UNIQUE INDEX idx_vial_lots_ndc_lot ON vial_lots (ndc, lot);
CREATE INDEX idx_vial_lots_expires ON vial_lots (expires);

CREATE TABLE visits (
    id BIGINT PRIMARY KEY, patient_id BIGINT NOT NULL REFERENCES patients (id),
    coverage_id BIGINT REFERENCES coverages (id),
    authorization_id BIGINT REFERENCES authorizations (id),
    date_of_service {T} NOT NULL, setting {T} NOT NULL, payer {T},
    summary {T} NOT NULL DEFAULT '', status {T} NOT NULL DEFAULT 'draft',
    document {T} NOT NULL, claim {T}, errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0, revision INTEGER NOT NULL DEFAULT 1, {STAMPS},
    finalized_at {T}, finalized_by {T}, running_since {T});
CREATE INDEX idx_visits_date_of_service ON visits (date_of_service);
CREATE INDEX idx_visits_patient_id_date_of_service ON visits (patient_id, date_of_service);
CREATE INDEX idx_visits_coverage_id ON visits (coverage_id);
CREATE INDEX idx_visits_authorization_id ON visits (authorization_id);

CREATE TABLE vial_uses (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    lot_id BIGINT NOT NULL REFERENCES vial_lots (id), vials INTEGER NOT NULL,
    PRIMARY KEY (visit_id, lot_id));
CREATE INDEX idx_vial_uses_lot_id ON vial_uses (lot_id);

CREATE TABLE authorization_uses (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    authorization_id BIGINT NOT NULL REFERENCES authorizations (id), units INTEGER NOT NULL,
    PRIMARY KEY (visit_id, authorization_id));
CREATE INDEX idx_authorization_uses_authorization_id
    ON authorization_uses (authorization_id);

CREATE TABLE visit_amendments (
    id BIGINT PRIMARY KEY, visit_id BIGINT NOT NULL REFERENCES visits (id),
    at {T} NOT NULL, actor {T} NOT NULL, kind {T} NOT NULL, reason {T} NOT NULL,
    document_before {T} NOT NULL, document_after {T});
CREATE INDEX idx_visit_amendments_visit_id ON visit_amendments (visit_id);

CREATE TABLE practice (id BIGINT PRIMARY KEY, settings {T} NOT NULL, {STAMPS});

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY, at {T} NOT NULL, actor {T} NOT NULL, entity {T} NOT NULL,
    entity_id {T} NOT NULL, action {T} NOT NULL, reason {T}, changes {T} NOT NULL,
    prev_hash {T}, hash {T});
CREATE INDEX idx_audit_log_entity_entity_id ON audit_log (entity, entity_id);
CREATE INDEX idx_audit_log_at ON audit_log (at);

CREATE TABLE patient_words (
    word {T} NOT NULL, name_key {T} NOT NULL,
    patient_id BIGINT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    PRIMARY KEY (word, name_key, patient_id));
CREATE INDEX patient_words_lookup ON patient_words (patient_id, word);

CREATE TABLE users (
    id BIGINT PRIMARY KEY, login {T} NOT NULL UNIQUE, display_name {T} NOT NULL,
    roles {T} NOT NULL, active INTEGER NOT NULL DEFAULT 1, password_hash {T} NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
    locked_until {T}, last_sign_in {T}, key_wrap {T}, {STAMPS});

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1), last_id BIGINT NOT NULL, last_hash {T} NOT NULL,
    last_at {T}, keyed INTEGER NOT NULL DEFAULT 0);
"""

FUNCTIONS = """
CREATE FUNCTION ocrebill_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I',
                       TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION ocrebill_visit_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status NOT IN ('draft', 'finalized') THEN
        RAISE EXCEPTION 'status must be draft or finalized';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION ocrebill_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END $$;

CREATE TRIGGER visits_status_check BEFORE INSERT OR UPDATE OF status ON visits
    FOR EACH ROW EXECUTE FUNCTION ocrebill_visit_status();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION ocrebill_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION ocrebill_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ocrebill_append_only();
"""


def id_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_next_id BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION ocrebill_next_id();\n")


def id_triggers() -> str:
    return "".join(id_trigger(table) for table in sorted(ID_TABLES - LATER_ID_TABLES))


def baseline_ddl() -> str:
    """Everything a new server database needs, up to schema BASELINE (one transaction)."""
    return (TABLES + FUNCTIONS + id_triggers()
            + f"CREATE TABLE {VERSION_TABLE} (only_row INTEGER PRIMARY KEY CHECK "
              f"(only_row = 1), version INTEGER NOT NULL);\n"
              f"INSERT INTO {VERSION_TABLE} VALUES (1, {BASELINE});\n")

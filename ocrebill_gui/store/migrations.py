"""The schema, as an ordered list of migrations recorded in `PRAGMA user_version` (on a
PostgreSQL server: the ocrebill_schema table, pg_schema.py).

Migration N takes a database at version N-1 to version N inside one transaction, so a crash
leaves the file at N-1 or at N, never in between. Never edit a released migration: append one.
From 6 on a migration runs on both backends (`db` is a sqlite_utils.Database or a
postgres.PgDatabase): write its SQL through db.execute in the subset dialect.py describes, and
where the DDL must differ, branch on `getattr(db, "dialect", "sqlite")` in the migration itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlite_utils
from sqlite_utils.db import ForeignKey


def _stamps(*, created: bool = True) -> dict[str, type]:
    cols: dict[str, type] = {}
    if created:
        cols |= {"created_at": str, "created_by": str}
    return cols | {"changed_at": str, "changed_by": str}


def _v1_initial(db: sqlite_utils.Database) -> None:
    stamp_cols = ["created_at", "created_by", "changed_at", "changed_by"]
    db.table("patients").create(
        {"id": int, "ref": str, "name": str, "name_key": str, "birth_date": str, "mrn": str,
         "sex": str, "address": str, "phone": str, **_stamps()},
        pk="id", not_null=["ref", "name", "name_key", *stamp_cols])
    db.table("patients").create_index(["ref"], unique=True)
    db.table("patients").create_index(["mrn"], unique=True)
    db.table("patients").create_index(["name_key"])
    # One row per word of a patient's name, folded (case and accents): prefix search.
    db.table("patient_words").create(
        {"word": str, "patient_id": int}, pk=("word", "patient_id"), not_null=["word"],
        foreign_keys=[ForeignKey("patient_words", "patient_id", "patients", "id",
                                 on_delete="CASCADE")])
    db.table("patient_words").create_index(["patient_id"])

    db.table("payer_profiles").create(
        {"id": str, "profile": str, **_stamps()}, pk="id",
        not_null=["profile", *stamp_cols])

    db.table("coverages").create(
        {"id": int, "patient_id": int, "payer": str, "member_id": str, "group_number": str,
         "priority": int, "effective_from": str, "effective_to": str, **_stamps()},
        pk="id", not_null=["patient_id", "payer", "priority", *stamp_cols],
        foreign_keys=[("patient_id", "patients", "id")])
    db.table("coverages").create_index(["patient_id", "priority"])
    db.table("coverages").create_index(["member_id"])

    db.table("authorizations").create(
        {"id": int, "coverage_id": int, "number": str, "product": str, "approved_units": int,
         "valid_from": str, "valid_to": str, **_stamps()},
        pk="id", not_null=["coverage_id", "number", "product", "valid_from", "valid_to",
                           *stamp_cols],
        foreign_keys=[("coverage_id", "coverages", "id")])
    db.table("authorizations").create_index(["coverage_id", "number"], unique=True)
    db.table("authorizations").create_index(["valid_to"])

    db.table("vial_lots").create(
        {"id": int, "product": str, "ndc": str, "lot": str, "expires": str, "received": str,
         "received_vials": int, "on_hand": int, **_stamps()},
        pk="id", not_null=["product", "ndc", "lot", "expires", "received", "received_vials",
                           "on_hand", *stamp_cols])
    db.table("vial_lots").create_index(["ndc", "lot"], unique=True)
    db.table("vial_lots").create_index(["expires"])

    db.table("visits").create(
        {"id": int, "patient_id": int, "coverage_id": int, "authorization_id": int,
         "date_of_service": str, "setting": str, "payer": str, "summary": str, "status": str,
         "document": str, "claim": str, "errors": int, "warnings": int, "revision": int,
         **_stamps(), "finalized_at": str, "finalized_by": str},
        pk="id",
        not_null=["patient_id", "date_of_service", "setting", "summary", "status", "document",
                  "errors", "warnings", "revision", *stamp_cols],
        defaults={"status": "draft", "errors": 0, "warnings": 0, "revision": 1, "summary": ""},
        foreign_keys=[("patient_id", "patients", "id"), ("coverage_id", "coverages", "id"),
                      ("authorization_id", "authorizations", "id")])
    db.table("visits").create_index(["date_of_service"])
    db.table("visits").create_index(["patient_id", "date_of_service"])
    db.table("visits").create_index(["coverage_id"])
    db.table("visits").create_index(["authorization_id"])
    db.execute("""CREATE TRIGGER visits_status_check BEFORE UPDATE OF status ON visits
                  WHEN NEW.status NOT IN ('draft', 'finalized')
                  BEGIN SELECT RAISE(ABORT, 'status must be draft or finalized'); END""")
    db.execute("""CREATE TRIGGER visits_status_check_insert BEFORE INSERT ON visits
                  WHEN NEW.status NOT IN ('draft', 'finalized')
                  BEGIN SELECT RAISE(ABORT, 'status must be draft or finalized'); END""")

    # What finalizing took, so that reopening or amending gives back exactly that.
    db.table("vial_uses").create(
        {"visit_id": int, "lot_id": int, "vials": int}, pk=("visit_id", "lot_id"),
        not_null=["vials"],
        foreign_keys=[("visit_id", "visits", "id"), ("lot_id", "vial_lots", "id")])
    db.table("vial_uses").create_index(["lot_id"])
    db.table("authorization_uses").create(
        {"visit_id": int, "authorization_id": int, "units": int},
        pk=("visit_id", "authorization_id"), not_null=["units"],
        foreign_keys=[("visit_id", "visits", "id"),
                      ("authorization_id", "authorizations", "id")])
    db.table("authorization_uses").create_index(["authorization_id"])

    db.table("visit_amendments").create(
        {"id": int, "visit_id": int, "at": str, "actor": str, "kind": str, "reason": str,
         "document_before": str, "document_after": str},
        pk="id", not_null=["visit_id", "at", "actor", "kind", "reason", "document_before"],
        foreign_keys=[("visit_id", "visits", "id")])
    db.table("visit_amendments").create_index(["visit_id"])

    db.table("practice").create(
        {"id": int, "settings": str, **_stamps()}, pk="id",
        not_null=["settings", *stamp_cols])

    db.table("audit_log").create(
        {"id": int, "at": str, "actor": str, "entity": str, "entity_id": str, "action": str,
         "reason": str, "changes": str},
        pk="id", not_null=["at", "actor", "entity", "entity_id", "action", "changes"])
    db.table("audit_log").create_index(["entity", "entity_id"])
    db.table("audit_log").create_index(["at"])
    db.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")
    db.execute("""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")


def _v2_name_ordered_words(db: sqlite_utils.Database) -> None:
    """Name words carry the folded name, so the patients having a word come out of the index
    already in name order: a search page is a merge of a few index ranges, never a sort of
    every match. The stock and authorization ledgers lose their separate rowid b-tree."""
    db.execute("""CREATE TABLE patient_words_v2 (
                    word TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
                    PRIMARY KEY (word, name_key, patient_id)) WITHOUT ROWID""")
    db.execute("""INSERT INTO patient_words_v2 (word, name_key, patient_id)
                  SELECT w.word, p.name_key, w.patient_id FROM patient_words w
                  JOIN patients p ON p.id = w.patient_id""")
    db.execute("DROP TABLE patient_words")
    db.execute("ALTER TABLE patient_words_v2 RENAME TO patient_words")
    db.table("patient_words").create_index(["patient_id", "word"],
                                           index_name="patient_words_lookup")
    # What a finalized visit took: keyed by visit, no separate rowid b-tree.
    for table, other, other_table, amount in (
            ("vial_uses", "lot_id", "vial_lots", "vials"),
            ("authorization_uses", "authorization_id", "authorizations", "units")):
        db.execute(f"""CREATE TABLE {table}_v2 (
                        visit_id INTEGER NOT NULL REFERENCES visits(id),
                        {other} INTEGER NOT NULL REFERENCES {other_table}(id),
                        {amount} INTEGER NOT NULL,
                        PRIMARY KEY (visit_id, {other})) WITHOUT ROWID""")
        db.execute(f"INSERT INTO {table}_v2 SELECT visit_id, {other}, {amount} FROM {table}")
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_v2 RENAME TO {table}")
        db.table(table).create_index([other])


def _v3_running_since(db: sqlite_utils.Database) -> None:
    """visits.running_since: when the visit's earliest infusion without a stop started (ISO
    date-time to the minute), so that visit lists read it instead of parsing documents or a
    marker in the summary. Filled for the visits already stored, from their documents, and
    that marker taken out of their summaries."""
    from ocrebill_gui.store.visits import running_since_of  # the store's modules import this one

    db.execute("ALTER TABLE visits ADD COLUMN running_since TEXT")
    marker = " · RUNNING since "  # what versions before 3 appended to a summary
    updates = []
    for visit_id, document, summary in db.execute(  # one row at a time: a file may be large
            "SELECT id, document, summary FROM visits WHERE instr(document, ?) > 0 "
            "OR instr(summary, ?) > 0", ['"start"', marker]):
        since = running_since_of(_json_object(document))
        cleaned = summary.partition(marker)[0]
        if since is not None or cleaned != summary:
            updates.append((since, cleaned, visit_id))
    db.conn.executemany("UPDATE visits SET running_since = ?, summary = ? WHERE id = ?",
                        updates)


def _v4_accounts(db: sqlite_utils.Database) -> None:
    """Staff accounts (store/accounts.py): login, display name, roles, active, the argon2id
    password hash, must-change mark, failed attempts and the lock they set. `key_wrap` is for
    the database key wrapped with a key derived from the account's password (encryption)."""
    db.execute("""CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    login TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1,
                    password_hash TEXT NOT NULL,
                    must_change INTEGER NOT NULL DEFAULT 0,
                    failures INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT,
                    last_sign_in TEXT,
                    key_wrap TEXT,
                    created_at TEXT NOT NULL, created_by TEXT NOT NULL,
                    changed_at TEXT NOT NULL, changed_by TEXT NOT NULL)""")


def _v5_audit_chain(db: sqlite_utils.Database) -> None:
    """The audit log proves itself (store/audit_chain.py): `prev_hash` and `hash` on every row,
    chained over the rows already there in id order; the `audit_head` anchor (newest id and
    hash); and, for a file with history, a chain-start entry and one seal entry per finalized
    visit covering its claim as stored now (actor ocrebill-migration)."""
    from ocrebill_gui.store.audit_chain import install_chain

    install_chain(db.conn)


def _v6_presence(db: sqlite_utils.Database) -> None:
    """Who else works on the database now (store/presence.py), on both backends: the apps
    running (`workstations`, a heartbeat each) and the visits they have open (`visit_leases`)."""
    text = 'TEXT COLLATE "C"' if getattr(db, "dialect", "sqlite") == "postgresql" else "TEXT"
    big = "BIGINT" if getattr(db, "dialect", "sqlite") == "postgresql" else "INTEGER"
    db.execute(f"""CREATE TABLE workstations (
                     session_id {text} NOT NULL PRIMARY KEY,
                     workstation {text} NOT NULL, login {text} NOT NULL,
                     display_name {text} NOT NULL, started_at {text} NOT NULL,
                     heartbeat {text} NOT NULL)""")
    db.execute(f"""CREATE TABLE visit_leases (
                     visit_id {big} NOT NULL PRIMARY KEY,
                     session_id {text} NOT NULL, workstation {text} NOT NULL,
                     login {text} NOT NULL, display_name {text} NOT NULL,
                     since {text} NOT NULL, heartbeat {text} NOT NULL)""")
    db.execute("CREATE INDEX idx_visit_leases_session_id ON visit_leases (session_id)")


def _v7_records_corrected(db: sqlite_utils.Database) -> None:
    """Coverages and authorizations that can be corrected (issue 13), on both backends:
    - coverages: the subscriber (name, birth date, relationship to the patient), plan type,
      the payer's claim-office id, and `member_key` (the member id without spaces, dashes or
      case) that search and the duplicate check read (patients.birth_date indexed too, for
      search by birth date); member ids were stored upper-case, the
      key of each is filled from it;
    - authorizations: `visits_allowed`;
    - visits: `authorization_choice`, how the authorization was chosen ('auto': the one of
      the coverage valid for the drug on the date, 'chosen' by the biller, 'none' on
      purpose). A visit already linked to one keeps it as 'chosen'."""
    text = 'TEXT COLLATE "C"' if getattr(db, "dialect", "sqlite") == "postgresql" else "TEXT"
    for column in ("member_key", "subscriber_name", "subscriber_birth_date",
                   "subscriber_relationship", "plan_type", "claim_office_id"):
        db.execute(f"ALTER TABLE coverages ADD COLUMN {column} {text}")
    db.execute("UPDATE coverages SET member_key = upper(replace(replace(replace("
               "coalesce(member_id, ''), ' ', ''), '-', ''), '.', ''))")
    db.execute("CREATE INDEX idx_coverages_member_key ON coverages (member_key)")
    db.execute("CREATE INDEX idx_patients_birth_date ON patients (birth_date)")
    db.execute("ALTER TABLE authorizations ADD COLUMN visits_allowed INTEGER")
    db.execute(f"ALTER TABLE visits ADD COLUMN authorization_choice {text} NOT NULL "
               "DEFAULT 'auto'")
    db.execute("UPDATE visits SET authorization_choice = 'chosen' "
               "WHERE authorization_id IS NOT NULL")


def _v8_providers(db: sqlite_utils.Database) -> None:
    """The practice's providers (store/providers.py), on both backends: rendering providers
    and ordering/referring physicians, each with its NPI (unique within its role), taxonomy
    code, whether it is the default of its role, and whether it is still offered."""
    server = getattr(db, "dialect", "sqlite") == "postgresql"
    text = 'TEXT COLLATE "C"' if server else "TEXT"
    db.execute(f"""CREATE TABLE providers (
                     id {"BIGINT" if server else "INTEGER"} PRIMARY KEY,
                     role {text} NOT NULL, name {text} NOT NULL, npi {text} NOT NULL,
                     taxonomy {text}, is_default INTEGER NOT NULL DEFAULT 0,
                     active INTEGER NOT NULL DEFAULT 1,
                     created_at {text} NOT NULL, created_by {text} NOT NULL,
                     changed_at {text} NOT NULL, changed_by {text} NOT NULL)""")
    db.execute("CREATE UNIQUE INDEX idx_providers_role_npi ON providers (role, npi)")
    if server:
        from ocrebill_gui.store.pg_schema import id_trigger

        db.execute(id_trigger("providers"))


def _v9_inventory_shelf(db: sqlite_utils.Database) -> None:
    """Inventory that matches the shelf (issue 13, item 8), on both backends: a lot's
    `status` ('available', 'quarantined' set aside until the maker says, 'recalled'; neither
    may go on a visit) and each product's reorder level (`reorder_levels`)."""
    server = getattr(db, "dialect", "sqlite") == "postgresql"
    text = 'TEXT COLLATE "C"' if server else "TEXT"
    db.execute(f"ALTER TABLE vial_lots ADD COLUMN status {text} NOT NULL "
               "DEFAULT 'available'")
    db.execute(f"""CREATE TABLE reorder_levels (
                     product {text} NOT NULL PRIMARY KEY, level INTEGER NOT NULL,
                     changed_at {text} NOT NULL, changed_by {text} NOT NULL)""")


def _v10_control_numbers(db: sqlite_utils.Database) -> None:
    """X12 control numbers (issue 15, store/control_numbers.py), on both backends: the last
    ISA13, GS06 and ST02 handed out ('isa', 'gs', 'st'), so that none is ever used twice."""
    server = getattr(db, "dialect", "sqlite") == "postgresql"
    text = 'TEXT COLLATE "C"' if server else "TEXT"
    db.execute(f"""CREATE TABLE control_numbers (
                     kind {text} NOT NULL PRIMARY KEY,
                     last_used {"BIGINT" if server else "INTEGER"} NOT NULL,
                     changed_at {text} NOT NULL, changed_by {text} NOT NULL)""")


def _v11_reference_data(db: sqlite_utils.Database) -> None:
    """Reference data a clinic imports (issue 16, store/reference_data.py), on both backends:
    each import (`reference_imports`: kind 'asp', 'icd10cm' or 'fees', its period, file,
    rows, who and when), ASP prices per quarter, ICD-10-CM codes per fiscal year and the fee
    schedule's dated rows. Money is kept as decimal text (exact on both backends)."""
    server = getattr(db, "dialect", "sqlite") == "postgresql"
    text = 'TEXT COLLATE "C"' if server else "TEXT"
    db.execute(f"""CREATE TABLE reference_imports (
                     kind {text} NOT NULL, period {text} NOT NULL, file_name {text} NOT NULL,
                     row_count INTEGER NOT NULL, summary {text} NOT NULL,
                     imported_at {text} NOT NULL, imported_by {text} NOT NULL,
                     PRIMARY KEY (kind, period))""")
    db.execute(f"""CREATE TABLE asp_prices (
                     quarter {text} NOT NULL, hcpcs {text} NOT NULL,
                     short_description {text} NOT NULL, dosage {text} NOT NULL,
                     payment_limit {text}, coinsurance_percent {text}, notes {text},
                     PRIMARY KEY (quarter, hcpcs))""")
    db.execute(f"""CREATE TABLE icd10_codes (
                     fiscal_year INTEGER NOT NULL, code {text} NOT NULL,
                     billable INTEGER NOT NULL, short_description {text} NOT NULL,
                     long_description {text} NOT NULL, PRIMARY KEY (fiscal_year, code))""")
    db.execute(f"""CREATE TABLE fee_rows (
                     code {text} NOT NULL, modifier {text} NOT NULL, setting {text} NOT NULL,
                     payer {text} NOT NULL, amount {text} NOT NULL,
                     effective_from {text} NOT NULL, effective_to {text}, note {text},
                     PRIMARY KEY (code, modifier, setting, payer, effective_from))""")


def _v12_claims_money_schedule(db: sqlite_utils.Database) -> None:
    """Records for benefits, claims and money (issues 13, 15, 16), on both backends:
    - `benefits_verifications`: what a plan said of a patient's cost for a therapy (the
      BenefitsVerification model of core/benefits.py as JSON in `details`), per coverage and
      product, with the dates the lists read in columns;
    - `claims`: each finalized visit's claim and its status (ready, printed, exported,
      submitted, paid, denied), the form or file it left in, and for a replacement (frequency
      7) the claim it replaces and the payer's claim number of that one;
    - `remittances`: a payment or denial recorded against a claim (amounts as decimal text,
      adjustment and denial reason codes as JSON);
    - `copay_enrolments` and `copay_claims`: the manufacturer's co-pay programme per patient
      (card, enrolment date, parts used) and each claim sent to it;
    - `visits.charges`: each claim line's charge as billed, frozen when the visit is finalized
      (JSON; NULL for a draft)."""
    server = getattr(db, "dialect", "sqlite") == "postgresql"
    text = 'TEXT COLLATE "C"' if server else "TEXT"
    big = "BIGINT" if server else "INTEGER"
    stamps = (f"created_at {text} NOT NULL, created_by {text} NOT NULL, "
              f"changed_at {text} NOT NULL, changed_by {text} NOT NULL")
    db.execute(f"ALTER TABLE visits ADD COLUMN charges {text}")
    db.execute(f"""CREATE TABLE benefits_verifications (
                     id {big} PRIMARY KEY,
                     coverage_id {big} NOT NULL REFERENCES coverages (id),
                     product {text} NOT NULL, verified_on {text} NOT NULL,
                     next_verification {text}, details {text} NOT NULL, {stamps})""")
    db.execute("CREATE INDEX idx_benefits_verifications_coverage "
               "ON benefits_verifications (coverage_id, product, verified_on)")
    db.execute("CREATE INDEX idx_benefits_verifications_next "
               "ON benefits_verifications (next_verification)")
    db.execute(f"""CREATE TABLE claims (
                     id {big} PRIMARY KEY,
                     visit_id {big} NOT NULL REFERENCES visits (id),
                     status {text} NOT NULL DEFAULT 'ready', frequency {text} NOT NULL
                     DEFAULT '1', replaces_claim_id {big} REFERENCES claims (id),
                     payer_claim_number {text}, form {text}, printed_at {text},
                     export_file {text}, control_number {text}, exported_at {text},
                     submitted_at {text}, decided_at {text}, denial_reason {text},
                     {stamps},
                     CHECK (status IN ('ready', 'printed', 'exported', 'submitted', 'paid',
                                       'denied', 'replaced')),
                     CHECK (frequency IN ('1', '7', '8')))""")
    db.execute("CREATE INDEX idx_claims_visit ON claims (visit_id)")
    db.execute("CREATE INDEX idx_claims_status ON claims (status)")
    db.execute(f"""CREATE TABLE remittances (
                     id {big} PRIMARY KEY,
                     claim_id {big} NOT NULL REFERENCES claims (id),
                     received_on {text} NOT NULL, amount_paid {text} NOT NULL,
                     patient_responsibility {text}, adjustments {text} NOT NULL,
                     denial_codes {text}, note {text}, {stamps})""")
    db.execute("CREATE INDEX idx_remittances_claim ON remittances (claim_id)")
    db.execute(f"""CREATE TABLE copay_enrolments (
                     id {big} PRIMARY KEY,
                     patient_id {big} NOT NULL REFERENCES patients (id),
                     programme {text} NOT NULL, card_id {text} NOT NULL,
                     enrolled_on {text} NOT NULL, ended_on {text}, parts {text} NOT NULL,
                     {stamps})""")
    db.execute("CREATE INDEX idx_copay_enrolments_patient ON copay_enrolments (patient_id)")
    db.execute(f"""CREATE TABLE copay_claims (
                     id {big} PRIMARY KEY,
                     enrolment_id {big} NOT NULL REFERENCES copay_enrolments (id),
                     visit_id {big} NOT NULL REFERENCES visits (id),
                     part {text} NOT NULL, amount_claimed {text} NOT NULL,
                     amount_paid {text}, sent_on {text}, eob_deadline {text} NOT NULL,
                     status {text} NOT NULL DEFAULT 'to_send', note {text}, {stamps},
                     UNIQUE (enrolment_id, visit_id, part))""")
    db.execute("CREATE INDEX idx_copay_claims_visit ON copay_claims (visit_id)")
    if server:
        from ocrebill_gui.store.pg_schema import id_trigger

        for table in ("benefits_verifications", "claims", "remittances", "copay_enrolments",
                      "copay_claims"):
            db.execute(id_trigger(table))


def _v13_worklist_and_dose_indexes(db: sqlite_utils.Database) -> None:
    """Indexes only (the same on both backends), for the reads of a 100,000-visit practice:
    - visits (status, date_of_service, patient_id, summary, errors): the finalized visits'
      dose window of the front desk's lists (store/dose_history.course_read, covering), the
      planned drafts, and the claims worklist's drafts with errors and finalized visits;
    - claims (status, visit_id): the worklist's claims of a status, and the visits with no
      claim (store/claim_worklist.CANDIDATES), without reading the claims' rows."""
    db.execute("CREATE INDEX idx_visits_status_date ON visits "
               "(status, date_of_service, patient_id, summary, errors)")
    db.execute("CREATE INDEX idx_claims_status_visit ON claims (status, visit_id)")


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# New files: a visit row (document + claim JSON, ~5 kB) fits in a page, no overflow chains.
PAGE_SIZE = 16384

# In order: MIGRATIONS[i] takes the schema from version i to i + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial, _v2_name_ordered_words, _v3_running_since, _v4_accounts,
    _v5_audit_chain, _v6_presence, _v7_records_corrected, _v8_providers,
    _v9_inventory_shelf, _v10_control_numbers, _v11_reference_data,
    _v12_claims_money_schedule, _v13_worklist_and_dose_indexes]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(db: sqlite_utils.Database) -> int:
    if _on_server(db):
        from ocrebill_gui.store.server import schema_version

        return schema_version(db)
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _on_server(db: object) -> bool:
    return getattr(db, "dialect", "sqlite") == "postgresql"


def _set_version(db: sqlite_utils.Database, version: int) -> None:
    if _on_server(db):
        from ocrebill_gui.store.server import set_schema_version

        set_schema_version(db, version)
    else:
        db.conn.execute(f"PRAGMA user_version = {int(version)}")


def _step(db: sqlite_utils.Database, version: int) -> int:
    """Apply the migration after `version` and return the version reached. On a server, an
    empty database gets the schema of pg_schema.BASELINE at once (migrations 1 to 5 reshaped
    SQLite files; no server ever held those versions), later migrations one by one."""
    if _on_server(db) and version == 0:
        from ocrebill_gui.store.pg_schema import BASELINE
        from ocrebill_gui.store.server import create_schema

        create_schema(db)
        return BASELINE
    MIGRATIONS[version](db)
    _set_version(db, version + 1)
    return version + 1


def migrate(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> int:
    """Apply the pending migrations up to `target`, each in its own transaction; return the
    version reached. The caller has checked that the file is not newer than this code."""
    conn = db.conn
    version = user_version(db)
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = user_version(db)
            if version >= target:
                conn.execute("COMMIT")
                break
            version = _step(db, version)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return version

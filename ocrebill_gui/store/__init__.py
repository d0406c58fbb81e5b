"""OcreBill's local store: one SQLite file (sqlite-utils), no Qt.

Open it, pass the Store to repository functions, close it::

    from ocrebill_gui import store
    from ocrebill_gui.store.accounts import sign_in
    db = store.open_store()                      # --db > $OCREBILL_DB > user data folder
    desk, nurse, biller = (sign_in(db, login, password) for login, password in ...)
    patient = store.add_patient(db, desk, {"name": "Rivera, Ana"})
    saved = store.create_draft(db, nurse, document, patient_id=patient.id)
    store.finalize_visit(db, biller, saved.visit_id, expected_revision=saved.revision)

Every write and every read of patient data takes a signed-in `Session` (accounts.py: made
only by `sign_in` or `create_first_admin`), never a name: `require()` refuses what its roles
do not allow (NotAllowed, naming the role needed; a string is "Sign in first"), and a write
goes to the append-only audit log as `session.actor`, in the same transaction. Reading the
inventory and checking the database take a session of any role; the practice settings, payer
profiles and catalog take none (the sign-in screen and `ocrebill compute` read them). Each
checked function keeps `.action` (its PERMISSIONS entry) and `.inside`, the same without the
check, for the store's own use within an operation already checked (an import adds the
patient and coverage it needs whoever imports); demo data and migrations write directly.
Every write to an existing visit takes `expected_revision`, the revision it is based on (as
read): a visit saved by someone else meanwhile is refused (VisitChanged), never overwritten.
Reads return plain frozen records (records.py), lists are paged (limit/offset). Errors are
StoreError subclasses whose messages are for people.

Modules: db (open, paths, transactions), migrations (schema), patients, coverages,
authorizations, vial_lots, visits (drafts, reading), lifecycle (finalize/amend/reopen),
visit_documents (the engine's view of a visit), payers, practice, search, audit, importing,
backup (backup and check), demo.
"""

from ocrebill_gui.store.audit import audit_entries
from ocrebill_gui.store.authorizations import (
    add_authorization,
    authorization_for,
    authorization_uses,
    authorizations_of,
    delete_authorization,
    end_authorization,
    expiring_authorizations,
    get_authorization,
    update_authorization,
)
from ocrebill_gui.store.backup import BackupReport, CheckReport, backup_database, check_database
from ocrebill_gui.store.benefits import (
    Benefits,
    add_benefits,
    benefits_of,
    delete_benefits,
    get_benefits,
    latest_for,
    update_benefits,
)
from ocrebill_gui.store.control_numbers import StoreControlNumbers, take_control_number
from ocrebill_gui.store.coverages import (
    add_coverage,
    coverage_on,
    coverages_of,
    delete_coverage,
    end_coverage,
    get_coverage,
    update_coverage,
)
from ocrebill_gui.store.db import (
    Store,
    default_db_path,
    open_store,
    resolve_db_path,
)
from ocrebill_gui.store.demo import DemoSummary, create_demo_database
from ocrebill_gui.store.errors import (
    BackupExists,
    DatabaseInUse,
    DiskFullError,
    InvalidRecord,
    NewerSchemaError,
    NotFound,
    ReadOnlyError,
    StoreError,
    UnreadableDatabase,
    VisitChanged,
    VisitHasErrors,
    VisitLocked,
)
from ocrebill_gui.store.importing import ImportResult, import_document
from ocrebill_gui.store.lifecycle import amend_visit, finalize_visit, reopen_visit
from ocrebill_gui.store.migrations import SCHEMA_VERSION
from ocrebill_gui.store.patients import (
    add_patient,
    count_patients,
    get_patient,
    list_patients,
    patient_by_ref,
    possible_duplicates,
    update_patient,
)
from ocrebill_gui.store.payers import (
    delete_payer,
    payer_profiles,
    save_payer,
    store_catalog,
    user_payers,
)
from ocrebill_gui.store.practice import (
    practice_settings,
    save_practice,
    with_practice_time_zone,
)
from ocrebill_gui.store.providers import (
    Provider,
    add_provider,
    default_providers,
    get_provider,
    list_providers,
    update_provider,
)
from ocrebill_gui.store.records import (
    Amendment,
    AuditEntry,
    Authorization,
    Coverage,
    DraftSaved,
    FieldChange,
    FinalizeOutcome,
    Patient,
    VialLot,
    Visit,
    VisitSummary,
)
from ocrebill_gui.store.reference_data import (
    ImportSummary,
    ReferenceImport,
    import_asp,
    import_fees,
    import_icd10cm,
    list_reference_data,
    store_code_sets,
    store_fee_schedule,
)
from ocrebill_gui.store.search import (
    count_visits,
    find_visits,
    fold,
    has_records,
    search_patients,
    visits_on,
)
from ocrebill_gui.store.stock import (
    StockLevel,
    record_vial_loss,
    set_lot_status,
    set_reorder_level,
    stock_levels,
)
from ocrebill_gui.store.vial_lots import (
    add_vial_lot,
    count_on_hand,
    expiring_lots,
    get_vial_lot,
    list_vial_lots,
    lot_by_number,
)
from ocrebill_gui.store.visit_documents import (
    compute_in_store,
    engine_document,
    visit_engine_document,
)
from ocrebill_gui.store.visits import (
    create_draft,
    discard_draft,
    get_visit,
    save_draft,
    visit_amendments,
    visit_document,
)

__all__ = [
    "SCHEMA_VERSION", "Amendment", "AuditEntry", "Authorization", "BackupExists", "BackupReport",
    "CheckReport",
    "Coverage", "DatabaseInUse", "DemoSummary", "DiskFullError", "DraftSaved", "FieldChange",
    "FinalizeOutcome", "ImportResult", "InvalidRecord", "NewerSchemaError", "NotFound",
    "Patient", "ReadOnlyError", "Store", "StoreError", "UnreadableDatabase", "VialLot", "Visit",
    "VisitChanged", "VisitHasErrors", "VisitLocked", "VisitSummary",
    "add_authorization", "add_coverage", "add_patient", "add_vial_lot", "amend_visit",
    "audit_entries", "authorization_for", "authorizations_of", "backup_database",
    "check_database", "compute_in_store", "count_on_hand", "count_patients", "count_visits",
    "coverage_on", "coverages_of", "create_demo_database", "create_draft", "default_db_path",
    "delete_payer",
    "discard_draft", "engine_document", "expiring_authorizations", "expiring_lots",
    "finalize_visit", "find_visits", "fold", "get_authorization", "get_coverage", "get_patient",
    "get_vial_lot", "get_visit", "has_records", "import_document", "list_patients",
    "list_vial_lots",
    "lot_by_number", "open_store", "patient_by_ref", "payer_profiles", "practice_settings",
    "reopen_visit", "resolve_db_path", "save_draft", "save_payer", "save_practice",
    "search_patients", "store_catalog", "update_authorization", "update_coverage",
    "update_patient", "user_payers", "visit_amendments", "visit_document",
    "visit_engine_document", "visits_on", "with_practice_time_zone",
    # issue 13: records that can be corrected
    "authorization_uses", "delete_authorization", "delete_coverage", "end_authorization",
    "end_coverage", "possible_duplicates",
    # issue 13: the practice's providers
    "Provider", "add_provider", "default_providers", "get_provider", "list_providers",
    "update_provider",
    # issue 13: benefits verifications per coverage and product
    "Benefits", "add_benefits", "benefits_of", "delete_benefits", "get_benefits", "latest_for",
    "update_benefits",
    # issue 13: inventory that matches the shelf
    "StockLevel", "record_vial_loss", "set_lot_status", "set_reorder_level", "stock_levels",
    # issue 15: X12 control numbers kept in the database
    "StoreControlNumbers", "take_control_number",
    # issue 16: reference data (ASP prices, ICD-10-CM code sets, fee schedule)
    "ImportSummary", "ReferenceImport", "import_asp", "import_fees", "import_icd10cm",
    "list_reference_data", "store_code_sets", "store_fee_schedule",
]

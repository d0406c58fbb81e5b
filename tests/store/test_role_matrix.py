"""Every store write and every read of patient data, as every role: what PERMISSIONS allows
succeeds, the rest is refused (NotAllowed naming the role it needs) and changes nothing.

The table below is the matrix: one row per public function of `ocrebill_gui.store` that takes
a session. A new one without a row fails `test_the_table_covers_every_public_function`, and
so does a function that takes no session without being listed in OPEN."""

from __future__ import annotations

import inspect
from datetime import date
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import staff
from store_helpers import example, populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.asp_file import read_asp_file
from ocrebill_gui.core.fee_schedule import read_fee_schedule
from ocrebill_gui.core.icd10_order_file import read_icd10_order_file
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store.accounts import PERMISSIONS, ROLES, WHAT, NotAllowed, Session

World = dict[str, Any]
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
ASP_FILE = "april-2026-asp-pricing-file.csv"
Call = Callable[[st.Store, Session, World], object]

# Public functions that take no session: configuration every screen and command needs, before
# anyone signs in too (the sign-in screen reads the practice settings), and utilities.
OPEN = {"compute_in_store", "create_demo_database", "default_db_path", "fold", "has_records",
        "open_store", "payer_profiles", "practice_settings", "resolve_db_path",
        "store_catalog", "user_payers", "with_practice_time_zone",
        "store_code_sets", "store_fee_schedule"}

MATRIX: list[tuple[str, str, Call]] = [
    # -- writes ---------------------------------------------------------------------------
    ("add_patient", "patients.write",
     lambda s, who, w: st.add_patient(s, who, {"name": "New, Pat"})),
    ("update_patient", "patients.write",
     lambda s, who, w: st.update_patient(s, who, w["patient"], {"phone": "555-0100"})),
    ("add_coverage", "coverage.write",
     lambda s, who, w: st.add_coverage(s, who, {"patient_id": w["patient"],
                                                "payer": "medicare", "priority": 2,
                                                "member_id": "M-1",
                                                "effective_from": "2020-01-01"})),
    ("end_coverage", "coverage.write",
     lambda s, who, w: st.end_coverage(s, who, w["coverage"], "2026-12-31")),
    ("delete_coverage", "coverage.write",
     lambda s, who, w: st.delete_coverage(s, who, w["unused_coverage"])),
    ("update_coverage", "coverage.write",
     lambda s, who, w: st.update_coverage(s, who, w["coverage"], {"member_id": "UHC999"})),
    ("add_authorization", "coverage.write",
     lambda s, who, w: st.add_authorization(s, who, {
         "coverage_id": w["coverage"], "number": "PA-9", "product": "ocrevus",
         "approved_units": 600, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})),
    ("update_authorization", "coverage.write",
     lambda s, who, w: st.update_authorization(s, who, w["auth"], {"approved_units": 2400})),
    ("end_authorization", "coverage.write",
     lambda s, who, w: st.end_authorization(s, who, w["auth"], "2026-11-30")),
    ("delete_authorization", "coverage.write",
     lambda s, who, w: st.delete_authorization(s, who, w["unused_auth"])),
    ("add_benefits", "coverage.write",
     lambda s, who, w: st.add_benefits(s, who, {"coverage_id": w["coverage"],
                                                "product": "ocrevus",
                                                "verified_on": "2026-03-01"})),
    ("update_benefits", "coverage.write",
     lambda s, who, w: st.update_benefits(s, who, w["benefits"], {"copay": "20"})),
    ("delete_benefits", "coverage.write",
     lambda s, who, w: st.delete_benefits(s, who, w["benefits"])),
    ("add_vial_lot", "inventory.write",
     lambda s, who, w: st.add_vial_lot(s, who, {
         "product": "ocrevus", "ndc": "50242-0150-01", "lot": "H0999",
         "expires": "2027-08-31", "received": "2026-02-02", "received_vials": 4})),
    ("count_on_hand", "inventory.write",
     lambda s, who, w: st.count_on_hand(s, who, w["lot"], 9, "shelf count")),
    ("create_draft", "visits.draft",
     lambda s, who, w: st.create_draft(s, who, visit_doc(day="2026-05-05"),
                                       patient_id=w["patient"])),
    ("save_draft", "visits.draft",
     lambda s, who, w: st.save_draft(s, who, {**visit_doc(), "note": "changed"},
                                     visit_id=w["draft"], expected_revision=1)),
    ("discard_draft", "visits.draft",
     lambda s, who, w: st.discard_draft(s, who, w["draft"], expected_revision=1)),
    ("finalize_visit", "visits.finalize",
     lambda s, who, w: st.finalize_visit(s, who, w["draft"], allow_errors=True,
                                         expected_revision=1)),
    ("amend_visit", "visits.finalize",
     lambda s, who, w: st.amend_visit(s, who, w["final"], visit_doc(day="2026-03-05", dose=300),
                                      "dose corrected", allow_errors=True,
                                      expected_revision=w["final_revision"])),
    ("reopen_visit", "visits.finalize",
     lambda s, who, w: st.reopen_visit(s, who, w["final"], "wrong day",
                                       expected_revision=w["final_revision"])),
    ("save_payer", "payers.write",
     lambda s, who, w: st.save_payer(s, who, {"id": "our-plan", "name": "Our plan"})),
    ("delete_payer", "payers.write",
     lambda s, who, w: st.delete_payer(s, who, "demo-plan")),
    ("save_practice", "practice.write",
     lambda s, who, w: st.save_practice(s, who, demo_practice())),
    ("import_document", "visits.import",
     lambda s, who, w: st.import_document(s, who, example())),
    ("backup_database", "backup",
     lambda s, who, w: st.backup_database(s, who, w["backup_to"])),
    # -- reads of patient data ------------------------------------------------------------
    ("get_patient", "patients.read", lambda s, who, w: st.get_patient(s, who, w["patient"])),
    ("patient_by_ref", "patients.read", lambda s, who, w: st.patient_by_ref(s, who, "P-00001")),
    ("list_patients", "patients.read", lambda s, who, w: st.list_patients(s, who)),
    ("count_patients", "patients.read", lambda s, who, w: st.count_patients(s, who)),
    ("search_patients", "patients.read", lambda s, who, w: st.search_patients(s, who, "mul")),
    ("get_coverage", "patients.read", lambda s, who, w: st.get_coverage(s, who, w["coverage"])),
    ("get_benefits", "patients.read", lambda s, who, w: st.get_benefits(s, who, w["benefits"])),
    ("benefits_of", "patients.read", lambda s, who, w: st.benefits_of(s, who, w["coverage"])),
    ("latest_for", "patients.read",
     lambda s, who, w: st.latest_for(s, who, w["coverage"], "ocrevus", w["day"])),
    ("coverages_of", "patients.read", lambda s, who, w: st.coverages_of(s, who, w["patient"])),
    ("coverage_on", "patients.read",
     lambda s, who, w: st.coverage_on(s, who, w["patient"], w["day"])),
    ("get_authorization", "patients.read",
     lambda s, who, w: st.get_authorization(s, who, w["auth"])),
    ("authorizations_of", "patients.read",
     lambda s, who, w: st.authorizations_of(s, who, patient_id=w["patient"])),
    ("authorization_uses", "patients.read",
     lambda s, who, w: st.authorization_uses(s, who, w["auth"])),
    ("possible_duplicates", "patients.read",
     lambda s, who, w: st.possible_duplicates(s, who, {"name": "Müller, Ada"})),
    ("authorization_for", "patients.read",
     lambda s, who, w: st.authorization_for(s, who, w["coverage"], "ocrevus", w["day"])),
    ("expiring_authorizations", "patients.read",
     lambda s, who, w: st.expiring_authorizations(s, who, w["day"], within_days=400)),
    ("get_visit", "patients.read", lambda s, who, w: st.get_visit(s, who, w["draft"])),
    ("visit_document", "patients.read", lambda s, who, w: st.visit_document(s, who, w["draft"])),
    ("visit_amendments", "patients.read",
     lambda s, who, w: st.visit_amendments(s, who, w["final"])),
    ("find_visits", "patients.read", lambda s, who, w: st.find_visits(s, who, text="mul")),
    ("count_visits", "patients.read", lambda s, who, w: st.count_visits(s, who)),
    ("visits_on", "patients.read", lambda s, who, w: st.visits_on(s, who, w["day"])),
    ("engine_document", "patients.read",
     lambda s, who, w: st.engine_document(s, who, visit_doc(), patient_id=w["patient"])),
    ("visit_engine_document", "patients.read",
     lambda s, who, w: st.visit_engine_document(s, who, w["draft"])),
    ("audit_entries", "audit.read", lambda s, who, w: st.audit_entries(s, who)),
    # -- no patient data: anyone signed in ------------------------------------------------
    ("get_vial_lot", "store.read", lambda s, who, w: st.get_vial_lot(s, who, w["lot"])),
    ("lot_by_number", "store.read",
     lambda s, who, w: st.lot_by_number(s, who, "50242-0150-01", "H0123")),
    ("list_vial_lots", "store.read", lambda s, who, w: st.list_vial_lots(s, who)),
    ("expiring_lots", "store.read", lambda s, who, w: st.expiring_lots(s, who, w["day"])),
    ("check_database", "store.read", lambda s, who, w: st.check_database(s, who)),
    # issue 13: the practice's providers
    ("add_provider", "providers.write",
     lambda s, who, w: st.add_provider(s, who, {"role": "ordering", "name": "Haddad, Noor",
                                                "npi": "1003000126"})),
    ("update_provider", "providers.write",
     lambda s, who, w: st.update_provider(s, who, w["provider"], {
         "role": "rendering", "name": "Okafor, Grace", "npi": "1234567893",
         "is_default": True})),
    ("get_provider", "store.read", lambda s, who, w: st.get_provider(s, who, w["provider"])),
    ("list_providers", "store.read", lambda s, who, w: st.list_providers(s, who)),
    ("default_providers", "patients.read",
     lambda s, who, w: st.default_providers(s, who, w["patient"])),
    # issue 13: inventory that matches the shelf
    ("record_vial_loss", "inventory.write",
     lambda s, who, w: st.record_vial_loss(s, who, w["lot"], 1, "damaged", "dropped")),
    ("set_lot_status", "inventory.write",
     lambda s, who, w: st.set_lot_status(s, who, w["lot"], "quarantined", "maker's notice")),
    ("set_reorder_level", "inventory.write",
     lambda s, who, w: st.set_reorder_level(s, who, "ocrevus", 4)),
    ("stock_levels", "store.read", lambda s, who, w: st.stock_levels(s, who)),
    # issue 15: X12 control numbers kept in the database
    ("take_control_number", "visits.export",
     lambda s, who, w: st.take_control_number(s, who, "isa")),
    # issue 16: reference data (ASP prices, ICD-10-CM code sets, fee schedule)
    ("import_asp", "reference.write",
     lambda s, who, w: st.import_asp(s, who, read_asp_file(REFERENCE / ASP_FILE))),
    ("import_icd10cm", "reference.write",
     lambda s, who, w: st.import_icd10cm(s, who, read_icd10_order_file(
         REFERENCE / "icd10cm_order_2027.txt", 2027))),
    ("import_fees", "reference.write",
     lambda s, who, w: st.import_fees(s, who, read_fee_schedule(REFERENCE / "fees-2026.csv"))),
    ("list_reference_data", "store.read", lambda s, who, w: st.list_reference_data(s, who)),
]


def needed(action: str) -> str:
    return " or ".join(ROLES[r] for r in sorted(PERMISSIONS[action]))


@pytest.fixture
def world(store, tmp_path) -> World:
    """A patient with coverage, authorization and lot, a draft and a finalized visit, a
    payer profile of the practice's own; built as someone with every role."""
    everyone = staff.signed("setup")
    patient, coverage, auth, lot = populated(store)
    draft = st.create_draft(store, everyone, visit_doc(), patient_id=patient.id)
    done = st.create_draft(store, everyone, visit_doc(day="2026-03-05"), patient_id=patient.id)
    final = st.finalize_visit(store, everyone, done.visit_id, allow_errors=True,
                              expected_revision=done.revision)
    st.save_payer(store, everyone, {"id": "demo-plan", "name": "Demo plan"})
    unused = st.add_coverage(store, everyone, {"patient_id": patient.id, "payer": "aetna",
                                               "member_id": "W1", "priority": 3,
                                               "effective_from": "2026-01-01"})
    unused_auth = st.add_authorization(store, everyone, {
        "coverage_id": coverage.id, "number": "PA-UNUSED", "product": "ocrevus",
        "valid_from": "2027-01-01", "valid_to": "2027-12-31"})
    provider = st.add_provider(store, everyone, {"role": "rendering", "name": "Okafor, G.",
                                                 "npi": "1234567893"})
    benefits = st.add_benefits(store, everyone, {"coverage_id": coverage.id,
                                                 "product": "ocrevus",
                                                 "verified_on": "2026-02-20"})
    (tmp_path / "usb").mkdir()
    return {"patient": patient.id, "coverage": coverage.id, "auth": auth.id, "lot": lot.id,
            "provider": provider.id, "benefits": benefits.id,
            "unused_coverage": unused.id, "unused_auth": unused_auth.id,
            "draft": draft.visit_id, "final": done.visit_id,
            "final_revision": final.visit.revision,
            "day": date.fromisoformat(visit_doc()["date_of_service"]),
            "backup_to": tmp_path / "usb" / "copy.sqlite"}


@pytest.fixture
def as_role(store) -> dict[str, Session]:
    """A session per role, each an account of the test's own database with that one role
    (made by its administrator, signed in with the password)."""
    return {role: staff.session(store, role.replace("_", "."), (role,)) for role in ROLES}


def snapshot(store: st.Store) -> dict[str, int]:
    """Rows per table (the audit log too): what a refused call must leave as it was."""
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: store.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_the_table_covers_every_public_function():
    public = {name for name in st.__all__
              if inspect.isfunction(getattr(st, name)) or hasattr(getattr(st, name), "action")}
    rows = {name: action for name, action, _call in MATRIX}
    assert len(rows) == len(MATRIX), "one row per function"
    assert public - OPEN - set(rows) == set(), "functions without a row in the matrix"
    for name in rows:
        assert getattr(getattr(st, name), "action", None) == rows[name], name
    for name in OPEN:
        assert not hasattr(getattr(st, name), "action"), f"{name} checks a session"
    assert {action for action in rows.values()} <= set(PERMISSIONS)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("name", "action", "call"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_may_do_what_its_permissions_allow(store, world, as_role, role, name,
                                                     action, call, backend):
    session = as_role[role]
    if role in PERMISSIONS[action] and name == "backup_database" and backend == "postgres":
        with pytest.raises(st.StoreError, match="is a server: back it up with"):
            call(store, session, world)  # allowed, and then told a server is not a file
        return
    if role in PERMISSIONS[action]:
        call(store, session, world)
        return
    before = snapshot(store)
    with pytest.raises(NotAllowed) as refused:
        call(store, session, world)
    assert str(refused.value) == (f"Signed in as {session.login} ({ROLES[role]}): "
                                  f"{WHAT[action]} needs the {needed(action)} role")
    assert snapshot(store) == before, "a refused call changed the database"
    assert not world["backup_to"].exists()


def test_importing_to_finalize_needs_the_biller_too(store, world, as_role):
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="finalizing, amending or reopening a visit needs the "
                                         "biller role"):
        st.import_document(store, as_role["front_desk"], example(), finalize=True)
    assert snapshot(store) == before
    both = staff.session(store, "desk.and.bill", ("front_desk", "biller"))
    assert st.import_document(store, both, example(), finalize=True).finalized


def test_a_name_or_a_session_still_to_change_its_password_is_refused(store, world):
    fresh = staff.session(store, "new.desk", ("front_desk",), must_change=True)
    before = snapshot(store)
    for who in ("frontdesk", None, 42):
        with pytest.raises(NotAllowed, match="Sign in first"):
            st.add_patient(store, who, {"name": "New, Pat"})  # type: ignore[arg-type]
        with pytest.raises(NotAllowed, match="Sign in first"):
            st.get_patient(store, who, world["patient"])  # type: ignore[arg-type]
    with pytest.raises(NotAllowed, match="must change the password"):
        st.add_patient(store, fresh, {"name": "New, Pat"})
    assert snapshot(store) == before

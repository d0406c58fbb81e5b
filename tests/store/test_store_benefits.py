"""Benefits verifications (issue 13, item 5), on both backends: recorded per coverage and
product, corrected, deleted, the latest on or before a day; every refusal names its field in
the form's words and saves nothing; the audit log names ids only; a coverage deleted takes its
verifications along. The visit's engine document carries the latest one and the practice's
days, so a visit without a recent one has the benefits-not-verified warning in the store, the
editor and `ocrebill compute --db`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.engine import compute
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.store import benefits as bv

DESK = "frontdesk"


def verification(coverage_id: int, **changes) -> dict:
    return {"coverage_id": coverage_id, "product": "ocrevus", "verified_on": "2026-02-20",
            "method": "phone", "reference": "REF-88", "representative": "Dana at UHC",
            "benefit": "medical", "buy_and_bill_allowed": True,
            "site_of_care_rule": "office or home infusion", "in_network": True,
            "deductible_total": "$1,500", "deductible_remaining": "250.5",
            "out_of_pocket_max": "6000", "out_of_pocket_remaining": "4,100.00",
            "coinsurance_percent": "20%", "copay": "", "prior_auth_required": True,
            "next_verification": "2026-08-20"} | changes


def test_a_verification_is_kept_as_typed_and_read_back(store):
    _patient, uhc, _auth, _lot = populated(store)
    saved = bv.add_benefits(store, signed(DESK), verification(uhc.id))
    assert saved == bv.get_benefits(store, signed(), saved.id)
    found = saved.verification
    assert (saved.coverage_id, saved.product, found.verified_on) == (uhc.id, "ocrevus",
                                                                     date(2026, 2, 20))
    assert (found.deductible_total, found.deductible_remaining, found.out_of_pocket_remaining,
            found.coinsurance_percent, found.copay) == (Decimal("1500.00"), Decimal("250.50"),
                                                        Decimal("4100.00"), Decimal(20), None)
    assert (found.method, found.reference, found.representative, found.benefit,
            found.buy_and_bill_allowed, found.in_network, found.prior_auth_required,
            found.site_of_care_rule, found.next_verification) == (
        "phone", "REF-88", "Dana at UHC", "medical", True, True, True,
        "office or home infusion", date(2026, 8, 20))
    assert saved.fields()["copay"] is None and saved.fields()["reference"] == "REF-88"


def test_latest_for_a_day_and_the_list_of_a_coverage(store):
    _patient, uhc, _auth, _lot = populated(store)
    desk = signed(DESK)
    jan = bv.add_benefits(store, desk, verification(uhc.id, verified_on="2026-01-05"))
    mar = bv.add_benefits(store, desk, verification(uhc.id, verified_on="2026-03-01"))
    other = bv.add_benefits(store, desk, verification(uhc.id, verified_on="2026-02-01",
                                                      product="rituximab"))
    assert bv.latest_for(store, signed(), uhc.id, "ocrevus", date(2026, 2, 28)) == jan
    assert bv.latest_for(store, signed(), uhc.id, "ocrevus", date(2026, 3, 1)) == mar
    assert bv.latest_for(store, signed(), uhc.id, "ocrevus", date(2026, 1, 4)) is None
    assert bv.latest_for(store, signed(), uhc.id, "natalizumab", date(2026, 3, 9)) is None
    assert [b.id for b in bv.benefits_of(store, signed(), uhc.id)] == [mar.id, other.id, jan.id]
    assert [b.id for b in bv.benefits_of(store, signed(), uhc.id, "ocrevus")] == [mar.id, jan.id]


@pytest.mark.parametrize(("changes", "problems"), [
    ({"deductible_total": "12.345"}, {"deductible_total": "must be whole cents (at most 2 "
                                                          "decimals)"}),
    ({"copay": "-5"}, {"copay": "cannot be negative"}),
    ({"out_of_pocket_max": "a lot"}, {"out_of_pocket_max": "must be an amount in dollars and "
                                                           "cents, e.g. 1500.00"}),
    ({"coinsurance_percent": "120"}, {"coinsurance_percent": "must be a percentage from 0 to "
                                                             "100, e.g. 20"}),
    ({"deductible_remaining": "1600"}, {"document": "deductible_remaining is more than "
                                                    "deductible_total"}),
    ({"next_verification": "2026-02-01"}, {"document": "next_verification is before "
                                                       "verified_on"}),
    ({"verified_on": "2999-01-01"}, {"verified_on": "cannot be in the future: record a "
                                                    "verification once it is made"}),
    ({"verified_on": ""}, {"verified_on": "must be a date such as 2026-03-04"}),
    ({"product": "aspirin"}, {"product": "unknown product 'aspirin' (known: "}),
    ({"coverage_id": 999}, {"coverage_id": "there is no coverage 999"}),
])
def test_bad_input_is_named_and_nothing_is_saved(store, changes, problems):
    _patient, uhc, _auth, _lot = populated(store)
    with pytest.raises(st.InvalidRecord) as refused:
        bv.add_benefits(store, signed(DESK), verification(uhc.id) | changes)
    got = dict(refused.value.problems)
    assert set(got) == set(problems)
    for key, text in problems.items():
        assert got[key].startswith(text)
    assert bv.benefits_of(store, signed(), uhc.id) == []
    assert bv.validated(bv.BenefitsFields, verification(uhc.id))  # the form's own check
    with pytest.raises(st.InvalidRecord, match="input should be 'phone', 'portal' or '271'"):
        bv.add_benefits(store, signed(DESK), verification(uhc.id, method="fax"))


def test_corrected_deleted_and_audited_by_ids_only(store):
    patient, uhc, _auth, _lot = populated(store)
    saved = bv.add_benefits(store, signed(DESK), verification(uhc.id))
    same = bv.update_benefits(store, signed(DESK), saved.id, {"copay": None})
    assert same == saved  # nothing changed: no entry
    fixed = bv.update_benefits(store, signed(DESK), saved.id, {"deductible_remaining": "0",
                                                               "copay": "35"})
    assert (fixed.verification.deductible_remaining, fixed.verification.copay) == (
        Decimal("0.00"), Decimal("35.00"))
    with pytest.raises(st.InvalidRecord, match="next_verification is before verified_on"):
        bv.update_benefits(store, signed(DESK), saved.id, {"verified_on": "2026-09-01"})
    assert bv.get_benefits(store, signed(), saved.id) == fixed
    bv.delete_benefits(store, signed(DESK), saved.id)
    with pytest.raises(st.NotFound, match=f"no benefits verification {saved.id}"):
        bv.get_benefits(store, signed(), saved.id)
    entries = st.audit_entries(store, signed(), "benefits_verification", saved.id)
    assert [e.action for e in entries] == ["delete", "update", "create"]
    update = {c.field: (c.before, c.after) for c in entries[1].changes}
    assert update == {"deductible_remaining": ("250.50", "0.00"), "copay": (None, "35.00")}
    text = json.dumps([[c.field, c.before, c.after] for e in entries for c in e.changes])
    assert str(uhc.id) in text
    for private in (patient.name, "Müller", uhc.member_id, patient.ref):
        assert private not in text


def test_only_the_front_desk_changes_them(store):
    _patient, uhc, _auth, _lot = populated(store)
    nurse = signed("nurse.only", ("nurse",))
    with pytest.raises(st.StoreError, match="front desk role"):
        bv.add_benefits(store, nurse, verification(uhc.id))
    saved = bv.add_benefits(store, signed("desk.only", ("front_desk",)), verification(uhc.id))
    assert bv.benefits_of(store, nurse, uhc.id) == [saved]  # a nurse reads them
    admin = signed("admin.only", ("admin",))
    with pytest.raises(st.StoreError):
        bv.benefits_of(store, admin, uhc.id)  # no patient data for an administrator


def test_a_deleted_coverage_takes_its_verifications_along(store):
    patient, uhc, _auth, _lot = populated(store)
    spare = st.add_coverage(store, signed(DESK), {
        "patient_id": patient.id, "payer": "aetna", "member_id": "W1", "priority": 2,
        "effective_from": "2026-01-01"})
    typo = bv.add_benefits(store, signed(DESK), verification(spare.id))
    kept = bv.add_benefits(store, signed(DESK), verification(uhc.id))
    st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                    coverage_id=uhc.id)
    with pytest.raises(st.StoreError, match="cannot be deleted: visit"):
        st.delete_coverage(store, signed(DESK), uhc.id)
    st.delete_coverage(store, signed(DESK), spare.id)
    assert bv.benefits_of(store, signed(), spare.id) == []
    assert bv.benefits_of(store, signed(), uhc.id) == [kept]
    gone = st.audit_entries(store, signed(), "benefits_verification", typo.id)
    assert [e.action for e in gone] == ["delete", "create"]


def findings(store, patient, coverage, day: str = "2026-03-04") -> list[str]:
    doc = st.engine_document(store, signed(), visit_doc(day=day), patient_id=patient.id,
                             coverage_id=coverage.id)
    return [f.message for f in compute(doc).findings if f.rule == "benefits-not-verified"]


def test_a_visit_without_a_recent_verification_has_the_warning(store):
    patient, uhc, _auth, _lot = populated(store)
    assert findings(store, patient, uhc) == [
        "No benefits verification of Ocrevus recorded for this coverage: record one within "
        "30 days before the date of service"]
    bv.add_benefits(store, signed(DESK), verification(uhc.id, verified_on="2026-01-20",
                                                      next_verification=None))
    assert findings(store, patient, uhc) == [
        "The latest benefits verification of Ocrevus is of 2026-01-20, 43 days before the "
        "date of service: record one within 30 days before the date of service"]
    st.save_practice(store, signed("admin"), demo_practice().model_copy(
        update={"benefits_verification_days": 45}))
    assert findings(store, patient, uhc) == []
    recent = bv.add_benefits(store, signed(DESK), verification(
        uhc.id, verified_on="2026-02-20", next_verification="2026-03-01"))
    assert findings(store, patient, uhc) == [
        "The benefits verification of Ocrevus of 2026-02-20 was due for re-verification on "
        "2026-03-01, before the date of service: verify the benefits again"]
    bv.update_benefits(store, signed(DESK), recent.id, {"next_verification": "2026-08-20"})
    assert findings(store, patient, uhc) == []
    doc = st.engine_document(store, signed(), visit_doc(), patient_id=patient.id,
                             coverage_id=uhc.id)
    assert doc["benefits_verification"] == {
        "product": "ocrevus", "within_days": 45, "verified_on": "2026-02-20",
        "next_verification": "2026-08-20", "deductible_total": 1500.0,
        "deductible_remaining": 250.5, "out_of_pocket_max": 6000.0,
        "out_of_pocket_remaining": 4100.0, "coinsurance_percent": 20.0}


def test_the_draft_and_the_finalized_visit_carry_it(store):
    patient, uhc, _auth, _lot = populated(store)
    st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                    coverage_id=uhc.id)
    bv.add_benefits(store, signed(DESK), verification(uhc.id))
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id,
                            coverage_id=uhc.id)
    before, after = st.visits_on(store, signed(), date(2026, 3, 4))
    assert after.warnings == before.warnings - 1
    st.finalize_visit(store, signed("biller"), saved.visit_id,
                      expected_revision=saved.revision, allow_errors=True)
    visit = st.get_visit(store, signed(), saved.visit_id)
    final = st.get_visit(store, signed(), visit.id)
    assert final.document["benefits_verification"]["verified_on"] == "2026-02-20"
    assert "benefits-not-verified" not in {f.rule for f in final.claim.findings}
    for b in bv.benefits_of(store, signed(), uhc.id):  # later changes leave the billed one
        bv.delete_benefits(store, signed(DESK), b.id)
    kept = st.visit_engine_document(store, signed(), visit.id)
    assert kept["benefits_verification"]["verified_on"] == "2026-02-20"


def test_compute_with_db_warns_from_the_document_it_is_given(store, tmp_path, capsys):
    from ocrebill_gui.cli import main

    patient, uhc, _auth, _lot = populated(store)
    doc = st.engine_document(store, signed(), visit_doc(), patient_id=patient.id,
                             coverage_id=uhc.id)
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(doc))
    on_file = isinstance(store.path, Path)  # --db takes a file
    args = ["compute", str(path), "--json"] + (["--db", str(store.path)] if on_file else [])
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    rules = {f["rule"]: f["severity"] for f in result["findings"]}
    assert rules["benefits-not-verified"] == "warning"
    del doc["benefits_verification"]  # another system's document: not checked
    path.write_text(json.dumps(doc))
    assert main(["compute", str(path), "--json"]) == 0
    assert "benefits-not-verified" not in capsys.readouterr().out

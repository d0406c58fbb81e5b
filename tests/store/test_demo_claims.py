"""The demo centre's claims (issue 15): a biller trying the demo finds claims of every status,
remittances for the decided ones, a replacement, and can export a day's claims to an 837 that
pyx12 accepts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.core.x12.validate import validate_837
from ocrebill_gui.store.claim_export import build_export, visits_to_send
from ocrebill_gui.store.claims import claim as get_claim
from ocrebill_gui.store.claim_worklist import worklist
from ocrebill_gui.store.practice import practice_settings

TODAY = date(2026, 11, 27)
BILLER = signed("biller", ["biller"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    # Enough visits that the recent days have hospital-outpatient claims to send too.
    st.create_demo_database(path, visits=5000, seed=7, today=TODAY)
    with st.open_store(path) as store:
        yield store


def _one(store, sql: str, *params):
    return store.conn.execute(sql, params).fetchone()


def test_every_status_in_a_realistic_mix(demo):
    statuses = Counter(dict(demo.conn.execute(
        "SELECT status, count(*) FROM claims GROUP BY status").fetchall()))
    finalized = _one(demo, "SELECT count(*) FROM visits WHERE status = 'finalized'")[0]
    assert set(statuses) == {"ready", "printed", "exported", "submitted", "paid", "denied",
                             "replaced"}
    # One claim per finalized visit, plus the replacement of the one replaced.
    assert statuses.total() == finalized + 1 and statuses["replaced"] == 1
    assert statuses["paid"] > finalized / 2  # most were paid in the past months
    assert 1 <= statuses["denied"] <= finalized * 0.06
    assert statuses["ready"] >= 2 and statuses["printed"] + statuses["exported"] >= 2
    # The recent ones are the ones not sent yet, the old ones decided.
    newest = {row[0]: row[1] for row in demo.conn.execute(
        "SELECT c.status, max(v.date_of_service) FROM claims c JOIN visits v "
        "ON v.id = c.visit_id WHERE c.frequency = '1' GROUP BY c.status")}
    assert newest["ready"] > newest["printed"] > newest["paid"]
    assert newest["ready"] > newest["exported"] > newest["paid"]


def test_the_replacement_names_the_denied_original(demo):
    original, new = demo.conn.execute(
        "SELECT o.id, c.id FROM claims c JOIN claims o ON o.id = c.replaces_claim_id "
        "WHERE c.frequency = '7'").fetchall()[0]
    claim = get_claim(demo, BILLER, new)
    assert claim.status == "ready" and claim.original_claim_number.startswith("DMC")
    codes = json.loads(_one(demo, "SELECT denial_codes FROM remittances WHERE claim_id = ?",
                            original)[0])
    assert codes == ["CO-16", "N290"]
    visit = st.get_visit(demo, signed(), claim.visit_id)
    assert visit.revision == 3  # amended: the rendering provider corrected
    plan = build_export(demo, BILLER, [claim.visit_id], "837p", at=datetime(2026, 11, 27, 9))
    assert plan.written == [claim.visit_id] and "REF*F8*DMC" in plan.text
    assert f"CLM*{claim.visit_id}*" in plan.text and ":B:7*" in plan.text
    assert plan.pyx12 and "IK5*A" in plan.ack_999


def test_remittances_for_the_decided_claims(demo):
    rows = demo.conn.execute(
        "SELECT c.status, r.amount_paid, r.patient_responsibility, r.adjustments, "
        "r.denial_codes, c.denial_reason, c.payer_claim_number, v.charges FROM claims c "
        "JOIN remittances r ON r.claim_id = c.id JOIN visits v ON v.id = c.visit_id").fetchall()
    decided = _one(demo, "SELECT count(*) FROM claims WHERE decided_at IS NOT NULL")[0]
    assert len(rows) == decided
    for status, paid, share, adjusted, codes, reason, number, charges in rows:
        if codes is None:  # a payment: paid + adjustments = the charges billed
            total = sum(Decimal(line["charge"]) for line in json.loads(charges)["lines"])
            adjustments = sum(Decimal(a["amount"]) for a in json.loads(adjusted))
            assert status == "paid" and Decimal(paid) > 0
            assert Decimal(paid) + adjustments == total and Decimal(share) >= 0
        else:  # a denial: its codes, the reason on the claim, the payer's number keyed
            assert status in ("denied", "replaced") and paid == "0.00"
            assert json.loads(codes) and reason and number


def test_the_worklist_shows_each_kind(demo):
    for kind in ("draft_errors", "to_send", "submitted", "paid", "denied"):
        rows = worklist(demo, BILLER, kinds=[kind], limit=500)
        assert rows and {row.kind for row in rows} == {kind}, kind
    to_send = worklist(demo, BILLER, kinds=["to_send"], limit=500)
    assert {row.status for row in to_send} == {"ready", "printed", "exported"}
    assert any(row.replacement for row in to_send)
    assert all(row.charge_total for row in to_send)  # charges frozen at finalize


def test_the_practice_coverages_and_visits_have_what_a_claim_needs(demo):
    practice = practice_settings(demo)
    assert practice.address_lines[-1].endswith("62701-0100")
    assert practice.clearinghouse is not None and practice.clearinghouse.usage == "T"
    assert _one(demo, "SELECT count(*) FROM coverages WHERE claim_office_id IS NULL OR "
                      "plan_type IS NULL OR subscriber_relationship IS NULL")[0] == 0
    for (text,) in demo.conn.execute("SELECT document FROM visits"):
        providers = json.loads(text)["providers"]
        assert providers["rendering"]["npi"] and providers["ordering"]["npi"]


def test_a_day_exports_to_an_837_that_pyx12_accepts(demo):
    day = date.fromisoformat(_one(
        demo, "SELECT max(v.date_of_service) FROM claims c JOIN visits v ON v.id = c.visit_id "
              "WHERE c.status = 'ready' AND c.frequency = '1'")[0])
    demo_numbers = [int(row[0]) for row in demo.conn.execute(
        "SELECT control_number FROM claims WHERE control_number IS NOT NULL")]
    visits = visits_to_send(demo, BILLER, day, day)
    plan = build_export(demo, BILLER, visits, "837p", at=datetime(2026, 11, 27, 9), batch=True)
    assert plan.written and plan.complete, plan.left_out
    assert plan.control_number > max(demo_numbers)  # the demo's exports took theirs
    assert validate_837(plan.text).accepted


def test_benefits_and_a_copay_enrolment(demo):
    assert _one(demo, "SELECT count(*) FROM benefits_verifications")[0] == 3
    assert _one(demo, "SELECT count(*) FROM copay_enrolments")[0] == 1
    assert _one(demo, "SELECT count(*) FROM copay_claims")[0] == 1
    # Only patients without a draft: a draft's document shows no verification.
    assert _one(demo, "SELECT count(*) FROM visits v JOIN benefits_verifications b "
                      "ON b.coverage_id = v.coverage_id WHERE v.status = 'draft'")[0] == 0


@pytest.mark.parametrize("kind", ["837p", "837i"])
def test_every_claim_to_send_exports_and_passes_pyx12(demo, kind):
    visits = visits_to_send(demo, BILLER, date(2000, 1, 1), TODAY)
    hospital = {row[0] for row in demo.conn.execute(
        "SELECT id FROM visits WHERE setting = 'hospital_outpatient'")}
    wanted = [v for v in visits if (v in hospital) == (kind == "837i")]
    assert wanted
    plan = build_export(demo, BILLER, visits, kind, at=datetime(2026, 11, 27, 9), batch=True)
    assert plan.written == wanted and plan.complete, plan.left_out
    assert plan.pyx12 and validate_837(plan.text).accepted

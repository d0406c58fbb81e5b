"""The manufacturer's co-pay programme in the store (issue 16, item 4): enrolments, the claims
to the programme with their EOB deadline and the 180-days-before-enrolment rule, the year's
usage an estimate reads (programme_input) and the coverage kinds that make a patient
ineligible; audited, role-checked, on both backends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import copay
from ocrebill_gui.store.accounts import NotAllowed

FRONT = signed("frontdesk", ("front_desk",))
BILLER = signed("biller", ("biller",))


def visit(store, patient_id: int, day: str) -> int:
    return st.create_draft(store, signed("nurse", ("nurse",)), visit_doc(day=day),
                           patient_id=patient_id).visit_id


def test_enrol_correct_end_and_the_audit(store):
    patient, *_ = populated(store)
    enrolled = copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "OCR-123",
                                          "enrolled_on": "2026-02-01", "parts": ["drug"]})
    assert (enrolled.programme, enrolled.card_id, enrolled.enrolled_on, enrolled.parts) == (
        "ocrevus-copay", "OCR-123", date(2026, 2, 1), ("drug",))
    fixed = copay.update_enrolment(store, BILLER, enrolled.id,
                                   {"parts": ["infusion", "drug"], "card_id": "OCR-124"})
    assert (fixed.parts, fixed.card_id) == (("drug", "infusion"), "OCR-124")
    ended = copay.end_enrolment(store, FRONT, enrolled.id, "2026-11-30")
    assert ended.ended_on == date(2026, 11, 30)
    assert copay.enrolments_of(store, BILLER, patient.id) == [ended]
    audit = st.audit_entries(store, signed("adm", ("admin",)), entity="copay_enrolment")
    assert [(e.action, e.actor) for e in audit] == [
        ("update", "frontdesk"), ("update", "biller"), ("create", "frontdesk")]
    assert ("card_id", "OCR-123", "OCR-124") in [(c.field, c.before, c.after)
                                                 for c in audit[1].changes]


@pytest.mark.parametrize("fields, field, words", [
    ({"card_id": ""}, "card_id", "must not be empty"),
    ({"parts": []}, "parts", "the drug, the infusion or both"),
    ({"parts": ["vials"]}, "parts", "drug"),
    ({"programme": "nope"}, "programme", "unknown programme 'nope'"),
    ({"enrolled_on": "2999-01-01"}, "enrolled_on", "future"),
    ({"ended_on": "2026-01-01"}, "ended_on", "not be before the enrolment date"),
    ({"patient_id": 999}, "patient_id", "no patient 999"),
])
def test_bad_enrolments_are_refused_naming_the_field(store, fields, field, words):
    patient, *_ = populated(store)
    values = {"patient_id": patient.id, "card_id": "C-1", "enrolled_on": "2026-02-01"}
    with pytest.raises(st.InvalidRecord) as refused:
        copay.enrol(store, FRONT, values | fields)
    assert any(f.startswith(field) and words in m for f, m in refused.value.problems), \
        refused.value.problems
    assert copay.enrolments_of(store, BILLER, patient.id) == []


def test_two_enrolments_in_force_at_once_are_refused(store):
    patient, *_ = populated(store)
    first = copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                                       "enrolled_on": "2026-01-05"})
    with pytest.raises(st.InvalidRecord, match=f"enrolment {first.id}"):
        copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-2",
                                   "enrolled_on": "2026-06-01"})
    copay.end_enrolment(store, FRONT, first.id, "2026-05-31")
    second = copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-2",
                                        "enrolled_on": "2026-06-01"})
    assert copay.enrolment_for(store, patient.id, date(2026, 3, 1)).id == first.id
    assert copay.enrolment_for(store, patient.id, date(2026, 7, 1)).id == second.id


def test_only_front_desk_and_biller_enrol_and_the_nurse_reads(store):
    patient, *_ = populated(store)
    values = {"patient_id": patient.id, "card_id": "C-1", "enrolled_on": "2026-01-05"}
    for who in (signed("nurse", ("nurse",)), signed("adm", ("admin",))):
        with pytest.raises(NotAllowed, match="biller or front desk"):
            copay.enrol(store, who, values)
    copay.enrol(store, FRONT, values)
    assert len(copay.enrolments_of(store, signed("nurse", ("nurse",)), patient.id)) == 1
    with pytest.raises(NotAllowed):
        copay.enrolments_of(store, signed("adm", ("admin",)), patient.id)


def test_a_claim_has_its_eob_deadline_and_the_180_day_rule(store):
    patient, *_ = populated(store)
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-09-01", "parts": ["drug"]})
    paid_day = visit(store, patient.id, "2026-03-05")  # 180 days before 2026-09-01
    too_early = visit(store, patient.id, "2026-03-04")  # 181 days before
    claim = copay.add_programme_claim(store, BILLER, {"visit_id": paid_day, "part": "drug",
                                                      "amount_claimed": "7151.52"})
    assert (claim.eob_deadline, claim.status, claim.amount_claimed) == (
        date(2027, 9, 1), "to_send", Decimal("7151.52"))  # 2026-03-05 + 545 days
    assert claim.deadline_text(date(2027, 8, 30)) == "send by 2027-09-01 (2 days left)"
    assert claim.deadline_text(date(2027, 9, 2)).startswith("OVERDUE")
    with pytest.raises(st.InvalidRecord, match="181 days before the enrolment"):
        copay.add_programme_claim(store, BILLER, {"visit_id": too_early, "part": "drug",
                                                  "amount_claimed": "100"})
    with pytest.raises(st.InvalidRecord, match="uses only the drug part"):
        copay.add_programme_claim(store, BILLER, {"visit_id": paid_day, "part": "infusion",
                                                  "amount_claimed": "100"})
    with pytest.raises(st.InvalidRecord, match="already claim"):
        copay.add_programme_claim(store, BILLER, {"visit_id": paid_day, "part": "drug",
                                                  "amount_claimed": "1"})
    sent = copay.update_programme_claim(store, BILLER, claim.id,
                                        {"status": "paid", "sent_on": "2026-04-01",
                                         "amount_paid": "7000.00"})
    assert (sent.status, sent.amount_paid, sent.deadline_text(date(2026, 5, 1))) == (
        "paid", Decimal("7000.00"), "sent 2026-04-01")
    with pytest.raises(st.InvalidRecord, match="say what the programme paid"):
        copay.update_programme_claim(store, BILLER, claim.id,
                                     {"status": "paid", "sent_on": "2026-04-01"})


def test_a_claim_without_an_enrolment_is_refused(store):
    patient, *_ = populated(store)
    visit_id = visit(store, patient.id, "2026-03-05")
    with pytest.raises(st.InvalidRecord, match="no co-pay programme enrolment"):
        copay.add_programme_claim(store, BILLER, {"visit_id": visit_id, "part": "drug",
                                                  "amount_claimed": "10"})
    assert copay.programme_input(store, patient.id, date(2026, 3, 5)) is None


def test_programme_input_counts_the_calendar_year(store):
    patient, *_ = populated(store)
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-01-05"})
    next_year = visit(store, patient.id, "2027-01-10")
    march = visit(store, patient.id, "2026-03-05")
    september = visit(store, patient.id, "2026-09-05")
    for visit_id, part, amount in ((next_year, "drug", "5000"), (march, "drug", "7151.52"),
                                   (march, "infusion", "300"), (september, "drug", "2000")):
        copay.add_programme_claim(store, BILLER, {"visit_id": visit_id, "part": part,
                                                  "amount_claimed": amount})
    denied = copay.programme_claims_of(store, BILLER, patient.id, 2026)[-1]
    assert denied.visit_id == september
    copay.update_programme_claim(store, BILLER, denied.id, {"status": "denied",
                                                            "sent_on": "2026-10-01"})
    given = copay.programme_input(store, patient.id, date(2026, 11, 1))
    assert given is not None
    assert (given.enrolment.card_id, given.enrolment.enrolled_on) == ("C-1", date(2026, 1, 5))
    assert (given.usage.year, given.usage.drug_used, given.usage.infusion_used) == (
        2026, Decimal("7151.52"), Decimal("300"))
    again = copay.programme_input(store, patient.id, date(2026, 3, 5), visit_id=march)
    assert (again.usage.drug_used, again.usage.infusion_used) == (Decimal(0), Decimal(0))
    assert given.other_coverage == ("commercial",)  # UnitedHealthcare's program


def test_medicare_or_medicaid_coverage_is_named_for_the_eligibility_check(store):
    patient, coverage, *_ = populated(store)
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-01-05"})
    st.add_coverage(store, FRONT, {"patient_id": patient.id, "payer": "medicare",
                                   "priority": 2, "member_id": "1EG4TE5MK72",
                                   "effective_from": "2026-06-01",
                                   "plan_type": "medicare_advantage"})
    assert copay.coverage_kinds(store, patient.id, date(2026, 5, 1)) == ("commercial",)
    assert copay.coverage_kinds(store, patient.id, date(2026, 7, 1)) == (
        "commercial", "medicare")
    block = copay.document_block(store, patient.id, date(2026, 7, 1))
    assert block == {"programme": "ocrevus-copay", "enrolled_on": "2026-01-05",
                     "parts": ["drug", "infusion"], "coverage": ["commercial", "medicare"]}


def rules(claim) -> set[str]:
    return {f.rule for f in claim.findings}


def test_a_medicare_patient_enrolled_gets_the_finding_in_the_store_and_compute_db(
        store, where, backend, tmp_path, capsys):
    """Medicare coverage makes the patient ineligible: the finding is on the draft's claim
    (what the editor, the worklists and the PDFs show) and in `ocrebill compute --db` of the
    document the store completes; a commercial patient enrolled has none."""
    import json

    from ocrebill_gui.cli import main

    patient, coverage, *_ = populated(store)  # UnitedHealthcare: commercial
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-01-05"})
    commercial = visit(store, patient.id, "2026-03-05")
    assert not {r for r in rules(st.get_visit(store, BILLER, commercial).claim)
                if r.startswith("copay-")}
    medicare = st.add_patient(store, FRONT, {"name": "Okafor, Ben", "birth_date": "1950-01-02"})
    st.add_coverage(store, FRONT, {"patient_id": medicare.id, "payer": "medicare",
                                   "member_id": "1EG4TE5MK72", "effective_from": "2020-01-01"})
    copay.enrol(store, BILLER, {"patient_id": medicare.id, "card_id": "C-2",
                                "enrolled_on": "2026-02-01"})
    visit_id = visit(store, medicare.id, "2026-03-05")
    claim = st.get_visit(store, BILLER, visit_id).claim
    found = [f for f in claim.findings if f.rule == "copay-ineligible-coverage"]
    assert [f.severity for f in found] == ["warning"]
    assert "not eligible with medicare coverage" in found[0].message
    document = st.engine_document(store, BILLER, visit_doc(day="2026-03-05"),
                                  patient_id=medicare.id, visit_id=visit_id)
    assert document["copay_programme"]["coverage"] == ["medicare"]
    assert "card_id" not in document["copay_programme"]  # no more than the check needs
    if backend != "sqlite":
        return  # compute --db reads a practice file
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(document))
    store.close()
    assert main(["compute", "--json", "--db", str(where), str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "copay-ineligible-coverage" in {f["rule"] for f in result["findings"]}


def test_dates_of_service_long_before_the_enrolment_are_flagged_on_the_visit(store):
    patient, *_ = populated(store)
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-11-01"})
    early = visit(store, patient.id, "2026-03-05")  # 241 days before
    late = visit(store, patient.id, "2026-06-01")  # 153 days before: paid
    [found] = [f for f in st.get_visit(store, BILLER, early).claim.findings
               if f.rule == "copay-before-enrolment"]
    assert "241 days before the enrolment (2026-11-01)" in found.message
    assert "copay-before-enrolment" not in rules(st.get_visit(store, BILLER, late).claim)


def test_the_estimate_takes_what_the_programme_has_paid_this_year(store):
    """A commercial patient's share of an Ocrevus visit (store/estimates.py): the programme
    covers it up to what is left of the year's $20,000 drug cap after its earlier claims."""
    from test_estimates import commercial_visit, drug, reference

    from ocrebill_gui.store.estimates import estimate_for_visit

    reference(store)
    patient, visit_id = commercial_visit(store)
    copay.enrol(store, FRONT, {"patient_id": patient, "card_id": "CARD-1",
                               "enrolled_on": "2026-02-01"})
    earlier = visit(store, patient, "2026-03-05")
    claim = copay.add_programme_claim(store, BILLER, {"visit_id": earlier, "part": "drug",
                                                      "amount_claimed": "16000.00"})
    copay.update_programme_claim(store, BILLER, claim.id, {
        "status": "paid", "sent_on": "2026-04-01", "amount_paid": "15000.00"})
    result = estimate_for_visit(store, BILLER, visit_id)
    share = drug(result).patient_share
    assert share == Decimal("8158.72")
    cover = result.programme
    assert cover.eligible and cover.drug_covered == Decimal("5000.00")  # 20,000 - 15,000
    assert cover.drug_cap_left == Decimal(0)
    assert "copay-cap-reached" in {f.rule for f in cover.findings}
    assert result.patient_after_programme == result.totals.patient_share - cover.total

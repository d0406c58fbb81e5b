"""The expected payment of a saved visit (issue 16, item 3): store/estimates.py reads the
visit, the imported ASP quarter and fee schedule of its date of service, the latest benefits
verification of its coverage and drug on or before that day, and the co-pay programme. Both
backends."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.asp_file import read_asp_file
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.fee_schedule import read_fee_schedule
from ocrebill_gui.store.db import writing
from ocrebill_gui.store.estimates import estimate_for_visit, estimate_inputs, price_book

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
D = Decimal
Q2_DAY = "2026-05-12"


def reference(store: st.Store) -> None:
    biller = signed("biller")
    st.import_asp(store, biller, read_asp_file(FIXTURES / "april-2026-asp-pricing-file.csv"))
    st.import_fees(store, biller, read_fee_schedule(FIXTURES / "fees-2026.csv"))


def patient_on(store: st.Store, payer: str, *, mrn: str = "") -> tuple[int, int]:
    patient = st.add_patient(store, signed("frontdesk"), {
        "name": "Rivera, Ana", "mrn": mrn or f"MRN-{payer}", "birth_date": "1979-05-12",
        "sex": "F"})
    coverage = st.add_coverage(store, signed("frontdesk"), {
        "patient_id": patient.id, "payer": payer, "member_id": "M123",
        "effective_from": "2020-01-01"})
    return patient.id, coverage.id


def verified(store: st.Store, coverage_id: int, on: str, **money: str) -> None:
    """A benefits verification row as migration 12 keeps it (the details as JSON)."""
    details = BenefitsVerification(verified_on=date.fromisoformat(on),
                                   **{k: D(v) for k, v in money.items()})
    with writing(store):
        store.conn.execute(
            "INSERT INTO benefits_verifications (coverage_id, product, verified_on, details, "
            "created_at, created_by, changed_at, changed_by) VALUES (?, 'ocrevus', ?, ?, "
            "'2026-05-01T00:00:00', 'test', '2026-05-01T00:00:00', 'test')",
            (coverage_id, on, details.model_dump_json(exclude_none=True)))


def drug(result, code: str = "J2350"):
    return next(x for x in result.lines if x.code == code and "JW" not in x.modifiers)


def test_ocrevus_600_mg_medicare_q2_2026_with_the_deductible_partly_met(store):
    reference(store)
    patient, coverage = patient_on(store, "medicare")
    verified(store, coverage, "2026-01-05", deductible_remaining="257.00")
    verified(store, coverage, "2026-05-01", deductible_remaining="150.00")
    verified(store, coverage, "2026-06-01", deductible_remaining="0.00")  # after the visit
    visit = st.create_draft(store, signed("nurse"), visit_doc(day=Q2_DAY, payer="medicare"),
                            patient_id=patient).visit_id
    result = estimate_for_visit(store, signed("biller"), visit)
    line = drug(result)
    assert line.allowed == D("35757.60")  # $59.596 x 600 mg
    assert line.patient_share == D("7271.52")  # $150 deductible + 20 % of the rest
    assert (line.sequestration, line.payer_pays) == (D("569.72"), D("27916.36"))
    assert "ASP 2026Q2" in line.allowed_source and "april-2026" in line.allowed_source
    assert "benefits verification of 2026-05-01" in line.patient_source
    assert result.method == "medicare_part_b" and not result.partial
    assert result.totals.allowed == (result.totals.payer_pays + result.totals.patient_share
                                     + result.totals.sequestration)


def test_without_prices_the_total_says_it_is_partial(store):
    patient, _coverage = patient_on(store, "medicare")
    visit = st.create_draft(store, signed("nurse"), visit_doc(day=Q2_DAY, payer="medicare"),
                            patient_id=patient).visit_id
    result = estimate_for_visit(store, signed("biller"), visit)
    assert result.partial and drug(result).allowed is None
    assert "no ASP file for 2026Q2 is loaded" in drug(result).allowed_source
    assert any(note.startswith("Partial") for note in result.notes)


COMMERCIAL = {"id": "aetna", "name": "Aetna", "program": "commercial",
              "payment": {"drugs": {"basis": "asp", "percent": 115},
                          "administration": {"basis": "contract"}}}


def commercial_visit(store: st.Store) -> tuple[int, int]:
    patient, coverage = patient_on(store, "aetna")
    verified(store, coverage, "2026-05-01", deductible_remaining="500.00",
             coinsurance_percent="20", out_of_pocket_remaining="9000.00")
    visit = st.create_draft(store, signed("nurse"), visit_doc(day=Q2_DAY, payer=COMMERCIAL),
                            patient_id=patient).visit_id
    return patient, visit


def test_a_commercial_patient_by_the_payer_profile_and_benefits(store):
    reference(store)
    _patient, visit = commercial_visit(store)
    result = estimate_for_visit(store, signed("biller"), visit)
    assert result.method == "benefits" and not result.partial
    line = drug(result)
    assert line.allowed == D("38793.62")  # ASP ($59.596 / 1.06) x 600 x 115 %
    assert line.patient_share == D("500.00") + D("7658.72")
    infusion = next(x for x in result.lines if x.code == "96365")
    assert (infusion.allowed, infusion.patient_share) == (D("180.00"), D("36.00"))
    assert "payer aetna, office; fee schedule fees-2026.csv, from 2026-01-01" in (
        infusion.allowed_source)
    assert result.programme is None


def test_the_programme_covers_part_of_the_commercial_share(store):
    copay = pytest.importorskip("ocrebill_gui.store.copay")
    reference(store)
    patient, visit = commercial_visit(store)
    copay.enrol(store, signed("biller"), {"patient_id": patient, "card_id": "CARD-1",
                                          "enrolled_on": "2026-02-01"})
    result = estimate_for_visit(store, signed("biller"), visit)
    cover = result.programme
    assert cover is not None and cover.eligible
    assert cover.drug_covered == drug(result).patient_share == D("8158.72")
    assert result.patient_after_programme == result.totals.patient_share - cover.total
    assert result.patient_after_programme < result.totals.patient_share


def test_the_editor_inputs_are_the_same_pieces(store):
    reference(store)
    book = price_book(store, date(2026, 5, 12))
    assert str(next(iter(book.asp))) == "2026Q2" and book.fees is not None
    assert book.asp_price("J2350", date(2026, 5, 12))[1].payment_limit == D("59.596")
    assert price_book(store, date(2026, 8, 1)).asp == {}  # 2026Q3 not imported
    patient, coverage = patient_on(store, "medicare")
    inputs = estimate_inputs(store, signed("nurse"), day=date(2026, 5, 12),
                             coverage_id=coverage, patient_id=patient,
                             products=["methylprednisolone", "ocrevus"], prices=book)
    assert inputs.prices is book and inputs.benefits is None and inputs.programme is None


def test_a_finalized_visit_is_estimated_as_it_was_billed(store):
    reference(store)
    patient, _coverage = patient_on(store, "medicare")
    st.add_vial_lot(store, signed("nurse"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                             "lot": "H0123", "expires": "2027-08-31",
                                             "received": "2026-01-02", "received_vials": 4})
    visit = st.create_draft(store, signed("nurse"), visit_doc(day=Q2_DAY, payer="medicare"),
                            patient_id=patient).visit_id
    st.finalize_visit(store, signed("biller"), visit, expected_revision=1, allow_errors=True)
    result = estimate_for_visit(store, signed("biller"), visit)
    assert drug(result).allowed == D("35757.60")
    assert drug(result).charge is not None  # the imported practice charge, $75 a mg
    assert json.loads(result.model_dump_json())["payer"] == "medicare"

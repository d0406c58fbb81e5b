"""Reference data and expected payment: parsing a 10,000-line ASP pricing file (target median
<= 2 s), an ICD-10-CM order file the size of CMS's (~98,000 lines, for information) and
building its code set, and one visit's estimate (target median <= 2 ms): core's estimate, the
visit editor's path (editing/estimating.py: the document parsed and estimated with the price
book and benefits read at the visit's opening; target <= 2 ms) and `ocrebill estimate`'s
store/estimates.estimate_for_visit on a SQLite file (reads the visit, a 10,000-line ASP quarter,
the fee schedule and the benefits each time; for information).

Run: scripts/benchmarks -k money
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench_util import median_ms, report

from ocrebill_gui.core import compute
from ocrebill_gui.core.asp_file import parse_asp_file, read_asp_file
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.code_sets import DiagnosisCodeSet
from ocrebill_gui.core.copay_programme import Enrolment, ProgrammeInput
from ocrebill_gui.core.estimate import estimate
from ocrebill_gui.core.fee_schedule import read_fee_schedule
from ocrebill_gui.core.icd10_order_file import parse_icd10_order_file
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import parse_visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
HEADER = ("HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance "
          "Percentage,Vaccine AWP%,Vaccine Limit,Blood AWP%,Blood Limit,Clotting Factor,Notes")


def asp_file_bytes(rows: int) -> bytes:
    preamble = ["Payment Allowance Limits for Medicare Part B Drugs,,,,,,,,,,",
                '"Effective April 1, 2026 through June 30, 2026",,,,,,,,,,',
                '"CPT only copyright \u00a9 2025 American Medical Association.",,,,,,,,,,',
                ",,,,,,,,,,"]
    lines = [f'{"JQ"[i % 2]}{i:04d},"Inj, test drug caf\u00e9 {i}",{1 + i % 50} MG,'
             f"{(i * 7919) % 100000 / 1000:.3f},20.000,,,,,,"
             for i in range(rows)]
    return "\r\n".join([*preamble, HEADER, *lines, ""]).encode("iso-8859-1")


def order_file_bytes(rows: int) -> bytes:
    lines = []
    for i in range(rows):
        code = f"{chr(65 + i // 4000 % 26)}{i % 4000:04d}"[:5]
        text = f"Test condition number {i} of the benchmark order file"
        lines.append(f"{i + 1:05d} {code:<7} {i % 4 != 0:d} {text[:60]:<60} {text} (long)")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def seconds(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def test_money_parse_asp_and_order_files() -> None:
    asp = asp_file_bytes(10_000)
    parsed = parse_asp_file(asp, name="april-2026-asp-pricing-file.csv")
    assert len(parsed) == 10_000 and str(parsed.quarter) == "2026Q2"
    asp_samples = seconds(lambda: parse_asp_file(asp, name="asp.csv"), 7)
    order = order_file_bytes(98_000)
    codes = parse_icd10_order_file(order, name="icd10cm_order_2027.txt")
    assert len(codes.codes) == 98_000
    order_samples = seconds(lambda: parse_icd10_order_file(order, name="order.txt",
                                                           year=2027), 5)
    build_samples = seconds(lambda: DiagnosisCodeSet.from_order_file(codes), 5)
    report("money-reference-files", {
        "asp_10000_lines_median_s": round(statistics.median(asp_samples), 3),
        "asp_target_s": 2.0,
        "asp_file_bytes": len(asp),
        "icd10cm_order_98000_lines_median_s": round(statistics.median(order_samples), 3),
        "icd10cm_code_set_build_median_s": round(statistics.median(build_samples), 3),
    })


def test_money_estimate_per_visit() -> None:
    prices = PriceBook.of([read_asp_file(FIXTURES / "april-2026-asp-pricing-file.csv")],
                          read_fee_schedule(FIXTURES / "fees-2026.csv"))
    doc = parse_visit({
        "format": "ocrebill.visit/1", "date_of_service": "2026-05-12", "setting": "office",
        "payer": {"id": "aetna", "name": "Aetna", "program": "commercial",
                  "payment": {"drugs": {"basis": "asp", "percent": 115},
                              "administration": {"basis": "contract"}}},
        "patient": {"id": "P-1", "birth_date": "1980-01-01"}, "diagnoses": ["G35.A"],
        "administrations": [
            {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": 600,
             "vials": [{"ndc": "50242-0150-01", "mg": 300}] * 2,
             "events": [{"at": "2026-05-12T09:00", "kind": "start"},
                        {"at": "2026-05-12T12:30", "kind": "stop"}]},
            {"id": "mp", "product": "methylprednisolone", "route": "iv_push", "dose_mg": 100,
             "events": [{"at": "2026-05-12T08:30", "kind": "given"}]}]})
    medicare = doc.model_copy(update={"payer": "medicare"})
    claim, medicare_claim = compute(doc), compute(medicare)
    verified = BenefitsVerification(verified_on=date(2026, 5, 1),
                                    deductible_remaining=Decimal(500),
                                    coinsurance_percent=Decimal(20),
                                    out_of_pocket_remaining=Decimal(9000))
    programme = ProgrammeInput(enrolment=Enrolment(programme="ocrevus-copay", card_id="C",
                                                   enrolled_on=date(2026, 1, 15)))
    commercial_ms = median_ms(lambda: estimate(claim, doc, prices=prices, benefits=verified,
                                               programme=programme), repeat=1000)
    medicare_ms = median_ms(lambda: estimate(medicare_claim, medicare, prices=prices,
                                             benefits=verified), repeat=1000)
    report("money-estimate", {"commercial_with_programme_median_ms": round(commercial_ms, 3),
                              "medicare_median_ms": round(medicare_ms, 3), "target_ms": 2.0,
                              "lines": len(claim.lines)})


def test_money_estimate_for_a_saved_visit_and_the_editor(tmp_path) -> None:
    import staff

    from ocrebill_gui import store as st
    from ocrebill_gui.editing.estimating import EditorEstimator
    from ocrebill_gui.store.db import writing
    from ocrebill_gui.store.estimates import estimate_for_visit, price_book

    example = Path(__file__).resolve().parents[1] / "fixtures" / "visits"
    doc = __import__("json").loads((example / "01-standard-600mg.json").read_text())
    doc["date_of_service"] = "2026-05-12"
    for event in doc["administrations"][0]["events"]:
        event["at"] = "2026-05-12" + event["at"][10:]
    asp = asp_file_bytes(10_000)  # 10,000 lines, J2350 among them
    with st.open_store(tmp_path / "bench.sqlite") as store:
        biller = staff.session(store, "bill", ("biller",))
        nurse = staff.session(store, "kim", ("nurse",))
        st.import_asp(store, biller, parse_asp_file(asp, name="asp-2026q2.csv"))
        st.import_fees(store, biller, read_fee_schedule(FIXTURES / "fees-2026.csv"))
        patient = st.add_patient(store, staff.session(store, "desk", ("front_desk",)), {
            "name": "Bench, Ana", "birth_date": "1979-05-12"})
        coverage = st.add_coverage(store, staff.session(store, "desk", ("front_desk",)), {
            "patient_id": patient.id, "payer": "medicare", "member_id": "1EG4TE5MK73",
            "effective_from": "2020-01-01"})
        details = BenefitsVerification(verified_on=date(2026, 5, 1),
                                       deductible_remaining=Decimal(150))
        with writing(store):
            store.conn.execute(
                "INSERT INTO benefits_verifications (coverage_id, product, verified_on, "
                "details, created_at, created_by, changed_at, changed_by) VALUES (?, 'ocrevus',"
                " '2026-05-01', ?, 'x', 'x', 'x', 'x')",
                (coverage.id, details.model_dump_json(exclude_none=True)))
        doc["payer"] = "medicare"
        visit = st.create_draft(store, nurse, doc, patient_id=patient.id).visit_id
        saved = estimate_for_visit(store, biller, visit)
        assert saved.lines[0].allowed is not None and not saved.partial
        visit_ms = median_ms(lambda: estimate_for_visit(store, biller, visit), repeat=30)
        catalog = st.store_catalog(store)
        whole_ms = median_ms(lambda: price_book(store, date(2026, 5, 12)), repeat=10)
        open_ms = median_ms(lambda: price_book(store, date(2026, 5, 12), catalog.drug_labels),
                            repeat=30)
        document = st.engine_document(store, nurse, doc, patient_id=patient.id,
                                      coverage_id=coverage.id)
        claim = compute(document, catalog=catalog)
        estimator = EditorEstimator(store, nurse)

        def keystroke():
            return estimator.estimate(document, claim, catalog=catalog, patient_id=patient.id,
                                      coverage_id=coverage.id, visit_id=visit)

        first = keystroke()
        assert first.totals == saved.totals
        reads = estimator.reads
        editor_ms = median_ms(keystroke, repeat=1000)
        assert estimator.reads == reads  # nothing read again while typing
    report("money-estimate-store", {"editor_keystroke_median_ms": round(editor_ms, 3),
                                    "target_ms": 2.0,
                                    "estimate_for_visit_median_ms": round(visit_ms, 3),
                                    "price_book_catalog_codes_median_ms": round(open_ms, 3),
                                    "price_book_whole_10000_line_quarter_median_ms":
                                        round(whole_ms, 3),
                                    "lines": len(saved.lines)})

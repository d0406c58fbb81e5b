"""Claims out (issue 15): an 837P of 1,000 visits (target <= 2 s) and one CMS-1500 PDF
(target median <= 20 ms after warm-up).

Run: scripts/benchmarks -k claims
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bench_util import median_ms, report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "claims"))

from claim_parties import CLOCK, OFFICE_PARTIES, SETTINGS  # noqa: E402
from example_visits import load_example  # noqa: E402

from ocrebill_gui.core import compute  # noqa: E402
from ocrebill_gui.core.claim_builder import submission_from  # noqa: E402
from ocrebill_gui.core.engine import parse_visit  # noqa: E402
from ocrebill_gui.core.practice import demo_practice  # noqa: E402
from ocrebill_gui.core.x12 import InMemoryControlNumbers, write_837p  # noqa: E402
from ocrebill_gui.core.x12.validate import validate_837  # noqa: E402
from ocrebill_gui.reports.cms1500 import cms1500_pdf  # noqa: E402

VISITS = 1000
NAMES = ("01-standard-600mg", "05-waste-jw-line", "02-seed-half-dose-90min")


def _documents() -> list[dict]:
    return [load_example(NAMES[n % len(NAMES)])[0] for n in range(VISITS)]


def _batch(documents: list[dict]) -> str:
    submissions = []
    for n, raw in enumerate(documents, start=1):
        document = parse_visit(raw)
        submissions.append(submission_from(compute(document), document, OFFICE_PARTIES,
                                           demo_practice(), visit_id=n))
    return write_837p(submissions, SETTINGS, InMemoryControlNumbers(), at=CLOCK)


def test_837p_of_a_thousand_visits() -> None:
    documents = _documents()
    text = _batch(documents)  # warm-up, and the file checked once
    assert text.count("CLM*") == VISITS
    started = time.perf_counter()
    result = validate_837(text)
    validate_s = time.perf_counter() - started
    assert result.accepted, (result.syntax_errors[:3], result.problems[:3])
    full, write_only = [], []
    parsed = [parse_visit(raw) for raw in documents]
    submissions = [submission_from(compute(d), d, OFFICE_PARTIES, demo_practice(), visit_id=n)
                   for n, d in enumerate(parsed, start=1)]
    for _ in range(5):
        t = time.perf_counter()
        _batch(documents)
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        write_837p(submissions, SETTINGS, InMemoryControlNumbers(), at=CLOCK)
        write_only.append(time.perf_counter() - t)
    report("claims-837p", {
        "visits": VISITS,
        "compute_build_write_median_s": round(statistics.median(full), 3),
        "write_only_median_s": round(statistics.median(write_only), 3),
        "file_kb": round(len(text) / 1024),
        "pyx12_validation_s": round(validate_s, 2),
        "target_s": 2,
    })


def test_one_cms1500_pdf() -> None:
    raw = load_example("01-standard-600mg")[0]
    document = parse_visit(raw)
    sub = submission_from(compute(document), document, OFFICE_PARTIES, demo_practice(),
                          visit_id=1)
    report("claims-cms1500", {
        "one_form_ms": round(median_ms(lambda: cms1500_pdf(sub), repeat=200, warmup=5), 2),
        "one_form_with_background_ms": round(
            median_ms(lambda: cms1500_pdf(sub, background=True), repeat=200, warmup=5), 2),
        "target_ms": 20,
    })


def test_837p_export_of_a_thousand_finalized_visits_from_the_store(tmp_path,
                                                                   monkeypatch) -> None:
    """The export path of `ocrebill claims export` (store/claim_export.py): 1,000 finalized
    visits read from the database, their claims built with the parties and frozen charges,
    checked, written in one interchange with the database's control numbers, and marked
    exported; once with pyx12's 999 of the batch (as the command runs), once without it
    (our checks only), to show where the time goes."""
    import copy
    from datetime import date, timedelta

    import ocrebill_gui.core.x12.validate as validate
    from claims_store import PRACTICE, PROVIDERS, FixedClock
    from staff import signed

    from ocrebill_gui import store
    from ocrebill_gui.store.claim_export import build_export, finish_export

    db = store.open_store(tmp_path / "bench.sqlite", clock=FixedClock())
    store.save_practice(db, signed("admin", ["admin"]), PRACTICE)
    patient = store.add_patient(db, signed("desk"), {
        "name": "Okafor, Grace", "birth_date": "1984-02-17", "sex": "F",
        "address": "12 Elm Street, Springfield, IL 62704"})
    store.add_coverage(db, signed("desk"), {
        "patient_id": patient.id, "payer": "unitedhealthcare", "member_id": "XQ7710023",
        "effective_from": "2020-01-01", "plan_type": "commercial", "claim_office_id": "EXH01"})
    started = time.perf_counter()
    ids = []
    for n in range(VISITS):
        document = copy.deepcopy(load_example(NAMES[n % len(NAMES)])[0])
        day = (date(2025, 10, 1) + timedelta(days=n % 360)).isoformat()
        document["date_of_service"], document["providers"] = day, PROVIDERS
        for given in document.get("administrations") or []:
            for event in given.get("events") or []:
                event["at"] = day + event["at"][10:]
        saved = store.create_draft(db, signed("nurse"), document, patient_id=patient.id)
        store.finalize_visit(db, signed("biller"), saved.visit_id, allow_errors=True,
                             expected_revision=saved.revision)
        ids.append(saved.visit_id)
    setup_s = time.perf_counter() - started
    biller = signed("biller")
    t = time.perf_counter()
    plan = build_export(db, biller, ids, "837p", at=CLOCK)
    with_pyx12 = time.perf_counter() - t
    assert plan.pyx12 and len(plan.written) == VISITS, list(plan.left_out.items())[:3]
    t = time.perf_counter()
    finish_export(db, biller, plan, "bench.837")
    mark_s = time.perf_counter() - t

    def missing(text: str) -> object:
        raise validate.ValidatorMissing("benchmark: our checks only")

    monkeypatch.setattr(validate, "validate_837", missing)
    without = []
    for _ in range(3):
        t = time.perf_counter()
        again = build_export(db, biller, ids, "837p", at=CLOCK)
        without.append(time.perf_counter() - t)
    assert not again.pyx12 and len(again.written) == VISITS
    db.close()
    report("claims-837p-export", {
        "visits": VISITS,
        "export_with_pyx12_s": round(with_pyx12, 2),
        "export_without_pyx12_median_s": round(statistics.median(without), 3),
        "mark_exported_s": round(mark_s, 3),
        "setup_finalize_s": round(setup_s, 1),
        "target_s": 2,
    })

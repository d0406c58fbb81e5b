"""The visit editor and benefits verifications (issue 13, item 5): under the coverage, one line
with the latest verification of the visit's coverage and drug (verified date, deductible
left, coinsurance/copay, out-of-pocket left, next re-verification); without one within the
practice's days before the date of service the preview has the benefits-not-verified
warning, and clicking it goes to the coverage."""

from __future__ import annotations

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.store import benefits as bv

DESK = signed("desk", ("front_desk",))


def _coverage(store, patient):
    return api.coverages_of(store, signed(), patient.id)[0]


def _warnings(editor) -> list[str]:
    claim = editor.presenter.result
    return [f.message for f in claim.findings if f.rule == "benefits-not-verified"]


def test_the_latest_verification_shows_under_the_coverage(store, patient, make_editor):
    coverage = _coverage(store, patient)
    bv.add_benefits(store, DESK, {"coverage_id": coverage.id, "product": "ocrevus",
                                  "verified_on": "2026-01-05", "copay": "50"})
    bv.add_benefits(store, DESK, {
        "coverage_id": coverage.id, "product": "ocrevus", "verified_on": "2026-02-20",
        "deductible_total": "257", "deductible_remaining": "0", "coinsurance_percent": "20",
        "out_of_pocket_remaining": "1200", "next_verification": "2026-08-20"})
    from editor_helpers import enter_ocrevus

    editor = make_editor(patient_id=patient.id)
    assert not editor.patient.benefits_info.isVisible()  # no drug yet: nothing to verify
    enter_ocrevus(editor)
    info = editor.patient.benefits_info
    assert info.isVisible()
    assert info.text() == ("Benefits of Ocrevus verified 2026-02-20: deductible $0.00 left, "
                           "20% coinsurance, out-of-pocket $1,200.00 left; re-verify by "
                           "2026-08-20")
    assert _warnings(editor) == []
    assert editor.presenter.get("benefits_verification.verified_on") == "2026-02-20"


@pytest.mark.parametrize(("verified_on", "line", "warning"), [
    (None, "Benefits of Ocrevus: no verification recorded for this coverage (Patients, "
           "Coverage, Benefits\u2026)",
     "No benefits verification of Ocrevus recorded for this coverage: record one within 30 "
     "days before the date of service"),
    ("2026-01-10", "Benefits of Ocrevus verified 2026-01-10: copay $50.00",
     "The latest benefits verification of Ocrevus is of 2026-01-10, 53 days before the date "
     "of service: record one within 30 days before the date of service"),
])
def test_none_recent_is_a_warning_that_leads_to_the_coverage(store, patient, make_editor,
                                                              verified_on, line, warning):
    if verified_on:
        bv.add_benefits(store, DESK, {"coverage_id": _coverage(store, patient).id,
                                      "product": "ocrevus", "verified_on": verified_on,
                                      "copay": "50"})
    from editor_helpers import enter_ocrevus

    editor = make_editor(patient_id=patient.id)
    enter_ocrevus(editor)
    assert editor.patient.benefits_info.text() == line
    assert _warnings(editor) == [warning]
    finding = next(f for f in editor.presenter.result.findings
                   if f.rule == "benefits-not-verified")
    assert (finding.severity, finding.field) == ("warning", "benefits_verification")
    assert editor.registry.focus("benefits_verification") is editor.patient.coverage

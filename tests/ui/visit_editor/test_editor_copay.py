"""A Medicare patient enrolled in the manufacturer's co-pay programme (issue 16, item 4): the
editor's findings say the coverage makes them ineligible, and so does the superbill's list of
open findings; without the enrolment, nothing is said."""

from __future__ import annotations

import io

from editor_helpers import enter_ocrevus
from pypdf import PdfReader
from staff import signed

from ocrebill_gui.store import copay


def rules(editor) -> set[str]:
    return {f.rule for f in editor.presenter.result.findings}


def test_the_editor_and_the_superbill_say_a_medicare_patient_is_not_eligible(
        make_editor, patient, store):
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.reports import superbill_pdf

    before = make_editor(patient_id=patient.id)  # the fixture's patient: traditional Medicare
    enter_ocrevus(before)
    assert "copay-ineligible-coverage" not in rules(before)

    copay.enrol(store, signed("desk", ("front_desk",)),
                {"patient_id": patient.id, "card_id": "OCP-1", "enrolled_on": "2026-02-01"})
    editor = make_editor(patient_id=patient.id)
    enter_ocrevus(editor)
    [found] = [f for f in editor.presenter.result.findings
               if f.rule == "copay-ineligible-coverage"]
    assert found.severity == "warning" and "medicare" in found.message
    block = editor.presenter.document["copay_programme"]
    assert block["coverage"] == ["medicare"] and "card_id" not in block
    document = parse_visit(editor.presenter.document)
    pdf = superbill_pdf(document, editor.presenter.result, demo_practice(), draft=True)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "not eligible with medicare" in " ".join(text.split())

"""The visit editor's Qt models pass pytest-qt's qtmodeltester, empty and filled."""

from __future__ import annotations

from datetime import date

from conftest_shared import load_example
from staff import signed

from ocrebill_gui.core import compute
from ocrebill_gui.core.icd10 import icd10_index
from ocrebill_gui.editing.lots import LotChoice, vial_flags
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.ui.visit_editor.diagnoses import DiagnosesModel
from ocrebill_gui.ui.visit_editor.diagnosis_search import Icd10SuggestionsModel
from ocrebill_gui.ui.visit_editor.patient_section import PatientsModel
from ocrebill_gui.ui.visit_editor.preview_models import ClaimLinesModel, FindingsModel
from ocrebill_gui.ui.visit_editor.timeline_model import TimelineEventsModel
from ocrebill_gui.ui.visit_editor.vials import VialsModel


def test_claim_lines_and_findings(qtmodeltester):
    result = compute(load_example("07-missing-stop-time")[0])
    lines, findings = ClaimLinesModel(), FindingsModel()
    qtmodeltester.check(lines, force_py=True)
    qtmodeltester.check(findings, force_py=True)
    lines.set_lines(compute(load_example("05-waste-jw-line")[0]).lines)
    findings.set_findings(result.findings)
    qtmodeltester.check(lines, force_py=True)
    qtmodeltester.check(findings, force_py=True)
    assert lines.index(0, ClaimLinesModel.NDC).data().startswith("50242-0150-01")


def test_timeline_events(qtmodeltester):
    presenter = VisitPresenter(load_example("04-pause-excluded")[0])
    model = TimelineEventsModel(presenter, 0)
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 1).data() for r in range(4)] == ["09:00", "09:45", "10:05", "12:45"]
    assert model.setData(model.index(3, 1), "1300")
    qtmodeltester.check(model, force_py=True)


def test_vials(qtmodeltester):
    model = VialsModel()
    qtmodeltester.check(model, force_py=True)
    vial = LotChoice("50242015001", "OLD1", date(2026, 1, 31), 300, 1, 7).vial()
    flags = vial_flags(vial, {7: 1}, {7: 2}, ["Ocrevus lot OLD1 expired on 2026-01-31"])
    assert flags == ["only 1 on hand", "Ocrevus lot OLD1 expired on 2026-01-31"]
    model.set_rows([(vial, flags), (vial, flags)])
    qtmodeltester.check(model, force_py=True)


def test_diagnoses_and_suggestions(qtmodeltester):
    model = DiagnosesModel()
    model.set_codes(["G35.A", "G35", "X99.99"])
    qtmodeltester.check(model, force_py=True)
    assert "[category: not billable]" in model.index(1, 0).data()
    assert "(primary)" in model.index(0, 0).data()
    suggestions = Icd10SuggestionsModel()
    suggestions.set_entries(icd10_index().search("G35"))
    qtmodeltester.check(suggestions, force_py=True)
    texts = [suggestions.index(r, 0).data() for r in range(suggestions.rowCount())]
    assert any(t.startswith("G35 ") and "category" in t for t in texts)
    assert any(t.startswith("G35.A ") and "category" not in t for t in texts)


def test_patients(qtmodeltester, store):
    from ocrebill_gui import store as api

    model = PatientsModel()
    qtmodeltester.check(model, force_py=True)
    api.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
    model.set_patients(api.search_patients(store, signed(), "riv"))
    qtmodeltester.check(model, force_py=True)

"""The visit's prior authorization follows its coverage in the editor (issue 13, the blocker):
moving a visit from the Lakeside plan to Medicare Part B clears the old plan's PA, its error
about units goes, and the form says what the visit uses; "None" is a choice of its own, saved
and shown again; an authorization that does not cover the visit cannot be picked."""

from __future__ import annotations

from editor_helpers import enter_ocrevus
import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.visit_editor.patient_section import AUTOMATIC, NO_AUTHORIZATION


@pytest.fixture
def two_plans(store):
    """Lakeside (a commercial plan: aetna's profile) as primary with PA-D000060 for 300 units;
    Medicare Part B as secondary."""
    person = api.add_patient(store, signed("desk"), {"name": "Okafor, Grace",
                                                     "birth_date": "1984-02-17"})
    lakeside = api.add_coverage(store, signed("desk"), {
        "patient_id": person.id, "payer": "aetna", "member_id": "LKS-0042",
        "effective_from": "2025-01-01"})
    medicare = api.add_coverage(store, signed("desk"), {
        "patient_id": person.id, "payer": "medicare", "member_id": "1EG4-TE5-MK72",
        "effective_from": "2026-01-01", "priority": 2})
    api.add_authorization(store, signed("desk"), {
        "coverage_id": lakeside.id, "number": "PA-D000060", "product": "ocrevus",
        "approved_units": 300, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
    api.add_authorization(store, signed("desk"), {
        "coverage_id": lakeside.id, "number": "PA-OLD", "product": "ocrevus",
        "approved_units": 1200, "valid_from": "2025-01-01", "valid_to": "2025-12-31"})
    api.add_vial_lot(store, signed("pharmacy"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                                 "lot": "H0123", "expires": "2027-08-31",
                                                 "received": "2026-02-01", "received_vials": 6})
    return person, lakeside, medicare


def messages(editor) -> list[str]:
    return [f.message for f in editor.presenter.result.findings]


@pytest.fixture
def lakeside_visit(make_editor, two_plans):
    """A new visit of the patient (on Lakeside, as on the visit's day) with Ocrevus 600 mg."""
    editor = make_editor(patient_id=two_plans[0].id)
    enter_ocrevus(editor)
    return editor


def test_moving_the_visit_to_medicare_clears_the_old_plans_pa(qtbot, lakeside_visit, store,
                                                              two_plans):
    _person, lakeside, medicare = two_plans
    editor = lakeside_visit
    section = editor.patient
    assert section.coverage_id == lakeside.id
    assert editor.presenter.get("prior_authorization")["number"] == "PA-D000060"
    assert any("PA-D000060" in m for m in messages(editor))  # 600 billed, 300 approved
    assert section.authorization_info.text().startswith("Using PA-D000060 (Ocrevus)")

    section.coverage.setCurrentIndex(section.coverage.findData(medicare.id))
    assert editor.presenter.get("prior_authorization") is None
    assert not [m for m in messages(editor) if "PA-D000060" in m]
    assert section.authorization_info.text() == (
        "No prior authorization on this visit: this coverage has none valid for Ocrevus on "
        "2026-03-04")
    assert section.authorization.currentData() == AUTOMATIC
    assert editor.save_now()
    visit = api.get_visit(store, signed(), editor.visit_id)
    assert (visit.coverage_id, visit.authorization_id) == (medicare.id, None)
    assert "PA-D000060" not in str(api.visit_engine_document(store, signed(), visit.id))


def test_none_is_a_choice_kept_and_a_stale_pa_cannot_be_picked(qtbot, lakeside_visit, store,
                                                               make_editor, two_plans):
    lakeside = two_plans[1]
    editor = lakeside_visit
    section = editor.patient
    combo = section.authorization
    old = combo.findData(next(a.id for a in api.authorizations_of(
        store, signed(), coverage_id=lakeside.id) if a.number == "PA-OLD"))
    item = combo.model().item(old)
    assert not item.isEnabled() and item.toolTip() == "not valid on 2026-03-04"
    combo.setCurrentIndex(combo.findData(NO_AUTHORIZATION))
    assert editor.presenter.get("prior_authorization") is None
    assert section.authorization_info.text() == (
        "No prior authorization on this visit (None chosen)")
    assert editor.save_now()
    visit = api.get_visit(store, signed(), editor.visit_id)
    assert (visit.authorization_choice, visit.authorization_id) == ("none", None)
    again = make_editor(editor.visit_id)
    assert again.patient.authorization.currentData() == NO_AUTHORIZATION
    assert again.presenter.get("prior_authorization") is None


def test_a_new_patient_already_on_file_opens_the_existing_one(qtbot, make_editor, store,
                                                              two_plans, monkeypatch):
    """New patient... in the editor: the same name and birth date as a patient on file is
    shown before saving; "open the existing patient" picks that one, nothing is added."""
    from editor_helpers import fill_next_dialog

    from ocrebill_gui.ui.patients.form import PossibleDuplicate

    person = two_plans[0]
    offered = []
    monkeypatch.setattr(PossibleDuplicate, "ask", classmethod(
        lambda cls, parent, patients: offered.append([p.id for p in patients])
        or patients[0].id))
    editor = make_editor()
    fill_next_dialog(qtbot, {"name": "okafor, grace", "birth_date": "02/17/1984"})
    qtbot.mouseClick(editor.patient.new_patient, Qt.MouseButton.LeftButton)
    assert offered == [[person.id]]
    assert editor.patient.patient_id == person.id
    assert api.count_patients(store, signed()) == 1

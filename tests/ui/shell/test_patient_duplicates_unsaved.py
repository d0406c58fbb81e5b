"""Patients (issue 13): a possible duplicate is shown before saving, with "open the existing
patient"; unsaved edits are never dropped silently when another patient is chosen or the
window closes (save, discard, cancel)."""

from __future__ import annotations

from shell_helpers import type_text
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.patients.form import PossibleDuplicate, UnsavedChanges
from ocrebill_gui.ui.qt import Qt


def test_a_possible_duplicate_is_shown_before_saving(window, qtbot, monkeypatch, store,
                                                     clinic):
    page = window.show_page("patients")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    type_text(page.form.name, "rivera, ana")
    type_text(page.form.birth_date, "05/12/1979")
    offered = []

    def open_it(parent, patients):
        offered.append([p.id for p in patients])
        return patients[0].id

    monkeypatch.setattr(PossibleDuplicate, "ask", classmethod(lambda cls, *a: open_it(*a)))
    qtbot.mouseClick(page.form.save_button, Qt.MouseButton.LeftButton)
    assert offered == [[clinic["rivera"]]]
    assert page.form.patient.id == clinic["rivera"]  # the existing one is open
    assert api.count_patients(store, signed()) == 3  # nothing saved

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    type_text(page.form.name, "Rivera, Ana")
    type_text(page.form.birth_date, "1979-05-12")
    monkeypatch.setattr(PossibleDuplicate, "ask", classmethod(lambda cls, *a: "save"))
    qtbot.mouseClick(page.form.save_button, Qt.MouseButton.LeftButton)
    assert api.count_patients(store, signed()) == 4  # a different person, said so


def test_unsaved_edits_ask_before_another_patient_is_shown(window, qtbot, monkeypatch,
                                                           store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    type_text(page.form.phone, "555-0101")
    answers = ["cancel", "save"]
    asked = []

    def answer(parent, what):
        asked.append(what)
        return answers.pop(0)

    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, *a: answer(*a)))
    page.select_patient(clinic["mulligan"])
    assert asked == ["Rivera, Ana"]
    assert page.form.patient.id == clinic["rivera"] and page.form.dirty  # stayed
    assert page.patients.record(page.list_view.currentIndex().row()).id == clinic["rivera"]
    page.select_patient(clinic["mulligan"])
    assert page.form.patient.id == clinic["mulligan"]
    assert api.get_patient(store, signed(), clinic["rivera"]).phone == "555-0101"

    type_text(page.form.phone, "555-0199")
    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, *a: "cancel"))
    assert not window.close()  # kept open with the edit
    assert page.form.phone.text() == "555-0199"
    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, *a: "discard"))
    assert page.confirm_leave()
    assert api.get_patient(store, signed(), clinic["mulligan"]).phone == ""

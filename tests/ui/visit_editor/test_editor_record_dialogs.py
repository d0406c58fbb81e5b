"""The patient, coverage and authorization the front desk creates from inside a visit use the
same dialogs as the Patients screen: checked as they are typed, US dates accepted, the store's
own words beside the field."""

from __future__ import annotations

from datetime import date

from editor_helpers import when_open
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.patients.dialogs import AuthorizationDialog, PatientDialog
from ocrebill_gui.ui.qt import Qt


def test_new_patient_from_the_editor_is_checked_as_typed(qtbot, make_editor, store):
    editor = make_editor()
    seen: dict[str, object] = {}

    def fill(dialog: PatientDialog) -> None:
        seen["empty"] = dialog.save_button.isEnabled()
        qtbot.keyClicks(dialog.name, "Okafor, Grace")
        qtbot.keyClicks(dialog.birth_date, "2/17/19")
        seen["half a date"] = (dialog.save_button.isEnabled(),
                               dialog.grid.messages["birth_date"].text())
        qtbot.keyClicks(dialog.birth_date, "84")  # 2/17/1984, as the card says it
        seen["whole date"] = (dialog.save_button.isEnabled(),
                              dialog.grid.messages["birth_date"].isVisible())
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_open(PatientDialog, fill)
    qtbot.mouseClick(editor.patient.new_patient, Qt.MouseButton.LeftButton)
    assert seen["empty"] is False  # a patient needs a name
    enabled, message = seen["half a date"]
    assert enabled is False and "date" in str(message)
    assert seen["whole date"] == (True, False)
    patient = api.get_patient(store, signed(), editor.patient.patient_id)
    assert (patient.name, patient.birth_date) == ("Okafor, Grace", date(1984, 2, 17))


def test_new_authorization_from_the_editor_is_for_the_visits_coverage(qtbot, make_editor,
                                                                        store):
    patient = api.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
    coverage = api.add_coverage(store, signed("desk"), {"patient_id": patient.id, "payer": "aetna",
                                                "member_id": "XQ7710023",
                                                "effective_from": "2020-01-01"})
    editor = make_editor(patient_id=patient.id)
    assert editor.patient.coverage_id == coverage.id
    seen: dict[str, object] = {}

    def fill(dialog: AuthorizationDialog) -> None:
        seen["coverages"] = [dialog.coverage.itemData(i) for i in range(dialog.coverage.count())]
        seen["from"] = dialog.valid_from.text()  # the visit's day
        qtbot.keyClicks(dialog.number, "PA-77812")
        qtbot.keyClicks(dialog.approved_units, "12OO")  # letter O for zero
        seen["typo"] = (dialog.save_button.isEnabled(),
                        dialog.grid.messages["approved_units"].text())
        dialog.approved_units.clear()
        qtbot.keyClicks(dialog.approved_units, "1200")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_open(AuthorizationDialog, fill)
    qtbot.mouseClick(editor.patient.new_authorization, Qt.MouseButton.LeftButton)
    assert seen["coverages"] == [coverage.id]
    assert seen["from"] == editor.presenter.date_of_service.isoformat()
    enabled, message = seen["typo"]
    assert enabled is False and message
    info = editor.patient.authorization_info.text()
    assert "PA-77812 (Ocrevus): 1200 of 1200 units left" in info  # the drug, not its id


def test_a_visit_without_a_patient_says_so_at_the_patient(qtbot, make_editor, store):
    """No patient means no coverage and so no payer: the message belongs at the patient,
    not under the (disabled) coverage box."""
    editor = make_editor()
    section = editor.patient
    assert section.patient_message.isVisible()
    assert section.patient_message.text().startswith("Choose the patient")
    assert not section.coverage_message.isVisible()
    patient = api.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
    api.add_coverage(store, signed("desk"), {"patient_id": patient.id, "payer": "medicare",
                                             "member_id": "M-1", "effective_from": "2020-01-01"})
    section.choose_patient(patient.id)
    assert not section.patient_message.isVisible()

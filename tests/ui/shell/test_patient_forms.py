"""Patients: validation as people type (message beside the field, Save disabled while invalid),
saving, and adding coverage and a prior authorization through the real dialogs."""

from __future__ import annotations

from shell_helpers import column_texts, type_text
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.forms import DATE_FORMS
from ocrebill_gui.ui.patients.dialogs import AuthorizationDialog, CoverageDialog
from ocrebill_gui.ui.qt import QKeySequence, Qt


def _message(form, key: str) -> str:
    label = form.grid.messages[key]
    return label.text() if label.isVisible() else ""


def test_new_patient_is_checked_as_it_is_typed(window, qtbot, store):
    page = window.show_page("patients")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.form
    assert form.patient is None
    assert not form.save_button.isEnabled()  # nothing typed yet: no name
    assert _message(form, "name") == ""  # ... but no scolding before typing

    type_text(form.name, "12")
    assert _message(form, "name") == "must contain a name, e.g. 'Rivera, Ana'"
    assert form.name.property("invalid") is True
    assert not form.save_button.isEnabled()
    # the message is at the field: right under it, in its column (as in the visit editor; in
    # a third column a dialog cut it to "must be a"), and as wide as the field
    grid = form.grid
    name_row, name_col, *_ = grid.getItemPosition(grid.indexOf(form.name))
    msg_row, msg_col, *_ = grid.getItemPosition(grid.indexOf(grid.messages["name"]))
    assert (msg_row, msg_col) == (name_row + 1, name_col)
    qtbot.waitUntil(lambda: grid.messages["name"].width() >= form.name.width())

    form.name.clear()
    type_text(form.name, "Weiß, Jürgen")
    assert _message(form, "name") == ""
    assert form.save_button.isEnabled()

    type_text(form.birth_date, "2099-01-01")
    assert _message(form, "birth_date") == "cannot be in the future"
    assert not form.save_button.isEnabled()
    form.birth_date.clear()
    type_text(form.birth_date, "13/45/1980")  # the message names both forms a date takes
    assert _message(form, "birth_date") == f"must be a date such as {DATE_FORMS}"
    form.birth_date.clear()
    type_text(form.birth_date, "3/4/1980")  # US month/day/year is understood
    assert _message(form, "birth_date") == ""
    type_text(form.mrn, "mrn-77")
    qtbot.keySequence(form.mrn, QKeySequence.StandardKey.Save)  # Ctrl+S
    saved = form.patient
    assert saved is not None and saved.name == "Weiß, Jürgen"
    assert str(saved.birth_date) == "1980-03-04" and saved.mrn == "MRN-77"
    assert "Weiß, Jürgen" in column_texts(page.patients)
    assert page.list_view.currentIndex().row() == page.patients.row_of(saved.id)


def test_a_saved_patient_outside_the_search_is_shown_and_the_box_says_how(window, qtbot,
                                                                            clinic):
    """The list said "1 matching P-..." while the search box still showed the old text."""
    search_text = "mul"
    type_text(window.search, search_text)
    qtbot.waitUntil(lambda: not window.search_pending)
    page = window.page("patients")
    page.select_patient(clinic["mulligan"])
    form = page.form
    form.name.clear()
    type_text(form.name, "Ortega, Tom")  # no longer found by "mul"
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    ref = form.patient.ref
    assert column_texts(page.patients) == ["Ortega, Tom"]
    assert page.count_label.text() == f"1 matching \u201c{ref}\u201d"
    assert window.search.text() == ref and not window.search_pending


def test_a_duplicate_mrn_is_refused_beside_the_field(window, qtbot, store, clinic):
    api.update_patient(store, signed("desk"), clinic["rivera"], {"mrn": "A100"})
    page = window.show_page("patients")
    page.select_patient(clinic["muller"])
    form = page.form
    type_text(form.mrn, "a100")
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "already used by Rivera, Ana" in _message(form, "mrn")
    assert not form.save_button.isEnabled()


def test_editing_a_patient_enables_save_and_revert(window, qtbot, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    form = page.form
    assert not form.save_button.isEnabled() and not form.revert_button.isEnabled()
    type_text(form.phone, "555-0100")
    assert form.save_button.isEnabled() and form.revert_button.isEnabled()
    qtbot.mouseClick(form.revert_button, Qt.MouseButton.LeftButton)
    assert form.phone.text() == ""
    assert not form.save_button.isEnabled()


def _fill_and_accept(dialog, **typed):
    for key, text in typed.items():
        widget = dialog.grid.fields[key]
        if hasattr(widget, "findData") and not hasattr(widget, "setText"):
            widget.setCurrentIndex(widget.findData(text))
        else:
            widget.clear()
            type_text(widget, text)
    dialog.accept()
    return dialog.result_record


def test_adding_coverage_and_authorization(window, qtbot, monkeypatch, store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["mulligan"])
    assert page.coverages.rowCount() == 0
    assert not page.add_auth_button.isEnabled()  # an authorization needs a coverage
    assert page.auth_hint.isVisible()

    seen = {}

    def fake_coverage_ask(parent, patient_id, payers, save):
        dialog = CoverageDialog(patient_id, payers, save, parent)
        qtbot.addWidget(dialog)
        assert not dialog.save_button.isEnabled()  # no payer chosen yet
        dialog.payer.setCurrentIndex(dialog.payer.findData("unitedhealthcare"))
        assert not dialog.save_button.isEnabled()  # no member id, no start date yet
        type_text(dialog.member_id, " - ")
        seen["member"] = dialog.grid.messages["member_id"].text()
        dialog.member_id.clear()
        type_text(dialog.member_id, "uhc123")
        dialog.effective_from.setText("2026-02-01")
        type_text(dialog.effective_to, "2026-01-01")
        seen["order"] = dialog.grid.messages["effective_to"].text()
        assert not dialog.save_button.isEnabled()
        return _fill_and_accept(dialog, payer="unitedhealthcare", member_id="uhc123",
                                effective_to="")

    monkeypatch.setattr(CoverageDialog, "ask", classmethod(
        lambda cls, *args: fake_coverage_ask(*args)))
    qtbot.mouseClick(page.add_coverage_button, Qt.MouseButton.LeftButton)
    assert seen["order"] == "is before 'In effect from'"  # named as labelled
    assert seen["member"] == "is required: the member id on the patient's insurance card"
    assert column_texts(page.coverages) == ["UnitedHealthcare (commercial)"]
    assert column_texts(page.coverages, 1) == ["uhc123"]  # as typed
    assert page.add_auth_button.isEnabled()

    def fake_auth_ask(parent, coverages, products, today, save):
        dialog = AuthorizationDialog(coverages, products, today, save, parent)
        qtbot.addWidget(dialog)
        assert dialog.valid_from.text() == "2026-03-10"
        type_text(dialog.approved_units, "-5")
        seen["units"] = dialog.grid.messages["approved_units"].text()
        assert not dialog.save_button.isEnabled()
        return _fill_and_accept(dialog, number="PA-77812", product="ocrevus",
                                approved_units="1200")

    monkeypatch.setattr(AuthorizationDialog, "ask", classmethod(
        lambda cls, *args: fake_auth_ask(*args)))
    qtbot.mouseClick(page.add_auth_button, Qt.MouseButton.LeftButton)
    assert seen["units"]  # "-5" is not a number of units
    assert column_texts(page.authorizations) == ["PA-77812"]
    assert column_texts(page.authorizations, 1) == ["UnitedHealthcare (commercial)"]  # plan
    assert column_texts(page.authorizations, 4) == ["1200 of 1200 left"]
    stored = api.authorizations_of(store, signed(), patient_id=clinic["mulligan"])
    assert [a.number for a in stored] == ["PA-77812"]


def test_a_store_refusal_keeps_the_dialog_open_with_the_message(qtbot, store, clinic):
    def refuse(values):
        raise api.InvalidRecord([("member_id", "is not on file with this payer")])

    dialog = CoverageDialog(clinic["mulligan"], [("Medicare", "medicare")], refuse)
    qtbot.addWidget(dialog)
    dialog.payer.setCurrentIndex(dialog.payer.findData("medicare"))
    dialog.member_id.setText("1EG4TE5MK73")
    dialog.effective_from.setText("2026-01-01")
    dialog.accept()
    assert dialog.result() == 0 and dialog.result_record is None
    assert dialog.grid.messages["member_id"].text() == "is not on file with this payer"


def test_tab_order_follows_the_form(window, qtbot, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    form = page.form
    order = [form.name, form.birth_date, form.sex, form.mrn, form.ref, form.phone, form.address]
    form.name.setFocus()
    qtbot.waitUntil(form.name.hasFocus)
    for expected in order[1:]:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        assert window.focusWidget() is expected

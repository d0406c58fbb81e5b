"""Correcting what the front desk typed (issue 13): a coverage edited, ended and deleted from
the patient's lists, an authorization edited with the visits that used it shown; refusals
in the store's own words, nothing half-saved."""

from __future__ import annotations

from datetime import date

from shell_helpers import column_texts, type_text
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.forms import Confirm
from ocrebill_gui.ui.patients.dialogs import AuthorizationDialog, CoverageDialog, EndDialog
from ocrebill_gui.ui.qt import Qt


def _choose(view, row: int) -> None:
    view.setCurrentIndex(view.model().index(row, 0))


def test_edit_end_and_delete_a_coverage(window, qtbot, monkeypatch, store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    edit = next(b for b in page.coverage_buttons if b.objectName() == "editCoverage")
    assert not edit.isEnabled()  # nothing chosen yet
    _choose(page.coverage_view, 0)
    assert all(b.isEnabled() for b in page.coverage_buttons)
    seen = {}

    def fake_ask(parent, patient_id, payers, save, coverage):
        dialog = CoverageDialog(patient_id, payers, save, parent, coverage)
        qtbot.addWidget(dialog)
        assert dialog.member_id.text() == "1EG4TE5MK73" and dialog.save_button.isEnabled()
        dialog.subscriber_relationship.setCurrentIndex(
            dialog.subscriber_relationship.findData("spouse"))
        seen["subscriber"] = (dialog.save_button.isEnabled(),
                              dialog.grid.messages["subscriber_name"].text())
        type_text(dialog.subscriber_name, "Rivera, Luis")
        dialog.member_id.clear()
        type_text(dialog.member_id, "1EG4-TE5-MK73")
        dialog.accept()
        return dialog.result_record

    monkeypatch.setattr(CoverageDialog, "ask", classmethod(lambda cls, *a: fake_ask(*a)))
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    assert seen["subscriber"] == (False, "is required when the subscriber is not the patient")
    coverage = api.coverages_of(store, signed(), clinic["rivera"])[0]
    assert (coverage.member_id, coverage.subscriber_name) == ("1EG4-TE5-MK73", "Rivera, Luis")
    assert column_texts(page.coverages, 1) == ["1EG4-TE5-MK73"]

    def fake_end(dialog):
        qtbot.addWidget(dialog)
        dialog.last_day.clear()
        type_text(dialog.last_day, "2019-12-31")
        seen["early"] = (dialog.save_button.isEnabled(),
                         dialog.grid.messages["last_day"].text())
        dialog.last_day.clear()
        type_text(dialog.last_day, "2026-03-31")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(EndDialog, "exec", fake_end)
    _choose(page.coverage_view, 0)
    end = next(b for b in page.coverage_buttons if b.objectName() == "endCoverage")
    qtbot.mouseClick(end, Qt.MouseButton.LeftButton)
    assert seen["early"] == (False, "is before 'In effect from'")
    coverage = api.get_coverage(store, signed(), coverage.id)
    assert coverage.effective_to == date(2026, 3, 31)

    told = []
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, *a: True))
    monkeypatch.setattr(Confirm, "tell", classmethod(lambda cls, p, title, text:
                                                     told.append(text)))
    _choose(page.coverage_view, 0)
    delete = next(b for b in page.coverage_buttons if b.objectName() == "deleteCoverage")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert told and told[0].startswith(f"Coverage {coverage.id} cannot be deleted: visit")
    assert page.coverages.rowCount() == 1  # still there


def test_an_authorization_shows_the_visits_that_used_it(window, qtbot, monkeypatch, store,
                                                         clinic):
    coverage = api.coverages_of(store, signed(), clinic["rivera"])[0]
    auth = api.add_authorization(store, signed("desk"), {
        "coverage_id": coverage.id, "number": "PA-5", "product": "ocrevus",
        "approved_units": 1200, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
    visit = api.get_visit(store, signed(), clinic["done"])
    api.save_draft(store, signed("nurse"), visit.document, visit_id=visit.id,
                   expected_revision=visit.revision, authorization_id=auth.id)
    api.finalize_visit(store, signed("biller"), visit.id, allow_errors=True,
                       expected_revision=visit.revision + 1)
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    _choose(page.auth_view, 0)
    seen = {}

    def fake_ask(parent, coverages, products, today, save, authorization, uses):
        dialog = AuthorizationDialog(coverages, products, today, save, parent, authorization,
                                     uses)
        qtbot.addWidget(dialog)
        seen["uses"] = dialog.uses.text()
        type_text(dialog.visits_allowed, "0")
        seen["visits"] = dialog.grid.messages["visits_allowed"].text()
        dialog.visits_allowed.clear()
        type_text(dialog.visits_allowed, "2")
        dialog.accept()
        return dialog.result_record

    monkeypatch.setattr(AuthorizationDialog, "ask", classmethod(lambda cls, *a: fake_ask(*a)))
    edit = next(b for b in page.auth_buttons if b.objectName() == "editAuthorization")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    assert seen["uses"] == f"Used by visit {visit.id} on {visit.date_of_service} (600 units)"
    assert seen["visits"]  # 0 visits is refused at the field
    assert api.get_authorization(store, signed(), auth.id).visits_allowed == 2
    assert column_texts(page.authorizations, 5) == ["1 of 2"]

"""The front desk's benefits verifications (issue 13, item 5) and the leftovers of items 2-3:
Patients, Coverage, Benefits... lists a coverage's verifications and records one in a dialog
checked as it is typed (a bad amount named at its field); a member id already on another
patient's coverage is a possible duplicate with "open the existing patient"; Cancel, Escape
or the close button with typed edits asks (save, discard, cancel)."""

from __future__ import annotations

from datetime import date

from shell_helpers import type_text
from staff import session, signed

from ocrebill_gui import store as api
from ocrebill_gui.store import benefits as bv
from ocrebill_gui.ui.forms import Confirm, UnsavedChanges
from ocrebill_gui.ui.patients.benefits import BenefitsDialog, BenefitsListDialog
from ocrebill_gui.ui.patients.dialogs import AuthorizationDialog, CoverageDialog
from ocrebill_gui.ui.patients.form import PossibleDuplicate
from ocrebill_gui.ui.qt import QDialog, QDialogButtonBox, Qt


def _retype(field, text: str) -> None:
    field.clear()
    type_text(field, text)


def test_benefits_recorded_from_the_coverage_checked_as_typed(window, qtbot, monkeypatch,
                                                              store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    assert not page.benefits_button.isEnabled()  # no coverage chosen yet
    page.coverage_view.setCurrentIndex(page.coverages.index(0, 0))
    assert page.benefits_button.isEnabled()
    seen: dict[str, object] = {}

    def record(dialog: BenefitsDialog) -> int:
        qtbot.addWidget(dialog)
        _retype(dialog.verified_on, "3/2/2026")
        type_text(dialog.money["deductible_total"], "1,500.005")
        seen["cents"] = (dialog.save_button.isEnabled(),
                         dialog.grid.messages["deductible_total"].text())
        _retype(dialog.money["deductible_total"], "$1,500")
        type_text(dialog.money["deductible_remaining"], "1600")
        seen["remaining"] = (dialog.save_button.isEnabled(),
                             dialog.grid.messages["deductible_remaining"].text())
        _retype(dialog.money["deductible_remaining"], "250.50")
        type_text(dialog.coinsurance_percent, "120")
        seen["percent"] = dialog.grid.messages["coinsurance_percent"].text()
        _retype(dialog.coinsurance_percent, "20")
        _retype(dialog.next_verification, "2026-02-01")
        seen["next"] = dialog.grid.messages["next_verification"].text()
        _retype(dialog.next_verification, "2026-09-02")
        dialog.method.setCurrentIndex(dialog.method.findData("portal"))
        type_text(dialog.reference, "AV-5521")
        dialog.prior_auth_required.setCurrentIndex(dialog.prior_auth_required.findData(False))
        seen["ready"] = dialog.save_button.isEnabled()
        dialog.accept()
        return dialog.result()

    def correct(dialog: BenefitsDialog) -> int:
        qtbot.addWidget(dialog)
        seen["shown"] = (dialog.verified_on.text(), dialog.money["deductible_total"].text(),
                         dialog.coinsurance_percent.text(), dialog.reference.text())
        type_text(dialog.money["copay"], "35")
        dialog.accept()
        return dialog.result()

    def in_the_list(listing: BenefitsListDialog) -> int:
        qtbot.addWidget(listing)
        seen["before"] = (listing.empty.isVisibleTo(listing), listing.edit_button.isEnabled(),
                          listing.model.rowCount())
        monkeypatch.setattr(BenefitsDialog, "exec", record)
        qtbot.mouseClick(listing.add_button, Qt.MouseButton.LeftButton)
        seen["row"] = [listing.model.index(0, c).data() for c in range(8)]
        monkeypatch.setattr(BenefitsDialog, "exec", correct)
        qtbot.mouseClick(listing.edit_button, Qt.MouseButton.LeftButton)
        seen["edited"] = listing.model.index(0, 4).data()
        monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, *a: True))
        qtbot.mouseClick(listing.delete_button, Qt.MouseButton.LeftButton)
        seen["left"] = listing.model.rowCount()
        return 0

    monkeypatch.setattr(BenefitsListDialog, "exec", in_the_list)
    qtbot.mouseClick(page.benefits_button, Qt.MouseButton.LeftButton)
    assert seen["before"] == (False, True, 1)  # the clinic's verification of 2026-02-27
    assert seen["cents"] == (False, "must be whole cents (at most 2 decimals)")
    assert seen["remaining"] == (False, "is more than 'Deductible'")
    assert seen["percent"] == "must be a percentage from 0 to 100, e.g. 20"
    assert seen["next"] == "is before 'Verified on'"
    assert seen["ready"] is True
    assert seen["row"] == ["2026-03-02", "Ocrevus", "Portal", "$250.50",
                           "20% coinsurance", "", "no", "2026-09-02"]
    assert seen["shown"] == ("2026-03-02", "1,500.00", "20", "AV-5521")
    assert seen["edited"] == "20% coinsurance, copay $35.00"
    assert seen["left"] == 1
    coverage = api.coverages_of(store, signed(), clinic["rivera"])[0]
    entries = api.audit_entries(store, signed(), "benefits_verification")
    assert [e.action for e in entries] == ["delete", "update", "create", "create"]
    assert [b.verified_on for b in bv.benefits_of(store, signed(), coverage.id)] == [
        date(2026, 2, 27)]


def test_a_nurse_reads_the_benefits_but_cannot_change_them(qtbot, store):
    desk = session(store, "desk.only", ("front_desk",))
    patient = api.add_patient(store, desk, {"name": "Rivera, Ana"})
    coverage = api.add_coverage(store, desk, {"patient_id": patient.id, "payer": "aetna",
                                              "member_id": "W1", "effective_from": "2026-01-01"})
    bv.add_benefits(store, desk, {"coverage_id": coverage.id, "product": "ocrevus",
                                  "verified_on": "2026-02-20", "copay": "40"})
    nurse = session(store, "nurse.only", ("nurse",))
    listing = BenefitsListDialog(store, nurse, coverage.id, "Aetna W1",
                                 [("Ocrevus", "ocrevus")], date(2026, 3, 10))
    qtbot.addWidget(listing)
    assert listing.model.rowCount() == 1 and listing.model.index(0, 4).data() == \
        "copay $40.00"
    for button in (listing.add_button, listing.edit_button, listing.delete_button):
        assert not button.isEnabled()
        assert "front desk role" in button.toolTip()


def test_a_member_id_on_another_patient_is_a_possible_duplicate(window, qtbot, monkeypatch,
                                                                store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["mulligan"])
    offered = []
    answers = [None, clinic["rivera"], "save"]

    def ask(parent, patients, why="same name and birth date"):
        offered.append(([p.id for p in patients], why))
        return answers.pop(0)

    def fill(parent, patient_id, payers, save, coverage=None):
        dialog = CoverageDialog(patient_id, payers, save, parent, coverage)
        qtbot.addWidget(dialog)
        dialog.payer.setCurrentIndex(dialog.payer.findData("medicare"))
        type_text(dialog.member_id, "1eg4-te5-mk73")  # Rivera's, typed another way
        type_text(dialog.effective_from, "2026-01-01")
        dialog.accept()
        if dialog.result() != QDialog.DialogCode.Accepted:  # None: back to the dialog
            dialog.accept()
        return dialog.result_record

    monkeypatch.setattr(PossibleDuplicate, "ask", classmethod(lambda cls, *a: ask(*a)))
    monkeypatch.setattr(CoverageDialog, "ask", classmethod(lambda cls, *a: fill(*a)))
    qtbot.mouseClick(page.add_coverage_button, Qt.MouseButton.LeftButton)
    assert offered == [([clinic["rivera"]], "same member id")] * 2
    assert page.current_patient.id == clinic["rivera"]  # the existing patient is open
    assert api.coverages_of(store, signed(), clinic["mulligan"]) == []  # nothing saved

    page.select_patient(clinic["mulligan"])
    qtbot.mouseClick(page.add_coverage_button, Qt.MouseButton.LeftButton)
    assert offered[-1] == ([clinic["rivera"]], "same member id")
    assert [c.member_id for c in api.coverages_of(store, signed(), clinic["mulligan"])] == [
        "1eg4-te5-mk73"]  # another person, said so


def _cancel(dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    button.click()


def test_cancel_escape_and_close_with_typed_edits_ask_first(qtbot, monkeypatch, store):
    desk = session(store, "desk.only", ("front_desk",))
    patient = api.add_patient(store, desk, {"name": "Rivera, Ana"})
    asked: list[str] = []
    answers: list[str] = []

    def answer(parent, what):
        asked.append(what)
        return answers.pop(0)

    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, *a: answer(*a)))
    dialog = CoverageDialog(patient.id, [("Aetna", "aetna")],
                            lambda values: api.add_coverage(store, desk, values))
    qtbot.addWidget(dialog)
    dialog.show()
    _cancel(dialog)  # nothing typed: closes without a question
    assert asked == [] and not dialog.isVisible()

    dialog = CoverageDialog(patient.id, [("Aetna", "aetna")],
                            lambda values: api.add_coverage(store, desk, values))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.payer.setCurrentIndex(1)
    type_text(dialog.member_id, "W 123")
    type_text(dialog.effective_from, "2026-01-01")
    answers += ["cancel", "cancel", "save"]
    _cancel(dialog)
    assert asked == ["\u201cAdd coverage\u201d"] and dialog.isVisible()  # kept, as typed
    qtbot.keyClick(dialog.member_id, Qt.Key.Key_Escape)
    assert len(asked) == 2 and dialog.isVisible() and dialog.member_id.text() == "W 123"
    _cancel(dialog)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert [c.member_id for c in api.coverages_of(store, desk, patient.id)] == ["W 123"]

    coverage = api.coverages_of(store, desk, patient.id)[0]
    auth = AuthorizationDialog([("Aetna W 123", coverage.id)], [("Ocrevus", "ocrevus")],
                               date(2026, 3, 10),
                               lambda values: api.add_authorization(store, desk, values))
    qtbot.addWidget(auth)
    auth.show()
    type_text(auth.number, "PA-9")
    answers += ["discard"]
    qtbot.keyClick(auth.number, Qt.Key.Key_Escape)
    assert asked[-1] == "\u201cAdd prior authorization\u201d" and not auth.isVisible()
    assert api.authorizations_of(store, desk, coverage_id=coverage.id) == []

    edit = CoverageDialog(patient.id, [("Aetna", "aetna")],
                          lambda values: api.update_coverage(store, desk, coverage.id, values),
                          coverage=coverage)
    qtbot.addWidget(edit)
    edit.show()
    _cancel(edit)  # the record as loaded is no edit
    assert len(asked) == 4 and not edit.isVisible()
    edit = CoverageDialog(patient.id, [("Aetna", "aetna")],
                          lambda values: api.update_coverage(store, desk, coverage.id, values),
                          coverage=coverage)
    qtbot.addWidget(edit)
    edit.show()
    type_text(edit.group_number, "G-1")
    edit.reject()  # the idle lock: closed without a question, nothing saved
    assert len(asked) == 4 and not edit.isVisible()
    assert api.get_coverage(store, desk, coverage.id).group_number == ""
    assert answers == []

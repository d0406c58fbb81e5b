"""Leftovers of issue 13 in the visit editor: a patient-supplied vial recorded by keys alone
with its NDC, lot and expiry typed from the carton, never taken from stock; a member id typed
for a new coverage that is another patient's is a possible duplicate, and "open the existing
patient" puts that patient on the visit."""

from __future__ import annotations

from editor_helpers import when_open
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.patients.dialogs import CoverageDialog
from ocrebill_gui.ui.patients.form import PossibleDuplicate
from ocrebill_gui.ui.qt import QDialog, QLineEdit, Qt
from ocrebill_gui.ui.visit_editor.typed_vial import TypedVialDialog


def _keys(qtbot, dialog, text: str) -> None:
    assert dialog.focusWidget() is not None  # (QTest aborts on None)
    qtbot.keyClicks(dialog.focusWidget(), text)


def test_a_patient_supplied_vial_is_typed_by_keys_and_not_taken_from_stock(
        qtbot, make_editor, patient, store):
    editor = make_editor(patient_id=patient.id)
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus"))
    editor.add_administration()
    card = editor.cards[0]
    vials = card.vials
    bought = [vials.picker.itemData(i) for i in range(vials.picker.count())]
    assert "typed" not in bought  # bought: the inventory's lots and the catalog's vials
    card.source.setFocus()
    qtbot.keyClick(card.source, Qt.Key.Key_Down)  # Patient / specialty pharmacy
    assert editor.presenter.get("administrations[0].source") == "patient_supplied"
    assert vials.picker.currentData() == "typed"  # no stock lot is the patient's
    for _ in range(10):  # Tab on from the source, as a nurse would, to Add vial
        if editor.focusWidget() is vials.add_button:
            break
        qtbot.keyClick(editor.focusWidget(), Qt.Key.Key_Tab)
    assert editor.focusWidget() is vials.add_button
    seen: dict[str, object] = {}

    def type_it(dialog: TypedVialDialog) -> None:
        dialog.activateWindow()
        seen["focus"] = dialog.focusWidget() is dialog.lot  # NDC filled: one vial size
        seen["ndc"] = dialog.ndc.text()
        _keys(qtbot, dialog, "ab12c")
        qtbot.keyClick(dialog.lot, Qt.Key.Key_Tab)
        seen["tab"] = dialog.focusWidget() is dialog.expires
        _keys(qtbot, dialog, "8/31/20")
        seen["half"] = (dialog.save_button.isEnabled(), dialog.grid.messages["expires"].text())
        _keys(qtbot, dialog, "27")
        qtbot.keyClick(dialog.expires, Qt.Key.Key_Return)

    when_open(TypedVialDialog, type_it)
    qtbot.keyClick(vials.add_button, Qt.Key.Key_Space)
    assert (seen["focus"], seen["tab"], seen["ndc"]) == (True, True, "50242-0150-01")
    assert seen["half"] == (False, "must be a date such as 2026-03-04 or 3/4/2026 "
                                   "(month/day/year)")
    assert editor.presenter.get("administrations[0].vials") == [
        {"ndc": "50242-0150-01", "lot": "AB12C", "expires": "2027-08-31", "mg": 300}]
    assert [vials.model.index(0, c).data() for c in range(3)] == [
        "50242-0150-01", "AB12C", "2027-08-31"]
    editor.cards[0].dose.setText("300")
    editor.cards[0].dose.textEdited.emit("300")
    editor.save_now()
    visit = api.get_visit(store, signed(), editor.visit_id)
    api.finalize_visit(store, signed("biller"), visit.id, expected_revision=visit.revision,
                       allow_errors=True)
    lot = next(lot for lot in api.list_vial_lots(store, signed()) if lot.lot == "H0123")
    assert lot.on_hand == 6  # the patient's vial is not the practice's


def test_a_typed_ndc_of_another_drug_is_named_at_the_ndc(qtbot, make_editor, patient):
    from ocrebill_gui.core.catalog import default_catalog

    dialog = TypedVialDialog(default_catalog().products["ocrevus"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ndc.clear()
    qtbot.keyClicks(dialog.ndc, "50242-0554-86")  # Zunovo's sample NDC
    qtbot.keyClicks(dialog.lot, "X1")
    qtbot.keyClicks(dialog.expires, "2027-01-31")
    assert not dialog.save_button.isEnabled()
    assert dialog.grid.messages["ndc"].text() == (
        "is not a vial of Ocrevus: 50242-0150-01 (300 mg)")
    dialog.ndc.clear()
    qtbot.keyClicks(dialog.ndc, "5024201500")
    assert dialog.grid.messages["ndc"].text().startswith("must be an NDC")


def test_a_member_id_of_another_patient_opens_that_patient_on_the_visit(
        qtbot, make_editor, patient, store, monkeypatch):
    other = api.add_patient(store, signed("desk"), {"name": "Mulligan, Tom"})
    editor = make_editor(patient_id=other.id)
    offered = []

    def ask(parent, patients, why="same name and birth date"):
        offered.append(([p.id for p in patients], why))
        return patients[0].id

    def fill(parent, patient_id, payers, save, coverage=None):
        dialog = CoverageDialog(patient_id, payers, save, parent, coverage)
        qtbot.addWidget(dialog)
        dialog.payer.setCurrentIndex(dialog.payer.findData("medicare"))
        qtbot.keyClicks(dialog.member_id, "1eg4 te5 mk73")
        qtbot.keyClicks(dialog.effective_from, "1/1/2026")
        dialog.accept()
        return dialog.result_record if dialog.result() == QDialog.DialogCode.Accepted else None

    monkeypatch.setattr(PossibleDuplicate, "ask", classmethod(lambda cls, *a: ask(*a)))
    monkeypatch.setattr(CoverageDialog, "ask", classmethod(lambda cls, *a: fill(*a)))
    qtbot.mouseClick(editor.patient.new_coverage, Qt.MouseButton.LeftButton)
    assert offered == [([patient.id], "same member id")]
    assert editor.patient.patient_id == patient.id  # Rivera, whose member id it is
    assert editor.presenter.get("patient.name") == "Rivera, Ana"
    assert api.coverages_of(store, signed(), other.id) == []
    assert isinstance(editor.patient.search, QLineEdit)

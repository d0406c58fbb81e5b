"""A vial added from the catalog (no inventory, lot unknown) shows the engine's finding: in the
findings list, which leads to the vial's lot, and in the vials table's Flags column (the card
no longer judges it itself)."""

from __future__ import annotations

from editor_helpers import click_finding

MESSAGE = "Ocrevus vial 1 (NDC 50242-0150-01): lot not recorded"


def test_a_catalog_vial_without_a_lot_is_the_engines_finding(qtbot, make_editor, patient):
    editor = make_editor(patient_id=patient.id)
    editor.show()
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus"))
    editor.add_administration()
    editor.presenter.set("administrations[0].dose_mg", 300)
    vials = editor.cards[0].vials
    vials.picker.setCurrentIndex(next(i for i in range(vials.picker.count())
                                      if "lot not tracked" in vials.picker.itemText(i)))
    vials.add_chosen()
    findings = editor.preview.findings_model
    found = [findings.finding(r) for r in range(findings.rowCount())
             if findings.finding(r).rule == "vial-lot-missing"]
    assert [(f.severity, f.message) for f in found] == [("warning", MESSAGE)]
    assert vials.model.index(0, 4).data() == MESSAGE
    click_finding(qtbot, editor, "vial-lot-missing")
    assert editor.focusWidget() is vials.table
    assert (vials.table.currentIndex().row(), vials.table.currentIndex().column()) == (0, 1)
    editor.presenter.set("administrations[0].vials[0].lot", "H0123")
    assert vials.model.index(0, 4).data() == ""
    assert not any(findings.finding(r).rule == "vial-lot-missing"
                   for r in range(findings.rowCount()))

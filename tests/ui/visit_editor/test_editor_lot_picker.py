"""The vial picker never offers an expired, quarantined or recalled lot first (issue 13,
item 8): usable lots first, soonest expiry first; a bad lot is listed last, flagged."""

from __future__ import annotations

from staff import signed

from ocrebill_gui import store as api

NURSE = signed("pharmacy", ("nurse",))


def lot(store, number: str, expires: str, vials: int = 3):
    return api.add_vial_lot(store, NURSE, {"product": "ocrevus", "ndc": "50242-0150-01",
                                           "lot": number, "expires": expires,
                                           "received": "2025-06-01", "received_vials": vials})


def test_the_first_choice_is_never_an_expired_or_recalled_lot(store, make_editor, patient):
    lot(store, "EXP1", "2026-02-28")  # expired on the visit's day (2026-03-04)
    recalled = lot(store, "REC1", "2026-06-30")  # expires before H0123: would come first
    quarantined = lot(store, "QUA1", "2026-05-31")
    api.set_lot_status(store, NURSE, recalled.id, "recalled", "maker's recall")
    api.set_lot_status(store, NURSE, quarantined.id, "quarantined", "fridge alarm")
    editor = make_editor(patient_id=patient.id)
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus"))
    editor.add_administration()
    picker = editor.cards[0].vials.picker
    texts = [picker.itemText(i) for i in range(picker.count())]
    assert picker.currentIndex() == 0
    assert texts[0].startswith("Lot H0123")
    assert [t.split(" ")[1] for t in texts[-3:]] == ["EXP1", "QUA1", "REC1"]
    assert "expired 2026-02-28" in texts[-3]
    assert "quarantined: do not use" in texts[-2]
    assert "recalled: do not use" in texts[-1]
    editor.cards[0].vials.add_chosen()
    vials = editor.presenter.get("administrations[0].vials")
    assert [v["lot"] for v in vials] == ["H0123"]

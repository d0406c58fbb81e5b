"""The Inventory screen's shelf changes (issue 13, item 8): the lot dialog checks as it is
typed with the store's words; a recalled lot shows as do-not-use; low stock in the banner."""

from __future__ import annotations

from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.inventory.lot_dialog import LotChangeDialog, apply_lot_change

NURSE = signed("nurse", ("nurse",))


def received(store, vials: int = 4):
    return api.add_vial_lot(store, NURSE, {"product": "ocrevus", "ndc": "50242-0150-01",
                                           "lot": "H0123", "expires": "2027-08-31",
                                           "received": "2026-02-01", "received_vials": vials})


def test_a_negative_count_and_too_many_damaged_are_named_at_the_field(store, qtbot):
    lot = received(store)
    dialog = LotChangeDialog(lot, lambda v: apply_lot_change(store, NURSE, lot, v))
    qtbot.addWidget(dialog)
    dialog.reason.setText("shelf count")
    dialog.number.setValue(-1)
    assert dialog._validate(dialog.values()) == {"number": "must be a whole number, 0 or more"}
    assert not dialog.save_button.isEnabled()
    dialog.action.setCurrentIndex(dialog.action.findData("damaged"))
    dialog.number.setValue(5)
    assert "more than the 4 vial(s) on hand" in dialog._validate(dialog.values())["number"]
    dialog.number.setValue(1)
    assert dialog.save_button.isEnabled()
    dialog.accept()
    assert api.get_vial_lot(store, NURSE, lot.id).on_hand == 3


def test_a_recalled_lot_is_do_not_use_and_low_stock_is_in_the_banner(store, qtbot, tmp_path):
    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.inventory.page import InventoryPage
    from ocrebill_gui.ui.settings import WindowLayout

    lot = received(store, 3)
    api.set_reorder_level(store, NURSE, "ocrevus", 3)
    page = InventoryPage(store, NURSE, FakeClock("2026-03-04T09:00"),
                         WindowLayout(tmp_path / "layout.ini"))
    qtbot.addWidget(page)
    assert "at or below the reorder level of 3" in page.banner.text()
    api.set_lot_status(store, NURSE, lot.id, "recalled", "maker's notice")
    page.refresh()
    row = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert "Recalled: do not use" in row
    assert "0 vial(s) usable" in page.banner.text()

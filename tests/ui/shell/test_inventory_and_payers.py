"""Inventory (receive a lot, expiring lots flagged) and payer profiles (copy a shipped one,
edit it, and it is the user's own)."""

from __future__ import annotations

from shell_helpers import column_texts, type_text
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.ui.forms import Confirm
from ocrebill_gui.ui.inventory.receive_dialog import ReceiveLotDialog
from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.style import accent


def test_receiving_a_lot_that_expires_soon_flags_it(window, qtbot, monkeypatch, store):
    page = window.show_page("inventory")
    assert column_texts(page.model, 2) == ["H0123"]
    assert "No lot on hand expires" in page.banner.text()

    def fake_ask(parent, products, today, save):
        dialog = ReceiveLotDialog(products, today, save, parent)
        qtbot.addWidget(dialog)
        dialog.product.setCurrentIndex(dialog.product.findData("ocrevus"))
        assert dialog.ndc.currentText().startswith("50242-0150-01")
        type_text(dialog.expires, "2026-13-01")
        assert not dialog.grid.messages["expires"].isHidden()
        assert not dialog.save_button.isEnabled()
        dialog.expires.clear()
        type_text(dialog.expires, "2026-04-01")  # 22 days after the clock's today
        type_text(dialog.lot, "x777")
        dialog.received_vials.setValue(4)
        assert dialog.save_button.isEnabled()
        dialog.accept()
        return dialog.result_record

    monkeypatch.setattr(ReceiveLotDialog, "ask", classmethod(lambda cls, *a: fake_ask(*a)))
    qtbot.mouseClick(page.receive_button, Qt.MouseButton.LeftButton)
    lots = column_texts(page.model, 2)
    assert lots == ["X777", "H0123"]  # soonest expiry first
    row = lots.index("X777")
    status = page.model.index(row, 4)
    assert status.data() == "Expires in 22 days"
    assert status.data(Qt.ItemDataRole.ForegroundRole) == accent("warning")
    assert page.model.index(lots.index("H0123"), 4).data() == "OK"
    assert page.model.index(row, 5).data() == "4 of 4"
    assert page.banner.text().startswith("1 lot (4 vials) expire within 60 days")
    page.filter.setCurrentIndex(page.filter.findData("expiring"))
    assert column_texts(page.model, 2) == ["X777"]


def test_a_duplicate_lot_is_refused_in_the_dialog(qtbot, store, clinic, clock):
    products = [p for p in default_catalog().products.values() if p.vials]
    dialog = ReceiveLotDialog(products, clock.now().date(),
                              lambda values: api.add_vial_lot(store, signed("pharmacy"), values))
    qtbot.addWidget(dialog)
    dialog.product.setCurrentIndex(dialog.product.findData("ocrevus"))
    type_text(dialog.lot, "h0123")
    type_text(dialog.expires, "2027-08-31")
    dialog.accept()
    assert dialog.result_record is None
    assert "already in the inventory" in dialog.grid.messages["lot"].text()


def _row(page, payer_id):
    return page.model.record(page.model.row_of(payer_id))


def test_shipped_payer_is_read_only_until_copied_then_editable_and_saved(window, qtbot,
                                                                         store, monkeypatch):
    page = window.show_page("payers")
    page.select("medicare")
    assert not _row(page, "medicare").is_users
    assert page.form.name.isReadOnly() and not page.form.program.isEnabled()
    assert page.copy_button.isVisible() and not page.save_button.isVisible()

    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    row = _row(page, "medicare")
    assert row.is_users  # the copy replaces the shipped profile, same id
    assert column_texts(page.model, 5)[page.model.row_of("medicare")] == "Yours"
    assert not page.form.name.isReadOnly() and page.form.monoclonal_admin.isEnabled()
    assert page.save_button.isVisible() and not page.save_button.isEnabled()

    page.form.monoclonal_admin.setCurrentIndex(page.form.monoclonal_admin.findData("complex"))
    page.form.name.clear()
    assert "must not be empty" in page.form.grid.messages["name"].text()
    assert not page.save_button.isEnabled()
    type_text(page.form.name, "Medicare Part B (Novitas)")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    mine = api.user_payers(store)["medicare"]
    assert mine.name == "Medicare Part B (Novitas)" and mine.monoclonal_admin == "complex"
    assert default_catalog().payers["medicare"].monoclonal_admin == "therapeutic"  # untouched

    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, *a: True))
    assert page.delete_button.text().replace("&", "") == "Go back to the shipped profile"
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert not _row(page, "medicare").is_users
    assert "medicare" not in api.user_payers(store)


def test_new_payer_from_a_shipped_one_gets_its_own_id(window, qtbot, store, monkeypatch):
    page = window.show_page("payers")
    page.select("anthem")
    monkeypatch.setattr(Confirm, "text", classmethod(lambda cls, *a: "Anthem HMO Colorado"))
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    row = _row(page, "anthem-hmo-colorado")
    assert row.is_users and row.profile.name == "Anthem HMO Colorado"
    assert row.profile.waste_modifiers == "none"  # copied from Anthem
    assert not _row(page, "anthem").is_users  # the shipped one is still there
    assert page.form.payer_id.text() == "anthem-hmo-colorado"


def test_an_open_draft_follows_a_payer_profile_edited_meanwhile(window, qtbot, clinic):
    """A biller changes the payer's rules on the Payers screen while a visit is open: back on
    the visit, its preview is computed with them (a finalized visit would read as billed)."""
    editor = window.open_visit(clinic["done"])

    def codes() -> set[str]:
        model = editor.preview.lines_model
        return {model.index(row, model.CODE).data() for row in range(model.rowCount())}

    assert "96365" in codes() and "96413" not in codes()
    page = window.show_page("payers")
    page.select("medicare")
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    page.form.monoclonal_admin.setCurrentIndex(page.form.monoclonal_admin.findData("complex"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    window.show_page("visits")
    assert window.editors == [editor]
    qtbot.waitUntil(lambda: "96413" in codes())
    assert "96365" not in codes()

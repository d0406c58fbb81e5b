"""Every screen, the visit editor and the dialogs can be worked with Alt+letter: unique
mnemonics within each window, every field label with its field as buddy (tests/ui/mnemonics)."""

from __future__ import annotations

import pytest
from mnemonics import keyboard_problems

PAGES = ["today", "patients", "inventory", "payers", "audit"]


@pytest.mark.parametrize("key", PAGES)
def test_each_screen_has_unique_mnemonics_and_labelled_fields(window, key):
    page = window.show_page(key)
    if key == "patients":
        page.select_row(0)  # the form, coverages and visits of a patient show
    problems = keyboard_problems(window)
    assert not problems, "\n".join(problems)


def test_the_visit_editor_has_unique_mnemonics_and_labelled_fields(window, clinic):
    editor = window.open_visit(clinic["running"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("methylprednisolone"))
    editor.add_administration()  # a second card: its labels must not repeat the first's
    problems = keyboard_problems(window)
    assert not problems, "\n".join(problems)


def dialogs(window, store):
    """One of each dialog the app opens, built as the screens build them."""
    from datetime import date

    import staff

    from ocrebill_gui import store as api
    from ocrebill_gui.ui.help_dialogs import AboutDialog, ShortcutsDialog
    from ocrebill_gui.ui.inventory.receive_dialog import ReceiveLotDialog
    from ocrebill_gui.ui.patients.dialogs import (
        AuthorizationDialog,
        CoverageDialog,
        PatientDialog,
    )
    from ocrebill_gui.ui.sign_in import ChangePasswordDialog
    from ocrebill_gui.ui.visit_editor.reason_dialog import ReasonDialog

    products = list(api.store_catalog(store).products.values())
    never = lambda values: None  # noqa: E731 - nothing is saved here
    yield PatientDialog(never, window)
    yield CoverageDialog(1, [("Medicare", "medicare")], never, window)
    yield AuthorizationDialog([("Medicare 1EG4", 1)], [("Ocrevus", "ocrevus")],
                              date(2026, 3, 10), never, window)
    yield ReceiveLotDialog(products, date(2026, 3, 10), never, window)
    yield ReasonDialog("Finalize with errors?", "Why?", ["an error"], "Finalize anyway", window)
    yield ChangePasswordDialog(store, staff.session(store, "desk.amy"), window)
    yield ShortcutsDialog(window)
    yield AboutDialog(window)


def test_every_dialog_has_unique_mnemonics_and_labelled_fields(window, store):
    for dialog in dialogs(window, store):
        dialog.show()
        problems = keyboard_problems(dialog)
        dialog.reject()
        assert not problems, f"{dialog.windowTitle()}: " + "\n".join(problems)


def test_the_sign_in_over_the_screens_has_unique_mnemonics(window):
    window.lock()
    problems = keyboard_problems(window)
    assert not problems, "\n".join(problems)

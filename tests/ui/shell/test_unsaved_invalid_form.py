"""Cancel on a record dialog with typed edits that cannot be saved yet (Save off: a field is
invalid) asks Discard or Cancel, Cancel (back to the form) the default, and names the field;
a form that may be saved still offers Save as the default."""

from __future__ import annotations

from shell_helpers import type_text
from staff import session

from ocrebill_gui import store as api
from ocrebill_gui.ui.forms import UnsavedChanges
from ocrebill_gui.ui.patients.dialogs import CoverageDialog
from ocrebill_gui.ui.qt import QMessageBox


def _questions(monkeypatch) -> list[tuple[str, object, object]]:
    """QMessageBox.question answered with its default, the text, buttons and default kept."""
    asked: list[tuple[str, object, object]] = []

    def question(parent, title, text, buttons, default):
        asked.append((text, buttons, default))
        return default

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _dialog(qtbot, store, effective_from: str) -> CoverageDialog:
    """Add coverage with a payer, a member id and `effective_from` typed."""
    desk = session(store, "desk.only", ("front_desk",))
    patient = api.add_patient(store, desk, {"name": "Rivera, Ana"})
    dialog = CoverageDialog(patient.id, [("Aetna", "aetna")],
                            lambda values: api.add_coverage(store, desk, values))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.payer.setCurrentIndex(1)
    type_text(dialog.member_id, "W 123")
    type_text(dialog.effective_from, effective_from)
    return dialog


def test_an_invalid_form_defaults_to_cancel_and_names_the_field(qtbot, monkeypatch, store):
    asked = _questions(monkeypatch)
    dialog = _dialog(qtbot, store, "2026-13-45")
    assert not dialog.save_button.isEnabled()
    dialog.cancel()
    buttons = QMessageBox.StandardButton
    text, offered, default = asked[-1]
    assert default == buttons.Cancel
    assert not (offered & buttons.Save)
    assert "cannot be saved yet" in text and "In effect from" in text
    assert dialog.isVisible()  # Cancel, the default: back to the form, as typed
    assert dialog.effective_from.text() == "2026-13-45"


def test_a_valid_form_still_defaults_to_save(qtbot, monkeypatch, store):
    asked = _questions(monkeypatch)
    dialog = _dialog(qtbot, store, "2026-01-01")
    assert dialog.save_button.isEnabled()
    dialog.cancel()
    text, offered, default = asked[-1]
    assert default == QMessageBox.StandardButton.Save and "Save them?" in text
    assert not dialog.isVisible()  # saved


def test_the_patient_form_names_its_invalid_field_and_offers_no_save(window, qtbot,
                                                                     monkeypatch, store, clinic):
    page = window.show_page("patients")
    page.select_patient(clinic["rivera"])
    page.form.name.clear()  # a patient needs a name: Save goes off
    assert not page.form.save_button.isEnabled()
    asked: list[tuple] = []
    monkeypatch.setattr(UnsavedChanges, "ask",
                        classmethod(lambda cls, *a: asked.append(a) or "cancel"))
    page.select_patient(clinic["mulligan"])
    ((_parent, what, problem),) = asked
    assert what == "Rivera, Ana" and problem.startswith("Name")
    assert page.form.patient.id == clinic["rivera"]  # stayed, as typed

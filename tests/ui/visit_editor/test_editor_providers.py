"""The visit's providers in the editor (issue 13, item 4): a new visit takes the practice's
defaults (the patient's latest visit first), the lists offer active providers, a choice is
written into the document and a missing one is a finding; the providers dialog checks the
NPI as it is typed, with the store's words."""

from __future__ import annotations

from staff import signed

from ocrebill_gui.core.npi import npi_problem
from ocrebill_gui.store.providers import add_provider, list_providers
from ocrebill_gui.ui.providers.dialogs import ProviderDialog, ProvidersDialog

DESK = signed("desk", ("front_desk",))
GRACE = {"role": "rendering", "name": "Okafor, Grace", "npi": "1234567893",
         "is_default": True}
ERIK = {"role": "ordering", "name": "Lindqvist, Erik", "npi": "1245319599"}
NOOR = {"role": "ordering", "name": "Haddad, Noor", "npi": "1003000126", "is_default": True}


def rules(editor) -> set[str]:
    claim = editor.presenter.result
    return {f.rule for f in claim.findings} if claim else set()


def test_a_new_visit_takes_the_defaults_and_a_choice_goes_into_the_document(
        store, make_editor, patient, qtbot):
    add_provider(store, DESK, GRACE)
    add_provider(store, DESK, ERIK)
    add_provider(store, DESK, NOOR)
    editor = make_editor(patient_id=patient.id)
    combos = editor.providers
    assert editor.presenter.get("providers.rendering.npi") == "1234567893"
    assert editor.presenter.get("providers.ordering.npi") == "1003000126"
    assert combos.ordering.currentText() == "Haddad, Noor (NPI 1003000126)"
    assert [combos.ordering.itemText(i) for i in range(combos.ordering.count())] == [
        "(none)", "Haddad, Noor (NPI 1003000126)", "Lindqvist, Erik (NPI 1245319599)"]
    erik = combos.ordering.findText("Lindqvist, Erik (NPI 1245319599)")
    combos.ordering.setCurrentIndex(erik)
    combos.ordering.activated.emit(erik)
    assert editor.presenter.get("providers.ordering") == {"name": "Lindqvist, Erik",
                                                          "npi": "1245319599"}
    combos.rendering.setCurrentIndex(0)
    combos.rendering.activated.emit(0)
    assert editor.presenter.get("providers.rendering") is None


def test_no_providers_named_is_a_finding_on_a_new_visit(store, ocrevus_editor):
    found = rules(ocrevus_editor)
    assert {"provider-rendering-missing", "provider-ordering-missing"} <= found


def test_the_form_names_a_wrong_check_digit_at_the_npi_as_it_is_typed(store, qtbot):
    saved = []
    dialog = ProviderDialog(lambda v: saved.append(v) or add_provider(store, DESK, v))
    qtbot.addWidget(dialog)
    dialog.name.setText("Okafor, Grace")
    qtbot.keyClicks(dialog.npi, "1234567890")
    message = dialog.grid.show_problems(dialog._validate(dialog.values()))
    assert not dialog.save_button.isEnabled()
    assert message == ""  # said at the field, not on the general line
    assert dialog._validate(dialog.values())["npi"] == npi_problem("1234567890")
    dialog.npi.clear()
    qtbot.keyClicks(dialog.npi, "1234567893")
    assert dialog.save_button.isEnabled()
    dialog.accept()
    assert [p.npi for p in list_providers(store, DESK)] == ["1234567893"]


def test_the_list_shows_every_provider_and_only_the_desk_may_add(store, qtbot):
    add_provider(store, DESK, GRACE)
    dialog = ProvidersDialog(store, DESK)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1
    assert dialog.model.item(0, 2).text() == "1234567893"
    assert dialog.add_button.isEnabled()
    nurse = ProvidersDialog(store, signed("kim", ("nurse",)))
    qtbot.addWidget(nurse)
    assert not nurse.add_button.isEnabled()
    assert "front desk" in nurse.add_button.toolTip()

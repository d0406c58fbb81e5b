"""From an empty database, a whole Ocrevus visit entered the way the front desk, the nurse
and the biller would: the preview must show exactly the lines of the shared examples."""

from __future__ import annotations

from conftest_shared import load_example
from editor_helpers import expected_lines, fill_next_dialog, preview_lines
import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import Qt


def front_desk_registers(qtbot, editor) -> None:
    """New patient, coverage and authorization through the editor's own dialogs."""
    section = editor.patient
    fill_next_dialog(qtbot, {"name": "Okafor, Grace", "birth_date": "1984-02-17"})
    qtbot.mouseClick(section.new_patient, Qt.MouseButton.LeftButton)
    assert section.patient_id is not None
    fill_next_dialog(qtbot, {"payer": "aetna", "member_id": "XQ7710023",
                             "effective_from": "2026-01-01"})
    qtbot.mouseClick(section.new_coverage, Qt.MouseButton.LeftButton)
    assert section.coverage_id is not None
    fill_next_dialog(qtbot, {"number": "PA-77812", "product": "ocrevus",
                             "approved_units": "1200", "valid_from": "2026-01-01",
                             "valid_to": "2026-12-31"})
    qtbot.mouseClick(section.new_authorization, Qt.MouseButton.LeftButton)
    assert "PA-77812" in section.authorization_info.text()
    assert "1200 of 1200 units left" in section.authorization_info.text()


def front_desk_diagnoses(qtbot, editor) -> None:
    """Type words, wait for the suggestions, pick the billable code from the list."""
    search = editor.diagnoses.search
    search.setFocus()
    qtbot.keyClicks(search, "relapsing remitting")
    qtbot.waitUntil(lambda: editor.diagnoses.completer.popup().isVisible(), timeout=5000)
    model = editor.diagnoses.suggestions
    rows = [model.entry(r).code for r in range(model.rowCount())]
    assert "G35.A" in rows
    popup = editor.diagnoses.completer.popup()
    popup.setCurrentIndex(editor.diagnoses.completer.completionModel().index(
        rows.index("G35.A"), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35.A"])


def nurse_adds_ocrevus(qtbot, editor, store) -> None:
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus"))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    card = editor.cards[0]
    assert editor.focusWidget() is card.dose  # typing goes straight to the dose
    qtbot.keyClicks(card.dose, "600")
    picker = card.vials.picker
    picker.setCurrentIndex(next(i for i in range(picker.count())
                                if "H0123" in picker.itemText(i)))
    qtbot.mouseClick(card.vials.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.vials.add_button, Qt.MouseButton.LeftButton)
    assert card.vials.model.rowCount() == 2


@pytest.fixture
def stocked(store):
    """The inventory screen received one lot of Ocrevus (the shell's inventory form does this)."""
    api.add_vial_lot(store, signed("pharmacy"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                         "lot": "H0123", "expires": "2027-08-31",
                                         "received": "2026-02-01", "received_vials": 6})
    return store


@pytest.mark.parametrize("example", ["01-standard-600mg", "04-pause-excluded"])
def test_whole_visit_from_an_empty_database(qtbot, make_editor, stocked, clock, example):
    document, expected = load_example(example)
    editor = make_editor()
    front_desk_registers(qtbot, editor)
    front_desk_diagnoses(qtbot, editor)
    nurse_adds_ocrevus(qtbot, editor, stocked)
    card = editor.cards[0]

    # The nurse at the chair: the clock stands at each event's time when the button is pressed.
    buttons = card.timeline.buttons
    for event in document["administrations"][0]["events"]:
        clock.set(event["at"])
        qtbot.mouseClick(buttons[event["kind"]], Qt.MouseButton.LeftButton)
        if event["kind"] != "stop":
            assert editor.banner.isVisible()
    assert not editor.banner.isVisible()

    # The biller reads the preview.
    assert not editor.presenter.stale
    assert preview_lines(editor) == expected_lines(expected)
    result = editor.presenter.result
    assert result.has_errors is expected["has_errors"]
    assert editor.preview.summary.errors.text() == "0 errors"
    why = [editor.preview.lines_model.line(r).why
           for r in range(editor.preview.lines_model.rowCount())]
    minutes = {"01-standard-600mg": 210, "04-pause-excluded": 205}[example]
    assert f"{minutes} running min" in " ".join(why)

    # The draft was saved along the way, with the patient's records.
    qtbot.waitUntil(lambda: editor.visit_id is not None and
                    editor.presenter.revision == editor._saved_revision, timeout=3000)
    visit = api.get_visit(stocked, signed(), editor.visit_id)
    assert visit.status == "draft"
    assert visit.document["patient"]["name"] == "Okafor, Grace"
    assert visit.document["prior_authorization"]["number"] == "PA-77812"
    assert visit.claim is not None and visit.claim.summed_lines() == expected_lines(expected)

    # And finalizes it: no errors, so no reason is asked.
    assert editor.finalize()
    assert api.get_visit(stocked, signed(), editor.visit_id).finalized
    authorization = api.get_authorization(stocked, signed(), visit.authorization_id or 1)
    assert authorization.remaining_units == 600

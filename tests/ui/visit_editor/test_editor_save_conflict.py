"""Two editors on one visit through two stores on one database: the second save is refused,
Reload shows yours beside the saved values, and putting your dose back saves it."""

from __future__ import annotations

import pytest
import staff

from ocrebill_gui import store as api
from ocrebill_gui.ui.visit_editor import VisitEditor

DOSE = "administrations[0].dose_mg"
SCREENSHOT = "/tmp/ocrebill-save-conflict.png"


@pytest.fixture
def other_store(store):
    second = api.open_store(store.path)
    yield second
    second.close()


@pytest.fixture
def two_editors(qtbot, ocrevus_editor, other_store, clock):
    """Kim's editor (saved, visit open) and Lee's on the same visit through another store."""
    mine = ocrevus_editor
    assert mine.save_now() and mine.visit_id is not None
    theirs = VisitEditor(other_store, mine.visit_id, clock=clock,
                         session=staff.session(other_store, "nurse.lee"))
    qtbot.addWidget(theirs)
    theirs.resize(1400, 900)
    theirs.show()
    qtbot.waitExposed(theirs)
    return mine, theirs


def type_dose(editor, text: str) -> None:
    card = editor.cards[0]
    card.dose.setText(text)
    card.dose.textEdited.emit(text)
    editor.presenter.commit_typing()


def refused(two_editors):
    """Lee saves a second diagnosis first; Kim types 300 mg and her save is refused."""
    mine, theirs = two_editors
    theirs.presenter.set_diagnoses(["G35.A", "G35.B"])
    assert theirs.save_now()
    type_dose(mine, "300")
    assert not mine.save_now()
    return mine, theirs


def test_a_refused_save_says_who_and_offers_reload(two_editors):
    mine, _ = refused(two_editors)
    text = mine.conflict.message.text()
    assert f"Visit {mine.visit_id} was changed by nurse.lee at " in text
    assert mine.conflict.isVisible() and mine.conflict.reload_button.isVisible()
    assert not mine.conflict.table.isVisible()
    assert mine.presenter.get(DOSE) == 300  # nothing typed is lost
    assert not mine.save_now()  # refused again without writing until reloaded
    assert mine.conflict.refused


def test_reload_shows_yours_beside_saved_and_use_mine_saves_it(qtbot, two_editors, store):
    mine, theirs = refused(two_editors)
    mine.conflict.reload_button.click()
    assert mine.presenter.get(DOSE) == 600  # the visit as saved now ...
    assert mine.presenter.diagnoses == ["G35.A", "G35.B"]
    model = mine.conflict.model
    rows = {model.item(r, 0).toolTip(): (model.item(r, 1).text(), model.item(r, 2).text())
            for r in range(model.rowCount())}
    labels = [model.item(r, 0).text() for r in range(model.rowCount())]
    assert labels == ["diagnoses", "1. ocrevus: dose mg"]
    assert rows[DOSE] == ("300", "600")  # ... and yours beside it
    assert rows["diagnoses"] == ('["G35.A"]', '["G35.A", "G35.B"]')
    assert mine.conflict.table.isVisible() and not mine.conflict.reload_button.isVisible()
    qtbot.wait(50)  # laid out before the picture
    mine.grab().save(SCREENSHOT)

    dose_row = list(rows).index(DOSE)
    mine.conflict.table.selectRow(dose_row)
    mine.conflict.use_button.click()
    assert mine.presenter.get(DOSE) == 300
    assert mine.presenter.diagnoses == ["G35.A", "G35.B"]  # theirs kept where not put back
    assert [d.path for d in mine.conflict.kept] == ["diagnoses"]  # still yours to take
    before = api.get_visit(store, staff.signed(), mine.visit_id).revision
    assert mine.save_now()
    saved = api.get_visit(store, staff.signed(), mine.visit_id)
    assert saved.revision == before + 1 == mine.revision
    assert saved.document["administrations"][0]["dose_mg"] == 300
    assert saved.document["diagnoses"] == ["G35.A", "G35.B"]


def test_use_all_mine_then_nothing_is_left(two_editors, store):
    mine, _ = refused(two_editors)
    mine.reload_saved()
    mine.conflict.use_all_button.click()
    assert mine.conflict.kept == [] and not mine.conflict.isVisible()
    assert mine.save_now()
    saved = api.get_visit(store, staff.signed(), mine.visit_id).document
    assert saved["diagnoses"] == ["G35.A"] and saved["administrations"][0]["dose_mg"] == 300


def test_closing_with_values_not_put_back_asks(two_editors, discard_questions):
    mine, _ = refused(two_editors)
    mine.reload_saved()
    mine.close()
    assert any("not put back yet" in question for question in discard_questions)


def test_discard_mine_lets_them_go(two_editors, discard_questions):
    mine, _ = refused(two_editors)
    mine.reload_saved()
    mine.conflict.discard_button.click()
    assert mine.conflict.kept == [] and not mine.conflict.isVisible()
    assert mine.presenter.get(DOSE) == 600
    mine.close()
    assert not any("not put back yet" in question for question in discard_questions)

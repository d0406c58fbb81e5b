"""The presenter and its helpers without widgets: typed times, document paths, undo, and the
problems it reports by path (the live timeline: test_live_timeline.py)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from example_visits import load_example

from ocrebill_gui.editing import docpath
from ocrebill_gui.editing.presenter import VisitPresenter, blank_document
from ocrebill_gui.editing.timeparse import TimeFormatError, parse_time


@pytest.mark.parametrize("text,expected", [
    ("0930", time(9, 30)), ("9:30", time(9, 30)), ("09:30", time(9, 30)), ("930", time(9, 30)),
    ("9.30", time(9, 30)), ("9", time(9, 0)), (" 14h05 ", time(14, 5)), ("0000", time(0, 0)),
    ("2359", time(23, 59))])
def test_typed_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "2400", "9:60", "930am", "9:3", "12345", "noon"])
def test_not_times(text):
    with pytest.raises(TimeFormatError):
        parse_time(text)


def test_document_paths():
    doc = {"administrations": [{"vials": [{"mg": 1}, {"mg": 2}]}]}
    assert docpath.get(doc, "administrations[0].vials[1].mg") == 2
    assert docpath.get(doc, "administrations[3].vials") is None
    docpath.put(doc, "administrations[0].dose_mg", 600)
    assert doc["administrations"][0]["dose_mg"] == 600
    docpath.put(doc, "administrations[0].dose_mg", None)
    assert "dose_mg" not in doc["administrations"][0]
    assert docpath.parents("a.b[1].c") == ["a.b[1].c", "a.b[1]", "a.b", "a"]


def test_every_edit_recomputes_and_problems_are_named_by_path():
    presenter = VisitPresenter(blank_document(date(2026, 3, 4), payer="medicare"))
    seen = []
    presenter.subscribe(lambda: seen.append(presenter.revision))
    assert set(presenter.problems) == {"diagnoses", "administrations"}
    presenter.set_diagnoses(["g35.a"])
    index = presenter.add_administration("ocrevus")
    assert presenter.problems == {f"administrations[{index}].dose_mg": "is required"}
    presenter.set_number("administrations[0].dose_mg", "600")
    presenter.stamp(0, "start", datetime(2026, 3, 4, 9, 0))
    assert not presenter.stale
    assert [f.rule for f in presenter.result.findings][0] == "timeline-no-stop"
    presenter.stamp(0, "stop", datetime(2026, 3, 4, 12, 30))
    assert presenter.result.summed_lines()[("96366", ())] == 2
    assert seen == sorted(seen) and len(seen) == 5


def test_undo_restores_the_events_step_by_step():
    presenter = VisitPresenter(load_example("01-standard-600mg")[0])
    original = presenter.events(0)
    presenter.retime_event(0, 1, datetime(2026, 3, 4, 13, 0))
    presenter.delete_event(0, 0)
    assert presenter.undo_events(0) and presenter.events(0)[0]["kind"] == "start"
    assert presenter.undo_events(0) and presenter.events(0) == original
    assert not presenter.undo_events(0)


def test_read_only_refuses_edits():
    presenter = VisitPresenter(load_example("01-standard-600mg")[0])
    presenter.read_only = True
    before = presenter.revision
    presenter.set("setting", "home")
    presenter.stamp(0, "stop", datetime(2026, 3, 4, 13, 0))
    assert presenter.add_administration("ocrevus") == -1
    assert presenter.revision == before and presenter.get("setting") == "office"



@pytest.mark.parametrize(("typed", "stored"), [("600", 600), ("1,000", 1000), ("600.5", 600.5),
                                               ("600,5", "600,5"), ("6,00", "6,00")])
def test_a_comma_is_a_thousands_separator_only_where_it_reads_as_one(typed, stored):
    presenter = VisitPresenter(load_example("01-standard-600mg")[0])
    presenter.set_number("administrations[0].dose_mg", typed)
    assert presenter.administrations[0]["dose_mg"] == stored
    if isinstance(stored, str):  # never billed as 6005 mg: the field says what is wrong
        assert presenter.problems["administrations[0].dose_mg"] == "must be a number"


def test_removals_and_timeline_changes_are_recorded_for_the_undo_host():
    """Without Qt: each step names what it takes back and finds its administration by id."""
    from datetime import datetime

    from ocrebill_gui.editing.presenter import VisitPresenter, blank_document

    class Host:
        def __init__(self) -> None:
            self.steps: list = []

        def push(self, step) -> None:
            self.steps.append(step)

        def can_undo_of(self, administration: str) -> bool:
            return bool(self.steps) and self.steps[-1].administration == administration

        def undo_of(self, administration: str) -> bool:
            return False

    presenter = VisitPresenter(blank_document(datetime(2026, 3, 4).date()))
    host = presenter.undo_host = Host()
    presenter.set_diagnoses(["G35.A", "G35.B1"])
    first = presenter.administrations[presenter.add_administration("ocrevus")]["id"]
    presenter.add_administration("diphenhydramine")
    presenter.add_vial(0, {"ndc": "50242-0150-01", "mg": 300, "lot": "H0123"})
    presenter.stamp(0, "start", datetime(2026, 3, 4, 9, 0))
    presenter.remove_vial(0, 0)
    presenter.set_diagnoses(["G35.B1"])
    presenter.remove_administration(0)
    assert [s.text for s in host.steps] == [
        "Start at 09:00 (Ocrevus)", "Remove vial H0123 (Ocrevus)", "Remove diagnosis G35.A",
        "Remove Ocrevus"]
    assert host.steps[0].administration == first and not presenter.can_undo_events(0)
    for step in reversed(host.steps):  # all the way back, in order
        presenter.replay(step.undo)
    assert presenter.diagnoses == ["G35.A", "G35.B1"]
    assert [a["product"] for a in presenter.administrations] == ["ocrevus", "diphenhydramine"]
    assert presenter.administrations[0]["vials"] == [  # removed, then back (adding is not
        {"ndc": "50242-0150-01", "mg": 300, "lot": "H0123"}]  # an undo step)
    assert presenter.events(0) == []
    for step in host.steps:  # and forward again
        presenter.replay(step.redo)
    assert [a["product"] for a in presenter.administrations] == ["diphenhydramine"]
    assert presenter.diagnoses == ["G35.B1"]
    assert len(host.steps) == 4  # replaying records nothing new

"""The nurse's timeline: buttons stamp the injected clock, typed times, editing, undo, live
minutes, the forgotten-stop banner and the F5-F8 keys."""

from __future__ import annotations

import pytest
from editor_helpers import preview_lines

from ocrebill_gui.ui.qt import QAbstractItemView, QLineEdit, Qt


def events(editor, index=0):
    return [(e["kind"], e["at"][11:]) for e in editor.presenter.events(index)]


@pytest.mark.parametrize("typed", ["0930", "9:30", "09:30", "930", "9.30"])
def test_a_typed_time_is_stamped_instead_of_now(qtbot, ocrevus_editor, clock, typed):
    clock.set("10:05")  # the nurse records, at 10:05, a start that happened at 09:30
    timeline = ocrevus_editor.cards[0].timeline
    qtbot.keyClicks(timeline.time_box, typed)
    assert not timeline.time_message.isVisible()
    qtbot.mouseClick(timeline.buttons["start"], Qt.MouseButton.LeftButton)
    assert events(ocrevus_editor) == [("start", "09:30")]
    assert timeline.time_box.text() == ""  # ready for the next event


def test_a_time_later_than_now_is_refused_beside_the_box(qtbot, ocrevus_editor, clock):
    clock.set("09:00")
    timeline = ocrevus_editor.cards[0].timeline
    qtbot.keyClicks(timeline.time_box, "2330")
    qtbot.mouseClick(timeline.buttons["start"], Qt.MouseButton.LeftButton)
    assert events(ocrevus_editor) == []
    assert "later than now" in timeline.time_message.text()


def test_a_time_that_is_not_one_is_refused_beside_the_box(qtbot, ocrevus_editor):
    timeline = ocrevus_editor.cards[0].timeline
    qtbot.keyClicks(timeline.time_box, "25:99")
    assert timeline.time_message.isVisible()
    assert "not a time of day" in timeline.time_message.text()
    qtbot.mouseClick(timeline.buttons["start"], Qt.MouseButton.LeftButton)
    assert events(ocrevus_editor) == []
    timeline.time_box.clear()
    qtbot.keyClicks(timeline.time_box, "0905")
    assert not timeline.time_message.isVisible()


@pytest.mark.parametrize("typed", ["1245", "12:45", "12.45"])
def test_a_recorded_time_is_edited_from_the_keyboard(qtbot, ocrevus_editor, clock, typed):
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    clock.set("09:00")
    timeline.press("start")
    clock.set("12:30")
    timeline.press("stop")
    clock.set("13:00")  # the chart says the stop was 12:45: corrected after the fact
    view = timeline.events_view
    view.setFocus()
    view.setCurrentIndex(timeline.model.index(1, timeline.model.TIME))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.state() == QAbstractItemView.State.EditingState
    editor_widget = next(w for w in view.findChildren(QLineEdit) if w.isVisible())
    editor_widget.selectAll()
    qtbot.keyClicks(editor_widget, typed)
    qtbot.keyClick(editor_widget, Qt.Key.Key_Return)  # the view commits on its next loop
    qtbot.waitUntil(lambda: events(editor) == [("start", "09:00"), ("stop", "12:45")])
    assert "225 running min" in timeline.running.text()
    assert preview_lines(editor)[("96366", ())] == 3  # 225 min: more than 30 past 3 h


def test_an_unreadable_edit_keeps_the_old_time_and_says_why(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    clock.set("09:00")
    timeline.press("start")
    index = timeline.model.index(0, timeline.model.TIME)
    assert not timeline.model.setData(index, "9h7x")
    assert events(editor) == [("start", "09:00")]
    assert timeline.message.isVisible() and "not a time" in timeline.message.text()
    assert timeline.message.text().startswith("event 1: ")  # not "1 at: ..."
    assert not editor.presenter.stale
    clock.set("09:30")
    assert timeline.model.setData(index, "0915")
    assert not timeline.message.isVisible()


def test_an_edited_time_must_have_happened_and_keep_the_order(qtbot, ocrevus_editor, clock):
    """Corrections obey what the buttons do: nothing later than now, and each event between
    the one before it and the one after it (a pause at 23:00 once showed 'Running 873 min')."""
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    for at, kind in (("09:00", "start"), ("09:42", "pause"), ("09:57", "resume")):
        clock.set(at)
        timeline.press(kind)
    clock.set("10:30")
    pause = timeline.model.index(1, timeline.model.TIME)
    assert not timeline.model.setData(pause, "2300")
    assert "23:00 is later than now (10:30)" in timeline.message.text()
    assert not timeline.model.setData(pause, "1000")
    assert "10:00 would be after the Resume at 09:57" in timeline.message.text()
    assert not timeline.model.setData(pause, "0855")
    assert "08:55 would be before the Start at 09:00" in timeline.message.text()
    assert events(editor) == [("start", "09:00"), ("pause", "09:42"), ("resume", "09:57")]
    qtbot.waitUntil(lambda: timeline.running.text() == "Running 75 min", timeout=2500)
    assert not editor.presenter.stale  # the visit kept a valid time: preview and finalize too
    assert timeline.model.setData(pause, "0945")
    assert not timeline.message.isVisible()


def test_a_typed_time_earlier_than_the_last_event_is_refused(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    clock.set("09:00")
    timeline.press("start")
    clock.set("10:30")
    timeline.time_box.setText("0845")
    assert not timeline.press("stop")
    assert "08:45 would be before the Start at 09:00" in timeline.time_message.text()
    assert events(editor) == [("start", "09:00")] and timeline.time_box.text() == "0845"


def test_a_typed_time_is_never_dropped_by_a_key_for_another_drug(qtbot, ocrevus_editor,
                                                                 clock):
    """The cursor in a premedication's time box, 1045 typed, F8: Stop is for the infusion.
    Stamping the infusion's stop at 'now' would bill the wrong minutes: refused instead."""
    editor = ocrevus_editor
    editor.add_product.setCurrentIndex(editor.add_product.findData("methylprednisolone"))
    editor.add_administration()
    infusion, push = editor.cards[0].timeline, editor.cards[1].timeline
    clock.set("09:00")
    infusion.press("start")
    clock.set("11:00")
    push.time_box.setFocus()
    qtbot.waitUntil(lambda: editor._active_card == 1)
    push.time_box.setText("1045")
    assert not editor.press_timeline("stop")
    assert events(editor) == [("start", "09:00")]
    assert "Stop (F8) does not apply here" in push.time_message.text()
    assert push.time_box.text() == "1045"


def test_undo_takes_back_the_last_change(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    assert not timeline.undo_button.isEnabled()
    clock.set("09:00")
    qtbot.mouseClick(timeline.buttons["start"], Qt.MouseButton.LeftButton)
    clock.set("09:40")
    qtbot.mouseClick(timeline.buttons["stop"], Qt.MouseButton.LeftButton)  # pressed by mistake
    assert events(editor) == [("start", "09:00"), ("stop", "09:40")]
    qtbot.mouseClick(timeline.undo_button, Qt.MouseButton.LeftButton)
    assert events(editor) == [("start", "09:00")]
    assert timeline.buttons["stop"].isEnabled() and timeline.buttons["pause"].isEnabled()
    timeline.events_view.setFocus()
    qtbot.keyClick(timeline.events_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert events(editor) == []
    assert timeline.buttons["start"].isEnabled()


def test_running_minutes_count_live_and_a_forgotten_stop_is_impossible_to_miss(
        qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    timeline = editor.cards[0].timeline
    clock.set("09:00")
    timeline.press("start")
    assert timeline.running.text() == "Running 0 min"
    clock.set("09:37")
    qtbot.waitUntil(lambda: timeline.running.text() == "Running 37 min", timeout=2500)
    assert editor.banner.isVisible()
    assert "running since 09:00 \u2014 no stop time" in editor.banner.text()
    assert timeline.banner.isVisible()
    findings = editor.presenter.result.findings
    assert any(f.rule == "timeline-no-stop" and f.severity == "error" for f in findings)
    assert editor.preview.summary.errors.text() == "1 error"
    # The strip does not say "0 min" as if nothing ran: the minutes count once it stops.
    assert editor.preview.summary.times.text().startswith("Infusion: 0 min + 1 without a stop")
    timeline.press("pause")
    assert "paused since 09:37" in timeline.banner.text()
    assert not timeline.ticker.isActive()
    clock.set("09:50")
    timeline.press("stop")
    assert editor.preview.summary.times.text().startswith("Infusion: 37 min \u00b7")


def test_function_keys_drive_the_timeline(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    editor.cards[0].dose.setFocus()
    for time, key, kind in [("09:00", Qt.Key.Key_F5, "start"), ("09:45", Qt.Key.Key_F6, "pause"),
                            ("10:05", Qt.Key.Key_F7, "resume"), ("12:45", Qt.Key.Key_F8, "stop")]:
        clock.set(time)
        qtbot.keyClick(editor.focusWidget(), key)
        assert events(editor)[-1] == (kind, time)
    assert preview_lines(editor) == {("J2350", ("JZ",)): 600, ("96365", ()): 1,
                                     ("96366", ()): 2}
    assert "F5" in editor.cards[0].timeline.buttons["start"].text()


def test_a_push_has_one_given_button(qtbot, ocrevus_editor, clock):
    editor = ocrevus_editor
    editor.add_product.setCurrentIndex(editor.add_product.findData("diphenhydramine"))
    editor.add_administration()
    card = editor.cards[1]
    card.route.setCurrentIndex(card.route.findData("iv_push"))
    assert list(card.timeline.buttons) == ["given"]
    clock.set("08:40")
    qtbot.mouseClick(card.timeline.buttons["given"], Qt.MouseButton.LeftButton)
    assert events(editor, 1) == [("given", "08:40")]
    assert not card.timeline.buttons["given"].isEnabled()


def test_f5_in_a_push_card_records_given_there(qtbot, ocrevus_editor, clock):
    """The push card's button says "Given F5": F5 there must not start the infusion."""
    editor = ocrevus_editor
    editor.add_product.setCurrentIndex(editor.add_product.findData("methylprednisolone"))
    editor.add_administration()
    push = editor.cards[1].timeline
    push.time_box.setFocus()
    qtbot.waitUntil(lambda: editor._active_card == 1)
    clock.set("08:40")
    assert editor.press_timeline("start")  # what F5 does
    assert events(editor, 1) == [("given", "08:40")] and events(editor, 0) == []
    editor.cards[0].dose.setFocus()
    qtbot.waitUntil(lambda: editor._active_card == 0)
    clock.set("09:00")
    assert editor.press_timeline("start")
    assert events(editor, 0) == [("start", "09:00")]


def test_opening_a_visit_with_a_running_infusion_goes_to_its_stop(qtbot, ocrevus_editor,
                                                                   make_editor, clock):
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    assert ocrevus_editor.save_now()
    again = make_editor(ocrevus_editor.visit_id)
    stop = again.cards[0].timeline.buttons["stop"]
    qtbot.waitUntil(lambda: again.focusWidget() is stop)
    clock.set("12:30")
    qtbot.keyClick(stop, Qt.Key.Key_Space)  # the focused button: space presses it
    assert events(again)[-1] == ("stop", "12:30")

"""An infusion running past its label's longest run plus an hour is flagged on its card and on
Today (core/long_infusion.py, ui/long_run_watch.py), judged at the injected clock's time: the
clinic's running visit is Ocrevus 600 mg started at 09:00 (label about 3.5 h: flagged after
13:30)."""

from __future__ import annotations

from shell_helpers import column_texts

from ocrebill_gui.ui.qt import Qt


def test_today_flags_the_running_visit_after_the_label_time_plus_an_hour(qtbot, window, clock,
                                                                        clinic):
    today = window.show_page("today")
    clock.set("13:30")
    today.refresh()
    assert not today.long_runs.banner.isVisible()
    assert column_texts(today.model, 0) == ["Draft", "Running"]
    assert "(1 running)" in today.summary.text()

    clock.set("13:31")
    today.refresh()
    assert column_texts(today.model, 0) == ["Draft", "TOO LONG"]  # the stopped one: never
    status = today.model.index(1, 0)
    assert status.data(Qt.ItemDataRole.ToolTipRole).startswith("Ocrevus has run 4 h 31 min")
    assert status.data(Qt.ItemDataRole.ForegroundRole) is not None  # red, as running
    assert today.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    banner = today.long_runs.banner
    assert banner.isVisible()
    assert banner.text().startswith(f"Visit {clinic['running']}: Ocrevus has run 4 h 31 min")
    assert "Was Stop forgotten?" in banner.text()
    assert "(1 running, 1 too long)" in today.summary.text()
    assert "Müller" not in banner.text()  # the visit's number, as the log would say it


def test_today_notices_without_a_reload(qtbot, window, clock):
    today = window.show_page("today")
    today.long_runs._timer.setInterval(20)  # a minute in the app
    assert not today.long_runs.banner.isVisible()
    clock.set("15:30")
    qtbot.waitUntil(today.long_runs.banner.isVisible, timeout=2000)
    assert "6.5 h" in today.long_runs.banner.text()


def test_the_card_flags_it_and_stops_flagging_once_stopped(qtbot, window, clock, clinic):
    clock.set("13:30")
    editor = window.open_visit(clinic["running"])
    card = editor.cards[0]
    assert card.long_run is None and not card.long_banner.isVisible()
    clock.set("13:31")
    qtbot.waitUntil(card.long_banner.isVisible, timeout=3000)  # the card's own second ticker
    assert card.long_run.running_minutes == 271
    assert card.long_banner.text().startswith("Ocrevus has run 4 h 31 min: longer than the "
                                              "label's 3.5 h plus an hour")
    assert editor.press_timeline("stop")
    assert not card.long_banner.isVisible()
    assert editor.save_now()
    today = window.show_page("today")
    assert not today.long_runs.banner.isVisible()

"""Open visit tabs come back at the next start, for the same person only (ids in layout.ini)."""

from __future__ import annotations

import staff

from ocrebill_gui.ui.qt import QKeySequence


def reopen(qtbot, store, layout, clock, login: str = "desk.amy"):
    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.attach_store(store, staff.session(store, login))
    qtbot.waitExposed(main)
    return main


def test_the_tabs_left_open_come_back_behind_today(window, qtbot, store, layout, clock,
                                                    clinic):
    window.open_visit(clinic["done"])
    window.open_visit(clinic["running"])
    window.open_visit(clinic["done"])  # in front when the app closes
    assert window.close()
    text = layout.path.read_text()
    assert "Rivera" not in text and "M\u00fcller" not in text  # ids only

    again = reopen(qtbot, store, layout, clock)
    assert again.current_page == "today"  # the day's list first, as always
    visits = again.visit_window
    assert [tab.visit_id for tab in visits.visit_tabs()] == [clinic["done"], clinic["running"]]
    assert "Rivera, Ana" in visits.tabs.tabText(0) and "M\u00fcller" in visits.tabs.tabText(1)
    assert again.editors == []  # nothing built until the visits are shown
    assert again.page_actions["visits"].isEnabled()
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)
    qtbot.keySequence(again, QKeySequence("Ctrl+5"))
    assert again.current_page == "visits"
    assert [e.visit_id for e in again.editors] == [clinic["done"]]
    assert again.close()


def test_someone_else_does_not_get_them_and_a_deleted_visit_is_left_out(
        window, qtbot, store, layout, clock, clinic):
    window.open_visit(clinic["running"])
    assert window.close()
    other = reopen(qtbot, store, layout, clock, login="kim")
    assert other.visit_window is None
    assert other.close()
    amy = staff.session(store, "desk.amy")
    again = reopen(qtbot, store, layout, clock)
    key = again._visits_key()
    assert again.close()
    assert str(amy.user_id) in key
    layout.save_open_visits(key, [999999, clinic["running"]], 1)
    again = reopen(qtbot, store, layout, clock)
    assert [t.visit_id for t in again.visit_window.visit_tabs()] == [clinic["running"]]
    assert again.visit_window.tabs.currentIndex() == 0
    assert again.close()


def test_another_database_does_not_get_them(window, qtbot, store, layout, clock, clinic,
                                            tmp_path):
    """Visit ids are a database's own: a new demo has other visits under the same numbers."""
    from ocrebill_gui import store as api

    window.open_visit(clinic["running"])
    assert window.close()
    other = api.open_store(tmp_path / "other.sqlite")
    try:
        again = reopen(qtbot, other, layout, clock)
        assert again.visit_window is None
        assert again.close()
    finally:
        other.close()

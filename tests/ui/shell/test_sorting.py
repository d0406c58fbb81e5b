"""Header clicks sort the lists: in SQL through the store's whitelisted keys for the paged
lists (the first page is the first page of the sorted whole), by text for a one-page list."""

from __future__ import annotations

from shell_helpers import column_texts

from ocrebill_gui.ui.qt import QPoint, Qt


def click_header(qtbot, view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_a_header_click_sorts_todays_visits_in_the_store(window, qtbot, monkeypatch):
    from ocrebill_gui import store as api

    today = window.page("today")
    asked: list[str | None] = []
    visits_on = api.visits_on

    def spy(*args, **kwargs):
        asked.append(kwargs.get("order"))
        return visits_on(*args, **kwargs)

    monkeypatch.setattr(api, "visits_on", spy)
    assert column_texts(today.model, 1) == ["Rivera, Ana", "M\u00fcller, Ada"]  # as booked
    click_header(qtbot, today.view, 1)
    assert asked[-1] == "patient"
    assert column_texts(today.model, 1) == ["M\u00fcller, Ada", "Rivera, Ana"]
    click_header(qtbot, today.view, 1)
    assert asked[-1] == "-patient"
    assert column_texts(today.model, 1) == ["Rivera, Ana", "M\u00fcller, Ada"]
    click_header(qtbot, today.view, 1)  # a third click: the day's own order again
    assert asked[-1] is None
    today.refresh()  # a save elsewhere reloads in the order chosen
    assert asked[-1] is None


def test_the_patient_list_sorts_by_any_column(window, qtbot):
    patients = window.show_page("patients")
    assert column_texts(patients.patients) == ["M\u00fcller, Ada", "Mulligan, Tom",
                                               "Rivera, Ana"]
    click_header(qtbot, patients.list_view, 1)  # patient id: the order they were added
    click_header(qtbot, patients.list_view, 1)
    assert patients.patients.order == "-ref"
    assert column_texts(patients.patients) == ["Mulligan, Tom", "Rivera, Ana",
                                               "M\u00fcller, Ada"]
    patients.set_search_text("mul")  # a search keeps the order chosen
    assert column_texts(patients.patients) == ["Mulligan, Tom", "M\u00fcller, Ada"]


def test_a_one_page_list_sorts_its_rows(window, qtbot):
    payers = window.show_page("payers")
    view = payers.findChild(type(window.page("today").view), "payerTable") or next(
        v for v in payers.findChildren(type(window.page("today").view)))
    model = view.model()
    click_header(qtbot, view, 0)
    click_header(qtbot, view, 0)
    names = column_texts(model)
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_a_layout_saved_before_sorting_does_not_reverse_the_lists(qtbot, store, clinic,
                                                                  layout, clock):
    """Qt's default sort indicator is column 0, descending: a layout saved before the
    headers sorted held it, and restoring it listed every table backwards."""
    import staff

    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.qt import QTableView

    old = QTableView()
    old.setObjectName("patientList")
    old.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    layout.save_part("header/patientList", old.horizontalHeader())
    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.attach_store(store, staff.session(store, "desk.amy"))
    patients = main.show_page("patients")
    assert column_texts(patients.patients) == ["M\u00fcller, Ada", "Mulligan, Tom",
                                               "Rivera, Ana"]
    assert patients.patients.order is None

"""The Worklist screen (issue 15, item 5): what it lists by default, its filters (show, payer,
dates), sorting in SQL, several rows chosen at once, and reaching it all by keyboard."""

from __future__ import annotations

from datetime import date

from mnemonics import keyboard_problems
from worklist_helpers import choose, show

from ocrebill_gui.ui.qt import QDate, Qt


def visit_ids(page) -> list[int]:
    return [row.visit_id for row in page.model.records()]


def test_the_work_to_do_by_date_of_service_drafts_with_errors_and_claims_to_send(page, claims):
    assert visit_ids(page) == [claims["draft"], claims["office3"], claims["office1"],
                               claims["outpatient"], claims["office2"], claims["lacking"]]
    assert page.summary.text() == "6 rows"
    statuses = [page.model.index(r, 1).data() for r in range(page.model.rowCount())]
    assert statuses == ["Draft with errors"] + ["Ready to send"] * 5
    forms = [page.model.index(r, 4).data() for r in range(page.model.rowCount())]
    assert forms[3] == "UB-04" and forms.count("CMS-1500") == 5
    metrics = page.view.fontMetrics()  # room for a paid amount, though none is paid yet
    assert page.view.columnWidth(6) > metrics.horizontalAdvance("$28,033.96  UNDERPAID")


def test_the_filters_narrow_the_list_in_the_store(page, claims):
    show(page, "Drafts with errors")
    assert visit_ids(page) == [claims["draft"]]
    show(page, "To send: ready")
    assert claims["draft"] not in visit_ids(page) and len(visit_ids(page)) == 5
    page.date_from.setDate(QDate(2026, 12, 1))
    page.date_to.setDate(QDate(2026, 12, 3))
    assert visit_ids(page) == [claims["office1"], claims["outpatient"], claims["office2"]]
    assert page.filters().date_from == date(2026, 12, 1)
    assert page.summary.text() == "3 rows"
    page.payer_filter.setCurrentIndex(page.payer_filter.findData("medicaid"))
    assert visit_ids(page) == [] and page.summary.text().startswith("0 rows")
    page.payer_filter.setCurrentIndex(page.payer_filter.findData("medicare"))
    assert len(visit_ids(page)) == 3
    page.date_from.setDate(QDate(2026, 12, 5))  # after 'To': said, nothing listed
    assert visit_ids(page) == [] and "'From' is after 'To'" in page.summary.text()
    page.date_from.setDate(page.date_from.minimumDate())  # "Any": no lower bound
    assert page.date_from.text() == "Any" and page.filters().date_from is None
    assert len(visit_ids(page)) == 4


def test_a_header_click_sorts_in_sql(page, claims, qtbot):
    header = page.view.horizontalHeader()
    header.setSortIndicator(7, Qt.SortOrder.DescendingOrder)  # Visit, descending
    assert page.model.order == "-visit_id"
    assert visit_ids(page) == sorted(visit_ids(page), reverse=True)
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # date of service
    days = [row.date_of_service for row in page.model.records()]
    assert page.model.order == "-date_of_service" and days == sorted(days, reverse=True)
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # status: draft < ready
    assert page.model.order == "status" and page.model.records()[0].status == "draft"


def test_pages_come_in_the_sql_order_as_the_list_scrolls(store, claims):
    from staff import signed

    from ocrebill_gui.ui.worklist.model import WorklistModel

    model = WorklistModel(store, signed("biller"), {}, page_size=2)
    model.sort(7, Qt.SortOrder.DescendingOrder)  # by visit id, newest first, in SQL
    assert [r.visit_id for r in model.records()] == [6, 5] and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert [r.visit_id for r in model.records()] == [6, 5, 4, 3, 2, 1]


def test_several_rows_are_chosen_and_the_actions_follow(page, claims):
    assert not page.print_button.isEnabled() and not page.payment_button.isEnabled()
    choose(page, [claims["office1"], claims["outpatient"], claims["draft"]])
    assert [row.visit_id for row in page.chosen()] == [claims["draft"], claims["office1"],
                                                       claims["outpatient"]]
    assert page.print_button.isEnabled() and page.export_button.isEnabled()
    assert not page.open_button.isEnabled()  # one visit at a time
    assert not page.payment_button.isEnabled()  # ready claims: nothing sent yet
    choose(page, [claims["draft"]])
    assert not page.print_button.isEnabled() and page.open_button.isEnabled()


def test_ctrl_7_reaches_the_list_and_enter_opens_the_visit(window, claims, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["worklist"]
    assert window.current_page == "worklist" and page.view.hasFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert page.chosen()[0].visit_id == claims["office3"]
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert window.current_page == "visits"
    assert window.front_editor().visit_id == claims["office3"]


def test_the_screen_and_its_dialogs_have_unique_mnemonics(window, page, claims):
    from ocrebill_gui.ui.worklist.remittance_dialogs import DenialDialog, PaymentDialog

    problems = keyboard_problems(window)
    assert not problems, "\n".join(problems)
    for dialog in (PaymentDialog("claim 1", date(2026, 12, 7), lambda v: None, window),
                   DenialDialog("claim 1", date(2026, 12, 7), lambda v: None, window)):
        dialog.show()
        problems = keyboard_problems(dialog)
        dialog.reject()
        assert not problems, "\n".join(problems)


def test_the_screen_is_the_billers(store, claims, layout, clock, qtbot):
    import staff

    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.attach_store(store, staff.session(store, "nurse.kim", ("nurse",)))
    assert not main.page_actions["worklist"].isEnabled()
    assert main.show_page("worklist") is main.pages["today"]  # her first screen instead


def test_nothing_heavy_is_loaded_until_the_worklist_prints():
    import subprocess
    import sys

    code = ("import sys; import ocrebill_gui.ui.worklist.page, ocrebill_gui.ui.main_window; "
            "print(sorted(m for m in ('reportlab', 'pyx12') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_screen_fits_a_1000_pixel_wide_window(window, page, qtbot):
    """The screenshots' smallest size (tests/ui/shell/test_startup.py): the window grew to
    1025 pixels for this screen's filters before its combo boxes were allowed to shrink."""
    window.resize(1000, 700)
    qtbot.wait(50)
    assert page.minimumSizeHint().width() < 1000 and window.width() == 1000

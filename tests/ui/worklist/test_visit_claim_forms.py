"""File > Print CMS-1500... / Print UB-04... for the visit in front (issue 15): enabled for a
finalized visit on the form of its setting, for someone who may send claims; the form saved,
previewed and the claim marked printed."""

from __future__ import annotations

from pathlib import Path

from claims.form_text import words
from staff import signed
from test_worklist_print import at

from ocrebill_gui.reports.ub04 import DEFAULT_LEFT, DEFAULT_TOP
from ocrebill_gui.store import claims as store_claims


def test_a_finalized_hospital_visit_prints_its_ub04_from_the_file_menu(
        window, claims, told, qtbot, tmp_path: Path, store):
    menus = window.menus
    window.open_visit(claims["draft"])
    menus.refresh()
    assert not menus.print_cms1500.isEnabled() and not menus.print_ub04.isEnabled()
    window.open_visit(claims["outpatient"])
    menus.file.aboutToShow.emit()  # the menu opens: its entries follow the visit in front
    assert menus.print_ub04.isEnabled() and not menus.print_cms1500.isEnabled()
    menus.print_ub04.trigger()
    qtbot.waitUntil(lambda: not window.forms_print.job.running, timeout=20000)
    name = f"ub04-visit-{claims['outpatient']}.pdf"
    assert told["preview"] == [name]
    [(text, details)] = told["summary"]
    assert text == f"1 UB-04 claim in {name}: marked printed." and details == []
    [page] = words((tmp_path / name).read_bytes(), tmp_path, top=DEFAULT_TOP,
                   left=DEFAULT_LEFT)
    assert any(word == "0131" for _line, _column, word in page)  # FL 4, type of bill
    claim = store_claims.current_claim(store, signed("biller"), claims["outpatient"])
    assert (claim.status, claim.form) == ("printed", "ub04")


def test_a_nurse_sees_the_entries_disabled_with_the_role_they_need(store, claims, layout,
                                                                    clock, qtbot):
    import staff

    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.attach_store(store, staff.session(store, "nurse.kim", ("nurse",)))
    main.open_visit(claims["office1"])
    main.menus.refresh()
    assert not main.menus.print_cms1500.isEnabled()
    assert main.menus.print_cms1500.toolTip().startswith("Needs the biller role")
    for editor in list(main.editors):
        editor.close()

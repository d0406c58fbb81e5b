"""The visit editor's Expected payment panel (issue 16, item 3): per line and in total, with
the sources; it follows typing without reading the database again; reachable by keyboard and
read-only; and Save as PDF of a finalized visit prints the charges it was billed with."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.asp_file import parse_asp_file
from ocrebill_gui.core.fee_schedule import parse_fee_schedule, read_fee_schedule
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.ui.qt import QAbstractItemView, QApplication, QEvent, QKeyEvent, Qt

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference_data"
Q1_ASP = ("Payment Allowance Limits for Medicare Part B Drugs\n"
          '"Effective January 1, 2026 through March 31, 2026"\n'
          "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,"
          "Co-insurance Percentage\nJ2350,Ocrelizumab 1 mg,1 MG,59.596,20.000\n")
D = Decimal


def type_keys(widget, text: str) -> None:
    """Each character as its own key press and release ("\b" is Backspace)."""
    for char in text:
        key = Qt.Key.Key_Backspace if char == "\b" else getattr(Qt.Key, f"Key_{char}")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     "" if char == "\b" else char))


@pytest.fixture
def priced(store):
    api.import_asp(store, signed("biller"), parse_asp_file(Q1_ASP.encode(),
                                                           name="january-2026-asp.csv"))
    api.import_fees(store, signed("biller"), read_fee_schedule(FIXTURES / "fees-2026.csv"))


@pytest.fixture
def running(priced, ocrevus_editor, clock):
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    clock.set("12:30")
    ocrevus_editor.press_timeline("stop")
    return ocrevus_editor


def test_the_panel_shows_each_line_and_the_total_with_sources(running):
    panel = running.estimate
    result = panel.result
    assert result is not None and result.method == "medicare_part_b"
    drug = next(x for x in result.lines if x.code == "J2350")
    assert drug.allowed == D("35757.60")
    model = panel.model
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == ["J2350 JZ", "600", "$35,757.60", "$28,033.96", "$7,151.52"]
    assert "ASP 2026Q1, january-2026-asp.csv" in model.data(model.index(0, 2),
                                                            Qt.ItemDataRole.ToolTipRole)
    assert panel.totals.text().startswith("Total: allowed $35,867.50")
    assert "Part B deductible not verified" in panel.sources.text()  # the notes, no line chosen


def test_typing_the_dose_re_estimates_without_reading_the_database(qtbot, running):
    panel = running.estimate
    reads = panel.estimator.reads
    dose = running.cards[0].dose
    dose.setFocus(Qt.FocusReason.OtherFocusReason)
    dose.selectAll()
    type_keys(dose, "300")  # counted after a pause in typing
    qtbot.waitUntil(lambda: running.presenter.get("administrations[0].dose_mg") == 300,
                    timeout=3000)
    drug = next(x for x in panel.result.lines if x.code == "J2350" and "JW" not in x.modifiers)
    assert drug.units == 300 and drug.allowed == D("17878.80")
    assert panel.estimator.reads == reads  # the price book and benefits were cached


def test_keyboard_reaches_the_lines_and_shows_a_lines_sources(qtbot, running):
    panel = running.estimate
    view = panel.lines_view
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not (panel.model.flags(panel.model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable)
    running.preview.findings_view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(running.preview.findings_view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 0
    assert panel.sources.text().startswith("J2350 JZ: allowed: the ASP payment limit")
    assert "patient: coinsurance 20 %" in panel.sources.text()


def test_without_an_asp_file_the_total_is_partial(ocrevus_editor, clock):
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    panel = ocrevus_editor.estimate
    assert panel.result is not None and panel.result.partial
    assert panel.totals.text() == ("Total (partial): allowed unknown, payer unknown, "
                                   "patient unknown (sequestration unknown)")  # not $0.00
    assert panel.model.data(panel.model.index(0, 2)) == "no price"


def test_a_finalized_visits_pdf_from_the_editor_keeps_the_billed_charges(
        qtbot, priced, running, store, make_editor, monkeypatch):
    from ocrebill_gui.ui.visit_editor import printing

    api.save_practice(store, signed("admin"), demo_practice())
    running.save_now()
    visit_id = running.visit_id
    visit = api.get_visit(store, signed("biller"), visit_id)
    api.finalize_visit(store, signed("biller"), visit_id, expected_revision=visit.revision,
                       allow_errors=True)
    fees = ("code,modifier,setting,payer,amount,effective_from,effective_to,note\n"
            "J2350,,,,99.00,2026-01-01,,\n")
    api.import_fees(store, signed("biller"), parse_fee_schedule(fees.encode(), name="new.csv"))
    editor = make_editor(visit_id, actor="bill", roles=("biller",))
    seen = {}
    import ocrebill_gui.reports as reports  # printing imports render_pdf from it when printing

    original = reports.render_pdf

    def spy(*args, **kwargs):
        seen["charges"] = kwargs.get("charges")
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, "render_pdf", spy)
    printing.pdf_bytes(store, "superbill", editor.presenter.document, editor.presenter.result,
                       session=editor.session, visit_id=visit_id)
    billed = next(c for c in seen["charges"] if c.code == "J2350")
    assert billed.charge == D("45000.00")  # 600 mg x $75 as finalized, not x $99
    printing.pdf_bytes(store, "superbill", editor.presenter.document, editor.presenter.result)
    assert next(c for c in seen["charges"] if c.code == "J2350").charge == D("59400.00")

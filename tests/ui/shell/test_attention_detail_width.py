"""Needs attention's Detail column is as wide as its longest sentence (the table scrolls
sideways in a narrow window rather than cutting "due 2027-0..."), and fills the table when
that is wider."""

from __future__ import annotations

from datetime import date

from ocrebill_gui.core.front_desk_alerts import Alert
from ocrebill_gui.store.attention import AttentionItem
from ocrebill_gui.ui.attention import DetailWidth, RowsModel, alert_columns
from ocrebill_gui.ui.views import fit_columns, record_table

SENTENCE = ("Authorization PA-D000060 ends 2026-12-20, before the next dose (600 mg, due "
            "2027-01-05): ask the plan for a renewal")


def _table(qtbot, width: int):
    model = RowsModel(alert_columns())
    view = record_table(model, name="attentionTable")
    qtbot.addWidget(view)
    view.resize(width, 200)
    view.show()
    qtbot.waitExposed(view)
    fitter = DetailWidth(view)
    model.set_rows([AttentionItem(Alert("authorization-ends-before-dose", "error",
                                        date(2026, 12, 20), SENTENCE), 7, "P000007",
                                  "Placeholder, Chloe", product="ocrevus")])
    fit_columns(view)
    fitter.fit()
    return view


def test_a_narrow_table_keeps_the_whole_sentence_and_scrolls(qtbot):
    view = _table(qtbot, 500)
    header = view.horizontalHeader()
    last = header.count() - 1
    assert header.sectionSize(last) >= view.fontMetrics().horizontalAdvance(SENTENCE)
    assert view.horizontalScrollBar().maximum() > 0


def test_a_wide_table_fills_with_the_detail(qtbot):
    view = _table(qtbot, 3000)
    header = view.horizontalHeader()
    assert header.length() >= view.viewport().width() - 1
    view.resize(3400, 200)
    qtbot.waitUntil(lambda: header.length() >= view.viewport().width() - 1)

"""The Today list marks a visit whose infusion has no stop from the store's running_since
column (the core's definition, kept at every save), never a finalized one."""

from __future__ import annotations

from shell_helpers import column_texts
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import Qt


def set_running_since(store: api.Store, visit_id: int, value: str | None) -> None:
    store.conn.execute("UPDATE visits SET running_since = ? WHERE id = ?", (value, visit_id))
    if store.conn.in_transaction:
        store.conn.commit()


def test_the_today_list_reads_running_from_the_column(window, store, clinic):
    today = window.page("today")
    model = today.model
    assert column_texts(model, 0) == ["Draft", "Running"]
    assert column_texts(model, 2) == ["Ocrevus 600 mg", "Ocrevus 600 mg · RUNNING since 09:00"]
    status = model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "started at 09:00 has no stop yet" in status
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    assert "2 drafts (1 running)" in today.summary.text()

    # What the list shows is the column's, not a reading of the document or the summary.
    set_running_since(store, clinic["done"], "2026-03-10T08:40")
    set_running_since(store, clinic["running"], None)
    today.refresh()
    assert column_texts(model, 0) == ["Running", "Draft"]
    assert column_texts(model, 2) == ["Ocrevus 600 mg · RUNNING since 08:40", "Ocrevus 600 mg"]
    set_running_since(store, clinic["done"], "2026-03-09T23:50")  # started the day before
    today.refresh()
    assert column_texts(model, 2)[0].endswith("RUNNING since 2026-03-09 23:50")


def test_a_finalized_visit_is_never_running_in_the_list(window, store, clinic):
    api.finalize_visit(store, signed("biller"), clinic["running"], override_reason="stop on paper",
                       expected_revision=1)
    assert api.get_visit(store, signed(), clinic["running"]).running_since == "2026-03-10T09:00"
    today = window.page("today")
    today.refresh()
    assert column_texts(today.model, 0) == ["Draft", "Finalized"]
    assert "RUNNING" not in column_texts(today.model, 2)[1]
    assert "running" not in today.summary.text()

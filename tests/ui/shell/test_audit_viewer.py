"""The audit log viewer: filters by visit, patient, user and dates, pages as it scrolls,
exports the matching entries to CSV, opens a visit from its entry."""

from __future__ import annotations

import csv
import os
import stat
from datetime import date

import pytest
from shell_helpers import visit_document
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.store.audit import record_read
from ocrebill_gui.ui.audit import page as audit_page

ODD = 'Quinn, "Q", Jr.\nsecond line'


@pytest.fixture
def audited(store: api.Store) -> dict[str, int]:
    """Two patients (one with an awkward name), a visit each, many reads of one."""
    ids = {"ada": api.add_patient(store, signed("desk"), {"name": "Müller, Ada"}).id,
           "quinn": api.add_patient(store, signed("desk"), {"name": ODD}).id}
    ids["ada_visit"] = api.create_draft(store, signed("nurse"), visit_document(),
                                        patient_id=ids["ada"]).visit_id
    ids["quinn_visit"] = api.create_draft(store, signed("nurse"), visit_document(),
                                          patient_id=ids["quinn"]).visit_id
    for n in range(30):
        record_read(store, signed(f"biller{n % 3}"), "visit", ids["ada_visit"], "open",
                    session_id=f"run-{n}")
    return ids


@pytest.fixture
def viewer(qtbot, store, audited, layout):
    page = audit_page.AuditPage(store, signed("biller"), layout)
    page.model._page_size = 10  # small pages, to see paging
    page.model.reload()
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _rows(page) -> list:
    return page.model.records()


def test_newest_first_in_pages_as_it_scrolls(viewer, store):
    total = len(api.audit_entries(store, signed(), limit=1000))
    assert total > 30
    assert len(_rows(viewer)) == 10 and viewer.model.canFetchMore()
    while viewer.model.canFetchMore():
        viewer.model.fetchMore()
    ids = [e.id for e in _rows(viewer)]
    assert len(ids) == total and ids == sorted(ids, reverse=True)


def test_filter_by_visit_user_and_patient(viewer, audited, store, qtbot):
    viewer.visit.setText(str(audited["ada_visit"]))
    viewer.user.setText("biller1")
    qtbot.keyClick(viewer.user, "\r")
    rows = _rows(viewer)
    while viewer.model.canFetchMore():
        viewer.model.fetchMore()
        rows = _rows(viewer)
    assert len(rows) == 10 and {(e.actor, e.action) for e in rows} == {("biller1", "open")}
    assert viewer.model.data(viewer.model.index(0, 2)) == "opened"
    viewer.clear()
    viewer.patient.setText("quinn")
    assert viewer.apply()
    rows = _rows(viewer)
    assert {e.patient_id for e in rows} == {audited["quinn"]}
    assert {e.entity_id for e in rows} == {str(audited["quinn"]), str(audited["quinn_visit"])}
    ref = api.get_patient(store, signed(), audited["quinn"]).ref
    assert viewer.message.text() == f"Patient {ODD} ({ref})"


def test_bad_filters_are_said_not_applied(viewer):
    before = [e.id for e in _rows(viewer)]
    for field, text, message in ((viewer.visit, "x1", "a visit id is a number"),
                                 (viewer.date_from, "2026-13-45", "From: not a date"),
                                 (viewer.patient, "nobody-at-all", "no patient matches")):
        viewer.clear()
        field.setText(text)
        assert not viewer.apply()
        assert message in viewer.message.text() and viewer.message.isVisible()
        assert [e.id for e in _rows(viewer)] == before
    viewer.clear()
    viewer.date_from.setText("2026-03-05")
    viewer.date_to.setText("3/4/2026")
    assert not viewer.apply() and "From is after To" in viewer.message.text()


def test_a_date_range_with_nothing_in_it(viewer):
    viewer.date_to.setText("2001-01-01")
    assert viewer.apply()
    assert _rows(viewer) == [] and viewer.message.text() == "No audit entries match."


def test_export_csv_writes_what_the_filters_match(viewer, audited, store, tmp_path,
                                                  monkeypatch):
    chosen = tmp_path / "audit"
    asked = []

    def ask(parent, suggested):
        asked.append(suggested)
        return str(chosen)

    monkeypatch.setattr(audit_page, "ask_csv_path", ask)
    viewer.patient.setText(api.get_patient(store, signed(), audited["quinn"]).ref)
    path = viewer.export_csv()
    assert path == tmp_path / "audit.csv" and asked[0].endswith(f"audit-log-{date.today()}.csv")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {r["patient_name"] for r in rows} == {ODD}
    assert viewer.message.text() == f"Exported {len(rows)} entries to audit.csv (readable by " \
                                    "you only)."
    monkeypatch.setattr(audit_page, "ask_csv_path", lambda parent, suggested: None)
    assert viewer.export_csv() is None  # cancelled


def test_enter_on_a_visit_entry_opens_the_visit(viewer, audited, qtbot):
    viewer.visit.setText(str(audited["quinn_visit"]))
    viewer.apply()
    viewer.view.setFocus()
    viewer.view.setCurrentIndex(viewer.model.index(0, 0))
    with qtbot.waitSignal(viewer.open_visit) as opened:
        qtbot.keyClick(viewer.view, "\r")
    assert opened.args == [audited["quinn_visit"]]


def test_the_main_window_lists_the_viewer():
    from ocrebill_gui.ui.main_window import PAGES

    assert ("audit", "&Audit log", "Ctrl+6") in PAGES


def _reads(store: api.Store, entity: str, entity_id: int) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in api.audit_entries(store, signed(), entity, entity_id)
            if e.action in ("open", "view", "print", "export")]


def test_reads_in_the_app_are_on_record_once_a_session(window, clinic, store, qtbot,
                                                       monkeypatch, tmp_path):
    from ocrebill_gui.ui.visit_editor import printing

    editor = window.open_visit(clinic["running"])
    who = editor.actor
    window.open_visit(clinic["done"])  # the first tab lets its editor go...
    window.open_visit(clinic["running"])  # ...and builds it again: one read all the same
    assert _reads(store, "visit", clinic["running"]) == [("open", who)]
    assert _reads(store, "visit", clinic["done"]) == [("open", who)]
    editor = window.open_visit(clinic["running"])
    monkeypatch.setattr(printing, "save_as_pdf", lambda *a, **k: tmp_path / "visit.pdf")
    editor.save_pdf("checklist")
    editor.save_pdf("superbill")
    assert _reads(store, "visit", clinic["running"]) == [("print", who), ("open", who)]
    printed = api.audit_entries(store, signed(), "visit", clinic["running"], limit=1)[0]
    assert {c.field: c.after for c in printed.changes}["document"] == "checklist"
    window.show_page("patients").select_patient(clinic["muller"])
    window.show_page("patients").select_patient(clinic["rivera"])
    window.show_page("patients").select_patient(clinic["muller"])
    assert _reads(store, "patient", clinic["muller"]) == [("view", who)]
    assert _reads(store, "patient", clinic["rivera"]) == [("view", who)]
    assert _reads(store, "patient", clinic["mulligan"]) == []
    assert api.check_database(store, signed()).ok


def test_a_visits_history_holds_its_claim_and_remittance(viewer, audited, store):
    """Issue 15: filtered by visit (or by its patient), the viewer lists the entries of the
    visit's claim and of the remittances against it, with the visit's patient."""
    from ocrebill_gui.store.claims import current_claim, mark_printed, mark_submitted
    from ocrebill_gui.store.remittances import record_payment

    visit_id = audited["ada_visit"]
    api.finalize_visit(store, signed("nurse"), visit_id, allow_errors=True, expected_revision=1)
    claim = current_claim(store, signed(), visit_id)
    mark_printed(store, signed("biller"), [claim.id], "cms1500")
    mark_submitted(store, signed("biller"), [claim.id])
    paid = record_payment(store, signed("biller"), claim.id, "2026-04-20", "512.40")
    for field, text in ((viewer.visit, str(visit_id)), (viewer.patient, "Müller")):
        viewer.clear()
        field.setText(text)
        assert viewer.apply()
        while viewer.model.canFetchMore():
            viewer.model.fetchMore()
        rows = _rows(viewer)
        records = {(e.entity, e.entity_id) for e in rows}
        assert {("visit", str(visit_id)), ("claim", str(claim.id)),
                ("remittance", str(paid.id))} <= records
        assert not {entity for entity, _ in records} - {"visit", "claim", "remittance",
                                                        "patient"}
        assert [e.action for e in rows if e.entity == "claim"] == [
            "pay", "submit", "print", "create"]
        assert {e.patient_id for e in rows} == {audited["ada"]}

"""Drafts autosave; finalize is blocked by error findings unless the biller gives a reason; a
finalized visit is read-only until amended with a reason."""

from __future__ import annotations

import json

from conftest_shared import load_example
from editor_helpers import answer_next_reason, enter_ocrevus, preview_lines
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.ui.qt import Qt


def test_the_draft_saves_itself_after_a_pause_and_on_close(qtbot, ocrevus_editor, store, clock):
    editor = ocrevus_editor
    with qtbot.waitSignal(editor.saved, timeout=2000) as saved:
        pass
    visit_id = saved.args[0]
    assert api.get_visit(store, signed(), visit_id).document["administrations"][0]["dose_mg"] == 600
    clock.set("09:00")
    editor.press_timeline("start")
    with qtbot.assertNotEmitted(editor.saved, wait=100):
        pass  # debounced: not saved at once
    qtbot.waitUntil(lambda: api.get_visit(store, signed(), visit_id).document["administrations"][0][
        "events"] == [{"at": "2026-03-04T09:00", "kind": "start"}], timeout=2000)
    clock.set("09:10")
    editor.press_timeline("pause")
    with qtbot.waitSignal(editor.closed):
        editor.close()
    stored = api.get_visit(store, signed(), visit_id).document
    kinds = [e["kind"] for e in stored["administrations"][0]["events"]]
    assert kinds == ["start", "pause"]
    assert "draft saved" in editor.state_label.text()


def test_a_saved_visit_opens_again_as_it_was(qtbot, ocrevus_editor, make_editor, clock):
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    assert ocrevus_editor.save_now()
    again = make_editor(ocrevus_editor.visit_id)
    assert again.presenter.document == ocrevus_editor.presenter.document
    assert again.cards[0].dose.text() == "600"
    assert again.cards[0].timeline.state.phase == "running"
    assert again.banner.isVisible()
    assert again.patient.patient_id == ocrevus_editor.patient.patient_id


def test_finalize_is_blocked_by_an_error_until_a_reason_is_given(qtbot, ocrevus_editor, store,
                                                                 clock):
    editor = ocrevus_editor
    clock.set("09:00")
    editor.press_timeline("start")  # ... and nobody pressed Stop
    assert editor.presenter.result.has_errors
    answer_next_reason(qtbot, None, action="Finalize anyway")
    qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)
    assert editor.status == "draft"
    assert "Not finalized: 1 error finding" in editor.save_message.text()
    assert api.get_visit(store, signed(), editor.visit_id).status == "draft"

    answer_next_reason(qtbot, "Payer confirmed by phone: stop time on the paper chart",
                       action="Finalize anyway")
    with qtbot.waitSignal(editor.finalized) as done:
        qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)
    assert done.args == [editor.visit_id]
    assert api.get_visit(store, signed(), editor.visit_id).finalized
    override = [e for e in api.audit_entries(store, signed(), "visit", editor.visit_id)
                if e.action == "finalize" and e.reason]
    assert override and override[0].reason.startswith("Payer confirmed")
    overridden = [c for c in override[0].changes if c.field == "overridden_errors"]
    assert overridden and "no stop time" in str(overridden[0].after)
    # Finalized without a stop: nothing counts on, and the way out is Amend, not F8.
    timeline = editor.cards[0].timeline
    clock.set("11:00")
    timeline.tick()
    assert timeline.running.text() == "No stop time" and not timeline.ticker.isActive()
    assert "Amend" in timeline.banner.text() and "F8" not in editor.banner.text()
    assert "finalized without a stop time (Amend to record it)" in editor.banner.text()


def test_a_finalized_visit_is_read_only_until_amended(qtbot, ocrevus_editor, store, clock):
    editor = ocrevus_editor
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    assert editor.finalize()  # no error: no reason asked
    card = editor.cards[0]
    assert card.dose.isReadOnly()
    assert not card.timeline.buttons["start"].isEnabled()
    assert not card.timeline.undo_button.isEnabled()
    assert not editor.add_button.isEnabled()
    assert not editor.finalize_button.isEnabled()
    assert editor.amend_button.isVisible()
    assert not editor.press_timeline("start")
    assert "Finalized" in editor.state_label.text()
    lot = api.list_vial_lots(store, signed(), product="ocrevus")[0]
    assert lot.on_hand == 4  # the two vials left the shelf

    clock.set("13:00")
    answer_next_reason(qtbot, "Stop time was 12:45 per the chart", action="Amend")
    qtbot.mouseClick(editor.amend_button, Qt.MouseButton.LeftButton)
    assert editor.status == "draft"
    card = editor.cards[0]
    assert not card.dose.isReadOnly()
    card.timeline.model.setData(card.timeline.model.index(1, 1), "1245")
    assert editor.finalize()
    visit = api.get_visit(store, signed(), editor.visit_id)
    assert visit.finalized and visit.document["administrations"][0]["events"][1]["at"].endswith(
        "12:45")
    assert [a.reason for a in api.visit_amendments(store, signed(), editor.visit_id)] == [
        "Stop time was 12:45 per the chart"]
    assert api.list_vial_lots(store, signed(), product="ocrevus")[0].on_hand == 4


def test_finalize_refuses_a_form_with_problems_and_goes_to_the_first(qtbot, ocrevus_editor):
    editor = ocrevus_editor
    editor.cards[0].dose.clear()
    qtbot.keyClicks(editor.cards[0].dose, "0")
    assert editor.presenter.problems  # a dose of 0 cannot be computed
    assert not editor.finalize()
    assert "fix the fields" in editor.save_message.text()
    assert editor.focusWidget() is editor.cards[0].dose


def test_printing_needs_the_practice_then_saves_a_pdf(qtbot, ocrevus_editor, store, clock,
                                                      tmp_path, monkeypatch):
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.ui.visit_editor import printing

    editor = ocrevus_editor
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    editor.save_pdf("superbill")
    assert "practice" in editor.save_message.text()
    api.save_practice(store, signed("admin"), demo_practice())
    asked = {}

    def fake_dialog(parent, title, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "out.pdf")

    monkeypatch.setattr(printing, "ask_save_path", fake_dialog)
    editor.save_pdf("superbill")
    assert asked["suggested"].endswith("Rivera-Ana_2026-03-04_superbill.pdf")
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    printed = tmp_path / "printed.pdf"

    def choose_print_to_file(parent, printer):
        assert printer.docName().endswith("_checklist.pdf")
        printer.setOutputFileName(str(printed))  # "Print to file (PDF)" in the dialog
        return True

    monkeypatch.setattr(printing.PrintDialog, "ask", staticmethod(choose_print_to_file))
    editor.print_report("checklist")
    assert printed.read_bytes().startswith(b"%PDF")
    assert editor.status_note == "printed to printed.pdf"
    monkeypatch.setattr(printing.PrintDialog, "ask", staticmethod(lambda parent, p: False))
    printed.unlink()
    editor.print_report("checklist")
    assert not printed.exists(), "cancelling the dialog prints nothing"


class FakePrinter:
    """What send_to_printer reads of a QPrinter bound to a real (CUPS) printer."""

    def __init__(self):
        from ocrebill_gui.ui.qt import print_support

        self.native = print_support().QPrinter.OutputFormat.NativeFormat

    def outputFileName(self):
        return ""

    def outputFormat(self):
        return self.native

    def printerName(self):
        return "Front-Desk-Laser"

    def copyCount(self):
        return 2


def test_a_real_printer_gets_the_pdf_through_cups_lp(tmp_path, monkeypatch):
    from ocrebill_gui.ui.visit_editor import printing

    log = tmp_path / "lp-args"
    fake_lp = tmp_path / "lp"
    fake_lp.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    fake_lp.chmod(0o755)
    monkeypatch.setattr(printing.shutil, "which", lambda name: str(fake_lp) if name == "lp"
                        else None)
    pdf = tmp_path / "Rivera-Ana_2026-03-04_superbill.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    outcome = printing.send_to_printer(FakePrinter(), pdf, pdf.read_bytes())
    assert outcome == f"sent {pdf.name} to Front-Desk-Laser"
    assert log.read_text().split() == ["-d", "Front-Desk-Laser", "-n", "2", "-t", pdf.stem,
                                       str(pdf)]


def test_without_cups_pages_are_rasterised_onto_the_printer(qtbot, tmp_path):
    from pypdf import PdfReader

    from ocrebill_gui.core.engine import compute
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.reports import render_pdf
    from ocrebill_gui.ui.visit_editor import printing

    document = load_example("06-facility-premeds")[0]
    source = tmp_path / "superbill.pdf"
    source.write_bytes(render_pdf("superbill", parse_visit(document), compute(document),
                                  demo_practice()))
    printer = printing.new_printer("superbill.pdf")
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    assert printing.paint_pages(printer, source) == 1
    page = PdfReader(tmp_path / "raster.pdf").pages[0]
    assert round(float(page.mediabox.width)) == 612  # US Letter


def test_setting_the_authorization_back_to_automatic_unlinks_it(qtbot, make_editor, store,
                                                                 patient):
    coverage = api.coverages_of(store, signed(), patient.id)[0]
    auth = api.add_authorization(store, signed("desk"), {
        "coverage_id": coverage.id, "number": "PA-9", "product": "ocrevus",
        "approved_units": 1200, "valid_from": "2026-01-01", "valid_to": "2026-12-31"})
    editor = make_editor(patient_id=patient.id)
    editor.presenter.set_diagnoses(["G35.A"])
    combo = editor.patient.authorization
    combo.setCurrentIndex(combo.findData(auth.id))
    assert editor.save_now()
    assert api.get_visit(store, signed(), editor.visit_id).authorization_id == auth.id
    editor.presenter.set("setting", "hospital_outpatient")  # something to save
    combo.setCurrentIndex(combo.findData(-1))  # "Automatic"
    assert editor.save_now()
    assert api.get_visit(store, signed(), editor.visit_id).authorization_id is None


def test_a_second_bill_for_the_same_day_asks_for_a_reason(qtbot, ocrevus_editor, make_editor,
                                                         store, patient, clock):
    first = ocrevus_editor
    clock.set("09:00")
    first.press_timeline("start")
    clock.set("12:30")
    first.press_timeline("stop")
    assert first.finalize()
    second = make_editor(patient_id=patient.id)  # an antihistamine push the same day
    second.presenter.set_diagnoses(["G35.A"])
    second.add_product.setCurrentIndex(second.add_product.findData("diphenhydramine"))
    second.add_administration()
    qtbot.keyClicks(second.cards[0].dose, "50")
    assert second.press_timeline("given")
    assert not second.presenter.result.has_errors
    assert second.save_now()
    answer_next_reason(qtbot, None, action="Finalize anyway")
    assert not second.finalize()
    assert "bill the day twice" in second.save_message.text()
    answer_next_reason(qtbot, "Separate evening encounter", action="Finalize anyway")
    assert second.finalize()
    assert api.get_visit(store, signed(), second.visit_id).finalized


def test_a_finalized_visit_shows_the_claim_it_was_billed_with(qtbot, make_editor, store, clock,
                                                             patient):
    """Its payer profile edited since: the visit still shows (and prints) what was billed;
    amending it computes the claim with the profile as it is now."""
    plan = {**default_catalog().payers["medicare"].model_dump(), "id": "my-plan",
            "name": "My plan"}
    api.save_payer(store, signed("biller"), plan)
    person = api.add_patient(store, signed("desk"), {"name": "Okafor, Grace"})
    api.add_coverage(store, signed("desk"), {"patient_id": person.id, "payer": "my-plan",
                                             "member_id": "M-1", "effective_from": "2020-01-01"})
    editor = make_editor(patient_id=person.id)
    enter_ocrevus(editor)
    clock.set("09:00")
    editor.press_timeline("start")
    clock.set("12:30")
    editor.press_timeline("stop")
    assert editor.finalize()
    billed = {code for code, _ in preview_lines(editor)}
    assert "96365" in billed and "96413" not in billed
    api.save_payer(store, signed("biller"), {**plan, "monoclonal_admin": "complex"})

    again = make_editor(editor.visit_id)
    assert {code for code, _ in preview_lines(again)} == billed
    answer_next_reason(qtbot, "Plan bills Ocrevus as complex since March", action="Amend")
    qtbot.mouseClick(again.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "96413" in {code for code, _ in preview_lines(again)})


def test_a_claim_finalized_by_an_earlier_release_is_shown_as_stored(make_editor, store,
                                                                    patient):
    """Codes, labels and rules change between releases: a finalized visit is shown and printed
    with the claim it was finalized with, never recomputed behind the biller's back."""
    document = load_example("01-standard-600mg")[0]
    saved = api.create_draft(store, signed("nurse"), document, patient_id=patient.id)
    api.finalize_visit(store, signed("biller"), saved.visit_id, expected_revision=saved.revision)
    claim = json.loads(store.conn.execute("SELECT claim FROM visits WHERE id = ?",
                                          (saved.visit_id,)).fetchone()[0])
    claim["lines"][0]["label"] = "Ocrelizumab 1 mg (as labelled by release 0.9)"
    store.conn.execute("UPDATE visits SET claim = ? WHERE id = ?",
                       (json.dumps(claim), saved.visit_id))
    store.conn.commit()  # sqlite3 opened a transaction for the UPDATE: the editor writes too
    editor = make_editor(saved.visit_id)
    model = editor.preview.lines_model
    labels = [model.index(row, model.DESCRIPTION).data().splitlines()[0]
              for row in range(model.rowCount())]
    assert "Ocrelizumab 1 mg (as labelled by release 0.9)" in labels
    assert editor.presenter.result == api.get_visit(store, signed(), saved.visit_id).claim


def test_a_visit_dated_after_today_says_so_beside_the_date(ocrevus_editor, clock):
    editor = ocrevus_editor  # the clock stands at 2026-03-04
    message = editor.visit_section.day_message
    assert not message.isVisible()
    editor.presenter.set("date_of_service", "2026-03-11")
    assert message.isVisible() and message.text().startswith("is after today")
    assert not editor.presenter.stale  # a planned visit still shows its claim
    editor.presenter.set("date_of_service", "2026-03-04")
    assert not message.isVisible()

"""Print forms... from the worklist (issue 15, item 5): several claims chosen, one PDF per form
(the CMS-1500s and the UB-04 print on different paper), each claim on its own form at the
practice's offsets, those that cannot be printed named with the reason, the rest marked
printed; the batch runs with a progress dialog that can be cancelled."""

from __future__ import annotations

from pathlib import Path

from claims.form_text import words
from staff import signed
from worklist_helpers import choose

from ocrebill_gui.reports.cms1500 import DEFAULT_LEFT, DEFAULT_TOP
from ocrebill_gui.store import claims as store_claims
from ocrebill_gui.ui.qt import QPushButton
from ocrebill_gui.ui.worklist import progress


def at(found: list[tuple[int, int, str]], line: int, column: int) -> str:
    return next((text for ln, col, text in found if (ln, col) == (line, column)), "")


def test_the_chosen_claims_print_one_pdf_per_form_and_are_marked_printed(
        page, claims, told, qtbot, tmp_path: Path, store):
    chosen = [claims[k] for k in ("office1", "office2", "outpatient", "lacking", "draft")]
    choose(page, chosen)
    page.print_button.click()
    job = page.forms_print.job
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    assert told["save"] == ["Save the CMS-1500 claim forms", "Save the UB-04 claim forms"]
    [(text, details)] = told["summary"]
    assert "2 CMS-1500 claims in cms1500-2026-12-07.pdf: marked printed." in text
    assert "1 UB-04 claim in ub04-2026-12-07.pdf: marked printed." in text
    assert details[0].startswith(f"visit {claims['lacking']}: ")  # what it lacks, by field
    assert "payer" in details[0] or "npi" in details[0].lower()
    assert details[1] == f"visit {claims['draft']}: is a draft: finalize the visit first"
    assert told["preview"] == ["cms1500-2026-12-07.pdf", "ub04-2026-12-07.pdf"]
    pdf = (tmp_path / "cms1500-2026-12-07.pdf").read_bytes()
    first, second = words(pdf, tmp_path, top=DEFAULT_TOP, left=DEFAULT_LEFT)
    assert at(first, 56, 23) == str(claims["office1"])  # box 26: the account is the visit
    assert at(second, 56, 23) == str(claims["office2"])
    assert at(first, 44, 68) == "1234567893"  # 24J, the rendering NPI
    assert (tmp_path / "cms1500-2026-12-07.pdf").stat().st_mode & 0o777 == 0o600
    biller = signed("biller")
    for key, form in (("office1", "cms1500"), ("office2", "cms1500"), ("outpatient", "ub04")):
        claim = store_claims.current_claim(store, biller, claims[key])
        assert (claim.status, claim.form) == ("printed", form)
    assert store_claims.current_claim(store, biller, claims["lacking"]).status == "ready"
    statuses = {row.visit_id: row.status for row in page.model.records()}
    assert statuses[claims["office1"]] == "printed"  # the list was reloaded
    assert {row.visit_id for row in page.chosen()} == set(chosen)  # still chosen


def test_a_cancelled_batch_writes_nothing_and_marks_nothing(page, claims, told, qtbot,
                                                            tmp_path: Path, store,
                                                            monkeypatch):
    monkeypatch.setattr(progress, "SLICE_MS", 0)  # one claim per turn of the event loop
    choose(page, [claims["office1"], claims["office2"], claims["office3"]])
    page.print_button.click()
    job = page.forms_print.job
    assert job.running and job.done <= 1
    [cancel] = job.dialog.findChildren(QPushButton)
    cancel.click()
    assert not job.running and job.cancelled
    assert told["summary"] == [("Cancelled: no file was written and no claim marked "
                                 "printed.", [])]
    assert not (tmp_path / "cms1500-2026-12-07.pdf").exists()
    assert store_claims.current_claim(store, signed("biller"), claims["office1"]).status \
        == "ready"


def test_the_window_stays_responsive_while_a_batch_runs(page, claims, told, qtbot,
                                                        monkeypatch):
    """Between two claims the event loop turns: a timer set before the batch fires before
    the batch ends."""
    from ocrebill_gui.ui.qt import QTimer

    monkeypatch.setattr(progress, "SLICE_MS", 0)
    fired: list[bool] = []
    choose(page, [claims["office1"], claims["office2"], claims["office3"]])
    page.print_button.click()
    job = page.forms_print.job
    QTimer.singleShot(0, lambda: fired.append(job.running))
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    assert fired == [True]


def test_the_progress_dialog_does_not_come_back_over_the_summary(page, claims, told, qtbot,
                                                                  monkeypatch):
    """Seen under Xvfb: the finished batch's progress dialog showed itself over the summary
    (its show-after timer ran on in the summary's event loop)."""
    from ocrebill_gui.ui.qt import QApplication, QProgressDialog

    shown_during: list[list[str]] = []

    def summary(cls, parent, title, text, details):
        qtbot.wait(progress.SHOW_AFTER_MS + 200)  # the summary is open this long
        shown_during.append([w.objectName() for w in QApplication.topLevelWidgets()
                             if isinstance(w, QProgressDialog) and w.isVisible()])

    monkeypatch.setattr(progress.Summary, "tell", classmethod(summary))
    choose(page, [claims["office1"]])
    page.print_button.click()
    qtbot.waitUntil(lambda: bool(shown_during), timeout=20000)
    assert shown_during == [[]]


def test_a_claim_sent_already_prints_as_a_copy_its_status_unchanged(page, claims, told,
                                                                    qtbot, store):
    from worklist_helpers import show

    biller = signed("biller")
    claim = store_claims.current_claim(store, biller, claims["office1"])
    store_claims.mark_printed(store, biller, [claim.id], "cms1500")
    store_claims.mark_submitted(store, biller, [claim.id])
    show(page, "Submitted")
    choose(page, [claims["office1"]])
    page.print_button.click()
    qtbot.waitUntil(lambda: not page.forms_print.job.running, timeout=20000)
    [(text, details)] = told["summary"]
    assert text == ("1 CMS-1500 claim in cms1500-2026-12-07.pdf: 1 sent already: printed as "
                    "a copy, status unchanged.") and details == []
    assert store_claims.current_claim(store, biller, claims["office1"]).status == "submitted"

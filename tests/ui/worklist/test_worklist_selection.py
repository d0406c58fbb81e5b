"""The worklist's selection follows the claims, not the row numbers (a sort or a reload keeps
the chosen visits chosen), the first row is chosen when the list loads; what Mark submitted
and Export 837 say (QA tryout of the Claims worklist)."""

from __future__ import annotations

from worklist_helpers import choose, show

from ocrebill_gui.ui.qt import QItemSelectionModel, Qt


def claim_id(store, visit_id: int) -> int:
    from staff import signed

    from ocrebill_gui.store import claims as store_claims

    claim = store_claims.current_claim(store, signed("biller"), visit_id)
    assert claim is not None
    return claim.id


def chosen_ids(page) -> list[int]:
    return sorted(row.visit_id for row in page.chosen())


def test_a_sort_in_sql_keeps_the_same_claims_chosen(page, claims):
    picked = sorted([claims["office3"], claims["outpatient"]])
    choose(page, picked)
    page.view.selectionModel().setCurrentIndex(  # the focus on the first one picked
        page.model.index(1, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    page.view.horizontalHeader().setSortIndicator(7, Qt.SortOrder.DescendingOrder)
    assert page.model.order == "-visit_id"
    assert chosen_ids(page) == picked
    current = page.model.record(page.view.currentIndex().row())
    assert current is not None and current.visit_id in picked


def test_a_sort_of_the_loaded_rows_keeps_the_same_claims_chosen(page, claims):
    choose(page, [claims["outpatient"]])  # the only UB-04: the Form column sorts it last
    page.view.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
    assert page.model.records()[0].visit_id == claims["outpatient"]
    assert chosen_ids(page) == [claims["outpatient"]]


def test_a_reload_keeps_the_claims_still_listed_chosen(page, claims):
    choose(page, [claims["office1"], claims["draft"]])
    show(page, "To send: ready")  # the draft is no longer listed
    assert chosen_ids(page) == [claims["office1"]]
    page.refresh()
    assert chosen_ids(page) == [claims["office1"]]
    show(page, "Drafts with errors")  # the chosen claim went: nothing chosen, not row 1
    assert page.chosen() == [] and not page.export_button.isEnabled()


def test_the_first_row_is_chosen_when_the_list_loads(page, claims, qtbot):
    assert [row.visit_id for row in page.chosen()] == [claims["draft"]]
    assert page.view.currentIndex().row() == 0
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert [row.visit_id for row in page.chosen()] == [claims["office3"]]
    show(page, "Paid")  # nothing listed: nothing chosen
    assert page.chosen() == []
    show(page, "To send: ready")
    assert page.view.currentIndex().row() == 0 and len(page.chosen()) == 1


def test_cancelling_the_837_file_dialog_says_nothing(page, claims, told, monkeypatch,
                                                       tmp_path):
    monkeypatch.setattr("ocrebill_gui.ui.file_dialogs.ask_save_path",
                        lambda *_args: None)
    choose(page, [claims["office1"], claims["outpatient"]])
    page.export_button.click()
    assert told["summary"] == []
    assert list(tmp_path.glob("*.837")) == []


def test_the_export_summary_words_the_reasons_without_field_names(page, claims, told,
                                                                  store):
    from staff import signed

    from ocrebill_gui.store import claims as store_claims

    choose(page, [claims["office1"], claims["lacking"]])
    page.export_button.click()  # office1 exported; lacking has no NPI, no payer id
    told["summary"].clear()
    claim = claim_id(store, claims["office1"])
    store_claims.mark_submitted(store, signed("biller"), [claim])
    show(page, "Every claim")
    choose(page, [claims["office1"], claims["lacking"]])
    page.export_button.click()
    [(_text, details)] = told["summary"]
    said = "\n".join(details)
    assert f"visit {claims['office1']}: claim {claim} is submitted: amend" in said
    assert "claim.status" not in said and "_" not in said and ".npi" not in said
    assert "rendering provider is missing" in said and "claim office ID is missing" in said


def test_problems_are_worded_with_the_field_in_words():
    from ocrebill_gui.ui.worklist.claim_forms import problem_text

    assert problem_text("providers.rendering.npi", "NPI must be 10 digits") == \
        "rendering provider NPI must be 10 digits"
    assert problem_text("payer.payer_id", "is required on an 837") == \
        "payer ID is required on an 837"
    assert problem_text("claim.lines[2].ndc_unit", "J2350: must be ML") == \
        "line 3 NDC unit J2350: must be ML"
    assert problem_text("claim.status", "claim 46 is denied: amend the visit") == \
        "claim 46 is denied: amend the visit"


def test_mark_submitted_says_how_many_claims(window, page, claims, store):
    from staff import signed

    from ocrebill_gui.store import claims as store_claims

    ids = [claim_id(store, claims[key]) for key in ("office1", "office2")]
    store_claims.mark_printed(store, signed("biller"), ids, "cms1500")
    page.refresh()
    show(page, "To send: printed")
    choose(page, [claims["office1"], claims["office2"]])
    page.submitted_button.click()
    assert window.statusBar().currentMessage() == "2 claims marked submitted"


def test_the_status_column_shows_its_longest_label_whole(page, claims):
    metrics = page.view.fontMetrics()
    for label in ("Draft with errors", "Ready to send (replacement)"):  # a status's longest
        assert page.view.columnWidth(1) > metrics.horizontalAdvance(label)

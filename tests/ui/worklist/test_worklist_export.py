"""Export 837... from the worklist (issue 15, items 3 and 5): the chosen claims in one 837P and
one 837I (store/claim_export.py, as `ocrebill claims export`), the files accepted by pyx12,
the claims left out named with the reason, the rest marked exported; Cancel in the progress
dialog writes nothing and takes no control number."""

from __future__ import annotations

from pathlib import Path

from staff import signed
from worklist_helpers import choose

from ocrebill_gui.core.x12.validate import validate_837
from ocrebill_gui.store import claims as store_claims


def test_the_chosen_claims_go_out_in_an_837p_and_an_837i_that_pyx12_accepts(
        page, claims, told, tmp_path: Path, store):
    chosen = [claims[k] for k in ("office1", "office2", "outpatient", "lacking", "draft")]
    choose(page, chosen)
    page.export_button.click()
    assert told["save"] == ["Save the 837P file", "Save the 837I file"]
    [(text, details)] = told["summary"]
    professional = tmp_path / "claims-837p-2026-12-07.837"
    institutional = tmp_path / "claims-837i-2026-12-07.837"
    assert f"2 claims in {professional.name} (837P, interchange 000000001, test), " \
           "marked exported." in text
    assert f"1 claim in {institutional.name} (837I, interchange 000000002, test)" in text
    assert details[0] == f"visit {claims['draft']}: is a draft: finalize the visit first"
    assert details[1].startswith(f"visit {claims['lacking']}: ")
    for path in (professional, institutional):
        assert path.stat().st_mode & 0o777 == 0o600
        result = validate_837(path.read_text("ascii"))
        assert result.accepted, result.syntax_errors + result.problems
    text_837p = professional.read_text("ascii")
    assert text_837p.count("\nCLM*") == 2 and "\nST*837*" in text_837p
    biller = signed("biller")
    for key, name in (("office1", professional.name), ("outpatient", institutional.name)):
        claim = store_claims.current_claim(store, biller, claims[key])
        assert (claim.status, claim.export_file) == ("exported", name)
    assert store_claims.current_claim(store, biller, claims["lacking"]).status == "ready"
    statuses = {row.visit_id: row.status for row in page.model.records()}
    assert statuses[claims["office2"]] == "exported"


def test_cancel_writes_no_file_and_takes_no_control_number(page, claims, told, tmp_path,
                                                           store, monkeypatch):
    from ocrebill_gui.ui.worklist.progress import StepProgress

    original = StepProgress.step

    def press_cancel_then_step(self, done, total):
        if done == 2:
            self.dialog.cancel()  # as the Cancel button does, between two claims
        original(self, done, total)

    monkeypatch.setattr(StepProgress, "step", press_cancel_then_step)
    choose(page, [claims["office1"], claims["office2"], claims["office3"]])
    page.export_button.click()
    [(text, details)] = told["summary"]
    assert text == "837P: cancelled; no file written, no claim marked." and details == []
    assert not list(tmp_path.glob("*.837"))
    assert store.conn.execute("SELECT count(*) FROM control_numbers").fetchone()[0] == 0
    claim = store_claims.current_claim(store, signed("biller"), claims["office1"])
    assert claim.status == "ready"

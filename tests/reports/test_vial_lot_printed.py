"""A vial recorded without its lot is printed as the engine's finding: on the superbill's open
findings and against the checklist's NDC item (core rule `vial-lot-missing`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from example_visits import load_example
from pdf_pages import flat, page_texts

from ocrebill_gui.core import compute
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports import render_checklist, render_superbill

AT = datetime(2026, 3, 4, 16, 45)
MESSAGE = "Ocrevus vial 2 (NDC 50242-0150-01): lot not recorded"


def printed(folder: Path) -> tuple[str, str]:
    visit = load_example("01-standard-600mg")[0]
    visit["administrations"][0]["vials"][1].pop("lot")
    document = parse_visit(visit)
    claim = compute(document)
    superbill = render_superbill(document, claim, demo_practice(), folder / "superbill.pdf",
                                 printed_at=AT, force=True)
    checklist = render_checklist(document, claim, demo_practice(), folder / "checklist.pdf",
                                 printed_at=AT)
    return flat(" ".join(page_texts(superbill))), flat(" ".join(page_texts(checklist)))


def test_both_documents_print_the_lot_not_recorded(tmp_path: Path) -> None:
    superbill, checklist = printed(tmp_path)
    assert f"WARNING {MESSAGE}" in superbill
    assert "\u26a0 NDC on each drug line" in checklist
    assert MESSAGE in checklist

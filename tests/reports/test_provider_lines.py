"""The superbill and the checklist name the visit's providers (issue 13, item 4)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from pdf_pages import flat, page_texts

from ocrebill_gui.core.checklist import evaluate_checklist
from ocrebill_gui.core.engine import compute, parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports.checklist import checklist_pdf
from ocrebill_gui.reports.superbill import superbill_pdf

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "visits" / "01-standard-600mg.json"
PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"}}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return " ".join(flat(page) for page in page_texts(path))


def test_the_superbill_and_the_checklist_name_the_providers(tmp_path):
    doc = copy.deepcopy(json.loads(EXAMPLE.read_text())) | {"providers": PROVIDERS}
    claim = compute(doc)
    visit = parse_visit(doc)
    superbill = text_of(superbill_pdf(visit, claim, demo_practice()), tmp_path)
    assert "Okafor, Grace (NPI 1234567893)" in superbill
    assert "Ordering physician none named" in superbill
    assert "No ordering/referring physician on the visit" in superbill  # the open finding
    checklist = text_of(checklist_pdf(visit, claim, demo_practice(),
                                      checklist=evaluate_checklist(doc, claim)), tmp_path)
    assert "Okafor, Grace (NPI 1234567893)" in checklist

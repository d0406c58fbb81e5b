"""The superbill of a hospital-outpatient visit shows each line's UB-04 revenue code (from
data/revenue-codes.json); an office visit's does not."""

from __future__ import annotations

import io

from example_visits import load_example
from pypdf import PdfReader

from ocrebill_gui.core import compute
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports import superbill_pdf


def superbill_text(name: str) -> str:
    document = parse_visit(load_example(name)[0])
    pdf = superbill_pdf(document, compute(document), demo_practice())
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_hospital_outpatient_superbill_shows_revenue_codes() -> None:
    text = superbill_text("06-facility-premeds")
    for code in ("Rev. 0636", "Rev. 0260", "Rev. 0250"):
        assert code in text
    assert "Rev." not in superbill_text("01-standard-600mg")

"""Small things QA found on the printed documents (issue 14, item 11): the route and dose
wrap in their own column, and a vial left over that is not a whole billing unit is "no
billable waste", not "no waste"."""

from __future__ import annotations

import re
from pathlib import Path

from core.builders import given, ocrevus, visit
from pdf_pages import page_texts

from ocrebill_gui.core import compute
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports import render_superbill

MPRED_VIAL = {"ndc": "00009-0047-22", "lot": "M1", "expires": "2027-01-31", "mg": 125}


def superbill_text(document: dict, folder: Path) -> str:
    parsed = parse_visit(document)
    pdf = render_superbill(parsed, compute(parsed), demo_practice(), folder / "s.pdf",
                           force=True)
    return page_texts(pdf, layout=True)[0]


def test_the_route_and_dose_never_run_into_the_time(tmp_path: Path) -> None:
    zunovo = given("zun", "ocrevus-zunovo", 920, "15:35", route="subcutaneous",
                   vials=[{"ndc": "50242-0554-01", "lot": "Z1", "expires": "2027-01-31",
                           "mg": 920}])
    text = superbill_text(visit(zunovo), tmp_path)
    assert not re.search(r"mg ?15:35", text)  # was "SC injection, 920 mg15:35"
    row = next(line for line in text.splitlines() if "15:35" in line)
    assert re.search(r"SC injection, 920\s{2,}15:35", row)  # "mg" wrapped to the next line


def test_a_part_vial_that_is_no_billing_unit_is_no_billable_waste() -> None:
    premed = given("mp", "methylprednisolone", 100, "08:40", vials=[MPRED_VIAL])
    claim = compute(parse_visit(visit(ocrevus(), premed)))
    line = next(x for x in claim.lines if x.code == "J2930")
    assert line.why == "100 mg given of 125 mg opened, 1 unit of 125 mg: no billable waste, JZ"
    full = compute(parse_visit(visit(ocrevus())))
    assert next(x for x in full.lines if x.code == "J2350").why.endswith(": no waste, JZ")

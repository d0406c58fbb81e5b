"""The CMS-1500 (02/12) PDF: each field read back from the PDF at its line and column of the
10 cpi / 6 lpi grid (the measured positions of the shared facts), continuation forms, the
printer's offsets, the calibration page and the plain-paper preview."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from claim_parties import submission
from example_visits import load_example
from form_text import page_text
from form_text import words as grid_words

from ocrebill_gui.core.claim_submission import ClaimSubmission
from ocrebill_gui.reports.cms1500 import (
    DEFAULT_LEFT,
    DEFAULT_TOP,
    cms1500_calibration_pdf,
    cms1500_pages,
    cms1500_pdf,
)
from ocrebill_gui.reports.form_grid import as_text, overlaps


def words(pdf: bytes, tmp_path: Path, *, top: float = DEFAULT_TOP, left: float = DEFAULT_LEFT,
          grid_only: bool = False) -> list[list[tuple[int, int, str]]]:
    return grid_words(pdf, tmp_path, top=top, left=left, grid_only=grid_only)


def at(found: list[tuple[int, int, str]], line: int, column: int) -> str:
    return next((text for ln, col, text in found if (ln, col) == (line, column)), "")


def office_with_premeds() -> ClaimSubmission:
    """Seven lines: one continuation form."""
    document = load_example("06-facility-premeds")[0]
    document["setting"] = "office"
    return submission(document=document, visit_id=77)


def test_office_ocrevus_fields_at_their_measured_line_and_column(tmp_path: Path) -> None:
    document = load_example("01-standard-600mg")[0]
    document["prior_authorization"] = {"number": "PA-20260042", "valid_from": "2026-01-01",
                                       "valid_to": "2026-12-31"}
    [page] = words(cms1500_pdf(submission(document=document)), tmp_path)
    assert at(page, 37, 42) == "0"  # box 21 ICD indicator
    assert at(page, 38, 3) == "G35A"  # 21A
    assert at(page, 40, 50) == "PA20260042"  # box 23, no hyphen
    assert at(page, 34, 1) == "DK" and at(page, 34, 4) == "CHEN,"  # 17 ordering
    assert at(page, 34, 33) == "1456789019"  # 17b
    # service line 1: shaded row 43 (NDC), unshaded row 44
    assert at(page, 43, 1) == "N450242015001" and at(page, 43, 17) == "ML20"
    assert [at(page, 44, c) for c in (1, 4, 7, 10, 13, 16)] == ["03", "04", "26"] * 2
    assert at(page, 44, 19) == "11"  # 24B
    assert at(page, 44, 25) == "J2350" and at(page, 44, 33) == "JZ"  # 24D
    assert at(page, 44, 45) == "A"  # 24E
    assert at(page, 44, 50) == "43200" and at(page, 44, 56) == "00"  # 24F, point as a space
    assert at(page, 44, 59) == "600"  # 24G
    assert at(page, 44, 68) == "1987654328"  # 24J rendering NPI
    assert at(page, 46, 25) == "96365" and at(page, 48, 25) == "96366"
    assert at(page, 48, 61) == "2"  # units right-aligned in 59-61
    assert at(page, 61, 23) == "1765432103" and at(page, 61, 50) == "1234567893"  # 32a, 33a
    assert at(page, 58, 23) == "LAKESIDE" and at(page, 58, 50) == "LAKESIDE"  # 32, 33
    assert at(page, 56, 52) == "43570" and at(page, 56, 58) == "00"  # box 28 total
    assert at(page, 56, 23) == "42"  # 26 account = visit id
    assert at(page, 38, 50) == ""  # no box 22 on an original claim


def test_replacement_fills_box_22(tmp_path: Path) -> None:
    sub = submission(frequency="7", original_claim_number="2026120700001")
    [page] = words(cms1500_pdf(sub), tmp_path)
    assert at(page, 38, 50) == "7" and at(page, 38, 62) == "2026120700001"


def test_the_pdf_prints_exactly_the_placements(tmp_path: Path) -> None:
    sub = office_with_premeds()
    pages = cms1500_pages(sub)
    found = words(cms1500_pdf(sub), tmp_path)
    assert [page_text(p) for p in found] == [as_text(p) for p in pages]
    assert all(overlaps(p) == [] for p in pages)


def test_more_than_six_lines_continue_with_the_total_on_the_last(tmp_path: Path) -> None:
    sub = office_with_premeds()
    assert len(sub.claim.lines) == 7
    first, second = words(cms1500_pdf(sub), tmp_path)
    assert [at(first, 42 + 2 * n, 25) for n in range(1, 7)] == \
        [line.code for line in sub.claim.lines[:6]]
    assert at(second, 44, 25) == sub.claim.lines[6].code and at(second, 46, 25) == ""
    assert at(first, 56, 52) == "CONTINUED"
    total = sub.claim.total_charge
    dollars, cents = f"{total:.2f}".split(".")
    assert at(second, 56, 60 - len(f"{total:.2f}")) == dollars and at(second, 56, 58) == cents
    for page in (first, second):  # every form carries the claim's heading and diagnoses
        assert at(page, 8, 50) == "XQ7710023" and at(page, 38, 3) == "G35A"


def test_more_than_twelve_diagnoses_continue_on_another_form(tmp_path: Path) -> None:
    sub = submission()
    codes = ["G35A"] + [f"Z7{n:02d}" for n in range(13)]  # 14 diagnoses
    lines = list(sub.claim.lines)
    lines[2] = lines[2].model_copy(update={"diagnosis_pointers": [13, 14]})
    sub = sub.model_copy(update={"claim": sub.claim.model_copy(
        update={"diagnoses": codes, "lines": lines})})
    first, second = words(cms1500_pdf(sub), tmp_path)
    assert at(first, 40, 42) == codes[11]  # L
    assert at(second, 38, 3) == codes[12] and at(second, 38, 16) == codes[13]
    assert at(first, 48, 25) == "" and at(second, 44, 25) == "96366"
    assert at(second, 44, 45) == "AB"  # pointers relative to the form's own A-L


@pytest.mark.parametrize(("top", "left"), [(0, 0), (29, 19.5), (17, 30)])
def test_printer_offsets_move_everything(tmp_path: Path, top: float, left: float) -> None:
    sub = submission()
    [page] = words(cms1500_pdf(sub, top=top, left=left), tmp_path, top=top, left=left)
    assert at(page, 44, 25) == "J2350" and at(page, 37, 42) == "0"


def test_background_draws_the_boxes_and_keeps_the_data_in_place(tmp_path: Path) -> None:
    sub = submission()
    plain = words(cms1500_pdf(sub), tmp_path)
    preview = words(cms1500_pdf(sub, background=True), tmp_path, grid_only=True)
    # The outline's labels are small words off the grid; every data word is where it was.
    assert set(plain[0]) <= set(preview[0])
    assert len(cms1500_pdf(sub, background=True)) > len(cms1500_pdf(sub)) + 2000


def test_calibration_page(tmp_path: Path) -> None:
    pdf = cms1500_calibration_pdf(top=26, left=21)
    assert pdf.startswith(b"%PDF")
    source = tmp_path / "cal.pdf"
    source.write_bytes(pdf)
    import subprocess

    text = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "calibration: top 26 pt, left 21 pt" in text and "33a" in text


def test_money_grid() -> None:
    from ocrebill_gui.reports.form_grid import money_grid

    assert money_grid(Decimal("43200")) == "43200 00"
    assert money_grid(Decimal("6.5")) == "    6 50"

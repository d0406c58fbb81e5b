"""The UB-04 PDF of a hospital-outpatient claim: form locators read back from the PDF at their
line and column, revenue codes from data, 22 lines a page with the 0001 total on the last."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from claim_parties import submission
from form_text import page_text
from form_text import words as grid_words

from ocrebill_gui.core.claim_submission import ClaimSubmission
from ocrebill_gui.reports.form_grid import as_text, overlaps
from ocrebill_gui.reports.ub04 import (
    DEFAULT_LEFT,
    DEFAULT_TOP,
    TOTAL_LINE,
    ub04_calibration_pdf,
    ub04_pages,
    ub04_pdf,
)

CREATED = date(2026, 12, 7)


def words(pdf: bytes, tmp_path: Path, **kwargs) -> list[list[tuple[int, int, str]]]:
    return grid_words(pdf, tmp_path, top=DEFAULT_TOP, left=DEFAULT_LEFT, **kwargs)


def at(found: list[tuple[int, int, str]], line: int, column: int) -> str:
    return next((text for ln, col, text in found if (ln, col) == (line, column)), "")


def many_lines(count: int) -> ClaimSubmission:
    sub = submission("06-facility-premeds")
    lines = [sub.claim.lines[i % len(sub.claim.lines)] for i in range(count)]
    return sub.model_copy(update={"claim": sub.claim.model_copy(update={"lines": lines})})


def test_hospital_outpatient_claim_locators(tmp_path: Path) -> None:
    sub = submission("06-facility-premeds")
    [page] = words(ub04_pdf(sub, created=CREATED), tmp_path)
    assert at(page, 2, 77) == "0131"  # FL 4
    assert at(page, 1, 59) == "42"  # FL 3a: the visit id
    assert at(page, 4, 51) == "00-7654321" and at(page, 4, 62) == "030426"  # FL 5, 6
    # FL 42-47, line 1: J2350 separately payable with the NDC in FL 43
    assert [at(page, 23, c) for c in (1, 6, 22, 31, 37, 45)] == \
        ["0636", "N450242015001", "ML10", "J2350", "JZ", "030426"]
    assert at(page, 23, 56) == "300" and at(page, 23, 62) == "21600"  # FL 46, 47
    assert [at(page, 23 + n, 1) for n in range(7)] == \
        ["0636", "0260", "0260", "0250", "0260", "0250", "0260"]
    assert at(page, 24, 31) == "96365"
    assert at(page, TOTAL_LINE, 1) == "0001" and at(page, TOTAL_LINE, 62) == "22035"
    assert at(page, TOTAL_LINE, 9) == "PAGE"
    assert at(page, 47, 66) == "1122334455"  # FL 56 NPI
    assert at(page, 47, 25) == "EXH01"  # FL 51
    assert at(page, 51, 30) == "XQ7710023" and at(page, 51, 27) == "18"  # FL 60, 59
    assert at(page, 56, 1) == "0G35A"  # FL 66 "0" and FL 67 side by side
    assert at(page, 59, 56) == "1987654328"  # FL 76 attending
    assert at(page, 63, 56) == "1456789019"  # FL 78 ordering


def test_replacement_is_type_of_bill_0137_with_the_original_number(tmp_path: Path) -> None:
    sub = submission("06-facility-premeds", frequency="7", original_claim_number="A1B2C3")
    [page] = words(ub04_pdf(sub, created=CREATED), tmp_path)
    assert at(page, 2, 77) == "0137" and at(page, 54, 31) == "A1B2C3"


def test_twenty_two_lines_a_page_and_the_total_on_the_last(tmp_path: Path) -> None:
    sub = many_lines(30)
    first, second = words(ub04_pdf(sub, created=CREATED), tmp_path)
    assert at(first, 44, 1) != "" and at(first, TOTAL_LINE, 1) == "0001"
    assert [w for w in first if w[0] == TOTAL_LINE and w[1] >= 60] == []  # no total yet
    assert " ".join(t for ln, c, t in first if ln == TOTAL_LINE and c < 40) == \
        "0001 PAGE 1 OF 2"
    assert [at(second, 23 + n, 1) != "" for n in range(9)] == [True] * 8 + [False]
    dollars = f"{sub.claim.total_charge:.2f}".split(".")[0]
    assert dollars in {t for ln, c, t in second if ln == TOTAL_LINE}


def test_the_pdf_prints_exactly_the_placements(tmp_path: Path) -> None:
    sub = many_lines(23)
    pages = ub04_pages(sub, created=CREATED)
    assert [page_text(p) for p in words(ub04_pdf(sub, created=CREATED), tmp_path)] == \
        [as_text(p) for p in pages]
    assert all(overlaps(p) == [] for p in pages)


def test_twelve_diagnoses_fit_in_fl67(tmp_path: Path) -> None:
    sub = submission("06-facility-premeds")
    codes = ["G35A"] + [f"Z7{n:02d}" for n in range(11)]
    sub = sub.model_copy(update={"claim": sub.claim.model_copy(update={"diagnoses": codes})})
    [page] = words(ub04_pdf(sub, created=CREATED), tmp_path)
    assert at(page, 56, 11) == "Z700" and at(page, 56, 74) == "Z707"
    assert at(page, 57, 11) == "Z708" and at(page, 57, 29) == "Z710"


def test_preview_and_calibration(tmp_path: Path) -> None:
    sub = submission("06-facility-premeds")
    plain = words(ub04_pdf(sub, created=CREATED), tmp_path)
    preview = words(ub04_pdf(sub, created=CREATED, background=True), tmp_path, grid_only=True)
    assert set(plain[0]) <= set(preview[0])
    assert ub04_calibration_pdf().startswith(b"%PDF")

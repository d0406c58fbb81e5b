"""The billing checklist PDF, read back: every item with its box, verdict and reason as the
core evaluated it, the manual boxes, the signature line; and the page is not blank."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from example_visits import example_names, load_example
from pdf_pages import flat, ink, page_texts, render_pngs

from ocrebill_gui.core import compute
from ocrebill_gui.core.checklist import MANUAL, evaluate_checklist
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports import checklist_pdf, render_checklist

COMPUTABLE = [n for n in example_names() if "exit_code" not in load_example(n)[1]]
MARK = {"done": "\u2611", "not_done": "\u2612", "attention": "\u26a0"}


def write_checklist(name: str, folder: Path) -> Path:
    document = parse_visit(load_example(name)[0])
    return render_checklist(document, compute(document), demo_practice(),
                            folder / "checklist.pdf", printed_at=datetime(2026, 3, 4, 16, 45))


@pytest.mark.parametrize("name", COMPUTABLE)
def test_every_item_is_printed_with_its_verdict_and_reason(name: str, tmp_path: Path) -> None:
    document = parse_visit(load_example(name)[0])
    checklist = evaluate_checklist(document, compute(document))
    pages = page_texts(write_checklist(name, tmp_path))
    assert len(pages) == 1
    text = flat(pages[0])
    for item in checklist.automatic:
        assert flat(f"{MARK[item.verdict]} {item.title}") in text, item.title
        assert flat(f"{item.verdict_text} {item.reason}") in text, item.id
    for item in checklist.manual:
        assert f"\u2610 {item.title}" in text
    assert text.count("Initials") == len(MANUAL)
    for phrase in ("BILLING CHECKLIST", "Okafor, Grace", "Date of service 03/04/2026",
                   "Checked by (biller)", "Approved for submission", "Page 1 of 1"):
        assert phrase in text, phrase


@pytest.mark.parametrize(("name", "phrases"), [
    ("01-standard-600mg", ["Done J2350: JZ appended: 600 of 600 mg used, no waste",
                           "Done Diagnosis G35.A is billable for this date",
                           "Done Stop time recorded: 12:30",
                           "Done 210 running min: 96366 x2",
                           "Automatic checks: 11 done, 0 not done, 1 needs attention."]),
    ("05-waste-jw-line", ["Done J2350: JW line for 20 units: 280 of 300 mg used, 20 mg "
                          "discarded"]),
    ("06-facility-premeds", ["Automatic checks: 12 done, 0 not done, 0 need attention.",
                             "Ready once the boxes under 'Confirm by hand' are ticked.",
                             "UB-04 (837I)"]),
    ("07-missing-stop-time", ["\u2612 Start and stop time recorded for every infusion "
                              "Not done Ocrevus: no stop time recorded",
                              "Not ready: fix every item marked Not done"]),
    ("08-bare-g35", ["\u2612 Diagnosis billable on the date of service",
                     "Not done G35 is a category since 2025-10-01, not billable"]),
    ("10-shipped-medicare-profile", ["Done Not required: traditional Medicare has no prior "
                                     "authorization for Part B drugs"]),
])
def test_example_verdicts_read_as_a_biller_expects(name: str, phrases: list[str],
                                                   tmp_path: Path) -> None:
    text = flat(page_texts(write_checklist(name, tmp_path))[0])
    for phrase in phrases:
        assert phrase in text, phrase


def test_the_rules_behind_the_checks_are_printed_as_rules(tmp_path: Path) -> None:
    """Each check says what the rule is (staff read "Corrected: ..." as their own mistake)."""
    text = flat(page_texts(write_checklist("01-standard-600mg", tmp_path))[0])
    assert "Rule: Since July 2023 every single-dose drug line carries JW (amount discarded) or" \
        in text
    assert "J7512 is oral prednisone" in text
    assert "The payer decides: Medicare accepts the complex codes" in text
    assert "Corrected" not in text and "avoid chemo codes" not in text


def test_page_is_not_blank_and_embeds_the_checkbox_font(tmp_path: Path) -> None:
    pdf = write_checklist("07-missing-stop-time", tmp_path)
    [png] = render_pngs(pdf, tmp_path / "page")
    assert ink(png) > 0.02
    assert ink(png, 0.25, 0.85) > 0.03, "the items"
    data = pdf.read_bytes()
    assert b"DejaVuSans" in data and b"/FontFile2" in data


def test_bytes_variant_matches_the_file(tmp_path: Path) -> None:
    document = parse_visit(load_example("01-standard-600mg")[0])
    claim = compute(document)
    at = datetime(2026, 3, 4, 16, 45)
    path = render_checklist(document, claim, demo_practice(), tmp_path / "c.pdf", printed_at=at)
    assert path.read_bytes() == checklist_pdf(document, claim, demo_practice(), printed_at=at)


def test_written_file_is_private_whatever_the_umask_and_no_temporary_is_left(
        tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        path = write_checklist("01-standard-600mg", tmp_path)
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o600  # it names a patient
    assert [p.name for p in tmp_path.iterdir()] == ["checklist.pdf"]

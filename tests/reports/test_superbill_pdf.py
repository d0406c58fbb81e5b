"""The superbill PDF, read back as text and rendered to PNG: codes, modifiers, units, NDC,
pointers, patient, charges from the fee schedule and the total, for every shared example."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from core.builders import given, ocrevus, visit
from example_visits import example_names, load_example
from pdf_pages import flat, ink, page_texts, render_pngs

from ocrebill_gui.core import compute
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import PracticeSettings, demo_practice
from ocrebill_gui.reports import (
    MissingForPrint,
    default_file_name,
    render_superbill,
    superbill_pdf,
)

COMPUTABLE = [n for n in example_names() if "exit_code" not in load_example(n)[1]]
PRINTED_AT = datetime(2026, 3, 4, 16, 45)
# One row of the services table in `pdftotext -layout` (a wrapped description continues on the
# next line; everything else of the row stays on its first line).
ROW = re.compile(
    r"^\s*\d+\s+(?P<code>[A-Z]\d{4}|\d{5})\s+(?P<mods>(?:J[WZ]\s+)*)(?P<label>\S.*?)\s+"
    r"(?P<pointers>[A-L]{1,4})\s+(?P<units>\d+)\s+(?:(?P<ndc>N4\d{11}(?: (?:ML|UN)[\d.]+)?)\s+)?"
    r"(?P<fee>\$[\d,]+\.\d\d|-)\s+(?P<charge>\$[\d,]+\.\d\d|no fee)\s*$", re.MULTILINE)


def write_superbill(document: dict, folder: Path, practice: PracticeSettings | None = None
                    ) -> Path:
    parsed = parse_visit(document)
    return render_superbill(parsed, compute(parsed), practice or demo_practice(),
                            folder / "superbill.pdf", printed_at=PRINTED_AT, force=True)


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


@pytest.mark.parametrize("name", COMPUTABLE)
def test_example_superbill_says_what_the_claim_says(name: str, tmp_path: Path) -> None:
    document, expected = load_example(name)
    pdf = write_superbill(document, tmp_path)
    pages = page_texts(pdf, layout=True)
    assert len(pages) == 1, "a normal visit fits one page"
    rows = [m.groupdict() for m in ROW.finditer(pages[0])]
    summed: dict[tuple[str, tuple[str, ...]], int] = {}
    for row in rows:
        key = (row["code"], tuple(row["mods"].split()))
        summed[key] = summed.get(key, 0) + int(row["units"])
    want: dict[tuple[str, tuple[str, ...]], int] = {}
    for line in expected["lines"]:
        key = (line["code"], tuple(line["modifiers"]))
        want[key] = want.get(key, 0) + line["units"]
    assert summed == want
    assert {row["pointers"] for row in rows} == {"A"}
    # Charges: the demo fee schedule times the expected units, and their total.
    fees = demo_practice().fee_schedule
    for row in rows:
        fee = fees[row["code"]]
        assert (row["fee"], row["charge"]) == (money(fee), money(fee * int(row["units"])))
    total = sum((fees[line["code"]] * line["units"] for line in expected["lines"]), Decimal(0))
    assert re.search(rf"Total charges\s+{re.escape(money(total))}", pages[0])
    text = flat(page_texts(pdf)[0])
    patient = document["patient"]
    for phrase in (patient["name"], patient["member_id"], "Date of service 03/04/2026",
                   "Date of birth 02/17/1984", "Page 1 of 1", "Lakeside Neurology Infusion",
                   "NPI 1234567893", "Tax ID 00-0000000", "Rendering provider signature"):
        assert phrase in text, phrase
    for want_line in expected["lines"]:
        if "ndc" in want_line:
            assert any(row["ndc"] and row["ndc"].startswith(f"N4{want_line['ndc']} ")
                       for row in rows if row["code"] == want_line["code"])


def test_ocrevus_line_carries_the_ndc_as_billers_write_it(tmp_path: Path) -> None:
    pdf = write_superbill(load_example("01-standard-600mg")[0], tmp_path)
    rows = [m.groupdict() for m in ROW.finditer(page_texts(pdf, layout=True)[0])]
    j2350 = next(r for r in rows if r["code"] == "J2350")
    assert (j2350["mods"].split(), j2350["units"], j2350["ndc"]) == (
        ["JZ"], "600", "N450242015001 ML20")
    assert j2350["label"] == "Ocrelizumab, 1 mg"
    assert next(r for r in rows if r["code"] == "96366")["units"] == "2"


def test_diagnoses_are_listed_with_descriptions_and_letters(tmp_path: Path) -> None:
    document = visit(ocrevus(), diagnoses=["G35.B1", "R53.83"])
    text = flat(page_texts(write_superbill(document, tmp_path))[0])
    assert "A G35.B1 Active primary progressive multiple sclerosis" in text
    assert "B R53.83 Other fatigue" in text


def test_a_diagnosis_is_marked_only_when_not_billable_on_the_date_of_service(
        tmp_path: Path) -> None:
    document = load_example("08-bare-g35")[0]
    text = flat(page_texts(write_superbill(document, tmp_path))[0])
    assert "A G35 Multiple sclerosis (not billable on this date: see the findings)" in text
    document["date_of_service"] = "2025-03-04"  # G35 was billable until 2025-09-30
    for admin in document["administrations"]:
        for event in admin["events"]:
            event["at"] = event["at"].replace("2026-", "2025-")
    text = flat(page_texts(write_superbill(document, tmp_path))[0])
    assert "A G35 Multiple sclerosis" in text and "not billable" not in text


def test_open_findings_are_printed_and_infos_are_not(tmp_path: Path) -> None:
    text = flat(page_texts(write_superbill(load_example("07-missing-stop-time")[0],
                                           tmp_path))[0])
    assert "ERROR Ocrevus: no stop time recorded" in text
    clean = flat(page_texts(write_superbill(load_example("04-pause-excluded")[0],
                                            tmp_path))[0])
    assert "None No errors or warnings." in clean
    assert "paused min excluded" not in clean  # an info finding, shown on screen only


def test_no_ama_descriptor_text(tmp_path: Path) -> None:
    text = flat(page_texts(write_superbill(load_example("06-facility-premeds")[0],
                                           tmp_path))[0]).lower()
    assert "intravenous infusion, for therapy, prophylaxis, or diagnosis" not in text
    assert "iv infusion, therapeutic, initial (16-90 min)" in text


def test_fee_schedule_is_the_practice_data(tmp_path: Path) -> None:
    practice = demo_practice().model_copy(update={"fee_schedule": {"J2350": Decimal("100")}})
    pdf = write_superbill(load_example("01-standard-600mg")[0], tmp_path, practice)
    layout = page_texts(pdf, layout=True)[0]
    rows = {m["code"]: m.groupdict() for m in ROW.finditer(layout)}
    assert rows["J2350"]["charge"] == "$60,000.00"
    assert rows["96365"]["charge"] == "no fee"
    assert re.search(r"Total charges \(2 lines without a fee not included\)\s+\$60,000\.00",
                     layout)


def test_long_visit_flows_to_a_second_page_with_the_header_repeated(tmp_path: Path) -> None:
    pushes = [given(f"dph{i}", "diphenhydramine", 25, f"{8 + i // 2:02d}:{(i % 2) * 31:02d}")
              for i in range(24)]
    document = visit(ocrevus(start="07:00"), *pushes, setting="hospital_outpatient")
    pdf = write_superbill(document, tmp_path)
    pages = page_texts(pdf)
    assert len(pages) == 2
    second = flat(pages[1])
    for phrase in ("Lakeside Neurology Infusion Center (DEMO)", "SUPERBILL", "NPI 1234567893",
                   "Demo, Test - date of service 03/04/2026 continued", "Page 2 of 2"):
        assert phrase in second, phrase
    assert "Page 1 of 2" in flat(pages[0])
    # The table header repeats on the page the services or administrations continue on.
    assert "Code Mod Description" in second or "Drug Route, dose Time" in second
    assert "Rendering provider signature" in second


def test_pages_render_with_ink_where_the_content_is(tmp_path: Path) -> None:
    pdf = write_superbill(load_example("06-facility-premeds")[0], tmp_path)
    [png] = render_pngs(pdf, tmp_path / "page")
    assert ink(png) > 0.02
    assert ink(png, 0.03, 0.12) > 0.02, "practice header"
    assert ink(png, 0.25, 0.55) > 0.03, "diagnoses and services"
    assert ink(png, 0.93, 0.98) > 0.002, "footer"


def test_embeds_dejavu_and_is_reproducible_with_a_fixed_print_time(tmp_path: Path) -> None:
    document = parse_visit(load_example("01-standard-600mg")[0])
    claim = compute(document)
    first = superbill_pdf(document, claim, demo_practice(), printed_at=PRINTED_AT)
    assert first == superbill_pdf(document, claim, demo_practice(), printed_at=PRINTED_AT)
    assert b"DejaVuSans" in first and b"/FontFile2" in first


def test_a_superbill_needs_the_patient() -> None:
    document = load_example("01-standard-600mg")[0]
    del document["patient"]
    parsed = parse_visit(document)
    with pytest.raises(MissingForPrint, match="patient"):
        superbill_pdf(parsed, compute(parsed), demo_practice())


@pytest.mark.parametrize(("patient", "name"), [
    ({"name": "Okafor, Grace"}, "Okafor-Grace_2026-03-04_superbill.pdf"),
    ({"name": "Núñez-Peña, José María"}, "Nunez-Pena-Jose-Maria_2026-03-04_superbill.pdf"),
    ({"id": "P-2001"}, "P-2001_2026-03-04_superbill.pdf"),
    (None, "visit_2026-03-04_superbill.pdf"),
])
def test_default_file_name(patient: dict | None, name: str) -> None:
    document = load_example("01-standard-600mg")[0]
    document["patient"] = patient
    assert default_file_name(parse_visit(document), "superbill") == name


def test_a_draft_says_so_on_every_page(tmp_path):
    from ocrebill_gui.core.engine import parse_visit
    from ocrebill_gui.core.practice import demo_practice
    from ocrebill_gui.reports import render_pdf

    document = load_example("01-standard-600mg")[0]
    args = (parse_visit(document), compute(document), demo_practice())
    (tmp_path / "draft.pdf").write_bytes(render_pdf("superbill", *args, draft=True))
    (tmp_path / "final.pdf").write_bytes(render_pdf("superbill", *args))
    draft = flat(" ".join(page_texts(tmp_path / "draft.pdf")))
    assert "DRAFT" in draft and "not finalized" in draft
    assert "DRAFT" not in flat(" ".join(page_texts(tmp_path / "final.pdf")))
    render_pngs(tmp_path / "draft.pdf", tmp_path / "draft")


def test_a_billable_code_with_another_error_is_not_marked_not_billable(tmp_path: Path) -> None:
    document = load_example("01-standard-600mg")[0]
    document["diagnoses"] = ["R51.9"]  # billable, but no MS indication for Ocrevus (an error)
    text = flat(page_texts(write_superbill(document, tmp_path))[0])
    assert "R51.9 Headache, unspecified" in text and "not billable" not in text

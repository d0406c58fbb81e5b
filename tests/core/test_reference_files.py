"""The reference-data parsers on files in the published layouts (tests/fixtures/reference_data):
the CMS ASP pricing file, CMS's ICD-10-CM order file, the practice's fee schedule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ocrebill_gui.core.asp_file import Quarter, parse_asp_file, read_asp_file
from ocrebill_gui.core.fee_schedule import parse_fee_schedule, read_fee_schedule
from ocrebill_gui.core.icd10_order_file import (
    fiscal_year_dates,
    fiscal_year_of,
    parse_icd10_order_file,
    read_icd10_order_file,
)
from ocrebill_gui.core.reference_files import ReferenceFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
ASP_Q2 = FIXTURES / "april-2026-asp-pricing-file.csv"
ASP_OLD = FIXTURES / "July 2022 ASP Pricing File.csv"
ORDER_2027 = FIXTURES / "icd10cm_order_2027.txt"
FEES = FIXTURES / "fees-2026.csv"


def refusal(call, *args, **kwargs) -> ReferenceFileError:
    with pytest.raises(ReferenceFileError) as caught:
        call(*args, **kwargs)
    return caught.value


def assert_refused(error: ReferenceFileError, line: int, column: int, words: str) -> None:
    assert (error.line, error.column) == (line, column) and words in str(error), str(error)


# -- ASP pricing file ----------------------------------------------------------------------
def test_asp_file_current_layout_read_by_header_name_with_its_quarter() -> None:
    prices = read_asp_file(ASP_Q2)
    assert (str(prices.quarter), prices.quarter_from) == ("2026Q2", "line 2")
    assert prices.has_coinsurance_column and len(prices) == 9
    ocrevus = prices.price("J2350")
    assert ocrevus is not None
    assert (ocrevus.short_description, ocrevus.dosage) == ("Injection, ocrelizumab, 1 mg", "1 MG")
    assert ocrevus.payment_limit == Decimal("59.596") and ocrevus.coinsurance_percent == 20
    assert prices.price("J9312").coinsurance_percent == Decimal("17.503")  # IRA: below 20 %


def test_asp_file_is_latin_1_and_a_blank_limit_is_no_limit() -> None:
    row = read_asp_file(ASP_Q2).price("J9999")
    assert row is not None and row.short_description == "Ocré test drug without a limit"
    assert row.payment_limit is None and row.notes == "no limit this quarter"


def test_older_layout_without_coinsurance_and_the_quarter_from_the_name() -> None:
    prices = read_asp_file(ASP_OLD)
    assert (str(prices.quarter), prices.quarter_from) == ("2022Q3", "the file name")
    assert not prices.has_coinsurance_column
    assert prices.price("J2350").coinsurance_percent is None
    assert prices.price("J2350").payment_limit == Decimal("61.417")


def test_the_quarter_given_must_agree_with_the_file() -> None:
    assert str(read_asp_file(ASP_Q2, "2026Q2").quarter) == "2026Q2"
    error = refusal(read_asp_file, ASP_Q2, "2026Q3")
    assert "2026Q2 (line 2)" in str(error) and "2026Q3" in str(error)
    nameless = ASP_OLD.read_bytes()
    assert refusal(parse_asp_file, nameless, name="prices.csv").problem.startswith(
        "no quarter")
    given = parse_asp_file(nameless, name="prices.csv", quarter="Q3 2022")
    assert (str(given.quarter), given.quarter_from) == ("2022Q3", "given")
    assert "not a quarter" in str(refusal(parse_asp_file, nameless, name="x.csv",
                                          quarter="2022-13"))


def test_a_broken_asp_line_is_named_and_nothing_is_returned() -> None:
    error = refusal(read_asp_file, FIXTURES / "asp-broken-line.csv")
    assert (error.line, error.column, error.field) == (9, 4, "Payment Limit")
    assert "'59.59x'" in str(error)


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("Title\nJ2350,x,1 MG,1.0\n", 2, 1, "no header row"),
    ("Title 2026Q2\nHCPCS Code,Short Description,Payment Limit\nJ2350,x,1\n", 2, 4,
     "no HCPCS Code Dosage"),
    ("2026Q2\nHCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\nJ23,x,1 MG,1\n",
     3, 1, "not a HCPCS code"),
    ("2026Q2\nHCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,"
     "Co-insurance Percentage\nJ2350,x,1 MG,1,120\n", 3, 5, "percentage from 0 to 100"),
    ("2026Q2\nHCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n"
     "J2350,x,1 MG,1\n\nJ2350,y,1 MG,2\n", 5, 1, "already on line 3"),
    ("2026Q2\nHCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n"
     'J2350,"open quote,1 MG,1\n', 3, 1, "not readable as CSV"),
])
def test_asp_refusals_name_line_and_column(text: str, line: int, column: int,
                                           words: str) -> None:
    assert_refused(refusal(parse_asp_file, text.encode("iso-8859-1"), name="asp.csv"),
                   line, column, words)


def test_quarter_dates() -> None:
    assert (Quarter(2026, 2).first_day, Quarter(2026, 2).last_day) == (
        date(2026, 4, 1), date(2026, 6, 30))
    assert Quarter(2026, 4).last_day == date(2026, 12, 31)
    assert Quarter.of(date(2026, 9, 30)) == Quarter.parse("2026q3")


# -- ICD-10-CM order file ------------------------------------------------------------------
def test_order_file_codes_with_dots_billable_and_header_rows() -> None:
    codes = read_icd10_order_file(ORDER_2027, 2027)
    assert (codes.fiscal_year, codes.valid_from, codes.valid_to) == (
        2027, date(2026, 10, 1), date(2027, 9, 30))
    by_code = {c.code: c for c in codes.codes}
    assert not by_code["G35"].billable and by_code["G35.A"].billable
    assert by_code["G35.B0"].short_description.startswith("Primary progressive")
    assert by_code["Z51.11"].order == 13 and len(codes.codes) == 13
    assert codes.billable_count == 10


def test_order_file_year_from_the_name_and_a_mismatch_refused() -> None:
    assert read_icd10_order_file(ORDER_2027).fiscal_year == 2027
    error = refusal(read_icd10_order_file, ORDER_2027, 2026)
    assert "FY2027, not FY2026" in str(error)
    assert "give it" in str(refusal(parse_icd10_order_file, ORDER_2027.read_bytes(),
                                    name="codes.txt"))


def test_a_broken_order_line_is_named() -> None:
    error = refusal(read_icd10_order_file, FIXTURES / "icd10cm_order_2027-broken.txt", 2027)
    assert (error.line, error.column) == (6, 15) and "header flag '2'" in str(error)


@pytest.mark.parametrize(("line", "column", "words"), [
    ("0000A G35A    1 " + "x" * 60 + " long", 1, "5-digit order number"),
    ("00001 G35A    1 " + "x" * 60 + " ", 78, "ends at column 77"),
    ("00001 G35A    1 " + "x" * 60 + "-long", 77, "expected a space"),
    ("00001 35A     1 " + "x" * 60 + " long", 7, "not an ICD-10-CM code"),
    ("00001 G35A    1 " + " " * 60 + " long", 17, "short description is empty"),
])
def test_order_file_refusals(line: str, column: int, words: str) -> None:
    assert_refused(refusal(parse_icd10_order_file, line.encode(), name="order.txt", year=2027),
                   1, column, words)


def test_fiscal_year_in_force_on_a_date_of_service() -> None:
    assert fiscal_year_of(date(2026, 9, 30)) == 2026
    assert fiscal_year_of(date(2026, 10, 1)) == 2027
    assert fiscal_year_dates(2026) == (date(2025, 10, 1), date(2026, 9, 30))


# -- fee schedule --------------------------------------------------------------------------
def test_fee_schedule_rows_with_dates_charges_and_payer_rates() -> None:
    fees = read_fee_schedule(FEES)
    assert len(fees.rows) == 12
    day = date(2026, 5, 12)
    assert fees.charge("96365", [], "office", day).amount == Decimal("250.00")
    assert fees.rate("96365", [], "office", ["medicare"], day).amount == Decimal("67.14")
    assert fees.rate("96365", [], "office", ["medicare"], date(2025, 5, 1)).amount == Decimal(
        "57.90")
    assert fees.rate("96365", [], "hospital_outpatient", ["medicare"], day).amount == Decimal(
        "210.69")
    assert fees.rate("96365", ["JZ"], "office", ["medicare-jh", "medicare"], day).line == 7
    assert fees.rate("96365", [], "home", ["medicare"], day) is None
    assert fees.charge("J2350", ["JZ"], "office", day).amount == Decimal("75.00")


def test_overlapping_rows_for_the_same_key_are_refused_naming_both_lines() -> None:
    error = refusal(read_fee_schedule, FIXTURES / "fees-overlap.csv")
    assert error.line == 14 and "overlaps line 7" in str(error)


def test_a_broken_fee_line_is_named() -> None:
    error = refusal(read_fee_schedule, FIXTURES / "fees-broken-line.csv")
    assert (error.line, error.column, error.field) == (8, 5, "amount")


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("code,amount\n", 1, 3, "no modifier, setting, payer, effective_from"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to,price\n", 1, 8,
     "unknown column"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to\n"
     "96365,,clinic,,1,2026-01-01,\n", 2, 3, "not one of office"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to\n"
     "96365,,,,1,2026-02-30,\n", 2, 6, "not a date"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to\n"
     "96365,,,,1,2026-02-01,2026-01-01\n", 2, 7, "before effective_from"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to\n"
     "96365,,,,1,,\n", 2, 6, "is empty"),
    ("code,modifier,setting,payer,amount,effective_from,effective_to\n", 2, 1, "no fee rows"),
])
def test_fee_schedule_refusals(text: str, line: int, column: int, words: str) -> None:
    assert_refused(refusal(parse_fee_schedule, text.encode(), name="fees.csv"), line, column,
                   words)


def test_fee_schedule_in_utf8_or_windows_1252_and_other_bytes_named() -> None:
    header = "code,modifier,setting,payer,amount,effective_from,effective_to,note\n"
    row = "96365,,,,1,2026-01-01,,caf\u00e9 \u20ac\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        [fee] = parse_fee_schedule((header + row).encode(encoding), name="fees.csv").rows
        assert fee.note == "caf\u00e9 \u20ac"
    data = (header + "96365,,,,1,2026-01-01,\n").encode() + b"96366,,,\x81\n"
    error = refusal(parse_fee_schedule, data, name="fees.csv")
    assert (error.line, error.column) == (3, 9) and "UTF-8" in str(error)


def test_an_asp_file_resaved_as_utf8_reads_the_same() -> None:
    latin = ASP_Q2.read_bytes()
    resaved = b"\xef\xbb\xbf" + latin.decode("iso-8859-1").encode("utf-8")
    again = parse_asp_file(resaved, name=ASP_Q2.name)
    assert again.prices == read_asp_file(ASP_Q2).prices

"""The CMS ASP pricing file (Medicare Part B drug payment limits), read to typed records.

As CMS publishes it each quarter: CSV in ISO-8859-1 (UTF-8 accepted too), title lines (the
preamble) above the header row whose first cell is `HCPCS Code`, columns read by header name
(current layout: HCPCS Code, Short Description, HCPCS Code Dosage, Payment Limit,
Co-insurance Percentage, Vaccine AWP%, Vaccine Limit, Blood AWP%, Blood Limit, Clotting
Factor, Notes; files before April 2023 lack Co-insurance Percentage). The payment limit already
is ASP x 1.06, per billing unit ("1 MG"). The quarter comes from the preamble ("Effective July
1, 2026 through ..."), else the file name ("july-2026-asp-pricing-file.csv", "2026Q3"), else
the caller (`--quarter`).

parse_asp_file() returns every row or raises one ReferenceFileError: nothing partial.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ocrebill_gui.core.money import parse_amount, parse_percent
from ocrebill_gui.core.reference_files import ReferenceFileError, csv_rows, shown_text

ENCODING = "iso-8859-1"
_HEADER_FIRST = {"hcpcs code", "hcpcs"}
_COLUMNS = {  # header text (case and spacing ignored) -> record field
    "hcpcs code": "hcpcs", "hcpcs": "hcpcs",
    "short description": "short_description", "short descriptor": "short_description",
    "hcpcs code dosage": "dosage", "dosage": "dosage",
    "payment limit": "payment_limit",
    "co-insurance percentage": "coinsurance", "coinsurance percentage": "coinsurance",
    "notes": "notes",
}
_REQUIRED = {"hcpcs": "HCPCS Code", "short_description": "Short Description",
             "dosage": "HCPCS Code Dosage", "payment_limit": "Payment Limit"}
_HCPCS = re.compile(r"[A-Z0-9]{5}")
_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1)
    for name in names}
_MONTH_YEAR = re.compile(
    r"(?<![a-z])(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) +
    r")\.?[\s_-]*(?:\d{1,2},?[\s_-]*)?((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
_QUARTER = re.compile(r"(?<!\d)((?:19|20)\d\d)[\s_-]?Q([1-4])(?!\d)|(?<![a-z])Q([1-4])[\s_-]*"
                      r"((?:19|20)\d\d)(?!\d)", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter of ASP prices: 2026Q3 is 1 July to 30 September 2026."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q3', '2026-Q3', 'Q3 2026'; ValueError naming the expected form otherwise."""
        match = _QUARTER.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{shown_text(text)} is not a quarter such as 2026Q3")
        year, number = (match[1], match[2]) if match[1] else (match[4], match[3])
        return cls(int(year), int(number))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        after = Quarter(self.year + self.number // 4, self.number % 4 + 1).first_day
        return after - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AspPrice:
    """One HCPCS code's row: the payment limit per billing unit (`dosage`), and the patient's
    coinsurance percentage when the file has that column (None: an older file, or blank)."""

    hcpcs: str
    short_description: str
    dosage: str
    payment_limit: Decimal | None  # blank in the file: CMS published no limit this quarter
    coinsurance_percent: Decimal | None
    notes: str
    line: int


@dataclass(frozen=True)
class AspFile:
    """A whole quarter's file: what `ocrebill data import asp` saves, with its name."""

    quarter: Quarter
    source_name: str
    has_coinsurance_column: bool
    prices: dict[str, AspPrice] = field(repr=False)
    quarter_from: str  # where the quarter came from: "line 2", "the file name", "given"

    def price(self, hcpcs: str) -> AspPrice | None:
        return self.prices.get(hcpcs)

    def __len__(self) -> int:
        return len(self.prices)


def read_asp_file(path: Path, quarter: str | Quarter | None = None) -> AspFile:
    """parse_asp_file() of a file on disk (OSError when it cannot be read)."""
    return parse_asp_file(path.read_bytes(), name=path.name, quarter=quarter)


def parse_asp_file(data: bytes, *, name: str,
                   quarter: str | Quarter | None = None) -> AspFile:
    """Every price row of an ASP pricing file, or one ReferenceFileError."""
    given = _given_quarter(quarter, name)
    text = _decoded(data)
    rows = csv_rows(text, name)
    header_line, header = _find_header(rows, name)
    preamble = [(line, " ".join(cells)) for line, cells in header_line[1]]
    found = _quarter_in(preamble, name)
    chosen = _chosen_quarter(given, found, name, header_line[0])
    columns = _columns(header, header_line[0], name)
    prices: dict[str, AspPrice] = {}
    for line, cells in rows:
        prices_row = _price(cells, columns, line, name)
        if prices_row is None:
            continue
        earlier = prices.get(prices_row.hcpcs)
        if earlier is not None:
            raise ReferenceFileError(name, line, columns["hcpcs"] + 1,
                                     f"{prices_row.hcpcs} is already on line {earlier.line}",
                                     field="HCPCS Code")
        prices[prices_row.hcpcs] = prices_row
    if not prices:
        raise ReferenceFileError(name, header_line[0], 1, "no price rows after the header")
    return AspFile(quarter=chosen[0], source_name=name, quarter_from=chosen[1],
                   has_coinsurance_column="coinsurance" in columns, prices=prices)


def _decoded(data: bytes) -> str:
    """ISO-8859-1 as CMS publishes it; a file re-saved as UTF-8 (Excel's "CSV UTF-8", with or
    without its BOM) is read as UTF-8: Latin-1 text is practically never valid UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(ENCODING)  # every byte is a Latin-1 character: never fails


def _given_quarter(quarter: str | Quarter | None, name: str) -> Quarter | None:
    if quarter is None or isinstance(quarter, Quarter):
        return quarter
    try:
        return Quarter.parse(quarter)
    except ValueError as exc:
        raise ReferenceFileError(name, 1, 1, f"--quarter: {exc}") from None


def _find_header(rows: Iterator[tuple[int, list[str]]], name: str
                 ) -> tuple[tuple[int, list[tuple[int, list[str]]]], list[str]]:
    preamble: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        first = cells[0].strip().lstrip("\ufeff").casefold() if cells else ""
        if first in _HEADER_FIRST:
            return (line, preamble), cells
        preamble.append((line, cells))
    last = preamble[-1][0] if preamble else 1
    raise ReferenceFileError(name, last, 1,
                             "no header row starting with 'HCPCS Code': not an ASP pricing file")


def _columns(header: list[str], line: int, name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _COLUMNS.get(" ".join(cell.replace("\ufeff", "").split()).casefold())
        if key is None:
            continue
        if key in columns:
            raise ReferenceFileError(name, line, index + 1,
                                     f"{shown_text(cell)} appears twice in the header")
        columns[key] = index
    missing = [title for key, title in _REQUIRED.items() if key not in columns]
    if missing:
        raise ReferenceFileError(name, line, len(header) + 1,
                                 f"the header has no {', '.join(missing)} column")
    return columns


def _price(cells: list[str], columns: dict[str, int], line: int,
           name: str) -> AspPrice | None:
    if not any(cell.strip() for cell in cells):
        return None

    def cell(key: str) -> str:
        index = columns[key]
        return cells[index].strip() if index < len(cells) else ""

    def refuse(key: str, problem: str) -> ReferenceFileError:
        title = _REQUIRED.get(key) or ("Co-insurance Percentage" if key == "coinsurance"
                                       else key)
        return ReferenceFileError(name, line, columns[key] + 1, problem, field=title)

    code = cell("hcpcs").upper()
    if not _HCPCS.fullmatch(code):
        raise refuse("hcpcs", f"{shown_text(code)} is not a HCPCS code (5 letters or digits)")
    limit_text = cell("payment_limit")
    limit = parse_amount(limit_text) if limit_text else None
    if limit_text and limit is None:
        raise refuse("payment_limit", f"{shown_text(limit_text)} is not an amount such as 59.596")
    coinsurance = None
    if "coinsurance" in columns and cell("coinsurance"):
        coinsurance = parse_percent(cell("coinsurance"))
        if coinsurance is None:
            raise refuse("coinsurance", f"{shown_text(cell('coinsurance'))} is not a "
                                        "percentage from 0 to 100 such as 20.000")
    return AspPrice(hcpcs=code, short_description=cell("short_description"),
                    dosage=cell("dosage"), payment_limit=limit,
                    coinsurance_percent=coinsurance,
                    notes=cell("notes") if "notes" in columns else "", line=line)


def _quarter_in(preamble: list[tuple[int, str]], name: str) -> tuple[Quarter, str] | None:
    """The quarter the preamble names ("Effective July 1, 2026" first, then any month and
    year, then 2026Q3), else the file name's."""
    for texts in (preamble, [(0, name)]):
        for pattern in ("effective", ""):
            for line, text in texts:
                start = text.casefold().find(pattern) if pattern else 0
                found = _quarter_of_text(text[start:]) if start >= 0 else None
                if found is not None:
                    return found, f"line {line}" if line else "the file name"
    return None


def _quarter_of_text(text: str) -> Quarter | None:
    match = _MONTH_YEAR.search(text)
    if match:
        return Quarter.of(date(int(match[2]), _MONTHS[match[1].casefold()], 1))
    match = _QUARTER.search(text)
    if match:
        year, number = (match[1], match[2]) if match[1] else (match[4], match[3])
        return Quarter(int(year), int(number))
    return None


def _chosen_quarter(given: Quarter | None, found: tuple[Quarter, str] | None, name: str,
                    header_line: int) -> tuple[Quarter, str]:
    if given is not None and found is not None and given != found[0]:
        raise ReferenceFileError(name, 1, 1, f"the file is for {found[0]} ({found[1]}), not "
                                             f"{given} as given: check the file or --quarter")
    if given is not None:
        return given, "given"
    if found is None:
        raise ReferenceFileError(name, header_line, 1,
                                 "no quarter in the title lines or the file name: give it, "
                                 "e.g. --quarter 2026Q3")
    return found

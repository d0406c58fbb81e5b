"""CMS's ICD-10-CM order file (icd10cm_order_YYYY.txt), read to typed records.

Fixed width, one code a line: order number (5 digits, columns 1-5), a space, the code without
its dot (7, left-justified, columns 7-13), a space, the header flag (column 15: 1 = billable,
0 = a header such as a category), a space, the short description (60, columns 17-76), a space,
the long description (column 78 to the end). CMS publishes it in ASCII; a file that is not
UTF-8 is read as Latin-1 (both keep ASCII as it is). The fiscal year is given (`--year 2027`)
or read from the name (icd10cm_order_2027.txt); FY2027 is in force from 1 October 2026 to
30 September 2027 (fiscal_year_dates()).

parse_icd10_order_file() returns every code or raises one ReferenceFileError: nothing partial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ocrebill_gui.core.reference_files import ReferenceFileError, shown_text

_CODE = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}")
_NAME_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# Columns (0-based slices) of the fixed-width layout.
_ORDER, _CODE_AT, _FLAG_AT, _SHORT_AT, _LONG_AT = (0, 5), (6, 13), 14, (16, 76), 77
_SPACES = (5, 13, 15, 76)


def fiscal_year_of(day: date) -> int:
    """The ICD-10-CM fiscal year in force on a date of service: FY2027 from 2026-10-01."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_dates(year: int) -> tuple[date, date]:
    """First and last day of a fiscal year: FY2027 = 2026-10-01 to 2027-09-30."""
    return date(year - 1, 10, 1), date(year, 9, 30)


class InFiscalYear:
    """The first and last day of an object's `fiscal_year`."""

    fiscal_year: int

    @property
    def valid_from(self) -> date:
        return fiscal_year_dates(self.fiscal_year)[0]

    @property
    def valid_to(self) -> date:
        return fiscal_year_dates(self.fiscal_year)[1]


@dataclass(frozen=True, slots=True)
class OrderFileCode:
    order: int
    code: str  # with its dot, as the visit document writes it: G35.A, G35
    billable: bool
    short_description: str
    long_description: str
    line: int


@dataclass(frozen=True)
class Icd10OrderFile(InFiscalYear):
    """A whole fiscal year's code set: what `ocrebill data import icd10cm` saves."""

    fiscal_year: int
    source_name: str
    codes: tuple[OrderFileCode, ...]

    @property
    def billable_count(self) -> int:
        return sum(1 for c in self.codes if c.billable)


def dotted(code: str) -> str:
    """G35A -> G35.A; a three-character category keeps no dot."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def read_icd10_order_file(path: Path, year: int | None = None) -> Icd10OrderFile:
    """parse_icd10_order_file() of a file on disk (OSError when it cannot be read)."""
    return parse_icd10_order_file(path.read_bytes(), name=path.name, year=year)


def parse_icd10_order_file(data: bytes, *, name: str, year: int | None = None) -> Icd10OrderFile:
    """Every code of an order file for a fiscal year, or one ReferenceFileError."""
    fiscal_year = _fiscal_year(year, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("iso-8859-1")
    codes: list[OrderFileCode] = []
    seen: dict[str, int] = {}
    last_order = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        entry = _code_line(line, number, name)
        if entry.order <= last_order:
            raise ReferenceFileError(name, number, 1, f"order number {entry.order} is not after "
                                                      f"the previous line's {last_order}")
        if entry.code in seen:
            raise ReferenceFileError(name, number, _CODE_AT[0] + 1,
                                     f"{entry.code} is already on line {seen[entry.code]}")
        last_order = entry.order
        seen[entry.code] = number
        codes.append(entry)
    if not codes:
        raise ReferenceFileError(name, 1, 1, "no codes: not an ICD-10-CM order file")
    return Icd10OrderFile(fiscal_year=fiscal_year, source_name=name, codes=tuple(codes))


def _fiscal_year(year: int | None, name: str) -> int:
    in_name = [int(y) for y in _NAME_YEAR.findall(name)]
    if year is None:
        if len(set(in_name)) != 1:
            raise ReferenceFileError(name, 1, 1, "no fiscal year in the file name: give it, "
                                                 "e.g. --year 2027")
        year = in_name[0]
    if not 2015 <= year <= 2099:  # ICD-10-CM replaced ICD-9 on 2015-10-01 (FY2016)
        raise ReferenceFileError(name, 1, 1, f"--year {year} is not an ICD-10-CM fiscal year")
    if in_name and year not in in_name:
        raise ReferenceFileError(name, 1, 1, f"the file name says FY{in_name[0]}, not FY{year} "
                                             "as given: check the file or --year")
    return year


def _code_line(line: str, number: int, name: str) -> OrderFileCode:
    def refuse(column: int, problem: str) -> ReferenceFileError:
        return ReferenceFileError(name, number, column + 1, problem)

    if len(line) <= _LONG_AT:
        raise refuse(len(line), f"the line ends at column {len(line)}: an order-file line has "
                                "the long description from column 78")
    order = line[slice(*_ORDER)]
    if not (order.isascii() and order.isdigit()):
        raise refuse(0, f"{shown_text(order)} is not a 5-digit order number")
    for at in _SPACES:
        if line[at] != " ":
            raise refuse(at, f"expected a space, found {shown_text(line[at])} (fixed-width "
                             "columns: order 1-5, code 7-13, flag 15, short 17-76, long 78-)")
    code_field = line[slice(*_CODE_AT)]
    code = code_field.rstrip(" ")
    if not _CODE.fullmatch(code):
        raise refuse(_CODE_AT[0], f"{shown_text(code_field)} is not an ICD-10-CM code without "
                                  "its dot (such as G35A), left-justified in 7 columns")
    flag = line[_FLAG_AT]
    if flag not in "01":
        raise refuse(_FLAG_AT, f"header flag {shown_text(flag)}: must be 1 (billable) or 0 "
                               "(header)")
    short = line[slice(*_SHORT_AT)].strip()
    long = line[_LONG_AT:].strip()
    if not short:
        raise refuse(_SHORT_AT[0], "the short description is empty")
    if not long:
        raise refuse(_LONG_AT, "the long description is empty")
    return OrderFileCode(order=int(order), code=dotted(code), billable=flag == "1",
                         short_description=short, long_description=long, line=number)

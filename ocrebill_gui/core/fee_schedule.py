"""The practice's fee schedule: its charges and the payers' rates, with effective dates.

A CSV file with a header row (docs/reference-data.md, "Fee schedule"): code, modifier,
setting, payer, amount, effective_from, effective_to, and an optional note. A blank payer is
the practice's own charge (what it bills); a payer id (a payer profile's id, or a program:
medicare, medicaid) gives that payer's rate, e.g. Medicare's physician fee schedule amount for
96365 in the office. The amount is per billing unit. Two rows for the same code, modifier,
setting and payer must not overlap in time: such a file is refused, naming both lines.

parse_fee_schedule() returns every row or raises one ReferenceFileError: nothing partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ocrebill_gui.core.money import parse_amount
from ocrebill_gui.core.reference_files import ReferenceFileError, csv_rows, shown_text

COLUMNS = ("code", "modifier", "setting", "payer", "amount", "effective_from", "effective_to")
OPTIONAL = ("note",)
SETTINGS = ("office", "hospital_outpatient", "home")
_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_PAYER = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class FeeRow:
    code: str
    modifier: str  # "" for any modifier
    setting: str  # "" for every setting
    payer: str  # "" for the practice's own charge
    amount: Decimal  # per billing unit
    effective_from: date
    effective_to: date | None
    note: str
    line: int

    def effective_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.code, self.modifier, self.setting, self.payer


@dataclass(frozen=True)
class FeeSchedule:
    """The rows of one fee-schedule file, looked up by code, setting, payer and day."""

    source_name: str
    rows: tuple[FeeRow, ...]
    _by_code: dict[str, list[FeeRow]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, list[FeeRow]] = {}
        for row in self.rows:
            by_code.setdefault(row.code, []).append(row)
        object.__setattr__(self, "_by_code", by_code)

    def charge(self, code: str, modifiers: Sequence[str], setting: str,
               day: date) -> FeeRow | None:
        """The practice's charge for a line (blank payer)."""
        return self.rate(code, modifiers, setting, ("",), day)

    def rate(self, code: str, modifiers: Sequence[str], setting: str, payers: Iterable[str],
             day: date) -> FeeRow | None:
        """The row in effect on the day for the first payer that has one: a row for one of the
        line's modifiers before a row for any modifier, a row for the setting before a row for
        every setting."""
        candidates = [r for r in self._by_code.get(code, ()) if r.effective_on(day)]
        for payer in payers:
            for setting_wanted in (setting, ""):
                for modifier in (*modifiers, ""):
                    for row in candidates:
                        if (row.payer, row.setting, row.modifier) == (payer, setting_wanted,
                                                                      modifier):
                            return row
        return None


def read_fee_schedule(path: Path) -> FeeSchedule:
    """parse_fee_schedule() of a file on disk (OSError when it cannot be read)."""
    return parse_fee_schedule(path.read_bytes(), name=path.name)


def parse_fee_schedule(data: bytes, *, name: str) -> FeeSchedule:
    """Every row of a fee-schedule CSV (UTF-8 or Windows-1252), or one ReferenceFileError."""
    text = _decoded(data, name)
    rows: list[FeeRow] = []
    columns: dict[str, int] | None = None
    last = 1
    for line, cells in csv_rows(text, name):
        last = line
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            columns = _columns(cells, line, name)
            continue
        rows.append(_row(cells, columns, line, name))
    if columns is None:
        raise ReferenceFileError(name, 1, 1, f"empty: the header row ({','.join(COLUMNS)}) "
                                             "is missing")
    if not rows:
        raise ReferenceFileError(name, last + 1, 1, "no fee rows after the header")
    _refuse_overlaps(rows, columns, name)
    return FeeSchedule(source_name=name, rows=tuple(rows))


def _decoded(data: bytes, name: str) -> str:
    """UTF-8 (a BOM allowed), else Windows-1252 (what Excel's plain "CSV" saves on Windows);
    bytes neither can read are refused at their line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ReferenceFileError(name, line, column, "neither UTF-8 nor Windows-1252 text "
                                                     "(save the file as CSV UTF-8)") from None


def _columns(header: list[str], line: int, name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = cell.strip().casefold().replace(" ", "_")
        if title not in COLUMNS and title not in OPTIONAL:
            raise ReferenceFileError(name, line, index + 1,
                                     f"unknown column {shown_text(cell)}: the columns are "
                                     f"{', '.join(COLUMNS + OPTIONAL)}")
        if title in columns:
            raise ReferenceFileError(name, line, index + 1, f"{title} appears twice")
        columns[title] = index
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ReferenceFileError(name, line, len(header) + 1,
                                 f"the header has no {', '.join(missing)} column")
    return columns


def _row(cells: list[str], columns: dict[str, int], line: int, name: str) -> FeeRow:
    def cell(title: str) -> str:
        index = columns[title]
        return cells[index].strip() if index < len(cells) else ""

    def refuse(title: str, problem: str) -> ReferenceFileError:
        return ReferenceFileError(name, line, columns[title] + 1, problem, field=title)

    code = cell("code").upper()
    if not _CODE.fullmatch(code):
        raise refuse("code", f"{shown_text(code)} is not a CPT/HCPCS code (5 letters or digits)")
    modifier = cell("modifier").upper()
    if modifier and not _MODIFIER.fullmatch(modifier):
        raise refuse("modifier", f"{shown_text(modifier)} is not a modifier (2 letters or "
                                 "digits, or blank)")
    setting = cell("setting")
    if setting and setting not in SETTINGS:
        raise refuse("setting", f"{shown_text(setting)} is not one of {', '.join(SETTINGS)} "
                                "(or blank for every setting)")
    payer = cell("payer")
    if payer and not _PAYER.fullmatch(payer):
        raise refuse("payer", f"{shown_text(payer)} is not a payer profile id such as "
                              "medicare or aetna (or blank for the practice's charge)")
    amount = parse_amount(cell("amount"))
    if amount is None:
        raise refuse("amount", f"{shown_text(cell('amount'))} is not an amount such as 67.14")
    starts = _date(cell("effective_from"), lambda p: refuse("effective_from", p))
    if starts is None:
        raise refuse("effective_from", "is empty: give the first day the amount applies")
    ends = _date(cell("effective_to"), lambda p: refuse("effective_to", p))
    if ends is not None and ends < starts:
        raise refuse("effective_to", f"{ends} is before effective_from {starts}")
    note = cell("note") if "note" in columns else ""
    return FeeRow(code, modifier, setting, payer, amount, starts, ends, note, line)


def _date(text: str, refuse: Callable[[str], ReferenceFileError]) -> date | None:
    if not text:
        return None
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise refuse(f"{shown_text(text)} is not a date such as 2026-01-01")


def _refuse_overlaps(rows: list[FeeRow], columns: dict[str, int], name: str) -> None:
    by_key: dict[tuple[str, str, str, str], list[FeeRow]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    for same in by_key.values():
        same.sort(key=lambda r: (r.effective_from, r.line))
        for earlier, later in zip(same, same[1:], strict=False):
            if earlier.effective_to is None or later.effective_from <= earlier.effective_to:
                first, second = sorted((earlier, later), key=lambda r: r.line)
                raise ReferenceFileError(
                    name, second.line, columns["effective_from"] + 1,
                    f"{second.code} ({_key_text(second)}) {_period(second)} overlaps line "
                    f"{first.line} ({_period(first)}): end one before the other starts",
                    field="effective_from")


def _period(row: FeeRow) -> str:
    return f"{row.effective_from} to {row.effective_to or 'open-ended'}"


def _key_text(row: FeeRow) -> str:
    return ", ".join([f"modifier {row.modifier or 'any'}", f"setting {row.setting or 'any'}",
                      f"payer {row.payer or '(practice charge)'}"])

"""What the reference-data parsers share: their one error (the file, the line and the column
named) and reading CSV rows with the line each starts on.

The parsers (core/asp_file.py, core/icd10_order_file.py, core/fee_schedule.py) read a whole
file or refuse it: a file with one bad line gives this error and no records at all, so a later
`ocrebill data import` never saves half a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


class ReferenceFileError(ValueError):
    """A reference file (ASP prices, ICD-10-CM order file, fee schedule) that cannot be read.

    `line` and `column` are 1-based; `column` counts characters in a fixed-width file and
    fields in a CSV file (whose `field` then names the column's header)."""

    def __init__(self, source: str, line: int, column: int, problem: str, *,
                 field: str | None = None):
        self.source = source
        self.line = line
        self.column = column
        self.problem = problem
        self.field = field
        where = f"column {column}" + (f" ({field})" if field else "")
        super().__init__(f"{source}, line {line}, {where}: {problem}")


def shown_text(value: str, limit: int = 30) -> str:
    """A value quoted for a message, cut to `limit` characters (a broken file can hold a line
    of any length)."""
    text = value if len(value) <= limit else value[:limit] + "..."
    return repr(text)


def csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for every CSV row; a CSV syntax error (a quote never
    closed) names the line its row starts on. A generator: a caller may stop early."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ReferenceFileError(name, start, 1, f"the row starting here is not readable "
                                                     f"as CSV ({exc})") from None
        yield start, cells
        start = reader.line_num + 1

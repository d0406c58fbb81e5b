"""The compact ICD-10-CM index (FY2026), loaded lazily: code -> billable flag and description.

Built by tools/build_icd10_index.py from simple-icd-10-cm, whose own import is too slow for the
start-up path. Reading the gzipped index takes tens of milliseconds, once per process.
"""

from __future__ import annotations

import bisect
import gzip
from dataclasses import dataclass
from functools import cache

from ocrebill_gui.paths import data_dir

INDEX_FILE = "icd10cm-fy2026.tsv.gz"


@dataclass(frozen=True)
class Icd10Code:
    code: str
    billable: bool
    description: str


class Icd10Index:
    """Lookups run on the raw text (one C-level scan each), so a process that checks a few
    codes never builds per-code Python objects; search builds its lists on first use."""

    def __init__(self, text: str):
        self._text = "\n" + text if not text.startswith("\n") else text
        self._rows: list[tuple[str, bool, str]] | None = None
        self._codes: list[str] = []
        self._lowered: list[str] = []
        self._found: dict[str, Icd10Code | None] = {}

    def _row_at(self, start: int) -> Icd10Code:
        end = self._text.find("\n", start)
        code, flag, description = self._text[start:end if end >= 0 else None].split("\t", 2)
        return Icd10Code(code, flag == "1", description)

    def __len__(self) -> int:
        return self._text.count("\n") - (1 if self._text.endswith("\n") else 0)

    def get(self, code: str) -> Icd10Code | None:
        if code not in self._found:
            at = self._text.find(f"\n{code}\t")
            self._found[code] = None if at < 0 else self._row_at(at + 1)
        return self._found[code]

    def billable_children(self, code: str) -> list[str]:
        """Billable codes under a category, e.g. G35 -> G35.A, G35.B0, ..."""
        out = []
        at = self._text.find(f"\n{code}")
        while at >= 0:
            row = self._row_at(at + 1)
            if not row.code.startswith(code):
                break
            if row.billable and row.code != code:
                out.append(row.code)
            at = self._text.find("\n", at + 1)
        return out

    def _build(self) -> list[tuple[str, bool, str]]:
        if self._rows is None:
            rows = []
            for line in self._text.strip("\n").split("\n"):
                code, flag, description = line.split("\t", 2)
                rows.append((code, flag == "1", description))
            self._rows = rows
            self._codes = [r[0] for r in rows]
            self._lowered = [r[2].lower() for r in rows]
        return self._rows

    def search(self, query: str, limit: int = 50) -> list[Icd10Code]:
        """Codes that start with the query, then codes whose description has every word of the
        query (case-insensitive). Code matches come first, in code order."""
        text = query.strip()
        if not text:
            return []
        rows = self._build()
        found: list[int] = []
        as_code = text.upper()
        if len(as_code) > 3 and "." not in as_code and as_code[:3].isalnum():
            as_code = f"{as_code[:3]}.{as_code[3:]}"
        start = bisect.bisect_left(self._codes, as_code)
        for i in range(start, len(rows)):
            if len(found) >= limit or not self._codes[i].startswith(as_code):
                break
            found.append(i)
        if len(found) < limit:
            words = text.lower().split()
            seen = set(found)
            for i, description in enumerate(self._lowered):
                if i not in seen and all(w in description for w in words):
                    found.append(i)
                    if len(found) >= limit:
                        break
        return [Icd10Code(*rows[i]) for i in found]


@cache
def icd10_index() -> Icd10Index:
    with gzip.open(data_dir() / INDEX_FILE, "rt", encoding="utf-8") as handle:
        return Icd10Index(handle.read())

"""The compact ICD-10-CM index (FY2026), loaded lazily: code -> billable flag and description.

Built by tools/build_icd10_index.py from simple-icd-10-cm, whose own import is too slow for the
start-up path. Reading the gzipped index takes tens of milliseconds, once per process.
"""

from __future__ import annotations

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
    """Lookups and search run on the raw text with C-level `str.find` scans, so neither a
    process that checks a few codes nor an editor open all day builds per-code Python objects
    (a list-based index costs ~45 MB). Search keeps one lower-cased copy (~5 MB), made on first
    use."""

    def __init__(self, text: str):
        self._text = text if text.startswith("\n") else "\n" + text
        self._lowered: str | None = None
        self._found: dict[str, Icd10Code | None] = {}

    def _row_at(self, start: int) -> tuple[Icd10Code, int]:
        """The row whose line starts at `start`, and where the next line starts."""
        end = self._text.find("\n", start)
        end = len(self._text) if end < 0 else end
        code, flag, description = self._text[start:end].split("\t", 2)
        return Icd10Code(code, flag == "1", description), end + 1

    def __len__(self) -> int:
        return self._text.count("\n") - (1 if self._text.endswith("\n") else 0)

    def get(self, code: str) -> Icd10Code | None:
        if code not in self._found:
            at = self._text.find(f"\n{code}\t")
            self._found[code] = None if at < 0 else self._row_at(at + 1)[0]
        return self._found[code]

    def _codes_from(self, prefix: str, limit: int | None = None) -> list[Icd10Code]:
        """Rows whose code starts with `prefix`, in code order."""
        out: list[Icd10Code] = []
        at = self._text.find("\n" + prefix)
        while at >= 0 and at + 1 < len(self._text) and (limit is None or len(out) < limit):
            row, next_start = self._row_at(at + 1)
            if not row.code.startswith(prefix):
                break
            out.append(row)
            at = next_start - 1
        return out

    def billable_children(self, code: str) -> list[str]:
        """Billable codes under a category, e.g. G35 -> G35.A, G35.B0, ..."""
        return [r.code for r in self._codes_from(code) if r.billable and r.code != code]

    def search(self, query: str, limit: int = 50) -> list[Icd10Code]:
        """Codes that start with the query (code order), then codes whose description has
        every word of the query, case-insensitive (code order)."""
        text = query.strip()
        if not text:
            return []
        prefix = text.upper()
        if len(prefix) > 3 and "." not in prefix and prefix[:3].isalnum():
            prefix = f"{prefix[:3]}.{prefix[3:]}"
        found = self._codes_from(prefix, limit)
        seen = {r.code for r in found}
        if self._lowered is None:
            self._lowered = self._text.lower()
        lowered = self._lowered
        words = text.lower().split()
        anchor = max(words, key=len)
        others = [w for w in words if w is not anchor]
        position = 0
        while len(found) < limit:
            hit = lowered.find(anchor, position)
            if hit < 0:
                break
            start = lowered.rfind("\n", 0, hit) + 1
            end = lowered.find("\n", hit)
            end = len(lowered) if end < 0 else end
            description_at = lowered.find("\t", lowered.find("\t", start) + 1) + 1
            description = lowered[description_at:end]
            if hit >= description_at and all(w in description for w in others):
                row = self._row_at(start)[0]
                if row.code not in seen:
                    seen.add(row.code)
                    found.append(row)
            position = end + 1
        return found


@cache
def icd10_index() -> Icd10Index:
    with gzip.open(data_dir() / INDEX_FILE, "rt", encoding="utf-8") as handle:
        return Icd10Index(handle.read())

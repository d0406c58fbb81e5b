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
    def __init__(self, text: str):
        self._codes: list[str] = []
        self._billable: list[bool] = []
        self._descriptions: list[str] = []
        for line in text.splitlines():
            code, flag, description = line.split("\t", 2)
            self._codes.append(code)
            self._billable.append(flag == "1")
            self._descriptions.append(description)
        self._position = {code: i for i, code in enumerate(self._codes)}
        self._lowered: list[str] | None = None

    def __len__(self) -> int:
        return len(self._codes)

    def get(self, code: str) -> Icd10Code | None:
        i = self._position.get(code)
        if i is None:
            return None
        return Icd10Code(self._codes[i], self._billable[i], self._descriptions[i])

    def billable_children(self, code: str) -> list[str]:
        """Billable codes under a category, e.g. G35 -> G35.A, G35.B0, ..."""
        start = bisect.bisect_left(self._codes, code)
        out = []
        for i in range(start, len(self._codes)):
            if not self._codes[i].startswith(code):
                break
            if self._billable[i] and self._codes[i] != code:
                out.append(self._codes[i])
        return out

    def search(self, query: str, limit: int = 50) -> list[Icd10Code]:
        """Codes whose code starts with the query, then codes whose description has every word
        of the query (case-insensitive). Code matches come first, in code order."""
        text = query.strip()
        if not text:
            return []
        found: list[int] = []
        as_code = text.upper()
        if len(as_code) > 3 and "." not in as_code and as_code[:3].isalnum():
            as_code = f"{as_code[:3]}.{as_code[3:]}"
        start = bisect.bisect_left(self._codes, as_code)
        for i in range(start, len(self._codes)):
            if len(found) >= limit or not self._codes[i].startswith(as_code):
                break
            found.append(i)
        if len(found) < limit:
            if self._lowered is None:
                self._lowered = [d.lower() for d in self._descriptions]
            words = text.lower().split()
            seen = set(found)
            for i, description in enumerate(self._lowered):
                if i not in seen and all(w in description for w in words):
                    found.append(i)
                    if len(found) >= limit:
                        break
        return [Icd10Code(self._codes[i], self._billable[i], self._descriptions[i]) for i in found]


@cache
def icd10_index() -> Icd10Index:
    with gzip.open(data_dir() / INDEX_FILE, "rt", encoding="utf-8") as handle:
        return Icd10Index(handle.read())

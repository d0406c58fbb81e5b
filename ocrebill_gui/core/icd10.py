"""The compact ICD-10-CM index (FY2026), loaded lazily and in layers.

Built by tools/build_icd10_index.py from simple-icd-10-cm, whose own import (~1.3 s, ~200 MB)
is too slow for the start-up path. Two files, each a leading newline then one line per code:
- icd10cm-fy2026-codes.tsv.gz: CODE, 1 if billable (a leaf) else 0 (~1 MB unpacked). Checking
  a claim's diagnoses needs only this.
- icd10cm-fy2026.tsv.gz: the same plus the description (~8 MB unpacked). Descriptions of a
  few codes are found by streaming it (nothing kept but the answers); the type-ahead search
  keeps it, and one lower-cased copy, in memory once someone searches.

Everything runs on UTF-8 bytes with C-level `find` scans: no per-code Python objects (a
list-based index costs ~45 MB), and no str of the whole file (a few descriptions have non-ASCII
letters, such as Sézary, which would make it two or four bytes a character).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ocrebill_gui.paths import data_dir

INDEX_FILE = "icd10cm-fy2026.tsv.gz"
CODES_FILE = "icd10cm-fy2026-codes.tsv.gz"
# Read 16 KB of the packed file at a time: descriptions compress ~8:1, and a 256 KB read
# unpacked to ~2 MB, copied twice more as the window moved on (a passing ~11 MB peak when the
# first visit is opened); 16 KB peaks under 1 MB and is no slower.
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class Icd10Code:
    code: str
    billable: bool
    description: str


def _unpack(path: Path) -> bytes:
    """Decompress a gzip file into one buffer sized from its trailer (ISIZE): GzipFile.read()
    would join chunks, and a growing buffer would be copied, each twice the memory."""
    packed = path.read_bytes()
    size = int.from_bytes(packed[-4:], "little")
    return zlib.decompress(packed, wbits=31, bufsize=max(size, 1))


class Icd10Index:
    def __init__(self, folder: Path):
        self._folder = folder
        self._codes: bytes | None = None  # b"\nCODE\tFLAG..." for every code
        self._full: bytes | None = None  # with descriptions, kept once someone searches
        self._lowered: bytes | None = None
        self._described: dict[str, Icd10Code | None] = {}
        self._loading = threading.Lock()  # the search text may be warmed on another thread

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, bool, str]]) -> Icd10Index:
        """An index of (code, billable, description) rows held in memory in the same layout
        as the shipped files: an imported fiscal year's code set (core/code_sets.py)."""
        codes, full = [b""], [b""]
        for code, billable, description in rows:
            row = f"{code}\t{int(billable)}"
            codes.append(row.encode())
            full.append(f"{row}\t{' '.join(description.split())}".encode())
        index = cls(Path())  # no folder: nothing is ever read from disk
        index._codes, index._full = b"\n".join(codes) + b"\n", b"\n".join(full) + b"\n"
        return index

    # -- codes and flags ------------------------------------------------------------------
    def _code_lines(self) -> bytes:
        if self._codes is None:
            self._codes = _unpack(self._folder / CODES_FILE)
        return self._codes

    def __len__(self) -> int:
        return self._code_lines().count(b"\n") - 1

    def billable(self, code: str) -> bool | None:
        """True for a billable code, False for a category, None for no such code."""
        lines = self._code_lines()
        at = lines.find(f"\n{code}\t".encode())
        if at < 0:
            return None
        flag_at = at + len(code) + 2
        return lines[flag_at:flag_at + 1] == b"1"

    def billable_children(self, code: str) -> list[str]:
        """Billable codes under a category, e.g. G35 -> G35.A, G35.B0, ..."""
        lines = self._code_lines()
        out = []
        prefix = f"\n{code}".encode()
        at = lines.find(prefix)
        while at >= 0:
            end = lines.find(b"\n", at + 1)
            line = lines[at + 1:end if end >= 0 else None]
            child, _, flag = line.decode().partition("\t")
            if not child.startswith(code):
                break
            if flag == "1" and child != code:
                out.append(child)
            at = end
        return out

    # -- descriptions ---------------------------------------------------------------------
    def get(self, code: str) -> Icd10Code | None:
        """The code with its description (None for no such code)."""
        if code not in self._described:
            self.describe([code])
        return self._described[code]

    def describe(self, codes: list[str]) -> dict[str, Icd10Code | None]:
        """Several codes with their descriptions: one streaming pass over the full file for
        those not seen before, unless it is already in memory."""
        wanted = {c for c in codes if c not in self._described}
        for code in list(wanted):
            if self.billable(code) is None:
                self._described[code] = None
                wanted.discard(code)
        full = self._full
        if wanted and full is not None:
            for code in wanted:
                self._described[code] = _row(full, full.find(f"\n{code}\t".encode()) + 1)[0]
        elif wanted:
            self._described.update(_stream_rows(self._folder / INDEX_FILE, wanted))
        return {c: self._described.get(c) for c in codes}

    # -- search ---------------------------------------------------------------------------
    def _full_text(self) -> tuple[bytes, bytes]:
        with self._loading:
            if self._full is None or self._lowered is None:
                full = self._full if self._full is not None else _unpack(
                    self._folder / INDEX_FILE)
                self._lowered = full.lower()
                self._full = full
            return self._full, self._lowered

    def warm_search(self) -> None:
        """Load what search needs (for a background thread, before the first keystroke)."""
        self._full_text()

    def search(self, query: str, limit: int = 50) -> list[Icd10Code]:
        """Codes that start with the query (code order), then codes whose description has
        every word of the query, case-insensitive (code order)."""
        text = query.strip()
        if not text:
            return []
        full, lowered = self._full_text()
        prefix = text.upper()
        if len(prefix) > 3 and "." not in prefix and prefix[:3].isalnum():
            prefix = f"{prefix[:3]}.{prefix[3:]}"
        found: list[Icd10Code] = []
        at = full.find(b"\n" + prefix.encode())
        while at >= 0 and at + 1 < len(full) and len(found) < limit:
            row, next_start = _row(full, at + 1)
            if not row.code.startswith(prefix):
                break
            found.append(row)
            at = next_start - 1
        seen = {r.code for r in found}
        words = [w.encode() for w in text.lower().split()]
        anchor = max(words, key=len)
        others = [w for w in words if w is not anchor]
        position = 0
        while len(found) < limit:
            hit = lowered.find(anchor, position)
            if hit < 0:
                break
            start = lowered.rfind(b"\n", 0, hit) + 1
            end = lowered.find(b"\n", hit)
            end = len(lowered) if end < 0 else end
            description_at = lowered.find(b"\t", lowered.find(b"\t", start) + 1) + 1
            if hit < description_at:  # found in the code column: look on in the description
                position = description_at
                continue
            if all(w in lowered[description_at:end] for w in others):
                row = _row(full, start)[0]
                if row.code not in seen:
                    seen.add(row.code)
                    found.append(row)
            position = end + 1
        return found


def _row(data: bytes, start: int) -> tuple[Icd10Code, int]:
    """The row whose line starts at `start`, and where the next line starts."""
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    code, flag, description = data[start:end].decode("utf-8").split("\t", 2)
    return Icd10Code(code, flag == "1", description), end + 1


def _stream_rows(path: Path, codes: set[str]) -> dict[str, Icd10Code]:
    """Find these codes' rows by decompressing the file piece by piece (_CHUNK at a time)."""
    needles = {code: f"\n{code}\t".encode() for code in codes}
    found: dict[str, Icd10Code] = {}
    inflate = zlib.decompressobj(wbits=31)
    tail = b""
    with open(path, "rb") as packed:
        while len(found) < len(needles):
            piece = packed.read(_CHUNK)
            window = tail + (inflate.decompress(piece) if piece else inflate.flush())
            cut = window.rfind(b"\n")
            for code, needle in needles.items():
                at = window.find(needle, 0, cut) if code not in found else -1
                if at >= 0:
                    found[code] = _row(window, at + 1)[0]
            tail = window[cut:] if cut >= 0 else window
            if not piece:
                break
    return found


@cache
def icd10_index() -> Icd10Index:
    return Icd10Index(data_dir())

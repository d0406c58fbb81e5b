"""Mutated reference files for the import-path fuzz tests (the app's dialog, the store on both
backends): the fixture files of tests/fixtures/reference_data with bytes replaced, inserted,
deleted, runs copied elsewhere, the file cut; seeded, so every run sees the same files.
OCREBILL_FUZZ_EXAMPLES raises the count per file (default 40)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reference_data"
# (kind, fixture file, the year the app asks for an order file)
FILES = (("asp", "april-2026-asp-pricing-file.csv", None),
         ("asp", "July 2022 ASP Pricing File.csv", None),
         ("icd10cm", "icd10cm_order_2027.txt", 2027),
         ("fees", "fees-2026.csv", None))
_INTERESTING = b",\"\r\n 0129.$%-\t\x00\xa9\xe9\xff"


def examples() -> int:
    return int(os.environ.get("OCREBILL_FUZZ_EXAMPLES") or 40)


def mutate(original: bytes, rng: random.Random) -> bytes:
    data = bytearray(original)
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(("replace", "insert", "delete", "copy", "cut"))
        at = rng.randrange(max(len(data), 1))
        byte = rng.choice(_INTERESTING) if rng.random() < 0.6 else rng.randrange(256)
        if kind == "replace" and data:
            data[at] = byte
        elif kind == "insert":
            data[at:at] = bytes([byte]) * rng.randint(1, 3)
        elif kind == "delete" and data:
            del data[at:at + rng.randint(1, 40)]
        elif kind == "copy" and data:
            piece = data[at:at + rng.randint(1, 120)]
            to = rng.randrange(len(data) + 1)
            data[to:to] = piece
        elif kind == "cut":
            del data[at:]
    return bytes(data)


def mutated_files(count: int | None = None) -> Iterator[tuple[str, str, int | None, bytes]]:
    """(kind, file name, year, mutated bytes), `count` per fixture file."""
    for kind, name, year in FILES:
        original = (FIXTURES / name).read_bytes()
        rng = random.Random(f"{name}-fuzz")
        for _ in range(count or examples()):
            yield kind, name, year, mutate(original, rng)

"""Broken reference files never make a traceback: the fixture files of tests/fixtures/
reference_data, mutated byte by byte (bytes replaced, inserted, deleted, runs copied
elsewhere, the file cut), through each parser. Each answers with its records or its one
ReferenceFileError, never another exception; an error names a line and a column in the file.

CI runs a fixed set of examples; a longer run:

    OCREBILL_FUZZ_EXAMPLES=20000 scripts/test tests/core/test_reference_fuzz.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrebill_gui.core.asp_file import parse_asp_file
from ocrebill_gui.core.fee_schedule import parse_fee_schedule
from ocrebill_gui.core.icd10_order_file import parse_icd10_order_file
from ocrebill_gui.core.reference_files import ReferenceFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
FUZZ = settings(
    max_examples=int(os.environ.get("OCREBILL_FUZZ_EXAMPLES") or 300),
    derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Bytes that matter to these formats, and others.
_INTERESTING = b",\"\r\n 0129.$%-\t\x00\xa9\xe9\xff"

PARSERS: dict[str, Callable[[bytes], object]] = {
    "april-2026-asp-pricing-file.csv": lambda data: parse_asp_file(
        data, name="april-2026-asp-pricing-file.csv"),
    "July 2022 ASP Pricing File.csv": lambda data: parse_asp_file(
        data, name="prices.csv", quarter="2022Q3"),
    "icd10cm_order_2027.txt": lambda data: parse_icd10_order_file(
        data, name="icd10cm_order_2027.txt", year=2027),
    "fees-2026.csv": lambda data: parse_fee_schedule(data, name="fees.csv"),
}


@st.composite
def mutated(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "copy", "cut"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        byte = draw(st.one_of(st.sampled_from(list(_INTERESTING)), st.integers(0, 255)))
        if kind == "replace" and data:
            data[at] = byte
        elif kind == "insert":
            data[at:at] = bytes([byte]) * draw(st.integers(1, 3))
        elif kind == "delete" and data:
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "copy" and data:
            piece = data[at:at + draw(st.integers(1, 120))]
            where = draw(st.integers(0, len(data)))
            data[where:where] = piece
        elif kind == "cut":
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("fixture", sorted(PARSERS))
def test_mutated_files_give_records_or_the_parsers_own_error(fixture: str) -> None:
    original = (FIXTURES / fixture).read_bytes()
    parse = PARSERS[fixture]
    lines = original.count(b"\n") + 2

    @FUZZ
    @given(mutated(original))
    def check(data: bytes) -> None:
        try:
            parse(data)
        except ReferenceFileError as error:
            assert 1 <= error.line <= data.count(b"\n") + 2 + lines
            assert error.column >= 1 and str(error).startswith(error.source)

    check()


@pytest.mark.parametrize("fixture", sorted(PARSERS))
def test_the_fixtures_themselves_parse(fixture: str) -> None:
    PARSERS[fixture]((FIXTURES / fixture).read_bytes())

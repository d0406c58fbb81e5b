"""`ocrebill claims validate` on damaged input never ends in a traceback: golden 837s mutated at
random (bytes changed, segments dropped, doubled or cut, delimiters swapped, non-ASCII) go
through the command (pyx12 and our checks: exit 0, 1 or 2 with a message) and, many more, through
our semantic checks alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_claims import GOLDEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrebill_gui.cli import main
from ocrebill_gui.core.x12.validate import semantic_problems

SOURCES = [(GOLDEN / name).read_bytes() for name in (
    "office-ocrevus.837p", "hospital-outpatient.837i", "store-batch-with-replacement.837p")]


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["byte", "drop", "double", "cut", "swap", "insert"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "drop":
            end = data.find(b"~", at)
            del data[at:end + 1 if end >= 0 else len(data)]
        elif kind == "double":
            end = data.find(b"~", at)
            data[at:at] = data[at:end + 1 if end >= 0 else len(data)]
        elif kind == "cut":
            del data[at:]
        elif kind == "swap":
            old, new = draw(st.sampled_from([(b"*", b":"), (b"~", b"*"), (b":", b"^"),
                                             (b"\n", b"")]))
            data = bytearray(bytes(data).replace(old, new))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
    return bytes(data)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=damaged())
def test_validate_answers_every_damaged_file_without_a_traceback(data: bytes, tmp_path: Path,
                                                                  capsys) -> None:
    path = tmp_path / "damaged.837"
    path.write_bytes(data)
    code = main(["claims", "validate", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in captured.err and captured.err.strip()
    if code == 0:
        assert "accepted" in captured.err


@settings(max_examples=400, deadline=None)
@given(data=damaged())
def test_the_semantic_checks_take_any_text(data: bytes) -> None:
    problems = semantic_problems(data.decode("latin-1"))
    assert all(isinstance(p, str) and p for p in problems)


@pytest.mark.parametrize("text", ["", "ISA", "ISA*" + "*" * 200, "~" * 300, "ISA" + "\x00" * 103,
                                  "GS*HC~ST*837~SE*1~"])
def test_validate_edge_inputs(text: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "edge.837"
    path.write_text(text)
    assert main(["claims", "validate", str(path)]) in (1, 2)
    assert "Traceback" not in capsys.readouterr().err

"""Lines of the tests stay within 100 columns, as the package's do (pyproject's ruff
line-length; ruff is not part of the test run, so this keeps them from coming back)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).parent
LIMIT = 100


def test_every_test_line_is_within_100_columns():
    long = [f"{path.relative_to(TESTS)}:{number}"
            for path in sorted(TESTS.rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if len(line) > LIMIT]
    assert long == []

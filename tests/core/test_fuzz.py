"""Bad input never makes a traceback: the example visits, mutated, through both entry points.

Each example is a visit document of tests/fixtures/visits with a few mutations (keys dropped,
values replaced by other JSON types, huge and deep values, lone surrogates, long and unicode
strings, list entries duplicated, values moved elsewhere in the document), written to a file and
given to `ocrebill compute` and to `ocrebill import` (a fresh SQLite store each time), in
process. Both must answer 0 or 2, never a traceback; a refused import leaves the store as it
was; and what compute refuses, import refuses with the same lines (import may refuse more: the
IMPORT_ONLY list).

CI runs a few hundred examples with a fixed seed. A longer run (README, "Fuzzing"):

    OCREBILL_FUZZ_EXAMPLES=20000 scripts/test tests/core/test_fuzz.py
    OCREBILL_FUZZ_EXAMPLES=20000 OCREBILL_FUZZ_SEED=7 scripts/test tests/core/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from example_visits import VISITS, example_names
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from staff import STAFF, add_staff, password_file

from ocrebill_gui.cli import main
from ocrebill_gui.store import accounts

settings.register_profile(
    "ocrebill-fuzz",
    max_examples=int(os.environ.get("OCREBILL_FUZZ_EXAMPLES") or 400),
    derandomize=not os.environ.get("OCREBILL_FUZZ_SEED"),  # CI: the same examples every run
    deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("ocrebill-fuzz")
SEED = int(os.environ.get("OCREBILL_FUZZ_SEED") or 0)

DOCUMENTS = {name: json.loads((VISITS / f"{name}.json").read_text())
             for name in example_names()}

# What import refuses and compute does not check (compute needs no patient and no store): the
# patient an import matches or creates, and the store's own limits on its records.
IMPORT_ONLY = [re.compile(pattern) for pattern in (
    r"^patient: is required to import: give at least its id or name$",
    r"^patient\.name: patient .* is not in this database: its name is needed to create it$",
    r"^patient\.name: must contain a name, e\.g\. 'Rivera, Ana'$",
    r"^patient\.name: string should have at most 200 characters$",
    r"^patient\.id: string should have at most 60 characters$",
    r"^patient\.birth_date: (cannot be in the future|is before 1900: check the year)$",
    r"^patient\.member_id: string should have at most 60 characters$",
    r"^prior_authorization\.number: string should have at most 60 characters$",
)]


class Raw:
    """JSON text written into the file as it is: what json.dumps cannot write (a 5,000-digit
    integer, nesting 1,000 deep)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:20]!r}... {len(self.text)} chars)"


SURROGATES = st.sampled_from(["\ud800", "\udfff", "\udc80", "a\ud83d", "\ude00b"])
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "600", "-1", "0", "1e3", "2026-03-04", "2026-03-04T09:00",
                     "2026-02-30", "09:00", "ocrevus", "normal-saline", "medicare", "G35.A",
                     "G35", "iv_infusion", "start", "stop", "given", "office",
                     "50242-0150-01", "Müller, Jürgen", "王小明", "🙂", "\x00", "\x1b[31m",
                     "null", "America/Chicago", "Mars/Base", "x" * 5000]),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=3), SURROGATES, st.text(max_size=3)),
)
NUMBER = st.one_of(
    st.integers(-10, 1000), st.integers(), st.integers(10**14, 10**40).map(lambda n: -n),
    st.integers(10**14, 10**40), st.floats(), st.sampled_from([0.0001, 0.0009, 0.001, 1e308,
                                                               -0.0, 599.9999999]),
    st.integers(101, 6000).map(lambda n: Raw("9" * n)),
    st.sampled_from([Raw("1e999"), Raw("-1e999"), Raw("NaN"), Raw("Infinity")]),
)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
DEEP = st.one_of(st.integers(2, 80), st.sampled_from([500, 999, 1000, 1001, 5000])).flatmap(
    lambda n: st.sampled_from([Raw("[" * n + "]" * n), Raw('{"a":' * n + "1" + "}" * n)]))
VALUE = st.one_of(
    SCALAR, DEEP,
    st.lists(SCALAR, max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=6), SURROGATES), SCALAR, max_size=3),
)


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in the document (the root too): a tuple of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def get(doc: object, path: tuple) -> object:
    for step in path:
        doc = doc[step]  # type: ignore[index]
    return doc


def put(doc: object, path: tuple, value: object) -> object:
    if not path:
        return value
    get(doc, path[:-1])[path[-1]] = value  # type: ignore[index]
    return doc


@st.composite
def documents(draw) -> object:
    doc: object = copy.deepcopy(DOCUMENTS[draw(st.sampled_from(sorted(DOCUMENTS)))])
    for _ in range(draw(st.integers(1, 4))):
        places = paths(doc)
        path = draw(st.sampled_from(places))
        here = get(doc, path)
        kind = draw(st.sampled_from(["replace", "replace", "replace", "drop", "duplicate",
                                     "move", "add", "wrap", "as_text"]))
        if kind == "replace":
            doc = put(doc, path, draw(VALUE))
        elif kind == "drop" and path:
            del get(doc, path[:-1])[path[-1]]  # type: ignore[attr-defined]
        elif kind == "duplicate" and isinstance(here, list) and here:
            here.append(copy.deepcopy(here[draw(st.integers(0, len(here) - 1))]))
        elif kind == "move":
            doc = put(doc, path, copy.deepcopy(get(doc, draw(st.sampled_from(places)))))
        elif kind == "add" and isinstance(here, dict):
            here[draw(st.one_of(st.text(max_size=8), SURROGATES,
                                st.sampled_from(["time_zone", "primary", "proposed_lines",
                                                 "previous_dose_date", "approved_units_total",
                                                 "notes"])))] = draw(VALUE)
        elif kind == "wrap":
            doc = put(doc, path, draw(st.sampled_from([[here], {"value": here}])))
        elif kind == "as_text" and not isinstance(here, dict | list):
            doc = put(doc, path, json.dumps(here) if not isinstance(here, Raw) else here.text)
    return doc


def to_json(doc: object) -> str:
    """The document as a file holds it: Raw values verbatim, surrogates as \\u escapes."""
    raws: list[Raw] = []

    def mark(value: object) -> object:
        if isinstance(value, Raw):
            raws.append(value)
            return f"\x00raw{len(raws) - 1}\x00"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(doc))
    for index, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00raw{index}\x00"), raw.text, 1)
    return text


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def counts(db: Path) -> dict[str, int]:
    """Rows per table; the audit log's without the import's sign-in (made before it reads the
    document), and the audit chain's head, which moves with it."""
    conn = sqlite3.connect(db)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'audit_head'")]
        found = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        found["audit_log"] = conn.execute("SELECT count(*) FROM audit_log WHERE action NOT IN "
                                          "('sign-in', 'sign-in-failed')").fetchone()[0]
        return found
    finally:
        conn.close()


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Iterator[Path]:
    """A database without patients or visits, whose `staff` the imports sign in as (hashed
    as cheaply as the tests' hasher: this fixture is made before that one is in place)."""
    previous = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        path = add_staff(tmp_path_factory.mktemp("fuzz") / "empty.sqlite")
    finally:
        accounts.use_hasher(previous)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OCREBILL_PASSWORD_FILE",
                   str(password_file(tmp_path_factory.mktemp("password"))))
        env.setenv("OCREBILL_USER", STAFF)
        yield path


def import_lines(err: str) -> list[str]:
    """The reasons import gives for a rejected file (indented under 'FILE: rejected ...')."""
    return [line[2:] for line in err.splitlines() if line.startswith("  ")]


def check_both_entry_points(doc: object, empty_store: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "visit.json"
        source.write_text(to_json(doc), encoding="utf-8")

        code, out, err = run("compute", str(source), "--json")
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert out == "" and err.strip()
            refused = err.splitlines()
        else:
            assert json.loads(out)["format"] == "ocrebill.claim/1"
            refused = []

        db = Path(folder) / "ocrebill.sqlite"
        shutil.copy(empty_store, db)
        before = counts(db)
        code_i, out_i, err_i = run("--db", str(db), "import", str(source))
        assert code_i in (0, 2), err_i
        assert "Traceback" not in err_i
        after = counts(db)
        reasons = import_lines(err_i)
        if code_i == 2:
            assert after == before, "a refused import wrote something"
            assert err_i.startswith(f"{source}: rejected, nothing saved:\n"), err_i
            assert out_i.endswith("0 imported, 0 already stored, 1 rejected\n")
        else:
            assert after["visits"] == before["visits"] + 1 and not err_i

        # What compute refuses, import refuses with the same lines; import may add its own.
        if refused:
            assert code_i == 2
            assert reasons[:len(refused)] == refused, (refused, reasons)
            extra = reasons[len(refused):]
        else:
            extra = reasons
        unexplained = [r for r in extra if not any(p.match(r) for p in IMPORT_ONLY)]
        assert not unexplained, f"import refused what compute took: {unexplained}"


def _seeded(test):
    return seed(SEED)(test) if SEED else test


@_seeded
@FUZZ
@given(doc=documents())
def test_mutated_documents_never_make_a_traceback(doc: object, empty_store: Path) -> None:
    check_both_entry_points(doc, empty_store)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_example_passes_the_same_checks_unmutated(name: str, empty_store: Path) -> None:
    """The property's baseline: the examples themselves (one of them invalid on purpose)."""
    check_both_entry_points(DOCUMENTS[name], empty_store)

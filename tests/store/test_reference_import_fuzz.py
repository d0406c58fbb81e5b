"""Mutated reference files through the store's imports on both backends: whatever the parser
accepts, the store saves whole or refuses with a StoreError (a NUL a server cannot store, say),
never another exception and never half a file."""

from __future__ import annotations

import pytest
import staff
from reference_mutations import mutated_files

from ocrebill_gui import store as st
from ocrebill_gui.ui.reference_data import parse_reference_file, save_parsed

TABLES = {"asp": "asp_prices", "icd10cm": "icd10_codes", "fees": "fee_rows"}


def test_mutated_files_are_saved_whole_or_refused(store):
    admin = staff.session(store, "adm", ("admin",))
    for kind, name, year, data in mutated_files(10):
        try:
            parsed = parse_reference_file(kind, data, name, year=year)
        except ValueError as error:
            assert "line " in str(error), error
            continue
        before = store.conn.execute(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0]
        try:
            summary = save_parsed(store, admin, kind, parsed)
        except st.StoreError:
            after = store.conn.execute(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0]
            assert after == before  # nothing half-imported
            continue
        held = store.conn.execute(
            f"SELECT count(*) FROM {TABLES[kind]}"
            + ("" if kind == "fees" else
               " WHERE " + ("quarter" if kind == "asp" else "fiscal_year") + " = ?"),
            () if kind == "fees" else
            (summary.period if kind == "asp" else int(summary.period[2:]),)).fetchone()[0]
        assert held == summary.rows

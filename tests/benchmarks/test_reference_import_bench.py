"""Importing reference data into the database (issue 16): a 10,000-line ASP pricing file read
and saved in one transaction (target median <= 2 s, parse and bulk insert together), and an
ICD-10-CM order file the size of CMS's (~98,000 codes, for information), into a SQLite file;
then what an estimate reads of the imported quarter (store/estimates.price_book: the catalog's
drug codes of it, as the visit editor does once per visit open), for information.

Run: scripts/benchmarks -k reference_import
"""

from __future__ import annotations

import statistics

import staff
from bench_util import report
from test_money_bench import asp_file_bytes, order_file_bytes, seconds

from ocrebill_gui import store as st
from ocrebill_gui.core.asp_file import parse_asp_file
from ocrebill_gui.core.icd10_order_file import parse_icd10_order_file


def test_reference_import_asp_and_icd10cm(tmp_path) -> None:
    asp = asp_file_bytes(10_000)
    order = order_file_bytes(98_000)
    with st.open_store(tmp_path / "bench.sqlite") as store:
        biller = staff.session(store, "bill", ("biller",))

        def import_asp():
            return st.import_asp(store, biller, parse_asp_file(asp, name="asp-2026q2.csv"))

        def import_order():
            return st.import_icd10cm(store, biller, parse_icd10_order_file(
                order, name="icd10cm_order_2027.txt", year=2027))

        assert import_asp().rows == 10_000
        asp_samples = seconds(import_asp, 5)  # each replaces the quarter: delete + insert
        order_samples = seconds(import_order, 3)
        assert store.conn.execute("SELECT count(*) FROM icd10_codes").fetchone()[0] == 98_000
        code_sets = seconds(lambda: st.store_code_sets(store), 3)
        from datetime import date

        from ocrebill_gui.store.estimates import price_book

        codes = st.store_catalog(store).drug_labels
        book = seconds(lambda: price_book(store, date(2026, 5, 12), codes), 20)
        assert price_book(store, date(2026, 5, 12), codes).asp
    report("reference-import", {
        "asp_10000_lines_parse_and_import_median_s": round(statistics.median(asp_samples), 3),
        "asp_target_s": 2.0,
        "icd10cm_98000_codes_parse_and_import_median_s":
            round(statistics.median(order_samples), 3),
        "icd10cm_code_sets_from_store_median_s": round(statistics.median(code_sets), 3),
        "estimate_price_book_after_import_median_ms": round(statistics.median(book) * 1000, 3),
    })

"""Reference data in the database (issue 16): ASP quarters, ICD-10-CM code sets per fiscal
year and the fee schedule, imported whole, listed, audited, and summarised against what was
there before; on both backends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import staff
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.asp_file import parse_asp_file
from ocrebill_gui.core.fee_schedule import parse_fee_schedule
from ocrebill_gui.core.icd10_order_file import parse_icd10_order_file, read_icd10_order_file
from ocrebill_gui.store import reference_data

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
APRIL = FIXTURES / "april-2026-asp-pricing-file.csv"


def asp(data: bytes | None = None, name: str = APRIL.name, quarter: str | None = None):
    return parse_asp_file(APRIL.read_bytes() if data is None else data, name=name,
                          quarter=quarter)


@pytest.fixture
def biller(store):
    return staff.session(store, "bill", ("biller",))


def test_an_asp_quarter_is_saved_listed_and_audited(store, biller):
    summary = st.import_asp(store, biller, asp())
    assert (summary.kind, summary.period, summary.rows, summary.compared_with) == (
        "asp", "2026Q2", 9, None)
    assert "the first of its kind" in summary.text()
    [listed] = st.list_reference_data(store, biller)
    assert (listed.kind, listed.period, listed.file_name, listed.rows, listed.imported_by) == (
        "asp", "2026Q2", APRIL.name, 9, "bill")
    limit, coins = store.conn.execute(
        "SELECT payment_limit, coinsurance_percent FROM asp_prices "
        "WHERE quarter = '2026Q2' AND hcpcs = 'J2350'").fetchone()
    assert (Decimal(limit), Decimal(coins)) == (Decimal("59.596"), Decimal("20.000"))
    assert store.conn.execute("SELECT payment_limit FROM asp_prices WHERE hcpcs = 'J9999'"
                              ).fetchone()[0] is None
    audit = st.audit_entries(store, staff.session(store, "adm", ("admin",)),
                             entity="reference_data")
    assert [(e.entity_id, e.action, e.actor) for e in audit] == [
        ("asp:2026Q2", "import", "bill")]


def test_the_next_quarter_says_what_was_added_ended_and_moved(store, biller):
    st.import_asp(store, biller, asp())
    text = APRIL.read_bytes().replace(b"J2350,\"Injection, ocrelizumab, 1 mg\",1 MG,59.596",
                                      b"J2350,\"Injection, ocrelizumab, 1 mg\",1 MG,60.101")
    text = text.replace(b"J0131,", b"J0132,").replace(
        b"April 1, 2026 through June 30, 2026", b"July 1, 2026 through September 30, 2026")
    summary = st.import_asp(store, biller, asp(text, name="july-2026.csv"))
    assert summary.compared_with == "2026Q2" and not summary.replaced
    assert (summary.added, summary.ended) == (("J0132",), ("J0131",))
    assert summary.moved == (("J2350", "59.596", "60.101"),)
    assert "price moved: 1 (J2350 59.596 -> 60.101)" in summary.text()
    assert [i.period for i in st.list_reference_data(store, biller)] == ["2026Q3", "2026Q2"]
    again = st.import_asp(store, biller, asp(text, name="july-2026.csv", quarter="2026Q3"))
    assert again.replaced and not (again.added or again.ended or again.moved)
    assert store.conn.execute("SELECT count(*) FROM asp_prices").fetchone()[0] == 18


def test_a_failure_during_the_import_leaves_the_earlier_data_whole(store, biller,
                                                                   monkeypatch):
    st.import_asp(store, biller, asp())

    def broken(*args, **kwargs):
        raise st.StoreError("disk gone")

    monkeypatch.setattr(reference_data, "record", broken)
    with pytest.raises(st.StoreError, match="disk gone"):
        st.import_asp(store, biller, asp(APRIL.read_bytes().replace(b"59.596", b"1.000")))
    assert store.conn.execute("SELECT payment_limit FROM asp_prices WHERE hcpcs = 'J2350'"
                              ).fetchone()[0] == "59.596"
    assert store.conn.execute("SELECT count(*) FROM asp_prices").fetchone()[0] == 9
    assert len(st.list_reference_data(store, biller)) == 1


def test_an_icd10cm_year_gives_the_engine_its_code_set(store, biller):
    assert len(st.store_code_sets(store)) == 0
    order = read_icd10_order_file(FIXTURES / "icd10cm_order_2027.txt", 2027)
    summary = st.import_icd10cm(store, biller, order)
    assert (summary.period, summary.rows) == ("FY2027", len(order.codes))
    sets = st.store_code_sets(store)
    assert sets.fiscal_years == [2027]
    fy2027 = sets.in_force(date(2027, 3, 1))
    assert fy2027.exists("G35.E") and fy2027.billable("G35") is False
    assert fy2027.source == "icd10cm_order_2027.txt"
    assert sets.in_force(date(2026, 9, 30)) is None


def test_the_fee_schedule_is_replaced_whole_with_what_moved(store, biller):
    fees = (FIXTURES / "fees-2026.csv").read_bytes()
    first = st.import_fees(store, biller, parse_fee_schedule(fees, name="fees-2026.csv"))
    assert (first.period, first.rows, first.compared_with) == ("2025-01-01 to open", 12, None)
    schedule = st.store_fee_schedule(store)
    row = schedule.rate("96365", [], "office", ["medicare"], date(2026, 5, 1))
    assert row.amount == Decimal("67.14") and schedule.source_name == "fees-2026.csv"
    changed = fees.replace(b"J2350,,,,75.00", b"J2350,,,,80.00").replace(
        b"96375,,,,60.00,2026-01-01,,\n", b"")
    second = st.import_fees(store, biller, parse_fee_schedule(changed, name="fees-2027.csv"))
    assert second.replaced and second.compared_with == "the schedule of 2025-01-01 to open"
    assert second.moved == (("J2350 from 2026-01-01", "75.00", "80.00"),)
    assert second.ended == ("96375 from 2026-01-01",)
    assert [(i.kind, i.file_name) for i in st.list_reference_data(store, biller)] == [
        ("fees", "fees-2027.csv")]
    assert st.store_fee_schedule(store).charge("96375", [], "office", date(2026, 5, 1)) is None


def test_nurses_and_front_desk_may_not_import(store):
    nurse = staff.session(store, "nurse.only", ("nurse",))
    with pytest.raises(st.StoreError, match="importing reference data .* needs the "
                                            "administrator or biller role"):
        st.import_asp(store, nurse, asp())
    assert store.conn.execute("SELECT count(*) FROM asp_prices").fetchone()[0] == 0


def new_code_visit() -> dict:
    doc = visit_doc(day="2026-11-02")
    doc["diagnoses"] = ["G35.E"]  # the fixture's FY2027 code: not in the shipped FY2026 set
    return doc


def test_a_fy2027_code_is_refused_before_the_import_and_accepted_after(store, biller):
    before = st.compute_in_store(store, new_code_visit())
    assert {"dx-unknown", "dx-code-set-outdated"} <= {f.rule for f in before.findings}
    st.import_icd10cm(store, biller, read_icd10_order_file(
        FIXTURES / "icd10cm_order_2027.txt", 2027))
    after = st.compute_in_store(store, new_code_visit())
    assert not {"dx-unknown", "dx-code-set-outdated"} & {f.rule for f in after.findings}
    assert st.store_catalog(store).code_sets.fiscal_years == [2027]


def test_the_code_sets_are_read_once_per_import(store, biller, monkeypatch):
    st.import_icd10cm(store, biller, read_icd10_order_file(
        FIXTURES / "icd10cm_order_2027.txt", 2027))
    first = st.store_code_sets(store)
    assert st.store_code_sets(store) is first
    trimmed = b"".join(line for line in (FIXTURES / "icd10cm_order_2027.txt").read_bytes()
                       .splitlines(keepends=True) if b" G35E " not in line)
    st.import_icd10cm(store, biller, parse_icd10_order_file(trimmed, name="fy27b.txt",
                                                            year=2027))
    again = st.store_code_sets(store)
    assert again is not first and not again.in_force(date(2027, 1, 1)).exists("G35.E")

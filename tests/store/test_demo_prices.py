"""The demo's made-up reference data (store/demo_prices.py): an ASP quarter for every quarter
of its dates of service and a fee schedule, imported as demo data, so its estimates have
prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.core.asp_file import Quarter
from ocrebill_gui.store.estimates import estimate_for_visit

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    st.create_demo_database(path, seed=7, today=TODAY)
    return path


def _first_medicare_ocrevus_visit(store) -> int:
    rows = store.conn.execute(
        "SELECT v.id FROM visits v JOIN coverages c ON c.id = v.coverage_id "
        "WHERE c.plan_type = 'medicare' AND v.status = 'finalized' ORDER BY v.id").fetchall()
    for (visit_id,) in rows:
        visit = st.get_visit(store, signed(), visit_id)
        if any(a["product"] == "ocrevus" for a in visit.document["administrations"]):
            return visit_id
    raise AssertionError("the demo has no finalized Medicare Ocrevus visit")


def test_a_finalized_medicare_ocrevus_visit_has_its_payer_amount(demo):
    with st.open_store(demo, read_only=True) as store:
        estimate = estimate_for_visit(store, signed(), _first_medicare_ocrevus_visit(store))
    assert estimate.method == "medicare_part_b" and not estimate.partial
    drug = next(line for line in estimate.lines if line.code == "J2350")
    # The demo's payment limit, $59.596 per mg; Medicare pays 80 % less its 2 % cut.
    assert drug.allowed == (Decimal("59.596") * drug.units).quantize(Decimal("0.01"))
    assert drug.payer_pays == (drug.allowed * Decimal("0.8") * Decimal("0.98")
                               ).quantize(Decimal("0.01"))
    assert "demo-asp-" in drug.allowed_source
    assert all(line.payer_pays is not None and line.payer_pays > 0 for line in estimate.lines)
    assert estimate.totals.payer_pays > drug.payer_pays


def test_every_quarter_of_the_demo_has_its_asp_prices(demo):
    with st.open_store(demo, read_only=True) as store:
        first, last = store.conn.execute(
            "SELECT min(date_of_service), max(date_of_service) FROM visits").fetchone()
        imports = store.conn.execute(
            "SELECT kind, period, file_name, imported_by FROM reference_imports").fetchall()
    quarters = {period for kind, period, _, _ in imports if kind == "asp"}
    quarter, end = Quarter.of(date.fromisoformat(first)), Quarter.of(TODAY)
    expected = set()
    while quarter <= end:
        expected.add(str(quarter))
        quarter = Quarter(quarter.year + quarter.number // 4, quarter.number % 4 + 1)
    assert Quarter.of(date.fromisoformat(last)) <= end and quarters == expected
    fees = [row for row in imports if row[0] == "fees"]
    start = Quarter.of(date.fromisoformat(first)).first_day
    assert len(fees) == 1 and fees[0][1] == f"{start} to open"
    assert all(name.startswith("demo-") and by == "demo" for _, _, name, by in imports)


def test_data_list_shows_the_demo_import(demo, cli_staff, capsys, tmp_path):
    path = tmp_path / "demo.sqlite"
    path.write_bytes(demo.read_bytes())
    cli_staff(path)
    assert main(["data", "list", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "demo-asp-2026q4.csv" in out and "demo-fees-from-" in out
    assert "ASP prices  2026Q4" in out and "fee schedule" in out


def test_a_demo_without_visits_prices_its_day(tmp_path):
    path = tmp_path / "empty.sqlite"
    st.create_demo_database(path, visits=0, seed=1, today=TODAY)
    with st.open_store(path, read_only=True) as store:
        periods = store.conn.execute(
            "SELECT kind, period FROM reference_imports ORDER BY kind").fetchall()
    assert [tuple(row) for row in periods] == [("asp", "2026Q4"),
                                                ("fees", "2026-10-01 to open")]

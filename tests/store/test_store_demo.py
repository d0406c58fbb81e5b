"""The demo centre: realistic, deterministic, consistent, and its reused claim results equal
compute() visit by visit."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.core import compute
from ocrebill_gui.store import demo as demo_module

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    summary = st.create_demo_database(path, seed=7, today=TODAY)
    return path, summary


@pytest.fixture(scope="module")
def large_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "large.sqlite"
    summary = st.create_demo_database(path, visits=15000, seed=3, today=TODAY)
    return path, summary


def _dump(path) -> list[str]:
    with st.open_store(path, read_only=True) as store:
        return list(store.conn.iterdump())


def _assert_claim_is_computed(store, visit_id: int) -> None:
    visit = st.get_visit(store, signed(), visit_id)
    catalog = st.store_catalog(store)
    if visit.finalized:
        assert visit.claim == compute(visit.document, catalog=catalog), visit_id
    else:  # a draft shows what the engine says about it now, with the store's data
        assert st.visit_engine_document(store, signed(), visit_id) == visit.document
        assert visit.claim == compute(visit.document, catalog=catalog), visit_id


def test_same_seed_same_centre_other_seed_other_centre(small_demo, tmp_path):
    path, _ = small_demo
    again = tmp_path / "again.sqlite"
    st.create_demo_database(again, seed=7, today=TODAY)
    assert _dump(again) == _dump(path)
    other = tmp_path / "other.sqlite"
    st.create_demo_database(other, seed=8, today=TODAY)
    assert _dump(other) != _dump(path)


def test_every_claim_of_the_small_demo_equals_compute(small_demo):
    path, summary = small_demo
    with st.open_store(path, read_only=True) as store:
        for visit_id in range(1, summary.visits + 1):
            _assert_claim_is_computed(store, visit_id)


def test_reused_claims_of_a_large_demo_equal_compute(large_demo):
    path, summary = large_demo
    assert summary.claims_computed < summary.visits / 10  # results really were reused
    with st.open_store(path, read_only=True) as store:
        # Every visit whose result carries visit-specific text (dates, authorization
        # numbers), plus a random sample of the rest.
        special = [r[0] for r in store.conn.execute(
            "SELECT id FROM visits WHERE claim LIKE '%dx-code-set-outdated%' "
            "OR claim LIKE '%pa-dates%' OR claim LIKE '%pa-units%'")]
        assert len(special) > 50
        sample = random.Random(11).sample(range(1, summary.visits + 1), 600)
        for visit_id in sorted(set(special) | set(sample)):
            _assert_claim_is_computed(store, visit_id)


def test_the_centre_looks_like_an_ocrevus_practice(small_demo):
    path, summary = small_demo
    with st.open_store(path, read_only=True) as store:
        assert st.count_patients(store, signed()) == 40 and summary.visits == 200
        names = [p.name for p in st.list_patients(store, signed(), limit=100)]
        assert any("Müller" in n for n in names) and any("Núñez" in n for n in names)
        assert all(p.name in names for p in st.search_patients(store, signed(), "mul"))
        assert {p.name for p in st.search_patients(store, signed(), "mul")} == {
            n for n in names if "Müller" in n}
        payers = Counter(v.payer for v in st.find_visits(store, signed(), limit=1000))
        assert len(payers) >= 4
        visits = [st.get_visit(store, signed(), i) for i in range(1, summary.visits + 1)]
    by_patient = defaultdict(list)
    for visit in visits:
        by_patient[visit.patient_id].append(visit)
    products = Counter()
    for history in by_patient.values():
        doses = [_treatment(v.document) for v in history]
        products.update(p for p, _ in doses)
        if len(history) >= 2 and doses[0] == ("ocrevus", 300):
            gap = (history[1].date_of_service - history[0].date_of_service).days
            assert 12 <= gap <= 16 and doses[1] == ("ocrevus", 300)  # induction day 1 and 15
        for earlier, later in zip(history[2:], history[3:], strict=False):
            assert 150 <= (later.date_of_service - earlier.date_of_service).days <= 200
    assert products["ocrevus"] and products["ocrevus-zunovo"]
    kinds = Counter(e["kind"] for v in visits for a in v.document["administrations"]
                    for e in a["events"])
    assert kinds["pause"] and kinds["resume"]
    assert any(len([a for a in v.document["administrations"]
                    if a["product"] == "diphenhydramine"]) == 2 for v in visits)  # reaction
    assert all(len(v.document["administrations"]) >= 4 for v in visits)  # premeds
    todays = [v for v in visits if v.date_of_service == TODAY]
    assert todays and all(v.status == "draft" for v in todays)
    rules = {f.rule for v in visits if v.claim for f in v.claim.findings}
    assert {"pause-excluded", "timeline-no-stop", "dx-code-set-outdated"} <= rules
    pre_fy2026 = [v for v in visits if v.date_of_service < date(2025, 10, 1)]
    assert pre_fy2026 and all(v.document["diagnoses"] == ["G35"] for v in pre_fy2026)


def _running_starts(path) -> list[str]:
    """Start times of today's infusions that have no stop yet."""
    with st.open_store(path, read_only=True) as store:
        todays = [st.get_visit(store, signed(), v.id) for v in st.visits_on(store, signed(), TODAY)]
    return [event["at"] for visit in todays for admin in visit.document["administrations"]
            for event in admin["events"]
            if event["kind"] == "start"
            and not any(e["kind"] == "stop" for e in admin["events"])]


def test_running_infusions_never_start_later_than_the_clock(small_demo, tmp_path):
    path, _summary = small_demo  # made for TODAY, at no particular time: drips began at 09:00
    assert set(_running_starts(path)) == {f"{TODAY}T09:00"}
    early = tmp_path / "early.sqlite"  # the demo opened at 07:10: nothing starts after it
    st.create_demo_database(early, seed=7, now=datetime.combine(TODAY, time(7, 10)))
    starts = _running_starts(early)
    assert starts and all(f"{TODAY}T06:10" <= at <= f"{TODAY}T07:10" for at in starts)
    late = tmp_path / "late.sqlite"  # in the afternoon, the morning's 09:00 stands
    st.create_demo_database(late, seed=7, now=datetime.combine(TODAY, time(15, 0)))
    assert set(_running_starts(late)) == {f"{TODAY}T09:00"}


def _treatment(document: dict) -> tuple[str, float]:
    for admin in document["administrations"]:
        if admin["product"] in ("ocrevus", "ocrevus-zunovo"):
            return admin["product"], admin["dose_mg"]
    raise AssertionError("no treatment")


def test_authorizations_lapse_and_lots_expire(large_demo):
    path, _ = large_demo
    with st.open_store(path, read_only=True) as store:
        expired = store.conn.execute("SELECT count(*) FROM authorizations WHERE valid_to < ?",
                                     (TODAY.isoformat(),)).fetchone()[0]
        assert expired
        held = [v for v in st.find_visits(store, signed(), status="draft", limit=5000)
                if v.date_of_service < TODAY]
        assert held and all(v.errors for v in held)  # lapsed authorization: held drafts
        soon = st.expiring_lots(store, signed(), TODAY, within_days=60)
        assert {lot.product for lot in soon} >= {"ocrevus", "methylprednisolone"}
        assert any(lot.expired(TODAY) for lot in soon)
        assert st.practice_settings(store) is not None
        assert "demo-lakeside-health" in st.user_payers(store)
        assert st.check_database(store, signed()).ok


def test_stock_and_units_match_the_finalized_documents(small_demo):
    path, summary = small_demo
    with st.open_store(path, read_only=True) as store:
        taken = Counter()
        units = Counter()
        for visit_id in range(1, summary.visits + 1):
            visit = st.get_visit(store, signed(), visit_id)
            if not visit.finalized:
                continue
            for admin in visit.document["administrations"]:
                for vial in admin.get("vials", []):
                    taken[(vial["ndc"].replace("-", ""), vial["lot"])] += 1
            if visit.authorization_id:
                product = st.get_authorization(store, signed(), visit.authorization_id).product
                codes = {"ocrevus": "J2350", "ocrevus-zunovo": "J2351"}[product]
                units[visit.authorization_id] += sum(
                    line.units for line in visit.claim.lines
                    if line.code == codes and "JW" not in line.modifiers)
        for lot in st.list_vial_lots(store, signed(), limit=1000):
            assert lot.received_vials - lot.on_hand == taken[(lot.ndc, lot.lot)], lot.lot
        rows = store.conn.execute("SELECT id FROM authorizations").fetchall()
        for (auth_id,) in rows:
            assert st.get_authorization(store, signed(), auth_id).used_units == units[auth_id]


def test_demo_into_an_empty_store_and_no_half_files_on_failure(tmp_path, monkeypatch):
    empty = tmp_path / "empty.sqlite"
    st.open_store(empty).close()
    st.create_demo_database(empty, patients=3, visits=9, seed=1, today=TODAY)
    with st.open_store(empty) as store:
        assert st.count_visits(store, signed()) == 9

    def broken(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(demo_module, "write_plan", broken)
    target = tmp_path / "never.sqlite"
    with pytest.raises(RuntimeError):
        st.create_demo_database(target, today=TODAY)
    assert list(tmp_path.iterdir()) == [empty] or sorted(p.name for p in tmp_path.iterdir()) \
        == sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("empty"))


def test_only_visits_given_scales_the_patients(tmp_path):
    summary = st.create_demo_database(tmp_path / "d.sqlite", visits=1000, seed=2, today=TODAY)
    assert summary.patients == 200 and summary.visits == 1000
    assert summary.finalized + summary.drafts == 1000
    assert json.loads(summary.model_dump_json())["path"].endswith("d.sqlite")
    start = TODAY - timedelta(days=3 * 365)
    with st.open_store(tmp_path / "d.sqlite", read_only=True) as store:
        first = store.conn.execute("SELECT min(date_of_service) FROM visits").fetchone()[0]
    assert first > start.isoformat()


def test_the_demo_practice_has_its_providers(small_demo):
    """Issue 13: providers to choose on a visit, one default of each role."""
    from ocrebill_gui.store.providers import list_providers

    with st.open_store(small_demo[0], read_only=True) as db:
        providers = list_providers.inside(db)
    assert {p.role for p in providers} == {"rendering", "ordering"}
    assert sorted(p.role for p in providers if p.is_default) == ["ordering", "rendering"]

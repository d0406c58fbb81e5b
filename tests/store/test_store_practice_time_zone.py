"""The practice's time zone (R8): optional in the practice settings and checked as an IANA
name; filled into the documents the store builds (import, demo) unless a document has its own."""

from __future__ import annotations

import json
from datetime import date

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.practice import demo_practice


def _practice(**extra) -> dict:
    return {"name": "Lakeside", "npi": "1234567893", "tax_id": "00-0000000", **extra}


def test_the_practice_time_zone_is_optional_and_checked(store):
    assert demo_practice().time_zone == "America/Chicago"
    assert st.save_practice(store, signed("admin"), _practice()).time_zone is None
    assert st.save_practice(store, signed("admin"), _practice(time_zone="  ")).time_zone is None
    saved = st.save_practice(store, signed("admin"), _practice(time_zone=" America/Denver "))
    assert saved.time_zone == "America/Denver"
    assert st.practice_settings(store).time_zone == "America/Denver"
    for bad, says in (("Mars/Olympus_Mons", "not a known IANA time zone"),
                      ("Central Time", "must be an IANA time zone name"),
                      (5, "valid string")):
        with pytest.raises(st.InvalidRecord) as caught:
            st.save_practice(store, signed("admin"), _practice(time_zone=bad))
        assert caught.value.problems[0][0] == "time_zone"
        assert says in caught.value.problems[0][1]
    assert st.practice_settings(store).time_zone == "America/Denver"


def test_import_fills_the_practice_time_zone_and_keeps_a_documents_own(store):
    doc = visit_doc()
    doc["patient"] = {"id": "P-9", "name": "Okafor, Grace"}
    first = st.import_document(store, signed("import"), doc)  # no practice yet: nothing to fill
    assert "time_zone" not in st.visit_document(store, signed(), first.visit_id)
    st.save_practice(store, signed("admin"), _practice(time_zone="America/Chicago"))
    second = st.import_document(store, signed("import"), {**doc, "date_of_service": "2026-03-05"})
    assert st.visit_document(store, signed(), second.visit_id)["time_zone"] == "America/Chicago"
    again = st.import_document(store, signed("import"), {**doc, "date_of_service": "2026-03-05"})
    assert again.duplicate and again.visit_id == second.visit_id
    own = st.import_document(store, signed("import"), {**doc, "date_of_service": "2026-03-06",
                                               "time_zone": "America/New_York"})
    assert st.visit_document(store, signed(), own.visit_id)["time_zone"] == "America/New_York"
    with pytest.raises(st.InvalidRecord) as caught:
        st.import_document(store, signed("import"), {**doc, "date_of_service": "2026-03-07",
                                             "time_zone": "Nowhere/Special"})
    assert caught.value.problems[0][0] == "time_zone"


def test_the_demo_practice_and_its_visits_are_in_chicago(tmp_path):
    path = tmp_path / "demo.sqlite"
    st.create_demo_database(path, visits=50, seed=5, today=date(2026, 3, 10))
    with st.open_store(path) as store:
        assert st.practice_settings(store).time_zone == "America/Chicago"
        zones = {json.loads(text).get("time_zone")
                 for (text,) in store.conn.execute("SELECT document FROM visits")}
    assert zones == {"America/Chicago"}

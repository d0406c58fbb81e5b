"""Lists sorted in SQL by a whitelisted key (the screens' header clicks), paged without
overlap; a key not listed is refused with the ones that are."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import ordering

PEOPLE = [("Zeller, Ann", "1990-01-02", "M-3"), ("Adams, Bo", "1950-06-01", "M-9"),
          ("Mock, Cy", "1970-03-03", "M-1"), ("Mock, Di", "1970-03-03", "M-2")]


@pytest.fixture
def people(store):
    return [st.add_patient(store, signed("kim"), {"name": name, "birth_date": born, "mrn": mrn})
            for name, born, mrn in PEOPLE]


def names(patients):
    return [p.name for p in patients]


def test_patients_sort_by_any_listed_column_both_ways(store, people):
    who = signed("kim")
    assert names(st.list_patients(store, who)) == ["Adams, Bo", "Mock, Cy", "Mock, Di",
                                                    "Zeller, Ann"]
    assert names(st.list_patients(store, who, order="born")) == [
        "Adams, Bo", "Mock, Cy", "Mock, Di", "Zeller, Ann"]  # a tie: by id
    assert names(st.list_patients(store, who, order="-born")) == [
        "Zeller, Ann", "Mock, Di", "Mock, Cy", "Adams, Bo"]
    assert names(st.list_patients(store, who, order="mrn")) == [
        "Mock, Cy", "Mock, Di", "Zeller, Ann", "Adams, Bo"]
    assert names(st.search_patients(store, who, "mock", order="-mrn")) == ["Mock, Di",
                                                                          "Mock, Cy"]
    assert names(st.search_patients(store, who, "mo", order="-born")) == [
        "Mock, Di", "Mock, Cy"]


def test_pages_of_a_sorted_list_neither_overlap_nor_skip(store, people):
    who = signed("kim")
    for order in ("born", "-born", "mrn", "-name", "ref"):
        whole = names(st.list_patients(store, who, order=order))
        paged = [p.name for offset in range(4)
                 for p in st.list_patients(store, who, order=order, limit=1, offset=offset)]
        assert paged == whole, order


def test_visits_and_lots_sort_in_sql(store, people):
    who = signed("kim")
    day = date(2026, 3, 10)
    for person in people:
        st.create_draft(store, who, visit_doc(day=day.isoformat()), patient_id=person.id)
    by_patient = [v.patient_name for v in st.visits_on(store, who, day, order="-patient")]
    assert by_patient == ["Zeller, Ann", "Mock, Di", "Mock, Cy", "Adams, Bo"]
    found = st.find_visits(store, who, text="mock", order="patient")
    assert [v.patient_name for v in found] == ["Mock, Cy", "Mock, Di"]
    for lot, expires in (("B2", "2027-01-01"), ("A1", "2028-01-01")):
        st.add_vial_lot(store, signed("pharmacy"), {
            "product": "ocrevus", "ndc": "50242-0150-01", "lot": lot, "expires": expires,
            "received": "2026-02-01", "received_vials": 3})
    assert [x.lot for x in st.list_vial_lots(store, who)] == ["B2", "A1"]  # soonest expiry
    assert [x.lot for x in st.list_vial_lots(store, who, order="lot")] == ["A1", "B2"]


def test_a_key_not_listed_never_reaches_the_sql(store, people):
    with pytest.raises(ValueError, match="cannot sort by 'name; DROP TABLE patients'"):
        st.list_patients(store, signed("kim"), order="name; DROP TABLE patients")
    assert ordering.order_by("-findings", ordering.VISIT_ORDER, "v.id", "v.id") == (
        " ORDER BY v.errors DESC, v.warnings DESC, v.id DESC")

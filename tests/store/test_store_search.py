"""Search as people type: name prefixes ignoring case and accents, MRN, member id, dates."""

from __future__ import annotations

from datetime import date

import pytest
from staff import signed
from store_helpers import visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import search


@pytest.fixture
def people(store):
    names = ["Müller, Ada", "Mueller, Bob", "Núñez, Iñigo", "Nunez, Carla", "Østby, Søren",
             "Rivera, Ana", "Çelik, Zoë", "MÜLLER-LÜDENSCHEIDT, Jürgen"]
    made = {}
    for n, name in enumerate(names, start=1):
        made[name] = st.add_patient(store, signed("kim"), {"name": name, "mrn": f"MRN-{n:03d}"})
    st.add_coverage(store, signed("kim"), {"patient_id": made["Rivera, Ana"].id,
                                           "payer": "medicare", "member_id": "1EG4TE5MK73",
                                           "effective_from": "2020-01-01"})
    return made


def names(patients):
    return [p.name for p in patients]


@pytest.mark.parametrize(("typed", "expected"), [
    ("mul", ["Müller, Ada", "MÜLLER-LÜDENSCHEIDT, Jürgen"]),
    ("MÜL", ["Müller, Ada", "MÜLLER-LÜDENSCHEIDT, Jürgen"]),
    ("mue", ["Mueller, Bob"]),
    ("nun", ["Núñez, Iñigo", "Nunez, Carla"]),
    ("iñi", ["Núñez, Iñigo"]),
    ("inigo", ["Núñez, Iñigo"]),
    ("ost", ["Østby, Søren"]),
    ("soren", ["Østby, Søren"]),
    ("cel", ["Çelik, Zoë"]),
    ("zoe", ["Çelik, Zoë"]),
    ("lud", ["MÜLLER-LÜDENSCHEIDT, Jürgen"]),
    ("ada mul", ["Müller, Ada"]),
    ("müller, ada", ["Müller, Ada"]),
    ("rivera, bob", []),
    ("xyz", []),
    ("", []),
])
def test_name_prefix_ignores_case_and_accents(store, people, typed, expected):
    assert sorted(names(st.search_patients(store, signed(), typed))) == sorted(expected)


def test_mrn_member_id_and_patient_id_prefixes(store, people):
    assert names(st.search_patients(store, signed(), "mrn-006")) == ["Rivera, Ana"]
    assert names(st.search_patients(store, signed(), "1eg4")) == ["Rivera, Ana"]
    ref = people["Çelik, Zoë"].ref
    assert names(st.search_patients(store, signed(), ref)) == ["Çelik, Zoë"]
    assert len(st.search_patients(store, signed(), "MRN-00")) == 8


def test_search_results_are_sorted_by_name_and_paged(store, people):
    everyone = st.search_patients(store, signed(), "MRN-0")
    assert names(everyone) == sorted(names(everyone), key=st.fold)
    pages = [st.search_patients(store, signed(), "mrn-0", limit=3, offset=o) for o in (0, 3, 6)]
    assert [p for page in pages for p in page] == everyone
    assert st.list_patients(store, signed(), limit=2, offset=1) == \
        st.list_patients(store, signed())[1:3]


def test_fold_strips_accents_and_case():
    assert st.fold("Müller-Núñez Øster Straße Œuvre") == "muller-nunez oster strasse oeuvre"


def test_day_lists_date_ranges_and_patient_filters(store, setup):
    patient = setup[0]
    other = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    days = ["2026-03-02", "2026-03-04", "2026-03-04", "2026-03-09"]
    ids = [st.create_draft(store, signed("nurse"), visit_doc(day=d), patient_id=patient.id).visit_id
           for d in days]
    rivera = st.create_draft(store, signed("nurse"), visit_doc(day="2026-03-04"),
                             patient_id=other.id).visit_id
    day = st.visits_on(store, signed(), date(2026, 3, 4))
    assert [v.id for v in day] == [ids[1], ids[2], rivera]
    assert day[0].patient_name == "Müller, Ada" and day[0].summary == "Ocrevus 600 mg"
    page = st.visits_on(store, signed(), date(2026, 3, 4), limit=1, offset=1)
    assert [v.id for v in page] == [ids[2]]
    ranged = st.find_visits(store, signed(), date_from=date(2026, 3, 3), date_to=date(2026, 3, 31))
    assert {v.id for v in ranged} == {ids[1], ids[2], ids[3], rivera}
    assert [v.date_of_service for v in ranged] == sorted(
        [v.date_of_service for v in ranged], reverse=True)
    assert {v.id for v in st.find_visits(store, signed(), text="mül")} == set(ids)
    found = st.find_visits(store, signed(), text="riv", date_from=date(2026, 3, 4))
    assert {v.id for v in found} == {rivera}
    assert st.find_visits(store, signed(), text="nobody") == []
    assert st.count_visits(store, signed(), patient_id=patient.id) == 4
    assert st.count_visits(store, signed(), text="riv") == 1
    assert st.count_visits(store, signed(), status="finalized") == 0


def test_letters_only_identifiers_are_found_unless_they_prefix_hundreds(store):
    lettered = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana", "mrn": "ABCQ"})
    assert st.search_patients(store, signed(), "abc") == [lettered]
    for n in range(search.FEW_IDS):
        st.add_patient(store, signed("kim"), {"name": f"Person, Number{n}", "mrn": f"DEMO-{n:04d}"})
    demo = st.add_patient(store, signed("kim"), {"name": "Demolder, Ann", "mrn": "Z1"})
    # "demo" prefixes 200 MRNs: taken as a name, so only the name matches.
    assert st.search_patients(store, signed(), "demo") == [demo]
    # a digit: identifiers
    assert len(st.search_patients(store, signed(), "DEMO-0", limit=500)) == 200


def test_a_visit_list_row_says_when_an_infusion_has_no_stop(store) -> None:
    """The summary says what was given; `running_since` (a column the store keeps from the
    core's definition) says that an infusion has a start and no stop."""
    patient = st.add_patient(store, signed("kim"), {"name": "Rivera, Ana"})
    admin = {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": 600,
             "events": [{"at": "2026-03-10T09:05", "kind": "start"}]}
    doc = {"format": "ocrebill.visit/1", "date_of_service": "2026-03-10",
           "administrations": [admin]}
    saved = st.create_draft(store, signed("kim"), doc, patient_id=patient.id)
    [row] = st.find_visits(store, signed(), text="riv")
    assert (row.summary, row.running_since, row.running) == (
        "Ocrevus 600 mg", "2026-03-10T09:05", True)
    admin["events"].append({"at": "2026-03-10T12:35", "kind": "stop"})
    st.save_draft(store, signed("kim"), doc, visit_id=saved.visit_id,
                  expected_revision=saved.revision)
    [row] = st.find_visits(store, signed(), text="riv")
    assert (row.summary, row.running_since, row.running) == ("Ocrevus 600 mg", None, False)


def test_visit_search_keeps_every_matching_patient_beyond_a_thousand(tmp_path) -> None:
    from datetime import date

    from ocrebill_gui import store as st

    path = tmp_path / "many.sqlite"
    st.create_demo_database(path, patients=2600, visits=2600, today=date(2026, 3, 10))
    with st.open_store(path) as store:
        found, offset = [], 0
        while page := st.search_patients(store, signed(), "demo", limit=500, offset=offset):
            found += page
            offset += 500
        assert len(found) > 1000
        expected = sum(st.count_visits(store, signed(), patient_id=p.id) for p in found)
        assert st.count_visits(store, signed(), text="demo") == expected

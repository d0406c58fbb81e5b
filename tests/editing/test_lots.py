"""Vial lots without Qt: a recorded vial's flags are the inventory's (stock) and the engine's
findings about that vial, read through the presenter by document path."""

from __future__ import annotations

from datetime import date

from example_visits import load_example

from ocrebill_gui.editing.lots import LotChoice, vial_flags
from ocrebill_gui.editing.presenter import VisitPresenter


def test_the_presenter_gives_the_findings_about_a_path_and_below_it():
    visit = load_example("01-standard-600mg")[0]
    del visit["administrations"][0]["vials"][1]["lot"]
    presenter = VisitPresenter(visit)
    message = "Ocrevus vial 2 (NDC 50242-0150-01): lot not recorded"
    assert presenter.findings_at("administrations[0].vials[1]") == [message]
    assert presenter.findings_at("administrations[0].vials") == [message]
    assert presenter.findings_at("administrations[0].vials[0]") == []
    assert presenter.findings_at("administrations[0].vials[1") == []  # not a path prefix


def test_a_recorded_vials_flags_are_its_stock_and_the_engines_findings():
    vial = LotChoice("50242015001", "OLD1", date(2026, 1, 31), 300, 1, 7).vial()
    assert vial_flags(vial, {7: 1}, {7: 1}) == []  # expiry is the engine's to say
    assert vial_flags(vial, {7: 1}, {7: 2}, ["expired"]) == ["only 1 on hand", "expired"]
    catalog_vial = LotChoice("50242015001", None, None, 300).vial()
    assert "lot" not in catalog_vial and vial_flags(catalog_vial, {}, {}) == []

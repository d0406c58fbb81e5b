"""The next due dose from the doses given, for each course in data/dose-schedules.json."""

from datetime import date

import pytest

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.dose_schedule import (
    GivenDose,
    add_months,
    default_schedules,
    interval_problem,
    next_dose,
    schedule_for,
)

OCREVUS = schedule_for("ocrevus")


def doses(*pairs):
    return [GivenDose(date.fromisoformat(day), mg) for day, mg in pairs]


def test_every_schedule_names_a_catalog_product_and_its_label_doses():
    catalog = default_catalog()
    for product, schedule in default_schedules().items():
        assert product in catalog.products
        label = catalog.products[product].label_doses_mg
        amounts = {s.mg for s in schedule.initial} | {schedule.maintenance_mg}
        assert not label or amounts <= set(label), product


def test_no_dose_yet_is_the_first_starting_dose_with_no_due_date():
    nxt = next_dose(OCREVUS, [])
    assert (nxt.mg, nxt.due, nxt.step) == (300, None, "starting dose 1 of 2")


def test_ocrevus_day_15_then_six_months_after_the_first_infusion():
    first = next_dose(OCREVUS, doses(("2026-01-05", 300)))
    assert (first.mg, first.due, first.step) == (300, date(2026, 1, 19), "starting dose 2 of 2")
    second = next_dose(OCREVUS, doses(("2026-01-05", 300), ("2026-01-21", 300)))
    assert (second.mg, second.due) == (600, date(2026, 7, 5))  # from day 1, not from day 17
    assert second.step == "first maintenance dose"


def test_maintenance_slides_with_the_dose_actually_given():
    given = doses(("2026-01-05", 300), ("2026-01-19", 300), ("2026-07-20", 600))
    nxt = next_dose(OCREVUS, reversed(given))  # any order
    assert (nxt.mg, nxt.due, nxt.earliest) == (600, date(2027, 1, 20), date(2026, 12, 20))
    assert nxt.overdue(date(2027, 1, 21)) and not nxt.overdue(date(2027, 1, 20))
    assert nxt.due_within(date(2027, 1, 1), 30) and not nxt.due_within(date(2026, 12, 1), 30)


def test_a_patient_already_on_maintenance_when_first_recorded():
    nxt = next_dose(OCREVUS, doses(("2026-03-31", 600)))
    assert (nxt.mg, nxt.due) == (600, date(2026, 9, 30))


def test_a_restarted_course_after_maintenance():
    nxt = next_dose(OCREVUS, doses(("2024-01-02", 600), ("2026-02-02", 300)))
    assert (nxt.mg, nxt.due, nxt.step) == (300, date(2026, 2, 16), "starting dose 2 of 2")


def test_an_abandoned_series_dose_restarts_the_series():
    nxt = next_dose(OCREVUS, doses(("2025-01-06", 300), ("2026-01-05", 300)))
    assert (nxt.mg, nxt.due) == (300, date(2026, 1, 19))


def test_briumvi_counts_24_weeks_from_the_first_infusion():
    briumvi = schedule_for("ublituximab")
    nxt = next_dose(briumvi, doses(("2026-01-05", 150), ("2026-01-19", 450)))
    assert (nxt.mg, nxt.due) == (450, date(2026, 6, 22))
    later = next_dose(briumvi, doses(("2026-01-05", 150), ("2026-01-19", 450),
                                     ("2026-06-22", 450)))
    assert later.due == date(2026, 12, 7)


@pytest.mark.parametrize(("product", "mg", "due"), [
    ("ocrevus-zunovo", 920, date(2026, 9, 1)),
    ("natalizumab", 300, date(2026, 3, 29)),
])
def test_courses_without_a_starting_series(product, mg, due):
    nxt = next_dose(schedule_for(product), doses(("2026-03-01", mg)))
    assert (nxt.mg, nxt.due) == (mg, due)


@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2026-08-31", 6, "2027-02-28"), ("2027-08-31", 6, "2028-02-29"),
    ("2026-12-15", 1, "2027-01-15"), ("2026-01-31", 13, "2027-02-28"),
])
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_interval_problem_names_the_dates_and_the_earliest():
    problem = interval_problem(OCREVUS, date(2026, 1, 10), date(2026, 5, 9))
    assert problem is not None and "5 months" in problem and "2026-06-10" in problem
    assert interval_problem(OCREVUS, date(2026, 1, 10), date(2026, 6, 10)) is None
    assert interval_problem(OCREVUS, None, date(2026, 6, 10)) is None

"""Each product's dosing course and a patient's next due dose, from the doses already given.

A course (data/dose-schedules.json) is an optional starting series (Ocrevus: 300 mg on day 1
and 300 mg on day 15) followed by maintenance doses (600 mg every 6 months, the first one 6
months after the first infusion of the series). `next_dose()` walks a patient's finalized doses
of the product in date order and says which dose comes next, when it is due and, where the
label sets a minimum interval, the earliest date it may be given.

How doses are read (the label does not say, so this is the rule):
- a dose of the series' next amount continues the series; a series dose due more than one
  maintenance interval ago is a series abandoned, and the dose counts as maintenance;
- the first recorded dose starts the series when it has the series' first amount, otherwise
  the patient is already on maintenance (doses given before OcreBill was used);
- on maintenance or after an abandoned series, a dose of the series' first amount that is not
  also the maintenance amount restarts the series (re-initiation after a long gap);
- maintenance is due one interval after the last dose actually given (the schedule slides with
  late doses, as clinics schedule them), except the first one after a series, which counts
  from the series' first dose as the labels say.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ocrebill_gui.core.catalog import load_data_file
from ocrebill_gui.paths import data_dir

FILENAME = "dose-schedules.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Model):
    months: int = Field(default=0, ge=0, le=60)
    weeks: int = Field(default=0, ge=0, le=260)
    days: int = Field(default=0, ge=0, le=1830)

    @model_validator(mode="after")
    def _not_empty(self) -> Interval:
        if not (self.months or self.weeks or self.days):
            raise ValueError("an interval needs months, weeks or days")
        return self

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(weeks=self.weeks, days=self.days)

    def describe(self) -> str:
        parts = [(self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


class SeriesDose(_Model):
    mg: float = Field(gt=0)
    after_days: int = Field(ge=0, le=366)


class DoseSchedule(_Model):
    product: str
    initial: tuple[SeriesDose, ...] = ()
    maintenance_mg: float = Field(gt=0)
    first_maintenance_after: Interval | None = None
    every: Interval
    min_interval: Interval | None = None
    source: str


class _SchedulesFile(_Model):
    source: str
    schedules: tuple[DoseSchedule, ...]


@dataclass(frozen=True)
class GivenDose:
    on: date
    mg: float


@dataclass(frozen=True)
class NextDose:
    product: str
    mg: float
    # None: the course has not started (no dose given yet), so nothing is due by date.
    due: date | None
    # The label's minimum interval after the last dose, where it sets one.
    earliest: date | None
    step: str

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today

    def due_within(self, today: date, days: int) -> bool:
        return self.due is not None and self.due <= today + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, the month's last day when it has none
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@cache
def default_schedules() -> dict[str, DoseSchedule]:
    loaded = load_data_file(data_dir() / FILENAME, _SchedulesFile)
    return {schedule.product: schedule for schedule in loaded.schedules}


def schedule_for(product: str) -> DoseSchedule | None:
    return default_schedules().get(product)


def _same_mg(a: float, b: float) -> bool:
    return abs(a - b) < 0.5


def next_dose(schedule: DoseSchedule, doses: Iterable[GivenDose]) -> NextDose:
    """The dose that comes next after `doses` (a patient's doses of this product, any order)."""
    given: Sequence[GivenDose] = sorted(doses, key=lambda d: d.on)
    series = schedule.initial
    if not given:
        first = series[0].mg if series else schedule.maintenance_mg
        step = _series_step(0, len(series)) if series else "first dose"
        return NextDose(schedule.product, first, None, None, step)

    series_start: date | None = None  # the first dose of the series in progress or just done
    done = 0  # series doses given since series_start
    maintenance_since_series = False
    for dose in given:
        if series and done < len(series) and series_start is not None and \
                _same_mg(dose.mg, series[done].mg) and not _abandoned(schedule, series_start,
                                                                         done, dose.on):
            done += 1
        elif series and _same_mg(dose.mg, series[0].mg) and (
                series_start is None and dose is given[0]
                or (maintenance_since_series or done < len(series))
                and not _same_mg(dose.mg, schedule.maintenance_mg)):
            series_start, done, maintenance_since_series = dose.on, 1, False
        else:
            maintenance_since_series = True
    last = given[-1].on
    earliest = schedule.min_interval.after(last) if schedule.min_interval else None
    if series_start is not None and done < len(series) and not maintenance_since_series:
        due = series_start + timedelta(days=series[done].after_days)
        return NextDose(schedule.product, series[done].mg, due, None,
                        _series_step(done, len(series)))
    if series_start is not None and not maintenance_since_series:
        after = schedule.first_maintenance_after or schedule.every
        anchor = series_start if schedule.first_maintenance_after else last
        return NextDose(schedule.product, schedule.maintenance_mg, after.after(anchor), earliest,
                        "first maintenance dose")
    return NextDose(schedule.product, schedule.maintenance_mg, schedule.every.after(last),
                    earliest, f"maintenance dose (every {schedule.every.describe()})")


def _abandoned(schedule: DoseSchedule, series_start: date, done: int, on: date) -> bool:
    due = series_start + timedelta(days=schedule.initial[done].after_days)
    return on > schedule.every.after(due)


def _series_step(index: int, count: int) -> str:
    return f"starting dose {index + 1} of {count}"


def interval_problem(schedule: DoseSchedule, previous: date | None, day: date) -> str | None:
    """A sentence when a dose on `day` comes sooner after `previous` than the label allows."""
    if previous is None or schedule.min_interval is None:
        return None
    earliest = schedule.min_interval.after(previous)
    if day >= earliest:
        return None
    return (f"{day.isoformat()} is sooner than {schedule.min_interval.describe()} after the "
            f"previous dose ({previous.isoformat()}): the label asks for at least that "
            f"(earliest {earliest.isoformat()})")

"""How an authorization (and a benefits verification) stands, as its row in a list shows it:
the rules live in core (front_desk_alerts, beside the alerts with the same 30 days), not in
the lists' models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from ocrebill_gui.core.front_desk_alerts import (
    SOON_DAYS,
    authorization_standing,
    no_units_left,
)

TODAY = date(2026, 3, 4)


@dataclass(frozen=True)
class Auth:
    valid_to: date
    remaining_units: int | None = 100
    number: str = "PA-1"
    product: str = "ocrevus"
    valid_from: date = date(2026, 1, 1)


@pytest.mark.parametrize(("days_left", "remaining", "standing"), [
    (-1, 100, "error"),  # ended yesterday
    (0, 100, "warning"),  # its last day
    (SOON_DAYS, 100, "warning"),
    (SOON_DAYS + 1, 100, None),
    (SOON_DAYS + 1, None, None),  # no unit limit
    (SOON_DAYS + 1, 0, "error"),  # every unit used
    (SOON_DAYS + 1, -5, "error"),  # more used than approved (an amended visit)
])
def test_ended_or_used_up_is_an_error_and_ending_soon_a_warning(days_left, remaining, standing):
    auth = Auth(TODAY + timedelta(days=days_left), remaining)
    assert authorization_standing(auth, TODAY) == standing
    assert no_units_left(auth) == (remaining is not None and remaining <= 0)


@pytest.mark.parametrize(("days_left", "standing"), [
    (-1, "error"), (0, "warning"), (SOON_DAYS, "warning"), (SOON_DAYS + 1, None)])
def test_a_reverification_is_flagged_as_todays_alert_flags_it(days_left, standing):
    """The coverage's benefits list and Today's benefits-due alert share the rule."""
    from ocrebill_gui.core.front_desk_alerts import benefits_alert, reverification_standing

    due = TODAY + timedelta(days=days_left)
    assert reverification_standing(due, TODAY) == standing
    alert = benefits_alert(date(2026, 1, 5), due, TODAY, "Aetna M-1")
    assert (alert.severity if alert else None) == standing
    assert reverification_standing(None, TODAY) is None

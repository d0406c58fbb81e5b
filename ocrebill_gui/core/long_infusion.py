"""An infusion left running: flagged once it has run longer than its label's longest run time
plus an hour (a forgotten Stop, or a chair that needs a look). No Qt.

The label's run times are the catalog's `typical_minutes` per dose (data/products.json, from
billing-rules.md section 1: Ocrevus 300 mg about 2.5 h, 600 mg about 3.5 h; the 2-hour option
is `shortest_minutes`). A dose the table does not list takes the product's longest. A product
without run times (a push, an injection, a drug whose label times are not in the data) is
never flagged. The minutes are the drug's run time: paused intervals do not count. The engine's
"running-time-long" finding holds a finished infusion to the same limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ocrebill_gui.core.catalog import Catalog, Product
from ocrebill_gui.core.timeline import read_leniently, running_since

MARGIN_MINUTES = 60  # how far past the label's longest run an infusion is flagged


@dataclass(frozen=True)
class LongRun:
    """One infusion running past its limit."""

    administration: str  # the administration's id
    product: str  # the product's short name
    running_minutes: int
    label_minutes: int

    def text(self) -> str:
        """The sentence for the card and the Today screen."""
        return (f"{self.product} has run {hours(self.running_minutes)}: longer than the label's "
                f"{hours(self.label_minutes)} plus an hour. Was Stop forgotten? Check the "
                "patient, then record the stop time.")

    def short_text(self) -> str:
        return f"{hours(self.running_minutes)} run, label {hours(self.label_minutes)}"


def hours(minutes: int) -> str:
    """'3.5 h', '6 h 30 min', '45 min'."""
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    if rest == 30 and whole < 10:
        return f"{whole}.5 h"
    return f"{whole} h" + (f" {rest} min" if rest else "")


def label_longest_minutes(product: Product, dose_mg: float | None) -> int | None:
    """The label's longest run for this dose (the product's longest for another dose)."""
    table = product.typical_minutes
    if not table:
        return None
    if dose_mg is not None and f"{dose_mg:g}" in table:
        return table[f"{dose_mg:g}"]
    return max(table.values())


def _at(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def run_minutes(events: Iterable[Mapping[str, Any]], now: datetime) -> int:
    """Minutes the drug has run up to `now`: each start or resume to the next pause or stop,
    a run still open counted to `now` (core.timeline.read_leniently: events that cannot be
    read, or cannot follow the ones before them, are skipped)."""
    pairs = [(str(e.get("kind")), at) for e in events if (at := _at(e.get("at"))) is not None]
    return read_leniently(pairs).running_minutes(now)


def long_run(administration: Mapping[str, Any], product: Product | None,
             now: datetime) -> LongRun | None:
    """The administration's LongRun, or None (not an infusion, stopped, within its limit)."""
    if product is None or administration.get("route") != "iv_infusion":
        return None
    events = list(administration.get("events") or [])
    pairs = [(e.get("kind"), at) for e in events if (at := _at(e.get("at"))) is not None]
    if running_since("iv_infusion", pairs) is None:
        return None
    dose = administration.get("dose_mg")
    limit = label_longest_minutes(product, dose if isinstance(dose, int | float) else None)
    if limit is None:
        return None
    minutes = run_minutes(events, now)
    if minutes <= limit + MARGIN_MINUTES:
        return None
    return LongRun(str(administration.get("id", "")), product.short, minutes, limit)


def long_runs(document: Mapping[str, Any], catalog: Catalog, now: datetime) -> list[LongRun]:
    """Every infusion of a visit document running past its limit at `now`."""
    found = []
    for administration in document.get("administrations") or []:
        if isinstance(administration, Mapping):
            product = catalog.products.get(str(administration.get("product", "")))
            run = long_run(administration, product, now)
            if run is not None:
                found.append(run)
    return found


__all__ = ["MARGIN_MINUTES", "LongRun", "hours", "label_longest_minutes", "long_run",
           "long_runs", "run_minutes"]

"""Sorting a paged list in SQL: the screens ask for a column by a key ("born", "-born" for
descending), and only keys listed here reach an ORDER BY. Plain SQL that SQLite and PostgreSQL
read alike; the row id breaks ties, so pages never overlap or skip a row.
"""

from __future__ import annotations

from collections.abc import Mapping

# key -> the column(s) it sorts by, for each list that sorts.
PATIENT_ORDER = {"name": ("p.name_key",), "ref": ("p.ref",), "born": ("p.birth_date",),
                 "mrn": ("p.mrn",)}
VISIT_ORDER = {"date": ("v.date_of_service",), "status": ("v.status", "v.running_since"),
               "patient": ("p.name_key",), "product": ("v.summary",),
               "setting": ("v.setting",), "payer": ("v.payer",),
               "findings": ("v.errors", "v.warnings")}
LOT_ORDER = {"product": ("product",), "ndc": ("ndc",), "lot": ("lot",),
             "expires": ("expires",), "on_hand": ("on_hand",), "received": ("received",)}


def order_by(order: str | None, columns: Mapping[str, tuple[str, ...]], default: str,
             tie: str) -> str:
    """' ORDER BY ...' for `order` (a key of `columns`, "-" first for descending), or
    `default` when None; a key not listed is refused with the keys that are."""
    if not order:
        return f" ORDER BY {default}"
    key = order.removeprefix("-")
    if key not in columns:
        raise ValueError(f"cannot sort by {key!r}: sort by one of {', '.join(columns)}")
    direction = " DESC" if order.startswith("-") else ""
    terms = [f"{column}{direction}" for column in columns[key]]
    return f" ORDER BY {', '.join(terms)}, {tie}{direction}"

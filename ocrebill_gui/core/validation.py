"""One validation path for a visit document, whoever reads it (compute, import, print, the app).

`validate_document(raw, catalog)` returns the VisitDocument or raises InvalidVisit naming every
problem at once, each by its document path:

- what no field may hold, anywhere in the document (extra fields too, since the store keeps
  the whole document): a lone surrogate (it can be neither printed nor stored as UTF-8), a
  number too large to be an amount or a count, nesting deeper than MAX_DEPTH;
- the schema (core.visit's models);
- references: an unknown payer or product id, two administrations with one id, a drug
  administration without a dose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.errors import InvalidVisit, format_path, from_validation_error, shown
from ocrebill_gui.core.visit import PayerProfile, VisitDocument

MAX_DEPTH = 64  # levels of nesting; a visit document needs 5
MAX_MAGNITUDE = 10**15  # no amount, count or date part comes near; SQLite integers end at 2**63
MAX_RAW_PROBLEMS = 20  # a 20 MB file full of bad strings is named by its first few

_SURROGATE = re.compile("[\ud800-\udfff]")
LONE_SURROGATE = "contains an invalid character (a lone surrogate)"


def validate_document(document: object, catalog: Catalog | None = None) -> VisitDocument:
    """The document validated against the schema and `catalog` (default: the shipped one)."""
    catalog = catalog or default_catalog()
    problems = raw_problems(document) if isinstance(document, Mapping) else []
    try:
        doc = parse_visit(document)
    except InvalidVisit as exc:  # name an unknown payer or product too, all in one answer
        known = _merge(problems, exc.problems)
        raise InvalidVisit(known + _raw_references(document, catalog, known)) from None
    problems = _merge(problems, _check_references(doc, catalog))
    if problems:
        raise InvalidVisit(problems)
    return doc


def parse_visit(document: object) -> VisitDocument:
    """Validate a visit document against the schema; raise InvalidVisit naming every bad
    field. (validate_document also checks payer and product ids: use it for input.)"""
    if isinstance(document, VisitDocument):
        return document
    if not isinstance(document, Mapping):
        raise InvalidVisit([("document", "must be a JSON object")])
    try:
        return VisitDocument.model_validate(dict(document))
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def resolve_payer(document: VisitDocument, catalog: Catalog) -> PayerProfile:
    if isinstance(document.payer, PayerProfile):
        return document.payer
    payer = catalog.payers.get(document.payer)
    if payer is None:
        raise InvalidVisit([("payer", _unknown_payer(document.payer, catalog))])
    return payer


def raw_problems(document: object) -> list[tuple[str, str]]:
    """What no value of a JSON document may be, wherever it is: (path, message) pairs.

    Walks the document without recursion (a document nested 100,000 deep is named, not a
    RecursionError), after a quick look that finds nothing in almost every document."""
    if _clean(document, 0):
        return []
    problems: list[tuple[str, str]] = []
    stack: list[tuple[object, tuple[str | int, ...]]] = [(document, ())]
    while stack and len(problems) < MAX_RAW_PROBLEMS:
        value, loc = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                problems.append((format_path(loc), LONE_SURROGATE))
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if math.isfinite(value) and abs(value) >= MAX_MAGNITUDE:
                problems.append((format_path(loc), TOO_LARGE))
        elif isinstance(value, Mapping | list | tuple):
            if len(loc) >= MAX_DEPTH:
                problems.append((format_path(loc), f"is nested more than {MAX_DEPTH} levels deep"))
                continue
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            children = []
            for key, item in items:
                if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                    problems.append((format_path(loc), f"a field name {LONE_SURROGATE}"))
                    continue
                children.append((item, (*loc, key)))
            stack.extend(reversed(children))  # document order
    return problems


def _clean(value: object, depth: int) -> bool:
    """True when raw_problems() would find nothing; False when it may (it then looks again,
    naming each place). Plain JSON types only; recursion stops at MAX_DEPTH."""
    if type(value) is str:  # exact types (`type(x) is`, which narrows `x` for mypy too)
        return value.isascii() or not _SURROGATE.search(value)
    if type(value) is int or type(value) is float:
        return -MAX_MAGNITUDE < value < MAX_MAGNITUDE or value != value
    if type(value) is bool or value is None:
        return True
    if depth >= MAX_DEPTH:
        return False
    if type(value) is dict:
        return all((type(key) is str and (key.isascii() or not _SURROGATE.search(key)))
                   and _clean(item, depth + 1) for key, item in value.items())
    if type(value) is list:
        return all(_clean(item, depth + 1) for item in value)
    return False


TOO_LARGE = "is too large a number (no field takes one of more than 15 digits)"


def _merge(first: list[tuple[str, str]],
           then: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`first`, then those of `then` not about the same field (or a field around it)."""
    taken = [path for path, _ in first]
    return first + [(path, message) for path, message in then
                    if not any(_related(path, other) for other in taken)]


def _related(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long == short or short == "document" or long.startswith((f"{short}.", f"{short}["))


def _unknown_payer(payer_id: str, catalog: Catalog) -> str:
    return (f"unknown payer profile {shown(payer_id)} "
            f"(known: {', '.join(sorted(catalog.payers))})")


def _unknown_product(product_id: str, catalog: Catalog) -> str:
    return (f"unknown product {shown(product_id)} "
            f"(known: {', '.join(sorted(catalog.products))})")


def _check_references(document: VisitDocument, catalog: Catalog) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if isinstance(document.payer, str) and document.payer not in catalog.payers:
        problems.append(("payer", _unknown_payer(document.payer, catalog)))
    elif isinstance(document.payer, PayerProfile) and document.payer.id != (
            stripped := document.payer.id.strip()):  # the store keys a profile by its id
        problems.append(("payer.id", "must not begin or end with a space" if stripped
                         else "must name the profile, not be blank"))
    seen: set[str] = set()
    for index, admin in enumerate(document.administrations):
        path = f"administrations[{index}]"
        if admin.id in seen:
            problems.append((f"{path}.id", f"{shown(admin.id)} is used by another "
                                           "administration"))
        seen.add(admin.id)
        product = catalog.products.get(admin.product)
        if product is None:
            problems.append((f"{path}.product", _unknown_product(admin.product, catalog)))
        elif admin.dose_mg is None and product.role != "hydration":
            problems.append((f"{path}.dose_mg", "is required"))
    return problems


def _raw_references(document: Any, catalog: Catalog,
                    known: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Unknown payer and product ids of a document that failed validation elsewhere, so that
    one run names every problem (paths already named are left to their first message)."""
    if not isinstance(document, Mapping):
        return []
    named = {path for path, _ in known}
    problems: list[tuple[str, str]] = []
    payer = document.get("payer")
    if isinstance(payer, str) and payer and payer not in catalog.payers and "payer" not in named:
        problems.append(("payer", _unknown_payer(payer, catalog)))
    admins = document.get("administrations")
    for index, admin in enumerate(admins if isinstance(admins, list) else []):
        product = admin.get("product") if isinstance(admin, Mapping) else None
        path = f"administrations[{index}].product"
        if isinstance(product, str) and product not in catalog.products and path not in named:
            problems.append((path, _unknown_product(product, catalog)))
    return problems

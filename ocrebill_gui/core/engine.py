"""compute(): one visit document in, one claim result out. Pure and synchronous."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ocrebill_gui.core.admin_codes import code_services, summaries
from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.checks import (
    check_administrations,
    check_prior_authorization,
    check_setting,
    note_monoclonal_family,
)
from ocrebill_gui.core.claim import ClaimLine, ClaimResult
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.diagnoses import check_diagnoses, indication_pointers
from ocrebill_gui.core.drug_lines import drug_bills
from ocrebill_gui.core.errors import InvalidVisit, from_validation_error
from ocrebill_gui.core.proposed import compare_proposed
from ocrebill_gui.core.timeline import timeline_of, zone_of
from ocrebill_gui.core.visit import PayerProfile, VisitDocument

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def parse_visit(document: VisitDocument | Mapping[str, Any]) -> VisitDocument:
    """Validate a visit document; raise InvalidVisit naming every bad field."""
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


def _unknown_payer(payer_id: str, catalog: Catalog) -> str:
    return f"unknown payer profile '{payer_id}' (known: {', '.join(sorted(catalog.payers))})"


def _unknown_product(product_id: str, catalog: Catalog) -> str:
    return f"unknown product '{product_id}' (known: {', '.join(sorted(catalog.products))})"


def _check_references(document: VisitDocument, catalog: Catalog) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, admin in enumerate(document.administrations):
        path = f"administrations[{index}]"
        if admin.id in seen:
            problems.append((f"{path}.id", f"'{admin.id}' is used by another administration"))
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


def compute(document: VisitDocument | Mapping[str, Any], *,
            catalog: Catalog | None = None) -> ClaimResult:
    """Turn a visit document into claim lines and findings.

    Raises InvalidVisit when the document cannot be computed (schema violation, unknown product
    or payer, impossible values). A document with billing problems is still computed: the
    problems are findings.
    """
    catalog = catalog or default_catalog()
    try:
        doc = parse_visit(document)
    except InvalidVisit as exc:  # name an unknown payer or product too, all in one answer
        unknown = _raw_references(document, catalog, exc.problems)
        raise InvalidVisit(exc.problems + unknown) from None
    problems = _check_references(doc, catalog)
    try:
        payer = resolve_payer(doc, catalog)
    except InvalidVisit as exc:
        problems = exc.problems + problems
    if problems:
        raise InvalidVisit(problems)

    ctx = Context(document=doc, payer=payer, catalog=catalog)
    zone = zone_of(doc)
    for index, admin in enumerate(doc.administrations):
        timeline = timeline_of(admin, zone)
        ctx.timelines[admin.id] = timeline
        if timeline.problem is not None:
            rule, message = timeline.problem
            ctx.add(rule, f"{catalog.products[admin.product].short}: {message}",
                    admin=admin.id, field=f"administrations[{index}].events")
    pointers = indication_pointers(list(doc.diagnoses))
    bills = drug_bills(ctx, pointers)
    services, admin_lines = code_services(ctx, pointers)
    check_diagnoses(ctx)
    check_prior_authorization(ctx, bills)
    check_administrations(ctx)
    check_setting(ctx)
    note_monoclonal_family(ctx)

    lines = _ordered_lines(services, bills, admin_lines)
    compare_proposed(ctx, lines, bills)
    findings = sorted(ctx.findings, key=lambda f: SEVERITY_ORDER[f.severity])
    return ClaimResult(place_of_service=doc.place_of_service, lines=lines, findings=findings,
                       administrations=summaries(services))


def _ordered_lines(services, bills, admin_lines: list[ClaimLine]) -> list[ClaimLine]:
    """Initial service first, then the others in the order they happened; each product's drug
    lines just before the administration codes of its first administration."""
    order = sorted(services, key=lambda s: (s.role != "initial", s.at is None,
                                            s.at or datetime.min, s.admin.id))
    drug_by_admin: dict[str, list[ClaimLine]] = {}
    for bill in bills:  # a product billed under two codes (R13) has two bills
        drug_by_admin.setdefault(bill.representative, []).extend(bill.lines)
    codes_by_admin: dict[str, list[ClaimLine]] = {}
    for line in admin_lines:
        codes_by_admin.setdefault(line.administration or "", []).append(line)
    lines: list[ClaimLine] = []
    for service in order:
        lines.extend(drug_by_admin.get(service.admin.id, []))
        lines.extend(codes_by_admin.get(service.admin.id, []))
    return lines

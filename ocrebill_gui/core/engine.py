"""compute(): one visit document in, one claim result out. Pure and synchronous."""

from __future__ import annotations

from datetime import datetime

from ocrebill_gui.core.admin_codes import Service, code_services, summaries
from ocrebill_gui.core.catalog import Catalog, default_catalog
from ocrebill_gui.core.checks import (
    check_administrations,
    check_benefits,
    check_prior_authorization,
    check_providers,
    check_setting,
    note_monoclonal_family,
)
from ocrebill_gui.core.claim import ClaimLine, ClaimResult
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.copay_check import check_copay_programme
from ocrebill_gui.core.diagnoses import check_diagnoses, indication_pointers
from ocrebill_gui.core.drug_lines import DrugBill, drug_bills
from ocrebill_gui.core.proposed import compare_proposed
from ocrebill_gui.core.timeline import timeline_of, zone_of
from ocrebill_gui.core.validation import parse_visit, resolve_payer, validate_document
from ocrebill_gui.core.visit import VisitDocument

__all__ = ["compute", "parse_visit", "resolve_payer"]  # the last two moved to core.validation

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def compute(document: object, *, catalog: Catalog | None = None) -> ClaimResult:
    """Turn a visit document (a VisitDocument, or JSON as parsed) into claim lines and
    findings.

    Raises InvalidVisit when the document cannot be computed (schema violation, unknown product
    or payer, impossible values). A document with billing problems is still computed: the
    problems are findings.
    """
    catalog = catalog or default_catalog()
    doc = validate_document(document, catalog)
    payer = resolve_payer(doc, catalog)

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
    check_providers(ctx)
    check_benefits(ctx)
    check_copay_programme(ctx)
    note_monoclonal_family(ctx)

    lines = _ordered_lines(services, bills, admin_lines)
    compare_proposed(ctx, lines, bills)
    findings = sorted(ctx.findings, key=lambda f: SEVERITY_ORDER[f.severity])
    return ClaimResult(place_of_service=doc.place_of_service, lines=lines, findings=findings,
                       administrations=summaries(services))


def _ordered_lines(services: list[Service], bills: list[DrugBill],
                   admin_lines: list[ClaimLine]) -> list[ClaimLine]:
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

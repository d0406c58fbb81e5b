"""Diagnosis checks: billable ICD-10-CM codes on the date of service, MS indication, Z51.1x."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from pydantic import BaseModel, ConfigDict

from ocrebill_gui.core.catalog import Catalog, load_data_file
from ocrebill_gui.core.code_sets import DiagnosisCodeSet
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.icd10 import icd10_index
from ocrebill_gui.core.icd10_order_file import fiscal_year_of
from ocrebill_gui.paths import data_dir


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeSet(_Model):
    name: str
    valid_from: date
    valid_to: date


class CodeChange(_Model):
    code: str
    billable_until: date | None = None
    valid_from: date | None = None
    note: str | None = None


class DiagnosisRules(_Model):
    source: str
    code_set: CodeSet
    changes: list[CodeChange]
    ms_prefix: str
    off_label_indications: list[str]
    neoplasm_encounter_codes: list[str]
    clinical_trial_code: str


# Rules that say the code itself cannot be billed on the date of service (others, such as
# Z51.11 beside MS, are about a billable code used wrongly).
NOT_BILLABLE_RULES = ("dx-unknown", "dx-category", "dx-g35-category", "dx-not-yet-valid")


@cache
def diagnosis_rules() -> DiagnosisRules:
    return load_data_file(data_dir() / "diagnosis-rules.json", DiagnosisRules)


@cache
def shipped_code_set() -> DiagnosisCodeSet:
    """The FY2026 index shipped in data/ (loaded lazily, on the first code checked)."""
    shipped = diagnosis_rules().code_set
    return DiagnosisCodeSet(fiscal_year_of(shipped.valid_from), shipped.name, icd10_index(),
                            source="shipped with OcreBill (data/icd10cm-fy2026*.tsv.gz)")


def code_set_for(catalog: Catalog, day: date | None) -> DiagnosisCodeSet:
    """The code set a date of service is checked, searched and described against: the
    imported year in force then (catalog.code_sets), else the nearest as the engine chooses
    (check_diagnoses), else the shipped FY2026 set. No day: the year in force today."""
    return catalog.code_sets.choose(day or date.today(), shipped_code_set()).code_set


def indication_pointers(diagnoses: list[str]) -> list[int]:
    """Diagnosis pointers for the drug and administration lines: the MS (or off-label
    indication) codes, at most four, else the primary diagnosis."""
    rules = diagnosis_rules()
    picked = [i + 1 for i, code in enumerate(diagnoses)
              if code.startswith(rules.ms_prefix) or code in rules.off_label_indications]
    return picked[:4] or [1]


def check_diagnoses(ctx: Context) -> None:
    rules = diagnosis_rules()
    day = ctx.document.date_of_service
    changes = {c.code: c for c in rules.changes}
    choice = ctx.catalog.code_sets.choose(day, shipped_code_set())
    for index, code in enumerate(ctx.document.diagnoses):
        _check_code(ctx, code, f"diagnoses[{index}]", day, changes.get(code), choice.code_set)
    if choice.needs_verifying:
        ctx.add("dx-code-set-outdated",
                f"Checked against {choice.code_set.name} (valid to "
                f"{choice.code_set.valid_to.isoformat()}); verify the codes for "
                f"{day.isoformat()} against the current code set", field="diagnoses")
    _check_indication(ctx, rules)


def _check_code(ctx: Context, code: str, where: str, day: date, change: CodeChange | None,
                code_set: DiagnosisCodeSet) -> None:
    index = code_set.index
    if change is not None and change.billable_until is not None:
        if day <= change.billable_until:
            return
        subcodes = ", ".join(index.billable_children(code)) or "a subcode"
        ctx.add("dx-g35-category" if code == "G35" else "dx-category",
                f"{code} is a category since {change.billable_until + timedelta(days=1)}, "
                f"not billable: use one of {subcodes}", field=where)
        return
    if change is not None and change.valid_from is not None and day < change.valid_from:
        ctx.add("dx-not-yet-valid",
                f"{code} is valid from {change.valid_from.isoformat()}; for "
                f"{day.isoformat()} use the code valid then", field=where)
        return
    billable = index.billable(code)
    if billable is None:
        ctx.add("dx-unknown", f"{code} is not an ICD-10-CM code ({code_set.name})", field=where)
    elif not billable:
        entry = index.get(code)
        children = index.billable_children(code)
        shown = ", ".join(children[:8]) + (" ..." if len(children) > 8 else "")
        ctx.add("dx-category",
                f"{code} ({entry.description if entry else 'category'}) is a category, not "
                "billable: use a subcode" + (f" such as {shown}" if shown else ""), field=where)


def _check_indication(ctx: Context, rules: DiagnosisRules) -> None:
    codes = ctx.document.diagnoses
    ms = [c for c in codes if c.startswith(rules.ms_prefix)]
    needs_ms = any(rules.ms_prefix in ctx.catalog.products[p].indications
                   for p in ctx.products_given)
    for index, code in enumerate(codes):
        if code in rules.neoplasm_encounter_codes and (ms or needs_ms):
            ctx.add("dx-neoplasm-encounter",
                    f"{code} is for antineoplastic therapy of a neoplasm: never for MS; "
                    "remove it (the G35.x code alone supports the visit)",
                    field=f"diagnoses[{index}]")
    if not needs_ms or ms:
        return
    off_label = [c for c in codes if c in rules.off_label_indications]
    if off_label:
        ctx.add("dx-off-label",
                f"{', '.join(off_label)} is not an Ocrevus indication: off-label use, expect a "
                "medical-necessity review", field="diagnoses[0]")
    else:
        ctx.add("dx-no-ms-indication",
                "No MS diagnosis (G35.A, G35.B0-B2, G35.C0-C2 or G35.D) supports the "
                "ocrelizumab given", field="diagnoses[0]")

"""The editable reference data: drug catalog, payer profiles, administration codes, findings.

Everything the rules call *configurable* lives in data/*.json, is validated by these models on
load, and a broken file gives a DataFileError naming the file and the field.
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocrebill_gui.core.code_sets import CodeSets
from ocrebill_gui.core.errors import format_path
from ocrebill_gui.core.visit import Ndc, PayerProfile, Route
from ocrebill_gui.paths import data_dir

_T = TypeVar("_T", bound=BaseModel)


class DataFileError(RuntimeError):
    """A shipped or user data file is broken; the message names file and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProductCode(_Model):
    code: str
    unit_mg: float = Field(gt=0)
    effective_from: date
    effective_to: date | None = None
    label: str

    def effective_on(self, day: date) -> bool:
        ends = self.effective_to
        return self.effective_from <= day and (ends is None or day <= ends)


class VialSize(_Model):
    ndc: Ndc
    mg: float = Field(gt=0)
    ml: float = Field(gt=0)


class Product(_Model):
    id: str
    name: str
    short: str
    codes: list[ProductCode]
    vials: list[VialSize]
    sample_ndcs: list[Ndc] = Field(default_factory=list)
    concentration_mg_per_ml: float | None = Field(default=None, gt=0)
    single_dose: bool
    packaged_in_hospital_outpatient: bool
    role: Literal["treatment", "premedication", "hydration"]
    monoclonal: bool
    routes: list[Route]
    label_doses_mg: list[float] = Field(default_factory=list)
    typical_minutes: dict[str, int] = Field(default_factory=dict)
    shortest_minutes: dict[str, int] = Field(default_factory=dict)
    indications: list[str] = Field(default_factory=list)
    source: str

    def codes_on(self, day: date) -> list[ProductCode]:
        """The product's codes in effect on a day, smallest unit first."""
        return sorted((c for c in self.codes if c.effective_on(day)), key=lambda c: c.unit_mg)

    def code_for(self, total_mg: float, day: date) -> ProductCode | None:
        """The billing code for a total dose: the smallest 'up to' unit that covers it in one
        unit, else the largest unit (methylprednisolone 100 mg -> J2930 x1, 30 mg -> J2920)."""
        codes = self.codes_on(day)
        if not codes:
            return None
        for code in codes:
            if total_mg <= code.unit_mg:
                return code
        return codes[-1]

    def default_ndc(self, code: ProductCode | None = None) -> str | None:
        """The NDC of a drug line without vials: the package of the code's size (J2930 -> the
        125 mg vial), else the catalog's first package."""
        if code is not None:
            sized = next((v for v in self.vials if abs(v.mg - code.unit_mg) < 1e-9), None)
            if sized is not None:
                return sized.ndc
        return self.vials[0].ndc if self.vials else None

    def vial_for_ndc(self, ndc: str) -> VialSize | None:
        return next((v for v in self.vials if v.ndc == ndc), None)

    @property
    def billable(self) -> bool:
        return bool(self.codes)


class UnclassifiedCode(_Model):
    """A not-otherwise-classified code (J3590, C9399) for a product without a code of its own
    on the date of service (R10, R11): billed x1 with the NDC and quantity."""

    code: str
    settings: list[Literal["office", "hospital_outpatient", "home"]]
    effective_from: date
    effective_to: date | None = None
    label: str

    def as_product_code(self) -> ProductCode:
        return ProductCode(code=self.code, unit_mg=1, effective_from=self.effective_from,
                           effective_to=self.effective_to, label=self.label)


class AdminCode(_Model):
    code: str
    label: str


class FamilyCodes(_Model):
    initial: str
    extra_hour: str
    sequential: str | None
    sequential_extra_hour: str | None
    concurrent: str | None
    push_initial: str | None
    push_new_drug: str | None
    push_repeat: str | None
    injection: str | None
    subsequent: str | None = None


class RuleEntry(_Model):
    id: str
    severity: Literal["error", "warning", "info"]
    section: str
    explanation: str
    seed: str | None = None


class _ProductsFile(_Model):
    source: str
    products: list[Product]
    unclassified_source: str
    unclassified: list[UnclassifiedCode]


class _PayersFile(_Model):
    source: str
    payers: list[PayerProfile]


class _AdminCodesFile(_Model):
    source: str
    codes: list[AdminCode]
    addon_parents_source: str
    addon_parents: dict[str, list[str]]
    families: dict[Literal["therapeutic", "complex", "hydration"], FamilyCodes]


class _FindingsFile(_Model):
    source: str
    rules: list[RuleEntry]


class Catalog:
    """All reference data the engine reads, loaded once per process."""

    def __init__(self, folder: Path):
        products_file = load_data_file(folder / "products.json", _ProductsFile)
        products = products_file.products
        self.unclassified = products_file.unclassified
        self.products: dict[str, Product] = {p.id: p for p in products}
        self.payers: dict[str, PayerProfile] = {
            p.id: p for p in load_data_file(folder / "payers.json", _PayersFile).payers
        }
        admin = load_data_file(folder / "admin-codes.json", _AdminCodesFile)
        self.admin_labels: dict[str, str] = {c.code: c.label for c in admin.codes}
        self.families = admin.families
        self.addon_parents: dict[str, set[str]] = {
            code: set(parents) for code, parents in admin.addon_parents.items()}
        self.rules: dict[str, RuleEntry] = {
            r.id: r for r in load_data_file(folder / "findings.json", _FindingsFile).rules
        }
        self.drug_labels: dict[str, str] = {
            c.code: c.label for p in products for c in p.codes
        }
        self.drug_labels.update({c.code: c.label for c in self.unclassified})
        # ICD-10-CM years a clinic imported; the shipped FY2026 index is always the fallback.
        self.code_sets = CodeSets()

    def unclassified_code(self, setting: str, day: date) -> ProductCode | None:
        """The not-otherwise-classified code of a setting in effect on a day."""
        for entry in self.unclassified:
            if setting in entry.settings and entry.effective_from <= day and (
                    entry.effective_to is None or day <= entry.effective_to):
                return entry.as_product_code()
        return None

    def label(self, code: str) -> str:
        return self.admin_labels.get(code) or self.drug_labels.get(code) or ""

    def with_payers(self, extra: dict[str, PayerProfile]) -> Catalog:
        """A copy that also knows user-configured payer profiles (user ids win)."""
        clone = object.__new__(Catalog)
        clone.__dict__.update(self.__dict__)
        clone.payers = {**self.payers, **extra}
        return clone

    def with_code_sets(self, code_sets: CodeSets) -> Catalog:
        """A copy whose diagnoses are checked against these imported ICD-10-CM years."""
        clone = object.__new__(Catalog)
        clone.__dict__.update(self.__dict__)
        clone.code_sets = code_sets
        return clone


def load_data_file(path: Path, model: type[_T]) -> _T:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError(f"{path}: missing data file") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = format_path(first["loc"])
        raise DataFileError(f"{path}: {where}: {first['msg']}") from exc


@cache
def default_catalog() -> Catalog:
    return Catalog(data_dir())


def billing_units(mg: float, unit_mg: float) -> int:
    """Administered amount / unit size, rounded up to a whole unit (float noise ignored). Any
    positive amount is at least one unit (R10: less than a billing unit is billed as one)."""
    if mg <= 0:
        return 0
    return max(1, math.ceil(round(mg / unit_mg, 6)))

"""The reference data in data/: complete, validated, and a broken file named clearly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ocrebill_gui.core.catalog import Catalog, DataFileError, default_catalog
from ocrebill_gui.paths import data_dir

SPEC_PRODUCTS = {"ocrevus", "ocrevus-zunovo", "methylprednisolone", "diphenhydramine",
                 "acetaminophen-oral", "acetaminophen-iv", "normal-saline", "rituximab",
                 "ublituximab", "natalizumab"}
CORE = Path(__file__).resolve().parents[2] / "ocrebill_gui" / "core"


def test_every_spec_product_and_payer_is_shipped() -> None:
    catalog = default_catalog()
    assert SPEC_PRODUCTS <= set(catalog.products)
    assert {"medicare", "medicaid", "unitedhealthcare", "anthem", "cigna", "aetna"} <= set(
        catalog.payers)
    assert all(p.source for p in catalog.payers.values())
    assert catalog.payers["medicare"].prior_auth_required is False


def test_product_facts_from_the_rules() -> None:
    products = default_catalog().products
    assert products["rituximab"].codes[0].unit_mg == 10
    assert products["ocrevus-zunovo"].codes[0].code == "J2351"
    assert "50242055486" in products["ocrevus-zunovo"].sample_ndcs
    assert {c.code for c in products["methylprednisolone"].codes} == {"J2920", "J2930"}


def test_every_rule_the_engine_raises_is_in_the_catalog_and_vice_versa() -> None:
    used: set[str] = set()
    for source in CORE.glob("*.py"):
        text = source.read_text()
        used |= set(re.findall(r'ctx\.add\(\s*"([a-z0-9-]+)"', text))
        used |= set(re.findall(r'problem=?\(\s*"([a-z0-9-]+)"', text))
        used |= set(re.findall(r'rule = "([a-z0-9-]+)" if', text))
        used |= set(re.findall(r'else "([a-z0-9-]+)"\n', text))
        used |= set(re.findall(r'"(dx-[a-z0-9-]+)" if code', text))
    catalog = set(default_catalog().rules)
    assert used - catalog == set()
    assert catalog - used == set(), "catalog entries no code raises"


@pytest.mark.parametrize(("file", "edit", "message"), [
    ("products.json", lambda d: d["products"][0].update(single_dose="maybe"),
     "products[0].single_dose"),
    ("payers.json", lambda d: d["payers"][1].update(waste_modifiers="JW"),
     "payers[1].waste_modifiers"),
    ("findings.json", lambda d: d["rules"][0].update(severity="fatal"), "rules[0].severity"),
])
def test_a_broken_data_file_names_file_and_field(tmp_path: Path, file, edit, message) -> None:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    data = json.loads((folder / file).read_text())
    edit(data)
    (folder / file).write_text(json.dumps(data))
    with pytest.raises(DataFileError) as caught:
        Catalog(folder)
    assert file in str(caught.value) and message in str(caught.value)


def test_invalid_json_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    (folder / "payers.json").write_text("{ not json")
    with pytest.raises(DataFileError, match="payers.json: not valid JSON"):
        Catalog(folder)

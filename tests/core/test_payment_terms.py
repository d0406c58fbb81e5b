"""A payer profile's payment terms (PayerProfile.payment): optional, backward compatible with
profiles saved before it, validated with the field named, and kept through JSON."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from builders import ocrevus, visit

from ocrebill_gui.core import InvalidVisit, compute
from ocrebill_gui.core.catalog import Catalog, DataFileError, default_catalog
from ocrebill_gui.core.medicare_part_b import medicare_part_b
from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.paths import data_dir

TERMS = {"drugs": {"basis": "asp", "percent": 115},
         "administration": {"basis": "contract"}, "source": "agreement 2026"}


def test_the_shipped_profiles_load_without_terms() -> None:
    assert all(p.payment is None for p in default_catalog().payers.values())


def test_a_profile_saved_before_the_field_reads_as_before() -> None:
    old = {"id": "x", "name": "X", "program": "commercial", "waste_modifiers": "jw_only"}
    profile = PayerProfile.model_validate(old)
    assert profile.payment is None and profile.waste_modifiers == "jw_only"
    again = PayerProfile.model_validate_json(profile.model_dump_json())
    assert again == profile


def test_terms_round_trip_through_json_as_exact_decimals() -> None:
    profile = PayerProfile.model_validate({"id": "a", "name": "A", "payment": TERMS})
    assert profile.payment.drugs.percent == Decimal(115)
    text = profile.model_dump_json()
    assert json.loads(text)["payment"]["drugs"] == {"basis": "asp", "percent": "115"}
    assert PayerProfile.model_validate_json(text) == profile


def test_an_inline_payer_with_terms_still_computes_the_same_claim() -> None:
    plain = compute(visit(ocrevus()))
    with_terms = compute(visit(ocrevus(), payer={"id": "a", "name": "A", "payment": TERMS}))
    assert with_terms.lines == plain.lines


def test_bad_terms_are_refused_naming_the_field() -> None:
    bad = {"id": "a", "name": "A", "payment": {"drugs": {"basis": "awp"}}}
    with pytest.raises(InvalidVisit) as caught:
        compute(visit(ocrevus(), payer=bad))
    assert "payer.payment.drugs.basis" in str(caught.value)


def test_a_payers_file_with_terms_loads_and_a_broken_one_names_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    payers = json.loads((folder / "payers.json").read_text())
    payers["payers"][2]["payment"] = TERMS
    (folder / "payers.json").write_text(json.dumps(payers))
    assert Catalog(folder).payers["unitedhealthcare"].payment.drugs.basis == "asp"
    payers["payers"][2]["payment"] = {"drugs": {"basis": "asp", "percent": -1}}
    (folder / "payers.json").write_text(json.dumps(payers))
    with pytest.raises(DataFileError, match=r"payers\[2\]\.payment\.drugs\.percent"):
        Catalog(folder)


def test_medicare_part_b_rules_by_date_of_service() -> None:
    rules = medicare_part_b(date(2026, 5, 12))
    assert rules is not None and rules.sequestration_percent == 2
    assert rules.standard_coinsurance_percent == 20 and rules.asp_add_on_percent == 6
    assert medicare_part_b(date(2021, 1, 1)) is None  # suspended then: not in the file


@pytest.mark.parametrize(("file", "model", "edit", "field"), [
    ("payment-rules.json", "medicare", lambda d: d["medicare_part_b"][0].update(
        sequestration_percent="two"), "medicare_part_b[0].sequestration_percent"),
    ("copay-programmes.json", "programme", lambda d: d["programmes"][0].update(
        drug_cap_per_year=-5), "programmes[0].drug_cap_per_year"),
])
def test_broken_money_data_files_name_file_and_field(tmp_path: Path, file, model, edit,
                                                     field) -> None:
    from ocrebill_gui.core.catalog import load_data_file
    from ocrebill_gui.core.copay_programme import _ProgrammesFile
    from ocrebill_gui.core.medicare_part_b import _PaymentRulesFile

    data = json.loads((data_dir() / file).read_text())
    edit(data)
    (tmp_path / file).write_text(json.dumps(data))
    schema = _PaymentRulesFile if model == "medicare" else _ProgrammesFile
    with pytest.raises(DataFileError) as caught:
        load_data_file(tmp_path / file, schema)
    assert file in str(caught.value) and field in str(caught.value)


def test_the_fee_schedule_columns_are_documented() -> None:
    from ocrebill_gui.core.fee_schedule import COLUMNS, OPTIONAL

    docs = (Path(__file__).resolve().parents[2] / "docs" / "reference-data.md").read_text()
    assert ",".join(COLUMNS + OPTIONAL) in docs
    assert all(f"| `{name}` |" in docs for name in COLUMNS + OPTIONAL)

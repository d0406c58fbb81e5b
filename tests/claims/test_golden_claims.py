"""Golden files of four claims (an office Ocrevus claim, a hospital-outpatient claim, a
replacement and a claim with a continuation form): the 837 and the form's text as printed, with
a fixed clock and control numbers. Each golden 837 is also accepted by pyx12."""

from __future__ import annotations

import pytest
from golden_claims import CLAIMS, GOLDEN, outputs

from ocrebill_gui.core.x12.validate import validate_837


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_claim_matches_its_golden_files(name: str) -> None:
    made = outputs(name)
    assert len(made) == 2
    for file_name, text in made.items():
        golden = GOLDEN / file_name
        assert golden.exists(), f"{golden}: missing (python tests/claims/golden_claims.py)"
        assert text == golden.read_text(), f"{file_name} differs from its golden file"
        if file_name.endswith((".837p", ".837i")):
            assert validate_837(golden.read_text()).accepted


def test_the_continuation_claim_has_two_forms_and_the_replacement_box_22() -> None:
    assert (GOLDEN / "continuation.cms1500.txt").read_text().count("\f") == 1
    replacement = (GOLDEN / "replacement.cms1500.txt").read_text().splitlines()
    assert replacement[37][49:] == "7           2026120700001"
    assert "CLM*1003*43570***11:B:7*Y*A*Y*Y~" in (GOLDEN / "replacement.837p").read_text()

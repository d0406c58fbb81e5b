"""Properties of every estimate, over random doses, run times, payers and benefits: amounts in
whole cents, each priced line split exactly into payer + patient (+ sequestration), the
patient never owing more than allowed or than the out-of-pocket maximum left, totals the sums
of the lines, and the programme never paying more than the patient owes."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from pathlib import Path

from builders import ocrevus, on_day, visit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocrebill_gui.core import compute
from ocrebill_gui.core.asp_file import read_asp_file
from ocrebill_gui.core.benefits import BenefitsVerification
from ocrebill_gui.core.copay_programme import Enrolment, ProgrammeInput, YearUsage
from ocrebill_gui.core.estimate import estimate
from ocrebill_gui.core.fee_schedule import read_fee_schedule
from ocrebill_gui.core.money import ZERO
from ocrebill_gui.core.prices import PriceBook
from ocrebill_gui.core.validation import parse_visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference_data"
PRICES = PriceBook.of([read_asp_file(FIXTURES / "april-2026-asp-pricing-file.csv")],
                      read_fee_schedule(FIXTURES / "fees-2026.csv"))
AETNA = {"id": "aetna", "name": "Aetna", "program": "commercial",
         "payment": {"drugs": {"basis": "asp", "percent": 112},
                     "administration": {"basis": "contract"}}}
money = st.decimals(min_value=0, max_value=20000, places=2)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(dose=st.integers(1, 1200), minutes=st.integers(16, 330),
       payer=st.sampled_from(["medicare", "commercial"]),
       deductible=money, percent=st.decimals(min_value=0, max_value=50, places=1),
       copay=st.decimals(min_value=0, max_value=300, places=2),
       out_of_pocket=st.one_of(st.none(), money),
       used=st.decimals(min_value=0, max_value=25000, places=2))
def test_estimate_invariants(dose, minutes, payer, deductible, percent, copay, out_of_pocket,
                             used) -> None:
    doc = parse_visit(on_day(visit(ocrevus(minutes=minutes, dose=dose,
                                           vials=math.ceil(dose / 300)),
                                   payer="medicare" if payer == "medicare" else AETNA),
                             "2026-05-12"))
    verified = BenefitsVerification(verified_on=date(2026, 5, 1),
                                    deductible_remaining=deductible,
                                    coinsurance_percent=percent, copay=copay,
                                    out_of_pocket_remaining=out_of_pocket)
    programme = ProgrammeInput(enrolment=Enrolment(programme="ocrevus-copay", card_id="C",
                                                   enrolled_on=date(2026, 1, 2)),
                               usage=YearUsage(year=2026, drug_used=used))
    result = estimate(compute(doc), doc, prices=PRICES, benefits=verified,
                      programme=programme)
    assert not result.partial
    for line in result.lines:
        amounts = [line.allowed, line.payer_pays, line.patient_share]
        assert all(a is not None and a >= 0 and a.as_tuple().exponent == -2 for a in amounts)
        sequestration = line.sequestration or ZERO
        assert line.payer_pays + line.patient_share + sequestration == line.allowed
        assert line.patient_share <= line.allowed
    totals = result.totals
    assert totals.allowed == sum(line.allowed for line in result.lines)
    assert totals.patient_share == sum(line.patient_share for line in result.lines)
    if payer == "commercial" and out_of_pocket is not None:
        assert totals.patient_share <= out_of_pocket
    cover = result.programme
    assert cover is not None
    if payer == "medicare":
        assert not cover.eligible and cover.total == 0
    drug_share = sum(x.patient_share for x in result.lines if x.kind == "drug")
    assert cover.drug_covered <= drug_share and cover.total <= totals.patient_share
    assert cover.drug_covered <= max(Decimal(20000) - used, ZERO)
    assert result.patient_after_programme == totals.patient_share - cover.total >= 0

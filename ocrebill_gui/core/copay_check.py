"""The visit document's `copay_programme` extension and the engine's check of it (issue 16,
item 4): a patient enrolled in a manufacturer's co-pay programme (store/copay.py writes the
block) whose coverage on the date of service makes them ineligible (Medicare, Medicaid,
TRICARE, VA or another government plan: commercial insurance only), who is under the
programme's age, or whose date of service is more than the programme's 180 days before the
enrolment, gets a warning on the visit: the programme will not pay its share. A document
without the block is not checked; a visit giving none of the programme's products neither.

The block carries no card id: the programme, enrolment date, parts used and the kinds of the
patient's coverages on the day (besides the visit's payer, whose program is the profile's).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ocrebill_gui.core.context import Context


class VisitCopayProgramme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    programme: str = Field(min_length=1)
    enrolled_on: date
    parts: list[Literal["drug", "infusion"]] = Field(default_factory=list)
    coverage: list[str] = Field(default_factory=list)


def check_copay_programme(ctx: Context) -> None:
    from ocrebill_gui.core.copay_programme import eligibility, terms_for

    block = ctx.document.copay_programme
    if block is None:
        return
    day = ctx.document.date_of_service
    terms = terms_for(block.programme, day)
    if terms is None or not ctx.products_given & set(terms.products):
        return
    patient = ctx.document.patient
    found = eligibility(terms, coverage=[ctx.payer.program, *block.coverage],
                        birth_date=patient.birth_date if patient else None, day=day)
    for finding in found:
        if finding.rule == "copay-ineligible-coverage":
            ctx.add("copay-ineligible-coverage", f"{finding.message}: the patient's share of "
                    "this visit is theirs to pay", field="copay_programme")
        elif finding.rule == "copay-under-age":
            ctx.add("copay-under-age", finding.message, field="copay_programme")
    early = (block.enrolled_on - day).days
    if early > terms.days_before_enrolment_paid:
        ctx.add("copay-before-enrolment",
                f"{terms.name}: the date of service is {early} days before the enrolment "
                f"({block.enrolled_on.isoformat()}); the programme does not pay more than "
                f"{terms.days_before_enrolment_paid}", field="copay_programme")

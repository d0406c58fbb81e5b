"""Claim forms for a batch of visits: each finalized visit's CMS-1500 (office, home) or UB-04
(hospital outpatient) pages, built as `ocrebill print cms1500|ub04` builds one (cli/claim_forms:
the parties from the store, the practice's printer offsets), then drawn into one PDF per form.
The two forms print on different paper, so a selection holding both makes two files.

Qt-free; reportlab is imported when the first page is built, not when the app starts.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session

FORMS = {"cms1500": "CMS-1500", "ub04": "UB-04"}


def form_for(setting: str | None) -> str:
    """The claim form of a visit's setting: UB-04 for hospital outpatient, else CMS-1500."""
    return "ub04" if setting == "hospital_outpatient" else "cms1500"


@dataclass
class FormBatch:
    """One form's pages for the visits that could be printed, and why the others were not."""

    form: str
    pages: list[Any] = field(default_factory=list)  # reports.form_grid.FormPage per page
    printed: list[int] = field(default_factory=list)  # visit ids, in the order printed
    left_out: dict[int, str] = field(default_factory=dict)  # visit id -> the reasons

    def steps(self, store: Store, session: Session, visit_ids: list[int], *,
              today: date) -> Iterator[str]:
        """Build the pages one visit at a time (for ui/worklist/progress.ChunkedJob)."""
        from ocrebill_gui.cli.claim_forms import claim_submission
        from ocrebill_gui.store import StoreError

        for number, visit_id in enumerate(visit_ids, start=1):
            try:
                submission = claim_submission(store, session, visit_id, form=self.form)
            except StoreError as error:  # ClaimNotReady names each field; others their cause
                self.left_out[visit_id] = reasons(error)
            else:
                self.pages.extend(_pages(self.form, submission, today))
                self.printed.append(visit_id)
            yield f"{FORMS[self.form]}: visit {visit_id} ({number} of {len(visit_ids)})"

    def pdf(self, store: Store, *, background: bool = False) -> bytes:
        """The PDF of the pages built, at the practice's offsets for this form."""
        from ocrebill_gui.cli.claim_forms import offsets
        from ocrebill_gui.reports.form_grid import draw_pages
        from ocrebill_gui.store import practice_settings

        top, left = offsets(Namespace(document=self.form, top=None, left=None),
                            practice_settings(store))
        if self.form == "cms1500":
            from ocrebill_gui.reports.cms1500 import draw_outline
        else:
            from ocrebill_gui.reports.ub04 import draw_outline
        return draw_pages(self.pages, title=f"{FORMS[self.form]} claims", top=top, left=left,
                          background=draw_outline if background else None)


def reasons(error: Exception) -> str:
    """'rendering provider is missing; payer ID is required', or the error's own words."""
    problems = getattr(error, "problems", None)
    if problems:
        return problems_text(problems)
    return str(error)


def problems_text(problems: Iterable[tuple[str, str]]) -> str:
    """The (field, message) problems of a claim in words, '; ' between them."""
    return "; ".join(problem_text(where, why) for where, why in problems)


# Fields whose message names its own subject ("claim 46 is denied: ...").
_SAID_IN_THE_MESSAGE = {"claim.status", "visit"}
_ACRONYMS = {"id": "ID", "npi": "NPI", "ndc": "NDC", "ein": "EIN", "zip": "ZIP"}
_ONE_OF = {"lines": "line", "diagnoses": "diagnosis", "administrations": "administration"}


def problem_text(where: str, why: str) -> str:
    """'billing NPI must be 10 digits' for ('billing.npi', 'NPI must be 10 digits'): the
    field in words (no dots, underscores or [0]), left out where the message says it."""
    first = why.split(" ", 1)[0]
    if where in _SAID_IN_THE_MESSAGE or first in ("a", "an", "the"):
        return why
    words = field_words(where)
    if words.casefold().endswith(first.casefold()):
        words = words[:-len(first)].rstrip()
    return f"{words} {why}".strip()


def field_words(where: str) -> str:
    """'claim.lines[2].ndc_unit' -> 'line 3 NDC unit'; 'providers.rendering' ->
    'rendering provider'; 'payer.payer_id' -> 'payer ID'."""
    parts = where.split(".")
    if parts[0] == "claim" and len(parts) > 1:
        parts = parts[1:]
    if parts[0] == "providers" and len(parts) > 1:  # providers.rendering.npi
        parts = [f"{parts[1]}_provider", *parts[2:]]
    said: list[str] = []
    for part in parts:
        name, _, index = part.rstrip("]").partition("[")
        if said and name.startswith(said[-1].replace(" ", "_") + "_"):
            said.pop()  # payer.payer_id: 'payer ID', not 'payer payer ID'
        if index.isdigit():
            name = f"{_ONE_OF.get(name, name.rstrip('s'))} {int(index) + 1}"
        said.append(" ".join(_ACRONYMS.get(w, w) for w in name.split("_")))
    return " ".join(said)


def _pages(form: str, submission: Any, today: date) -> list[Any]:
    if form == "cms1500":
        from ocrebill_gui.reports.cms1500 import cms1500_pages

        return cms1500_pages(submission)
    from ocrebill_gui.reports.ub04 import ub04_pages

    return ub04_pages(submission, created=today)


def default_name(form: str, today: date) -> str:
    return f"{form}-{today.isoformat()}.pdf"

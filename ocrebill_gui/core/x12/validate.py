"""`validate_837(text)`: any 837P/837I file through pyx12 (the 999 acknowledgement against the
5010 maps) and through our semantic checks, which pyx12 does not make: NPI check digits, LIN N4
with 11 digits, the CTP unit and quantity, CLM02 equal to the sum of the line charges.

pyx12 is imported here only (a test dependency for now): `ocrebill claims validate` says so
plainly when it is missing.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ocrebill_gui.core.claim_problems import NDC_UNITS
from ocrebill_gui.core.npi import npi_problem


class ValidatorMissing(RuntimeError):
    """pyx12 is not installed."""


@dataclass(frozen=True)
class ValidationResult:
    accepted: bool  # 999 IK5*A / AK9*A and no semantic problem
    ack_999: str  # pyx12's 999 acknowledgement
    syntax_errors: list[str] = field(default_factory=list)  # pyx12's messages
    problems: list[str] = field(default_factory=list)  # our semantic checks

    @property
    def syntax_accepted(self) -> bool:
        return "IK5*A" in self.ack_999 and "AK9*A" in self.ack_999 and not self.syntax_errors


def validate_837(text: str) -> ValidationResult:
    problems = semantic_problems(text)
    ack, errors = _pyx12(text)
    accepted = "IK5*A" in ack and "AK9*A" in ack and not errors and not problems
    return ValidationResult(accepted=accepted, ack_999=ack, syntax_errors=errors,
                            problems=problems)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _pyx12(text: str) -> tuple[str, list[str]]:
    try:
        import pyx12.error_handler  # noqa: F401  (x12n_document needs it imported first)
        import pyx12.params
        import pyx12.x12n_document
    except ImportError as exc:
        raise ValidatorMissing("the 837 validator needs pyx12: pip install 'pyx12>=4.0'") \
            from exc
    logger = logging.getLogger("pyx12")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False  # its messages may quote values from the file: not for our log
    ack = io.StringIO()
    crashed = None
    try:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack,
                                               None)
    except Exception as exc:  # noqa: BLE001  pyx12 raises on some damage (X12Error, ...)
        # Its message quotes the file (a whole ISA segment): only the kind is kept.
        ok, crashed = False, (f"pyx12 could not read the file ({type(exc).__name__}): check "
                              "the ISA segment (16 elements, fixed width) and the delimiters")
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    errors = [_without_values(m) for m in collect.messages]
    if crashed:
        errors.append(crashed)
    if not ok and not errors:
        errors = ["pyx12 refused the file"]
    return ack.getvalue(), errors


def _without_values(message: str) -> str:
    """pyx12's message without the values it quotes from the file (a name, a member id): the
    segment, element and what is wrong stay."""
    if "does not look like an X12 data file" in message:
        return "not an X12 file: no ISA header pyx12 could read"
    text = re.sub(r'"[^"]*"', '"..."', message)
    while (shorter := re.sub(r"\s\([^()]*\)$", "", text)) != text:
        text = shorter
    return text


def _segments(text: str) -> tuple[list[list[str]], str]:
    """The file's segments split into elements, and its component separator (ISA16)."""
    text = text.strip()
    if not text.startswith("ISA") or len(text) < 106:
        return [], ":"
    element, component, terminator = text[3], text[104], text[105]
    parts = [s.strip() for s in text.split(terminator)]
    return [p.split(element) for p in parts if p], component


def semantic_problems(text: str) -> list[str]:
    """What pyx12 leaves to us, each named by segment number and tag (no values of patient
    data: an NPI, code or amount is not patient data)."""
    segments, component = _segments(text)
    if not segments:
        return ["the file does not start with an ISA segment"]
    problems: list[str] = []
    claim: tuple[int, str, Decimal | None] | None = None
    line_total = Decimal("0")

    def close_claim() -> None:
        if claim is not None and claim[2] is not None and claim[2] != line_total:
            problems.append(f"segment {claim[0]} CLM {claim[1]}: CLM02 {claim[2]} is not the "
                            f"sum of its line charges ({line_total})")

    for number, elements in enumerate(segments, start=1):
        tag = elements[0]
        where = f"segment {number} {tag}"
        if tag == "CLM":
            close_claim()
            claim, line_total = (number, _at(elements, 1), _money(_at(elements, 2))), Decimal(0)
        elif tag in ("HL", "SE"):
            close_claim()
            claim = None
        elif tag in ("SV1", "SV2"):
            amount = _money(_at(elements, 2 if tag == "SV1" else 3))
            if amount is None:
                problems.append(f"{where}: the line charge is not an amount")
            else:
                line_total += amount
        elif tag == "NM1" and _at(elements, 8) == "XX":
            problem = npi_problem(_at(elements, 9))
            if problem:
                problems.append(f"{where}*{_at(elements, 1)}: NPI {problem}")
        elif tag == "LIN":
            if _at(elements, 2) != "N4" or not re.fullmatch(r"\d{11}", _at(elements, 3)):
                problems.append(f"{where}: the NDC must be N4 and 11 digits")
        elif tag == "CTP":
            unit = _at(elements, 5).split(component)[0]
            if unit not in NDC_UNITS:
                problems.append(f"{where}: the NDC unit must be one of {', '.join(NDC_UNITS)}")
            quantity = _money(_at(elements, 4))
            if quantity is None or quantity <= 0:
                problems.append(f"{where}: the NDC quantity must be a number more than 0")
        elif tag == "HI":
            if len(elements) - 1 > 12:
                problems.append(f"{where}: more than 12 diagnoses")
    close_claim()
    return problems


def _at(elements: list[str], index: int) -> str:
    return elements[index] if index < len(elements) else ""


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None

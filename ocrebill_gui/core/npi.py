"""National Provider Identifiers: ten digits, the last a Luhn check digit over `80840` + the
first nine (CMS, "NPI check digit": the prefix is the NPI's issuer identifier in the
ISO/IEC 7812 card-number scheme, so the check is the card numbers' Luhn formula).

`npi_problem(text)` is the one check used by the forms as people type and by the store: it
returns None for a valid NPI and otherwise a sentence naming what is wrong.
"""

from __future__ import annotations

PREFIX = "80840"
LENGTH = 10


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits` + it pass the Luhn check."""
    total = 0
    # From the right of the final number: the check digit is position 1 (not doubled), so the
    # rightmost digit of `digits` is doubled, then every second one.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_check_digit(first_nine: str) -> int:
    return luhn_check_digit(PREFIX + first_nine)


def normalize_npi(text: str) -> str:
    """The NPI as stored: spaces and dashes that people type are dropped."""
    return "".join(ch for ch in text if ch not in " -")


def npi_problem(text: str) -> str | None:
    """None when `text` is a valid NPI, else what is wrong with it (no echo of the value)."""
    npi = normalize_npi(text)
    if not npi:
        return "is required"
    if not npi.isascii() or not npi.isdigit():
        return "must be 10 digits (0-9 only)"
    if len(npi) != LENGTH:
        return f"must be 10 digits (this has {len(npi)})"
    if npi[0] not in "12":
        return "must start with 1 or 2 (an NPI never starts with another digit)"
    if int(npi[-1]) != npi_check_digit(npi[:9]):
        return ("has a wrong check digit (the last digit does not match the first nine: "
                "check for a mistyped digit)")
    return None


def is_valid_npi(text: str) -> bool:
    return npi_problem(text) is None

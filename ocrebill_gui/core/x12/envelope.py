"""The ISA/GS/ST envelope and its control numbers.

ISA13 (interchange), GS06 (group) and ST02 (transaction set) must never be reused with the same
trading partner: `ControlNumbers` hands them out. The store will keep them persistent in the
database; `InMemoryControlNumbers` serves tests and one-off files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from ocrebill_gui.core.x12.segments import REPETITION, Segment, clean, seg

VERSION_837P = "005010X222A1"
VERSION_837I = "005010X223A2"
MAX_CLAIMS_PER_TRANSACTION = 5000  # the implementation guides' recommended limit


class ControlNumbers(Protocol):
    """Hands out control numbers, each used once."""

    def next_interchange(self) -> int:
        """ISA13, 1..999999999."""
        ...

    def next_group(self) -> int:
        """GS06, 1..999999999."""
        ...

    def next_transaction(self) -> int:
        """ST02 (written with at least 4 digits), 1..999999999."""
        ...


class InMemoryControlNumbers:
    """Counters in memory, starting where told (a golden file starts at 1)."""

    def __init__(self, interchange: int = 1, group: int = 1, transaction: int = 1):
        self._next = {"isa": interchange, "gs": group, "st": transaction}

    def _take(self, key: str) -> int:
        value = self._next[key]
        if not 1 <= value <= 999_999_999:
            raise ValueError(f"{key} control number {value} is out of range 1-999999999")
        self._next[key] = value + 1
        return value

    def next_interchange(self) -> int:
        return self._take("isa")

    def next_group(self) -> int:
        return self._take("gs")

    def next_transaction(self) -> int:
        return self._take("st")


@dataclass(frozen=True)
class InterchangeSettings:
    """Who sends and who receives (from the practice's clearinghouse settings)."""

    sender_id: str  # ISA06 / GS02
    receiver_id: str  # ISA08 / GS03
    submitter_name: str  # 1000A
    submitter_id: str  # 1000A NM109 (often the sender id)
    contact_name: str
    contact_phone: str  # digits
    receiver_name: str  # 1000B
    usage: Literal["T", "P"] = "T"  # ISA15: test or production
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"


def envelope(bodies: Sequence[list[Segment]], settings: InterchangeSettings,
             numbers: ControlNumbers, at: datetime, version: str) -> list[Segment]:
    """ISA, GS, one ST..SE per body, GE, IEA. Settings that cannot go in an ISA are refused
    before any control number is taken."""
    _isa(settings, 0, at)
    isa13 = numbers.next_interchange()
    gs06 = numbers.next_group()
    out: list[Segment] = [_isa(settings, isa13, at)]
    out.append(seg("GS", "HC", settings.sender_id, settings.receiver_id, at.strftime("%Y%m%d"),
                   at.strftime("%H%M"), gs06, "X", version))
    for body in bodies:
        st02 = f"{numbers.next_transaction():04d}"
        out.append(seg("ST", "837", st02, version))
        out.extend(body)
        out.append(seg("SE", len(body) + 2, st02))
    out.append(seg("GE", len(bodies), gs06))
    out.append(seg("IEA", 1, f"{isa13:09d}"))
    return out


def _isa(settings: InterchangeSettings, control: int, at: datetime) -> Segment:
    """ISA is fixed width: every element padded to its length."""
    def fixed(value: str, width: int) -> str:
        text = clean(value)
        if len(text) > width:
            raise ValueError(f"ISA: '{text}' is longer than {width} characters")
        return text.ljust(width)

    return ("ISA", "00", " " * 10, "00", " " * 10, fixed(settings.sender_qualifier, 2),
            fixed(settings.sender_id, 15), fixed(settings.receiver_qualifier, 2),
            fixed(settings.receiver_id, 15), at.strftime("%y%m%d"), at.strftime("%H%M"),
            REPETITION, "00501", f"{control:09d}", "0", settings.usage, ":")

"""X12 837 claim files, written by our own small writer: typed claim submissions
(core/claim_submission.py) -> segments -> one ISA/GS/ST envelope per batch.

    text = write_837p([submission, ...], settings, numbers, at=now)   # 005010X222A1
    text = write_837i([submission, ...], settings, numbers, at=now)   # 005010X223A2
    result = validate_837(text)   # pyx12's 999 plus our semantic checks

Control numbers come from a `ControlNumbers` (in memory here; the store keeps them persistent
and never reused). Qt-free; pyx12 is imported only by validate_837.
"""

from ocrebill_gui.core.x12.envelope import (
    ControlNumbers,
    InMemoryControlNumbers,
    InterchangeSettings,
)
from ocrebill_gui.core.x12.institutional import write_837i
from ocrebill_gui.core.x12.professional import write_837p

__all__ = [
    "ControlNumbers",
    "InMemoryControlNumbers",
    "InterchangeSettings",
    "write_837i",
    "write_837p",
]

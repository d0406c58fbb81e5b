"""The billing core: visit document in, claim result out. Pure Python, never imports Qt."""

from ocrebill_gui.core.claim import ClaimLine, ClaimResult, Finding
from ocrebill_gui.core.engine import compute
from ocrebill_gui.core.errors import InvalidVisit
from ocrebill_gui.core.visit import VisitDocument

__all__ = ["ClaimLine", "ClaimResult", "Finding", "InvalidVisit", "VisitDocument", "compute"]

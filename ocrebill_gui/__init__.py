"""OcreBill: turns what happened at an infusion chair into correct claim lines."""

__version__ = "0.1.0"

"""Where the shipped data and resources are: the repository (checkout) or the package (wheel)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """The folder holding the drug catalog, payer profiles, code tables and demo records."""
    return _first_existing(_PACKAGE / "_data", _PACKAGE.parent / "data")


@cache
def resources_dir() -> Path:
    """The folder holding fonts, icons and the style sheet."""
    return _first_existing(_PACKAGE / "_resources", _PACKAGE.parent / "resources")


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"none of {', '.join(map(str, candidates))} exists: broken install")

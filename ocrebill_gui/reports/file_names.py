"""File names for printed documents: patient and date of service first, so a folder of PDFs sorts
by patient and reads like a paper file ("Okafor-Grace_2026-03-04_superbill.pdf")."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ocrebill_gui.core.visit import VisitDocument


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def default_file_name(document: VisitDocument, kind: str) -> str:
    """'Okafor-Grace_2026-03-04_superbill.pdf'; the patient id, else 'visit', without a name."""
    patient = document.patient
    who = _slug(patient.name or "") if patient and patient.name else ""
    if not who and patient and patient.id:
        who = _slug(patient.id)
    return f"{who or 'visit'}_{document.date_of_service.isoformat()}_{kind}.pdf"


def unique_path(folder: Path, name: str, taken: set[str]) -> Path:
    """`folder/name`, with -2, -3... before the suffix when the name is already taken in this run
    (two visits of one patient on one day)."""
    stem, suffix = name.rsplit(".", 1)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}.{suffix}"
    taken.add(candidate)
    return folder / candidate

"""Small builders for visit documents in tests: times as 'HH:MM' on the date of service."""

from __future__ import annotations

import copy
from typing import Any

DAY = "2026-03-04"
PAYER = {"id": "test-payer", "name": "Test payer", "program": "commercial",
         "monoclonal_admin": "therapeutic", "waste_modifiers": "jw_jz",
         "prior_auth_required": False}


def at(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}"


def infusion(admin_id: str, product: str, dose: float | None, *times: tuple[str, str],
             vials: list[dict] | None = None, **extra: Any) -> dict:
    admin: dict[str, Any] = {"id": admin_id, "product": product, "route": "iv_infusion",
                             "events": [{"at": at(t), "kind": k} for k, t in times]}
    if dose is not None:
        admin["dose_mg"] = dose
    if vials is not None:
        admin["vials"] = vials
    admin.update(extra)
    return admin


def given(admin_id: str, product: str, dose: float, hhmm: str, route: str = "iv_push",
          **extra: Any) -> dict:
    return {"id": admin_id, "product": product, "route": route, "dose_mg": dose,
            "events": [{"at": at(hhmm), "kind": "given"}], **extra}


def ocrevus_vials(n: int = 2) -> list[dict]:
    return [{"ndc": "50242-0150-01", "lot": "H0123", "expires": "2027-08-31", "mg": 300}
            for _ in range(n)]


def ocrevus(minutes: int | None = 210, dose: float = 600, start: str = "09:00",
            vials: int = 2, **extra: Any) -> dict:
    h, m = map(int, start.split(":"))
    times = [("start", start)]
    if minutes is not None:
        end = h * 60 + m + minutes
        times.append(("stop", f"{end // 60:02d}:{end % 60:02d}"))
    return infusion("ocr", "ocrevus", dose, *times, vials=ocrevus_vials(vials), **extra)


def visit(*administrations: dict, diagnoses: list[str] | None = None,
          setting: str = "office", payer: Any = None, **extra: Any) -> dict:
    doc = {"format": "ocrebill.visit/1", "date_of_service": DAY, "setting": setting,
           "payer": copy.deepcopy(payer if payer is not None else PAYER),
           "patient": {"id": "P-T1", "name": "Demo, Test", "birth_date": "1980-01-01",
                       "member_id": "M1"},
           "diagnoses": diagnoses or ["G35.A"], "administrations": list(administrations)}
    doc.update(extra)
    return doc


def summed(result) -> dict[tuple[str, tuple[str, ...]], int]:
    return result.summed_lines()


def rules(result) -> set[str]:
    return {f.rule for f in result.findings}


def on_day(doc: dict, day: str) -> dict:
    """The same visit on another date of service (its event times moved with it)."""
    doc["date_of_service"] = day
    for admin in doc["administrations"]:
        for event in admin["events"]:
            event["at"] = event["at"].replace(DAY, day)
    return doc

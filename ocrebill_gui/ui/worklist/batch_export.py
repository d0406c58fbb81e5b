"""Export 837... on the worklist: the chosen claims in one 837P (office, home) and/or one 837I
(hospital outpatient) file, through the same export as `ocrebill claims export`
(store/claim_export.py: each claim built and checked, pyx12 and our semantic checks on the
interchange, control numbers from the database), with a progress dialog that can be
cancelled (nothing is written then, no control number taken). The summary names each claim
left out with the reason; the claims written are marked exported (file, ISA13).

pyx12 and the X12 writers are imported here, when the biller exports, not at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ocrebill_gui.ui.worklist.progress import Cancelled, StepProgress, Summary

KIND_OF_FORM = {"cms1500": "837p", "ub04": "837i"}
TITLES = {"837p": "837P", "837i": "837I"}
FILE_FILTER = "X12 837 files (*.837 *.txt *.x12);;All files (*)"


def default_name(kind: str, today: date) -> str:
    return f"claims-{kind}-{today.isoformat()}.837"


def export_837(page: Any, rows: Sequence[Any]) -> list[str]:
    """Export the chosen rows' claims; the summary's lines (also told in a message box).
    A file dialog cancelled is not reported (nothing at all when every one was)."""
    from ocrebill_gui.ui.file_dialogs import ask_save_path

    today = page.clock.now().date()
    details = [f"visit {r.visit_id}: is a draft: finalize the visit first"
               for r in rows if r.status == "draft"]
    notes: list[str] = []
    cancelled = False
    for form, kind in KIND_OF_FORM.items():
        visit_ids = [r.visit_id for r in rows if r.status != "draft" and r.form == form]
        if not visit_ids:
            continue
        chosen = ask_save_path(page, f"Save the {TITLES[kind]} file", default_name(kind, today),
                               FILE_FILTER)
        if not chosen:
            cancelled = True  # the biller changed their mind: nothing to say
            continue
        note, left_out = _export(page, visit_ids, kind, Path(chosen))
        notes.append(note)
        details += left_out
    page.refresh()
    if cancelled and not notes:
        return []
    Summary.tell(page, "Export 837", "\n".join(notes) or "Nothing to export.", details)
    return notes + details


def _export(page: Any, visit_ids: list[int], kind: str, path: Path) -> tuple[str, list[str]]:
    """One file: (what happened, the claims left out with their reasons)."""
    from ocrebill_gui.files import write_private_bytes
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.store.claim_export import build_export, finish_export
    from ocrebill_gui.ui.worklist.claim_forms import problems_text

    title = TITLES[kind]
    progress = StepProgress(page, f"Exporting the {title} file", len(visit_ids))
    try:
        plan = build_export(page.store, page.session, visit_ids, kind,
                            at=page.clock.now(), progress=progress.step)
    except Cancelled:
        return f"{title}: cancelled; no file written, no claim marked.", []
    except StoreError as error:
        return f"{title}: not exported: {error}", []
    finally:
        progress.close()
    left_out = [f"visit {visit_id}: {problems_text(problems)}"
                for visit_id, problems in sorted(plan.left_out.items())]
    if not plan.text:
        return f"{title}: no claim could go in the file; nothing written.", left_out
    try:
        written = write_private_bytes(path, plan.text.encode("ascii"), force=True)
    except OSError as error:  # the dialog asked before replacing; a folder may refuse
        return f"{title}: {path.name} could not be written: {error.strerror or error}", \
            left_out
    count = len(plan.written)
    what = (f"{count} claim{'s' if count != 1 else ''} in {written.name} ({title}, "
            f"interchange {plan.control_number:09d}, "
            f"{'production' if plan.usage == 'P' else 'test'})")
    try:
        finish_export(page.store, page.session, plan, written.name)
    except StoreError as error:
        return f"{what}; not marked exported: {error}", left_out
    checked = "" if plan.pyx12 else " pyx12 is not installed: only our own checks ran."
    return f"{what}, marked exported.{checked}", left_out

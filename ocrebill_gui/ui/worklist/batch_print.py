"""Print forms... on the worklist, and Print CMS-1500... / Print UB-04... for the visit in
front: the claims' forms in one PDF per form (ui/worklist/claim_forms.py), saved where the
biller says (ui/file_dialogs.ask_save_path), then shown in the print preview (the visit
editor's, ui/visit_editor/print_preview.py), from which they print onto the forms.

A batch runs with a progress dialog that can be cancelled (nothing is written then); a claim
that cannot be printed (a draft, a field the form needs) is left out and named with the reason
in the summary. The claims printed are marked printed on their form (store/claims.py); a claim
sent already is printed as a copy, its status left as it is.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.qt import QWidget
from ocrebill_gui.ui.worklist.claim_forms import FORMS, FormBatch, default_name
from ocrebill_gui.ui.worklist.progress import ChunkedJob, Summary


class FormsPrint:
    """One print of claim forms for `visits` ((visit id, form) pairs), from `parent`."""

    def __init__(self, parent: QWidget, store: Store, session: Session, today: Any,
                 visits: Sequence[tuple[int, str]], *, left_out: dict[int, str] | None = None,
                 done: Callable[[], None] | None = None, name: str | None = None) -> None:
        self.parent, self.store, self.session, self.today = parent, store, session, today
        self.left_out = dict(left_out or {})
        self._done = done
        self.batches: list[tuple[FormBatch, list[int], Path]] = []
        self.written: list[tuple[FormBatch, Path]] = []
        self.job: ChunkedJob | None = None
        self._visits = list(visits)
        self._name = name  # the file name to suggest ('{form}' replaced), else by the day

    def start(self) -> bool:
        """Ask where each form's PDF goes, then build them with progress; False when the
        biller cancelled every file."""
        from ocrebill_gui.ui.file_dialogs import ask_save_path

        for form in FORMS:
            ids = [visit_id for visit_id, wanted in self._visits if wanted == form]
            if not ids:
                continue
            chosen = ask_save_path(self.parent, f"Save the {FORMS[form]} claim forms",
                                   self._name.format(form=form) if self._name
                                   else default_name(form, self.today), "PDF files (*.pdf)")
            if chosen:
                self.batches.append((FormBatch(form), ids, Path(chosen)))
        if not self.batches:
            return False
        total = sum(len(ids) for _batch, ids, _path in self.batches)
        self.job = ChunkedJob(self.parent, "Printing claim forms", self._steps(), total)
        self.job.finished.connect(self._finished)
        self.job.start()
        return True

    def _steps(self) -> Iterator[str]:
        for batch, ids, _path in self.batches:
            yield from batch.steps(self.store, self.session, ids, today=self.today)

    def _finished(self, completed: bool) -> None:
        if not completed:
            Summary.tell(self.parent, "Claim forms", "Cancelled: no file was written and no "
                         "claim marked printed.", [])
            self._end()
            return
        notes: list[str] = []
        for batch, _ids, path in self.batches:
            self.left_out.update(batch.left_out)
            if batch.printed:
                notes.append(self._write(batch, path))
        if self.written and shutil.which("pdftoppm") is None:
            notes.append("Print preview needs poppler's pdftoppm: print the PDF from a "
                         "viewer.")
        details = [f"visit {visit_id}: {why}" for visit_id, why in sorted(self.left_out.items())]
        Summary.tell(self.parent, "Claim forms", "\n".join(notes) or "No claim could be "
                     "printed.", details)
        for batch, path in self.written:
            preview(self.parent, path, f"Print preview: {FORMS[batch.form]} claims")
        self._end()

    def _write(self, batch: FormBatch, path: Path) -> str:
        from ocrebill_gui.reports import write_pdf
        from ocrebill_gui.store import StoreError

        count = len(batch.printed)
        what = f"{count} {FORMS[batch.form]} claim{'s' if count != 1 else ''}"
        try:
            written = write_pdf(batch.pdf(self.store), path, force=True)  # the dialog asked
        except OSError as error:
            for visit_id in batch.printed:
                self.left_out[visit_id] = f"{path.name} could not be written: " \
                                          f"{error.strerror or error}"
            return f"{what}: {path.name} could not be written."
        self.written.append((batch, written))
        try:
            copies = mark_printed(self.store, self.session, batch.printed, batch.form)
        except StoreError as error:
            return f"{what} in {written.name}; not marked printed: {error}"
        said = ["marked printed"] if copies < count else []
        if copies:
            said.append(f"{copies} sent already: printed as "
                        f"{'copies' if copies != 1 else 'a copy'}, status unchanged")
        return f"{what} in {written.name}: " + "; ".join(said) + "."

    def _end(self) -> None:
        if self._done is not None:
            self._done()


def mark_printed(store: Store, session: Session, visit_ids: Sequence[int], form: str) -> int:
    """Mark the visits' claims printed on `form` (store/claims.record_printed: a claim made
    for a visit finalized before claims were kept); returns how many were sent already (left
    as they are: a copy)."""
    from ocrebill_gui.store.claims import record_printed

    return sum(record_printed(store, session, visit_id, form) is not None
               for visit_id in visit_ids)


def preview(parent: QWidget, path: Path, title: str) -> bool:
    """The PDF at `path` in Qt's print preview (the visit editor's); True when printed."""
    if shutil.which("pdftoppm") is None:
        return False  # poppler missing: the summary said to print the PDF from a viewer
    from ocrebill_gui.ui.visit_editor.print_preview import preview_pdf

    printed, failures = preview_pdf(parent, path, title)
    return printed and not failures


def print_forms(page: Any, rows: Sequence[Any]) -> FormsPrint | None:
    """The worklist's Print forms...: the chosen rows' forms (drafts left out and named)."""
    left_out = {r.visit_id: "is a draft: finalize the visit first" for r in rows
                if r.status == "draft"}
    visits = [(r.visit_id, r.form) for r in rows if r.status != "draft"]
    job = FormsPrint(page, page.store, page.session, page.clock.now().date(), visits,
                     left_out=left_out, done=page.refresh)
    page.forms_print = job  # kept alive while its job runs
    return job if job.start() else None


def print_visit_form(window: Any, editor: Any, form: str) -> FormsPrint | None:
    """File > Print CMS-1500... / Print UB-04... for the finalized visit in front."""
    visit_id = getattr(editor, "visit_id", None)
    if visit_id is None or editor.status != "finalized":
        return None
    job = FormsPrint(window, editor.store, editor.session, editor.clock.now().date(),
                     [(visit_id, form)], name=f"{{form}}-visit-{visit_id}.pdf",
                     done=window.refresh_lists)
    window.forms_print = job  # kept alive while its job runs
    return job if job.start() else None

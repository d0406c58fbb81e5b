"""The visit editor's lifecycle actions: autosave, finalize, amend, Save as PDF and Print.

A mixin of VisitEditor kept apart from the form wiring; every store error ends up as a line
under the editor's title, never as a traceback.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from ocrebill_gui.editing import visit_io
from ocrebill_gui.store import StoreError, VisitChanged, VisitHasErrors
from ocrebill_gui.ui.permissions import allowed, gate, needs
from ocrebill_gui.ui.qt import QMenu, QPushButton, Qt, QToolButton, QWidget
from ocrebill_gui.ui.visit_editor import printing
from ocrebill_gui.ui.visit_editor.reason_dialog import ReasonDialog

if TYPE_CHECKING:
    from ocrebill_gui.core.claim import ClaimResult
    from ocrebill_gui.editing.presenter import VisitPresenter
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.ui.clock import Clock
    from ocrebill_gui.ui.forms import FieldMessage
    from ocrebill_gui.ui.qt import QComboBox, QTimer, Signal
    from ocrebill_gui.ui.visit_editor.fields import FieldRegistry
    from ocrebill_gui.ui.visit_editor.patient_section import PatientSection
    from ocrebill_gui.ui.visit_editor.save_conflict import ConflictPanel

    _Editor = QWidget  # what the class is mixed into, for the type checker only
else:
    _Editor = object

log = logging.getLogger("ocrebill.visits")  # ids only: ocrebill_gui/logs.py
REPORTS = {"superbill": "Superbill", "checklist": "Billing checklist"}


class EditorActions(_Editor):
    """Mixed into VisitEditor (which provides store, presenter, patient, ...)."""

    if TYPE_CHECKING:  # VisitEditor's, which these methods use (mypy checks that they agree)
        store: Store
        session: Session
        clock: Clock
        presenter: VisitPresenter
        patient: PatientSection
        registry: FieldRegistry
        visit_id: int | None
        revision: int | None
        status: str
        status_note: str
        save_message: FieldMessage
        conflict: ConflictPanel
        add_product: QComboBox
        add_button: QPushButton
        _autosave: QTimer
        _saved_revision: int
        _card_key: list[tuple[str, str]]
        _link_key: tuple[object, ...] | None
        saved: ClassVar[Signal]
        finalized: ClassVar[Signal]

        def _changed(self) -> None: ...
        def _show_state(self) -> None: ...
        def save_refused(self) -> None: ...

    def _header_buttons(self) -> list[QWidget]:
        self.pdf_button = self._report_button("Save as PDF", "savePdf", self.save_pdf,
                                              "Save the superbill (or checklist) as a PDF file")
        self.print_button = self._report_button("Print", "print", self.print_report,
                                                "Print the superbill (or checklist) "
                                                "(Ctrl+Shift+P)")
        self.finalize_button = QPushButton("Finalize\u2026", self)
        self.finalize_button.setObjectName("finalize")
        self.finalize_button.setToolTip("Lock the visit for billing (Ctrl+Shift+F); blocked "
                                        "while the claim has errors unless you give a reason")
        self.finalize_button.clicked.connect(self.finalize)
        self.amend_button = QPushButton("Amend\u2026", self)
        self.amend_button.setObjectName("amend")
        self.amend_button.setToolTip("Make a finalized visit editable again (reason required)")
        self.amend_button.clicked.connect(self.amend)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("closeEditor")
        self.close_button.clicked.connect(self.close)
        return [self.pdf_button, self.print_button, self.finalize_button, self.amend_button,
                self.close_button]

    def _report_button(self, text: str, name: str, action: Callable[[str], None],
                       tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(button)
        for kind, title in REPORTS.items():
            menu.addAction(title, _report(action, kind))
        button.setMenu(menu)
        button.clicked.connect(lambda: action("superbill"))
        return button

    def update_buttons(self) -> None:
        finalized = self.status == "finalized"
        computable = self.presenter.result is not None and not self.presenter.stale
        gate(self.finalize_button, self.session, "visits.finalize", when=not finalized)
        gate(self.amend_button, self.session, "visits.finalize")
        self.amend_button.setVisible(finalized)
        gate(self.pdf_button, self.session, "visits.print", when=computable)
        gate(self.print_button, self.session, "visits.print", when=computable)
        self.add_button.setEnabled(not self.presenter.read_only)
        self.add_product.setEnabled(not self.presenter.read_only)
        self.patient.set_read_only(self.presenter.read_only)

    def _refused(self, action: str) -> bool:
        """True (and says which role it needs) when the session may not do `action`: the
        keyboard shortcuts reach here even while the buttons are disabled."""
        if allowed(self.session, action):
            return False
        self._say(f"{needs(action)}.", problem=True)
        return True

    def _say(self, text: str | None, *, problem: bool = False) -> None:
        if problem:
            self.save_message.show_message(text)
        else:
            self.save_message.show_message(None)
            if text:
                self.status_note = text
                self._show_state()

    # -- saving ------------------------------------------------------------------------------
    def save_now(self) -> bool:
        """Save the draft now if anything changed; False when it could not be saved."""
        self.presenter.commit_typing()  # a valid value typed a moment ago is saved too
        self._autosave.stop()
        if self.status == "finalized" or self.presenter.read_only:
            return True
        if self.presenter.revision == self._saved_revision:
            return True
        if self.patient.patient_id is None:
            self._say("Not saved yet: choose or create the patient first.", problem=True)
            return False
        if self.conflict.refused:  # saved elsewhere first: Reload before saving again
            return False
        claim = None if self.presenter.stale else self.presenter.result
        section = self.patient
        try:
            saved = visit_io.save_draft(
                self.store, self.session, self.presenter.document, visit_id=self.visit_id,
                patient_id=section.patient_id, coverage_id=section.coverage_id,
                authorization_id=section.authorization_id, claim=claim, revision=self.revision,
                authorization_choice=section.authorization_choice)
        except VisitChanged:
            log.warning("visit %s not saved: saved elsewhere first", self.visit_id)
            self.save_refused()
            return False
        except StoreError as exc:
            log.warning("visit %s not saved: %s", self.visit_id, type(exc).__name__)
            self._say(f"Not saved: {exc}", problem=True)
            return False
        log.info("visit %d draft saved (revision %d)", saved.visit_id, saved.revision)
        self.visit_id, self.revision = saved.visit_id, saved.revision
        self._saved_revision = self.presenter.revision
        self._say(f"draft saved {self.clock.now():%H:%M:%S}")
        self.saved.emit(saved.visit_id)
        return True

    # -- finalizing and amending -------------------------------------------------------------
    def finalize(self) -> bool:
        """Finalize: refused while the form has problems; error findings need a reason."""
        if self.status == "finalized" or self._refused("visits.finalize"):
            return False
        self.presenter.commit_typing()
        if self.presenter.stale or self.presenter.result is None:
            self._say("Cannot finalize: fix the fields marked in red first.", problem=True)
            first = next(iter(self.presenter.problems), None)
            if first:
                self.registry.focus(first)
            return False
        if not self.save_now():
            return False
        errors = [f.message for f in self.presenter.result.findings if f.severity == "error"]
        reason = None
        if errors:
            reason = ReasonDialog.ask(
                self, "Finalize with errors?",
                f"The claim has {len(errors)} error finding(s). Fix them, or give the reason "
                "this claim goes out as it is (biller override).", "Finalize anyway", errors)
            if reason is None:
                self._say(f"Not finalized: {len(errors)} error finding(s) on the claim.",
                          problem=True)
                return False
        return self._finalize_with(reason)

    def _finalize_with(self, reason: str | None) -> bool:
        assert self.visit_id is not None and self.revision is not None, "saved just before"
        try:
            outcome = visit_io.finalize(self.store, self.session, self.visit_id,
                                        revision=self.revision, override_reason=reason)
        except VisitHasErrors as exc:
            if reason is None and not exc.findings:  # refused for another reason than errors
                reason = ReasonDialog.ask(self, "Finalize anyway?", str(exc), "Finalize anyway",
                                          [])
                if reason is not None:
                    return self._finalize_with(reason)
            self._say(f"Not finalized: {exc}", problem=True)
            return False
        except StoreError as exc:
            self._say(f"Not finalized: {exc}", problem=True)
            return False
        visit = outcome.visit
        log.info("visit %d finalized by %s%s", visit.id, self.session.actor,
                 " over errors, with a reason" if reason else "")
        self.revision, self.status = visit.revision, visit.status
        self.presenter.show_billed(visit.document, visit.claim)
        notes = "; ".join(outcome.notes)
        self._say(f"finalized by {visit.finalized_by}" + (f" ({notes})" if notes else ""))
        self._saved_revision = self.presenter.revision
        self._refresh_read_only()
        self.finalized.emit(visit.id)
        return True

    def amend(self) -> bool:
        """Reopen a finalized visit for changes, with a reason; finalize it again after."""
        if self.status != "finalized" or self._refused("visits.finalize"):
            return False
        reason = ReasonDialog.ask(
            self, "Amend a finalized visit",
            "The visit becomes an editable draft again; its vials and authorization units are "
            "given back until it is finalized again. Why is it changed?", "Amend")
        if reason is None:
            return False
        assert self.visit_id is not None and self.revision is not None, "a finalized visit's"
        try:
            visit = visit_io.reopen_for_amendment(self.store, self.session, self.visit_id, reason,
                                                  revision=self.revision)
        except StoreError as exc:
            self._say(f"Not reopened: {exc}", problem=True)
            return False
        log.info("visit %d reopened for amendment by %s", visit.id, self.session.actor)
        self.revision, self.status = visit.revision, visit.status
        self.presenter.make_editable()
        self._say(f"amending: {reason}")
        self._refresh_read_only()
        return True

    def _refresh_read_only(self) -> None:
        self._link_key = None
        self._card_key = []  # rebuild cards so every field follows the new mode
        self._changed()

    # -- printing ----------------------------------------------------------------------------
    def _printable(self) -> ClaimResult | None:
        """The claim to print; None (and why said) when there is none to print."""
        if self._refused("visits.print"):
            return None
        self.presenter.commit_typing()
        if self.presenter.result is None or self.presenter.stale:
            self._say("Cannot print yet: fix the fields marked in red first.", problem=True)
            return None
        return self.presenter.result

    def errors_accepted(self) -> tuple[str, str] | None:
        """(reason, who) of a visit finalized over its errors, for the printed documents."""
        if self.status != "finalized" or self.visit_id is None:
            return None
        from ocrebill_gui.store.overrides import errors_accepted

        try:
            return errors_accepted(self.store, self.session, self.visit_id)
        except StoreError:
            return None

    def _printed(self, kind: str) -> None:
        """The visit's data left the app, on paper or in a PDF: a read on record."""
        if self.visit_id is None:
            return
        try:
            visit_io.record_print(self.store, self.session, self.visit_id, kind)
        except StoreError as exc:
            self._say(f"Printed, but not in the audit log: {exc}", problem=True)

    def save_pdf(self, kind: str = "superbill") -> None:
        result = self._printable()
        if result is None:
            return
        try:
            path = printing.save_as_pdf(self, self.store, kind, self.presenter.document,
                                        result,
                                        draft=self.status != "finalized",
                                        accepted=self.errors_accepted(),
                                        session=self.session, visit_id=self.visit_id)
        except (printing.CannotPrint, OSError) as exc:
            self._say(str(exc), problem=True)
            return
        if path is not None:
            self._printed(kind)
            self._say(f"saved {path.name}")

    def print_report(self, kind: str = "superbill") -> None:
        result = self._printable()
        if result is None:
            return
        try:
            outcome = printing.print_pdf(self, self.store, kind, self.presenter.document,
                                         result,
                                         draft=self.status != "finalized",
                                         accepted=self.errors_accepted(),
                                         session=self.session, visit_id=self.visit_id)
        except (printing.CannotPrint, OSError, subprocess.SubprocessError) as exc:
            self._say(str(exc), problem=True)
            return
        if outcome is not None:
            self._printed(kind)
            self._say(outcome)


def _report(action: Callable[[str], None], kind: str) -> Callable[[], None]:
    """The menu entry's slot: `action` for that report."""
    return lambda: action(kind)

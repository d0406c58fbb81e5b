"""VisitEditor: the form on the left, the live superbill preview on the right.

Constructed as `VisitEditor(store, visit_id, clock=..., session=..., patient_id=None)`
(visit_id None = a new visit). The session's roles decide what it allows: without
visits.draft every field is read-only, Finalize and Amend need visits.finalize, Print and Save
as PDF visits.print (ui/permissions.py). Every edit goes through the presenter, which recomputes the
claim at once; the editor redraws the form and the preview, saves the draft after a short
pause in typing (and on close), and finalizes or amends through the store's lifecycle.
Signals: saved(visit id), finalized(visit id), closed().
"""

from __future__ import annotations

from collections.abc import Callable

from ocrebill_gui.editing import services, visit_io
from ocrebill_gui.editing.live_timeline import live_state
from ocrebill_gui.editing.presenter import VisitPresenter, blank_document
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.visit_documents import authorized_product
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.permissions import allowed
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QApplication,
    QCloseEvent,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QShortcut,
    QShowEvent,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import show_read_only
from ocrebill_gui.ui.visit_editor.admin_card import AdministrationCard
from ocrebill_gui.ui.visit_editor.diagnoses import DiagnosesSection
from ocrebill_gui.ui.visit_editor.diagnosis_search import warm_up_in_background
from ocrebill_gui.ui.visit_editor.editor_actions import EditorActions
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry
from ocrebill_gui.ui.visit_editor.patient_section import PatientSection
from ocrebill_gui.ui.visit_editor.estimate_panel import EstimatePanel
from ocrebill_gui.ui.visit_editor.preview import PreviewPanel
from ocrebill_gui.ui.visit_editor.providers_section import ProvidersSection
from ocrebill_gui.ui.visit_editor.save_conflict import SaveConflict
from ocrebill_gui.ui.visit_editor.timeline import LABELS, SHORTCUTS, RunningBanner, running_text
from ocrebill_gui.ui.visit_editor.undo import VisitUndo
from ocrebill_gui.ui.visit_editor.visit_section import VisitSection

AUTOSAVE_MS = 500
COMBO_CHARACTERS = 18  # a combo box asks for this much width, not for its longest item


def compact_combos(root: QWidget) -> None:
    """Long choices (an authorization, a vial lot) must not widen the whole form past the
    window: each combo box asks for a modest width and shows its full text in the popup."""
    for combo in root.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_CHARACTERS)


class VisitEditor(EditorActions, SaveConflict, QWidget):
    saved = Signal(int)
    finalized = Signal(int)
    closed = Signal()

    def __init__(self, store: Store, visit_id: int | None = None, *, clock: Clock,
                 session: Session, patient_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName("visitEditor")
        self.store, self.clock, self.session = store, clock, session
        self.actor = session.actor
        self.visit_id = visit_id
        self.revision: int | None = None
        self.status = "draft"
        self.status_note = ""
        links: tuple[int | None, int | None, int | None, str] = (patient_id, None, None, "auto")
        catalog = services.catalog(store)
        billed = None  # a finalized visit shows the claim it was finalized with
        if visit_id is not None:
            visit = visit_io.load_visit(store, session, visit_id)
            document, self.revision, self.status = visit.document, visit.revision, visit.status
            links = (visit.patient_id, visit.coverage_id, visit.authorization_id,
                     visit.authorization_choice)
            if visit.finalized:
                self.status_note = f"finalized by {visit.finalized_by} at {visit.finalized_at}"
                billed = visit.claim
        else:
            document = blank_document(clock.now().date())
        if self.status != "finalized":  # what the app writes carries the practice's time zone
            document = services.with_practice_time_zone(store, document)
        self.presenter = VisitPresenter(document, catalog=catalog, billed=billed,
                                        may_edit=allowed(session, "visits.draft"))
        self.presenter.read_only = self.status == "finalized" or not self.presenter.may_edit
        self.presenter.finalized = self.status == "finalized"  # not a draft one may only view
        self.undo = VisitUndo(self.presenter, self)  # Ctrl+Z / Ctrl+Shift+Z, one stack a visit
        self.registry = FieldRegistry()
        self.cards: list[AdministrationCard] = []
        self._lots: dict[str, list] = {}
        self._card_key: list[tuple[str, str]] = []
        self._link_key: tuple | None = None
        self._active_card: int | None = None
        self._build()
        self.patient.set_day(self.presenter.date_of_service)
        self.patient.set_links(*links)
        self.presenter.subscribe(self._changed)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_now)
        self._saved_revision = self.presenter.revision
        if visit_id is None and patient_id is not None:
            self.patient.choose_patient(patient_id)
        self._changed()
        self._saved_revision = self.presenter.revision if visit_id is not None else -1
        app = QApplication.instance()  # typed as the QCoreApplication it may be
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("editorTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("editorState")
        # "finalized by ... at ..." wraps and a long title gives way (the tab says it too)
        # rather than hold the editor at ~930 px; wrapped, the title broke with room to spare.
        self.state_label.setWordWrap(True)
        self.title.setMinimumWidth(self.title.fontMetrics().averageCharWidth() * 16)
        self.save_message = FieldMessage(self)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.state_label, 1)
        for button in self._header_buttons():
            header.addWidget(button)
        self.banner = RunningBanner(self)
        self.conflict = self._build_conflict()  # a save refused: Reload, yours kept

        form = QWidget()
        form.setObjectName("visitForm")
        self.patient = PatientSection(self.store, self.session, self.registry, form)
        self.patient.links_changed.connect(self._links_changed)
        self.visit_section = VisitSection(self.presenter, self.registry, form)
        self.providers = ProvidersSection(self.store, self.session, self.presenter,
                                          self.registry, form)
        self.diagnoses = DiagnosesSection(self.presenter, self.registry, form)
        self.add_product = QComboBox(form)
        self.add_product.setObjectName("addProduct")
        for product in self.presenter.catalog.products.values():
            self.add_product.addItem(product.name, product.id)
        self.add_button = QPushButton("Add administration", form)
        self.add_button.setObjectName("addAdministration")
        self.add_button.setToolTip("Add the chosen drug, premedication or hydration (Ctrl+M)")
        self.add_button.clicked.connect(self.add_administration)
        self.cards_box = QVBoxLayout()
        self.admin_message = FieldMessage(form)
        self.general_message = FieldMessage(form)
        self.registry.register("administrations", self.add_product, self.admin_message)

        layout = QVBoxLayout(form)
        layout.addWidget(self._group("Patient and coverage", self.patient))
        layout.addWidget(self._group("Visit", self.visit_section))
        layout.addWidget(self._group("Providers", self.providers))
        layout.addWidget(self._group("Diagnoses", self.diagnoses))
        adder = QHBoxLayout()
        what = QLabel("Ad&ministrations", form)  # Alt+M: the drug to add, then Ctrl+M
        what.setBuddy(self.add_product)
        adder.addWidget(what)
        adder.addStretch(1)
        adder.addWidget(self.add_product)
        adder.addWidget(self.add_button)
        layout.addLayout(adder)
        layout.addWidget(self.admin_message)
        layout.addLayout(self.cards_box)
        layout.addWidget(self.general_message)
        layout.addStretch(1)
        compact_combos(form)
        scroll = QScrollArea(self)
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        scroll.setWidget(form)
        self.form_scroll = scroll  # not `scroll`: that is QWidget.scroll(dx, dy)
        self.preview = PreviewPanel(self)
        self.preview.finding_activated.connect(self.focus_finding)
        self.preview.set_explanations(
            {rule: entry.explanation for rule, entry in self.presenter.catalog.rules.items()})
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("editorSplitter")
        self.splitter.addWidget(scroll)
        self.estimate = EstimatePanel(self)  # expected payment, below the preview
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.setObjectName("previewSplitter")
        right.addWidget(self.preview)
        right.addWidget(self.estimate)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._split_once = True  # first show: form 57 %, preview 43 % (unless restored)
        # Puts the form/preview split back as the user left it: the window hosting the editor
        # sets it (ui/visit_window.py); False: the default 57/43.
        self.restore_split: Callable[[], bool] = lambda: False
        self.splitter.setChildrenCollapsible(False)

        outer = QVBoxLayout(self)
        outer.addLayout(header)
        outer.addWidget(self.save_message)
        outer.addWidget(self.conflict)
        outer.addWidget(self.banner)
        outer.addWidget(self.splitter, 1)
        self._shortcuts()
        self._set_tab_order()

    def _group(self, title: str, body: QWidget) -> QGroupBox:
        group = QGroupBox(title)
        box = QVBoxLayout(group)
        box.addWidget(body)
        return group

    def _shortcuts(self) -> None:
        """The keys of ui/editor_commands.py, working wherever the focus is in the editor
        (the main window's menus show the same commands)."""
        from ocrebill_gui.ui.editor_commands import COMMANDS

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for command in COMMANDS:
            if command.keys:
                shortcut = QShortcut(QKeySequence(command.keys), self)
                shortcut.setContext(context)
                shortcut.activated.connect(lambda c=command: c.call(self))

    # -- redrawing ---------------------------------------------------------------------------
    def _changed(self) -> None:
        """The presenter changed: redraw everything from it, then schedule the draft save."""
        self._sync_cards()
        self.visit_section.refresh()
        self.providers.refresh()
        self.diagnoses.refresh()
        self.patient.set_day(self.presenter.date_of_service)
        if self._complete_links():
            return  # the completed document came back through here and redrew everything
        messages = {path: self._friendly(path, message)
                    for path, message in self.presenter.problems.items()}
        if self.patient.patient_id is None and not self.presenter.read_only:
            # No payer yet because no patient: say so at the patient, not under the disabled
            # coverage box (nothing is saved until a patient is chosen either).
            messages.pop("payer", None)
            messages["patient"] = ("Choose the patient (or New patient...): the payer comes "
                                   "from their coverage, and the visit is saved once they are "
                                   "chosen.")
        day = self.presenter.date_of_service
        if day is not None and day > self.clock.now().date() and not self.presenter.read_only:
            messages.setdefault("date_of_service", "is after today: fine for a visit being "
                                                   "planned; finalize it once it has happened")
        for index, admin in enumerate(self.presenter.administrations):
            if not admin.get("events"):  # nothing recorded yet: say what to press
                messages.setdefault(f"administrations[{index}].events",
                                    self._not_started(index))
        unowned = self.registry.show_problems(messages)
        self.general_message.show_message(
            "\n".join(f"{path}: {message}" for path, message in unowned.items()) or None)
        self.preview.show_result(self.presenter.result, stale=self.presenter.stale,
                                 problem_count=len(self.presenter.problems))
        self.estimate.refresh()
        self._show_banner()
        self._show_state()
        show_read_only(self)  # a finalized visit's fields look read-only, not just act it
        if self.presenter.revision != self._saved_revision and not self.presenter.read_only:
            self._autosave.start()

    def _friendly(self, path: str, message: str) -> str:
        """The engine's terse "must have at least one entry" as what to do next."""
        if message != "must have at least one entry":
            return message
        if path == "diagnoses":
            return "Add at least one diagnosis (the first one is the primary)."
        if path == "administrations":
            return "Add what was given: choose a drug above and press Add administration."
        return message

    def _not_started(self, index: int) -> str:
        infusion = self.presenter.administrations[index].get("route") == "iv_infusion"
        return (f"Not started yet: press Start ({SHORTCUTS['start']}) when it begins."
                if infusion else f"Press Given ({SHORTCUTS['given']}) when it is given.")

    def _sync_cards(self) -> None:
        key = [(a.get("id", ""), a.get("product", "")) for a in self.presenter.administrations]
        if key != self._card_key:
            self._card_key = key
            for card in self.cards:
                self.registry.unregister_prefix(f"administrations[{card.index}]")
                card.setParent(None)
                card.deleteLater()
            self.cards = []
            for index, admin in enumerate(self.presenter.administrations):
                card = AdministrationCard(self.presenter, index, self.clock,
                                          self._lots_for(admin.get("product", "")),
                                          self.registry)
                card.remove_requested.connect(self.presenter.remove_administration)
                compact_combos(card)
                self.cards_box.addWidget(card)
                card.show()  # now, not queued: Add moves the focus into it at once
                self.cards.append(card)
            self._show_card_mnemonics()
            self._set_tab_order()
        else:
            for card in self.cards:
                card.refresh()

    def _lots_for(self, product: str) -> list:
        if product not in self._lots:
            self._lots[product] = services.lot_choices(self.store, self.session, product)
        return self._lots[product]

    def _show_banner(self) -> None:
        lines = []
        now = self.clock.now()
        for index, admin in enumerate(self.presenter.administrations):
            if admin.get("route") != "iv_infusion":
                continue
            text = running_text(live_state(admin.get("events", []), now, zone=self.presenter.zone))
            if text:  # the same words as the card's own banner, with whose it is and the key
                product = self.presenter.product(index)
                name = product.short if product else admin.get("product")
                if self.presenter.finalized:
                    lines.append(f"{name}: finalized without a stop time (Amend to record it)")
                elif self.presenter.read_only:  # a draft this person may view, not record
                    lines.append(f"{name}: {text[0].lower()}{text[1:]}")
                else:
                    lines.append(
                        f"{name}: {text[0].lower()}{text[1:]} (Stop: {SHORTCUTS['stop']})")
        self.banner.show_text("\n".join(lines) or None)

    def _show_state(self) -> None:
        doc = self.presenter.document
        patient = (doc.get("patient") or {}).get("name") or "no patient yet"
        number = f"Visit {self.visit_id}" if self.visit_id is not None else "New visit"
        self.title.setText(f"{number} \u00b7 {patient} \u00b7 {doc.get('date_of_service', '')}")
        state = "Finalized (read-only)" if self.status == "finalized" else "Draft"
        note = f": {self.status_note}" if self.status_note else ""
        self.state_label.setText(state + note)
        self.update_buttons()

    # -- links to store records --------------------------------------------------------------
    def _links_changed(self) -> None:
        self._link_key = None
        self._complete_links()

    def _complete_links(self) -> bool:
        """Fill patient, payer, authorization, benefits and the co-pay programme's enrolment
        from the store when what they depend on changed (chosen records, date of service, the
        authorized drug); True when that changed the document (which redraws the editor once
        more)."""
        section = self.patient
        if not self.presenter.read_only:  # a chosen PA for another drug gives way
            section.set_product(authorized_product(self.presenter.document))
        key = (section.patient_id, section.coverage_id, section.authorization_id,
               section.authorization_choice, self.presenter.get("date_of_service"),
               authorized_product(self.presenter.document),
               tuple(str(a.get("product")) for a in self.presenter.administrations
                     if isinstance(a, dict)))  # a drug added: its previous dose
        if key == self._link_key or self.presenter.read_only:
            return False
        self._link_key = key
        self.providers.fill_defaults(section.patient_id)
        doc = services.completed_document(
            self.store, self.session, self.presenter.document, patient_id=section.patient_id,
            coverage_id=section.coverage_id, authorization_id=section.authorization_id,
            visit_id=self.visit_id, authorization_choice=section.authorization_choice)
        auth = doc.get("prior_authorization") if (section.coverage_id is not None) else None
        values = {"patient": doc.get("patient"), "prior_authorization": auth,
                  "benefits_verification": doc.get("benefits_verification"),
                  "copay_programme": doc.get("copay_programme")}  # issue 16: eligibility
        if section.coverage_id is not None:
            values["payer"] = doc.get("payer")
        values |= services.previous_doses(self.store, self.presenter.document,
                                          section.patient_id, self.visit_id)
        changed = any(self.presenter.get(path) != value for path, value in values.items())
        if changed:
            self.presenter.set_many(values)
        section.show_authorization_in_use((auth or {}).get("number"))
        section.show_benefits(doc.get("benefits_verification"))
        return changed

    # -- administrations and the timeline ----------------------------------------------------
    def add_administration(self) -> None:
        """Add the drug chosen above (Ctrl+M too): the cursor goes to its dose, and the card is
        scrolled into view once it is laid out."""
        index = self.presenter.add_administration(self.add_product.currentData())
        if 0 <= index < len(self.cards):
            card = self.cards[index]
            card.dose.setFocus(Qt.FocusReason.OtherFocusReason)
            self.form_scroll.ensureWidgetVisible(card)
            QTimer.singleShot(0, card, lambda: self.form_scroll.ensureWidgetVisible(card, 0, 0))

    def find_diagnosis(self) -> None:
        """Ctrl+D: the cursor in the diagnosis search, scrolled into view (as Ctrl+M shows the
        card it adds), wherever the form was scrolled to."""
        search = self.diagnoses.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.form_scroll.ensureWidgetVisible(search)

    def _set_tab_order(self) -> None:
        """Tab goes down the form as it reads (patient, visit, diagnoses, what to add, then
        each card: drug, dose, source, vials, the timeline's buttons, the time, its events,
        Undo, Delete event), then the preview and the header's buttons; tables pass Tab on
        instead of moving between their cells (arrows do that)."""
        patient, diagnoses = self.patient, self.diagnoses
        chain: list[QWidget] = [
            patient.search, patient.new_patient, patient.coverage, patient.new_coverage,
            patient.authorization, patient.new_authorization, self.visit_section.day,
            self.visit_section.setting, self.providers.rendering, self.providers.ordering,
            diagnoses.search, diagnoses.list, diagnoses.remove,
            diagnoses.primary, self.add_product, self.add_button]
        for card in self.cards:
            timeline, vials = card.timeline, card.vials
            chain += [card.product, card.route, card.remove, card.dose, card.source,
                      card.primary, vials, vials.add_button, vials.remove_button,
                      vials.table, *timeline.buttons.values(), timeline.time_box,
                      timeline.events_view, timeline.undo_button, timeline.delete_button]
        chain += [self.preview.lines_view, self.preview.findings_view, self.estimate.lines_view,
                  *self._header_buttons_in_order()]
        for view in self.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _header_buttons_in_order(self) -> list[QWidget]:
        return [self.pdf_button, self.print_button, self.finalize_button, self.amend_button,
                self.close_button]

    def _show_card_mnemonics(self) -> None:
        """Alt+D, Alt+S, Alt+L, Alt+A go to the card in use (the first until one is)."""
        active = self._active_card if self._active_card is not None else 0
        active = active if active < len(self.cards) else 0
        for card in self.cards:
            card.show_mnemonics(card.index == active)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is self.diagnoses.search:
            # The search's text and its lower-cased copy (~8 MB each) are made only for someone
            # about to type a diagnosis, off the GUI thread, before the first keystroke.
            warm_up_in_background()
        widget = new
        while widget is not None and widget is not self:
            if isinstance(widget, AdministrationCard):
                if self._active_card != widget.index:
                    self._active_card = widget.index
                    self._show_card_mnemonics()
                return
            widget = widget.parentWidget()

    def press_timeline(self, kind: str) -> bool:
        """F5-F8: the timeline in use (last focused card), else the first that allows it. F5
        is Start for an infusion and Given for a push or injection (its button says so). A
        time typed in the card in use is never dropped: if the key is not for that card, it
        says so there and nothing is stamped."""
        kinds = ("start", "given") if kind in ("start", "given") else (kind,)

        def allowed(timeline) -> list[str]:
            state = timeline.state
            return [k for k in kinds if state is not None and k in state.allowed]

        if self._active_card is not None and self._active_card < len(self.cards):
            active = self.cards[self._active_card].timeline
            if allowed(active):
                return active.press(allowed(active)[0])
            typed = active.time_box.text().strip()
            if typed:
                active.time_message.show_message(
                    f"{LABELS[kind]} ({SHORTCUTS[kind]}) does not apply here: type {typed} in "
                    "the time box of the drug it is for, or clear this one")
                active.time_box.setFocus(Qt.FocusReason.OtherFocusReason)
                return False
        for wanted in kinds:  # no card in use: the first that allows it, Start before Given
            for card in self.cards:
                if wanted in allowed(card.timeline):
                    return card.timeline.press(wanted)
        return False

    def focus_finding(self, path: str, administration: str) -> None:
        """Put the cursor in the field a finding is about."""
        if not path and administration:
            ids = [a.get("id") for a in self.presenter.administrations]
            if administration in ids:
                path = f"administrations[{ids.index(administration)}].events"
        if path:
            self.registry.focus(path)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._catch_up_with_payers()
        if self._split_once:
            self._split_once = False
            if not self.restore_split():
                total = sum(self.splitter.sizes())
                self.splitter.setSizes([total * 57 // 100, total - total * 57 // 100])
            QTimer.singleShot(0, self, self.first_focus)  # cancelled if the editor goes first

    def _catch_up_with_payers(self) -> None:
        """Back from another screen: a payer profile edited or an ICD-10-CM year imported
        there counts from now on (not for a finalized visit, which reads as billed)."""
        if self.presenter.read_only:
            return
        try:
            catalog = services.catalog(self.store)
        except StoreError:  # the database busy a moment: the next showing catches up
            return
        if (catalog.payers != self.presenter.catalog.payers
                or catalog.code_sets is not self.presenter.catalog.code_sets):  # an import
            self.presenter.use_catalog(catalog)

    def first_focus(self) -> None:
        """Where the cursor starts: a running infusion's Stop, else what comes next in the
        form (the patient, the diagnoses, what was given)."""
        if self.show_open_infusion():
            return
        target: QWidget
        if self.patient.patient_id is None:
            target = self.patient.search
        elif not self.presenter.diagnoses:
            target = self.diagnoses.search
        elif not self.cards:
            target = self.add_product
        else:
            target = self.cards[0].dose
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_open_infusion(self) -> bool:
        """Scroll to the first infusion that runs without a stop time (opening a visit)."""
        for card in self.cards:
            state = card.timeline.state
            if state is not None and state.open:
                self.form_scroll.ensureWidgetVisible(card.timeline, 0, 40)
                if not self.presenter.read_only:
                    card.timeline.buttons["stop"].setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.save_now() and not DiscardChanges.ask(self, self.save_message.text()):
            event.ignore()  # nothing typed is lost to a close
            return
        if self.conflict.kept and not DiscardChanges.ask(
                self, f"{len(self.conflict.kept)} value(s) of yours are not put back yet."):
            event.ignore()  # nor the values kept beside a reloaded visit
            return
        self.release()
        self.closed.emit()
        super().closeEvent(event)

    def release(self) -> None:
        """Stop the live parts (tickers, the focus hook) before the editor goes away."""
        self._autosave.stop()
        self.undo.release()
        for card in self.cards:
            card.timeline.ticker.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            try:
                app.focusChanged.disconnect(self._focus_moved)
            except (RuntimeError, TypeError):  # already disconnected
                pass


class DiscardChanges:
    """Asks before an editor whose changes could not be saved is closed (tests replace ask)."""

    @classmethod
    def ask(cls, parent: QWidget, reason: str) -> bool:
        answer = QMessageBox.warning(
            parent, "Close without saving?",
            f"{reason or 'This visit could not be saved.'}\n\nClose it anyway and lose the "
            "changes not saved?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

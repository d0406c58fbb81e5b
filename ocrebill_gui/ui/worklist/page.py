"""The Worklist screen (Ctrl+7): the biller's claims by status, payer and date of service -
drafts whose claim still has errors, finalized visits not yet sent, denials - filtered and
sorted in SQL, a page at a time (store/claim_worklist.py). Several rows can be chosen (Shift,
Ctrl) for Print forms... and Export 837...; Record payment... and Record denial... take one.
Enter or double-click opens the visit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.claim_worklist import WorklistRow
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.permissions import allowed, gate
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QItemSelectionModel,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, heading, record_table, remember_columns
from ocrebill_gui.ui.worklist.model import (
    SHOW,
    STATUS_TEXT,
    Filters,
    WorklistModel,
    money_text,
)

NO_DATE = QDate(2000, 1, 1)  # a date field at its minimum shows "Any": no bound


def _date_bound(caption: str, name: str) -> tuple[QLabel, QDateEdit]:
    field = QDateEdit()
    field.setObjectName(name)
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    field.setMinimumDate(NO_DATE)
    field.setSpecialValueText("Any")
    field.setDate(NO_DATE)
    label = QLabel(caption)
    label.setBuddy(field)
    label.setMinimumWidth(label.sizeHint().width() + 2)  # "To" lost its "o" to the field
    return label, field


def _day(field: QDateEdit) -> date | None:
    value = field.date()
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


class WorklistPage(QWidget):
    """Claims to work on; `open_visit` carries the visit to open in the editor."""

    open_visit = Signal(int)

    def __init__(self, store: Store, session: Session, clock: Clock, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worklistPage")
        self.store, self.session, self.clock, self._layout = store, session, clock, layout
        payers = [(p.id, p.name) for p, _mine in api.payer_profiles(store)]
        self.model = WorklistModel(store, session, dict(payers), parent=self,
                                   expected=expected_payer_amount(store, session))
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("worklistShow")
        for text, _kinds, _statuses in SHOW:
            self.show_filter.addItem(text)
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.show_filter)
        self.payer_filter = QComboBox()
        self.payer_filter.setObjectName("worklistPayer")
        self.payer_filter.addItem("Any payer", None)
        for payer_id, name in payers:
            self.payer_filter.addItem(name, payer_id)
        fitting = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        for combo, letters in ((self.show_filter, 36), (self.payer_filter, 18)):
            combo.setSizeAdjustPolicy(fitting)  # the screen fits a 1000-pixel wide window
            combo.setMinimumContentsLength(letters)
        payer_label = QLabel("Pa&yer")
        payer_label.setBuddy(self.payer_filter)
        from_label, self.date_from = _date_bound("Fro&m", "worklistFrom")
        to_label, self.date_to = _date_bound("&To", "worklistTo")
        self.show_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.payer_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.date_from.dateChanged.connect(lambda _d: self._filters_changed())
        self.date_to.dateChanged.connect(lambda _d: self._filters_changed())
        self.summary = QLabel()
        self.summary.setObjectName("worklistSummary")
        set_role(self.summary, "muted")
        self.view = record_table(self.model, name="worklistTable",
                                 on_activate=self._activated)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.rowsInserted.connect(lambda *_: self._update_labels())  # a page more
        self._kept: tuple[list[int], int | None] = ([], None)  # visits chosen, the current
        for before, after in ((self.model.modelAboutToBeReset, self.model.modelReset),
                              (self.model.layoutAboutToBeChanged, self.model.layoutChanged)):
            before.connect(lambda *_: self._remember_chosen())  # a sort, a reload:
            after.connect(lambda *_: self._choose_again())  # the same claims, not row numbers
        self.print_button = self._button("&Print forms...", "printForms", self.print_forms,
                                         "The chosen claims on the CMS-1500 (office, home) or "
                                         "UB-04 (hospital outpatient), one PDF per form")
        self.export_button = self._button("E&xport 837...", "export837", self.export_837,
                                          "The chosen claims in one 837P or 837I file")
        self.submitted_button = self._button("Mark s&ubmitted", "markSubmitted",
                                             self.mark_submitted,
                                             "The chosen printed or exported claims were "
                                             "mailed or sent to the clearinghouse")
        self.payment_button = self._button("Record p&ayment...", "recordPayment",
                                           self.record_payment,
                                           "What the payer paid on the chosen claim")
        self.denial_button = self._button("Record &denial...", "recordDenial",
                                          self.record_denial,
                                          "The payer denied the chosen claim")
        self.open_button = self._button("&Open visit", "openVisit", self.open_chosen,
                                        "The chosen row's visit in the editor (Enter)")
        actions = QHBoxLayout()
        actions.addWidget(heading("Claims worklist"))
        actions.addStretch(1)
        for button in (self.open_button, self.print_button, self.export_button,
                       self.submitted_button, self.payment_button, self.denial_button):
            actions.addWidget(button)
        filters = QHBoxLayout()
        for widget in (show_label, self.show_filter, payer_label, self.payer_filter,
                       from_label, self.date_from, to_label, self.date_to):
            filters.addWidget(widget)
        filters.addSpacing(12)
        filters.addWidget(self.summary, 1)
        page = QVBoxLayout(self)
        page.addLayout(actions)
        page.addLayout(filters)
        page.addWidget(self.view, 1)
        fit_columns(self.view, layout)
        self._room_for_amounts()
        self._choose_again()
        self._update_labels()

    def _room_for_amounts(self) -> None:
        """Charges and Paid as wide as a large amount (and the UNDERPAID flag): the columns
        were fitted to the first page, where often nothing is paid yet."""
        header, metrics = self.view.horizontalHeader(), self.view.fontMetrics()
        longest = max(STATUS_TEXT.values(), key=metrics.horizontalAdvance) + " (replacement)"
        for column, sample in ((1, longest), (5, "$000,000.00"),
                               (6, "$000,000.00  UNDERPAID")):
            wanted = metrics.horizontalAdvance(sample) + 3 * metrics.averageCharWidth()
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)

    def _button(self, text: str, name: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # -- filters ---------------------------------------------------------------------------

    def filters(self) -> Filters:
        _text, kinds, statuses = SHOW[self.show_filter.currentIndex()]
        return Filters(kinds=kinds, statuses=statuses, payer=self.payer_filter.currentData(),
                       date_from=_day(self.date_from), date_to=_day(self.date_to))

    def _filters_changed(self) -> None:
        self.model.set_filters(self.filters())
        self._update_labels()

    def refresh(self) -> None:
        """Reload (a visit was saved or finalized, a claim changed), keeping the chosen
        visits chosen where they still show."""
        self.model.reload()
        self._update_labels()

    def _remember_chosen(self) -> None:
        current = self.model.record(self.view.currentIndex().row())
        self._kept = ([row.visit_id for row in self.chosen()],
                      current.visit_id if current is not None else None)

    def _choose_again(self) -> None:
        """After a sort or a reload: the visits chosen before, where they are still loaded
        (the rows of other claims never: none when none is), the current row with them; a
        list loaded with nothing chosen before has its first row chosen."""
        chosen, current = self._kept
        self._kept = ([], None)
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        records = self.model.records()
        rows = [n for n, row in enumerate(records) if row.visit_id in chosen]
        focus = next((n for n in rows if records[n].visit_id == current), None)
        selection.clearSelection()
        if not chosen and records:
            rows = [0]  # the list opens with its first row chosen (and current)
        for number in rows:
            selection.select(self.model.index(number, 0), flags.Select | flags.Rows)
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0] if focus is None else focus, 0),
                                      flags.NoUpdate)
            self.view.scrollTo(self.view.currentIndex())
        else:
            selection.clearCurrentIndex()

    def _update_labels(self) -> None:
        """"200+ rows" while more pages are to come (the exact count of a 100,000-visit
        practice's work costs ~0.5 s of SQL: not at every reload), else the exact number."""
        count, more = self.model.rowCount(), self.model.canFetchMore()
        chosen = self.filters()
        span = ""
        if chosen.date_from and chosen.date_to and chosen.date_from > chosen.date_to:
            span = "  \u00b7  'From' is after 'To': no date of service is in between"
        self.summary.setText(f"{count:,}{'+' if more else ''} row"
                             f"{'s' if count != 1 or more else ''}" + span)
        self._update_buttons()

    def chosen(self) -> list[WorklistRow]:
        """The selected rows, in the list's order."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [record for record in map(self.model.record, rows) if record is not None]

    def _update_buttons(self) -> None:
        rows = self.chosen()
        finalized = [r for r in rows if r.status != "draft"]
        gate(self.print_button, self.session, "visits.export", when=bool(finalized))
        gate(self.export_button, self.session, "visits.export", when=bool(finalized))
        gate(self.submitted_button, self.session, "visits.export",
             when=any(r.status in ("printed", "exported") for r in rows))
        decidable = len(rows) == 1 and rows[0].claim_id is not None \
            and rows[0].status not in ("draft", "ready")
        gate(self.payment_button, self.session, "remittances.write", when=decidable)
        gate(self.denial_button, self.session, "remittances.write", when=decidable)
        self.open_button.setEnabled(len(rows) == 1)

    # -- actions ---------------------------------------------------------------------------

    def _activated(self, row: object) -> None:
        if isinstance(row, WorklistRow):
            self.open_visit.emit(row.visit_id)

    def open_chosen(self) -> None:
        rows = self.chosen()
        if len(rows) == 1:
            self.open_visit.emit(rows[0].visit_id)

    def print_forms(self) -> None:
        from ocrebill_gui.ui.worklist.batch_print import print_forms

        if self.print_button.isEnabled():
            print_forms(self, self.chosen())

    def export_837(self) -> None:
        from ocrebill_gui.ui.worklist.batch_export import export_837

        if self.export_button.isEnabled():
            export_837(self, self.chosen())

    def mark_submitted(self) -> None:
        from ocrebill_gui.store import StoreError
        from ocrebill_gui.store.claims import mark_submitted
        from ocrebill_gui.ui.forms import Confirm

        ids = [r.claim_id for r in self.chosen()
               if r.claim_id is not None and r.status in ("printed", "exported")]
        if not ids or not self.submitted_button.isEnabled():
            return
        try:
            marked = mark_submitted(self.store, self.session, ids)
        except StoreError as error:
            Confirm.tell(self, "Mark submitted", str(error))
        else:
            self.say(f"{len(marked)} claim{'s' if len(marked) != 1 else ''} marked submitted")
        self.refresh()

    def say(self, text: str) -> None:
        """A short confirmation in the main window's status bar (the summary line without
        one)."""
        bar = getattr(self.window(), "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10_000)
        else:
            self.summary.setText(text)

    def record_payment(self) -> None:
        from ocrebill_gui.store.remittances import record_payment
        from ocrebill_gui.ui.worklist.remittance_dialogs import PaymentDialog
        from ocrebill_gui.ui.worklist.remittance_input import adjustments, money

        row, claim_id = self._one_claim(self.payment_button)
        if row is None:
            return
        expected = expected_payer_amount(self.store, self.session)
        amount = expected(row.visit_id) if expected is not None else None

        def save(values: dict[str, Any]) -> Any:
            share = values["patient_responsibility"].strip()
            return record_payment(self.store, self.session, claim_id,
                                  values["received_on"], money(values["amount_paid"]),
                                  money(share) if share else None,
                                  adjustments(values["adjustments"]),
                                  values["note"].strip() or None)

        if PaymentDialog.ask(self, claim_text(row), self.clock.now().date(), save,
                             expected=money_text(amount) if amount is not None else None):
            self.refresh()

    def record_denial(self) -> None:
        from ocrebill_gui.store.remittances import record_denial
        from ocrebill_gui.ui.worklist.remittance_dialogs import DenialDialog
        from ocrebill_gui.ui.worklist.remittance_input import denial_codes

        row, claim_id = self._one_claim(self.denial_button)
        if row is None:
            return

        def save(values: dict[str, Any]) -> Any:
            return record_denial(self.store, self.session, claim_id,
                                 values["received_on"], denial_codes(values["denial_codes"]),
                                 values["reason"], values["note"].strip() or None)

        if DenialDialog.ask(self, claim_text(row), self.clock.now().date(), save):
            self.refresh()

    def _one_claim(self, button: QPushButton) -> tuple[WorklistRow | None, int]:
        """The one chosen row and its claim, when `button` may act on it."""
        rows = self.chosen()
        if len(rows) != 1 or not button.isEnabled() or rows[0].claim_id is None:
            return None, 0
        return rows[0], rows[0].claim_id

    # -- the main window's page protocol ---------------------------------------------------

    def focus_table(self) -> None:
        self.view.setFocus()
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectRow(0)

    def save_layout(self) -> None:
        remember_columns(self.view, self._layout)


def claim_text(row: WorklistRow) -> str:
    """'claim 12 (visit 40, 2026-03-10)': ids and the date, no patient data (a title)."""
    return f"claim {row.claim_id} (visit {row.visit_id}, {row.date_of_service.isoformat()})"


def expected_payer_amount(store: Store, session: Session) -> Any:
    """visit id -> what the visit's estimate (store/estimates.py) expects the payer to pay
    (None: no estimate can be made); None for a session that may not read visits. A partial
    estimate (a line without a price) counts what it knows: paid below even that is short."""
    if not allowed(session, "patients.read"):
        return None

    def expected(visit_id: int) -> Decimal | None:
        from ocrebill_gui.core.errors import InvalidVisit
        from ocrebill_gui.store import StoreError
        from ocrebill_gui.store.estimates import estimate_for_visit

        try:
            estimate = estimate_for_visit(store, session, visit_id)
        except (StoreError, InvalidVisit):
            return None
        amount = estimate.totals.payer_pays
        return None if estimate.partial and not amount else amount  # no price known at all

    return expected

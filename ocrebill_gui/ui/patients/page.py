"""The Patients screen: the list (filtered by the main window's search box) beside the chosen
patient's form, coverages, prior authorizations and visits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.store import Patient, Store, StoreError, VisitSummary
from ocrebill_gui.store.records import AuthorizationFields, CoverageFields
from ocrebill_gui.ui.forms import Confirm, validator
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.models.patients import (
    AuthorizationsModel,
    CoveragesModel,
    PatientListModel,
)
from ocrebill_gui.ui.models.visits import PatientVisitsModel
from ocrebill_gui.ui.patients.dialogs import (
    AuthorizationDialog,
    CoverageDialog,
    EndDialog,
    authorization_products,
    group_box,
    record_buttons,
)
from ocrebill_gui.ui.patients.form import PatientForm, unless_member_on_file
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import (
    fit_columns,
    fit_height,
    heading,
    list_and_detail,
    record_table,
    remember_columns,
    select_row,
)


def last_day_problems(problems: Mapping[str, str], field: str, start: str,
                      start_caption: str) -> dict[str, str]:
    """The record's problems as an End dialog shows them: those of `field` (the end date)
    at its Last day field, the start named as the record's form labels it."""
    shown: dict[str, str] = {}
    for key, text in problems.items():
        if key == field:
            shown["last_day"] = text
        elif text.startswith(field + " "):
            shown["last_day"] = text[len(field) + 1:].replace(start, f"'{start_caption}'")
        else:
            shown[key] = text
    return shown


class PatientsPage(QWidget):
    """Find, add and edit patients with their coverages and authorizations."""

    open_visit = Signal(int)  # a visit id to open in the editor
    new_visit = Signal(int)  # a patient id to start a visit for
    searched = Signal(str)  # the list now shows what this finds: the search box should say it

    def __init__(self, store: Store, session: Session, clock: Clock, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientsPage")
        self._store, self._session, self._clock, self._layout = store, session, clock, layout
        today = clock.now().date()
        self._payer_names = {p.id: p.name for p, _mine in api.payer_profiles(store)}
        self.patients = PatientListModel(store, session, parent=self)
        self.coverages = CoveragesModel(store, session, self._payer_names, today, parent=self)
        self._catalog = api.store_catalog(store)
        product_names = {p.id: p.name for p in self._catalog.products.values()}
        self.authorizations = AuthorizationsModel(store, session, today, product_names, parent=self)
        self.visits = PatientVisitsModel(store, session, None, parent=self)

        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        self.new_button = QPushButton("New &patient")
        self.new_button.clicked.connect(self.start_new_patient)
        self.list_view = record_table(self.patients, name="patientList")
        self.list_view.selectionModel().currentRowChanged.connect(self._row_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(heading("Patients"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.list_view, 1)

        self.form = PatientForm(store, session)
        self.form.saved.connect(self._patient_saved)
        self.form.open_existing.connect(self.select_patient)
        self.coverage_view = record_table(self.coverages, name="coverageTable")
        self.add_coverage_button = QPushButton("Add &coverage...")
        self.add_coverage_button.clicked.connect(self.add_coverage)
        self.coverage_buttons = record_buttons(self.coverage_view, "Coverage", self.edit_coverage,
                                               self.end_coverage, self.delete_coverage)
        self.benefits_button = QPushButton("&Benefits...")
        self.benefits_button.setObjectName("benefitsCoverage")
        self.benefits_button.setToolTip("The benefits verifications of the coverage chosen above")
        self.benefits_button.clicked.connect(self.show_benefits)
        self.copay_button = QPushButton("Co-pay p&rogramme...")  # issue 16
        self.copay_button.setObjectName("copayProgramme")
        self.copay_button.setToolTip("The manufacturer's co-pay programme: enrolment, this "
                                     "year's usage, claims and their EOB deadlines")
        self.copay_button.clicked.connect(self.show_copay_programme)
        self.auth_view = record_table(self.authorizations, name="authorizationTable")
        self.add_auth_button = QPushButton("Add prior &authorization...")
        self.add_auth_button.clicked.connect(self.add_authorization)
        self.auth_buttons = record_buttons(self.auth_view, "Authorization",
                                           self.edit_authorization, self.end_authorization,
                                           self.delete_authorization)
        for view in (self.coverage_view, self.auth_view):
            view.selectionModel().currentRowChanged.connect(
                lambda *_: self._enable_record_buttons())
        self.auth_hint = QLabel("Add a coverage first: an authorization belongs to one.")
        set_role(self.auth_hint, "muted")
        self.visit_view = record_table(self.visits, name="patientVisits",
                                       on_activate=self._open_visit)
        self.new_visit_button = QPushButton("New vi&sit for this patient")
        self.new_visit_button.clicked.connect(self._new_visit)
        gate(self.new_button, session, "patients.write")
        gate(self.add_coverage_button, session, "coverage.write")
        gate(self.new_visit_button, session, "visits.draft")
        self.coverage_box = group_box("Coverage", self.coverage_view,
                                        [*self.coverage_buttons, self.benefits_button,
                                         self.copay_button, self.add_coverage_button])
        self.auth_box = group_box("Prior authorizations", self.auth_view,
                                    [self.auth_hint, *self.auth_buttons,
                                     self.add_auth_button])
        self.visit_box = group_box("Visits", self.visit_view, [self.new_visit_button])
        detail = QWidget()
        detail.setObjectName("patientDetail")
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.form)
        detail_layout.addWidget(self.coverage_box)
        detail_layout.addWidget(self.auth_box)
        detail_layout.addWidget(self.visit_box)
        detail_layout.addStretch(1)
        self.splitter = list_and_detail(left, detail, name="patientsSplitter", layout=layout,
                                        sizes=(440, 660))
        outer = QVBoxLayout(self)
        outer.addWidget(self.splitter)
        for view in (self.list_view, self.coverage_view, self.auth_view, self.visit_view):
            fit_columns(view, layout)
        self._update_count()
        self._show(None)

    # -- the list -------------------------------------------------------------------------

    def set_search_text(self, text: str) -> None:
        """Show the patients matching `text` (all when empty) and pick the first one."""
        self.patients.set_search_text(text)
        self._update_count()
        if self.patients.rowCount():
            self.select_row(0)
        else:
            self._show(None)

    def select_row(self, row: int) -> None:
        select_row(self.list_view, row)

    def select_patient(self, patient_id: int) -> None:
        row = self.patients.row_of(patient_id)
        if row < 0:  # not among the rows shown: search for it by its patient id
            ref = api.get_patient(self._store, self._session, patient_id).ref
            self.patients.set_search_text(ref)
            self.searched.emit(ref)  # "1 matching P-00041" with the box saying P-00041 too
            row = self.patients.row_of(patient_id)
            self._update_count()
        if row >= 0:
            self.select_row(row)

    def _update_count(self) -> None:
        text, rows = self.patients.search_text, self.patients.rowCount()
        more = "+" if self.patients.canFetchMore() else ""
        if text:
            self.count_label.setText(f"{rows}{more} matching \u201c{text}\u201d")
        else:
            self.count_label.setText(f"{api.count_patients(self._store, self._session)} patients")

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        chosen = self.patients.record(current.row()) if current.isValid() else None
        shown = self.form.patient
        same = (chosen.id if chosen else None) == (shown.id if shown else None)
        if not same and not self.form.leave():  # stay on the patient being edited
            back = self.patients.row_of(shown.id) if shown is not None else -1
            selection = self.list_view.selectionModel()
            selection.blockSignals(True)
            if back >= 0:
                select_row(self.list_view, back)
            else:
                self.list_view.clearSelection()
                self.list_view.setCurrentIndex(self.patients.index(-1, -1))
            selection.blockSignals(False)
            return
        self._show(chosen)

    def confirm_leave(self) -> bool:
        """Before the window closes: unsaved edits of the patient form are saved, discarded
        or kept (False: do not close), as the person answers."""
        return self.form.leave()

    def start_new_patient(self) -> None:
        if not self.new_button.isEnabled() or not self.form.leave():
            return
        self.list_view.clearSelection()
        self.list_view.setCurrentIndex(self.patients.index(-1, -1))
        self._show(None)
        self.form.name.setFocus()

    # -- the chosen patient ---------------------------------------------------------------

    @property
    def current_patient(self) -> Patient | None:
        return self.form.patient

    def _show(self, patient: Patient | None) -> None:
        self.form.set_patient(patient)
        patient_id = patient.id if patient else None
        self.coverages.set_patient(patient_id)
        self.authorizations.set_patient(patient_id)
        self.visits.set_patient(patient_id)
        for box in (self.coverage_box, self.auth_box, self.visit_box):
            box.setVisible(patient is not None)
        for view in (self.coverage_view, self.auth_view, self.visit_view):
            view.resizeColumnsToContents()  # a few rows: fit them
            fit_height(view)
        has_coverage = self.coverages.rowCount() > 0
        gate(self.add_auth_button, self._session, "coverage.write", when=has_coverage)
        gate(self.copay_button, self._session, "patients.read", when=patient is not None)
        self.auth_hint.setVisible(not has_coverage)
        self._enable_record_buttons()

    def _enable_record_buttons(self) -> None:
        gate(self.benefits_button, self._session, "patients.read",
             when=self.coverage_view.currentIndex().isValid())
        for view, buttons in ((self.coverage_view, self.coverage_buttons),
                              (self.auth_view, self.auth_buttons)):
            for button in buttons:
                gate(button, self._session, "coverage.write",
                     when=view.currentIndex().isValid())

    def _patient_saved(self, patient_id: int) -> None:
        self.patients.reload()
        self._update_count()
        self.select_patient(patient_id)

    def add_coverage(self) -> None:
        patient = self.current_patient
        if patient is None:
            return
        payers = sorted(((name, pid) for pid, name in self._payer_names.items()))
        saved = CoverageDialog.ask(self, patient.id, payers, self._coverage_saver(
            patient, lambda values: api.add_coverage(self._store, self._session, values)))
        self._coverage_saved(patient, saved)

    def _coverage_saver(self, patient: Patient, write: Callable[[dict[str, Any]], Any],
                        known_member: str = "") -> Callable[[dict[str, Any]], Any]:
        """The coverage dialog's save: a member id already on another patient's coverage
        asks first (a possible duplicate patient: open the existing one instead)."""
        return lambda values: unless_member_on_file(self, self._store, self._session,
                                                    patient.id, values, write, known_member)

    def _coverage_saved(self, patient: Patient, saved: Any) -> None:
        if isinstance(saved, Patient):  # the same person as a patient on file: open them
            self.select_patient(saved.id)
        elif saved is not None:
            self._show(patient)

    def add_authorization(self) -> None:
        patient = self.current_patient
        if patient is None or not self.coverages.rowCount():
            return
        coverages = [(f"{self._payer_names.get(c.payer, c.payer)}  {c.member_id}".strip(), c.id)
                     for c in self.coverages.records()]
        products = authorization_products(self._catalog)
        saved = AuthorizationDialog.ask(
            self, coverages, products, self._clock.now().date(),
            lambda values: api.add_authorization(self._store, self._session, values))
        if saved is not None:
            self._show(patient)

    def _chosen(self, view: QTableView, model: Any) -> Any:
        index = view.currentIndex()
        records = model.records()
        return records[index.row()] if index.isValid() and index.row() < len(records) else None

    def _payers(self) -> list[tuple[str, str]]:
        return sorted(((name, pid) for pid, name in self._payer_names.items()))

    def edit_coverage(self) -> None:
        patient, coverage = self.current_patient, self._chosen(self.coverage_view,
                                                               self.coverages)
        if patient is None or coverage is None:
            return
        saved = CoverageDialog.ask(
            self, patient.id, self._payers(), self._coverage_saver(
                patient, lambda values: api.update_coverage(self._store, self._session,
                                                            coverage.id, values),
                coverage.member_id), coverage)
        self._coverage_saved(patient, saved)

    def end_coverage(self) -> None:
        coverage = self._chosen(self.coverage_view, self.coverages)
        if coverage is not None:
            self._end(coverage, CoverageFields, ("End coverage", "&Last day in effect"),
                      ("effective_to", "effective_from", "In effect from"),
                      lambda day: api.end_coverage(self._store, self._session, coverage.id,
                                                   day))

    def _end(self, record: Any, model: Any, texts: tuple[str, str],
             dates: tuple[str, str, str], end: Callable[[str], Any]) -> None:
        """Ask for the last day of `record` (checked as typed by `model`'s rules, the end
        date being dates[0]) and `end` it then."""
        patient = self.current_patient
        if patient is None:
            return
        fields = {k: getattr(record, k) for k in model.model_fields}
        check = validator(model)
        ended = EndDialog(
            *texts, lambda day: last_day_problems(check(fields | {dates[0]: day or ""}), *dates),
            lambda day: end(day or ""), self._clock.now().date(), self)
        if ended.exec():
            self._show(patient)

    def delete_coverage(self) -> None:
        patient, coverage = self.current_patient, self._chosen(self.coverage_view,
                                                               self.coverages)
        if patient is None or coverage is None or not Confirm.ask(
                self, "Delete coverage", f"Delete the {self._payer_names.get(coverage.payer)} "
                "coverage? Only a coverage typed by mistake should go: end one the patient "
                "had (Last day). Its benefits verifications go with it."):
            return
        self._delete(lambda: api.delete_coverage(self._store, self._session, coverage.id),
                     patient)

    def _delete(self, delete: Callable[[], None], patient: Patient) -> None:
        try:
            delete()
        except StoreError as error:
            Confirm.tell(self, "Not deleted", str(error))
            return
        self._show(patient)

    def show_benefits(self) -> None:
        """The chosen coverage's benefits verifications (recorded and corrected there)."""
        from ocrebill_gui.ui.patients.benefits import BenefitsListDialog

        coverage = self._chosen(self.coverage_view, self.coverages)
        if coverage is None or not self.benefits_button.isEnabled():
            return
        text = f"{self._payer_names.get(coverage.payer, coverage.payer)}  {coverage.member_id}"
        BenefitsListDialog.show_for(self, self._store, self._session, coverage.id,
                                    text.strip(), authorization_products(self._catalog),
                                    self._clock.now().date())

    def show_copay_programme(self) -> None:
        """The patient's co-pay programme (enrolled and claimed there: front desk, biller)."""
        from ocrebill_gui.ui.patients.copay_dialog import CopayProgrammeDialog

        patient = self.current_patient
        if patient is None or not self.copay_button.isEnabled():
            return
        CopayProgrammeDialog(self._store, self._session, patient, self._clock.now().date(),
                             self).exec()

    def _coverage_choices(self) -> list[tuple[str, int]]:
        return [(f"{self._payer_names.get(c.payer, c.payer)}  {c.member_id}".strip(), c.id)
                for c in self.coverages.records()]

    def edit_authorization(self) -> None:
        patient, auth = self.current_patient, self._chosen(self.auth_view, self.authorizations)
        if patient is None or auth is None:
            return
        saved = AuthorizationDialog.ask(
            self, self._coverage_choices(), authorization_products(self._catalog),
            self._clock.now().date(),
            lambda values: api.update_authorization(self._store, self._session, auth.id,
                                                    values),
            auth, self.authorizations.uses_text(auth))
        if saved is not None:
            self._show(patient)

    def end_authorization(self) -> None:
        auth = self._chosen(self.auth_view, self.authorizations)
        if auth is not None:
            self._end(auth, AuthorizationFields, ("End prior authorization", "&Last day valid"),
                      ("valid_to", "valid_from", "Valid from"),
                      lambda day: api.end_authorization(self._store, self._session, auth.id,
                                                        day))

    def delete_authorization(self) -> None:
        patient, auth = self.current_patient, self._chosen(self.auth_view, self.authorizations)
        if patient is None or auth is None or not Confirm.ask(
                self, "Delete prior authorization", f"Delete authorization {auth.number}? "
                "Only one typed by mistake should go: end one the payer withdrew."):
            return
        self._delete(lambda: api.delete_authorization(self._store, self._session, auth.id),
                     patient)

    def _new_visit(self) -> None:
        if self.current_patient is not None:
            self.new_visit.emit(self.current_patient.id)

    def _open_visit(self, visit: object) -> None:
        assert isinstance(visit, VisitSummary)  # a row of the patient's visits
        self.open_visit.emit(visit.id)

    def refresh(self) -> None:
        """After a visit was saved elsewhere: its row here may have changed."""
        self.visits.reload()
        self.authorizations.reload()

    def save_layout(self) -> None:
        self._layout.save_part("patientsSplitter", self.splitter)
        for view in (self.list_view, self.coverage_view, self.auth_view, self.visit_view):
            remember_columns(view, self._layout)

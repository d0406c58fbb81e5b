"""Patient, coverage and prior authorization: picked from the store or created on the spot.

The section only chooses store records (patient, coverage, authorization ids) and says so
through `links_changed`; the editor then completes the visit document from the store (payer,
member id, the authorization with its remaining units) and the preview follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.editing import services
from ocrebill_gui.store import Authorization, Patient, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.patients.benefits_text import visit_line
from ocrebill_gui.ui.patients.dialogs import (
    AuthorizationDialog,
    CoverageDialog,
    PatientDialog,
    authorization_products,
)
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QAbstractListModel,
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    QStandardItemModel,
    Qt,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry

AnyIndex = QModelIndex | QPersistentModelIndex
AUTOMATIC = -1  # authorization combo: the one valid for the visit's drug on its date
NO_AUTHORIZATION = -2  # authorization combo: none on purpose


def patient_text(patient: Patient) -> str:
    born = f", born {patient.birth_date.isoformat()}" if patient.birth_date else ""
    return f"{patient.name} ({patient.ref}{born})"


def authorization_text(auth: Authorization, day: date | None, drug: str | None = None) -> str:
    """'PA-77812 (Ocrevus): 600 of 1200 units left, valid 2026-01-01 to 2026-12-31 (302 days
    left)'; `drug` is the product's short name (its catalog id when not given)."""
    units = ("no unit limit" if auth.remaining_units is None
             else f"{auth.remaining_units} of {auth.approved_units} units left")
    when = f"valid {auth.valid_from.isoformat()} to {auth.valid_to.isoformat()}"
    if day is not None:
        if auth.valid_to < day:
            when += " (EXPIRED on the date of service)"
        elif auth.valid_from > day:
            when += " (not yet valid on the date of service)"
        else:
            days = (auth.valid_to - day).days
            when += f" ({days} day{'s' if days != 1 else ''} left)"
    return f"{auth.number} ({drug or auth.product}): {units}, {when}"


class PatientsModel(QAbstractListModel):
    """Search results for the patient box (a page from the store, never the whole table)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.patients: list[Patient] = []

    def set_patients(self, patients: list[Patient]) -> None:
        self.beginResetModel()
        self.patients = list(patients)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.patients)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.patients):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return patient_text(self.patients[index.row()])
        return None


class PatientSection(QWidget):
    links_changed = Signal()

    def __init__(self, store: Store, session: Session, registry: FieldRegistry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.session, self.actor = store, session, session.actor
        self.patient_id: int | None = None
        self.coverage_id: int | None = None
        self.authorization_id: int | None = None
        self.authorization_choice = "auto"  # or "chosen" (authorization_id), "none"
        self.product: str | None = None  # the visit's monoclonal, which the PA must cover
        self.day: date | None = None
        self.read_only = False

        self.search = QLineEdit(self)
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText("Find a patient: name, patient id, MRN or member id")
        self.results = PatientsModel(self)
        completer = QCompleter(self.results, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._picked_text)
        self.search.setCompleter(completer)
        self.completer = completer
        self.search.textEdited.connect(self._typed)
        self.new_patient = QPushButton("New patient\u2026", self)
        self.new_patient.setObjectName("newPatient")
        self.new_patient.clicked.connect(self.create_patient)
        self.patient_message = FieldMessage(self)

        self.coverage = QComboBox(self)
        self.coverage.setObjectName("coverage")
        self.coverage.currentIndexChanged.connect(self._coverage_chosen)
        self.new_coverage = QPushButton("New coverage\u2026", self)
        self.new_coverage.setObjectName("newCoverage")
        self.new_coverage.clicked.connect(self.create_coverage)
        self.coverage_message = FieldMessage(self)

        self.authorization = QComboBox(self)
        self.authorization.setObjectName("authorization")
        self.authorization.currentIndexChanged.connect(self._authorization_chosen)
        self.new_authorization = QPushButton("New authorization\u2026", self)
        self.new_authorization.setObjectName("newAuthorization")
        self.new_authorization.clicked.connect(self.create_authorization)
        self.authorization_info = QLabel(self)
        self.authorization_info.setObjectName("authorizationInfo")
        self.authorization_info.setWordWrap(True)
        self.authorization_message = FieldMessage(self)
        self.benefits_info = QLabel(self)  # the latest benefits verification (issue 13)
        self.benefits_info.setObjectName("benefitsInfo")
        self.benefits_info.setWordWrap(True)
        self.benefits_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.benefits_info.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        rows = [("&Patient", self.search, self.new_patient, self.patient_message),
                ("C&overage", self.coverage, self.new_coverage, self.coverage_message),
                ("Prior a&uth.", self.authorization, self.new_authorization,
                 self.authorization_message)]
        for row, (text, field, button, message) in enumerate(rows):
            label = QLabel(text, self)
            label.setBuddy(field)
            grid.addWidget(label, row * 2, 0)
            grid.addWidget(field, row * 2, 1)
            grid.addWidget(button, row * 2, 2)
            grid.addWidget(message, row * 2 + 1, 1, 1, 2)
        grid.addWidget(self.authorization_info, 6, 1, 1, 2)
        grid.addWidget(self.benefits_info, 7, 1, 1, 2)
        grid.setColumnStretch(1, 1)

        registry.register("patient", self.search, self.patient_message)
        registry.register("payer", self.coverage, self.coverage_message)
        registry.register("prior_authorization", self.authorization,
                          self.authorization_message)
        registry.register("benefits_verification", self.coverage)  # its finding: the plan
        QWidget.setTabOrder(self.search, self.new_patient)
        QWidget.setTabOrder(self.new_patient, self.coverage)
        QWidget.setTabOrder(self.coverage, self.new_coverage)
        QWidget.setTabOrder(self.new_coverage, self.authorization)
        QWidget.setTabOrder(self.authorization, self.new_authorization)
        self._fill_coverages()

    # -- choosing ----------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        self.results.set_patients(services.find_patients(self.store, self.session, text)
                                  if text.strip() else [])
        if self.results.rowCount():
            self.completer.complete()

    def _picked_text(self, text: str) -> None:
        for patient in self.results.patients:
            if patient_text(patient) == text:
                self.choose_patient(patient.id)
                return

    def choose_patient(self, patient_id: int, coverage_id: int | None = None) -> None:
        """Pick a patient and their coverage in effect on the visit's day (or the given one)."""
        self.patient_id = patient_id
        if coverage_id is None:
            found = services.coverage_for_day(self.store, self.session, patient_id, self.day)
            coverage_id = found.id if found else None
        self.coverage_id = coverage_id
        self._automatic()
        self._show_patient()
        self._fill_coverages()
        self.links_changed.emit()

    def set_links(self, patient_id: int | None, coverage_id: int | None,
                  authorization_id: int | None, choice: str = "chosen") -> None:
        """Show saved choices without announcing a change (loading a visit)."""
        self.patient_id, self.coverage_id = patient_id, coverage_id
        self.authorization_id = authorization_id if choice == "chosen" else None
        self.authorization_choice = choice if choice != "chosen" or authorization_id else "auto"
        self._show_patient()
        self._fill_coverages()

    def _show_patient(self) -> None:
        if self.patient_id is None:
            self.search.clear()
            return
        self.search.setText(patient_text(services.patient(self.store, self.session,
                                                          self.patient_id)))

    def _fill_coverages(self) -> None:
        self.coverage.blockSignals(True)
        self.coverage.clear()
        if self.patient_id is None:
            self.coverage.addItem("Pick a patient first", None)
        else:
            names = services.payer_names(self.store)
            for coverage in services.coverages(self.store, self.session, self.patient_id):
                member = f", member {coverage.member_id}" if coverage.member_id else ""
                self.coverage.addItem(
                    f"{names.get(coverage.payer, coverage.payer)}{member} "
                    f"(priority {coverage.priority})", coverage.id)
            if self.coverage.count() == 0:
                self.coverage.addItem("No coverage: add one (New coverage\u2026)", None)
        index = self.coverage.findData(self.coverage_id)
        self.coverage.setCurrentIndex(max(0, index))
        self.coverage_id = self.coverage.currentData()
        self.coverage.blockSignals(False)
        self._fill_authorizations()
        self._enable()

    def _fill_authorizations(self) -> None:
        """Automatic, None, then the coverage's authorizations; one that does not cover the
        visit (another drug, not valid on its date) is listed greyed out, with the reason."""
        self.authorization.blockSignals(True)
        self.authorization.clear()
        self.authorization.addItem("Automatic: the one valid for this visit's drug and date",
                                   AUTOMATIC)
        self.authorization.addItem("None: bill this visit without a prior authorization",
                                   NO_AUTHORIZATION)
        self._authorizations = (services.authorizations(self.store, self.session,
                                                        self.coverage_id)
                                if self.coverage_id is not None else [])
        model = self.authorization.model()
        assert isinstance(model, QStandardItemModel)  # a combo box's own
        for auth in self._authorizations:
            self.authorization.addItem(
                authorization_text(auth, self.day, self._drug(auth.product)), auth.id)
            reason = self.why_not(auth)
            if reason is not None:
                item = model.item(self.authorization.count() - 1)
                item.setEnabled(False)
                item.setToolTip(reason)
        wanted = {"auto": AUTOMATIC, "none": NO_AUTHORIZATION}.get(
            self.authorization_choice, self.authorization_id)
        self.authorization.setCurrentIndex(max(0, self.authorization.findData(wanted)))
        self.authorization.blockSignals(False)

    def why_not(self, auth: Authorization) -> str | None:
        """Why this visit cannot use `auth` (the store's rule, authorization_choice.py)."""
        if self.product is not None and auth.product != self.product:
            return f"for {self._drug(auth.product)}, not {self._drug(self.product)}"
        if self.day is not None and not auth.valid_on(self.day):
            return f"not valid on {self.day.isoformat()}"
        return None

    def _automatic(self) -> None:
        self.authorization_id, self.authorization_choice = None, "auto"

    def _coverage_chosen(self, _index: int) -> None:
        self.coverage_id = self.coverage.currentData()
        self._automatic()  # another plan: its own authorization, chosen again
        self._fill_authorizations()
        self.links_changed.emit()

    def _authorization_chosen(self, _index: int) -> None:
        data = self.authorization.currentData()
        if data == NO_AUTHORIZATION:
            self.authorization_id, self.authorization_choice = None, "none"
        elif data in (None, AUTOMATIC):
            self._automatic()
        else:
            self.authorization_id, self.authorization_choice = data, "chosen"
        self.links_changed.emit()

    def set_product(self, product: str | None) -> None:
        """The visit's monoclonal changed: a chosen authorization for another drug gives way
        to the automatic choice (as the store does when it saves)."""
        if product == self.product:
            return
        self.product = product
        self._drop_a_stale_choice()
        self._fill_authorizations()

    def _drop_a_stale_choice(self) -> None:
        chosen = next((a for a in getattr(self, "_authorizations", [])
                       if a.id == self.authorization_id), None)
        if chosen is not None and self.authorization_choice == "chosen" \
                and self.why_not(chosen) is not None:
            self._automatic()

    def show_authorization_in_use(self, number: str | None) -> None:
        """Say which authorization the visit uses (after the store picked one), and why none
        when it uses none."""
        auth = next((a for a in getattr(self, "_authorizations", []) if a.number == number),
                    None)
        if auth is not None:
            self.authorization_info.setText(
                "Using " + authorization_text(auth, self.day, self._drug(auth.product)))
        elif self.coverage_id is None:
            self.authorization_info.setText("")
        elif self.authorization_choice == "none":
            self.authorization_info.setText("No prior authorization on this visit (None "
                                            "chosen)")
        else:
            drug = f" for {self._drug(self.product)}" if self.product else ""
            when = f" on {self.day.isoformat()}" if self.day else ""
            self.authorization_info.setText(
                f"No prior authorization on this visit: this coverage has none valid{drug}"
                f"{when}")

    def show_benefits(self, block: Mapping[str, Any] | None) -> None:
        """The latest benefits verification of the visit's coverage and drug, in one line
        (the document's benefits_verification block, as the store completed it)."""
        product = (block or {}).get("product")
        self.benefits_info.setText(visit_line(block, self._drug(product) if product else ""))
        self.benefits_info.setVisible(bool(block))

    @staticmethod
    def _drug(product: str) -> str:
        found = default_catalog().products.get(product)  # products are shipped data only
        return found.short if found else product

    def set_day(self, day: date | None) -> None:
        if day != self.day:
            self.day = day
            self._drop_a_stale_choice()
            self._fill_authorizations()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._enable()

    def _enable(self) -> None:
        editable = not self.read_only
        self.search.setReadOnly(not editable)
        gate(self.new_patient, self.session, "patients.write", when=editable)
        has_patient = self.patient_id is not None
        self.coverage.setEnabled(editable and has_patient)
        gate(self.new_coverage, self.session, "coverage.write", when=editable and has_patient)
        self.authorization.setEnabled(editable and self.coverage_id is not None)
        gate(self.new_authorization, self.session, "coverage.write",
             when=editable and self.coverage_id is not None)

    # -- creating ----------------------------------------------------------------------------
    def create_patient(self) -> None:
        patient = PatientDialog.ask(self, self._add_unless_on_file)
        if patient is not None:
            self.choose_patient(patient.id)

    def _add_unless_on_file(self, values: dict[str, Any]) -> Patient | None:
        """The new patient, or the one already on file when the person says it is them (a
        possible duplicate is shown first); None: back to the dialog."""
        from ocrebill_gui.ui.patients.form import PossibleDuplicate

        same = services.possible_duplicates(self.store, self.session, values)
        answer = PossibleDuplicate.ask(self, same) if same else "save"
        if isinstance(answer, int):
            return services.patient(self.store, self.session, answer)
        if answer != "save":
            return None
        return services.add_patient(self.store, self.session, values)

    def create_coverage(self) -> None:
        if self.patient_id is None:
            return
        from ocrebill_gui.ui.patients.form import unless_member_on_file

        patient_id = self.patient_id
        coverage = CoverageDialog.ask(
            self, patient_id, services.payer_choices(self.store),
            lambda values: unless_member_on_file(
                self, self.store, self.session, patient_id, values,
                lambda typed: services.add_coverage(self.store, self.session, typed)))
        if isinstance(coverage, Patient):  # that member id is this patient on file: them
            self.choose_patient(coverage.id)
        elif coverage is not None:
            self.coverage_id = coverage.id
            self._automatic()
            self._fill_coverages()
            self.links_changed.emit()

    def create_authorization(self) -> None:
        """For the coverage chosen on this visit."""
        if self.coverage_id is None:
            return
        auth = AuthorizationDialog.ask(
            self, [(self.coverage.currentText(), self.coverage_id)],
            authorization_products(services.catalog(self.store)), self.day or date.today(),
            lambda values: services.add_authorization(self.store, self.session, values))
        if auth is not None:
            self.authorization_id, self.authorization_choice = auth.id, "chosen"
            if self.why_not(auth) is not None:
                self._automatic()
            self._fill_authorizations()
            self.links_changed.emit()

"""Co-pay programme... on the Patients screen (issue 16, item 4): the patient's enrolment in
the manufacturer's co-pay programme, whether their coverage today allows it (commercial
only: a Medicare or Medicaid coverage makes them ineligible), the calendar year's usage
against the caps, and each claim to the programme with its EOB sending deadline (545 days
after the date of service; an overdue one in red). The front desk and the biller enrol,
correct and end an enrolment, add a claim for a visit's drug or infusion part, and record
when it was sent and what the programme paid; the others read. The store checks everything
(store/copay.py); the forms check as typed with the store's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ocrebill_gui import store as api
from ocrebill_gui.core.copay_programme import ProgrammeTerms, eligibility, terms_for
from ocrebill_gui.store import Patient, Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.copay import (
    STATUS_TEXT,
    ClaimFields,
    ClaimUpdate,
    CopayEnrolment,
    EnrolmentFields,
    ProgrammeClaim,
    add_programme_claim,
    coverage_kinds,
    end_enrolment,
    enrol,
    enrolment_for,
    enrolments_of,
    programme_claims_of,
    update_enrolment,
    update_programme_claim,
    year_usage,
)
from ocrebill_gui.ui.forms import DateField, FormGrid, RecordDialog, validator
from ocrebill_gui.ui.patients.dialogs import EndDialog, _combo, group_box
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QBrush,
    QCheckBox,
    QColor,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStandardItem,
    QStandardItemModel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import set_tone
from ocrebill_gui.ui.views import read_only_table

PROGRAMME = "ocrevus-copay"
ENROLMENT_COLUMNS = ("Programme", "Card", "Enrolled", "Ended", "Parts")
CLAIM_COLUMNS = ("Date of service", "Visit", "Part", "Claimed", "Paid", "Status",
                 "EOB deadline")


def money(amount: Decimal | None) -> str:
    return "-" if amount is None else f"${amount:,.2f}"


class EnrolmentDialog(RecordDialog):
    """Enrol the patient, or correct an enrolment (card id, enrolment date, parts used)."""

    def __init__(self, patient_id: int, save: Callable[[dict[str, Any]], CopayEnrolment],
                 today: date, enrolment: CopayEnrolment | None = None,
                 parent: QWidget | None = None) -> None:
        self._patient_id, self._today, self._enrolment = patient_id, today, enrolment
        super().__init__("Correct the enrolment" if enrolment else "Enrol in the co-pay "
                         "programme", save, validator(EnrolmentFields), parent)
        self.setObjectName("copayEnrolmentDialog")

    def build(self, grid: FormGrid) -> None:
        self.card_id = grid.add("card_id", "&Card id", QLineEdit(),
                                note="As on the programme's card or enrolment letter")
        self.enrolled_on = grid.add("enrolled_on", "&Enrolled on", DateField(),
                                    note="Dates of service more than 180 days before it are "
                                         "not paid")
        self.drug = grid.add("parts", "Parts &used", QCheckBox("the &drug"))
        self.infusion = grid.add("parts_infusion", "", QCheckBox("the &infusion"))
        enrolment = self._enrolment
        self.enrolled_on.set_value(enrolment.enrolled_on if enrolment else self._today)
        self.drug.setChecked(enrolment is None or "drug" in enrolment.parts)
        self.infusion.setChecked(enrolment is None or "infusion" in enrolment.parts)
        if enrolment is not None:
            self.card_id.setText(enrolment.card_id)

    def values(self) -> dict[str, Any]:
        parts = [p for p, box in (("drug", self.drug), ("infusion", self.infusion))
                 if box.isChecked()]
        values: dict[str, Any] = {"patient_id": self._patient_id, "programme": PROGRAMME,
                                  "card_id": self.card_id.text(),
                                  "enrolled_on": self.enrolled_on.value(), "parts": parts}
        if self._enrolment is not None:
            values["programme"] = self._enrolment.programme
            values["ended_on"] = self._enrolment.ended_on
        return values


class ClaimDialog(RecordDialog):
    """A claim to the programme for one part of one of the patient's visits."""

    def __init__(self, visits: list[tuple[str, int]], save: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None) -> None:
        self._visits = visits
        super().__init__("Claim to the co-pay programme", save, validator(ClaimFields),
                         parent)
        self.setObjectName("copayClaimDialog")

    def build(self, grid: FormGrid) -> None:
        self.visit = grid.add("visit_id", "&Visit", _combo([("", None), *self._visits]))
        self.part = grid.add("part", "&Part", _combo([("drug", "drug"),
                                                      ("infusion", "infusion")]))
        self.amount = grid.add("amount_claimed", "&Amount asked", QLineEdit(),
                               note="The patient's share the payer's EOB shows, in dollars")
        self.note = grid.add("note", "N&ote", QLineEdit())

    def values(self) -> dict[str, Any]:
        return {"visit_id": self.visit.currentData(), "part": self.part.currentData(),
                "amount_claimed": self.amount.text().replace("$", "").replace(",", "").strip(),
                "note": self.note.text()}


class ClaimUpdateDialog(RecordDialog):
    """What became of a claim: the EOB sent (when), paid (how much) or denied."""

    def __init__(self, claim: ProgrammeClaim, save: Callable[[dict[str, Any]], Any],
                 today: date, parent: QWidget | None = None) -> None:
        self._claim, self._today = claim, today
        super().__init__(f"Claim {claim.id}: sent, paid or denied", save,
                         self._check, parent)
        self.setObjectName("copayClaimUpdateDialog")

    @staticmethod
    def _check(values: dict[str, Any]) -> dict[str, str]:
        problems = validator(ClaimUpdate)(values)
        if problems:
            return problems
        parsed = ClaimUpdate.model_validate(values)
        return dict(parsed.problems())

    def build(self, grid: FormGrid) -> None:
        claim = self._claim
        self.status = grid.add("status", "&Status", _combo(
            [(text, key) for key, text in STATUS_TEXT.items()]))
        self.sent_on = grid.add("sent_on", "EOB s&ent on", DateField(),
                                note=f"Due by {claim.eob_deadline.isoformat()}")
        self.amount_paid = grid.add("amount_paid", "Amount &paid", QLineEdit())
        self.note = grid.add("note", "N&ote", QLineEdit())
        self.status.setCurrentIndex(max(0, self.status.findData(claim.status)))
        self.sent_on.set_value(claim.sent_on)
        self.amount_paid.setText("" if claim.amount_paid is None else str(claim.amount_paid))
        self.note.setText(claim.note)

    def values(self) -> dict[str, Any]:
        paid = self.amount_paid.text().replace("$", "").replace(",", "").strip()
        return {"status": self.status.currentData(), "sent_on": self.sent_on.value(),
                "amount_paid": paid or None, "note": self.note.text()}


class CopayProgrammeDialog(QDialog):
    """The patient's co-pay programme: enrolment, eligibility today, the year's usage and
    the claims with their deadlines."""

    def __init__(self, store: Store, session: Session, patient: Patient, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copayProgrammeDialog")
        self.store, self.session, self.patient, self.today = store, session, patient, today
        self.terms: ProgrammeTerms | None = terms_for(PROGRAMME, today)
        name = self.terms.name if self.terms else PROGRAMME
        self.setWindowTitle(f"{name}: patient {patient.ref}")
        self.enrolment_label = QLabel(self)
        self.enrolment_label.setObjectName("copayEnrolment")
        self.eligibility_label = QLabel(self)
        self.eligibility_label.setObjectName("copayEligibility")
        self.usage_label = QLabel(self)
        self.usage_label.setObjectName("copayUsage")
        for label in (self.enrolment_label, self.eligibility_label, self.usage_label):
            label.setWordWrap(True)
        self.enrolments = self._table("copayEnrolments", ENROLMENT_COLUMNS)
        self.claims = self._table("copayClaims", CLAIM_COLUMNS)
        self.enrolments.view.setMaximumHeight(self.fontMetrics().height() * 8)
        self.enrol_button = self._button("&Enrol...", self.enrol)
        self.edit_button = self._button("&Correct enrolment...", self.edit_enrolment)
        self.end_button = self._button("E&nd enrolment...", self.end_enrolment)
        self.claim_button = self._button("&Add claim...", self.add_claim)
        self.update_button = self._button("&Sent, paid or denied...", self.update_claim)
        self.claims.view.doubleClicked.connect(lambda _index: self.update_claim())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enrolment_label)
        layout.addWidget(self.eligibility_label)
        layout.addWidget(group_box("Enrolments", self.enrolments.view,
                                   [self.enrol_button, self.edit_button, self.end_button]))
        layout.addWidget(self.usage_label)
        layout.addWidget(group_box("Claims to the programme", self.claims.view,
                                   [self.claim_button, self.update_button]), 1)
        layout.addWidget(close)
        self.resize(self.fontMetrics().averageCharWidth() * 120, 560)
        self.reload()

    # -- building -----------------------------------------------------------------------------
    class _Table:
        def __init__(self, view: QTableView, model: QStandardItemModel) -> None:
            self.view, self.model = view, model

    def _table(self, name: str, columns: tuple[str, ...]) -> CopayProgrammeDialog._Table:
        model = QStandardItemModel(0, len(columns), self)
        model.setHorizontalHeaderLabels(list(columns))
        view = read_only_table(model, name=name, parent=self)
        view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        return self._Table(view, model)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # -- showing --------------------------------------------------------------------------
    def reload(self) -> None:
        self.all_enrolments = enrolments_of(self.store, self.session, self.patient.id)
        self.all_claims = programme_claims_of(self.store, self.session, self.patient.id)
        self.current = enrolment_for(self.store, self.patient.id, self.today)
        model = self.enrolments.model
        model.setRowCount(0)
        for e in self.all_enrolments:
            terms = terms_for(e.programme, e.enrolled_on)
            cells = (terms.name if terms else e.programme, e.card_id, e.enrolled_on.isoformat(),
                     e.ended_on.isoformat() if e.ended_on else "", " and ".join(e.parts))
            model.appendRow([QStandardItem(text) for text in cells])
        model = self.claims.model
        model.setRowCount(0)
        for c in self.all_claims:
            deadline = c.deadline_text(self.today)
            row = (c.date_of_service.isoformat(), str(c.visit_id), str(c.part),
                   money(c.amount_claimed), money(c.amount_paid), STATUS_TEXT[c.status],
                   deadline)
            items = [QStandardItem(text) for text in row]
            if "OVERDUE" in deadline or "after the deadline" in deadline:
                items[-1].setForeground(QBrush(QColor("#b3261e")))
            model.appendRow(items)
        for table in (self.enrolments, self.claims):
            table.view.resizeColumnsToContents()
        self._describe()
        self._enable()

    def _describe(self) -> None:
        current, terms = self.current, self.terms
        if current is None:
            self.enrolment_label.setText("Not enrolled in the co-pay programme.")
        else:
            self.enrolment_label.setText(
                f"Enrolled since {current.enrolled_on.isoformat()}, card {current.card_id} "
                f"({' and '.join(current.parts)}).")
        if terms is None:
            self.eligibility_label.setText(f"No terms of {PROGRAMME} for {self.today}.")
            set_tone(self.eligibility_label, "warning")
            self.usage_label.setText("")
            return
        kinds = coverage_kinds(self.store, self.patient.id, self.today)
        problems = eligibility(terms, coverage=kinds, birth_date=self.patient.birth_date,
                               day=self.today)
        errors = [p.message for p in problems if p.severity == "error"]
        if errors:
            self.eligibility_label.setText("Not eligible today: " + "; ".join(errors))
        else:
            notes = "; ".join(p.message for p in problems)
            self.eligibility_label.setText(
                f"Eligible today with {', '.join(kinds)} coverage." + (f" {notes}" if notes
                                                                       else ""))
        set_tone(self.eligibility_label, "error" if errors else "ok")
        year = self.today.year
        claims = [c for c in self.all_claims
                  if current is None or c.enrolment_id == current.id]
        usage = year_usage(claims, year)
        drug_cap = terms.drug_cap_per_year
        infusion_cap = terms.infusion_cap(year, current.enrolled_on if current else self.today)
        self.usage_label.setText(
            f"{year} so far: drug {money(usage.drug_used)} of {money(drug_cap)} "
            f"({money(max(drug_cap - usage.drug_used, Decimal(0)))} left); infusion "
            f"{money(usage.infusion_used)} of {money(infusion_cap)} "
            f"({money(max(infusion_cap - usage.infusion_used, Decimal(0)))} left). "
            "Caps reset each 1 January; a claim counts what was paid, else what was asked.")

    def _enable(self) -> None:
        chosen_enrolment = self._chosen(self.enrolments, self.all_enrolments)
        chosen_claim = self._chosen(self.claims, self.all_claims)
        gate(self.enrol_button, self.session, "copay.write",
             when=self.current is None or self.current.ended_on is not None)
        gate(self.edit_button, self.session, "copay.write", when=chosen_enrolment is not None)
        gate(self.end_button, self.session, "copay.write",
             when=chosen_enrolment is not None and chosen_enrolment.ended_on is None)
        gate(self.claim_button, self.session, "copay.write", when=bool(self.all_enrolments))
        gate(self.update_button, self.session, "copay.write", when=chosen_claim is not None)

    @staticmethod
    def _chosen(table: CopayProgrammeDialog._Table, records: list[Any]) -> Any:
        index = table.view.currentIndex()
        return records[index.row()] if index.isValid() and index.row() < len(records) else None

    # -- changing -------------------------------------------------------------------------
    def _after(self, dialog: RecordDialog) -> Any:
        saved = dialog.result_record if dialog.exec() else None
        if saved is not None:
            self.reload()
        return saved

    def enrol(self) -> Any:
        if not self.enrol_button.isEnabled():
            return None
        return self._after(EnrolmentDialog(
            self.patient.id, lambda v: enrol(self.store, self.session, v), self.today,
            parent=self))

    def edit_enrolment(self) -> Any:
        chosen = self._chosen(self.enrolments, self.all_enrolments)
        if chosen is None or not self.edit_button.isEnabled():
            return None
        return self._after(EnrolmentDialog(
            self.patient.id, lambda v: update_enrolment(
                self.store, self.session, chosen.id, {k: v[k] for k in (
                    "card_id", "enrolled_on", "parts")}), self.today, chosen, self))

    def end_enrolment(self) -> Any:
        chosen = self._chosen(self.enrolments, self.all_enrolments)
        if chosen is None or not self.end_button.isEnabled():
            return None
        fields = {"patient_id": chosen.patient_id, "programme": chosen.programme,
                  "card_id": chosen.card_id, "enrolled_on": chosen.enrolled_on,
                  "parts": chosen.parts}
        check = validator(EnrolmentFields)

        def problems(day: str | None) -> dict[str, str]:
            found = check(fields | {"ended_on": day})
            return {("last_day" if k == "ended_on" else k): v for k, v in found.items()}

        return self._after(EndDialog(
            "End the enrolment", "&Last day enrolled", problems,
            lambda day: end_enrolment(self.store, self.session, chosen.id, day or ""),
            self.today, self))

    def add_claim(self) -> Any:
        if not self.claim_button.isEnabled():
            return None
        visits = api.find_visits(self.store, self.session, patient_id=self.patient.id,
                                 limit=200)
        choices = [(f"{v.date_of_service.isoformat()}  visit {v.id}  {v.summary}"[:90], v.id)
                   for v in visits]
        return self._after(ClaimDialog(
            choices, lambda v: add_programme_claim(self.store, self.session, v), self))

    def update_claim(self) -> Any:
        chosen = self._chosen(self.claims, self.all_claims)
        if chosen is None or not self.update_button.isEnabled():
            return None
        return self._after(ClaimUpdateDialog(
            chosen, lambda v: update_programme_claim(self.store, self.session, chosen.id, v),
            self.today, self))

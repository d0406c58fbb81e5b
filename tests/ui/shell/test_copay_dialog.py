"""Co-pay programme... on the Patients screen (issue 16, item 4): the front desk enrols a
patient, the biller adds claims to the programme and records them paid; the dialog shows the
eligibility today (a Medicare patient is not eligible), the year's usage against the caps and
each claim's EOB deadline, overdue ones in red; a claim the programme would not pay is refused
beside its field; a nurse reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import staff
from shell_helpers import visit_document
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.store import copay
from ocrebill_gui.ui.patients import copay_dialog as ui_copay
from ocrebill_gui.ui.patients.copay_dialog import CopayProgrammeDialog

TODAY = date(2026, 11, 20)
FRONT = signed("frontdesk", ("front_desk",))


def answering(monkeypatch, dialog_class, fill: Callable[[object], None]) -> list:
    """The next `dialog_class` shown is filled by `fill` and saved (it stays open and exec
    returns 0 when the store refuses: its messages are kept for the test)."""
    shown: list = []

    def exec_(self) -> int:
        shown.append(self)
        fill(self)
        self.accept()
        return int(self.result())

    monkeypatch.setattr(dialog_class, "exec", exec_)
    return shown


@pytest.fixture
def patient(store):
    person = api.add_patient(store, FRONT, {"name": "Rivera, Ana", "birth_date": "1979-05-12"})
    api.add_coverage(store, FRONT, {"patient_id": person.id, "payer": "unitedhealthcare",
                                    "member_id": "UHC1", "effective_from": "2020-01-01",
                                    "plan_type": "commercial"})
    return person


def visit(store, patient_id: int, day: str) -> int:
    return api.create_draft(store, signed("nurse", ("nurse",)),
                            visit_document(day, payer="unitedhealthcare"),
                            patient_id=patient_id).visit_id


def open_dialog(qtbot, store, patient, login: str, roles: tuple[str, ...]):
    dialog = CopayProgrammeDialog(store, staff.session(store, login, roles), patient, TODAY)
    qtbot.addWidget(dialog)
    return dialog


def test_the_front_desk_enrols_and_the_biller_claims_with_deadlines(qtbot, store, patient,
                                                                     monkeypatch):
    desk = open_dialog(qtbot, store, patient, "desk", ("front_desk",))
    assert "Not enrolled" in desk.enrolment_label.text()
    assert "Eligible today with commercial coverage" in desk.eligibility_label.text()
    assert not desk.claim_button.isEnabled()

    def fill_enrolment(form) -> None:
        form.card_id.setText("OCR-777")
        form.enrolled_on.setText("2026-02-01")
        form.infusion.setChecked(False)

    shown = answering(monkeypatch, ui_copay.EnrolmentDialog, fill_enrolment)
    saved = desk.enrol()
    assert saved is not None and [f.objectName() for f in shown] == ["copayEnrolmentDialog"]
    assert "since 2026-02-01, card OCR-777 (drug)" in desk.enrolment_label.text()
    assert desk.enrolments.model.item(0, 1).text() == "OCR-777"
    assert not desk.enrol_button.isEnabled()  # one in force

    march = visit(store, patient.id, "2026-03-05")
    biller = open_dialog(qtbot, store, patient, "bill", ("biller",))

    def fill_claim(form) -> None:
        form.visit.setCurrentIndex(form.visit.findData(march))
        form.amount.setText("$7,151.52")

    answering(monkeypatch, ui_copay.ClaimDialog, fill_claim)
    assert biller.add_claim() is not None
    row = [biller.claims.model.item(0, c).text() for c in range(7)]
    assert row[:6] == ["2026-03-05", str(march), "drug", "$7,151.52", "-", "to send"]
    assert row[6] == "send by 2027-09-01 (285 days left)"
    assert "drug $7,151.52 of $20,000.00 ($12,848.48 left)" in biller.usage_label.text()

    biller.claims.view.setCurrentIndex(biller.claims.model.index(0, 0))

    def fill_paid(form) -> None:
        form.status.setCurrentIndex(form.status.findData("paid"))
        form.sent_on.setText("4/1/2026")
        form.amount_paid.setText("7000")

    answering(monkeypatch, ui_copay.ClaimUpdateDialog, fill_paid)
    assert biller.update_claim() is not None
    assert biller.claims.model.item(0, 4).text() == "$7,000.00"
    assert biller.claims.model.item(0, 6).text() == "sent 2026-04-01"
    assert "drug $7,000.00 of $20,000.00" in biller.usage_label.text()


def test_a_claim_the_programme_would_not_pay_is_refused_beside_the_visit(qtbot, store,
                                                                         patient, monkeypatch):
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-11-01", "parts": ["drug"]})
    early = visit(store, patient.id, "2026-03-05")
    dialog = open_dialog(qtbot, store, patient, "bill", ("biller",))

    def fill(form) -> None:
        form.visit.setCurrentIndex(form.visit.findData(early))
        form.amount.setText("100")

    shown = answering(monkeypatch, ui_copay.ClaimDialog, fill)
    assert dialog.add_claim() is None
    form = shown[0]
    assert "241 days before the enrolment" in form.grid.messages["visit_id"].text()
    assert dialog.claims.model.rowCount() == 0


def test_overdue_deadlines_are_red_and_a_medicare_patient_is_not_eligible(qtbot, store,
                                                                          patient):
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-01-05"})
    old = visit(store, patient.id, "2026-01-10")
    copay.add_programme_claim(store, signed("biller", ("biller",)),
                              {"visit_id": old, "part": "infusion", "amount_claimed": "300"})
    dialog = CopayProgrammeDialog(store, staff.session(store, "bill", ("biller",)), patient,
                                  date(2027, 8, 1))
    qtbot.addWidget(dialog)
    deadline = dialog.claims.model.item(0, 6)
    assert deadline.text() == "OVERDUE: the EOB was due by 2027-07-09"
    assert deadline.foreground().color().name() == "#b3261e"

    api.add_coverage(store, FRONT, {"patient_id": patient.id, "payer": "medicare",
                                    "member_id": "1EG4TE5MK72", "effective_from": "2026-11-01",
                                    "priority": 2, "plan_type": "medicare"})
    dialog.reload()
    text = dialog.eligibility_label.text()
    assert text.startswith("Not eligible today") and "medicare" in text


def test_a_nurse_reads_and_the_patient_page_opens_it(qtbot, store, patient, monkeypatch):
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-01-05"})
    nurse = open_dialog(qtbot, store, patient, "nurse", ("nurse",))
    nurse.enrolments.view.setCurrentIndex(nurse.enrolments.model.index(0, 0))
    buttons = (nurse.enrol_button, nurse.edit_button, nurse.end_button, nurse.claim_button,
               nurse.update_button)
    assert not any(b.isEnabled() for b in buttons)
    assert "biller or front desk" in nurse.edit_button.toolTip()
    assert nurse.edit_enrolment() is None

    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.patients.page import PatientsPage
    from ocrebill_gui.ui.settings import WindowLayout

    page = PatientsPage(store, staff.session(store, "desk", ("front_desk",)),
                        FakeClock("2026-11-20T09:00"), WindowLayout(store.path.parent / "l.ini"))
    qtbot.addWidget(page)
    page.set_search_text("")
    page.select_patient(patient.id)
    opened = []
    monkeypatch.setattr(CopayProgrammeDialog, "exec", lambda self: opened.append(self) or 0)
    assert page.copay_button.isEnabled()
    page.copay_button.click()
    assert [d.patient.id for d in opened] == [patient.id]
    assert opened[0].current is not None and opened[0].current.card_id == "C-1"


def test_ending_an_enrolment_checks_the_last_day(qtbot, store, patient, monkeypatch):
    copay.enrol(store, FRONT, {"patient_id": patient.id, "card_id": "C-1",
                               "enrolled_on": "2026-02-01"})
    dialog = open_dialog(qtbot, store, patient, "desk", ("front_desk",))
    dialog.enrolments.view.setCurrentIndex(dialog.enrolments.model.index(0, 0))
    shown = answering(monkeypatch, ui_copay.EndDialog,
                      lambda form: form.last_day.setText("2026-01-15"))
    assert dialog.end_enrolment() is None
    assert "must not be before the enrolment date" in shown[0].grid.messages[
        "last_day"].text()
    answering(monkeypatch, ui_copay.EndDialog,
              lambda form: form.last_day.setText("2026-10-31"))
    assert dialog.end_enrolment() is not None
    assert dialog.enrolments.model.item(0, 3).text() == "2026-10-31"
    assert dialog.enrol_button.isEnabled()

"""`ocrebill screenshots OUT_DIR`: each main screen rendered with demo data to PNG.

A fresh demo database in a temp folder, a fixed day and a clock standing at 10:15 on it (so
today's infusions are running and the pictures do not change from run to run), and a layout
file of its own (the user's remembered layout is left alone). The sign-in screen first; then
each screen as the demo account whose work it is (the nurse's day and visit, the front desk's
patient form, the biller's payer profile), signed in on the sign-in screen. Before them, a new
database's first administrator form, its recovery key dialog and the unlock dialog of an
encrypted database (the demo is encrypted, as `ocrebill --demo` makes it). Run with
QT_SCALE_FACTOR=2 or OCREBILL_COLOR_SCHEME=dark to check 200 % scaling and the dark palette.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from typing import TYPE_CHECKING, Any

from ocrebill_gui.ui.qt import QApplication, QSize, QWidget

if TYPE_CHECKING:
    from ocrebill_gui.store import Store
    from ocrebill_gui.ui.patients.page import PatientsPage
    from ocrebill_gui.ui.qt import QMainWindow, QMenu

DEMO_DAY = date(2026, 3, 10)  # a Tuesday
CLOCK = datetime(2026, 3, 10, 10, 15)
SAMPLE_RECOVERY_KEY = "K7QF-M2XA-3PLD-R4TB-WC3N-H6JZ-Y2GE-5SVU"  # shown in the picture only


def _settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    if not widget.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def _shown_and_saved(app: QApplication, dialog: QWidget, path: Path) -> Path:
    """A dialog shown, painted, saved to `path`, closed (closed also when saving fails)."""
    if not dialog.isVisible():
        dialog.show()
    _settle(app)
    try:
        return _save(dialog, path)
    finally:
        dialog.close()


def _save_with_menu(app: QApplication, window: QMainWindow, menu: QMenu, path: Path) -> Path:
    """The window with one of its menus open (a popup is a window of its own: painted onto
    the window's picture where it opens, under its title in the menu bar)."""
    from ocrebill_gui.ui.qt import QPainter

    bar = window.menuBar()
    under = bar.mapTo(window, bar.actionGeometry(menu.menuAction()).bottomLeft())
    menu.popup(window.mapToGlobal(under))
    _settle(app)
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(under, menu.grab())
    painter.end()
    menu.close()
    if not picture.save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def _new_database(app: QApplication, work: Path, size: QSize, out_dir: Path) -> list[Path]:
    """A new database's first administrator form, the recovery key dialog that follows it (a
    made-up key: the real one is never the same twice) and the unlock dialog of an encrypted
    database. Nothing is created on disk but the pictures."""
    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.recovery_key import RecoveryKeyDialog
    from ocrebill_gui.ui.settings import WindowLayout
    from ocrebill_gui.ui.startup import create_database
    from ocrebill_gui.ui.unlock import UnlockDialog

    window = MainWindow(WindowLayout(work / "layout-new.ini"), clock=FakeClock(CLOCK))
    window.resize(size)
    window.show()
    shots = []
    try:
        create_database(window, work / "ocrebill.sqlite")
        _settle(app)
        shots.append(_save(window, out_dir / "first-administrator.png"))
        dialog = RecoveryKeyDialog(work / "ocrebill.sqlite", SAMPLE_RECOVERY_KEY, window)
        dialog.show()
        _settle(app)
        shots.append(_save(dialog, out_dir / "recovery-key.png"))
        dialog.stored.setChecked(True)
        dialog.accept()
        unlock = UnlockDialog(work / "ocrebill.sqlite", demo=True, parent=window)
        unlock.show()
        _settle(app)
        shots.append(_save(unlock, out_dir / "unlock.png"))
        unlock.reject()
    finally:
        window.close()
    return shots


def _coverage_dialog(app: QApplication, patients: PatientsPage, patient_id: int,
                     out_dir: Path) -> list[Path]:
    """The patient's first coverage in its Edit dialog (issue 13): what can be corrected."""
    from ocrebill_gui.ui.patients.dialogs import CoverageDialog

    coverage = next(iter(patients.coverages.records()), None)
    if coverage is None:
        return []
    dialog = CoverageDialog(patient_id, patients._payers(), lambda _values: coverage, patients,
                            coverage)  # a picture: never saved
    return [_shown_and_saved(app, dialog, out_dir / "coverage-edit.png")]


def _benefits_dialogs(app: QApplication, store: Store, session: Any, patients: PatientsPage,
                      out_dir: Path) -> list[Path]:
    """The chosen coverage's benefits verifications and one of them in its dialog (issue 13):
    a call to the plan ten days before the demo day, recorded in the demo copy."""
    from ocrebill_gui.store import benefits
    from ocrebill_gui.ui.patients.benefits import BenefitsDialog, BenefitsListDialog
    from ocrebill_gui.ui.patients.dialogs import authorization_products

    coverage = next(iter(patients.coverages.records()), None)
    if coverage is None:
        return []
    if not benefits.benefits_of(store, session, coverage.id):
        benefits.add_benefits(store, session, {
            "coverage_id": coverage.id, "product": "ocrevus", "verified_on": "2026-02-28",
            "method": "phone", "reference": "CALL-20260228-0117",
            "representative": "Dana M.", "benefit": "medical", "buy_and_bill_allowed": True,
            "specialty_pharmacy_mandate": False,
            "site_of_care_rule": "office or home infusion; no hospital outpatient",
            "in_network": True, "deductible_total": "1500", "deductible_remaining": "250",
            "out_of_pocket_max": "6000", "out_of_pocket_remaining": "4100",
            "coinsurance_percent": "20", "copay": "0", "prior_auth_required": True,
            "next_verification": "2026-08-28"})
    products = authorization_products(api_catalog(store))
    listing = BenefitsListDialog(store, session, coverage.id, "the patient's plan", products,
                                 DEMO_DAY, patients)
    listing.show()
    _settle(app)
    shots = [_save(listing, out_dir / "benefits-list.png")]
    listing.close()
    latest = benefits.benefits_of(store, session, coverage.id)[0]
    dialog = BenefitsDialog(coverage.id, products, DEMO_DAY, lambda _values: latest, patients,
                            latest)  # a picture: never saved
    return [*shots, _shown_and_saved(app, dialog, out_dir / "benefits-verification.png")]


def api_catalog(store: Store) -> Any:
    from ocrebill_gui.store import store_catalog

    return store_catalog(store)


def _copay_dialog(app: QApplication, store: Store, session: Any, patient_ids: list[int],
                  out_dir: Path) -> list[Path]:
    """A commercial patient's co-pay programme (issue 16): enrolled in January, a claim for
    their latest visit's drug part with its EOB deadline, the year's usage."""
    from ocrebill_gui import store as api
    from ocrebill_gui.store import copay
    from ocrebill_gui.ui.patients.copay_dialog import CopayProgrammeDialog

    patient_id = next((pid for pid in patient_ids
                       if copay.coverage_kinds(store, pid, DEMO_DAY) == ("commercial",)), None)
    if patient_id is None:
        return []
    if copay.enrolment_for(store, patient_id, DEMO_DAY) is None:
        copay.enrol(store, session, {"patient_id": patient_id, "card_id": "OCP-2026-0412",
                                     "enrolled_on": "2026-01-15"})
    visits = api.find_visits(store, session, patient_id=patient_id, date_to=DEMO_DAY, limit=1)
    if visits and not copay.programme_claims_of(store, session, patient_id):
        copay.add_programme_claim(store, session, {"visit_id": visits[0].id, "part": "drug",
                                                   "amount_claimed": "7151.52"})
    patient = api.get_patient(store, session, patient_id)
    dialog = CopayProgrammeDialog(store, session, patient, DEMO_DAY)
    return [_shown_and_saved(app, dialog, out_dir / "copay-programme.png")]


def _reference_dialog(app: QApplication, store: Store, session: Any, work: Path,
                      out_dir: Path) -> list[Path]:
    """Settings > Reference data (issue 16): the imports held and the summary of the next
    quarter's ASP file imported from the dialog (prices moved, a code added)."""
    from ocrebill_gui.core.asp_file import Quarter
    from ocrebill_gui.store.demo_prices import asp_text
    from ocrebill_gui.ui.reference_data import ReferenceDataDialog

    # The demo holds its made-up quarters up to the demo day's (store/demo_prices.py).
    april = (asp_text(Quarter(2026, 2)).replace("59.596", "60.101").replace("4.331", "4.402")
             + "J1745,Infliximab not biosimil 10mg,10 MG,34.114,20.000\n")
    path = work / "demo-asp-2026q2.csv"
    path.write_text(april, encoding="latin-1")
    dialog = ReferenceDataDialog(store, session)
    dialog.show()
    run = dialog.import_file("asp", path)
    for _ in range(200):
        if run.done:
            break
        _settle(app, 1)
        time.sleep(0.01)
    return [_shown_and_saved(app, dialog, out_dir / "reference-data.png")]


def render_screenshots(out_dir: Path, size: QSize, say: Callable[[str], None] = print,
                       ) -> list[Path]:
    """Write one PNG per screen to `out_dir`; returns their paths."""
    from ocrebill_gui import store as api
    from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD, open_demo
    from ocrebill_gui.ui.app import create_application
    from ocrebill_gui.ui.clock import FakeClock
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.settings import WindowLayout

    out_dir.mkdir(parents=True, exist_ok=True)
    app = create_application(["ocrebill"])
    # One fixed folder, emptied first and removed after: the status bar shows the database's
    # path, and a random folder name would change every picture on every run.
    work = Path(tempfile.gettempdir()) / "ocrebill-screenshots"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    say(f"demo database: {work / 'demo.sqlite'}")
    api.create_demo_database(work / "demo.sqlite", today=DEMO_DAY, encrypt=True)
    # The store's clock stands still too: the audit log's times are the pictures' own.
    store = open_demo(work / "demo.sqlite", clock=lambda: CLOCK.astimezone())
    clock = FakeClock(CLOCK)
    window = MainWindow(WindowLayout(work / "layout.ini"), clock=clock)
    window.resize(size)
    window.show()
    window.attach_store(store)
    written: list[Path] = []

    def sign_in(login: str) -> None:
        if not window.locked:
            window.switch_user()
        panel = window.sign_in_panel
        if panel is None or panel.submit(login, DEMO_PASSWORD) is None:
            raise OSError(f"the demo account {login} could not sign in")
        _settle(app)

    try:
        written += _new_database(app, work, size, out_dir)
        _settle(app)
        written.append(_save(window, out_dir / "sign-in.png"))
        sign_in("nurse")
        today = window.page("today")
        for _ in range(3000):  # Needs attention is read on a thread (ui/attention_reader.py)
            if today.attention.loaded:
                break
            _settle(app, 1)
            time.sleep(0.01)
        _settle(app)
        written.append(_save(window, out_dir / "main-window.png"))

        session = window.session
        assert session is not None, "signed in above"
        visits = api.visits_on(store, session, DEMO_DAY)
        running = next((v for v in visits if v.status == "draft" and (v.errors or v.warnings)),
                       visits[0] if visits else None)
        if running is not None:
            editor = window.open_visit(running.id)
            if editor is not None:
                editor.window().resize(size)
                _settle(app, 10)
                written.append(_save(editor.window(), out_dir / "visit-editor.png"))
                written.append(_save(editor.estimate, out_dir / "expected-payment.png"))
                written.append(_save_with_menu(app, window, window.menus.visit,
                                               out_dir / "menu.png"))
                from ocrebill_gui.ui.help_dialogs import ShortcutsDialog

                shortcuts = ShortcutsDialog(window)
                shortcuts.show()
                _settle(app)
                written.append(_save(shortcuts, out_dir / "keyboard-shortcuts.png"))
                shortcuts.close()
                editor.close()

        window.show_page("inventory")
        _settle(app)
        written.append(_save(window, out_dir / "inventory.png"))

        sign_in("frontdesk")
        patients = window.show_page("patients")
        session = window.session
        assert session is not None, "signed in above"
        candidates = [v.patient_id for v in visits] + [
            p.id for p in api.list_patients(store, session, limit=100)]
        with_auth = next((pid for pid in candidates
                          if api.authorizations_of(store, session, patient_id=pid)),
                         candidates[0])
        patients.select_patient(with_auth)
        patients.coverage_view.setCurrentIndex(patients.coverages.index(0, 0))
        _settle(app)
        written.append(_save(window, out_dir / "patient-form.png"))
        written += _coverage_dialog(app, patients, with_auth, out_dir)
        written += _benefits_dialogs(app, store, window.session, patients, out_dir)
        written += _copay_dialog(app, store, window.session, candidates, out_dir)
        window.go_to_page("attention")  # issue 13: alerts, patients due without a visit
        _settle(app)
        written.append(_save(window, out_dir / "needs-attention.png"))

        sign_in("biller")
        payers = window.show_page("payers")
        mine = next((r for r in payers.model.records() if r.is_users), None)
        if mine is not None:
            payers.select(mine.profile.id)
        _settle(app)
        written.append(_save(window, out_dir / "payer-profile.png"))

        window.show_page("audit")  # the audit log, newest first: the reads above among them
        _settle(app)
        written.append(_save(window, out_dir / "audit-log.png"))

        window.go_to_page("worklist")  # issue 15: the biller's claims to send, denials
        _settle(app)
        written.append(_save(window, out_dir / "claims-worklist.png"))

        sign_in("admin")  # issue 16: Settings > Reference data
        written += _reference_dialog(app, store, window.session, work, out_dir)
    finally:
        window.close()
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    for path in written:
        say(f"wrote {path}")
    return written

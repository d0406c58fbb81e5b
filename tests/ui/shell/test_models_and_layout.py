"""Every Qt model passes qtmodeltester; lists are paged; the window layout is remembered."""

from __future__ import annotations

from datetime import date

import pytest
from shell_helpers import DAY, visit_document
import staff
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.models.inventory import VialLotsModel
from ocrebill_gui.ui.models.patients import AuthorizationsModel, CoveragesModel, PatientListModel
from ocrebill_gui.ui.models.payers import PayerProfilesModel
from ocrebill_gui.ui.models.visits import DayVisitsModel, PatientVisitsModel
from ocrebill_gui.ui.qt import QSize


@pytest.fixture
def with_authorization(store, clinic):
    coverage = api.coverages_of(store, signed(), clinic["rivera"])[0]
    api.add_authorization(store, signed("desk"), {"coverage_id": coverage.id, "number": "PA-1",
                                          "product": "ocrevus", "approved_units": 1200,
                                          "valid_from": "2026-01-01",
                                          "valid_to": "2026-03-31"})
    return clinic


def _models(store, clinic):
    today = date.fromisoformat(DAY)
    coverages = CoveragesModel(store, signed(), {"medicare": "Medicare"}, today)
    coverages.set_patient(clinic["rivera"])
    auths = AuthorizationsModel(store, signed(), today, {"ocrevus": "Ocrevus"})
    auths.set_patient(clinic["rivera"])
    lots = VialLotsModel(store, signed(), {}, today)
    who = signed()
    return [DayVisitsModel(store, who, today, {}), PatientVisitsModel(store, who, clinic["rivera"]),
            PatientListModel(store, who), PatientListModel(store, who, "mul"), coverages, auths,
            lots, PayerProfilesModel(store)]


def test_every_model_passes_qtmodeltester(qtmodeltester, store, with_authorization):
    for model in _models(store, with_authorization):
        assert model.rowCount() > 0, type(model).__name__
        qtmodeltester.check(model, force_py=True)


def test_models_fetch_pages_as_the_view_scrolls(qtmodeltester, store, clinic):
    for number in range(25):
        api.add_patient(store, signed("desk"), {"name": f"Patient, Number {number:02d}"})
    model = PatientListModel(store, signed())
    model._page_size = 10  # noqa: SLF001 - small pages to see paging
    model.reload()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 28 and not model.canFetchMore()
    qtmodeltester.check(model, force_py=True)


def test_authorizations_flag_expiring_and_used_up(store, with_authorization):
    from ocrebill_gui.ui.qt import Qt
    from ocrebill_gui.ui.style import accent

    model = AuthorizationsModel(store, signed(), date.fromisoformat(DAY), {"ocrevus": "Ocrevus"})
    model.set_patient(with_authorization["rivera"])
    valid = model.index(0, 3)  # after Number and Plan
    assert valid.data(Qt.ItemDataRole.ForegroundRole) == accent("warning")  # 21 days left
    assert valid.data(Qt.ItemDataRole.ToolTipRole) == "Valid for 21 more days"


def test_window_geometry_and_splitters_are_remembered(qtbot, store, clinic, layout, clock,
                                                      tmp_path):
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.settings import WindowLayout

    first = MainWindow(layout, clock=clock)
    qtbot.addWidget(first)
    first.attach_store(store, staff.session(store, "desk"))
    first.resize(QSize(780, 560))
    first.show()
    qtbot.waitExposed(first)
    patients = first.show_page("patients")
    patients.splitter.setSizes([300, 700])
    sizes = patients.splitter.sizes()
    first.close()

    second = MainWindow(WindowLayout(tmp_path / "layout.ini"), clock=clock)
    qtbot.addWidget(second)
    second.attach_store(store, staff.session(store, "desk"))
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(780, 560)
    assert second.show_page("patients").splitter.sizes() == sizes


def test_layout_from_another_version_is_dropped(tmp_path):
    from ocrebill_gui.ui.qt import QSettings
    from ocrebill_gui.ui.settings import WindowLayout

    path = tmp_path / "layout.ini"
    old = QSettings(str(path), QSettings.Format.IniFormat)
    old.setValue("version", 0)
    old.setValue("main/geometry", b"junk")
    old.sync()
    WindowLayout(path).sync()
    again = QSettings(str(path), QSettings.Format.IniFormat)
    assert again.value("main/geometry") is None


def test_the_drafts_saved_for_the_clinic_have_findings(store, clinic):
    """The fixture's running visit really has an error (the day list shows it)."""
    running = api.get_visit(store, signed(), clinic["running"])
    assert running.errors >= 1
    assert visit_document()["date_of_service"] == DAY

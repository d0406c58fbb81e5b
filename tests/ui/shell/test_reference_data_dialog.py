"""Settings > Reference data... (issue 16): the administrator imports an ASP file, an
ICD-10-CM order file and a fee schedule from the app, with a progress dialog that cancels
before anything is saved, and sees what changed; a broken file is named with its line and
column, nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
import staff

from ocrebill_gui import store as api
from ocrebill_gui.ui import reference_data as ui_reference
from ocrebill_gui.ui.reference_data import ReferenceDataDialog

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference_data"

PREAMBLE = ("ASP Pricing File\r\nEffective {when}\r\nPayment limits for Medicare Part B drugs"
            " \xa9 CMS\r\n\r\n")
HEADER = ("HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance "
          "Percentage,Vaccine AWP%,Vaccine Limit,Blood AWP%,Blood Limit,Clotting Factor,"
          "Notes\r\n")


def asp_file(folder: Path, name: str, when: str, rows: list[tuple[str, str, str]]) -> Path:
    """An ASP pricing file as CMS publishes it: ISO-8859-1, CRLF, a preamble, the header."""
    lines = [f'{code},"{text}",1 MG,{limit},20.000,,,,,,\r\n' for code, text, limit in rows]
    path = folder / name
    path.write_bytes((PREAMBLE.format(when=when) + HEADER + "".join(lines)).encode("latin-1"))
    return path


@pytest.fixture
def admin(store):
    return staff.session(store, "adm", ("admin",))


@pytest.fixture
def dialog(qtbot, store, admin):
    shown = ReferenceDataDialog(store, admin)
    qtbot.addWidget(shown)
    return shown


def finish(qtbot, run) -> object:
    qtbot.waitUntil(lambda: run.done, timeout=10_000)
    return run.result


def test_an_asp_file_is_imported_listed_and_the_next_quarter_says_what_moved(qtbot, dialog,
                                                                               tmp_path):
    assert dialog.model.rowCount() == 0 and not dialog.empty.isHidden()
    april = asp_file(tmp_path, "april-2026.csv", "April 1, 2026 through June 30, 2026",
                     [("J2350", "Inj ocrelizumab 1 mg", "59.596"),
                      ("J0131", "Acetaminophen inj 10 mg", "0.104"),
                      ("J1745", "Infliximab excl biosim (\xe9) 10 mg", "34.114")])
    summary = finish(qtbot, dialog.import_file("asp", april))
    assert isinstance(summary, api.ImportSummary), summary
    assert (summary.period, summary.rows) == ("2026Q2", 3)
    cells = [dialog.model.item(0, c).text() for c in range(dialog.model.columnCount())]
    assert cells[:5] == ["ASP prices", "2026Q2", "april-2026.csv", "3", "adm"]
    assert dialog.empty.isHidden()
    assert "Imported ASP prices 2026Q2" in dialog.verdict.text()
    july = asp_file(tmp_path, "july-2026.csv", "July 1, 2026 through September 30, 2026",
                    [("J2350", "Inj ocrelizumab 1 mg", "60.970"),
                     ("J1745", "Infliximab excl biosim 10 mg", "34.114"),
                     ("J2351", "Inj ocrelizumab/hyaluronidase", "48.060")])
    finish(qtbot, dialog.import_file("asp", july))
    text = dialog.outcome.toPlainText()
    assert "against 2026Q2" in text
    assert "added: 1 (J2351)" in text and "ended: 1 (J0131)" in text
    assert "price moved: 1 (J2350 59.596 -> 60.970)" in text
    assert [dialog.model.item(r, 1).text() for r in range(2)] == ["2026Q3", "2026Q2"]


def test_a_broken_file_names_its_line_and_column_and_imports_nothing(qtbot, dialog, store,
                                                                     admin):
    result = finish(qtbot, dialog.import_file("asp", FIXTURES / "asp-broken-line.csv"))
    assert isinstance(result, str)
    assert "line 9, column 4 (Payment Limit)" in dialog.outcome.toPlainText()
    assert "Traceback" not in dialog.outcome.toPlainText()
    assert "Not imported" in dialog.verdict.text()
    assert api.list_reference_data(store, admin) == []
    assert store.conn.execute("SELECT count(*) FROM asp_prices").fetchone()[0] == 0
    assert all(b.isEnabled() for b in dialog.buttons.values())  # ready for the right file


def test_cancel_before_the_save_writes_nothing(qtbot, dialog, store):
    run = dialog.import_file("icd10cm", FIXTURES / "icd10cm_order_2027.txt", year=2027)
    assert run.progress.isVisible()
    run.cancel()
    assert finish(qtbot, run) is None
    qtbot.wait(200)  # the worker's parse arrives after the cancel: dropped
    assert "cancelled" in dialog.verdict.text()
    assert store.conn.execute("SELECT count(*) FROM icd10_codes").fetchone()[0] == 0
    assert dialog.model.rowCount() == 0


def test_the_icd10_year_is_asked_and_a_year_that_disagrees_is_refused(qtbot, dialog,
                                                                       monkeypatch):
    asked = []

    def answer(parent, title, label, value, low, high):
        asked.append(value)
        return 2026, True

    monkeypatch.setattr(ui_reference.QInputDialog, "getInt", staticmethod(answer))
    path = FIXTURES / "icd10cm_order_2027.txt"
    assert dialog.ask_year(path) == 2026 and asked == [2027]  # the name's year offered
    finish(qtbot, dialog.import_file("icd10cm", path, year=2026))
    assert "2027" in dialog.outcome.toPlainText() and "2026" in dialog.outcome.toPlainText()
    summary = finish(qtbot, dialog.import_file("icd10cm", path, year=2027))
    assert summary.period == "FY2027"
    assert dialog.model.item(0, 0).text() == "ICD-10-CM codes"


def test_fees_and_only_those_allowed_import(qtbot, store):
    nurse = staff.session(store, "nurse", ("nurse",))
    shown = ReferenceDataDialog(store, nurse)
    qtbot.addWidget(shown)
    assert not any(b.isEnabled() for b in shown.buttons.values())
    assert "administrator or biller" in shown.buttons["fees"].toolTip()
    assert shown.choose_and_import("fees") is None
    biller = ReferenceDataDialog(store, staff.session(store, "bill", ("biller",)))
    qtbot.addWidget(biller)
    summary = finish(qtbot, biller.import_file("fees", FIXTURES / "fees-2026.csv"))
    assert summary.kind == "fees" and biller.model.rowCount() == 1


def test_a_file_that_cannot_be_read_says_so(qtbot, dialog, tmp_path):
    finish(qtbot, dialog.import_file("asp", tmp_path / "gone.csv"))
    assert "gone.csv: cannot read" in dialog.outcome.toPlainText()


def test_settings_reference_data_is_the_administrators(window, qtbot, store, monkeypatch):
    menus = window.menus
    menus.refresh()
    assert not menus.reference_data.isEnabled()  # desk.amy: front desk, nurse and biller
    assert "administrator" in menus.reference_data.toolTip()
    window.lock()
    window._signed_in(staff.session(store, "adm", ("admin",)))
    menus.refresh()
    assert menus.reference_data.isEnabled()
    shown = []
    monkeypatch.setattr(ReferenceDataDialog, "exec", lambda self: shown.append(self) or 0)
    menus.reference_data.trigger()
    assert [d.objectName() for d in shown] == ["referenceDataDialog"]


def test_mutated_files_through_the_app_never_make_a_traceback(qtbot, dialog, store, tmp_path):
    """The app's whole import path (file on disk, worker thread, parser, store, the outcome
    shown) over mutated fixture files: each is imported or refused with a line and column;
    an exception escaping the dialog fails the test (pytest-qt reports it)."""
    from reference_mutations import mutated_files

    refused = imported = 0
    for number, (kind, name, year, data) in enumerate(mutated_files(12)):
        path = tmp_path / f"{number}-{name}"
        path.write_bytes(data)
        result = finish(qtbot, dialog.import_file(kind, path, year=year))
        text = dialog.outcome.toPlainText()
        assert "Traceback" not in text
        if isinstance(result, str):
            refused += 1
            assert result.startswith("Nothing imported: ") and "line " in result, result
        else:
            imported += 1
            assert isinstance(result, api.ImportSummary)
    assert refused and imported

"""A printed PDF holds patient data: on its way to the printer it is a 0600 file in a 0700
temp folder, and the folder is gone once the job is spooled, when printing fails, and (for the
viewer fallback) when the app quits."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from example_visits import load_example
import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.engine import compute
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.ui import temp_files
from ocrebill_gui.ui.visit_editor import printing


class CupsPrinter:
    """What print_pdf and send_to_printer read of a QPrinter bound to a real (CUPS) printer."""

    def __init__(self) -> None:
        from ocrebill_gui.ui.qt import print_support

        self.native = print_support().QPrinter.OutputFormat.NativeFormat

    def outputFileName(self) -> str:  # noqa: N802 - Qt API
        return ""

    def outputFormat(self):  # noqa: N802, ANN201 - Qt API
        return self.native

    def printerName(self) -> str:  # noqa: N802 - Qt API
        return "Front-Desk-Laser"

    def copyCount(self) -> int:  # noqa: N802 - Qt API
        return 1

    def resolution(self) -> int:
        return 300


@pytest.fixture
def temp_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp area of this test: whatever printing leaves behind shows here."""
    area = tmp_path / "tmp"
    area.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(area))
    return area


@pytest.fixture
def print_visit(store: api.Store, monkeypatch: pytest.MonkeyPatch):
    """print_pdf on a worked example visit, the dialog answered with a CUPS printer."""
    api.save_practice(store, signed("admin"), demo_practice())
    monkeypatch.setattr(printing, "new_printer", lambda name: CupsPrinter())
    monkeypatch.setattr(printing.PrintDialog, "ask", staticmethod(lambda parent, p: True))
    document = load_example("06-facility-premeds")[0]

    def run() -> str | None:
        return printing.print_pdf(None, store, "superbill", document, compute(document))

    return run


def _fake_command(folder: Path, name: str, script: str) -> Path:
    command = folder / name
    command.write_text("#!/bin/sh\n" + script)
    command.chmod(0o755)
    return command


def test_the_pdf_sent_to_cups_is_private_and_gone_once_spooled(qtbot, tmp_path, temp_area,
                                                              print_visit, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    # lp: note the modes of the file and its folder, and keep a copy as CUPS does.
    lp = _fake_command(tmp_path, "lp", f'for f; do :; done\nstat -c "%a %n" "$f" '
                       f'"$(dirname "$f")" > {spool}/modes\ncp "$f" {spool}/job.pdf\n')
    monkeypatch.setattr(printing.shutil, "which", lambda name: str(lp) if name == "lp"
                        else None)
    outcome = print_visit()
    assert outcome is not None and outcome.startswith("sent ") and "Front-Desk-Laser" in outcome
    assert (spool / "job.pdf").read_bytes().startswith(b"%PDF")
    (file_mode, pdf), (folder_mode, folder) = (
        line.split(" ", 1) for line in (spool / "modes").read_text().splitlines())
    assert (file_mode, folder_mode) == ("600", "700")
    assert Path(folder).parent == temp_area and Path(pdf).name.endswith("_superbill.pdf")
    assert list(temp_area.iterdir()) == []


def test_the_pdf_is_removed_when_the_printer_fails(qtbot, tmp_path, temp_area, print_visit,
                                                   monkeypatch):
    lp = _fake_command(tmp_path, "lp", 'echo "lp: printer is offline" >&2\nexit 1\n')
    monkeypatch.setattr(printing.shutil, "which", lambda name: str(lp) if name == "lp"
                        else None)
    with pytest.raises(OSError, match="printer is offline"):
        print_visit()
    assert list(temp_area.iterdir()) == []


def test_a_pdf_handed_to_a_viewer_stays_private_until_the_app_quits(qtbot, temp_area,
                                                                    print_visit, monkeypatch):
    opened = []
    monkeypatch.setattr(printing.shutil, "which", lambda name: None)  # no lp, no pdftoppm
    monkeypatch.setattr(printing.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(Path(url.toLocalFile()))))
    try:
        outcome = print_visit()
        assert outcome is not None and outcome.startswith("no print service found")
        [kept] = opened
        assert kept.read_bytes().startswith(b"%PDF")  # the viewer can still read it
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
        assert list(temp_area.iterdir()) == [kept.parent]  # the job's own folder is gone
    finally:
        temp_files.remove_folders()  # what quitting the app does
    assert list(temp_area.iterdir()) == []


def test_private_files_ignore_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = write_private_bytes(tmp_path / "claim.pdf", b"%PDF-1.4", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):  # never writes into a file someone else made
        write_private_bytes(path, b"again", force=False)

"""Save as PDF in the visit editor: the file is private (0600) under the usual umask, and a
file is replaced only when someone said so (the save dialog for the name chosen, a question
when .pdf is added to the name)."""

from __future__ import annotations

import os
import stat

import pytest
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.practice import demo_practice

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def saving(ocrevus_editor, store, clock, tmp_path, monkeypatch, usual_umask):
    """The editor with a computable, printable visit; `choose(name)` answers the dialog."""
    from ocrebill_gui.ui.visit_editor import printing

    api.save_practice(store, signed("admin"), demo_practice())
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    clock.set("12:30")
    ocrevus_editor.press_timeline("stop")
    chosen = {}
    monkeypatch.setattr(printing, "ask_save_path",
                        lambda parent, title, suggested, filters: str(tmp_path / chosen["name"]))
    return ocrevus_editor, chosen


def test_a_saved_pdf_is_private(saving, tmp_path):
    editor, chosen = saving
    chosen["name"] = "superbill.pdf"
    editor.save_pdf("superbill")
    pdf = tmp_path / "superbill.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    pdf.write_bytes(b"old")
    os.chmod(pdf, 0o644)
    editor.save_pdf("superbill")  # the dialog asked before it gave this name back
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert editor.status_note == "saved superbill.pdf"


def test_replacing_the_file_pdf_is_added_to_is_asked(saving, tmp_path, monkeypatch):
    from ocrebill_gui.ui.visit_editor import printing

    editor, chosen = saving
    chosen["name"] = "claim"  # typed without .pdf: the dialog asked about "claim" only
    pdf = tmp_path / "claim.pdf"
    pdf.write_bytes(b"yesterday's")
    asked = []
    monkeypatch.setattr(printing.ReplaceQuestion, "ask",
                        classmethod(lambda cls, parent, path: asked.append(path) or False))
    editor.save_pdf("superbill")
    assert asked == [pdf] and pdf.read_bytes() == b"yesterday's"
    monkeypatch.setattr(printing.ReplaceQuestion, "ask",
                        classmethod(lambda cls, parent, path: True))
    editor.save_pdf("superbill")
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["claim.pdf"]

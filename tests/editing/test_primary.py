"""Marking the primary administration (R1, R15) in the presenter: one per visit, one edit."""

from __future__ import annotations

from primary_visits import primaries, two_drugs

from ocrebill_gui.editing.presenter import VisitPresenter


def test_marking_one_administration_primary_unmarks_the_others():
    presenter = VisitPresenter(two_drugs(mp=True))
    revision = presenter.revision
    presenter.set_primary(1, True)
    assert primaries(presenter.document) == ["ocr"]
    assert presenter.revision == revision + 1  # one edit, one recompute
    presenter.set_primary(1, True)
    assert presenter.revision == revision + 1  # nothing changed
    presenter.set_primary(0, False)  # unmarking another leaves this one
    assert primaries(presenter.document) == ["ocr"]
    presenter.set_primary(1, False)
    assert primaries(presenter.document) == []
    assert all("primary" not in a for a in presenter.document["administrations"])
    presenter.read_only = True
    presenter.set_primary(0, True)
    assert primaries(presenter.document) == []

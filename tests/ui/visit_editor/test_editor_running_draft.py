"""A draft whose infusion still runs, opened by someone who may only view it (front desk,
biller), says it runs without a stop time yet: never that it was finalized or billed, nor to
Amend. A finalized visit without a stop still says so."""

from __future__ import annotations

from staff import signed

from ocrebill_gui import store as api


def _running_draft(ocrevus_editor, clock) -> int:
    clock.set("09:00")
    ocrevus_editor.press_timeline("start")
    assert ocrevus_editor.save_now()
    return ocrevus_editor.visit_id


def _words(editor) -> str:
    timeline = editor.cards[0].timeline
    return "\n".join([editor.banner.text(), timeline.banner.text(), timeline.running.text(),
                      editor.state_label.text()])


def test_a_running_draft_viewed_by_the_front_desk_is_not_called_finalized(
        qtbot, ocrevus_editor, make_editor, store, clock):
    visit_id = _running_draft(ocrevus_editor, clock)
    for actor, roles in (("desk.amy", ("front_desk",)), ("bill.bo", ("biller",))):
        clock.set("09:30")
        viewer = make_editor(visit_id, actor=actor, roles=roles)
        assert viewer.presenter.read_only and viewer.status == "draft"
        words = _words(viewer)
        assert "Draft" in viewer.state_label.text()
        assert "finalized" not in words.lower() and "amend" not in words.lower()
        assert "billed" not in words.lower()
        assert "running since 09:00" in viewer.banner.text()
        assert "no stop time" in viewer.cards[0].timeline.banner.text()
        assert not viewer.cards[0].timeline.buttons["stop"].isEnabled()
    assert api.get_visit(store, signed(), visit_id).status == "draft"


def test_a_finalized_visit_without_a_stop_still_says_finalized(
        qtbot, ocrevus_editor, make_editor, store, clock):
    visit_id = _running_draft(ocrevus_editor, clock)
    from editor_helpers import answer_next_reason

    answer_next_reason(qtbot, "Stop time on the paper chart", action="Finalize anyway")
    assert ocrevus_editor.finalize()
    viewer = make_editor(visit_id, actor="desk.amy", roles=("front_desk",))
    assert "finalized without a stop time (Amend to record it)" in viewer.banner.text()
    assert "Finalized without a stop time" in viewer.cards[0].timeline.banner.text()

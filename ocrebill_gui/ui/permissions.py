"""What the signed-in person's roles allow, mirrored in the widgets.

The store decides (store/accounts.py PERMISSIONS, enforced by `require`); the screens only show
it: a button or action for something the session may not do is disabled, with a tooltip that
says which role it needs. Every screen goes through `gate`, so the rule is in one place:

    gate(self.finalize_button, session, "visits.finalize", when=not finalized)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocrebill_gui.store.accounts import PERMISSIONS, ROLES, WHAT

if TYPE_CHECKING:
    from ocrebill_gui.store.accounts import Session

_OWN_TIP = "ocrebillOwnToolTip"


def allowed(session: Session | None, action: str) -> bool:
    return session is not None and not session.must_change_password and session.can(action)


def needs(action: str) -> str:
    """'Needs the biller role (finalizing, amending or reopening a visit)'."""
    roles = " or ".join(ROLES[role] for role in sorted(PERMISSIONS[action]))
    return f"Needs the {roles} role ({WHAT[action]})"


def gate(target: Any, session: Session | None, action: str, *, when: bool = True) -> bool:
    """Enable `target` (a widget or QAction) only when `when` holds and the session may do
    `action`; when it may not, the tooltip says why. Returns whether the session may."""
    may = allowed(session, action)
    target.setEnabled(bool(when) and may)
    own = target.property(_OWN_TIP)
    if own is None:  # the first time: keep the target's own tooltip for a session that may
        own = target.toolTip()
        target.setProperty(_OWN_TIP, own)
    target.setToolTip(own if may else needs(action))
    return may

"""Staff accounts: the first administrator, roles, sign-in with lockout and back-off, password
changes and resets, disabling; every change in the audit log and no password in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store import accounts as ac


@pytest.fixture
def admin(store):
    return ac.create_first_admin(store, "Chief", "Dr. Chief", "correct horse")


def test_the_first_account_is_an_administrator_and_only_the_first(store, admin) -> None:
    assert admin.login == "chief" and admin.roles == frozenset({"admin"})
    with pytest.raises(ac.NotAllowed, match="has accounts already"):
        ac.create_first_admin(store, "second", "Second", "another pass")
    assert ac.sign_in(store, "CHIEF", "correct horse").login == "chief"


def test_real_passwords_use_argon2id_at_its_defaults() -> None:
    cheap = ac.use_hasher(None)  # the tests' hasher out: the default, made when first needed
    try:
        hashed = ac.hasher().hash("correct horse")
    finally:
        ac.use_hasher(cheap)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_wrong_login_and_wrong_password_get_the_same_answer(store, admin) -> None:
    answers = set()
    for login, password in (("nobody", "correct horse"), ("chief", "wrong one")):
        with pytest.raises(ac.SignInRefused) as caught:
            ac.sign_in(store, login, password)
        answers.add(str(caught.value))
    assert answers == {"Wrong login name or password"}


def test_repeated_failures_lock_with_a_growing_back_off(store, admin) -> None:
    for _ in range(ac.FREE_FAILURES + 1):
        with pytest.raises(ac.SignInRefused):
            ac.sign_in(store, "chief", "nope nope")
    with pytest.raises(ac.SignInRefused, match=r"try again in (2\d|30) s"):
        ac.sign_in(store, "chief", "correct horse")  # right password, still locked
    store.clock.advance(timedelta(seconds=31))
    with pytest.raises(ac.SignInRefused):
        ac.sign_in(store, "chief", "nope nope")  # sixth failure: 60 s now
    store.clock.advance(timedelta(seconds=40))
    with pytest.raises(ac.SignInRefused, match="try again"):
        ac.sign_in(store, "chief", "correct horse")
    store.clock.advance(timedelta(seconds=30))
    assert ac.sign_in(store, "chief", "correct horse").login == "chief"
    # a success clears the count: one more failure does not lock
    with pytest.raises(ac.SignInRefused, match="Wrong login"):
        ac.sign_in(store, "chief", "nope nope")
    assert ac.sign_in(store, "chief", "correct horse")


def test_roles_decide_what_a_session_may_do(store, admin) -> None:
    ac.add_user(store, admin, "kim", "Kim Nurse", ["nurse"], "kim password", must_change=False)
    kim = ac.sign_in(store, "kim", "kim password")
    assert kim.can("visits.draft") and not kim.can("visits.finalize")
    with pytest.raises(ac.NotAllowed) as caught:
        ac.require(kim, "visits.finalize")
    assert str(caught.value) == ("Signed in as kim (nurse): finalizing, amending or reopening "
                                 "a visit needs the biller role")
    with pytest.raises(ac.NotAllowed):
        ac.add_user(store, kim, "eve", "Eve", ["admin"], "eve password")
    with pytest.raises(ac.NotAllowed, match="Sign in first"):
        ac.require("kim", "visits.draft")  # a string is not a session


def test_a_reset_password_must_be_changed_at_the_next_sign_in(store, admin) -> None:
    ac.add_user(store, admin, "joe", "Joe Biller", ["biller"], "first password")
    joe = ac.sign_in(store, "joe", "first password")
    assert joe.must_change_password
    with pytest.raises(ac.NotAllowed, match="must change the password"):
        ac.require(joe, "visits.finalize")
    with pytest.raises(st.InvalidRecord, match="current_password"):
        ac.change_password(store, joe, "not it at all", "second password")
    joe = ac.change_password(store, joe, "first password", "second password")
    assert ac.require(joe, "visits.finalize") is joe
    ac.reset_password(store, admin, "joe", "temporary pass")
    assert ac.sign_in(store, "joe", "temporary pass").must_change_password
    with pytest.raises(ac.SignInRefused):
        ac.sign_in(store, "joe", "second password")


def test_disabled_accounts_cannot_sign_in_and_the_last_admin_stays(store, admin) -> None:
    ac.add_user(store, admin, "pat", "Pat", ["front_desk"], "pat password")
    ac.set_active(store, admin, "pat", False)
    with pytest.raises(ac.SignInRefused, match="disabled"):
        ac.sign_in(store, "pat", "pat password")
    with pytest.raises(ac.NotAllowed, match="own account"):
        ac.set_active(store, admin, "chief", False)
    assert [a.login for a in ac.list_accounts(store, admin) if a.active] == ["chief"]


@pytest.mark.parametrize(("login", "roles", "password", "field"), [
    ("", ["nurse"], "long enough", "login"),
    ("has space", ["nurse"], "long enough", "login"),
    ("ok", [], "long enough", "roles"),
    ("ok", ["janitor"], "long enough", "roles"),
    ("ok", ["nurse"], "short", "password"),
    ("okokokok", ["nurse"], "OKOKOKOK", "password"),
])
def test_bad_account_input_names_the_field(store, admin, login, roles, password, field):
    with pytest.raises(st.InvalidRecord) as caught:
        ac.add_user(store, admin, login, "Name", roles, password)
    assert caught.value.problems[0][0] == field


def test_account_changes_are_audited_without_passwords(store, admin) -> None:
    ac.add_user(store, admin, "kim", "Kim", ["nurse"], "kim password")
    ac.reset_password(store, admin, "kim", "another pass")
    text = " ".join(str(row) for row in store.db.query("SELECT * FROM audit_log"))
    assert "kim password" not in text and "another pass" not in text and "argon2" not in text
    actions = [e.action for e in st.audit_entries(store, signed(), "user")]
    assert {"create", "reset-password"} <= set(actions)

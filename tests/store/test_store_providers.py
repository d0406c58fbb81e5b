"""The practice's providers (issue 13, item 4), on both backends: NPIs checked as the forms
check them, one NPI per role, one default per role, inactive ones kept but not offered, and a
new visit's defaults from the patient's latest visit, else the practice's."""

from __future__ import annotations

import pytest
from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.core.npi import npi_problem
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.providers import (
    add_provider,
    default_providers,
    get_provider,
    list_providers,
    update_provider,
)

GRACE = {"role": "rendering", "name": "Okafor, Grace", "npi": "1234567893",
         "taxonomy": "2084n0400x", "is_default": True}
ERIK = {"role": "ordering", "name": "Lindqvist, Erik", "npi": "1245319599"}
NOOR = {"role": "ordering", "name": "Haddad, Noor", "npi": "1003000126", "is_default": True}
DESK = signed("frontdesk", ("front_desk",))


def problems(refused: pytest.ExceptionInfo) -> dict[str, str]:
    return dict(refused.value.problems)


def test_a_provider_is_kept_as_typed_and_listed_by_role(store):
    grace = add_provider(store, DESK, {**GRACE, "npi": "1234-567 893"})
    erik = add_provider(store, DESK, ERIK)
    assert (grace.npi, grace.taxonomy, grace.is_default, grace.active) == (
        "1234567893", "2084N0400X", True, True)
    assert get_provider(store, DESK, erik.id) == erik
    assert [p.name for p in list_providers(store, DESK)] == ["Okafor, Grace",
                                                             "Lindqvist, Erik"]
    assert [p.id for p in list_providers(store, DESK, "ordering")] == [erik.id]
    entries = st.audit_entries(store, signed("admin", ("admin",)), entity="provider")
    assert {e.action for e in entries} == {"create"}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("npi", "1234567890", "wrong check digit"),
    ("npi", "12345", "must be 10 digits (this has 5)"),
    ("npi", "", "is required"),
    ("npi", "3234567893", "must start with 1 or 2"),
    ("taxonomy", "2084N", "taxonomy code"),
    ("name", " ", "is required"),
    ("role", "nurse", "rendering"),
])
def test_bad_input_is_refused_at_its_field_in_the_forms_words(store, field, value, words):
    with pytest.raises(st.InvalidRecord) as refused:
        add_provider(store, DESK, {**GRACE, field: value})
    assert words in problems(refused)[field]
    if field == "npi" and value:
        assert problems(refused)["npi"] == npi_problem(value)  # the form's words
    assert list_providers(store, DESK) == []


def test_one_npi_per_role_and_nothing_half_saved(store):
    grace = add_provider(store, DESK, GRACE)
    with pytest.raises(st.InvalidRecord) as refused:
        add_provider(store, DESK, {**GRACE, "name": "Okafor, G."})
    assert "already the NPI of provider" in problems(refused)["npi"]
    # the same person may also order (another role)
    add_provider(store, DESK, {**GRACE, "role": "ordering", "is_default": False})
    assert [p.id for p in list_providers(store, DESK, "rendering")] == [grace.id]


def test_one_default_per_role_and_an_inactive_one_is_not_offered(store):
    erik = add_provider(store, DESK, {**ERIK, "is_default": True})
    noor = add_provider(store, DESK, NOOR)
    assert not get_provider(store, DESK, erik.id).is_default
    with pytest.raises(st.InvalidRecord) as refused:
        update_provider(store, DESK, noor.id, {**NOOR, "active": False})
    assert "inactive provider cannot be the default" in problems(refused)["is_default"]
    update_provider(store, DESK, noor.id, {**NOOR, "is_default": False, "active": False})
    assert [p.id for p in list_providers(store, DESK, active_only=True)] == [erik.id]
    assert len(list_providers(store, DESK)) == 2


def test_only_the_front_desk_and_the_administrator_change_providers(store):
    for roles in (("nurse",), ("biller",)):
        with pytest.raises(NotAllowed, match="changing the practice's providers"):
            add_provider(store, signed("x", roles), GRACE)
    add_provider(store, signed("boss", ("admin",)), GRACE)
    assert len(list_providers(store, signed("n", ("nurse",)))) == 1


def test_a_new_visit_takes_the_patients_latest_providers_else_the_practices(store):
    patient, *_ = populated(store)
    everyone = signed()
    assert default_providers(store, everyone, patient.id) == {"rendering": None,
                                                              "ordering": None}
    add_provider(store, DESK, GRACE)
    erik = add_provider(store, DESK, ERIK)
    add_provider(store, DESK, NOOR)
    practice = default_providers(store, everyone, patient.id)
    assert practice["rendering"] == {"name": "Okafor, Grace", "npi": "1234567893",
                                     "taxonomy": "2084N0400X"}
    assert practice["ordering"]["npi"] == NOOR["npi"]
    doc = visit_doc(day="2026-03-04") | {"providers": {"ordering": erik.document_block()}}
    st.create_draft(store, everyone, doc, patient_id=patient.id)
    latest = default_providers(store, everyone, patient.id)
    assert latest["ordering"] == {"name": "Lindqvist, Erik", "npi": "1245319599"}
    assert latest["rendering"]["npi"] == GRACE["npi"]  # the visit named none: the practice's
    update_provider(store, DESK, erik.id, {**ERIK, "active": False})
    assert default_providers(store, everyone, patient.id)["ordering"]["npi"] == NOOR["npi"]


def test_a_visit_naming_providers_is_computed_with_their_findings(store):
    patient, *_ = populated(store)
    grace = add_provider(store, DESK, GRACE)
    doc = visit_doc() | {"providers": {"rendering": grace.document_block()}}
    saved = st.create_draft(store, signed(), doc, patient_id=patient.id)
    visit = st.get_visit(store, signed(), saved.visit_id)
    assert visit.document["providers"]["rendering"]["npi"] == "1234567893"
    assert "provider-ordering-missing" in {f.rule for f in visit.claim.findings}
    bad = st.create_draft(store, signed(), visit_doc() | {"providers": {"rendering": {
        "name": "X, Y", "npi": "1234567890"}}}, patient_id=patient.id)  # a draft may be wrong
    assert st.get_visit(store, signed(), bad.visit_id).claim is None  # but is not computed

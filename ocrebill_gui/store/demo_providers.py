"""The demo practice's providers (issue 13, item 4): two infusion-suite rendering providers
and three referring neurologists, one default of each role. Made-up names; the NPIs pass the
check digit but belong to no one (the demo's own, like its patients)."""

from __future__ import annotations

from ocrebill_gui.store.db import Store
from ocrebill_gui.store.providers import add_provider

NEUROLOGY, NURSE_PRACTITIONER = "2084N0400X", "363LF0000X"
DEMO_PROVIDERS = (
    {"role": "rendering", "name": "Okafor, Grace", "npi": "1234567893",
     "taxonomy": NEUROLOGY, "is_default": True},
    {"role": "rendering", "name": "Brennan, Liam", "npi": "1987654328",
     "taxonomy": NURSE_PRACTITIONER},
    {"role": "ordering", "name": "Lindqvist, Erik", "npi": "1245319599",
     "taxonomy": NEUROLOGY, "is_default": True},
    {"role": "ordering", "name": "Haddad, Noor", "npi": "1456789019", "taxonomy": NEUROLOGY},
    {"role": "ordering", "name": "Moreau, Celine", "npi": "1678901236"},
)


def add_demo_providers(store: Store, actor: str) -> None:
    for fields in DEMO_PROVIDERS:
        add_provider.inside(store, actor, fields)

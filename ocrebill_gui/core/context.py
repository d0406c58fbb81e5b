"""What every rule of one computation shares: the document, its payer, the catalog, the findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ocrebill_gui.core.catalog import Catalog, Product
from ocrebill_gui.core.claim import Finding
from ocrebill_gui.core.timeline import Timeline
from ocrebill_gui.core.visit import Administration, PayerProfile, VisitDocument


@dataclass
class Context:
    document: VisitDocument
    payer: PayerProfile
    catalog: Catalog
    timelines: dict[str, Timeline] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, rule: str, message: str, *, admin: str | None = None,
            field: str | None = None) -> None:
        """Record a finding; its severity comes from the findings catalog (data/findings.json).
        `field` is the document path the app puts the cursor in when the finding is clicked."""
        entry = self.catalog.rules[rule]
        self.findings.append(Finding(rule=rule, severity=entry.severity, message=message,
                                     administration=admin, field=field))

    def product(self, admin: Administration) -> Product:
        return self.catalog.products[admin.product]

    def admin_path(self, admin: Administration) -> str:
        index = next(i for i, a in enumerate(self.document.administrations) if a is admin)
        return f"administrations[{index}]"

    @property
    def products_given(self) -> set[str]:
        return {a.product for a in self.document.administrations}

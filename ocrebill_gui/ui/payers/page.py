"""The Payers screen: every profile the engine knows; shipped ones are read-only and can be
copied, and a copy is the user's own to edit (saved in the database, audit-logged).

"Make my copy" keeps the id, so the copy replaces the shipped profile for every coverage that
names it (delete the copy to go back); "New payer from this one" starts a separate profile with
its own id for a plan the shipped list does not have.
"""

from __future__ import annotations

import re

from ocrebill_gui import store as api
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.ui.forms import Confirm, save_or_say
from ocrebill_gui.ui.models.payers import PayerProfilesModel, PayerRow
from ocrebill_gui.ui.payers.form import PayerProfileForm
from ocrebill_gui.ui.permissions import allowed, gate
from ocrebill_gui.ui.qt import (
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import (
    fit_columns,
    heading,
    list_and_detail,
    record_table,
    remember_columns,
    select_row,
)


def new_payer_id(name: str, taken: set[str]) -> str:
    """A readable id from a name, unique among `taken`: "Aetna MA" -> "aetna-ma"."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "payer"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class PayersPage(QWidget):
    """Payer profiles list beside the chosen profile."""

    def __init__(self, store: Store, session: Session, layout: WindowLayout,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payersPage")
        self._store, self._session, self._layout = store, session, layout
        self._may_edit = allowed(session, "payers.write")
        self.model = PayerProfilesModel(store, parent=self)
        self.view = record_table(self.model, name="payerTable")
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show(self.model.record(current.row())))
        self.form = PayerProfileForm()
        self.form.changed.connect(self._update_buttons)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.copy_button = QPushButton("Make my cop&y")
        self.copy_button.setObjectName("copyPayer")
        self.copy_button.setToolTip("Edit your own copy; it replaces the shipped profile for "
                                    "every coverage that uses it")
        self.copy_button.clicked.connect(self.make_copy)
        self.new_button = QPushButton("New payer f&rom this one...")
        self.new_button.clicked.connect(self.new_from_current)
        self.delete_button = QPushButton("&Delete my copy")
        self.delete_button.clicked.connect(self.delete_current)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.clicked.connect(lambda: self._show(self._current_row()))
        self.save_button = QPushButton("&Save profile")
        self.save_button.setObjectName("savePayer")
        self.save_button.clicked.connect(self.save)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        buttons = QHBoxLayout()
        for button in (self.copy_button, self.new_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.state)
        detail_layout.addWidget(self.form)
        detail_layout.addLayout(buttons)
        detail_layout.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading("Payer profiles"))
        left_layout.addWidget(self.view, 1)
        self.splitter = list_and_detail(left, detail, name="payersSplitter", layout=layout,
                                        sizes=(600, 500))
        page = QVBoxLayout(self)
        page.addWidget(self.splitter)
        fit_columns(self.view, layout)
        first = self.model.record(0)  # None: no profile listed
        if first is not None:
            self.select(first.profile.id)

    def _current_row(self) -> PayerRow | None:
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select(self, payer_id: str) -> None:
        row = self.model.row_of(payer_id)
        if row >= 0:
            select_row(self.view, row)

    def _show(self, row: PayerRow | None) -> None:
        self.form.set_profile(row.profile if row else None,
                              editable=bool(row and row.is_users) and self._may_edit)
        if row is None:
            self.state.setText("")
        elif row.is_users:
            overrides = row.profile.id in default_catalog().payers
            self.state.setText("Your own profile: edit it and save. " + (
                "It replaces the shipped profile of the same id; delete it to go back to the "
                "shipped one." if overrides else ""))
            set_role(self.state, "banner-ok")
        else:
            self.state.setText("Shipped with OcreBill (read-only). Verify its rules with the "
                               "plan; to change them, make your own copy.")
            set_role(self.state, "muted")
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self._current_row()
        mine = bool(row and row.is_users)
        self.copy_button.setVisible(row is not None and not mine)
        gate(self.copy_button, self._session, "payers.write")
        gate(self.new_button, self._session, "payers.write", when=row is not None)
        gate(self.delete_button, self._session, "payers.write")
        self.delete_button.setVisible(mine)
        if mine and row is not None:
            shipped = row.profile.id in default_catalog().payers
            self.delete_button.setText("Go back to the &shipped profile" if shipped
                                       else "&Delete profile")
        self.save_button.setVisible(mine)
        self.revert_button.setVisible(mine)
        gate(self.save_button, self._session, "payers.write",
             when=self.form.dirty and not self.form.problems())
        gate(self.revert_button, self._session, "payers.write", when=self.form.dirty)

    # -- actions --------------------------------------------------------------------------

    def make_copy(self) -> None:
        """The shipped profile becomes the user's own, same id, ready to edit."""
        row = self._current_row()
        if row is None or row.is_users or not self._may_edit:
            return
        self._save_profile(row.profile.model_dump())
        self.form.name.setFocus()

    def new_from_current(self) -> None:
        row = self._current_row()
        if row is None or not self._may_edit:
            return
        name = Confirm.text(self, "New payer profile", "Name of the payer (as on the card):",
                            f"{row.profile.name} (copy)")
        if name is None:
            return
        taken = {r.profile.id for r in self.model.records()}
        data = row.profile.model_dump() | {"id": new_payer_id(name, taken), "name": name,
                                           "source": f"Copied from '{row.profile.name}'"}
        self._save_profile(data)

    def save(self) -> None:
        if not self.form.editable or self.form.problems():
            return
        self._save_profile(self.form.values())

    def _save_profile(self, data: dict) -> None:
        saved = save_or_say(lambda: api.save_payer(self._store, self._session, data),
                            self.form.grid, self.form.general)
        if saved is None:
            return
        self.model.reload()
        self.select(saved.id)

    def delete_current(self) -> None:
        row = self._current_row()
        if row is None or not row.is_users or not self._may_edit:
            return
        if not Confirm.ask(self, "Delete payer profile",
                           f"Delete your profile \u201c{row.profile.name}\u201d?"):
            return
        try:
            api.delete_payer(self._store, self._session, row.profile.id)
        except StoreError as error:
            self.form.general.show_message(str(error))
            return
        self.model.reload()
        self.select(row.profile.id)  # the shipped one it replaced, if any
        first = self.model.record(0)
        if not self._current_row() and first is not None:
            self.select(first.profile.id)

    def save_layout(self) -> None:
        self._layout.save_part("payersSplitter", self.splitter)
        remember_columns(self.view, self._layout)

"""The visit editor: patient, diagnoses, administrations with the nurse's timeline, and the
live superbill preview. `VisitEditor(store, visit_id, clock=..., session=...)` is the entry point.
"""

from ocrebill_gui.ui.visit_editor.editor import VisitEditor

__all__ = ["VisitEditor"]

"""Editing a visit without Qt: the presenter (form state in, visit document and claim out), typed
times, document paths, the live timeline at the chair, undo steps, vial lots as the nurse picks
them, and the store calls the editor makes. Importing this package never loads PySide6
(tests/editing/test_no_qt.py): the widgets in ui/visit_editor are thin over it.
"""

"""The script of `ocrebill-app`, the bundle's windowed executable (packaging/ocrebill.spec):
the app only, with its options (--db, --demo, --smoke); the sub-commands are `ocrebill`'s."""

import sys

from ocrebill_gui.cli import app_main

sys.exit(app_main())

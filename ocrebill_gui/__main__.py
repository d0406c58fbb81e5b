"""`python -m ocrebill_gui` is `ocrebill`."""

import sys

from ocrebill_gui.cli import main

sys.exit(main())

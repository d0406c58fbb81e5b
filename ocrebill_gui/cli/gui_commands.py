"""`ocrebill screenshots OUT_DIR`: render each main screen of the app with demo data to PNG.

    ocrebill screenshots docs/screenshots                     # 1400x900, offscreen
    QT_SCALE_FACTOR=2 ocrebill screenshots /tmp/shots-200     # 200 % scaling
    OCREBILL_COLOR_SCHEME=dark ocrebill screenshots /tmp/dark # the dark palette

Runs without a display (Qt's offscreen platform) unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError("must be WIDTHxHEIGHT, e.g. 1400x900")
    return int(match.group(1)), int(match.group(2))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screenshots", help="render each main screen with demo data to PNG",
                       description="Build a fresh demo database in a temp folder and save a PNG "
                                   "of the sign-in screen, the main window, the visit editor (a "
                                   "running infusion with findings), the patient form, the "
                                   "inventory and a payer profile to OUT_DIR.")
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder for the PNG files")
    p.add_argument("--size", type=_size, default=(1400, 900), metavar="WxH",
                   help="window size in device-independent pixels (default 1400x900)")
    p.set_defaults(handler=_screenshots)


def _screenshots(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ocrebill_gui.store import StoreError
    from ocrebill_gui.ui.qt import QSize
    from ocrebill_gui.ui.screenshots import render_screenshots

    try:
        render_screenshots(Path(args.out_dir), QSize(*args.size),
                           say=lambda line: print(line, file=sys.stderr))
    except (StoreError, OSError) as error:
        print(f"ocrebill screenshots: {error}", file=sys.stderr)
        return 1
    return 0

"""What `ocrebill --smoke` prints, step by step: checked on the installed package
(tests/ui/shell/test_smoke.py) and on the PyInstaller bundle (tests/test_bundle.py)."""

from __future__ import annotations

import re

STEPS = [r"encrypted database created at (?P<db>\S+): (?P<visits>\d+) demo visits, "
         r"\d+ patients",
         r"main window shown: '[^']*smoke\.sqlite[^']*' \(Qt platform (?P<platform>\w+)\)",
         r"signed in as nurse \(Kim Nurse, nurse\)",
         r"visit (?P<visit>\d+) \(\S+, draft\) computed: (?P<lines>\d+) claim lines "
         r"\((?P<codes>[^)]*)\), \d+ findings",
         r"diagnosis search 'G35': \d+ codes, first G35 'Multiple sclerosis'",
         r"superbill rendered: (?P<bytes>[\d,]+) bytes, (?P<pages>\d+) pages?",
         r"temporary database removed; done"]


def check_smoke_output(stdout: str) -> dict[str, str]:
    """Every step's line, in order, with plausible figures; returns the named parts."""
    lines = stdout.splitlines()
    assert len(lines) == len(STEPS), stdout
    found: dict[str, str] = {}
    for line, step in zip(lines, STEPS, strict=True):
        match = re.fullmatch(step, line)
        assert match, f"{line!r} does not match {step!r}"
        found.update(match.groupdict())
    assert int(found["visits"]) > 0 and int(found["pages"]) >= 1
    assert int(found["lines"]) == len(found["codes"].split(", ")) and "J2350" in found["codes"]
    assert int(found["bytes"].replace(",", "")) > 10_000  # a page with text and embedded fonts
    return found

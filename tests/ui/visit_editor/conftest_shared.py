"""Re-export of the example loader under the name the editor tests use."""

from __future__ import annotations

from example_visits import load_example

__all__ = ["load_example"]

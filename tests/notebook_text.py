"""What an executed notebook printed, for tests that look for a line in it."""

from __future__ import annotations

from pathlib import Path

import nbformat


def printed(path: str | Path) -> str:
    """Every stream output of the notebook at ``path``, cell after cell. The kernel may send one
    ``print`` in several pieces (its output is flushed on a timer), so the pieces are joined before a
    test looks for a whole line."""
    nb = nbformat.read(path, as_version=4)
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream")

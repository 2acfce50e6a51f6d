"""Shared fixtures: run real notebooks with papermill and look inside the executed copies."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from socialkit.config import NOTEBOOKS_DIR, SAMPLES_DIR

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
#: Seconds one notebook cell may run in tests: a stuck cell fails its test instead of stalling the suite.
CELL_TIMEOUT = 300


def svg_outputs(nb) -> list[str]:
    """Every SVG image in a notebook's outputs (static Altair charts)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            svg = out.get("data", {}).get("image/svg+xml")
            if svg:
                found.append("".join(svg) if isinstance(svg, list) else svg)
    return found


def text_outputs(nb) -> str:
    """All text and HTML outputs of a notebook, joined (for asserting on tables and findings)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                val = out.get("data", {}).get(mime)
                if val:
                    parts.append("".join(val) if isinstance(val, list) else val)
    return "\n".join(parts)


def warnings_in(nb) -> list[str]:
    """Outputs a stakeholder must never see: stderr streams and library warnings."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: stderr: {''.join(out.get('text', ''))[:200]}")
            for mime in ("text/plain", "text/html", "text/markdown"):
                text = "".join(out.get("data", {}).get(mime, "") or "")
                if "Warning" in text:
                    found.append(f"cell {i}: {mime} says Warning: {text[text.index('Warning') - 80:][:240]}")
            if out.get("output_type") == "stream" and "Warning" in "".join(out.get("text", "")):
                found.append(f"cell {i}: stdout says Warning")
    return found


@pytest.fixture
def execute_notebook(tmp_path):
    """Execute a notebook from notebooks/ (or a path) with papermill; returns the executed notebook.
    Every executed notebook is checked: no library warning and no stderr output may reach it."""

    def run(name: str | Path, **parameters):
        src = Path(name) if Path(name).suffix == ".ipynb" else NOTEBOOKS_DIR / f"{name}.ipynb"
        out = tmp_path / f"{src.stem}.executed.ipynb"
        papermill.execute_notebook(str(src), str(out), parameters=parameters, kernel_name="python3",
                                   progress_bar=False, cwd=str(tmp_path), execution_timeout=CELL_TIMEOUT)
        nb = nbformat.read(out, as_version=4)
        assert not warnings_in(nb), f"{src.stem} printed warnings: " + "; ".join(warnings_in(nb))
        return nb

    return run


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR

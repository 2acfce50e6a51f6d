"""The notebooks as analysts use them: JupyterLab in headless Chromium, run all cells, see the
charts draw and the widget panel redraw when a control is changed in the page.

One Lab server (on copies of the notebooks, in a temporary folder) serves every test; it is shut
down at the end of the session even when a test fails. Screenshots land in test-artifacts/browser/.
How it works and how to run it: docs/testing.md.
"""

from __future__ import annotations

import atexit
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

import browser_support as bs
from socialkit.config import NOTEBOOKS_DIR, PROJECT_DIR

if not bs.CHROMIUM.exists():
    pytest.skip(f"{bs.CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh, run by "
                "`make test`) to run the browser tests", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_DIR / "test-artifacts" / "browser"
#: A code cell whose source calls a chart function (``*_chart(`` / ``*_heatmap(``) must show a chart.
CHART_CALL = re.compile(r"\b\w+_(?:chart|heatmap)\(")
PANEL_CELL = re.compile(r"\bsk\.panels\.\w+\.panel\(")


# ------------------------------------------------------------------ how each panel is changed in the page

def _other_option(select) -> str:
    """Value of an option of a <select> other than the selected one (and other than "auto")."""
    values = select.evaluate("s => [...s.options].map(o => o.value)")
    current = select.input_value()
    return next(v for v in values if v not in (current, "auto"))


def _venn_pick_two(panel) -> str:
    # "Venn of" (the first multi-select): draw the Venn of the first two functions only.
    picker = panel.locator(".widget-select-multiple select").first
    picker.select_option(index=[0, 1])
    return "Venn of: the first two functions"


def _depth_toggle(panel) -> str:
    # The first yes/no question of the first function's tab: press the button not pressed now.
    group = panel.locator(".widget-toggle-buttons").first
    button = group.locator("button:not(.mod-active)").first
    label = button.inner_text()
    button.click()
    return f"first yes/no question set to {label!r}"


def _segments_k(panel) -> str:
    # "k" (the first dropdown): another number of segments, so the explorer refits.
    select = panel.locator(".widget-dropdown select").first
    value = "3" if select.input_value() != "3" else "4"
    select.select_option(value)
    return f"k set to {value}"


def _metrics_rate(panel) -> str:
    # "Rate" (the third dropdown, after channel and grouping): another rate.
    select = panel.locator(".widget-dropdown select").nth(2)
    value = _other_option(select)
    select.select_option(value)
    return f"rate set to {value!r}"


@dataclass(frozen=True)
class Case:
    notebook: str
    change: Callable  # changes one control of the panel through the page; returns what it did

    @property
    def id(self) -> str:
        return self.notebook.split("_", 1)[0]


CASES = [
    Case("01_social_business_venn", _venn_pick_two),
    Case("02_relationship_depth", _depth_toggle),
    Case("03_psychographic_segments", _segments_k),
    Case("04_vanity_to_value", _metrics_rate),
]


# ------------------------------------------------------------------ fixtures: one server, one browser

@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on localhost serving copies of notebooks/ (running them never writes into the repo)."""
    root = tmp_path_factory.mktemp("lab-notebooks")
    bs.copy_notebooks(NOTEBOOKS_DIR, root)
    server = bs.LabServer(root, tmp_path_factory.mktemp("lab-state"))
    atexit.register(server.stop)  # also on an interrupted session
    with server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(bs.CHROMIUM), args=bs.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab):
    page = browser.new_page(viewport=bs.VIEWPORT)
    page.set_default_timeout(60_000)
    log = bs.watch_page(page, lab.url)
    try:
        yield page, log
    finally:
        try:
            bs.shutdown_kernel(page)
        except Exception:  # the server shuts leftover kernels down at the end anyway
            pass
        page.close()


# ------------------------------------------------------------------ helpers

def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def _drawn(locator) -> list[str] | None:
    """The charts inside ``locator`` once there is at least one and every one has drawn."""
    found = bs.charts(locator)
    return found if found and all(found) else None


def _steady(locator, *, timeout: float) -> list[str] | None:
    """Charts that have drawn and read the same twice in a row (no redraw still under way)."""
    def read():
        first = _drawn(locator)
        if not first:
            return None
        time.sleep(0.5)
        return first if _drawn(locator) == first else None
    return bs.wait_for(read, timeout=timeout)


def _first_line(source: str) -> str:
    return source.strip().splitlines()[0][:90]


# ------------------------------------------------------------------ tests

@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_notebook_runs_draws_charts_and_panel_redraws(case, page, lab):
    page, log = page
    name = f"{case.notebook}.ipynb"
    sources = _code_cells(lab.root_dir / name)
    chart_cells = [i for i, src in enumerate(sources) if CHART_CALL.search(src) and not PANEL_CELL.search(src)]
    panel_cells = [i for i, src in enumerate(sources) if PANEL_CELL.search(src)]
    assert chart_cells and len(panel_cells) == 1, f"{name}: expected chart cells and one panel cell"

    started = time.monotonic()
    bs.open_notebook(page, lab.url, name)
    run_seconds = bs.run_all_cells(page)

    # 1. every cell ran, none raised
    assert len(bs.prompts(page)) == len(sources), f"{name}: the page shows another number of code cells"
    errors = bs.error_outputs(page)
    assert not errors, f"{name}: cells raised in JupyterLab: " + "; ".join(
        f"cell {e['cell'] + 1}: {e['ename']}: {e['evalue']}" for e in errors)

    # 2. every chart cell shows a drawn chart (Vega canvas/SVG from the offline anywidget renderer)
    cells = page.locator(".jp-Notebook .jp-CodeCell")

    def undrawn():
        missing = [i for i in chart_cells if not _drawn(cells.nth(i))]
        return missing or None

    bs.wait_for(lambda: undrawn() is None, timeout=60)
    missing = undrawn()
    assert not missing, (f"{name}: no chart drew in the page for: "
                         + "; ".join(_first_line(sources[i]) for i in missing)
                         + f". Requests blocked from leaving localhost: {log.external_requests[:5]}; "
                         f"console errors: {log.console_errors[:5]}")
    total = len(bs.charts(page.locator(".jp-Notebook")))
    assert total >= len(chart_cells) > 0
    cells.nth(chart_cells[0]).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(_artifact(case, "1-notebook")))

    # 3. the widget panel appears, with its charts drawn
    panel = cells.nth(panel_cells[0]).locator(".jp-OutputArea-output > .jupyter-widgets.widget-vbox").first
    panel.wait_for(state="visible", timeout=60_000)
    before = _steady(panel, timeout=60)
    assert before, f"{name}: the widget panel shows no drawn chart"
    text_before = panel.inner_text()
    bs.screenshot(page, panel, _artifact(case, "2-panel-before"))

    # 4. change one control in the page: a chart of the panel redraws with other content
    did = case.change(panel)
    after = bs.wait_for(lambda: (c := _drawn(panel)) and len(c) == len(before) and c != before and c, timeout=90)
    bs.wait_idle(page, timeout_ms=90_000)
    after = _steady(panel, timeout=30) if after else after
    text_after = panel.inner_text()
    bs.screenshot(page, panel, _artifact(case, "3-panel-after"))
    assert after and after != before, (
        f"{name}: after '{did}' no chart of the panel redrew with new content within 90 s "
        f"(charts before {bs.digest(before)}, now {bs.digest(bs.charts(panel))}; "
        f"panel text {'changed' if text_after != text_before else 'unchanged'})")
    stderr = bs.stderr_texts(panel)
    assert not stderr, f"{name}: the panel shows error output after '{did}': {stderr[0][:500]}"

    # 5. nothing tried to leave localhost, no uncaught JavaScript error
    assert not log.external_requests, f"{name}: the page tried to load from the network: {log.external_requests[:5]}"
    assert not log.page_errors, f"{name}: uncaught JavaScript errors: {log.page_errors[:3]}"
    print(f"{name}: run all {run_seconds:.1f} s, whole test {time.monotonic() - started:.1f} s, "
          f"{total} charts, panel: {did}")


def test_committed_notebooks_stay_without_outputs(lab):
    """Lab ran copies; the notebooks in the repository still have no outputs."""
    assert lab.root_dir.resolve() != NOTEBOOKS_DIR.resolve()
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
                 and (c.get("outputs") or c.get("execution_count") is not None)]
        assert not dirty, f"{path.name}: cells {dirty} have outputs; the committed notebooks must stay clean"


def _artifact(case: Case, step: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{case.notebook}-{step}.png"

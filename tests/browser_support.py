"""Drive a real JupyterLab in headless Chromium: a local Lab server that never reaches the network,
and Playwright steps that open a notebook, run all its cells and read what the page shows.

Used by tests/test_browser.py; see docs/testing.md for how the browser tests work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for Debian's Chromium running as root with no network (see docs/testing.md).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}

#: JupyterLab user settings written for the test server: no news or update checks, every cell kept
#: in the page (no windowing, so charts far down the notebook are in the DOM), no autosave.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                          "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on localhost, serving ``root_dir``, started from this interpreter.

    Token and password are empty (the browser opens pages directly); news, update checks and the
    PyPI extension manager are off, and the user's Jupyter config, data, settings and workspaces are
    replaced by empty folders under ``state_dir`` so nothing on the machine changes what the test
    sees. ``stop()`` always ends the server and the kernels it started (terminate, then kill).
    """

    def __init__(self, root_dir: Path, state_dir: Path, *, port: int | None = None, startup_timeout: float = 90):
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.state_dir / "jupyterlab.log"
        self.process: subprocess.Popen | None = None
        self._log = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
                f"--ServerApp.root_dir={self.root_dir}", "--ServerApp.port_retries=0",
                "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True"]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("SOCIALKIT_BATCH", None)  # would switch the notebooks' panels off
        dirs = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
                "JUPYTERLAB_SETTINGS_DIR": "settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
                "IPYTHONDIR": "ipython"}
        for var, name in dirs.items():
            path = self.state_dir / name
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        return env

    def _write_settings(self, settings_dir: Path) -> None:
        for rel, values in LAB_SETTINGS.items():
            path = settings_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")

    def start(self) -> "LabServer":
        env = self.environment()
        self._write_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(self.command(), cwd=self.root_dir, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} before answering "
                                   f"on {self.url}. Its log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {self.startup_timeout:.0f} s. "
                           f"Its log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 15) -> None:
        """Terminate the server (it shuts its kernels down), then kill it and any kernel it left."""
        if self.process is None:
            return
        try:
            try:
                started = psutil.Process(self.process.pid).children(recursive=True)
            except psutil.Error:
                started = []
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=timeout)
            _, alive = psutil.wait_procs(started, timeout=5)
            for proc in alive:
                try:
                    proc.kill()
                except psutil.Error:
                    pass
        finally:
            self.process = None
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> "LabServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def copy_notebooks(source: Path, dest: Path) -> list[Path]:
    """Copy every notebook of ``source`` into ``dest`` (Lab runs the copies; the originals stay clean)."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for nb in sorted(Path(source).glob("*.ipynb")):
        copied.append(Path(shutil.copy2(nb, dest / nb.name)))
    return copied


# ---------------------------------------------------------------------------------- the page

@dataclass
class PageLog:
    """What the page did besides rendering: requests that left localhost (blocked), JS errors."""

    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def watch_page(page, base_url: str) -> PageLog:
    """Block and record every request not to the Lab server, and record JavaScript errors."""
    log = PageLog()

    def route(r):
        url = r.request.url
        if url.startswith(base_url + "/") or url == base_url:
            r.continue_()
        else:
            log.external_requests.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
    return log


_KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

_PROMPTS = "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim())"

_ERROR_OUTPUTS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const found = [];
  const cells = nb.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') found.push({cell: i, ename: out.ename, evalue: out.evalue});
    }
  }
  return found;
}"""

#: Every chart in a part of the page: canvas pixels (PNG data URL) or SVG markup, per .vega-embed.
_CHARTS = """(root) => [...root.querySelectorAll('.vega-embed')].map(e => {
  const canvas = e.querySelector('canvas');
  if (canvas && canvas.width > 0 && canvas.height > 0) return canvas.toDataURL();
  const svg = e.querySelector('svg.marks');
  return svg ? svg.outerHTML : '';
})"""

#: Charts whose drawing sticks out past the right edge of their output area or of a widget box
#: around them (those clip or scroll sideways), with the source of their cell and visible width.
_CLIPPED = """(root) => {
  const found = [];
  for (const e of root.querySelectorAll('.vega-embed')) {
    const el = e.querySelector('canvas, svg.marks');
    if (!el) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    let right = r.right;
    for (let a = el.parentElement; a && a !== root; a = a.parentElement) {
      if (a.classList.contains('jp-OutputArea-output') || a.classList.contains('widget-box'))
        right = Math.min(right, a.getBoundingClientRect().right);
      if (a.classList.contains('jp-Cell')) break;
    }
    if (right < r.right - 2) {
      const editor = e.closest('.jp-Cell')?.querySelector('.jp-InputArea-editor .cm-content');
      const cell = editor ? [...editor.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n') : '';
      found.push({width: r.width, visible: Math.max(0, right - r.left), cell: cell});
    }
  }
  return found;
}"""

_STDERR = """(root) => [...root.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => e.textContent)"""


def open_notebook(page, base_url: str, name: str, *, timeout_ms: int = 90_000) -> None:
    """Open ``name`` in Lab (a fresh workspace) and wait until its kernel is connected and idle."""
    page.goto(f"{base_url}/lab/tree/{name}?reset", timeout=timeout_ms)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(_KERNEL_READY, timeout=timeout_ms)


def run_all_cells(page, *, timeout_ms: int = 180_000) -> float:
    """Run > Run All Cells from the menu bar; wait until every code cell has run and the kernel is
    idle. Returns the seconds it took."""
    start = time.monotonic()
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_function(
        f"() => {{ const p = ({_PROMPTS})(); return p.length > 0 && p.every(t => /^\\[\\d+\\]/.test(t)); }}",
        timeout=timeout_ms)
    page.wait_for_function(_KERNEL_READY, timeout=timeout_ms)
    return time.monotonic() - start


def wait_idle(page, *, timeout_ms: int = 90_000) -> None:
    """Wait until the open notebook's kernel is connected and idle."""
    page.wait_for_function(_KERNEL_READY, timeout=timeout_ms)


def prompts(page) -> list[str]:
    return page.evaluate(_PROMPTS)


def error_outputs(page) -> list[dict]:
    """Error outputs (exceptions) in the open notebook's cells, from the notebook model."""
    return page.evaluate(_ERROR_OUTPUTS)


def stderr_texts(locator) -> list[str]:
    """Text of every stderr or traceback output rendered inside ``locator``."""
    return locator.evaluate(_STDERR)


def charts(locator) -> list[str]:
    """One fingerprint per chart inside ``locator`` (empty string: a chart that has not drawn)."""
    return locator.evaluate(_CHARTS)


def clipped_charts(locator) -> list[dict]:
    """Charts inside ``locator`` cut off on the right (see ``_CLIPPED``)."""
    return locator.evaluate(_CLIPPED)


def digest(items: list[str]) -> list[str]:
    return [hashlib.sha1(i.encode()).hexdigest()[:12] if i else "" for i in items]


def wait_for(predicate, *, timeout: float, interval: float = 0.25):
    """Poll ``predicate()`` until it returns something truthy; return it, or the last value on timeout."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


def screenshot(page, locator, path: Path, *, max_height: int = 6000) -> Path:
    """Screenshot of the Lab window with ``locator`` scrolled to the top of the notebook and the
    window made tall enough to show all of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    box = locator.bounding_box() or {"height": 0}
    size = page.viewport_size or VIEWPORT
    page.set_viewport_size({"width": size["width"], "height": int(min(max(size["height"], box["height"] + 300),
                                                                      max_height))})
    try:
        locator.evaluate("e => e.scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path


def shutdown_kernel(page, *, timeout_ms: int = 30_000) -> None:
    """Shut the open notebook's kernel down (frees memory before the next notebook)."""
    page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget;"
                  " if (w && w.sessionContext) await w.sessionContext.shutdown(); }")

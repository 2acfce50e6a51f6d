"""Execute one notebook report: the one place that chains the steps.

load -> validate parameters -> parameterize -> execute (in a kernel we may have started ahead of
time) -> mark failures -> scrub secrets -> write atomically -> raise on errors.

Secrets: parameters whose help text says ``[secret]`` are injected into the kernel but their
values are replaced by ``"[secret]"`` in the injected cell and scrubbed from every output before
anything is written.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import nbformat
from nbclient.exceptions import DeadKernelError
from papermill.engines import papermill_engines
from papermill.iorw import load_notebook_node
from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE, prepare_notebook_metadata
from papermill.parameterize import parameterize_notebook

from . import files, paths
from .exceptions import KernelDiedError, NotebookExecutionError
from .kernels import KERNEL_NAME, kill, shutdown, start_kernel
from .params import find_notebook, notebook_parameters, validate_parameters
from .secrets import scrub_notebook



@dataclass
class Execution:
    """What one execution produced."""

    notebook: Path
    output: Path | None
    parameters: dict[str, Any]
    secrets: set[str] = field(default_factory=set)
    nb: Any = None
    error: NotebookExecutionError | None = None


def prepare(notebook: str | os.PathLike, parameters: Mapping[str, Any] | None = None) -> tuple[Path, dict, set[str]]:
    """Validate ``parameters`` against the notebook before any kernel starts.

    Returns the notebook path, the parameters to inject (``*_path`` values made absolute, so they
    mean the same in any working directory) and the names of secret parameters."""
    path = find_notebook(notebook)
    declared = notebook_parameters(path)
    given = dict(parameters or {})
    validate_parameters(path, given, declared=declared)
    for name, value in list(given.items()):
        if declared[name].is_path and value not in (None, "", []):
            given[name] = paths.absolute(value)
    return path, given, {n for n, p in declared.items() if p.secret}


def execute(notebook: str | os.PathLike, parameters: Mapping[str, Any] | None = None, *,
            output: str | os.PathLike | None = None, kernel_manager=None, timeout: float | None = None,
            cwd: str | os.PathLike | None = None, notebook_timeout: float | None = None,
            raise_on_error: bool = True, draw_in_browser: bool | None = None) -> Execution:
    """Run a notebook with validated parameters; write the executed copy to ``output`` atomically.

    ``kernel_manager`` may be an already started ``jupyter_client.KernelManager`` (a warm kernel);
    it is used for this notebook only and shut down afterwards. ``timeout`` limits each cell,
    ``notebook_timeout`` the whole notebook (the kernel is killed past it). On a failing cell the partial
    notebook is still written, with the failing cell marked, then NotebookExecutionError is raised
    (or returned in ``Execution.error`` when ``raise_on_error`` is false).

    Charts the kernel left as specs are drawn here (:func:`socialkit.charts.render_deferred`): by the
    Chromium this process keeps running when ``draw_in_browser`` is true (the caller prints a PDF with
    it anyway), by vl-convert when false, and when None by the browser only if it is already running.
    """
    try:
        path, given, secrets = prepare(notebook, parameters)
        nb = load_notebook_node(str(path))  # papermill's loader: adds the metadata it expects
        if given:
            nb = parameterize_notebook(nb, given, kernel_name=KERNEL_NAME, language="python")
        nb = prepare_notebook_metadata(nb, str(path), str(output) if output else None)
    except BaseException:
        if kernel_manager is not None:  # a warm kernel handed to us is ours to stop
            shutdown(kernel_manager)
        raise
    engine_kwargs: dict[str, Any] = dict(input_path=str(path), output_path=None, kernel_name=KERNEL_NAME,
                                         progress_bar=False, log_output=False, start_timeout=120,
                                         execution_timeout=timeout)
    km = kernel_manager or start_kernel(cwd=str(cwd) if cwd else None)
    timed_out = threading.Event()

    def stop_at_time_limit() -> None:
        timed_out.set()
        kill(km)

    watchdog = threading.Timer(notebook_timeout, stop_at_time_limit) if notebook_timeout else None
    died = None
    try:
        if watchdog:
            watchdog.start()
        papermill_engines.execute_notebook_with_engine(None, nb, km=km, **engine_kwargs)  # fills nb in place
    except DeadKernelError as exc:
        reason = (f"ran past its {notebook_timeout:g} s time limit" if timed_out.is_set()
                  else f"the kernel died ({exc})")
        died = KernelDiedError(path.name, _current_cell(nb), "KernelDied", reason, str(output) if output else None,
                               timed_out=timed_out.is_set())
    finally:
        if watchdog:
            watchdog.cancel()
        shutdown(km)
    _draw_charts(nb, draw_in_browser)
    # secrets go before anything reads the outputs, so no error message can carry one
    nb = scrub_notebook(nb, {n: given[n] for n in secrets if n in given})
    error = died or mark_failure(nb, path, output)
    if died:
        _banner(nb, f"The kernel stopped: {died.evalue}. Cells after the last output did not run.")
    result = Execution(path, Path(output) if output else None, given, secrets, nb, error)
    if output:
        files.write_text(output, nbformat.writes(nb))
    if error and raise_on_error:
        raise error
    return result


def _draw_charts(nb, draw_in_browser: bool | None) -> None:
    """Draw the charts the kernel left as specs (see :func:`socialkit.charts.render_deferred`)."""
    from .charts import render_deferred  # altair loads in the process that writes reports, not on `import socialkit`
    from .export import chart_drawer  # nbconvert loads with it: in the process that writes reports only

    drawer = None if draw_in_browser is False else chart_drawer(start=bool(draw_in_browser))
    render_deferred(nb, draw_svgs=drawer)


def mark_failure(nb, path: Path, output: str | os.PathLike | None) -> NotebookExecutionError | None:
    """Find the first failing cell; put papermill's error banner on top and an anchor above it."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and not (out.get("ename") == "SystemExit" and out.get("evalue") in ("", "0")):
                anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
                banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(cell.get("execution_count")))
                anchor.metadata["tags"] = banner.metadata["tags"] = [ERROR_MARKER_TAG]
                nb.cells.insert(index, anchor)
                nb.cells.insert(0, banner)
                return NotebookExecutionError(path.name, index, out.get("ename", "Error"), out.get("evalue", ""),
                                              str(output) if output else None)
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return NotebookExecutionError(path.name, index, "CellExecutionError", "the kernel stopped", str(output) if output else None)
    return None


def _current_cell(nb) -> int | None:
    """Index of the cell that was running when the kernel stopped (the first code cell without a finish time)."""
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and not cell.get("metadata", {}).get("papermill", {}).get("end_time"):
            return index
    return None


def _banner(nb, text: str) -> None:
    cell = nbformat.v4.new_markdown_cell(f'<span style="color:red; font-family:monospace">{text}</span>')
    cell.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(0, cell)

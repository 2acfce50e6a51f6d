"""ipywidgets panels for JupyterLab, one module per analysis. Panels call the same pure functions
and chart functions as the static notebook path; they are only built when a notebook runs
interactively (see :func:`socialkit.params.is_interactive`).

Every panel puts what it draws into its ``Output`` widgets with :func:`show`, never by capturing
output (``with out: display(...)``, ``out.clear_output()``)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from IPython import get_ipython
from IPython.core.formatters import DisplayFormatter


def show(out: widgets.Output, *objects: Any) -> None:
    """Make ``out`` show ``objects`` (and nothing else), as ``display`` would show them.

    The kernel formats each object and sets the widget's outputs in one change, which the frontend
    draws. Capturing output into the widget instead (``with out: display(...)``) makes the frontend
    route that output back into the widget with messages of its own: when the frontend is nbclient
    (papermill, no browser attached), it sends them on the channel on which it is waiting for the
    cell's reply, and with jupyter_client 8 and pyzmq 27 such a send can swallow the wake-up of a
    reply that has just arrived, so nbclient waits until its time limit (for ever without one).
    """
    shell = get_ipython()
    # outside IPython (a script, a test) the same formatting, without a shell
    formatter = shell.display_formatter if shell is not None else DisplayFormatter()
    outputs = []
    for obj in objects:
        data, metadata = formatter.format(obj)
        outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
    out.outputs = tuple(outputs)

"""Key figures recorded in an executed notebook, the way scrapbook glues them.

A notebook calls :func:`record` (``sk.records.record("venn_scope", 0.7)``); the value is written into
the cell's output as a scrap in scrapbook's format (mimetype
``application/scrapbook.scrap.json+json``), invisible in JupyterLab and in reports. Anyone can read
the figures of an executed notebook back: :func:`read` here, ``scrapbook.read_notebook(path).scraps``
with the scrapbook package, or any JSON reader. The kit uses them for the report's title block (the
organisation, the period covered) and for the run history (what changed since last time).
"""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

#: scrapbook's mimetype for a JSON scrap.
MIME = "application/scrapbook.scrap.json+json"
_RECORDED: dict[str, Any] = {}  # what this kernel has recorded so far (for "what changed since last time")


def _plain(value: Any) -> Any:
    """A JSON-ready copy of ``value``: numpy and pandas numbers as Python numbers, NaN as None."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, TypeError):
            value = str(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(name: str, value: Any) -> None:
    """Record ``value`` (a number, text, or a list/dict of them) under ``name`` in the executed notebook."""
    from IPython.display import display  # only inside a kernel: the kit's domain code never needs IPython

    data = {"name": str(name), "data": _plain(value), "encoder": "json", "version": 1}
    json.dumps(data)  # fail here, not in the notebook file, if something is not JSON
    _RECORDED[data["name"]] = data["data"]
    display({MIME: data}, raw=True, metadata={"scrapbook": {"name": str(name), "data": True, "display": False}})


def record_all(figures: Mapping[str, Any]) -> None:
    """Record every figure of a ``{name: value}`` dict (e.g. from :mod:`socialkit.figures`)."""
    for name, value in figures.items():
        record(name, value)


def recorded() -> dict[str, Any]:
    """Every figure this kernel has recorded so far (name -> value, as stored), e.g. to compare with
    the previous run while the report is still running."""
    return dict(_RECORDED)


def reset() -> None:
    """Forget what this kernel recorded (the notebooks' set-up starts each run afresh)."""
    _RECORDED.clear()


def read(nb: Mapping) -> dict[str, Any]:
    """Every figure recorded in an executed notebook (name -> value; a later record of a name wins)."""
    found: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            scrap = out.get("data", {}).get(MIME)
            if isinstance(scrap, str):
                scrap = json.loads(scrap)
            if isinstance(scrap, Mapping) and "name" in scrap:
                found[str(scrap["name"])] = scrap.get("data")
    return found


def is_record(output: Mapping) -> bool:
    """True for an output that only carries a recorded figure (reports leave it out)."""
    return MIME in output.get("data", {})

"""One report, from notebook to files: the pipeline that ``socialkit run`` and every batch job share.

validate parameters -> execute in a (warm) kernel -> write the executed notebook -> export HTML and/or
PDF with the same title block. :func:`run_report` chains the steps; each step is its own function
(:func:`socialkit.execute.execute`, :func:`socialkit.export.notebook_to_html`,
:func:`socialkit.export.html_to_pdf`), and every file is written atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import files
from .exceptions import NotebookExecutionError, ParameterError
from .execute import execute
from .export import html_to_pdf, notebook_to_html

#: Formats a report can be exported to, besides the executed notebook.
FORMATS = ("html", "pdf")


@dataclass
class Report:
    """What one report run produced."""

    notebook: Path
    parameters: dict[str, Any]
    secrets: set[str] = field(default_factory=set)
    outputs: list[Path] = field(default_factory=list)
    error: NotebookExecutionError | None = None
    nb: Any = None


def report_title(notebook: str | os.PathLike, parameters: Mapping[str, Any]) -> str:
    """The title of a report: what the notebook is about, and for whom ("Social business venn:
    summit_outfitters")."""
    name = Path(str(notebook)).stem
    topic = name.split("_", 1)[-1] if name[:2].isdigit() else name
    who = parameters.get("brand") or "this organisation"
    return f"{topic.replace('_', ' ').capitalize()}: {who}"


def title_block(notebook: str | os.PathLike, parameters: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, str]:
    """The title block's items: brand and notebook first, then the parameters that are not secret."""
    hidden = set(secrets)
    meta = {"brand": str(parameters.get("brand", "")), "notebook": Path(str(notebook)).stem}
    meta.update({k: str(v) for k, v in parameters.items() if k not in hidden and k != "brand"})
    return {k: v for k, v in meta.items() if v != ""}


def export_report(nb, *, notebook: str | os.PathLike, parameters: Mapping[str, Any], secrets: Iterable[str],
                  targets: Mapping[str, str | os.PathLike], pdf_engine: str = "weasyprint") -> list[Path]:
    """Write ``nb`` (an executed notebook) as each of ``targets`` ({"html": path, "pdf": path}); the
    HTML is rendered once and printed to PDF from the same page."""
    secrets = set(secrets)
    page = notebook_to_html(nb, title=report_title(notebook, parameters),
                            meta=title_block(notebook, parameters, secrets), secrets=secrets)
    written = []
    if "html" in targets:
        written.append(files.write_text(targets["html"], page))
    if "pdf" in targets:
        written.append(html_to_pdf(page, targets["pdf"], engine=pdf_engine))
    return written


def run_report(notebook: str | os.PathLike, parameters: Mapping[str, Any] | None = None, *,
               output: str | os.PathLike, formats: Iterable[str] = ("html",), pdf_engine: str = "weasyprint",
               timeout: float | None = None, notebook_timeout: float | None = None, kernel_manager=None,
               cwd: str | os.PathLike | None = None, raise_on_error: bool = True) -> Report:
    """Execute ``notebook`` with ``parameters`` into ``output`` (.ipynb) and export it next to it
    (same name, .html / .pdf) in each of ``formats``.

    A failing cell keeps the partial notebook (failing cell marked) and exports nothing; the error is
    raised, or returned in ``Report.error`` when ``raise_on_error`` is false. Export errors are raised.
    """
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ParameterError("formats", f"must name only {', '.join(FORMATS)}. Got {unknown!r} instead.", owner="run_report")
    output = Path(output)
    execution = execute(notebook, parameters, output=output, kernel_manager=kernel_manager, timeout=timeout,
                        notebook_timeout=notebook_timeout, cwd=cwd, raise_on_error=raise_on_error)
    report = Report(execution.notebook, execution.parameters, execution.secrets, [output], execution.error,
                    execution.nb)
    if execution.error is None and formats:
        report.outputs += export_report(execution.nb, notebook=execution.notebook, parameters=execution.parameters,
                                        secrets=execution.secrets, pdf_engine=pdf_engine,
                                        targets={f: output.with_suffix(f".{f}") for f in formats})
    return report

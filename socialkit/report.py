"""One report, from notebook to files: the pipeline that ``socialkit run`` and every batch job share.

validate parameters -> execute in a (warm) kernel -> write the executed notebook -> export HTML and/or
PDF with the same title block. :func:`run_report` chains the steps; each step is its own function
(:func:`socialkit.execute.execute`, :func:`socialkit.export.notebook_to_html`,
:func:`socialkit.export.html_to_pdf`), and every file is written atomically.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import config, files, paths, records
from .exceptions import NotebookExecutionError, ParameterError, SocialKitError
from .execute import execute
from .export import appendix, html_to_pdf, masthead, notebook_title, notebook_to_html, prints_in_browser
from .params import NOTEBOOK_INPUTS, UNNAMED, input_path, objectives_path

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
    """A short name for a report in lists and progress lines ("Social business venn: summit_outfitters");
    the report itself is titled by its notebook's heading and the organisation (see :func:`export_report`)."""
    name = Path(str(notebook)).stem
    topic = name.split("_", 1)[-1] if name[:2].isdigit() else name
    who = parameters.get("organisation") or parameters.get("brand") or UNNAMED
    return f"{topic.replace('_', ' ').capitalize()}: {who}"


def inputs_used(notebook: str | os.PathLike, parameters: Mapping[str, Any]) -> list[dict[str, str]]:
    """The input files a run read, with their fingerprints (the same hash batch resume compares): each
    input kind the notebook reads, from its ``<kind>_path`` parameter or the sample brand's file."""
    kinds = NOTEBOOK_INPUTS.get(Path(str(notebook)).stem, ())
    rows = []
    for kind in kinds:
        try:
            spec = objectives_path(parameters) if kind == "objectives" else (
                parameters.get(f"{kind}_path") or input_path(parameters, kind))
        except SocialKitError:  # e.g. a brand that is not a sample brand, with no file given
            continue
        if spec in (None, "", []):
            continue
        spec = [str(p) for p in spec] if isinstance(spec, (list, tuple)) else str(spec)
        if paths.problem(spec) is not None:
            continue
        found = paths.expand(spec)
        shown = _shown_path(found[0]) if len(found) == 1 else f"{len(found)} files in {_shown_path(found[0].parent)}"
        rows.append({"kind": kind, "file": shown, "fingerprint": paths.fingerprint(spec)[:16]})
    return rows


def _shown_path(path: Path) -> str:
    """A path as a reader should see it: inside the kit's samples as "sample data: brand/file", inside
    the working folder relative to it, else as given."""
    path = Path(path).absolute()
    for root, prefix in ((config.samples_dir(), "sample data: "), (config.working_dir(), "")):
        try:
            return prefix + str(path.relative_to(Path(root).absolute()))
        except ValueError:
            continue
    return str(path)


def logo_uri(path: str | os.PathLike | None) -> str | None:
    """A logo file as a ``data:`` URI for the title block (None when there is none or it is not an image)."""
    if not path or not Path(path).is_file():
        return None
    mime = mimetypes.guess_type(str(path))[0]
    if not mime or not mime.startswith("image/"):
        return None
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode()}"


def export_report(nb, *, notebook: str | os.PathLike, parameters: Mapping[str, Any], secrets: Iterable[str],
                  targets: Mapping[str, str | os.PathLike], pdf_engine: str = "auto",
                  phases: dict[str, float] | None = None) -> list[Path]:
    """Write ``nb`` (an executed notebook) as each of ``targets`` ({"html": path, "pdf": path}); the
    HTML is rendered once and printed to PDF from the same page. The title block names the
    organisation and the period the notebook recorded; parameters and input fingerprints go to the
    report's last section, "How this report was made". ``phases`` (a dict) receives the seconds
    spent making the page (``html``), writing it (``write``) and printing the PDF (``pdf``)."""
    phases = {} if phases is None else phases
    clock = time.perf_counter()
    secrets = set(secrets)
    found = records.read(nb)
    made = appendix(nb, parameters=parameters, secrets=secrets, inputs=inputs_used(notebook, parameters))
    made["notebook"] = Path(str(notebook)).stem
    page = notebook_to_html(nb, title=notebook_title(nb), masthead_items=masthead(nb), appendix_items=made,
                            accent=found.get("accent_colour"), logo=logo_uri(found.get("logo")), secrets=secrets)
    phases["html"] = phases.get("html", 0.0) + time.perf_counter() - clock
    written = []
    if "html" in targets:
        clock = time.perf_counter()
        written.append(files.write_text(targets["html"], page))
        phases["write"] = phases.get("write", 0.0) + time.perf_counter() - clock
    if "pdf" in targets:
        clock = time.perf_counter()
        written.append(html_to_pdf(page, targets["pdf"], engine=pdf_engine))
        phases["pdf"] = phases.get("pdf", 0.0) + time.perf_counter() - clock
    return written


def run_report(notebook: str | os.PathLike, parameters: Mapping[str, Any] | None = None, *,
               output: str | os.PathLike, formats: Iterable[str] = ("html",), pdf_engine: str = "auto",
               timeout: float | None = None, notebook_timeout: float | None = None, kernel_manager=None,
               cwd: str | os.PathLike | None = None, raise_on_error: bool = True,
               phases: dict[str, float] | None = None) -> Report:
    """Execute ``notebook`` with ``parameters`` into ``output`` (.ipynb) and export it next to it
    (same name, .html / .pdf) in each of ``formats``.

    A failing cell keeps the partial notebook (failing cell marked) and exports nothing; the error is
    raised, or returned in ``Report.error`` when ``raise_on_error`` is false. Export errors are raised.
    ``phases`` (a dict) receives the seconds of each phase: ``execute`` (running the cells and writing
    the executed notebook), then ``html``, ``write`` and ``pdf`` (see :func:`export_report`).
    """
    phases = {} if phases is None else phases
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ParameterError("formats", f"must name only {', '.join(FORMATS)}. Got {unknown!r} instead.", owner="run_report")
    output = Path(output)
    clock = time.perf_counter()
    try:
        execution = execute(notebook, parameters, output=output, kernel_manager=kernel_manager, timeout=timeout,
                            notebook_timeout=notebook_timeout, cwd=cwd, raise_on_error=raise_on_error,
                            draw_in_browser=True if "pdf" in formats and prints_in_browser(pdf_engine) else None)
    finally:
        phases["execute"] = time.perf_counter() - clock
    report = Report(execution.notebook, execution.parameters, execution.secrets, [output], execution.error,
                    execution.nb)
    if execution.error is None and formats:
        report.outputs += export_report(execution.nb, notebook=execution.notebook, parameters=execution.parameters,
                                        secrets=execution.secrets, pdf_engine=pdf_engine,
                                        targets={f: output.with_suffix(f".{f}") for f in formats}, phases=phases)
    return report

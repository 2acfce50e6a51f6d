"""Offline export of executed notebooks to stakeholder HTML and PDF.

One pipeline, pure steps, I/O at the edge:

* :func:`prepare_notebook` returns a report-ready copy of an executed notebook: the papermill
  ``injected-parameters`` cell and the ``parameters`` cell removed, every secret value replaced by
  ``[secret]`` (sources, outputs, metadata);
* :func:`notebook_to_html` renders it with the offline ``socialkit_report`` nbconvert template
  (JupyterLab's look, no JavaScript, no CDN): code hidden, a title block, a table of contents from
  the markdown headings, charts inlined as vector SVG;
* :func:`html_to_pdf` prints that HTML to PDF through a registry of engines
  (:data:`PDF_ENGINES`): ``chromium`` (Debian's Chromium, kept running per process by
  :mod:`socialkit.browser`), ``weasyprint`` (pip only, slower on chart-heavy reports) and ``auto``
  (the default: chromium when a Chromium is installed, else weasyprint); add one with
  :func:`register_pdf_engine`;
* :func:`export_notebook` chains them for a file: ``socialkit export NOTEBOOK --to html|pdf``.

Every file is written atomically (:func:`socialkit.files.atomic_path`).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import html as _html
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from . import browser, files
from .config import PACKAGE_DIR
from .exceptions import EngineUnavailableError, ExportError, InputFileError, ParameterError
from . import __version__
from .params import closest
from .records import is_record, read as read_records
from .secrets import MIN_SECRET_LENGTH, find_secret_values, scrub, scrub_tree, secret_names
from .tablecss import share_table_styles

#: Folder of the kit's nbconvert templates (inside the package, so it works when installed).
TEMPLATES_DIR = PACKAGE_DIR / "templates"
#: The offline report template (extends JupyterLab's ``lab`` template).
TEMPLATE_NAME = "socialkit_report"
#: Cells with one of these tags are left out of the report entirely.
REMOVE_CELL_TAGS = ("injected-parameters", "parameters", "remove-cell")
#: Cells with one of these tags keep their place but lose their outputs.
REMOVE_OUTPUT_TAGS = ("remove-output", "hide-output")
#: Output formats of :func:`export_notebook`.
FORMATS = ("html", "pdf")
#: Seconds an external PDF engine may run before it is stopped.
DEFAULT_TIMEOUT = 120.0
#: Which output is shown when a cell has several representations: static vector graphics first,
#: so a chart never falls back to an HTML/JavaScript view that needs a CDN.
DISPLAY_PRIORITY = ["image/svg+xml", "image/png", "image/jpeg", "text/html", "text/markdown",
                    "text/latex", "text/vnd.mermaid", "text/plain"]


# --------------------------------------------------------------------------- preparing


def prepare_notebook(nb: nbformat.NotebookNode, *, secret_values: Iterable[str] = ()) -> nbformat.NotebookNode:
    """A report-ready copy of ``nb`` (``nb`` itself is not changed).

    Cells tagged ``injected-parameters``, ``parameters`` or ``remove-cell`` are removed; cells
    tagged ``remove-output`` lose their outputs, and so do stderr streams and recorded figures (see
    :mod:`socialkit.records`); widget state is dropped (a static report cannot use it); every string of
    the notebook (sources, outputs, metadata; not base64 images) has the ``secret_values`` replaced by
    ``[secret]``. A run of markdown cells and the output that follows it are marked to stay on one
    page (a heading or a caption is never left at the bottom of a page without its chart or table).
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & set(REMOVE_CELL_TAGS):
            continue
        if cell.get("cell_type") == "code" and tags & set(REMOVE_OUTPUT_TAGS):
            cell["outputs"] = []
        if cell.get("cell_type") == "code":  # a library's stray stderr text is not for stakeholders
            cell["outputs"] = [o for o in cell.get("outputs", []) if not is_record(o) and
                               not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell["outputs"]:
                continue  # a cell that shows nothing takes no room in the report
        cells.append(cell)
    out.cells = cells
    _keep_together(out.cells)
    out.metadata.pop("widgets", None)
    values = list(secret_values)
    if values:
        out = nbformat.from_dict(scrub_tree(out, values))
    return out


def _keep_together(cells: list) -> None:
    """Mark each run of markdown cells and the chart or table after it as one block (``sk_keep``);
    text that follows a heading flows freely (the heading itself never ends a page)."""
    start = None
    for i, cell in enumerate(cells):
        cell.metadata.pop("sk_keep_open", None)
        cell.metadata.pop("sk_keep_close", None)
        if cell.get("cell_type") == "markdown":
            start = i if start is None else start
        elif start is not None:
            if _is_figure(cell):
                cells[start].metadata["sk_keep_open"] = True
                cell.metadata["sk_keep_close"] = True
            start = None


def _is_figure(cell) -> bool:
    """A cell whose output is a chart or a table (what a caption belongs to)."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/svg+xml" in data or "image/png" in data or "gt_table" in "".join(data.get("text/html", "")):
            return True
    return False


def report_date(nb: Mapping) -> str:
    """The day the notebook was run (papermill's record), else today, as YYYY-MM-DD."""
    pm = nb.get("metadata", {}).get("papermill", {}) or {}
    return str(pm.get("end_time") or _dt.date.today().isoformat())[:10]


def masthead(nb: Mapping, *, organisation: str | None = None, period: str | None = None) -> dict[str, str]:
    """What the title block says, for people: the organisation, the period covered and the date.

    The organisation and the period come from the figures the notebook recorded (see
    :mod:`socialkit.records`: ``organisation``, ``period_covered``, and for a report on one period
    ``period`` and ``compared_with``) unless given here."""
    found = read_records(nb)
    items = {}
    org = organisation or found.get("organisation")
    if org:
        items["Organisation"] = str(org)
    covered = period or found.get("period_covered")
    if found.get("period") and not period:
        items["Period"] = f"{found['period']} ({covered})" if covered else str(found["period"])
        if found.get("compared_with"):
            items["Compared with"] = str(found["compared_with"])
    elif covered:
        items["Period covered"] = str(covered)
    items["Date"] = report_date(nb)
    return items


def appendix(nb: Mapping, *, parameters: Mapping[str, Any] | None = None, secrets: Iterable[str] = (),
             inputs: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """"How this report was made": the notebook, the parameters (not the secret ones), the input files
    with their fingerprints, the kit's version and the time zone, for anyone who must trace a number."""
    pm = nb.get("metadata", {}).get("papermill", {}) or {}
    hidden = set(secrets) | secret_names(nb)
    given = dict(parameters) if parameters is not None else dict(pm.get("parameters") or {})
    notebook = Path(str(pm.get("input_path") or nb.get("metadata", {}).get("socialkit", {}).get("notebook") or "")).stem
    found = read_records(nb)
    return {
        "notebook": notebook,
        "parameters": {k: meta_text(v) for k, v in given.items() if k not in hidden},
        "inputs": [dict(i) for i in inputs],
        "kit": f"socialkit {__version__}",
        "timezone": str(found.get("timezone") or ""),
        "date": report_date(nb),
    }


def meta_text(value: Any) -> str:
    """How a parameter value reads in the appendix: strings as is, the rest as Python literals (as
    they are written in the parameters cell)."""
    return value if isinstance(value, str) else repr(value)


def notebook_title(nb: Mapping, default: str = "Report") -> str:
    """The report's name: ``metadata.title``, else the first level-1 markdown heading, else ``default``."""
    title = nb.get("metadata", {}).get("title")
    if title:
        return str(title)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+?)\s*#*\s*$", _source(cell), flags=re.M)
            if m:
                return m.group(1)
    return default


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes and backslashes escaped, line breaks folded, and
    ``<``, ``>`` and ``&`` written as CSS escapes so nothing in it can close the ``<style>`` element."""
    def escape(ch: str) -> str:
        return f"\\{ord(ch):x} " if ch in '<>&"\\' else ch

    return '"' + "".join(escape(c) for c in " ".join(str(text).split())) + '"'


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


# --------------------------------------------------------------------------- HTML


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str | None = None, masthead_items: Mapping[str, Any] | None = None,
                     appendix_items: Mapping[str, Any] | None = None, accent: str | None = None,
                     logo: str | None = None, secrets: Iterable[str] = (), secret_values: Iterable[str] = ()) -> str:
    """Render an executed notebook as a self-contained, offline HTML report.

    ``title`` is the report's name (default: the notebook's first heading); the title block shows it
    with ``masthead_items`` (default :func:`masthead`: organisation, period covered, date) and nothing
    technical; the parameters, input files and versions go to a last section, "How this report was
    made" (``appendix_items``, default :func:`appendix`). ``accent`` (a #rrggbb colour) colours the
    title rule and headings; ``logo`` is a ``data:`` URI shown in the title block. The footer of every
    page carries the organisation's name and the page number.
    ``secrets`` names secret parameters: their values (found in the notebook, see
    :func:`find_secret_values`) and any extra ``secret_values`` are replaced by ``[secret]``
    everywhere. Names marked ``[secret]`` in the ``parameters`` cell are secret too.

    Code inputs are hidden, the ``injected-parameters`` and ``parameters`` cells removed, charts
    kept as inline SVG, and the page loads nothing from the network (no ``<script>`` at all).
    """
    names = set(secrets) | secret_names(nb)
    extra = {v for v in map(str, secret_values) if len(v) >= MIN_SECRET_LENGTH}
    values = sorted(set(find_secret_values(nb, names)) | extra, key=lambda s: (-len(s), s))
    report = prepare_notebook(nb, secret_values=values)
    items = dict(masthead(nb) if masthead_items is None else masthead_items)
    items = {str(k): scrub(str(v), values) for k, v in items.items()}
    made = appendix(nb, secrets=names) if appendix_items is None else dict(appendix_items)
    made = scrub_tree(made, values)
    name = scrub(str(title or notebook_title(nb)), values)
    organisation = items.get("Organisation", "")
    page_title = f"{name}: {organisation}" if organisation else name
    report.metadata["title"] = page_title
    if accent and not _COLOUR.match(str(accent)):
        raise ParameterError("accent_colour", f"must be a colour written #rrggbb. Got {accent!r} instead.",
                             owner="the report")
    if logo and not str(logo).startswith("data:image/"):
        raise ParameterError("logo", "must be an image embedded as a data: URI (the kit reads the brand's logo "
                             "file and embeds it; reports load nothing from elsewhere).", owner="the report")

    exporter = _html_exporter()
    inliner = _SvgInliner()
    exporter.register_filter("inline_svg", inliner)
    exporter.register_filter("css_string", _css_string)
    footer = organisation or name
    resources = {"socialkit": {"title": name, "organisation": organisation,
                               "meta": [(k, v) for k, v in items.items() if k != "Organisation"],
                               "appendix": made, "accent": accent or "", "logo": logo or "", "footer": footer},
                 "metadata": {"name": page_title}}
    try:
        body, _ = exporter.from_notebook_node(report, resources=resources)
    except Exception as exc:  # jinja2/nbconvert raise many types; say which template failed
        raise ExportError(f"the '{TEMPLATE_NAME}' template (in {TEMPLATES_DIR.name}/) could not render "
                          f"the notebook ({type(exc).__name__}: {exc})") from exc
    body = _drop_repeated_title(body, name)
    body = share_table_styles(offline_html(inliner.restore(body)))
    body = _fill_toc(body, contents=nb.get("metadata", {}).get("socialkit", {}).get("contents", True))
    return scrub(body, values)


_EXPORTERS = threading.local()
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?=[\s"])[^"]*")')
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt\s*=)")


class _ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step: parsing the whole page with BeautifulSoup and
    writing it out again (about 40 % of a report's HTML time) only to give images without ``alt``
    text one and make input and output areas focusable (``tabindex="0"``). The same attributes are
    added to the rendered text here."""

    def from_notebook_node(self, nb, resources=None, **kw):
        # what HTMLExporter.from_notebook_node does before its BeautifulSoup pass (nbconvert 7.16+)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code",
                             self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                       parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _FOCUSABLE.sub(r'\1 tabindex="0"', html)
        html = _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', html)
        return html, resources


def _html_exporter() -> HTMLExporter:
    """This thread's HTML exporter: its template is compiled on first use and kept (compiling it costs
    0.1-0.25 s per report). The per-report filters are registered again on every use."""
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is not None:
        return exporter
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    # the notebook is validated once, after nbconvert's preprocessors, not after each of them (a dozen
    # validations of a megabyte notebook: 20-40 ms a report)
    config.Exporter.optimistic_validation = True
    try:
        exporter = _ReportExporter(config=config, template_name=TEMPLATE_NAME,
                                   extra_template_basedirs=[str(TEMPLATES_DIR)])
    except ValueError as exc:  # nbconvert's own 'lab' template (the base of ours) is not installed
        raise ExportError(f"the '{TEMPLATE_NAME}' report template could not be loaded ({exc})",
                          fix="install nbconvert with its templates into this environment "
                              "(pip install nbconvert), or check JUPYTER_PATH") from exc
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    _EXPORTERS.html = exporter
    return exporter


class _SvgInliner:
    """Template filter: keeps each SVG output aside and leaves a placeholder comment, so the markup
    is put back byte for byte after the page-wide HTML passes (an HTML parser would lower-case ``viewBox``).
    Ids are made unique per chart. Scripts, event handlers and anything that loads from the network are
    removed from the restored page as a whole (:func:`offline_html`)."""

    def __init__(self):
        self.svgs: list[str] = []

    def __call__(self, svg: Any) -> str:
        svg = "".join(svg) if isinstance(svg, list) else str(svg)
        prefix = f"sk{len(self.svgs) + 1}-"
        svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.S)
        svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
        svg = re.sub(r"url\(\s*#([^)\s]+)\s*\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
        svg = re.sub(r'((?:xlink:)?href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', svg)
        self.svgs.append(svg.strip())
        return f"<!-- socialkit:svg:{len(self.svgs)} -->"

    def restore(self, html: str) -> str:
        return re.sub(r"<!-- socialkit:svg:(\d+) -->", lambda m: self.svgs[int(m.group(1)) - 1], html)


_EXTERNAL = r"""\s*(?:https?:)?//"""


def offline_html(html: str) -> str:
    """``html`` with everything that would load from the network or run removed.

    Drops every ``<script>`` element, ``<link>`` to a remote file, remote ``@import`` and CSS
    ``url()``, and ``<iframe>``/``<object>``/``<embed>``; remote images become a short note.
    Ordinary links (``<a href>``) stay: they load nothing.
    """
    flags = re.S | re.I
    html = re.sub(r"<script\b.*?</script\s*>|<script\b[^>]*/?>", "", html, flags=flags)
    html = re.sub(r"<link\b[^>]*\bhref\s*=\s*[\"']?" + _EXTERNAL + r"[^>]*>", "", html, flags=flags)
    html = re.sub(r"@import\s+(?:url\()?\s*[\"']?" + _EXTERNAL + r"[^;]*;?", "", html, flags=flags)
    html = re.sub(r"url\(\s*[\"']?" + _EXTERNAL + r"[^)]*\)", "none", html, flags=flags)
    html = re.sub(r"<(iframe|object|embed|video|audio)\b.*?</\1\s*>|<(?:iframe|object|embed|video|audio|source)\b[^>]*>",
                  "", html, flags=flags)
    html = re.sub(r"<img\b[^>]*\bsrc\s*=\s*[\"']?" + _EXTERNAL + r"[^>]*>",
                  '<span class="sk-removed">[remote image not included in the offline report]</span>',
                  html, flags=flags)
    html = re.sub(r"(<(?:image|use|feImage)\b[^>]*\b(?:xlink:)?href\s*=\s*)([\"'])" + _EXTERNAL + r"[^\"']*\2",
                  r"\1\2\2", html, flags=flags)
    if "srcset" in html.lower():  # the pattern has no fixed start: a slow scan of a page without any
        html = re.sub(r"\bsrcset\s*=\s*([\"'])[^\"']*" + r"(?:https?:)?//" + r"[^\"']*\1", "", html, flags=flags)
    # tags that redirect, re-base links or submit data would reach the network when opened
    html = re.sub(r"<meta\b[^>]*\bhttp-equiv\s*=\s*[\"']?refresh[^>]*>|<base\b[^>]*>", "", html, flags=flags)
    html = re.sub(r"<form\b[^>]*>|</form\s*>", "", html, flags=flags)
    return _drop_event_handlers(html)


_EVENT_ATTR = re.compile(r"(<[A-Za-z][^<>]*?)[\s/]+on[A-Za-z]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.S | re.I)
_JS_URL = re.compile(r"(<[A-Za-z][^<>]*?\b(?:href|src|xlink:href|action|formaction)\s*=\s*)([\"']?)\s*javascript:[^\"'\s>]*\2",
                     re.S | re.I)

#: What every match of the two patterns above contains: pages without it are left as they are.
_EVENT_HINT = re.compile(r"[\s/]on[A-Za-z]+\s*=", re.I)
_JS_HINT = re.compile(r"javascript:", re.I)


def _drop_event_handlers(html: str) -> str:
    """Remove ``on*=`` attributes and ``javascript:`` URLs from every tag (a Markdown output can
    carry raw HTML quoting a user-supplied name such as ``<img src=x onerror=...>``)."""
    if not _EVENT_HINT.search(html) and not _JS_HINT.search(html):
        return html  # nothing either pattern could match (a quick scan of a page of long SVG paths)
    previous = None
    while previous != html:
        previous = html
        html = _EVENT_ATTR.sub(r"\1", html)
        html = _JS_URL.sub(r"\1\2\2", html)
    return html


_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)


def table_of_contents(html: str) -> list[tuple[int, str, str]]:
    """``(level, anchor id, text)`` of the headings of a rendered report's main content.

    A single level-1 heading is the document's title and is left out; the contents then list
    levels 2 and 3, otherwise levels 1 and 2.
    """
    main = html.split("<main>", 1)[1] if "<main>" in html else html
    found = []
    for m in _HEADING.finditer(main):
        anchor = re.search(r'\bid="([^"]+)"', m.group(2))
        text = re.sub(r"<a\b[^>]*class=\"anchor-link\"[^>]*>.*?</a>", "", m.group(3), flags=re.S)
        text = _html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if anchor and text:
            found.append((int(m.group(1)), anchor.group(1), text))
    n_top = sum(1 for level, *_ in found if level == 1)
    top = 2 if n_top <= 1 else 1
    return [(level, a, t) for level, a, t in found if top <= level <= top + 1]


def _fill_toc(html: str, *, contents: bool = True) -> str:
    entries = table_of_contents(html) if contents else []
    if not entries:
        return re.sub(r'<nav\b[^>]*class="sk-toc"[^>]*>.*?</nav>\s*', "", html, count=1, flags=re.S)
    top = min(level for level, *_ in entries)
    # headings that carry their own numbers ("1. The survey") are not numbered a second time
    numbered = all(re.match(r"\d+[.)]\s", text) for level, _, text in entries if level == top)
    parts, open_sub = ['<ol class="sk-numbered">' if numbered else "<ol>"], False
    for level, anchor, text in entries:
        link = f'<a href="#{_html.escape(anchor)}">{_html.escape(text)}</a>'
        if level == top:
            parts.append(("</ol></li>" if open_sub else "</li>" if len(parts) > 1 else "") + f"<li>{link}")
            open_sub = False
        else:
            if not open_sub:
                parts.append("<ol>" if len(parts) > 1 else "<li><ol>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
    parts.append(("</ol></li>" if open_sub else "</li>") + "</ol>")
    return html.replace("<!-- socialkit:toc -->", "\n".join(parts), 1)


def _drop_repeated_title(html: str, title: str) -> str:
    """Remove the notebook's own level-1 heading when it repeats the title block."""
    if "<main>" not in html:
        return html
    head, main = html.split("<main>", 1)
    m = re.search(r"<h1\b[^>]*>(.*?)</h1\s*>", main, flags=re.S | re.I)
    if m:
        text = re.sub(r"<a\b[^>]*class=\"anchor-link\"[^>]*>.*?</a>", "", m.group(1), flags=re.S)
        if _html.unescape(re.sub(r"<[^>]+>", "", text)).strip() == title.strip():
            main = main[:m.start()] + main[m.end():]
    return head + "<main>" + main


# --------------------------------------------------------------------------- PDF engines

#: Registered PDF engines: name -> callable ``(html, out_path, *, timeout) -> None`` that writes a
#: PDF to ``out_path`` (a temporary path that :func:`html_to_pdf` renames into place).
PDF_ENGINES: dict[str, Callable[..., None]] = {}


def register_pdf_engine(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorator adding a PDF engine to :data:`PDF_ENGINES` under ``name``.

    The engine is called as ``engine(html, out_path, *, timeout)`` and must write a PDF to
    ``out_path``; when its software is missing it raises :class:`EngineUnavailableError` saying
    how to install it.
    """
    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        PDF_ENGINES[name] = func
        return func

    return decorate


def html_to_pdf(html: str, out_path: str | os.PathLike, *, engine: str = "auto",
                timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print an HTML report to a PDF file with one of :data:`PDF_ENGINES`; returns the path.

    The file is written atomically: a failed engine leaves no half-written PDF behind.
    """
    if engine not in PDF_ENGINES:
        hint = closest(engine, PDF_ENGINES)
        raise EngineUnavailableError(engine, f"is not registered (registered: {', '.join(sorted(PDF_ENGINES))}).",
                                     fix=f"use engine='{hint}'" if hint else "use engine='auto' (the default)")
    out_path = Path(out_path)
    with files.atomic_path(out_path) as tmp:
        PDF_ENGINES[engine](html, tmp, timeout=timeout)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise ExportError(f"PDF engine '{engine}' wrote no PDF for {out_path.name}")
    return out_path


def _offline_fetcher():
    """WeasyPrint URL fetcher that only accepts inline ``data:`` URLs: nothing from disk or network."""
    from weasyprint import URLFetcher  # optional engine: imported only when it prints

    return URLFetcher(allowed_protocols={"data"})


@register_pdf_engine("weasyprint")
def weasyprint_pdf(html: str, out_path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """HTML -> PDF with WeasyPrint (pure Python + Pango; no browser, no JavaScript).

    Runs in this process, so ``timeout`` is not enforced; WeasyPrint loads only ``data:`` URLs here.
    """
    try:
        import weasyprint  # needs the Pango library: imported only when this engine prints
    except (ImportError, OSError) as exc:
        raise EngineUnavailableError(
            "weasyprint", f"cannot be imported ({type(exc).__name__}: {exc}).",
            fix="pip install weasyprint (it needs the Pango library: sudo apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0), or use engine='chromium'") from exc
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the lab stylesheet triggers many harmless "unsupported CSS" warnings
    try:
        weasyprint.HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf(str(out_path))
    finally:
        logger.setLevel(level)


#: Executables tried, in order, for the ``chromium`` engine (``SOCIALKIT_CHROMIUM`` overrides).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a headless, offline, root-safe print run (a fresh profile is added per run).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                  "--no-pdf-header-footer", *browser.NO_NETWORK)
_CHROMIUM_FIX = ("install it with `sudo apt-get install chromium` (Debian/Ubuntu; `make test` installs it), "
                 "or set SOCIALKIT_CHROMIUM to the browser's executable, or use engine='weasyprint'")


def chromium_executable() -> str:
    """Path of the Chromium executable: ``$SOCIALKIT_CHROMIUM`` if set, else the first of
    :data:`CHROMIUM_NAMES` on the PATH; raises :class:`EngineUnavailableError` when none is found."""
    explicit = os.environ.get("SOCIALKIT_CHROMIUM")
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise EngineUnavailableError("chromium", f"needs a Chromium browser, but SOCIALKIT_CHROMIUM={explicit} "
                                         "is not an executable file.", fix=_CHROMIUM_FIX)
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise EngineUnavailableError("chromium", f"needs a Chromium browser, but none was found on the PATH "
                                 f"(looked for {', '.join(CHROMIUM_NAMES)}).", fix=_CHROMIUM_FIX)


@register_pdf_engine("chromium")
def chromium_pdf(html: str, out_path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """HTML -> PDF with headless Chromium: a browser kept running in this process and driven by
    Playwright (:mod:`socialkit.browser`: one page per process, JavaScript and network off);
    without Playwright, one ``--print-to-pdf`` run per report with a fresh profile, stopped (its whole
    process group) after ``timeout`` seconds.
    """
    exe = chromium_executable()
    if browser.available():
        out_path.write_bytes(browser.printer(exe).pdf(html, timeout=timeout))
        return
    with tempfile.TemporaryDirectory(prefix="socialkit-chromium-") as tmp:
        tmp = Path(tmp)
        page = files.write_text(tmp / "report.html", html)
        pdf = tmp / "report.pdf"
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env={**os.environ, "HOME": str(tmp)})
        except OSError as exc:
            raise EngineUnavailableError("chromium", f"could not start {exe} ({exc}).", fix=_CHROMIUM_FIX) from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ExportError(f"PDF engine 'chromium' did not finish within {timeout:g} s and was stopped; "
                              "pass a larger timeout, or use engine='weasyprint'") from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # helper processes left by the browser
        if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            tail = "\n".join(err.decode("utf-8", "replace").strip().splitlines()[-5:])
            raise ExportError(f"PDF engine 'chromium' ({exe}) exited with code {proc.returncode} and wrote no PDF"
                              + (f":\n{tail}" if tail else ""))
        shutil.copyfile(pdf, out_path)


def _browser_printer() -> browser.Printer | None:
    """The Chromium printer of this process (its browser starts on first use), or None without
    Playwright or a Chromium."""
    if not browser.available():
        return None
    try:
        return browser.printer(chromium_executable())
    except EngineUnavailableError:
        return None


def chart_drawer(*, start: bool = True) -> Callable[[list[dict]], list[str | None]] | None:
    """What draws a report's vector charts in this process: the running Chromium
    (:meth:`socialkit.browser.Printer.svgs`, about three times faster than vl-convert) when Playwright
    and a Chromium are installed, else None (vl-convert draws them). With ``start=False`` the browser
    is used only when this process already runs it: starting one costs more than vl-convert for a
    process that draws one report and prints no PDF. ``SOCIALKIT_CHARTS=vl-convert`` always leaves the
    drawing to vl-convert."""
    if os.environ.get("SOCIALKIT_CHARTS", "").lower() == "vl-convert":
        return None
    printer = _browser_printer()
    return printer.svgs if printer is not None and (start or printer.running) else None


def warm_browser() -> None:
    """Start this process's Chromium printer in the background (see :meth:`socialkit.browser.Printer.warm`),
    with its chart-drawing page when charts are drawn in it (:func:`chart_drawer`)."""
    printer = _browser_printer()
    if printer is not None:
        printer.warm(drawing=chart_drawer() is not None)


def prints_in_browser(engine: str) -> bool:
    """Whether PDFs from ``engine`` are printed by the Chromium this process keeps running."""
    return engine in ("auto", "chromium") and _browser_printer() is not None


@register_pdf_engine("auto")
def auto_pdf(html: str, out_path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """``chromium`` when a Chromium browser is found (a warm browser prints a report in well under a
    second), else ``weasyprint`` (pip only, several seconds for a chart-heavy report)."""
    try:
        chromium_executable()
    except EngineUnavailableError:
        return weasyprint_pdf(html, out_path, timeout=timeout)
    return chromium_pdf(html, out_path, timeout=timeout)


# --------------------------------------------------------------------------- files


def export_notebook(path: str | os.PathLike, *, to: str = "html", out: str | os.PathLike | None = None,
                    engine: str = "auto", title: str | None = None, secrets: Iterable[str] = (),
                    secret_values: Iterable[str] = (), timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Export an executed notebook file to HTML or PDF; returns the written path.

    The export goes next to the notebook (same name, ``.html``/``.pdf``) unless ``out`` is given.
    ``title`` defaults to the notebook's first level-1 heading; the title block and the appendix come
    from the notebook (see :func:`notebook_to_html`, which also explains ``secrets``).
    """
    path = Path(path)
    if to not in FORMATS:
        raise ParameterError("to", f"must be one of {list(FORMATS)}. Got {to!r} instead.", closest(str(to), FORMATS),
                             owner="export_notebook")
    if not path.is_file():
        raise InputFileError(path, "notebook not found", fix="give the path of an executed .ipynb file")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and OS errors
        raise InputFileError(path, f"is not a readable notebook ({type(exc).__name__}: {exc})",
                             fix="export an .ipynb written by Jupyter or papermill") from exc
    target = Path(out) if out is not None else path.with_suffix(f".{to}")
    if target.resolve() == path.resolve():
        raise ParameterError("out", f"must differ from the notebook itself. Got {target} instead.", owner="export_notebook")
    nb.metadata.setdefault("socialkit", {}).setdefault("notebook", path.stem)
    text = notebook_to_html(nb, title=title or notebook_title(nb, default=path.stem), secrets=secrets,
                            secret_values=secret_values)
    if to == "html":
        return files.write_text(target, text)
    return html_to_pdf(text, target, engine=engine, timeout=timeout)


def _source(cell: Mapping) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src

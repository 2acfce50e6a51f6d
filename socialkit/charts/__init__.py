"""Charts: the house theme, rendering set-up, and one module per concept.

Chart functions live in ``socialkit.charts.<concept>`` (``venn``, ``depth``, ``ladder``,
``segments``, ``metrics``, ``history`` for key figures across runs): each takes the result
objects or tidy tables of its domain module and returns an ``alt.Chart``; none displays, saves
or changes global state. Colours come from the house colours (:mod:`socialkit.colours`, re-exported
here), never from hex codes in the domain code.

How a chart is rendered is chosen once per context with :func:`use_rendering`:

* ``"static"`` (batch, papermill, export): SVG through vl-convert, no JavaScript, survives in HTML
  and PDF with no internet;
* ``"interactive"`` (JupyterLab): Altair's ``jupyter`` renderer with ``offline=True`` (anywidget),
  so tooltips and selections work with no CDN.

Altair refuses more than 5,000 rows per chart; the kit aggregates or samples in pandas first
(:func:`sample_for_chart`).
"""

from __future__ import annotations

import base64
import os
from typing import Any, Callable

import altair as alt
import pandas as pd
from altair.vegalite.v6.display import png_renderer, svg_renderer

# the house colours, kept in a module without Altair (pages without charts use them too)
from ..colours import (BAD, BLACK, BLUE, BLUES, CAUTION, FAINT, GOOD, GREEN, GRID, INK, MUTED, NEUTRAL,  # noqa: F401
                       ORANGE, PALETTE, PURPLE, RULE, SKY, VERMILION, YELLOW)
from ..exceptions import ParameterError

THEME = "socialkit"
#: Background bands of a bullet chart: behind, close, met (light grey, grey, light green).
BULLET_BANDS = [FAINT, "#dddddd", "#cfe8dc"]
#: Diverging scheme for indices around 100; sequential scheme for counts and scores.
DIVERGING = "redblue"
SEQUENTIAL = "blues"
MAX_CHART_ROWS = 5000
#: Resolution at which dense charts are rasterised for reports (pixels per inch).
PRINT_PPI = 200
STATIC_RENDERER = "socialkit-static"
#: Output type of a chart whose drawing is left to the process that writes the report (see
#: :func:`render_deferred`): kernels the kit starts set ``SOCIALKIT_DEFER_CHARTS=1``.
DEFERRED_MIME = "application/vnd.socialkit.chart+json"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@alt.theme.register(THEME, enable=False)
def _socialkit_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 420, "continuousHeight": 280, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridColor": GRID, "labelLimit": 280,
                     "domainColor": RULE, "tickColor": RULE},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "title": {"fontSize": 14, "anchor": "start", "color": INK},
            "header": {"labelFontSize": 11, "titleFontSize": 12},
        }
    }


def _static_renderer(spec: dict, **metadata):
    """Vector SVG for every chart; a PNG at print resolution for a chart marked :func:`rasterised`
    (thousands of marks make an SVG heavy to print and to open). In a kernel started by the kit
    (``SOCIALKIT_DEFER_CHARTS=1``) the chart's finished Vega-Lite spec is output instead and drawn
    by :func:`render_deferred` in the process that writes the report, whose chart runtime is
    already running (starting it costs each fresh kernel about 0.4 s)."""
    if os.environ.get("SOCIALKIT_DEFER_CHARTS") == "1":
        return {DEFERRED_MIME: {"spec": spec, "metadata": {k: v for k, v in metadata.items() if _jsonable(v)}},
                "text/plain": "<chart, drawn when the report is written>"}
    return _draw(spec, **metadata)


def _draw(spec: dict, **metadata):
    if _is_raster(spec):
        return png_renderer(spec, ppi=PRINT_PPI, **metadata)
    return svg_renderer(spec, **metadata)


def _is_raster(spec: dict) -> bool:
    return bool(((spec.get("usermeta") or {}).get("socialkit") or {}).get("raster"))


def _jsonable(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


def render_deferred(nb, *, draw_svgs: Callable[[list[dict]], list[str | None]] | None = None) -> int:
    """Draw, in this process, every chart a kernel left as a spec (:data:`DEFERRED_MIME`): the output
    becomes the same SVG (or print-resolution PNG) the kernel would have made. Returns how many
    charts were drawn. A chart that cannot be drawn becomes a short note saying why.

    ``draw_svgs`` may draw the vector charts all at once (a running browser, see
    :meth:`socialkit.browser.Printer.svgs`): it returns an SVG per spec, or None for a chart it
    could not draw; those, the rasterised charts, and every chart when it fails, are drawn by
    vl-convert."""
    pending = [out for cell in nb.get("cells", []) for out in cell.get("outputs", [])
               if DEFERRED_MIME in (out.get("data") or {})]
    items = [out["data"][DEFERRED_MIME] for out in pending]
    vector = [i for i, item in enumerate(items) if not _is_raster(item["spec"])]
    svgs: dict[int, str] = {}
    if draw_svgs is not None and vector:
        try:
            drawn = draw_svgs([items[i]["spec"] for i in vector])
            svgs = {i: svg for i, svg in zip(vector, drawn) if isinstance(svg, str)}
        except Exception:
            svgs = {}  # the browser failed: vl-convert draws them all
    count = 0
    for i, (out, item) in enumerate(zip(pending, items)):
        if i in svgs:
            out["data"], out["metadata"] = {"image/svg+xml": svgs[i]}, {}
            count += 1
            continue
        try:
            bundle = _draw(item["spec"], **(item.get("metadata") or {}))
        except Exception as exc:  # vl-convert's errors: the report says so where the chart would be
            out["data"] = {"text/plain": f"The chart could not be drawn: {type(exc).__name__}: {exc}"}
            continue
        found, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        out["data"] = {k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v
                       for k, v in found.items()}
        out["metadata"] = dict(meta or {})
        count += 1
    return count


alt.renderers.register(STATIC_RENDERER, _static_renderer)


def _speed_up_altair() -> bool:
    """Altair (6.x) builds, for every channel of every ``encode()`` (and every ``from_dict``), a table
    of all its schema classes (about 570) by hashing each class's JSON schema: 5 ms a channel, a
    fifth of a report's time in charts. The table depends only on the classes, so it is built once
    per set of classes here and shared (it is only read). Where Altair's internals differ, nothing
    is changed; a test checks the charts' specs are the same either way."""
    try:
        from altair.utils import schemapi  # internals: only here, and optional

        from_dict = schemapi._FromDict
        build = from_dict.__init__
    except (ImportError, AttributeError):
        return False
    if getattr(build, "_socialkit_shared", False):
        return True
    tables: dict[tuple, Any] = {}

    def init(self, wrapper_classes, /) -> None:
        classes = tuple(wrapper_classes)
        found = tables.get(classes)
        if found is None:
            build(self, classes)
            found = tables[classes] = self.class_dict
        self.class_dict = found

    init._socialkit_shared = True  # type: ignore[attr-defined]
    init._socialkit_original = build  # type: ignore[attr-defined]
    from_dict.__init__ = init
    return True


FAST_CHARTS = _speed_up_altair()


def rasterised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` marked to be drawn as a picture at print resolution in static output (reports), for
    charts with thousands of marks; in JupyterLab it stays interactive."""
    return chart.properties(usermeta={"socialkit": {"raster": True}})


def use_rendering(mode: str = "static") -> str:
    """Enable the house theme and the renderer for ``mode`` ("static" or "interactive").

    Returns the renderer name. Call it once at the top of a notebook (the notebooks do this
    through :func:`socialkit.setup_notebook`).
    """
    if mode not in ("static", "interactive"):
        raise ParameterError("mode", f"must be 'static' or 'interactive'. Got {mode!r} instead.", owner="use_rendering")
    alt.theme.enable(THEME)
    if mode == "interactive":
        alt.renderers.enable("jupyter", offline=True)
    else:
        alt.renderers.enable(STATIC_RENDERER)
    return alt.renderers.active


def to_svg(chart: alt.TopLevelMixin, *, draw_svgs: Callable[[list[dict]], list[str | None]] | None = None) -> str:
    """Render a chart to an SVG string offline, e.g. for an HTML index page: by ``draw_svgs`` when
    given and it can (a running browser, see :func:`socialkit.export.chart_drawer`), else by vl-convert."""
    with alt.theme.enable(THEME):
        spec = chart.to_dict()
    if draw_svgs is not None:
        try:
            svg = draw_svgs([spec])[0]
        except Exception:
            svg = None  # the browser failed: vl-convert draws it
        if isinstance(svg, str):
            return svg
    import vl_convert as vlc  # starts a JavaScript runtime: only when a chart is actually rendered

    return vlc.vegalite_to_svg(spec)


def sample_for_chart(df: pd.DataFrame, n: int = MAX_CHART_ROWS, *, random_state: int = 0) -> pd.DataFrame:
    """At most ``n`` rows of ``df`` (a seeded random sample), so a chart never hits the row limit."""
    return df if len(df) <= n else df.sample(n=n, random_state=random_state)


def message_chart(text: str, title: str = "", *, width: int = 420) -> alt.Chart:
    """A chart that only says something (shown where there is nothing to draw)."""
    return (alt.Chart(pd.DataFrame({"text": [text]})).mark_text(align="left", fontSize=12, color=MUTED)
            .encode(text="text:N").properties(width=width, height=40, title=title))

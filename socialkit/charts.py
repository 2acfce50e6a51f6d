"""House chart theme and rendering set-up.

Chart functions across the kit return ``alt.Chart`` values and never display or save anything.
How a chart is rendered is chosen once per context with :func:`use_rendering`:

* ``"static"`` (batch, papermill, export): SVG through vl-convert, no JavaScript, survives in HTML
  and PDF with no internet;
* ``"interactive"`` (JupyterLab): Altair's ``jupyter`` renderer with ``offline=True`` (anywidget),
  so tooltips and selections work with no CDN.

Altair refuses more than 5,000 rows per chart; the kit aggregates or samples in pandas first
(:func:`sample_for_chart`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

THEME = "socialkit"
#: Colour-blind-safe categorical palette (Okabe-Ito, reordered).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Diverging scheme for indices around 100.
DIVERGING = "redblue"
MAX_CHART_ROWS = 5000
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@alt.theme.register(THEME, enable=False)
def _socialkit_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 420, "continuousHeight": 280, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridColor": "#e8e8e8",
                     "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "title": {"fontSize": 14, "anchor": "start", "color": "#222"},
            "header": {"labelFontSize": 11, "titleFontSize": 12},
        }
    }


def use_rendering(mode: str = "static") -> str:
    """Enable the house theme and the renderer for ``mode`` ("static" or "interactive").

    Returns the renderer name. Call it once at the top of a notebook (the notebooks do this
    through :func:`socialkit.setup_notebook`).
    """
    if mode not in ("static", "interactive"):
        raise ValueError(f"mode must be 'static' or 'interactive'. Got {mode!r} instead.")
    alt.theme.enable(THEME)
    if mode == "interactive":
        alt.renderers.enable("jupyter", offline=True)
    else:
        alt.renderers.enable("svg")
    return alt.renderers.active


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG string offline (vl-convert), e.g. for an HTML index page."""
    import vl_convert as vlc

    with alt.theme.enable(THEME):
        spec = chart.to_dict()
    return vlc.vegalite_to_svg(spec)


def sample_for_chart(df: pd.DataFrame, n: int = MAX_CHART_ROWS, *, random_state: int = 0) -> pd.DataFrame:
    """At most ``n`` rows of ``df`` (a seeded random sample), so a chart never hits the row limit."""
    return df if len(df) <= n else df.sample(n=n, random_state=random_state)

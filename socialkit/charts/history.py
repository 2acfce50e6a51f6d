"""Charts of the run history: key figures across runs, one line per brand.

Each function takes the tidy table of :meth:`socialkit.history.History.series` (``brand``, ``when``,
``run``, ``period``, ``value``; several figures stacked with a ``figure`` column) and returns an
``alt.Chart``; the batch index renders them offline as inline SVG.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import MUTED, message_chart


def trend_chart(series: pd.DataFrame, *, title: str, share: bool = True, width: int = 260,
                height: int = 180) -> alt.Chart:
    """A figure (or several, faceted by ``figure``) over time: one coloured line per brand, a point
    per run, the run and period in the tooltip. ``share`` shows values as percentages of 0-100%."""
    if series.empty:
        return message_chart("No run has recorded these figures yet.", title)
    data = series.copy()
    data["when"] = pd.to_datetime(data["when"])
    data["period"] = data["period"].fillna("whole file")
    y = alt.Y("value:Q", title=None, axis=alt.Axis(format=".0%" if share else ",.3~g"),
              scale=alt.Scale(domain=[0, 1]) if share else alt.Undefined)
    tooltip = [alt.Tooltip("brand:N"), alt.Tooltip("run:N"), alt.Tooltip("period:N"),
               alt.Tooltip("value:Q", format=".1%" if share else ",.3~g")]
    base = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=50), strokeWidth=2).encode(
        x=alt.X("when:T", title="period start (or run date)", axis=alt.Axis(format="%b %Y", labelAngle=0,
                                                                             tickCount=5)),
        y=y, color=alt.Color("brand:N", title="brand"), tooltip=tooltip,
    ).properties(width=width, height=height)
    if "figure" in data.columns and data["figure"].nunique() > 1:
        order = list(dict.fromkeys(data["figure"]))
        return base.facet(column=alt.Column("figure:N", title=None, sort=order,
                                            header=alt.Header(labelFontSize=12, labelColor=MUTED))
                          ).properties(title=title)
    return base.properties(title=title)


def scope_value_trend(series: pd.DataFrame) -> alt.Chart:
    """Venn scope, measurable value and delivered value per brand over the runs."""
    return trend_chart(series, title="Venn model: scope and value per brand, run after run")


def coverage_trend(series: pd.DataFrame) -> alt.Chart:
    """Business coverage of the vanity-to-value ladder per brand over the runs."""
    return trend_chart(series, title="Business coverage of the metric ladder, run after run", width=420)

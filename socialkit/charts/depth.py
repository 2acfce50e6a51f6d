"""Charts of relationship depth (:mod:`socialkit.depth`): current vs attainable depth per function,
readiness factors and their caps, evidence per level; and presence / platform / purpose
(:mod:`socialkit.practices`, scored separately from depth).

Each function takes a table of a :class:`socialkit.depth.DepthAssessment` (or of a
:class:`socialkit.practices.PracticeResult`) and returns an Altair chart.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import depth, tables
from .. import functions as fn
from . import BLUE, GREEN, INK, MUTED, NEUTRAL, ORANGE, SEQUENTIAL, SKY, VERMILION, message_chart

#: Colour of each gap status (see :func:`socialkit.depth.depth_gap`).
STATUS_COLOURS = dict(zip(depth.STATUSES, [BLUE, GREEN, VERMILION]))
#: Colour of each depth level a readiness factor may cap at, from "none" to the deepest level.
CAP_COLOURS = [NEUTRAL, VERMILION, ORANGE, SKY, GREEN]


def _level_axis(levels: pd.DataFrame | None = None, title: str = "Relationship depth") -> alt.Axis:
    """An axis of level orders labelled with the level names (0 = "none")."""
    names = depth.level_names(levels)
    expr = "[" + ", ".join(f"'{n}'" for n in names) + "][datum.value]"
    return alt.Axis(values=list(range(len(names))), labelExpr=expr, title=title, grid=True)


def depth_chart(functions: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> alt.LayerChart:
    """Dumbbell chart of ``DepthAssessment.functions``: current (filled) and attainable (hollow) level
    per function, joined by a line coloured by status, over shaded social media (1-2) and social
    business (3-4) bands."""
    levels = tables.load("depth_levels") if levels is None else levels
    data = functions[["function", "label", "current_order", "current", "attainable_order", "attainable",
                      "gap", "status", "limit"]].copy()
    order = data.sort_values(["attainable_order", "current_order"], ascending=False)["label"].tolist()
    bands = pd.DataFrame([
        {"from": levels.loc[levels["kind"] == k, "order"].min() - 0.5,
         "to": levels.loc[levels["kind"] == k, "order"].max() + 0.5, "zone": k}
        for k in dict.fromkeys(levels["kind"])])
    x = alt.X("current_order:Q", scale=alt.Scale(domain=[-0.3, len(levels) + 0.3]), axis=_level_axis(levels))
    y = alt.Y("label:N", sort=order, title=None)
    status_scale = alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))
    status_colour = alt.Color("status:N", title="Status", scale=status_scale)
    tooltip = ["label", "current", "attainable", "gap", "status", "limit"]
    band = alt.Chart(bands).mark_rect(opacity=0.08).encode(
        x=alt.X("from:Q"), x2="to:Q", color=alt.Color("zone:N", legend=None, scale=alt.Scale(range=[BLUE, GREEN])))
    band_text = alt.Chart(bands).mark_text(align="center", baseline="bottom", dy=-4, color=MUTED).encode(
        x=alt.X("mid:Q"), text="zone:N", y=alt.value(0)).transform_calculate(mid="(datum.from + datum.to) / 2")
    base = alt.Chart(data)
    rule = base.mark_rule(strokeWidth=3).encode(x=x, x2="attainable_order:Q", y=y, color=status_colour, tooltip=tooltip)
    now = base.mark_point(filled=True, size=110, color=INK).encode(x=x, y=y, tooltip=tooltip)
    can = base.mark_point(filled=False, size=130, strokeWidth=2).encode(
        x="attainable_order:Q", y=y, color=alt.Color("status:N", legend=None, scale=status_scale), tooltip=tooltip)
    return (band + band_text + rule + now + can).resolve_scale(color="independent").properties(
        title=alt.Title("Current (filled) vs attainable (hollow) depth per function",
                        subtitle="Attainable = the lowest cap set by business model, workforce, leadership and advocacy"),
        width=460, height=alt.Step(26))


def readiness_chart(readiness: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> alt.LayerChart:
    """Readiness bars of ``DepthAssessment.readiness``: score (0-100) per factor, coloured by the level
    the factor caps depth at."""
    names = depth.level_names(levels)
    data = readiness[["factor", "label", "score", "cap", "cap_order", "rule", "applies_to"]].copy()
    data["score_pct"] = (data["score"] * 100).round(0)
    data["text"] = "caps at " + data["cap"]
    colour = alt.Color("cap:N", title="Caps depth at", scale=alt.Scale(domain=names, range=CAP_COLOURS[: len(names)]))
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    tooltip = ["label", alt.Tooltip("score_pct:Q", title="score"), "cap", "rule", "applies_to"]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("score_pct:Q", scale=alt.Scale(domain=[0, 140]), title="Readiness score (0-100)",
                axis=alt.Axis(values=list(range(0, 101, 20)))),
        y=y, color=colour, tooltip=tooltip)
    text = alt.Chart(data).mark_text(align="left", dx=4, color=INK).encode(x="score_pct:Q", y=y, text="text:N")
    return (bars + text).properties(title="Readiness factors and the depth each allows", width=380,
                                    height=alt.Step(30))


def level_heatmap(levels_scored: pd.DataFrame, functions: pd.DataFrame | None = None) -> alt.LayerChart:
    """Heat map of ``DepthAssessment.levels``: level scores (0-100) per function and level, labelled
    with the function labels of ``functions`` (default: the kit's functions table)."""
    data = levels_scored.copy()
    labels = fn.labels(tables.load("functions") if functions is None else functions)
    data["label"] = data["function"].map(lambda f: labels.get(f, f))
    data["score_pct"] = (data["score"] * 100).round(0)
    x = alt.X("level:N", sort=list(dict.fromkeys(data.sort_values("order")["level"])), title=None,
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("label:N", sort=list(dict.fromkeys(data["label"])), title=None)
    heat = alt.Chart(data).mark_rect().encode(
        x=x, y=y, color=alt.Color("score_pct:Q", title="Score", scale=alt.Scale(domain=[0, 100], scheme=SEQUENTIAL)),
        tooltip=["label", "level", "score_pct", "evidenced"])
    text = alt.Chart(data).mark_text(fontSize=11).encode(
        x=x, y=y, text=alt.Text("score_pct:Q", format=".0f"),
        color=alt.condition("datum.score_pct > 60", alt.value("white"), alt.value(INK)))
    return (heat + text).properties(title="Evidence per level (score 0-100; a level counts from its pass score)",
                                    width=alt.Step(90), height=alt.Step(24))


def practice_chart(result) -> alt.Chart:
    """Presence, platform and purpose scores (0-100) of a ``PracticeResult``
    (:func:`socialkit.practices.score`, or its ``practices`` table), with each practice's threshold as
    a tick; a line saying so when nothing was answered (``None``)."""
    if result is None:
        return message_chart("Presence, platform and purpose are not scored: no answers were given.",
                             "Presence, platform, purpose")
    data = (result.practices if hasattr(result, "practices") else result).copy()
    data["score_pct"] = (data["score"] * 100).round(0)
    data["threshold_pct"] = data["threshold"] * 100
    data["practised_text"] = np.where(data["practised"], "practised", "not yet")
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("score_pct:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0-100)"), y=y,
        color=alt.Color("practised_text:N", title=None, scale=alt.Scale(domain=["practised", "not yet"],
                                                                          range=[GREEN, NEUTRAL])),
        tooltip=["label", "score_pct", "threshold_pct", "weakest", "weakest_text"])
    tick = alt.Chart(data).mark_tick(color=INK, thickness=2, size=26).encode(x="threshold_pct:Q", y=y)
    return (bars + tick).properties(title="Presence, platform, purpose: which does the organisation practise?",
                                    width=380, height=alt.Step(30))

"""Charts of the Venn model (:mod:`socialkit.venn`): the Venn diagram of 2 or 3 functions, the
UpSet chart of every combination of functions, the overlap heatmap and the scope-vs-value quadrant.

Each function takes a :class:`~socialkit.venn.VennResult` (or a membership matrix, or the table of
:func:`socialkit.venn.compare`) and returns an Altair chart; the counting is done by the domain
module (:func:`~socialkit.venn.venn_regions`, :func:`~socialkit.venn.intersections`,
:func:`~socialkit.venn.overlap_matrix`). Only the geometry of the drawing (:func:`venn_layout`)
lives here. Colours are the theme constants of :mod:`socialkit.charts`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..venn import (CLASSES, VennResult, choose_venn_functions, class_thresholds, intersections, overlap_matrix,
                    venn_regions)
from . import BAD, BLUE, CAUTION, GOOD, INK, MUTED, NEUTRAL, ORANGE, PALETTE, RULE, SEQUENTIAL

# --------------------------------------------------------------------------- Venn layout and chart

#: Circle radius and centre spacing of the drawn Venn (data units; radius 1).
_VENN_GEOMETRY = {2: {"distance": 1.0}, 3: {"distance": 1.05}}
#: Drawn area (x range, y range) of each diagram, in data units.
_VENN_DOMAIN = {2: ((-1.7, 1.7), (-1.3, 1.5)), 3: ((-1.8, 1.8), (-2.0, 1.7))}
#: Where each function's name goes: x offset from the centre, above (+1) or below (-1) the circle, alignment.
_VENN_NAMES = {2: [(0.3, 1, "right"), (-0.3, 1, "left")],
               3: [(0.25, 1, "right"), (-0.25, 1, "left"), (0.0, -1, "center")]}


def venn_layout(n_sets: int, *, grid_step: float = 0.01) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Circle and region-label positions of a symmetric Venn diagram of 2 or 3 sets (radius 1).

    2 sets: centres at (-0.5, 0) and (0.5, 0). 3 sets: centres on an equilateral triangle with
    sides 1.05 (top left, top right, bottom). Every region (each non-empty subset of the sets, 3 or
    7 of them) is labelled at the point of the region farthest from any circle edge, found on a grid.

    Returns (circles: ``set``, ``cx``, ``cy``, ``r``; regions: ``region`` (tuple of set indices),
    ``x``, ``y``).
    """
    if n_sets not in (2, 3):
        raise ParameterError("venn_functions", f"must name 2 or 3 functions. Got {n_sets} instead.")
    d = _VENN_GEOMETRY[n_sets]["distance"]
    if n_sets == 2:
        centres = [(-d / 2, 0.0), (d / 2, 0.0)]
    else:
        rho = d / np.sqrt(3)
        angles = np.deg2rad([150, 30, 270])
        centres = [(float(rho * np.cos(a)), float(rho * np.sin(a))) for a in angles]
    circles = pd.DataFrame({"set": range(n_sets), "cx": [c[0] for c in centres], "cy": [c[1] for c in centres],
                            "r": 1.0})
    xs = np.arange(-2.0, 2.0 + grid_step / 2, grid_step)
    gx, gy = np.meshgrid(xs, xs)
    dist = np.stack([np.hypot(gx - cx, gy - cy) for cx, cy in centres])  # n x grid
    inside = dist < 1.0
    edge = np.abs(dist - 1.0).min(axis=0)
    rows = []
    for code in range(1, 2 ** n_sets):
        members = tuple(i for i in range(n_sets) if code >> i & 1)
        mask = np.all([inside[i] if i in members else ~inside[i] for i in range(n_sets)], axis=0)
        pick = np.argmax(np.where(mask, edge, -1.0))
        rows.append({"region": members, "x": round(float(gx.flat[pick]), 4), "y": round(float(gy.flat[pick]), 4)})
    regions = pd.DataFrame(rows)
    regions = regions.assign(degree=regions["region"].map(len)).sort_values(["degree", "region"]).drop(columns="degree")
    return circles, regions.reset_index(drop=True)


def _as_membership(data: VennResult | pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The membership matrix and the function labels of a result (a bare matrix has no labels)."""
    if isinstance(data, VennResult):
        return data.membership, data.labels
    return data, {}


def venn_chart(data: VennResult | pd.DataFrame, functions: Sequence[str] | None = None, *,
               labels: Mapping[str, str] | None = None, size: int = 380, title: str | None = None) -> alt.LayerChart:
    """A true Venn diagram of 2 or 3 functions: translucent circles at the positions of
    :func:`venn_layout`, the number of initiatives in each region at the region's label point,
    the function names beside the circles and the initiatives outside all circles in a corner.

    ``data`` is a :class:`VennResult` or a membership matrix; ``functions`` the 2-3 function ids
    (default: the three most reached).
    """
    m, result_labels = _as_membership(data)
    labels = {**result_labels, **(labels or {})}
    chosen = choose_venn_functions(m, functions)
    circles, regions = venn_layout(len(chosen))
    counts = venn_regions(m, chosen).set_index("region")
    (xlo, xhi), (ylo, yhi) = _VENN_DOMAIN[len(chosen)]
    px = size / max(xhi - xlo, yhi - ylo)  # pixels per data unit, equal on both axes
    circles = circles.assign(
        function=[chosen[i] for i in circles["set"]], label=[labels.get(chosen[i], chosen[i]) for i in circles["set"]],
        initiatives=[int(m[chosen[i]].sum()) for i in circles["set"]],
        size_px=[(2 * r * px) ** 2 for r in circles["r"]])  # a Vega circle of size s has radius sqrt(s) / 2
    regions = regions.assign(
        count=[int(counts.at[r, "count"]) for r in regions["region"]],
        functions=[counts.at[r, "functions"] for r in regions["region"]],
        initiatives=[", ".join(counts.at[r, "initiatives"][:12]) + (" ..." if len(counts.at[r, "initiatives"]) > 12 else "")
                     for r in regions["region"]],
        region=[" & ".join(chosen[i] for i in r) for r in regions["region"]])
    names = pd.DataFrame([{"function": c["function"], "label": f"{c['label']} ({c['initiatives']})",
                           "x": round(float(c["cx"] + dx), 4), "y": round(float(c["cy"] + dy * c["r"] + dy * 0.15), 4),
                           "align": align}
                          for (_, c), (dx, dy, align) in zip(circles.iterrows(), _VENN_NAMES[len(chosen)])])
    outside = int(counts.at[(), "count"])
    corner = pd.DataFrame({"x": [xhi - 0.05], "y": [ylo + 0.1], "text": [f"outside these circles: {outside}"]})
    xs = alt.Scale(domain=[xlo, xhi], nice=False, zero=False)
    ys = alt.Scale(domain=[ylo, yhi], nice=False, zero=False)
    colour = alt.Color("label:N", scale=alt.Scale(domain=list(circles["label"]), range=PALETTE[:len(chosen)]),
                       legend=None)
    layers = [alt.Chart(circles).mark_circle(opacity=0.28, stroke=INK, strokeWidth=1.5).encode(
        x=alt.X("cx:Q", scale=xs, axis=None), y=alt.Y("cy:Q", scale=ys, axis=None),
        size=alt.Size("size_px:Q", scale=None, legend=None), color=colour,
        tooltip=[alt.Tooltip("label:N", title="function"), alt.Tooltip("initiatives:Q")])]
    layers.append(alt.Chart(regions).mark_text(fontSize=18, fontWeight="bold", color=INK).encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="count:Q",
        tooltip=[alt.Tooltip("region:N"), alt.Tooltip("count:Q", title="initiatives"),
                 alt.Tooltip("initiatives:N", title="names")]))
    for align, grp in names.groupby("align", sort=False):
        layers.append(alt.Chart(grp).mark_text(fontSize=12, fontWeight="bold", color=INK, align=align).encode(
            x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="label:N"))
    layers.append(alt.Chart(corner).mark_text(fontSize=11, align="right", color=MUTED).encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="text:N"))
    return alt.layer(*layers).properties(
        width=px * (xhi - xlo), height=px * (yhi - ylo),
        title=title or f"Initiatives across {', '.join(labels.get(c, c) for c in chosen)}")


# --------------------------------------------------------------------------- UpSet, heatmap, quadrant


def _int_ticks(top: Any) -> list[int]:
    """Whole-number axis ticks from 0 to ``top`` (at most about 6 of them)."""
    top = int(top) if pd.notna(top) and top > 0 else 1
    step = max(1, int(np.ceil(top / 6)))
    return list(range(0, top + step, step))


def upset_chart(data: VennResult | pd.DataFrame, *, labels: Mapping[str, str] | None = None, top: int = 20,
                width: int = 460) -> alt.VConcatChart:
    """UpSet-style chart of all functions: intersection bars (initiatives per exact combination of
    functions) above a dot matrix (which functions each combination holds), and set-size bars
    (initiatives touching each function) beside the matrix."""
    m, result_labels = _as_membership(data)
    labels = {**result_labels, **(labels or {})}
    inter = intersections(m, top=top)
    order = list(inter["combination"])
    fn_order = [labels.get(f, f) for f in m.columns]
    dots = pd.DataFrame([{"combination": c, "function": labels.get(f, f), "member": f in fs}
                         for c, fs in zip(inter["combination"], inter["functions"]) for f in m.columns])
    sizes = pd.DataFrame({"function": fn_order, "initiatives": m.sum(axis=0).astype(int).to_numpy()})
    extent = 170
    xc = alt.X("combination:N", sort=order, axis=None)
    bars = alt.Chart(inter.drop(columns="functions")).mark_bar(color=BLUE).encode(
        x=xc, y=alt.Y("count:Q", title="initiatives", axis=alt.Axis(minExtent=extent, maxExtent=extent, format="d",
                                                                      values=_int_ticks(inter["count"].max()))),
        tooltip=["combination:N", "count:Q"]).properties(width=width, height=160, title="Initiatives per combination of functions")
    bar_text = bars.mark_text(dy=-6, fontSize=10).encode(text="count:Q")
    yf = alt.Y("function:N", sort=fn_order, title=None, axis=alt.Axis(minExtent=extent, maxExtent=extent))
    grey = alt.Chart(dots).mark_circle(size=90, color=NEUTRAL).encode(x=xc, y=yf)
    members = dots[dots["member"]]
    black = alt.Chart(members).mark_circle(size=90, color=INK).encode(
        x=xc, y=yf, tooltip=["combination:N", "function:N"])
    line = alt.Chart(members).mark_line(color=INK, strokeWidth=2).encode(x=xc, y=yf, detail="combination:N")
    matrix = alt.layer(grey, line, black).properties(width=width, height=max(120, 22 * len(fn_order)))
    set_bars = alt.Chart(sizes).mark_bar(color=ORANGE).encode(
        y=alt.Y("function:N", sort=fn_order, axis=None),
        x=alt.X("initiatives:Q", title="initiatives per function",
                axis=alt.Axis(format="d", values=_int_ticks(sizes["initiatives"].max()))),
        tooltip=["function:N", "initiatives:Q"]).properties(width=140, height=max(120, 22 * len(fn_order)))
    return alt.vconcat(alt.layer(bars, bar_text), alt.hconcat(matrix, set_bars, spacing=6), spacing=4)


def overlap_heatmap(data: VennResult | pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Heatmap of the overlap matrix: initiatives shared by each pair of functions (diagonal:
    initiatives touching the function), with the count printed in each cell."""
    if isinstance(data, VennResult):
        o, labels = data.overlap, {**data.labels, **(labels or {})}
    else:
        o, labels = (data if data.shape[0] == data.shape[1] and list(data.index) == list(data.columns)
                     else overlap_matrix(data)), dict(labels or {})
    order = [labels.get(f, f) for f in o.index]
    long = pd.DataFrame([{"function": labels.get(f, f), "with_function": labels.get(g, g), "initiatives": int(o.at[f, g]),
                          "diagonal": f == g} for f in o.index for g in o.columns])
    base = alt.Chart(long).encode(
        x=alt.X("with_function:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, grid=False)),
        y=alt.Y("function:N", sort=order, title=None, axis=alt.Axis(grid=False)))
    heat = base.mark_rect().encode(color=alt.Color("initiatives:Q", scale=alt.Scale(scheme=SEQUENTIAL),
                                                   title="initiatives"),
                                   tooltip=["function:N", "with_function:N", "initiatives:Q"])
    text = base.mark_text(fontSize=10).encode(
        text="initiatives:Q",
        color=alt.condition(alt.datum.initiatives > max(1, long["initiatives"].max() / 2), alt.value("white"), alt.value(INK)))
    return alt.layer(heat, text).properties(width=360, height=360, title="Overlap: initiatives shared by two functions")


def quadrant_chart(comparison: pd.DataFrame, *, value: str = "measurable",
                   thresholds: Mapping[str, Mapping[str, float]] | None = None,
                   threshold_table: pd.DataFrame | None = None) -> alt.LayerChart:
    """Scope (x) vs value (y) of several organisations (rows of :func:`socialkit.venn.compare`), with
    the social-business thresholds drawn as the quadrant lines (see
    :func:`socialkit.venn.class_thresholds`). ``value`` says which value the y axis shows:
    "measurable" (a goal with a business KPI: what the classification uses) or "delivered" (linked
    business objectives met; organisations without objectives are left off and named in the title)."""
    if value not in ("measurable", "delivered"):
        raise ParameterError("value", f"must be 'measurable' or 'delivered'. Got {value!r} instead.", owner="quadrant_chart")
    column = f"{value}_value"
    rules = class_thresholds(thresholds, table=threshold_table)["social business"]
    sx, vy = rules.get("scope", 0.7), rules.get(column, rules.get("measurable_value", 0.5))
    data = comparison[["brand", "scope", column, "integration", "classification"]].rename(columns={column: "value"})
    missing = data.loc[data["value"].isna(), "brand"].tolist()
    data = data.dropna(subset=["value"])
    scale = alt.Scale(domain=[0, 1.05], nice=False)
    axis_title = ("measurable value: initiatives with a goal + business KPI" if value == "measurable"
                  else "delivered value: initiatives whose business objectives are met")
    points = alt.Chart(data).mark_circle(size=220, opacity=0.9).encode(
        x=alt.X("scope:Q", scale=scale, axis=alt.Axis(format="%", values=[0, .2, .4, .6, .8, 1]),
                title="scope: share of functions reached"),
        y=alt.Y("value:Q", scale=scale, axis=alt.Axis(format="%", values=[0, .2, .4, .6, .8, 1]), title=axis_title),
        color=alt.Color("classification:N", scale=alt.Scale(domain=list(CLASSES), range=[BAD, CAUTION, GOOD]),
                        title="class"),
        tooltip=["brand:N", alt.Tooltip("scope:Q", format=".0%"), alt.Tooltip("value:Q", format=".0%", title=f"{value} value"),
                 alt.Tooltip("integration:Q", format=".0%"), "classification:N"])
    text = points.mark_text(dy=-14, fontSize=11, color=INK).encode(text="brand:N", color=alt.value(INK))
    vline = alt.Chart(pd.DataFrame({"scope": [sx]})).mark_rule(strokeDash=[4, 4], color=RULE).encode(x="scope:Q")
    hline = alt.Chart(pd.DataFrame({"value": [vy]})).mark_rule(strokeDash=[4, 4], color=RULE).encode(y="value:Q")
    corners = pd.DataFrame({"scope": [0.02, 1.03, 0.02, 1.03], "value": [1.02, 1.02, 0.03, 0.03],
                            "text": ["focused value", "social business", "social media desk", "broad, little value"],
                            "align": ["left", "right", "left", "right"]})
    corner_left = alt.Chart(corners[corners["align"] == "left"]).mark_text(align="left", color=MUTED, fontSize=11).encode(
        x="scope:Q", y="value:Q", text="text:N")
    corner_right = alt.Chart(corners[corners["align"] == "right"]).mark_text(align="right", color=MUTED, fontSize=11).encode(
        x="scope:Q", y="value:Q", text="text:N")
    title = alt.Title(f"Scope vs value ({value})", subtitle=(
        [f"Not shown (no objectives linked to initiatives): {', '.join(missing)}"] if missing else
        ["The classification uses the measurable value" if value == "measurable" else
         "Delivered value needs objectives linked to the initiatives"]))
    return alt.layer(vline, hline, corner_left, corner_right, points, text).properties(width=380, height=320, title=title)


def norm_audience_chart(data: VennResult | pd.DataFrame) -> alt.LayerChart:
    """The norm x audience grid (:func:`socialkit.venn.norm_audience_grid`) as a 4 x 3 heatmap:
    initiatives per cell, with their names in the tooltip; empty cells are outlined and marked
    "opportunity"."""
    grid = data.grid if isinstance(data, VennResult) else data
    cells = grid.assign(text=[str(n) if n else "opportunity" for n in grid["initiatives"]],
                        names=grid["names"].where(grid["names"] != "", "no initiative yet"))
    order = list(dict.fromkeys(cells.sort_values("level")["label"]))
    base = alt.Chart(cells).encode(
        x=alt.X("audience:N", sort=list(dict.fromkeys(cells["audience"])), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, grid=False)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(grid=False)))
    heat = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("initiatives:Q", scale=alt.Scale(scheme=SEQUENTIAL, domainMin=0), title="initiatives"),
        tooltip=["label:N", "audience:N", "initiatives:Q", "names:N"])
    empty = alt.Chart(cells[cells["opportunity"]]).mark_rect(fill=None, stroke=ORANGE, strokeWidth=3,
                                                              strokeDash=[5, 3]).encode(
        x=alt.X("audience:N", sort=list(dict.fromkeys(cells["audience"]))), y=alt.Y("label:N", sort=order))
    text = base.mark_text(fontSize=12).encode(
        text="text:N", color=alt.condition(alt.datum.initiatives == 0, alt.value(ORANGE), alt.value(INK)))
    return alt.layer(heat, empty, text).properties(
        width=alt.Step(120), height=alt.Step(44),
        title=alt.Title("Norms x audiences: initiatives per cell",
                        subtitle="Dashed cells: no initiative yet, an opportunity"))

"""Charts of the psychographic segmentation (:mod:`socialkit.segments`): the criteria for choosing
k, sizes, the index heatmap, factor loadings, the 2-D map, stability, composition and the
participation ladder."""

from __future__ import annotations

from typing import Iterable

import altair as alt
import pandas as pd

from ..segments import FRAGILE_BELOW, STABLE_AT, Stability, index_rows
from . import BLUES, DIVERGING, INK, PALETTE, RULE, SEQUENTIAL, VERMILION, message_chart, rasterised, sample_for_chart


def _segment_domain(names: Iterable[str]) -> alt.Scale:
    """One colour per segment name, in the order given (the palette repeats past eight segments)."""
    names = list(dict.fromkeys(names))
    return alt.Scale(domain=names, range=(PALETTE * 3)[:len(names)])


_CRITERIA = [("silhouette", "silhouette (higher = better)"), ("calinski_harabasz", "Calinski-Harabasz (higher = better)"),
             ("bic", "BIC of a Gaussian mixture (lower = better)"), ("stability", "stability across resamples (ARI)")]


def k_selection_chart(k_scores: pd.DataFrame, *, chosen: int | None = None) -> alt.VConcatChart:
    """The criteria for choosing k side by side, one small panel each (silhouette, Calinski-Harabasz,
    BIC, stability; criteria not computed are left out); the chosen k is marked in every panel."""
    d = k_scores.copy()
    d["chosen"] = d["k"] == chosen
    panels = []
    for i, (col, title) in enumerate(_CRITERIA):
        if col not in d.columns or d[col].isna().all():
            continue
        base = alt.Chart(d).encode(x=alt.X("k:O", title="number of segments (k)"))
        line = base.mark_line(point=True, color=PALETTE[i % len(PALETTE)]).encode(
            y=alt.Y(f"{col}:Q", title=None, scale=alt.Scale(zero=False)),
            tooltip=["k"] + [alt.Tooltip(f"{c}:Q") for c, _ in _CRITERIA if c in d.columns])
        mark = base.mark_point(size=200, shape="diamond", color=VERMILION, filled=True).encode(
            y=f"{col}:Q").transform_filter("datum.chosen")
        panels.append((line + mark).properties(title=title, height=110, width=190))
    rows = [alt.hconcat(*panels[i:i + 2]) for i in range(0, len(panels), 2)]
    return alt.vconcat(*rows).properties(title=f"Choosing k: the criteria side by side (chosen: k = {chosen})")


def loadings_chart(loadings: pd.DataFrame | None) -> alt.Chart:
    """Factor loadings (items x factors), diverging around 0; the strongest loadings labelled. Without a
    factor analysis (``None``), a line saying so."""
    if loadings is None or loadings.empty:
        return message_chart("No factor analysis: segments are formed on the items or on the scales given.",
                             "Factor loadings")
    d = loadings.reset_index(names="item").melt(id_vars="item", var_name="factor", value_name="loading")
    base = alt.Chart(d).encode(x=alt.X("factor:N", title=None, axis=alt.Axis(labelAngle=-20, labelLimit=220)),
                               y=alt.Y("item:N", title=None, sort=list(loadings.index)))
    heat = base.mark_rect().encode(color=alt.Color("loading:Q", scale=alt.Scale(scheme=DIVERGING, domain=[-1, 1]),
                                                   title="loading"),
                                   tooltip=["item", "factor", alt.Tooltip("loading:Q", format=".2f")])
    text = base.mark_text(fontSize=9).encode(text=alt.Text("loading:Q", format=".2f"),
                                             opacity=alt.condition("abs(datum.loading) >= 0.3", alt.value(1), alt.value(0)))
    return (heat + text).properties(title="Factor loadings (varimax rotation)", width=max(200, 90 * loadings.shape[1]),
                                    height=max(140, 16 * len(loadings)))


def sizes_chart(sizes: pd.DataFrame) -> alt.LayerChart:
    """Respondents per segment (bars) with the share of the audience as a label."""
    d = sizes.assign(label=[f"{s:.0%}" for s in sizes["share"]])
    base = alt.Chart(d).encode(y=alt.Y("name:N", sort=list(d["name"]), title=None),
                               x=alt.X("respondents:Q", title="respondents"))
    bars = base.mark_bar().encode(color=alt.Color("name:N", scale=_segment_domain(d["name"]), legend=None),
                                  tooltip=["segment", "name", "respondents", alt.Tooltip("share:Q", format=".1%")])
    return (bars + base.mark_text(align="left", dx=4).encode(text="label:N")).properties(title="Segment sizes")


def index_heatmap(index: pd.DataFrame, *, kind: str | None = "feature", max_rows: int = 60) -> alt.LayerChart:
    """Trait index per segment, diverging around 100 (blue above, red below, white = average); at
    most ``max_rows`` rows, the most distinctive ones."""
    t = index if kind is None else index[index["kind"] == kind]
    if t.empty:
        return message_chart(f"No {kind or ''} columns to show.".replace("  ", " "),
                             "Index vs the whole audience (100 = average)")
    t = t.assign(row=index_rows(t))
    if t["row"].nunique() > max_rows:  # keep the most distinctive rows
        keep = t.groupby("row")["std_diff"].apply(lambda s: s.abs().max()).nlargest(max_rows).index
        t = t[t["row"].isin(keep)]
    t = t.assign(shown=t["index"].clip(0, 300).round(0))
    rows = list(dict.fromkeys(t["row"]))
    base = alt.Chart(t).encode(x=alt.X("name:N", title=None, sort=None,
                                       axis=alt.Axis(labelAngle=-30, labelLimit=220, grid=False)),
                               y=alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(grid=False)))
    heat = base.mark_rect().encode(
        color=alt.Color("shown:Q", title="index (100 = average)",
                        scale=alt.Scale(scheme=DIVERGING, domainMid=100, domain=[0, 200], clamp=True)),
        tooltip=["name", "row", alt.Tooltip("index:Q", format=".0f"), alt.Tooltip("segment_value:Q", format=".2f"),
                 alt.Tooltip("audience_value:Q", format=".2f")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("shown:Q", format=".0f"),
        color=alt.condition("datum.shown < 55 || datum.shown > 150", alt.value("white"), alt.value(INK)))
    title = {"profile": "Who they are: index vs the whole audience (100 = average)",
             "habit": "Digital habits: index vs the whole audience (100 = average)"}.get(kind or "",
                                                                                   "Index vs the whole audience (100 = average)")
    return (heat + text).properties(title=title,
                                    width=max(240, 110 * t["name"].nunique()), height=max(160, 18 * len(rows)))


def projection_chart(points: pd.DataFrame) -> alt.Chart:
    """Respondents on the first two principal components (:func:`socialkit.segments.projection`),
    coloured by segment (sampled)."""
    d = sample_for_chart(points)
    ev = points.attrs.get("explained", [float("nan"), float("nan")])
    return rasterised(alt.Chart(d).mark_circle(size=14, opacity=0.55).encode(
        x=alt.X("pc1:Q", title=f"component 1 ({ev[0]:.0%} of variance)"),
        y=alt.Y("pc2:Q", title=f"component 2 ({ev[1]:.0%} of variance)"),
        color=alt.Color("name:N", title="segment", legend=alt.Legend(labelLimit=300),
                        scale=_segment_domain(d.sort_values("segment")["name"])),
        tooltip=["name"]).properties(title=f"Segments on a 2-D map ({len(d):,} sampled respondents)"))


def stability_chart(result: Stability) -> alt.LayerChart:
    """Per-segment stability (mean best-match Jaccard across resamples), with the 0.6 / 0.8 bands,
    titled with the mean adjusted Rand index and the verdict."""
    d = result.per_segment.copy()
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("name:N", sort=list(d["name"]), title=None),
        x=alt.X("jaccard:Q", title="mean Jaccard overlap with refits (1 = always the same members)",
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("name:N", legend=None, scale=_segment_domain(d["name"])),
        tooltip=["name", alt.Tooltip("jaccard:Q", format=".2f")])
    rules = alt.Chart(pd.DataFrame({"x": [FRAGILE_BELOW, STABLE_AT]})).mark_rule(
        strokeDash=[4, 3], color=RULE).encode(x="x:Q")
    return (bars + rules).properties(
        title=f"Stability: mean adjusted Rand index {result.mean_ari:.2f} over {len(result.scores)} resamples ({result.verdict})")


def composition_chart(composition: pd.DataFrame) -> alt.Chart:
    """Demographic composition: share of each level per segment, one row of bars per profile column."""
    title = "Who is in each segment"
    if composition.empty:
        return message_chart("No profile columns (demographics) to describe the segments with.", title)
    return alt.Chart(composition).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=None),
        x=alt.X("share:Q", stack="normalize", title="share of the segment", axis=alt.Axis(format="%")),
        color=alt.Color("level:N", title="answer"),
        row=alt.Row("column:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["name", "column", "level", alt.Tooltip("share:Q", format=".1%")],
    ).resolve_scale(color="independent").properties(title=title, width=380)


def participation_chart(participation: pd.DataFrame) -> alt.Chart:
    """Share of each segment on each participation rung (highest rung reached), most engaged rung
    darkest."""
    title = "Participation ladder (creators ... inactives)"
    if participation.empty:
        return message_chart("No digital-habit columns: segments are not placed on the participation ladder.", title)
    d = participation.copy()
    d["rung_order"] = d["rung"].map({r: i for i, r in enumerate(dict.fromkeys(d["rung"]))})
    labels = list(dict.fromkeys(d["label"]))
    scale = (alt.Scale(domain=labels, range=BLUES[::-1][:len(labels)]) if len(labels) <= len(BLUES)
             else alt.Scale(scheme=SEQUENTIAL, reverse=True))
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=None),
        x=alt.X("share:Q", stack="normalize", title="share of the segment", axis=alt.Axis(format="%")),
        color=alt.Color("label:N", title="highest rung", sort=labels, scale=scale),
        order=alt.Order("rung_order:Q"),
        tooltip=["name", "label", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title=title, width=380)

"""Charts of the psychographic segmentation (:mod:`socialkit.segments`): choosing k, sizes, the
index heatmap, the 2-D map, stability, composition and the participation ladder."""

from __future__ import annotations

from typing import Iterable

import altair as alt
import pandas as pd

from ..segments import FRAGILE_BELOW, STABLE_AT, Stability, index_rows
from . import BLUE, BLUES, DIVERGING, INK, ORANGE, PALETTE, RULE, SEQUENTIAL, VERMILION, message_chart, sample_for_chart


def _segment_domain(names: Iterable[str]) -> alt.Scale:
    """One colour per segment name, in the order given (the palette repeats past eight segments)."""
    names = list(dict.fromkeys(names))
    return alt.Scale(domain=names, range=(PALETTE * 3)[:len(names)])


def k_selection_chart(k_scores: pd.DataFrame, *, chosen: int | None = None) -> alt.VConcatChart:
    """Silhouette (higher is better) and BIC (lower is better) against k; the chosen k is marked."""
    d = k_scores.copy()
    d["chosen"] = d["k"] == chosen
    base = alt.Chart(d).encode(x=alt.X("k:O", title="number of segments (k)"))
    sil = (base.mark_line(point=True, color=BLUE).encode(
        y=alt.Y("silhouette:Q", title="mean silhouette (higher = better)"),
        tooltip=["k", "silhouette", "bic"])
        + base.mark_point(size=220, shape="diamond", color=VERMILION, filled=True).encode(
            y="silhouette:Q").transform_filter("datum.chosen")).properties(
        title="Choosing k: silhouette", height=180, width=380)
    bic = base.mark_line(point=True, color=ORANGE).encode(
        y=alt.Y("bic:Q", title="BIC (lower = better)", scale=alt.Scale(zero=False)),
        tooltip=["k", "bic"]).properties(title="Choosing k: BIC of a Gaussian mixture", height=150, width=380)
    return alt.vconcat(sil, bic)


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
    return (heat + text).properties(title="Index vs the whole audience (100 = average)",
                                    width=max(240, 110 * t["name"].nunique()), height=max(160, 18 * len(rows)))


def projection_chart(points: pd.DataFrame) -> alt.Chart:
    """Respondents on the first two principal components (:func:`socialkit.segments.projection`),
    coloured by segment (sampled)."""
    d = sample_for_chart(points)
    ev = points.attrs.get("explained", [float("nan"), float("nan")])
    return alt.Chart(d).mark_circle(size=14, opacity=0.55).encode(
        x=alt.X("pc1:Q", title=f"component 1 ({ev[0]:.0%} of variance)"),
        y=alt.Y("pc2:Q", title=f"component 2 ({ev[1]:.0%} of variance)"),
        color=alt.Color("name:N", title="segment", legend=alt.Legend(labelLimit=300),
                        scale=_segment_domain(d.sort_values("segment")["name"])),
        tooltip=["name"]).properties(title=f"Segments on a 2-D map ({len(d):,} sampled respondents)")


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

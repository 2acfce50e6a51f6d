"""Charts of vanity to value (:mod:`socialkit.metrics`): ladder coverage, rates, funnel, trend,
timing, correlation heat map, binned vanity-vs-value scatter, the objectives bullet chart and the
organisation's trust measures over time.

Each takes the tidy table or result object of a :mod:`socialkit.metrics` function and returns an
Altair chart; where there is nothing to draw it returns a :func:`~socialkit.charts.message_chart`
saying why, so every chart cell of a report still renders.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import metrics
from . import BAD, BLUE, BULLET_BANDS, DIVERGING, GOOD, INK, MUTED, ORANGE, message_chart


def _keys(table: pd.DataFrame) -> list[str]:
    """The grouping columns of a rates or funnel table, in table order."""
    return [c for c in table.columns if c in metrics.DIMENSIONS]


def ladder_chart(coverage: pd.DataFrame) -> alt.Chart:
    """Ladder coverage (:func:`socialkit.metrics.ladder_coverage`): per rung, the share of its vanity
    and business metrics that are measured."""
    t = coverage.melt(id_vars=["rung", "order"], value_vars=["vanity_coverage", "business_coverage"],
                      var_name="kind", value_name="coverage")
    t["kind"] = t["kind"].str.replace("_coverage", "", regex=False)
    return alt.Chart(t).mark_bar().encode(
        y=alt.Y("rung:N", sort=list(metrics.RUNGS), title="rung"),
        yOffset=alt.YOffset("kind:N", sort=["vanity", "business"]),
        x=alt.X("coverage:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title="metrics of the rung measured"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["vanity", "business"], range=[ORANGE, BLUE]), title=None),
        tooltip=["rung", "kind", alt.Tooltip("coverage:Q", format=".0%")],
    ).properties(width=360, height=180, title="Vanity -> business ladder: what is measured on each rung")


def rates_chart(long: pd.DataFrame, *, rate: str = "engagement_rate_reach") -> alt.Chart:
    """Bars of one rate by the first grouping of :func:`socialkit.metrics.rates` (coloured by the
    second, if any)."""
    metrics.check_rates(rate)
    r = metrics.RATES[rate]
    keys = _keys(long)
    t = long[long["rate"] == rate].dropna(subset=["value"]).copy()
    if t.empty:
        return message_chart(f"{r.label}: not measured in this file.", r.label)
    for k in keys:
        t[k] = t[k].map(lambda h: f"{int(h):02d}:00" if isinstance(h, float) and h == h else str(h)) if k == "hour" else t[k].astype(str)
    t["group"] = t[keys].agg(" | ".join, axis=1)
    t = t.sort_values(keys)
    enc = dict(x=alt.X("value:Q", title=f"{r.label} ({r.unit})"),
               y=alt.Y("group:N", title=" | ".join(k.replace("_", " ") for k in keys), sort=list(t["group"])),
               tooltip=keys + [alt.Tooltip("value:Q", format=".3f"), "used", "note"])
    if len(keys) > 1:
        enc["color"] = alt.Color(f"{keys[1]}:N", title=keys[1].replace("_", " "))
    return alt.Chart(t).mark_bar().encode(**enc).properties(width=380, title=f"{r.label} by {' and '.join(keys)}")


def funnel_chart(table: pd.DataFrame) -> alt.Chart:
    """Funnel per group (:func:`socialkit.metrics.funnel`): bars of each stage's count (log scale),
    labelled with the step conversion."""
    t = table.dropna(subset=["count"]).copy()
    t = t[t["count"] > 0]
    if t.empty:
        return message_chart("No funnel stage is measured.", "Funnel")
    key = _keys(table)[0]
    t["label"] = t.apply(lambda r: f"{r['count']:,.0f}" + (f"  ({r['step_rate']:.1f}% of previous)"
                                                            if pd.notna(r["step_rate"]) else ""), axis=1)
    t[key] = t[key].astype(str)
    base = alt.Chart(t).encode(
        y=alt.Y("stage:N", sort=[s for s, _ in metrics.FUNNEL_STAGES], title=None),
        x=alt.X("count:Q", scale=alt.Scale(type="log", domainMin=1), title="count (log scale)"),
    )
    bars = base.mark_bar().encode(x2=alt.datum(1), color=alt.Color(f"{key}:N", legend=None),
                                  tooltip=[key, "stage", alt.Tooltip("count:Q", format=",.0f"),
                                           alt.Tooltip("step_rate:Q", format=".2f"), alt.Tooltip("from_reach:Q", format=".3f")])
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N")
    return (alt.layer(bars, text, data=t).properties(width=360, height=110)
            .facet(row=alt.Row(f"{key}:N", title=None)).properties(title="Funnel: reach -> engagement -> click -> lead -> order"))


def trend_chart(result: metrics.Trends) -> alt.Chart:
    """Lines of one rate per period and group (:func:`socialkit.metrics.trends`); a note in place of
    the chart when trends were skipped."""
    if result.skipped:
        return message_chart("Trend skipped: no ordered time column (see the note above).", "Trend")
    if result.table["value"].dropna().empty:
        return message_chart("No value in any period.", "Trend")
    t = result.table.copy()
    r = metrics.RATES[result.rate]
    t[result.by] = t[result.by].astype(str)
    line = alt.Chart(t).mark_line(point=True, invalid="break-paths-show-domains").encode(  # gaps stay gaps
        x=alt.X("period_start:T", title="period"),
        y=alt.Y("value:Q", title=f"{r.label} ({r.unit})"),
        color=alt.Color(f"{result.by}:N", title=result.by.replace("_", " ")),
        tooltip=["period", result.by, alt.Tooltip("value:Q", format=".3f"), "used"],
    )
    title = f"{r.label} per period"
    if not result.gaps:
        return line.properties(width=460, title=title)
    gaps = pd.DataFrame({"period_start": pd.to_datetime(t.loc[t["value"].isna(), "period_start"]).drop_duplicates(),
                         "label": "no posts"})
    marks = alt.Chart(gaps).mark_rule(strokeDash=[3, 3], color=MUTED).encode(x="period_start:T")
    text = alt.Chart(gaps).mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=10, color=MUTED).encode(
        x="period_start:T", y=alt.value(4), text="label:N")
    return alt.layer(marks, text, line).properties(
        width=460, title=alt.Title(title, subtitle=f"Dashed: periods with no posts in the files ({', '.join(result.gaps)})"))


def timing_chart(table: pd.DataFrame) -> alt.Chart:
    """The rate by weekday, hour and month of year (:func:`socialkit.metrics.timing`), one small
    panel each."""
    t = table.dropna(subset=["value"])
    if t.empty:
        return message_chart("No weekday, hour or month information in this file.", "Timing")
    r = metrics.RATES[t["rate"].iloc[0]]
    return alt.Chart(t).mark_bar(color=BLUE).encode(
        x=alt.X("value_label:N", sort=alt.EncodingSortField("order"), title=None),
        y=alt.Y("value:Q", title=f"{r.label} ({r.unit})"),
        tooltip=["dimension", "value_label", alt.Tooltip("value:Q", format=".3f"), "used"],
    ).properties(width=280, height=160).facet(facet=alt.Facet("dimension:N", title=None), columns=2
                                              ).resolve_scale(x="independent")


def correlation_chart(corr: pd.DataFrame) -> alt.Chart:
    """Heat map of Spearman's rho (:func:`socialkit.metrics.vanity_value`): vanity metric x business
    outcome, one panel per channel; cells where the interval includes 0 are faded."""
    t = corr.dropna(subset=["rho"]).copy()
    if t.empty:
        return message_chart("No business outcome to correlate with: you are measuring vanity only.",
                             "Does vanity predict value?")
    t["evidence"] = np.where(t["verdict"] == "no evidence", "interval includes 0", "interval excludes 0")
    base = alt.Chart(t).encode(x=alt.X("outcome:N", title=None), y=alt.Y("vanity:N", title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("rho:Q", scale=alt.Scale(scheme=DIVERGING, domain=[-1, 1]), title="rho"),
        opacity=alt.Opacity("evidence:N", scale=alt.Scale(domain=["interval excludes 0", "interval includes 0"], range=[1, 0.35]), title=None),
        tooltip=["channel", "vanity", "outcome", "n", alt.Tooltip("rho:Q", format=".2f"),
                 alt.Tooltip("low:Q", format=".2f"), alt.Tooltip("high:Q", format=".2f"), "verdict"])
    text = base.mark_text(fontSize=9).encode(
        text=alt.Text("rho:Q", format=".2f"),
        color=alt.condition("abs(datum.rho) > 0.5", alt.value("white"), alt.value(INK)))
    # wrapped facets: any number of channels fits a notebook or a page
    return (alt.layer(cells, text, data=t).properties(width=150, height=200)
            .facet(facet=alt.Facet("channel:N", title=None), columns=3)
            .properties(title="Does vanity predict value? Spearman's rho per channel"))


def vanity_value_chart(binned: pd.DataFrame, *, vanity: str = "vanity", outcome: str = "outcome") -> alt.Chart:
    """Aggregated scatter: mean outcome per quantile bin of a vanity metric, per channel (point size =
    posts in the bin), from :func:`socialkit.metrics.binned_vanity_value`."""
    if binned.empty:
        return message_chart(f"No posts with both {vanity} and {outcome}.", f"{vanity} vs {outcome}")
    base = alt.Chart(binned).encode(
        x=alt.X("vanity_mean:Q", title=f"mean {vanity} per bin", scale=alt.Scale(type="symlog")),
        y=alt.Y("outcome_mean:Q", title=f"mean {outcome} per post"),
        color=alt.Color("channel:N"),
        tooltip=["channel", "bin", alt.Tooltip("vanity_mean:Q", format=",.1f"),
                 alt.Tooltip("outcome_mean:Q", format=",.2f"), "posts"],
    )
    return alt.layer(base.mark_line(strokeWidth=1.5), base.mark_circle(opacity=0.9).encode(
        size=alt.Size("posts:Q", title="posts in bin", scale=alt.Scale(range=[20, 200])))).properties(
        width=420, title=f"{outcome} by {vanity} (posts binned by {vanity}, per channel)")


def objectives_chart(status: pd.DataFrame) -> alt.Chart:
    """Bullet chart of :func:`socialkit.metrics.objectives_status`: each objective's value as % of its
    target (bands at 90 % and 100 %; the tick is the target)."""
    t = status.dropna(subset=["pct_of_target"]).copy()
    if t.empty:
        return message_chart("No objective can be measured with this file.", "Objectives")
    t["label"] = t["objective"] + " (" + t["channel"] + ")"
    top = max(150.0, float(t["pct_of_target"].max()) * 1.05)
    bands = pd.DataFrame([dict(band="behind", start=0.0, end=90.0), dict(band="close", start=90.0, end=100.0),
                          dict(band="met", start=100.0, end=top)])
    bands = bands.merge(t[["label"]], how="cross")
    y = alt.Y("label:N", title=None, sort=list(t["label"]), axis=alt.Axis(labelLimit=320))
    back = alt.Chart(bands).mark_bar(size=22).encode(
        y=y, x=alt.X("start:Q", title="% of target", scale=alt.Scale(domain=[0, top])), x2="end:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=["behind", "close", "met"], range=BULLET_BANDS), title="band"))
    bar = alt.Chart(t).mark_bar(size=8, color=BLUE).encode(
        y=y, x="pct_of_target:Q",
        tooltip=["objective", "metric", "channel", alt.Tooltip("value:Q", format=",.2f"),
                 alt.Tooltip("target:Q", format=",.2f"), "status", "trend"]
        + (["initiative"] if "initiative" in t.columns else []))
    tick = alt.Chart(t).mark_tick(color=INK, thickness=2, size=24).encode(y=y, x=alt.datum(100))
    return alt.layer(back, bar, tick).properties(width=420, title="Objectives: value as % of target")


def trust_chart(trust: pd.DataFrame | None) -> alt.Chart:
    """The organisation's trust measures (a trust file: period, measure, value) per period, one line
    per measure, each on its own scale (an NPS and a 0-10 survey score do not share an axis)."""
    if trust is None or trust.empty:
        return message_chart("No trust file: trust is not measured.", "Trust")
    series = metrics.ladder.trust_series(trust)
    long = pd.concat([pd.DataFrame({"measure": s.name, "period": s.index, "value": s.to_numpy(), "order": range(len(s))})
                      for s in series.values()], ignore_index=True)
    periods = list(dict.fromkeys(long.sort_values("order", kind="stable")["period"]))
    return alt.Chart(long).mark_line(point=True, color=BLUE).encode(
        x=alt.X("period:O", sort=periods, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["measure:N", "period:O", "value:Q"]).properties(width=300, height=160).facet(
        column=alt.Column("measure:N", title=None)).resolve_scale(y="independent").properties(
        title="Trust, measured for the organisation")


def change_chart(changes: pd.DataFrame) -> alt.Chart:
    """The change of each rate since the comparison period (:func:`socialkit.metrics.compare_rates`),
    as a share of its earlier value, with its 95 % interval: a dot right of the line rose, left fell;
    green or red when beyond noise, grey when within it. One panel per comparison."""
    t = changes[changes["verdict"].isin(["up, beyond noise", "down, beyond noise", "within noise"])].copy()
    t = t[t["before"].abs() > 0]
    if t.empty:
        return message_chart("No period to compare with: give the notebook a period (e.g. 2025-Q4).",
                             "Change since the previous period")
    for c in ("change", "low", "high"):
        t[f"{c}_share"] = t[c] / t["before"].abs()
    t["panel"] = "against " + t["against"] + " (" + t["comparison"] + ")"
    order = list(dict.fromkeys(t["label"]))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    colour = alt.Color("verdict:N", title=None, scale=alt.Scale(
        domain=["up, beyond noise", "down, beyond noise", "within noise"], range=[GOOD, BAD, MUTED]))
    base = alt.Chart(t)
    interval = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("low_share:Q", axis=alt.Axis(format="+%"), title="change, % of the earlier value (95 % interval)"),
        x2="high_share:Q", color=colour)
    dot = base.mark_point(filled=True, size=60).encode(
        y=y, x="change_share:Q", color=colour,
        tooltip=["label", "against", alt.Tooltip("before:Q", format=",.3f"), alt.Tooltip("now:Q", format=",.3f"),
                 alt.Tooltip("change:Q", format="+,.3f"), "verdict"])
    zero = base.mark_rule(color=INK).encode(x=alt.datum(0))
    return alt.layer(zero, interval, dot).properties(width=360, height=alt.Step(18)).facet(
        row=alt.Row("panel:N", title=None, sort=list(dict.fromkeys(t["panel"])), header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                                               labelOrient="top", labelFontWeight="bold"))
    ).properties(title="Change since the comparison period")

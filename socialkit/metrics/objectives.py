"""The objectives loop: define -> deploy -> measure -> analyse -> improve.

Each objective names a metric (a rate of :data:`~socialkit.metrics.rates.RATES`, or a ladder metric
by name, label or alias) and a target, optionally on one channel. Its value, gap, status and trend
come from the posts; :func:`objective_findings` words them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import tables
from ..findings import Findings
from ..text import closest, is_blank, key
from .rates import RATES, rates
from .time import add_period, time_basis

_STATUS_COLUMNS = ["objective", "metric", "channel", "target", "value", "gap", "pct_of_target", "status", "trend",
                   "slope", "last_period", "last_value", "basis"]
_UNMEASURED = ("not measured", "no posts", "unknown metric")


def resolve_metric(name: str, *, ladder: pd.DataFrame | None = None) -> str | None:
    """The rate or ladder metric an objective names (matching names and ``;``-separated aliases by
    :func:`socialkit.text.key`), or None."""
    wanted = key(name)
    if wanted in RATES:
        return wanted
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    for rec in ladder.itertuples():
        if wanted == rec.metric:
            return rec.metric
    for rec in ladder.itertuples():
        if wanted in {key(a) for a in str(rec.aliases).split(";")}:
            return rec.metric
    return None


def _metric_series(posts: pd.DataFrame, metric: str, aggregate: str, period: str) -> tuple[float, pd.Series, str]:
    """(overall value, value per period, how it was computed) of one metric on some posts."""
    basis = time_basis(posts)
    if metric in RATES:
        overall = rates(posts, by="all", rates=[metric])["value"].iloc[0]
        per = pd.Series(dtype="float64")
        if basis.trend:
            long = rates(posts, by="period", rates=[metric], period=period)
            long = long[long["period"] != "not recorded"].sort_values("period_start")
            per = pd.Series(long["value"].to_numpy(), index=long["period"].to_numpy())
        return overall, per, "over all posts"
    vals = posts[metric].astype("float64")
    if not basis.trend:
        if aggregate == "mean":
            return float(vals.mean()), pd.Series(dtype="float64"), "mean over all posts"
        if aggregate == "latest":
            return float(posts.groupby("channel")[metric].max().sum()), pd.Series(dtype="float64"), "highest value per channel (no dates)"
        return float(vals.sum()), pd.Series(dtype="float64"), "total over the file (no dates)"
    data = add_period(posts, period=period)
    data = data[data["period"].notna()]
    if aggregate == "mean":
        per = data.groupby("period")[metric].mean()
        return float(vals.mean()), per, "mean over all posts"
    if aggregate == "latest":
        last = data.sort_values("period_start").groupby(["period", "channel"])[metric].last()
        per = last.groupby(level="period").sum(min_count=1)
        return float(per.dropna().iloc[-1]) if per.notna().any() else np.nan, per, "latest period"
    per = data.groupby("period")[metric].sum(min_count=1)
    return float(per.mean()) if per.notna().any() else np.nan, per, f"average per {period}"


def _trend_word(per: pd.Series, flat_within: float) -> tuple[str, float]:
    per = per.dropna()
    if len(per) < 3:
        return "too few periods", np.nan
    x = np.arange(len(per), dtype="float64")
    slope = float(np.polyfit(x, per.to_numpy(dtype="float64"), 1)[0])
    scale = float(np.abs(per).mean())
    rel = slope / scale if scale else 0.0
    return ("rising" if rel > flat_within else "falling" if rel < -flat_within else "flat"), slope


def objectives_status(posts: pd.DataFrame, objectives: pd.DataFrame | None, *, period: str = "month",
                      close_within: float = 0.1, flat_within: float = 0.02,
                      ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Status, trend and gap of each objective (define -> deploy -> measure -> analyse -> improve).

    For a rate the value is the rate over all posts (of the objective's channel); for a count metric
    it is the average total per period (``aggregate`` = sum in the ladder), the mean (mean), or the
    latest period's value (latest), or the file's total when there are no dates.
    gap = value - target; pct_of_target = 100 * value / target. Status: met (value >= target), close
    (within ``close_within`` of the target), behind, not measured (metric absent or blank), no posts
    (channel not in the file), unknown metric. Trend: slope of the per-period values (least squares on
    the period number); rising / falling when the slope exceeds ``flat_within`` of the mean value
    per period, else flat; "skipped" without dates. Channels match by :func:`socialkit.text.key`.
    """
    if objectives is None or len(objectives) == 0:
        return pd.DataFrame(columns=_STATUS_COLUMNS)
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    agg = dict(zip(ladder["metric"], ladder["aggregate"]))
    basis = time_basis(posts)
    channel_keys = posts["channel"].map(key) if "channel" in posts.columns else pd.Series("", index=posts.index)
    rows = []
    for rec in objectives.itertuples(index=False):
        ch = getattr(rec, "channel", None)
        ch = None if is_blank(ch) else str(ch)
        row = dict(objective=rec.objective, metric=rec.metric, channel=ch or "all channels", target=float(rec.target),
                   value=np.nan, gap=np.nan, pct_of_target=np.nan, trend="", slope=np.nan, last_period="",
                   last_value=np.nan, basis="")
        metric = resolve_metric(rec.metric, ladder=ladder)
        subset = posts if ch is None else posts[channel_keys == key(ch)]
        if metric is None:
            hint = closest(rec.metric, list(RATES) + list(ladder["metric"]))
            row.update(status="unknown metric", basis=f"did you mean '{hint}'?" if hint else "see docs/metrics.md for metric names")
        elif subset.empty:
            row.update(status="no posts", basis=f"no post on channel '{ch}'")
        elif metric not in RATES and (metric not in subset.columns or subset[metric].isna().all()):
            row.update(status="not measured", basis=f"the file does not record {metric}")
        else:
            value, per, how = _metric_series(subset, metric, agg.get(metric, "sum"), period)
            if value is None or np.isnan(value):
                row.update(status="not measured", basis=f"{metric} cannot be computed from the file")
            else:
                gap = value - row["target"]
                pct = 100 * value / row["target"] if row["target"] else np.nan
                status = ("met" if value >= row["target"] else
                          "close" if value >= row["target"] * (1 - close_within) else "behind")
                row.update(value=value, gap=gap, pct_of_target=pct, status=status, basis=how)
            if basis.trend:
                word, slope = _trend_word(per, flat_within)
                row.update(trend=word, slope=slope)
                if per.notna().any():
                    last = per.dropna()
                    row.update(last_period=str(last.index[-1]), last_value=float(last.iloc[-1]))
            else:
                row["trend"] = "skipped"
        if not row["trend"]:
            row["trend"] = "skipped" if not basis.trend else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=_STATUS_COLUMNS)


def _fmt(value: float, metric: str) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    unit = RATES[metric].unit if metric in RATES else ""
    if unit == "%":
        return f"{value:.2f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def objective_findings(status: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> Findings:
    """One plain-language sentence per objective (from :func:`objectives_status`): where it stands,
    the gap, the trend, what next. With a rising trend, "periods away" = ceil(-gap / slope)."""
    found = Findings(empty="_No findings._")
    if status.empty:
        return found.add("No objectives defined", "define objectives with a target per metric (objective, metric, "
                         "target, channel) to close the loop: define -> deploy -> measure -> analyse -> improve.",
                         kind="step")
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    for r in status.itertuples():
        m = resolve_metric(r.metric, ladder=ladder) or r.metric
        where = f" on {r.channel}" if r.channel != "all channels" else ""
        if r.status in _UNMEASURED:
            found.add(f"{r.objective}: {r.status}", f"{r.metric}{where}: {r.basis}. Start measuring it before "
                      "judging the programme.")
            continue
        gap = f"{_fmt(abs(r.gap), m)} {'above' if r.gap >= 0 else 'short of'} the target"
        trend = {"rising": "and rising", "falling": "and falling", "flat": "and flat"}.get(r.trend, f"(trend {r.trend})")
        action = {"met": "keep it and raise the bar", "close": "a small push closes it",
                  "behind": "rethink the programme behind it"}[r.status]
        if r.status != "met" and r.trend == "rising" and r.slope > 0:
            action = f"at this pace the target is about {math.ceil(-r.gap / r.slope)} periods away"
        elif r.status == "met" and r.trend == "falling":
            action = "met, but slipping: watch it"
        found.add(f"{r.objective}: {r.status}", f"{m}{where} is {_fmt(r.value, m)} ({r.basis}) against a target of "
                  f"{_fmt(r.target, m)}, {gap} ({r.pct_of_target:.0f}% of target) {trend}; {action}.")
    return found

"""The vanity -> business metric ladder: what a posts table measures, what it should measure, and
what is lost where it does not (essay "Social media ≠ Social business"; docs/model.md).

The ladder is the editable table ``metric_ladder`` (:func:`socialkit.tables.load`): each metric is
vanity or business, sits on a rung (relationships, engagement, revenue), and a vanity metric names
the business metric it should become. A **measured** cell is a non-blank value; absent columns and
blank cells are *not measured*, never read as zero. A metric's **coverage** is the share of posts
with a value (0-1); its status is measured (every post), partial, empty (column of blanks) or absent.

Trust ("the key metric that is missing", a reader's comment on that essay) is not a post metric: it
is measured for the organisation, period by period, in an optional trust file (period, measure such
as NPS or a trust survey score, value): :func:`trust_table`. Without one, "trust is not measured" is
a note, not a headline.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .. import tables
from ..findings import Findings
from ..schemas import RUNGS
from ..text import key, words
from .rates import ENGAGEMENT_ACTIONS, RATES, basis_column
from .time import time_basis

VANITY_ONLY = "You are measuring vanity only"
_KNOWN_NON_METRICS = {"post_id", "date", "month", "weekday", "hour", "channel", "post_type", "paid"}
_CONSEQUENCE_DIMS = {
    "date": "no trends (periods need a date, or a month with its year)",
    "post_type": "no breakdown by post type",
    "paid": "no paid vs organic comparison",
    "channel": "every post is read as one channel",
}


def assumed_channel(posts: pd.DataFrame) -> str | None:
    """The channel every post was given because the file had no channel column (recorded by
    :func:`socialkit.io.load` in ``attrs["assumed"]``), or None."""
    return posts.attrs.get("assumed", {}).get("channel")


def _measured(posts: pd.DataFrame, column: str) -> pd.Series:
    """Mask of posts where ``column`` is measured (present and not blank)."""
    if column not in posts.columns:
        return pd.Series(False, index=posts.index)
    return posts[column].notna()


def _alias_match(aliases: str, columns: Sequence[str]) -> str | None:
    """The first column whose name contains one of the ``;``-separated aliases as whole words."""
    names = [words(a) for a in str(aliases).split(";") if words(a)]
    for col in columns:
        padded = f" {words(col)} "
        if any(f" {a} " in padded for a in names):
            return str(col)
    return None


def classify_metrics(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ladder metric with its kind, rung, what it should become, and how well it is measured.

    Columns: metric, label, kind, rung, becomes, present (column in the file), measured_posts,
    coverage (share of posts with a value, 0-1), status (measured | partial | empty | absent), hint
    (an unmapped column of the file whose name matches one of the metric's aliases).
    """
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    n = len(posts)
    unmapped = [c for c in posts.columns if c not in set(ladder["metric"]) and c not in _KNOWN_NON_METRICS]
    rows = []
    for rec in ladder.itertuples(index=False):
        present = rec.metric in posts.columns
        measured = int(_measured(posts, rec.metric).sum())
        coverage = measured / n if n else 0.0
        if not present:
            status = "absent"
        elif measured == 0:
            status = "empty"
        elif measured < n:
            status = "partial"
        else:
            status = "measured"
        hint = ""
        if status in ("absent", "empty"):
            match = _alias_match(rec.aliases, unmapped)
            if match:
                hint = f"the column '{match}' looks like {rec.metric}: map it with column_map={{'{match}': '{rec.metric}'}}"
        rows.append(dict(metric=rec.metric, label=rec.label, kind=rec.kind, rung=rec.rung, becomes=rec.becomes,
                         present=present, measured_posts=measured, coverage=coverage, status=status, hint=hint))
    return pd.DataFrame(rows)


def _consequence(metric: str) -> str:
    lost = [r.name for r in RATES.values() if metric in (r.numerator, r.denominator)
            or (metric in ENGAGEMENT_ACTIONS and "engagements" in (r.numerator, r.denominator))]
    parts = []
    if lost:
        parts.append(("rates affected: " if metric in ENGAGEMENT_ACTIONS else "rates lost: ") + ", ".join(lost))
    if metric in ("reach", "impressions"):
        parts = ["the other of reach / impressions is used instead"]
    if metric in ("opt_ins", "leads", "orders", "revenue"):
        parts.append("no test of which vanity metrics predict it")
    if metric == "followers":
        parts = ["rates lost: engagement_rate_followers; no audience growth objective"]
    if metric == "sentiment":
        parts = ["no view of tone; sentiment objectives cannot be measured"]
    return "; ".join(parts)


def measurement_gaps(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Metrics and dimensions that are absent, empty or only partly filled: gaps, not errors.

    Columns: item, kind (vanity | business | dimension), rung, status (absent | empty | partial),
    coverage (share of posts with a value, 0-1), consequence, hint.
    """
    cls = classify_metrics(posts, ladder=ladder)
    gaps = cls[cls["status"] != "measured"].copy()
    gaps["consequence"] = [
        _consequence(m) if st != "partial" else
        f"rates and tests use only the {c:.0%} of posts that record it; blank cells are skipped, not read as 0"
        for m, st, c in zip(gaps["metric"], gaps["status"], gaps["coverage"])]
    gaps = gaps.rename(columns={"metric": "item"})[["item", "kind", "rung", "status", "coverage", "consequence", "hint"]]
    dims = []
    basis = time_basis(posts)
    if not basis.trend:
        dims.append(dict(item="date", kind="dimension", rung="", status="absent", coverage=0.0,
                         consequence=_CONSEQUENCE_DIMS["date"], hint=basis.note))
    for d in ("post_type", "paid"):
        if d not in posts.columns or posts[d].isna().all():
            dims.append(dict(item=d, kind="dimension", rung="", status="absent", coverage=0.0,
                             consequence=_CONSEQUENCE_DIMS[d], hint=""))
    channel = assumed_channel(posts)
    if channel:
        dims.append(dict(item="channel", kind="dimension", rung="", status="absent", coverage=0.0,
                         consequence=_CONSEQUENCE_DIMS["channel"], hint=f"all posts were given the channel '{channel}'"))
    out = pd.concat([gaps, pd.DataFrame(dims, columns=gaps.columns)], ignore_index=True) if dims else gaps
    order = {"absent": 0, "empty": 1, "partial": 2}
    kind_order = {"business": 0, "vanity": 1, "dimension": 2}
    out = out.assign(_k=out["kind"].map(kind_order), _s=out["status"].map(order))
    return out.sort_values(["_k", "_s", "item"], kind="stable").drop(columns=["_k", "_s"]).reset_index(drop=True)


def measurement_findings(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None,
                         sparse_share: float = 0.8, trust: pd.DataFrame | None = None) -> Findings:
    """What the measurement itself says: vanity only, rungs with vanity but no business metric,
    sparse outcomes (at least ``sparse_share`` of posts blank or 0), zero reach, trends skipped,
    channel assumed, and trust: a finding per measure of the ``trust`` file, or, with none, one note
    (kind "note") that trust is not measured."""
    cls = classify_metrics(posts, ladder=ladder)
    measured = cls[cls["status"].isin(["measured", "partial"])]
    business = measured[measured["kind"] == "business"]
    found = Findings(empty="_No findings._")
    if business.empty:
        vanity = ", ".join(measured.loc[measured["kind"] == "vanity", "metric"])
        found.add(VANITY_ONLY, f"the file has {vanity} but no business outcome (opt-ins, leads, orders, revenue). "
                  "Likes and reach cannot show whether social pays; record at least one outcome per post "
                  "(e.g. leads or orders attributed through tracked links) and run this again.")
    ask = {"relationships": "if they bring you friends and followers, ask for relationships",
           "engagement": "if they bring you likes and re-shares, ask for business engagement",
           "revenue": "if they bring you sentiment and conversations, ask for revenue"}
    for rung in RUNGS:
        v = measured[(measured["kind"] == "vanity") & (measured["rung"] == rung)]
        b = measured[(measured["kind"] == "business") & (measured["rung"] == rung)]
        if not v.empty and b.empty and not business.empty:
            wanted = ", ".join(cls.loc[(cls["kind"] == "business") & (cls["rung"] == rung), "metric"])
            found.add(f"The {rung} rung is vanity only", f"you measure {', '.join(v['metric'])} but none of {wanted}: {ask[rung]}.")
    n = len(posts)
    for rec in business.itertuples():
        nonzero = int((posts[rec.metric].fillna(0) != 0).sum())
        if n and (n - nonzero) / n >= sparse_share:
            found.add(f"Sparse outcome: {rec.metric}", f"only {nonzero} of {n} posts record any {rec.metric}; "
                      "correlations with it are weak evidence and its rates move a lot from period to period.")
    if trust is None:
        found.add("Trust is not measured: no trust file (period, measure, value) was given; a net promoter score or "
                  "a trust survey per quarter would show the relationship capital the vanity numbers cannot.",
                  kind="note")
    else:
        for r in trust_table(trust).itertuples(index=False):
            found.add(f"Trust: {r.measure} {r.latest:g} in {r.latest_period}", r.reading)
    col = basis_column(posts, "reach_basis")
    if col is not None:
        zero = int((posts[col] == 0).sum())
        if zero:
            chans = sorted(posts.loc[posts[col] == 0, "channel"].astype(str).unique()) if "channel" in posts else []
            found.add(f"{zero} posts had zero {col}", f"on {', '.join(chans)}; their per-reach rates are undefined "
                      "(left blank), not 0, and they add nothing to group rates.")
    basis = time_basis(posts)
    if not basis.trend:
        found.add("Trends are skipped", basis.note[0].upper() + basis.note[1:])
    channel = assumed_channel(posts)
    if channel:
        found.add("No channel column", f"every post was read as channel '{channel}'; pass channel= in the notebook "
                  "to name it.", kind="assumption")
    return found


def ladder_coverage(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage of each rung of the vanity -> business ladder.

    Columns: rung, order (1-3), vanity_metrics, vanity_measured (names), vanity_coverage (share of the
    rung's vanity metrics measured, 0-1), business_metrics, business_measured, business_coverage,
    status (vanity only | business measured | nothing measured), ask (what to ask for).
    """
    cls = classify_metrics(posts, ladder=ladder)
    ok = cls["status"].isin(["measured", "partial"])
    asks = {"relationships": "followers -> relationships (opted-in contacts, community members)",
            "engagement": "likes and re-shares -> business engagement (leads, sign-ups, referrals)",
            "revenue": "sentiment and conversations -> revenue (orders, pipeline, retained value)"}
    rows = []
    for i, rung in enumerate(RUNGS):
        r = cls[cls["rung"] == rung]
        v, b = r[r["kind"] == "vanity"], r[r["kind"] == "business"]
        vm, bm = v[ok.loc[v.index]], b[ok.loc[b.index]]
        status = ("business measured" if len(bm) else "vanity only" if len(vm) else "nothing measured")
        rows.append(dict(rung=rung, order=i + 1, vanity_metrics=", ".join(v["metric"]),
                         vanity_measured=", ".join(vm["metric"]), vanity_coverage=len(vm) / len(v) if len(v) else np.nan,
                         business_metrics=", ".join(b["metric"]), business_measured=", ".join(bm["metric"]),
                         business_coverage=len(bm) / len(b) if len(b) else np.nan, status=status, ask=asks[rung]))
    return pd.DataFrame(rows)


def ladder_map(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each vanity metric and the business metric it should become, and whether each is measured."""
    cls = classify_metrics(posts, ladder=ladder).set_index("metric")
    v = cls[cls["kind"] == "vanity"]
    rows = []
    for m, rec in v.iterrows():
        target = rec["becomes"]
        t_status = cls.loc[target, "status"] if target in cls.index else "absent"
        rows.append(dict(vanity=m, rung=rec["rung"], vanity_status=rec["status"], becomes=target,
                         business_status=t_status))
    return pd.DataFrame(rows)


def preview(posts: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The first ``n`` posts, with the columns of the posts contract the file has (in the contract's
    order): what was read, at a glance."""
    order = ["post_id", "date", "month", "weekday", "hour", "channel", "post_type", "paid", "reach", "impressions",
             "likes", "comments", "shares", "saves", "clicks", "engagements", "follows", "followers", "opt_ins", "leads",
             "orders", "revenue"]
    return posts.loc[:, [c for c in order if c in posts.columns]].head(n)


def trust_series(trust: pd.DataFrame) -> dict[str, pd.Series]:
    """Each measure of a trust file (period, measure, value) as a Series of values by period, in time
    order when every period reads as a date or period ("2025-Q1", "2025-06", "2025"), else in file
    order; keyed by the measure's :func:`socialkit.text.key` (a repeated period keeps its last value)."""
    out = {}
    for measure, grp in trust.groupby(trust["measure"].astype(str).str.strip(), sort=False):
        periods = grp["period"].astype(str).str.strip()
        try:
            order = [pd.Period(p) for p in periods]
            grp = grp.assign(_o=[(o.start_time, i) for i, o in enumerate(order)]).sort_values("_o")
        except (ValueError, TypeError):
            pass
        series = pd.Series(grp["value"].astype(float).to_numpy(), index=grp["period"].astype(str).str.strip().to_numpy(),
                           name=measure)
        out[key(measure)] = series[~series.index.duplicated(keep="last")]
    return out


def trust_table(trust: pd.DataFrame) -> pd.DataFrame:
    """One row per trust measure: measure, periods, first, first_period, latest, latest_period,
    change (latest - first) and a reading ("up 7 since 2025-Q1")."""
    rows = []
    for series in trust_series(trust).values():
        first, latest = float(series.iloc[0]), float(series.iloc[-1])
        change = latest - first
        reading = ("one period only: measure it again to see a trend" if len(series) == 1 else
                   f"{'up' if change > 0 else 'down' if change < 0 else 'unchanged'}"
                   + (f" {abs(change):g}" if change else "") + f" since {series.index[0]} ({len(series)} periods)")
        rows.append({"measure": series.name, "periods": len(series), "first": first, "first_period": series.index[0],
                     "latest": latest, "latest_period": series.index[-1], "change": change, "reading": reading})
    return pd.DataFrame(rows, columns=["measure", "periods", "first", "first_period", "latest", "latest_period",
                                       "change", "reading"])


def assumptions() -> Findings:
    """What the ladder's verdicts rest on (for a report's notes): the metrics the kit added, and the
    reading of rungs."""
    table = tables.load("metric_ladder")
    src = table["source"] if "source" in table.columns else pd.Series("", index=table.index)
    added = table.loc[src.fillna("").str.contains("kit assumption", case=False), "metric"].tolist()
    return Findings().add(f"The ladder's {', '.join(added)} are the kit's own reading: the essay names followers, "
                          "likes, re-tweets, sentiment, conversations and revenue (metric_ladder.csv).", kind="assumption")

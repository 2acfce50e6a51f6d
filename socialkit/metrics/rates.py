"""Rates of posts and groups of posts, and the reach -> order funnel.

* **engagements** of a post = likes + comments + shares + saves, summing the actions measured on that
  post (a post with none of them measured has no engagements value). Clicks are kept apart: they are
  the next funnel stage.
* **reach basis** = the ``reach`` column, or ``impressions`` when the file has no reach.
* A **rate of a group** of posts is a ratio of sums over the posts where numerator and denominator
  are both measured: ``rate = scale * sum(numerator) / sum(denominator)``. Posts with a blank in
  either are skipped (and counted in the ``skipped`` column); a group whose denominator sums to 0
  (e.g. zero reach) has an undefined rate (blank), never 0 or infinity, with a note saying why.

Rates (:data:`RATES`; percentages are in percent, i.e. 3.2 means 3.2 %):

* engagement_rate_reach = 100 * engagements / reach
* engagement_rate_followers = 100 * engagements / followers
* conversation_rate = comments / posts; amplification_rate = shares / posts;
  applause_rate = likes / posts (per post)
* click_through_rate = 100 * clicks / impressions (reach when there are no impressions)
* funnel steps: reach_to_engagement = 100 * engagements / reach, engagement_to_click =
  100 * clicks / engagements, click_to_lead = 100 * leads / clicks, lead_to_order =
  100 * orders / leads
* opt_ins_per_1000_reach = 1000 * opt_ins / reach; revenue_per_1000_reach = 1000 * revenue / reach

Funnel steps are ratios of counts, not tracked people: a step can exceed 100 % (e.g. more clicks
than likes + comments + shares + saves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..text import FALSE_WORDS, TRUE_WORDS, closest
from .time import add_period

ENGAGEMENT_ACTIONS = ("likes", "comments", "shares", "saves")
#: What rates and the funnel can be grouped by.
DIMENSIONS = ("channel", "post_type", "paid", "period", "weekday", "hour", "month_of_year", "all")
_TIME_DIMENSIONS = {"period", "weekday", "hour", "month_of_year"}


@dataclass(frozen=True)
class Rate:
    """One documented rate: ``scale * sum(numerator) / sum(denominator)`` over measured posts."""

    name: str
    label: str
    numerator: str
    denominator: str  # a column, "posts" (one per post), "reach_basis" or "impressions_basis"
    scale: float
    unit: str
    formula: str


RATES: dict[str, Rate] = {r.name: r for r in (
    Rate("engagement_rate_reach", "Engagement rate (reach)", "engagements", "reach_basis", 100, "%",
         "100 * engagements / reach"),
    Rate("engagement_rate_followers", "Engagement rate (followers)", "engagements", "followers", 100, "%",
         "100 * engagements / followers (followers on the day of each post)"),
    Rate("conversation_rate", "Conversation rate", "comments", "posts", 1, "comments per post",
         "comments / posts"),
    Rate("amplification_rate", "Amplification rate", "shares", "posts", 1, "shares per post",
         "shares / posts"),
    Rate("applause_rate", "Applause rate", "likes", "posts", 1, "likes per post", "likes / posts"),
    Rate("click_through_rate", "Click-through rate", "clicks", "impressions_basis", 100, "%",
         "100 * clicks / impressions (reach when the file has no impressions)"),
    Rate("reach_to_engagement", "Funnel: reach -> engagement", "engagements", "reach_basis", 100, "%",
         "100 * engagements / reach"),
    Rate("engagement_to_click", "Funnel: engagement -> click", "clicks", "engagements", 100, "%",
         "100 * clicks / engagements"),
    Rate("click_to_lead", "Funnel: click -> lead", "leads", "clicks", 100, "%", "100 * leads / clicks"),
    Rate("lead_to_order", "Funnel: lead -> order", "orders", "leads", 100, "%", "100 * orders / leads"),
    Rate("opt_ins_per_1000_reach", "Opt-ins per 1,000 reach", "opt_ins", "reach_basis", 1000, "per 1,000 reach",
         "1000 * opt_ins / reach"),
    Rate("revenue_per_1000_reach", "Revenue per 1,000 reach", "revenue", "reach_basis", 1000, "money per 1,000 reach",
         "1000 * revenue / reach"),
    Rate("platform_engagement_rate", "Engagement rate (platform's total)", "platform_engagements", "impressions_basis",
         100, "%", "100 * engagements as the platform counts them (every click, expand, like ...) / impressions"),
    Rate("follows_per_1000_impressions", "Follows gained per 1,000 impressions", "follows", "impressions_basis", 1000,
         "per 1,000 impressions", "1000 * follows gained from the posts / impressions: the audience-growth measure"),
)}

#: Funnel stages, in order, with the quantity each counts.
FUNNEL_STAGES = (("reach", "reach_basis"), ("engagement", "engagements"), ("click", "clicks"),
                 ("lead", "leads"), ("order", "orders"))


def rate_definitions() -> pd.DataFrame:
    """The rates as a table: name, label, formula, unit (for reports and the docs)."""
    return pd.DataFrame([dict(rate=r.name, label=r.label, formula=r.formula, unit=r.unit) for r in RATES.values()])


def check_rates(rates: Sequence[str] | str | None) -> list[str]:
    """The rate names asked for (every rate when None), or a ParameterError naming the closest."""
    if rates is None:
        return list(RATES)
    names = [rates] if isinstance(rates, str) else list(rates)
    for n in names:
        if n not in RATES:
            raise ParameterError("rate", f"must be one of {', '.join(RATES)}. Got {n!r} instead.", closest(n, RATES))
    return names


def check_by(by: str | Sequence[str]) -> list[str]:
    """The grouping columns asked for, or a ParameterError naming the closest of :data:`DIMENSIONS`."""
    keys = [by] if isinstance(by, str) else list(by)
    for k in keys:
        if k not in DIMENSIONS:
            raise ParameterError("by", f"must be one or more of {', '.join(DIMENSIONS)}. Got {k!r} instead.",
                                 closest(k, DIMENSIONS))
    return keys


def basis_column(posts: pd.DataFrame, basis: str) -> str | None:
    """The column behind a basis: ``reach_basis`` is reach (else impressions), ``impressions_basis``
    is impressions (else reach); a column with values wins over an empty one; None when neither exists."""
    order = {"reach_basis": ("reach", "impressions"), "impressions_basis": ("impressions", "reach")}[basis]
    for c in order:
        if c in posts.columns and posts[c].notna().any():
            return c
    for c in order:
        if c in posts.columns:
            return c
    return None


def engagements(posts: pd.DataFrame) -> pd.Series:
    """Engagements per post: likes + comments + shares + saves, over the actions measured on the post.

    Blank cells are skipped (a post with likes 10 and blank comments has 10 engagements); a post
    with no action measured has a blank (NaN), not 0.
    """
    present = [c for c in ENGAGEMENT_ACTIONS if c in posts.columns]
    if not present:
        if "engagements" in posts.columns:  # only the platform's own total: better than nothing
            return posts["engagements"].astype("float64").rename("engagements")
        return pd.Series(np.nan, index=posts.index, dtype="float64", name="engagements")
    return posts[present].astype("float64").sum(axis=1, min_count=1).rename("engagements")


def _quantity(posts: pd.DataFrame, name: str) -> tuple[pd.Series, str | None]:
    """Values of a numerator / denominator (series, source column name or None if not measured)."""
    if name == "posts":
        return pd.Series(1.0, index=posts.index), "posts"
    if name == "engagements":
        present = [c for c in ENGAGEMENT_ACTIONS if c in posts.columns]
        fallback = "engagements" if "engagements" in posts.columns else None
        return engagements(posts), ("+".join(present) if present else fallback)
    if name == "platform_engagements":  # the export's own total, not the kit's sum of actions
        if "engagements" in posts.columns:
            return posts["engagements"].astype("float64"), "engagements"
        return pd.Series(np.nan, index=posts.index), None
    if name in ("reach_basis", "impressions_basis"):
        col = basis_column(posts, name)
        if col is None:
            return pd.Series(np.nan, index=posts.index), None
        return posts[col].astype("float64"), col
    if name in posts.columns:
        return posts[name].astype("float64"), name
    return pd.Series(np.nan, index=posts.index), None


def post_rates(posts: pd.DataFrame, *, rates: Sequence[str] | None = None) -> pd.DataFrame:
    """Each rate per post (one column per rate, same index as ``posts``).

    A post's rate is blank when the numerator or the denominator is blank, or the denominator is 0
    (e.g. a post with zero reach): undefined, not 0.
    """
    names = check_rates(rates)
    out = pd.DataFrame(index=posts.index)
    for name in names:
        r = RATES[name]
        num, _ = _quantity(posts, r.numerator)
        den, _ = _quantity(posts, r.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = r.scale * num / den
        out[name] = val.where(den > 0)
    return out


def _group_rate(num: np.ndarray, den: np.ndarray, r: Rate, num_col: str | None, den_col: str | None) -> dict:
    """One group's rate from its posts' numerators and denominators (float arrays, NaN = blank)."""
    posts = len(num)
    if num_col is None or den_col is None:
        missing = r.numerator if num_col is None else r.denominator
        missing = {"reach_basis": "reach or impressions", "impressions_basis": "impressions or reach",
                   "engagements": "likes, comments, shares or saves"}.get(missing, missing)
        return dict(value=np.nan, numerator=np.nan, denominator=np.nan, posts=posts, used=0, skipped=posts,
                    note=f"not measured: the file has no {missing}")
    num_blank, den_blank = np.isnan(num), np.isnan(den)
    both = ~num_blank & ~den_blank
    used = int(both.sum())
    n_sum, d_sum = float(num[both].sum()), float(den[both].sum())
    skipped = posts - used
    if used == 0:
        value, note = np.nan, f"no post has both {num_col} and {den_col}"
    elif d_sum == 0:
        value, note = np.nan, f"{den_col} is 0 for every measured post: rate undefined"
    else:
        value = r.scale * n_sum / d_sum
        note = ""
    if skipped and used:
        blank = [c for c, b in ((num_col, num_blank), (den_col, den_blank)) if b.any()]
        note = "; ".join(x for x in (note, f"{skipped} of {posts} posts skipped (blank {' or '.join(blank)})") if x)
    zero = int((both & (den == 0)).sum())
    if zero and used and d_sum > 0:
        note = "; ".join(x for x in (note, f"{zero} posts with {den_col} = 0 add nothing") if x)
    return dict(value=value, numerator=n_sum if used else np.nan, denominator=d_sum if used else np.nan,
                posts=posts, used=used, skipped=skipped, note=note)


def rates(posts: pd.DataFrame, *, by: str | Sequence[str] = "channel", rates: Sequence[str] | str | None = None,
          period: str = "month") -> pd.DataFrame:
    """Rates of each group of posts, in long form with the arithmetic shown.

    ``by``: one or more of channel, post_type, paid (paid / organic), period, weekday, hour,
    month_of_year, all. Columns: the ``by`` columns, rate, label, unit, value, numerator,
    denominator (sums over the posts used), posts, used, skipped, note (why a value is blank or
    what was left out). A group's rate is ``scale * sum(numerator) / sum(denominator)`` over posts
    where both are measured.
    """
    names = check_rates(rates)
    keys = check_by(by)
    data = add_period(posts, period=period) if set(keys) & _TIME_DIMENSIONS else posts
    data = _with_dimensions(data, keys)
    quantities = {}
    for name in names:
        r = RATES[name]
        (num, num_col), (den, den_col) = _quantity(data, r.numerator), _quantity(data, r.denominator)
        quantities[name] = (num.to_numpy("float64", na_value=np.nan), num_col,
                            den.to_numpy("float64", na_value=np.nan), den_col)
    rows = []
    for key, at in data.groupby(keys, sort=True, dropna=False).indices.items():  # each group's row positions
        key = key if isinstance(key, tuple) else (key,)
        for name in names:
            r = RATES[name]
            num, num_col, den, den_col = quantities[name]
            rec = dict(zip(keys, key))
            rec.update(rate=name, label=r.label, unit=r.unit)
            rec.update(_group_rate(num[at], den[at], r, num_col, den_col))
            rows.append(rec)
    cols = list(keys) + ["rate", "label", "unit", "value", "numerator", "denominator", "posts", "used", "skipped", "note"]
    out = pd.DataFrame(rows, columns=cols)
    if "period" in keys and "period_start" in data.columns:
        starts = data.groupby("period")["period_start"].min()
        out["period_start"] = out["period"].map(starts)
    return out


def rates_summary(long: pd.DataFrame, *, digits: int = 2) -> pd.DataFrame:
    """The long table of :func:`rates` as one row per group and one column per rate (rounded)."""
    keys = [c for c in long.columns if c in DIMENSIONS]
    wide = long.pivot_table(index=keys, columns="rate", values="value", aggfunc="first", dropna=False, sort=False)
    order = [r for r in RATES if r in wide.columns]
    wide = wide[order].round(digits)
    wide.columns.name = None
    return wide.reset_index()


def rate_notes(long: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`rates` whose value is blank or partial, with the reason (the note)."""
    keys = [c for c in long.columns if c in DIMENSIONS]
    out = long.loc[long["note"] != "", keys + ["rate", "label", "value", "used", "skipped", "note"]]
    return out.reset_index(drop=True)


def paid_label(values: pd.Series) -> pd.Series:
    """"paid" / "organic" / "not recorded" from a paid column holding booleans or yes/no text
    (:data:`socialkit.text.TRUE_WORDS` / ``FALSE_WORDS``: true/false, yes/no, 1/0, paid/organic)."""
    def one(v):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return "not recorded"
        if isinstance(v, (bool, np.bool_)):
            return "paid" if v else "organic"
        t = str(v).strip().lower()
        return "paid" if t in TRUE_WORDS else "organic" if t in FALSE_WORDS and t else "not recorded"

    return values.map(one).astype(str)


def _with_dimensions(posts: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    out = posts.copy()
    for k in keys:
        if k == "all":
            out["all"] = "all posts"
        elif k == "paid":
            out["paid"] = paid_label(out["paid"]) if "paid" in out.columns else "not recorded"
        elif k not in out.columns:
            out[k] = "not recorded"
        else:
            out[k] = out[k].astype("string").fillna("not recorded").astype(str) if k != "hour" else out[k]
    return out


# --------------------------------------------------------------------------- funnel


def funnel(posts: pd.DataFrame, *, by: str | Sequence[str] = "channel") -> pd.DataFrame:
    """Reach -> engagement -> click -> lead -> order, per group.

    Columns: the ``by`` columns, stage, order (1-5), count (sum of the stage over posts where it is
    measured), step_rate (100 * stage / previous stage, over posts measuring both), from_reach
    (100 * stage / reach, over posts measuring both), note. Stages not measured have a blank count.
    """
    keys = check_by(by)
    data = _with_dimensions(add_period(posts) if set(keys) & _TIME_DIMENSIONS else posts, keys)
    values = {stage: _quantity(data, q) for stage, q in FUNNEL_STAGES}
    rows = []
    for key, group in data.groupby(keys, sort=True, dropna=False):
        idx = group.index
        reach = values["reach"][0].loc[idx]
        prev: pd.Series | None = None
        for i, (stage, _) in enumerate(FUNNEL_STAGES):
            s, col = values[stage]
            s = s.loc[idx]
            rec = dict(zip(keys, key))
            rec.update(stage=stage, order=i + 1)
            if col is None or s.notna().sum() == 0:
                rec.update(count=np.nan, step_rate=np.nan, from_reach=np.nan, note=f"{stage} not measured")
                prev = None
            elif stage == "reach":
                rec.update(count=float(s.sum()), step_rate=np.nan, from_reach=100.0 if s.sum() > 0 else np.nan,
                           note="" if s.sum() > 0 else "reach is 0: every conversion is undefined")
                prev = s
            else:
                step, n1 = _pair_ratio(s, prev)
                frm, n2 = _pair_ratio(s, reach)
                rec.update(count=float(s.sum()), step_rate=step, from_reach=frm, note=n1 or n2)
                prev = s
            rows.append(rec)
    return pd.DataFrame(rows, columns=list(keys) + ["stage", "order", "count", "step_rate", "from_reach", "note"])


def _pair_ratio(num: pd.Series, den: pd.Series | None) -> tuple[float, str]:
    if den is None:
        return np.nan, "previous stage not measured"
    both = num.notna() & den.notna()
    d = float(den[both].sum())
    if not both.any():
        return np.nan, "no post measures both stages"
    if d == 0:
        return np.nan, "previous stage is 0: conversion undefined"
    return 100 * float(num[both].sum()) / d, ""

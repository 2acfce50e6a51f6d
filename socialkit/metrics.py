"""From vanity to value: what an organisation measures, what it should measure, and whether its
vanity numbers move the business ones (DOMAIN.md section 6).

Input is a posts table (contract :class:`socialkit.schemas.Posts`): one row per post with vanity
metrics (reach, impressions, likes, comments, shares, saves, clicks, followers, sentiment) and the
business outcomes the organisation records (opt_ins, leads, orders, revenue). Only a reach-or-
impressions column and one engagement column are required; every other metric may be absent.

Definitions used throughout (see docs/metrics.md for worked examples):

* **measured** cell: a non-blank value. Absent columns and blank cells are *not measured*; they are
  never read as zero.
* **engagements** of a post = likes + comments + shares + saves, summing the actions measured on that
  post (a post with none of them measured has no engagements value). Clicks are kept apart: they are
  the next funnel stage.
* **reach basis** = the ``reach`` column, or ``impressions`` when the file has no reach.
* A **rate of a group** of posts is a ratio of sums over the posts where numerator and denominator
  are both measured: ``rate = scale * sum(numerator) / sum(denominator)``. Posts with a blank in
  either are skipped (and counted in the ``skipped`` column); a group whose denominator sums to 0
  (e.g. zero reach) has an undefined rate (blank), never 0 or infinity, with a note saying why.

Rates (``RATES``; percentages are in percent, i.e. 3.2 means 3.2 %):

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

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from . import config, io
from .charts import PALETTE
from .exceptions import DataValidationError, ParameterError, Problem
from .params import closest
from .text import FALSE_WORDS, TRUE_WORDS

# --------------------------------------------------------------------------- ladder

RUNGS = ("relationships", "engagement", "revenue")
ENGAGEMENT_ACTIONS = ("likes", "comments", "shares", "saves")
DIMENSIONS = ("channel", "post_type", "paid", "period", "weekday", "hour", "month_of_year", "all")
PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LADDER_COLUMNS = ("metric", "kind", "rung", "becomes", "aliases")


def load_ladder(path: Any = None) -> pd.DataFrame:
    """The vanity -> business ladder (``socialkit/data/metric_ladder.csv``, editable).

    Columns: metric, kind (vanity | business), rung (relationships | engagement | revenue),
    becomes (the business metric a vanity metric should turn into), aliases (``;``-separated
    names the metric goes by), aggregate (how a metric totals per period: sum | mean | latest),
    label.
    """
    source = path or config.data_file("metric_ladder.csv")
    ladder = io.read_table(source)
    problems = [Problem(c, "required column is missing", fix="restore the column in metric_ladder.csv")
                for c in _LADDER_COLUMNS if c not in ladder.columns]
    if not problems:
        bad_kind = ~ladder["kind"].isin(["vanity", "business"])
        if bad_kind.any():
            problems.append(Problem("kind", "must be 'vanity' or 'business'", rows=[int(i) + 2 for i in ladder.index[bad_kind]],
                                    values=ladder.loc[bad_kind, "kind"].tolist(), fix="use vanity or business"))
        bad_rung = ~ladder["rung"].isin(RUNGS)
        if bad_rung.any():
            problems.append(Problem("rung", f"must be one of {', '.join(RUNGS)}", rows=[int(i) + 2 for i in ladder.index[bad_rung]],
                                    values=ladder.loc[bad_rung, "rung"].tolist(), fix="use one of the three rungs"))
    if problems:
        raise DataValidationError(source, "metric ladder", problems)
    ladder = ladder.copy()
    if "aggregate" not in ladder.columns:
        ladder["aggregate"] = "sum"
    if "label" not in ladder.columns:
        ladder["label"] = ladder["metric"]
    ladder["aggregate"] = ladder["aggregate"].fillna("sum").astype(str)
    ladder["label"] = ladder["label"].fillna(ladder["metric"]).astype(str)
    ladder["becomes"] = ladder["becomes"].astype("string").fillna("")
    ladder["aliases"] = ladder["aliases"].astype("string").fillna("")
    return ladder.reset_index(drop=True)


def _ladder(ladder: pd.DataFrame | None) -> pd.DataFrame:
    return load_ladder() if ladder is None else ladder


def _measured(posts: pd.DataFrame, column: str) -> pd.Series:
    """Mask of posts where ``column`` is measured (present and not blank)."""
    if column not in posts.columns:
        return pd.Series(False, index=posts.index)
    return posts[column].notna()


def classify_metrics(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ladder metric with its kind, rung, what it should become, and how well it is measured.

    Columns: metric, label, kind, rung, becomes, present (column in the file), measured_posts,
    coverage (share of posts with a value, 0-1), status (measured | partial | empty | absent), hint
    (an unmapped column of the file whose name matches one of the metric's aliases).
    """
    ladder = _ladder(ladder)
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


_KNOWN_NON_METRICS = {"post_id", "date", "month", "weekday", "hour", "channel", "post_type", "paid"}


def _alias_match(aliases: str, columns: Sequence[str]) -> str | None:
    names = [a.strip().lower() for a in str(aliases).split(";") if a.strip()]
    for col in columns:
        words = re.sub(r"[_\-]+", " ", str(col).lower())
        if any(re.search(rf"\b{re.escape(a)}\b", words) for a in names):
            return str(col)
    return None


# --------------------------------------------------------------------------- rates


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
)}

FUNNEL_STAGES = (("reach", "reach_basis"), ("engagement", "engagements"), ("click", "clicks"),
                 ("lead", "leads"), ("order", "orders"))


def rate_definitions() -> pd.DataFrame:
    """The rates as a table: name, label, formula, unit (for reports and the docs)."""
    return pd.DataFrame([dict(rate=r.name, label=r.label, formula=r.formula, unit=r.unit) for r in RATES.values()])


def _basis_column(posts: pd.DataFrame, basis: str) -> str | None:
    """The column behind a basis: reach (else impressions) or impressions (else reach)."""
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
        return pd.Series(np.nan, index=posts.index, dtype="float64", name="engagements")
    return posts[present].astype("float64").sum(axis=1, min_count=1).rename("engagements")


def _quantity(posts: pd.DataFrame, name: str) -> tuple[pd.Series, str | None]:
    """Values of a numerator / denominator (series, source column name or None if not measured)."""
    if name == "posts":
        return pd.Series(1.0, index=posts.index), "posts"
    if name == "engagements":
        present = [c for c in ENGAGEMENT_ACTIONS if c in posts.columns]
        return engagements(posts), ("+".join(present) if present else None)
    if name in ("reach_basis", "impressions_basis"):
        col = _basis_column(posts, name)
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
    names = _check_rates(rates)
    out = pd.DataFrame(index=posts.index)
    for name in names:
        r = RATES[name]
        num, _ = _quantity(posts, r.numerator)
        den, _ = _quantity(posts, r.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = r.scale * num / den
        out[name] = val.where(den > 0)
    return out


def _check_rates(rates: Sequence[str] | str | None) -> list[str]:
    if rates is None:
        return list(RATES)
    names = [rates] if isinstance(rates, str) else list(rates)
    for n in names:
        if n not in RATES:
            raise ParameterError("rate", f"must be one of {', '.join(RATES)}. Got {n!r} instead.", closest(n, RATES))
    return names


def _group_rate(num: pd.Series, den: pd.Series, r: Rate, num_col: str | None, den_col: str | None) -> dict:
    posts = len(num)
    if num_col is None or den_col is None:
        missing = r.numerator if num_col is None else r.denominator
        missing = {"reach_basis": "reach or impressions", "impressions_basis": "impressions or reach",
                   "engagements": "likes, comments, shares or saves"}.get(missing, missing)
        return dict(value=np.nan, numerator=np.nan, denominator=np.nan, posts=posts, used=0, skipped=posts,
                    note=f"not measured: the file has no {missing}")
    both = num.notna() & den.notna()
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
        blank = [c for c, s in ((num_col, num), (den_col, den)) if s.isna().any()]
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
    names = _check_rates(rates)
    keys = _check_by(by)
    data = add_period(posts, period=period) if set(keys) & {"period", "weekday", "hour", "month_of_year"} else posts
    data = _with_dimensions(data, keys)
    quantities = {}
    for name in names:
        r = RATES[name]
        quantities[name] = (_quantity(data, r.numerator), _quantity(data, r.denominator))
    rows = []
    for key, group in data.groupby(keys, sort=True, dropna=False):
        idx = group.index
        for name in names:
            r = RATES[name]
            (num, num_col), (den, den_col) = quantities[name]
            rec = dict(zip(keys, key))
            rec.update(rate=name, label=r.label, unit=r.unit)
            rec.update(_group_rate(num.loc[idx], den.loc[idx], r, num_col, den_col))
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
    out = long.loc[long["note"] != "", keys + ["rate", "value", "used", "skipped", "note"]]
    return out.reset_index(drop=True)


def _check_by(by: str | Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    for k in keys:
        if k not in DIMENSIONS:
            raise ParameterError("by", f"must be one or more of {', '.join(DIMENSIONS)}. Got {k!r} instead.",
                                 closest(k, DIMENSIONS))
    return keys


def paid_label(values: pd.Series) -> pd.Series:
    """"paid" / "organic" / "not recorded" from a paid column holding booleans or yes/no text
    (true/false, yes/no, 1/0, paid/organic)."""
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
    keys = _check_by(by)
    data = _with_dimensions(add_period(posts) if set(keys) & {"period", "weekday", "hour", "month_of_year"} else posts, keys)
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


# --------------------------------------------------------------------------- time


@dataclass(frozen=True)
class TimeBasis:
    """What the table says about time: where periods come from and whether trends can be drawn."""

    source: str  # date | month | month_of_year | weekday_hour | none
    trend: bool
    note: str

    def _repr_markdown_(self) -> str:
        return f"**Time:** {self.note}"


def _parse_month(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(period start timestamps when the value has a year, month number 1-12) for a month column."""
    txt = values.astype("string").str.strip()
    has_year = txt.str.contains(r"\d{4}", regex=True).fillna(False)
    starts = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if has_year.any():
        parsed = pd.to_datetime(txt.where(has_year), errors="coerce", format="mixed")
        starts = parsed.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    number = pd.Series(np.nan, index=values.index)
    low = txt.str.lower().str[:3]
    lookup = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
    number = low.map(lambda v: lookup.get(v, np.nan) if isinstance(v, str) else np.nan).astype("float64")
    digits = pd.to_numeric(txt, errors="coerce")
    number = number.where(number.notna(), digits.where(digits.between(1, 12)))
    number = number.where(number.notna(), starts.dt.month.astype("float64"))
    return starts, number


def time_basis(posts: pd.DataFrame) -> TimeBasis:
    """Where periods come from: a date column, a month column with a year, or nothing ordered.

    Trends need ordered periods: a date, or a month with its year ("2025-03", "Mar 2025"). A month
    name alone ("March") may span several years, so it gives a month-of-year profile and no trend.
    """
    if "date" in posts.columns and posts["date"].notna().any():
        return TimeBasis("date", True, "periods come from the date column.")
    if "month" in posts.columns and posts["month"].notna().any():
        starts, _ = _parse_month(posts["month"])
        if starts.notna().mean() >= 0.9:
            return TimeBasis("month", True, "periods come from the month column (months with their year).")
        return TimeBasis("month_of_year", False, (
            "the file has no date column and its month column has no year, so months cannot be put in "
            "order: trend sections are skipped. Rates by month of year, weekday and hour are shown instead. "
            "Add a date column (or months like 2025-03) to see trends."))
    if any(c in posts.columns and posts[c].notna().any() for c in ("weekday", "hour")):
        return TimeBasis("weekday_hour", False, (
            "the file has no date or month column: trend sections are skipped. Rates by weekday and hour "
            "are shown instead. Add a date column to see trends."))
    return TimeBasis("none", False, "the file has no date, month, weekday or hour column: trend and timing "
                     "sections are skipped. Add a date column to see trends.")


def add_period(posts: pd.DataFrame, *, period: str = "month") -> pd.DataFrame:
    """A copy of ``posts`` with period columns derived from the date or the month/weekday/hour columns.

    Adds ``period`` (label such as 2025-03, 2025-W10 or 2025Q1; blank without an ordered time
    source), ``period_start`` (timestamp), ``month_of_year`` (Jan..Dec), ``weekday``
    (Monday..Sunday) and ``hour`` (0-23, from the date only when it carries times).
    """
    if period not in PERIODS:
        raise ParameterError("period", f"must be one of {', '.join(PERIODS)}. Got {period!r} instead.", closest(period, PERIODS))
    out = posts.copy()
    basis = time_basis(posts)
    start = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    moy = pd.Series(np.nan, index=out.index)
    if basis.source == "date":
        d = pd.to_datetime(out["date"], errors="coerce")
        start = d.dt.to_period(PERIODS[period]).dt.start_time.astype("datetime64[ns]")
        moy = d.dt.month.astype("float64")
        if "weekday" not in out.columns or out["weekday"].isna().all():
            out["weekday"] = d.dt.day_name()
        if ("hour" not in out.columns or out["hour"].isna().all()) and (d.dt.hour.fillna(0) != 0).any():
            out["hour"] = d.dt.hour.astype("float64")
    elif "month" in out.columns:
        mstart, moy = _parse_month(out["month"])
        if basis.source == "month":
            start = mstart.dt.to_period(PERIODS[period]).dt.start_time.astype("datetime64[ns]")
            if period == "week":
                start = mstart
    out["period_start"] = start
    out["period"] = _period_label(start, "month" if basis.source == "month" and period == "week" else period)
    out["month_of_year"] = moy.map(lambda m: MONTHS[int(m) - 1] if pd.notna(m) else pd.NA).astype("string")
    if "weekday" in out.columns:
        out["weekday"] = _weekday_names(out["weekday"])
    if "hour" in out.columns:
        out["hour"] = pd.to_numeric(out["hour"], errors="coerce").astype("float64")
    return out


def _period_label(start: pd.Series, period: str) -> pd.Series:
    if period == "week":
        iso = start.dt.isocalendar()
        lab = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    elif period == "quarter":
        lab = start.dt.year.astype("Int64").astype("string") + "Q" + start.dt.quarter.astype("Int64").astype("string")
    else:
        lab = start.dt.strftime("%Y-%m").astype("string")
    return lab.where(start.notna(), pd.NA)


def _weekday_names(values: pd.Series) -> pd.Series:
    lookup = {w[:3].lower(): w for w in WEEKDAYS}
    txt = values.astype("string").str.strip()

    def one(v):
        if not isinstance(v, str):
            return pd.NA
        if v.isdigit() and 0 <= int(v) <= 6:
            return WEEKDAYS[int(v)]
        return lookup.get(v[:3].lower(), v)

    return txt.map(one).astype("string")


@dataclass
class Trends:
    """Rates per period and group, or the reason trends were skipped."""

    table: pd.DataFrame
    skipped: bool
    note: str
    rate: str = "engagement_rate_reach"
    by: str = "channel"

    def _repr_markdown_(self) -> str:
        if self.skipped:
            return f"**Trend skipped:** {self.note}"
        t = self.table.dropna(subset=["value"])
        if t.empty:
            return f"**Trend:** no {RATES[self.rate].label.lower()} could be computed in any period."
        periods = t["period"].nunique()
        return (f"**Trend:** {RATES[self.rate].label} per {self.by} over {periods} periods "
                f"({t['period'].min()} to {t['period'].max()}). {self.note}")


def trends(posts: pd.DataFrame, *, rate: str = "engagement_rate_reach", by: str = "channel",
           period: str = "month") -> Trends:
    """One rate per period and group (``by``), or ``skipped=True`` with a note when the table has no
    ordered time column (see :func:`time_basis`)."""
    _check_rates(rate)
    basis = time_basis(posts)
    if not basis.trend:
        return Trends(pd.DataFrame(columns=["period", "period_start", by, "rate", "value", "used", "note"]), True,
                      basis.note, rate, by)
    long = rates(posts, by=["period", by], rates=[rate], period=period)
    long = long[long["period"] != "not recorded"].sort_values(["period_start", by]).reset_index(drop=True)
    return Trends(long[["period", "period_start", by, "rate", "value", "used", "note"]], False, basis.note, rate, by)


def timing(posts: pd.DataFrame, *, rate: str = "engagement_rate_reach") -> pd.DataFrame:
    """One rate by weekday, by hour and by month of year (whichever the table can give).

    Columns: dimension (weekday | hour | month_of_year), value_label, order, rate, value, used, note.
    Empty when the table has no time information at all.
    """
    _check_rates(rate)
    data = add_period(posts)
    frames = []
    orders = {"weekday": {w: i for i, w in enumerate(WEEKDAYS)}, "month_of_year": {m: i for i, m in enumerate(MONTHS)}}
    for dim in ("weekday", "hour", "month_of_year"):
        if dim not in data.columns or data[dim].isna().all():
            continue
        long = rates(data[data[dim].notna()], by=dim, rates=[rate])
        if dim == "hour":
            long["order"] = long["hour"].astype(float)
            long["value_label"] = long["hour"].astype(float).astype(int).map(lambda h: f"{h:02d}:00")
        else:
            long["order"] = long[dim].map(orders[dim]).astype(float)
            long["value_label"] = long[dim].astype(str)
        long["dimension"] = dim
        frames.append(long[["dimension", "value_label", "order", "rate", "value", "used", "note"]])
    if not frames:
        return pd.DataFrame(columns=["dimension", "value_label", "order", "rate", "value", "used", "note"])
    return pd.concat(frames, ignore_index=True).sort_values(["dimension", "order"]).reset_index(drop=True)


# --------------------------------------------------------------------------- gaps and findings


def prepare_posts(raw: pd.DataFrame, *, channel: str | None = None) -> pd.DataFrame:
    """Validate a posts table (contract ``posts``), first adding a ``channel`` column when the file has
    none: every post gets ``channel`` (default "all channels"), recorded in ``attrs['channel_assumed']``."""
    norm = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in raw.columns}
    data = raw
    if "channel" not in norm:
        data = raw.copy()
        data["channel"] = channel or "all channels"
        data.attrs = dict(raw.attrs, channel_assumed=channel or "all channels")
    return io.validate(data, "posts", source=raw.attrs.get("source"))


_CONSEQUENCE_DIMS = {
    "date": "no trends (periods need a date, or a month with its year)",
    "post_type": "no breakdown by post type",
    "paid": "no paid vs organic comparison",
    "channel": "every post is read as one channel",
}


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
    if metric == "trust":
        parts.append("no view of relationship capital (DOMAIN.md section 6)")
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
    if posts.attrs.get("channel_assumed"):
        dims.append(dict(item="channel", kind="dimension", rung="", status="absent", coverage=0.0,
                         consequence=_CONSEQUENCE_DIMS["channel"],
                         hint=f"all posts were given the channel '{posts.attrs['channel_assumed']}'"))
    out = pd.concat([gaps, pd.DataFrame(dims, columns=gaps.columns)], ignore_index=True) if dims else gaps
    order = {"absent": 0, "empty": 1, "partial": 2}
    kind_order = {"business": 0, "vanity": 1, "dimension": 2}
    out = out.assign(_k=out["kind"].map(kind_order), _s=out["status"].map(order))
    return out.sort_values(["_k", "_s", "item"], kind="stable").drop(columns=["_k", "_s"]).reset_index(drop=True)


VANITY_ONLY = "You are measuring vanity only"


@dataclass
class Findings:
    """Plain-language findings, most important first (``table`` has columns finding, detail)."""

    table: pd.DataFrame

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, text: str) -> bool:
        return any(text in f for f in self.table["finding"])

    def _repr_markdown_(self) -> str:
        if self.table.empty:
            return "_No findings._"
        return "\n".join(f"- **{r.finding}.** {r.detail[:1].upper() + r.detail[1:]}" for r in self.table.itertuples())


def measurement_findings(posts: pd.DataFrame, *, ladder: pd.DataFrame | None = None,
                         sparse_share: float = 0.8) -> Findings:
    """What the measurement itself says: vanity only, rungs with vanity but no business metric,
    sparse outcomes (at least ``sparse_share`` of posts blank or 0), trust not measured, zero reach."""
    ladder = _ladder(ladder)
    cls = classify_metrics(posts, ladder=ladder)
    measured = cls[cls["status"].isin(["measured", "partial"])]
    business = measured[measured["kind"] == "business"]
    rows = []
    if business.empty:
        vanity = ", ".join(measured.loc[measured["kind"] == "vanity", "metric"])
        rows.append((VANITY_ONLY, f"the file has {vanity} but no business outcome (opt-ins, leads, orders, revenue). "
                     "Likes and reach cannot show whether social pays; record at least one outcome per post "
                     "(e.g. leads or orders attributed through tracked links) and run this again."))
    ask = {"relationships": "if they bring you friends and followers, ask for relationships",
           "engagement": "if they bring you likes and re-shares, ask for business engagement",
           "revenue": "if they bring you sentiment and conversations, ask for revenue"}
    for rung in RUNGS:
        v = measured[(measured["kind"] == "vanity") & (measured["rung"] == rung)]
        b = measured[(measured["kind"] == "business") & (measured["rung"] == rung)]
        if not v.empty and b.empty and not business.empty:
            wanted = ", ".join(cls.loc[(cls["kind"] == "business") & (cls["rung"] == rung), "metric"])
            rows.append((f"The {rung} rung is vanity only",
                         f"you measure {', '.join(v['metric'])} but none of {wanted}: {ask[rung]}."))
    n = len(posts)
    for rec in business.itertuples():
        vals = posts[rec.metric]
        nonzero = int((vals.fillna(0) != 0).sum())
        if n and (n - nonzero) / n >= sparse_share:
            rows.append((f"Sparse outcome: {rec.metric}", f"only {nonzero} of {n} posts record any {rec.metric}; "
                         "correlations with it are weak evidence and its rates move a lot from period to period."))
    if "trust" in set(cls["metric"]) and cls.loc[cls["metric"] == "trust", "status"].iloc[0] in ("absent", "empty"):
        rows.append(("Nobody measures trust", "trust / relationship capital (e.g. a net promoter score or repeat "
                     "customers) is the metric the vanity numbers cannot stand in for; add a trust column if you have one."))
    col = _basis_column(posts, "reach_basis")
    if col is not None:
        zero = int((posts[col] == 0).sum())
        if zero:
            chans = sorted(posts.loc[posts[col] == 0, "channel"].astype(str).unique()) if "channel" in posts else []
            rows.append((f"{zero} posts had zero {col}", f"on {', '.join(chans)}; their per-reach rates are undefined "
                         "(left blank), not 0, and they add nothing to group rates."))
    basis = time_basis(posts)
    if not basis.trend:
        rows.append(("Trends are skipped", basis.note[0].upper() + basis.note[1:]))
    if posts.attrs.get("channel_assumed"):
        rows.append(("No channel column", f"every post was read as channel '{posts.attrs['channel_assumed']}'; "
                     "pass channel= in the notebook to name it."))
    return Findings(pd.DataFrame(rows, columns=["finding", "detail"]))


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


# --------------------------------------------------------------------------- vanity vs value


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: the Pearson correlation of the ranks (ties get their average rank).

    NaN when fewer than 3 pairs or when either variable never varies.
    """
    x = pd.Series(np.asarray(x, dtype="float64"))
    y = pd.Series(np.asarray(y, dtype="float64"))
    if len(x) < 3:
        return np.nan
    rx, ry = x.rank(method="average"), y.rank(method="average")
    if rx.std() == 0 or ry.std() == 0:
        return np.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def fisher_interval(rho: float, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a Spearman rho by Fisher's z: ``tanh(atanh(rho) +/- z * 1.06 / sqrt(n - 3))``.

    The 1.06 factor is the Fieller, Hartley & Pearson (1957) variance correction for Spearman's rho.
    NaN when n < 4 or rho is NaN; rho = +/-1 gives the degenerate interval (rho, rho).
    """
    from scipy.stats import norm

    if n < 4 or rho is None or np.isnan(rho):
        return (np.nan, np.nan)
    if abs(rho) >= 1:
        return (float(rho), float(rho))
    z = math.atanh(rho)
    half = norm.ppf(0.5 + level / 2) * 1.06 / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def bootstrap_interval(x: Sequence[float], y: Sequence[float], *, level: float = 0.95, n_boot: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of Spearman's rho: resample the post pairs with replacement
    ``n_boot`` times (seeded), take the (1-level)/2 and (1+level)/2 quantiles of the rhos that are
    defined."""
    from scipy.stats import rankdata

    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    n = len(x)
    if n < 4:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    rx = rankdata(x[idx], axis=1)  # average ranks for ties, one resample per row
    ry = rankdata(y[idx], axis=1)
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx ** 2).sum(axis=1) * (ry ** 2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        rhos = (rx * ry).sum(axis=1) / den
    rhos = rhos[np.isfinite(rhos)]
    if rhos.size == 0:
        return (np.nan, np.nan)
    lo, hi = np.quantile(rhos, [(1 - level) / 2, (1 + level) / 2])
    return (float(lo), float(hi))


def _strength(rho: float) -> str:
    a = abs(rho)
    return "negligible" if a < 0.1 else "weak" if a < 0.3 else "moderate" if a < 0.5 else "strong"


def vanity_value(posts: pd.DataFrame, *, by: str | None = "channel", method: str = "fisher", level: float = 0.95,
                 min_posts: int = 10, n_boot: int = 1000, seed: int = 0,
                 ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Does vanity predict value? Spearman's rho of each vanity metric with each business outcome,
    per channel (``by``; None pools all posts), at post level, with a confidence interval.

    ``method``: "fisher" (Fisher z with the 1.06 correction) or "bootstrap" (percentile, seeded).
    Columns: channel, vanity, outcome, n (posts with both measured), rho, low, high, strength,
    verdict (moves with value | moves against value | no evidence | not enough posts | outcome never
    varies | vanity never varies). Verdicts: the interval is above 0 / below 0 / includes 0.
    """
    if method not in ("fisher", "bootstrap"):
        raise ParameterError("method", f"must be 'fisher' or 'bootstrap'. Got {method!r} instead.")
    if not 0 < level < 1:
        raise ParameterError("level", f"must be between 0 and 1 (e.g. 0.95). Got {level!r} instead.")
    cls = classify_metrics(posts, ladder=ladder)
    ok = cls[cls["status"].isin(["measured", "partial"])]
    vanity = [m for m in ok.loc[ok["kind"] == "vanity", "metric"]]
    outcomes = [m for m in ok.loc[ok["kind"] == "business", "metric"]]
    cols = ["channel", "vanity", "outcome", "n", "rho", "low", "high", "strength", "verdict"]
    if not outcomes or not vanity:
        return pd.DataFrame(columns=cols)
    groups = posts.groupby("channel", sort=True) if by else [("all channels", posts)]
    rows = []
    for key, g in groups:
        for v in vanity:
            for o in outcomes:
                pair = g[[v, o]].dropna().astype("float64")
                n = len(pair)
                rec = dict(channel=str(key), vanity=v, outcome=o, n=n, rho=np.nan, low=np.nan, high=np.nan, strength="")
                if n < min_posts:
                    rec["verdict"] = "not enough posts"
                elif pair[o].nunique() < 2:
                    rec["verdict"] = "outcome never varies"
                elif pair[v].nunique() < 2:
                    rec["verdict"] = "vanity never varies"
                else:
                    rho = spearman(pair[v], pair[o])
                    lo, hi = (fisher_interval(rho, n, level=level) if method == "fisher"
                              else bootstrap_interval(pair[v], pair[o], level=level, n_boot=n_boot, seed=seed))
                    verdict = "moves with value" if lo > 0 else "moves against value" if hi < 0 else "no evidence"
                    rec.update(rho=rho, low=lo, high=hi, strength=_strength(rho), verdict=verdict)
                rows.append(rec)
    return pd.DataFrame(rows, columns=cols)


def vanity_value_findings(corr: pd.DataFrame) -> Findings:
    """Plain-language reading of :func:`vanity_value`, one finding per channel: the vanity metrics that
    move with the most outcomes (strongest mean rho first) and those that move with none."""
    if corr.empty:
        return Findings(pd.DataFrame([("Nothing to correlate", "no business outcome is measured, so no vanity "
                                       "metric can be shown to matter; the ladder above says what to record.")],
                                     columns=["finding", "detail"]))
    rows = []
    for ch, g in corr.groupby("channel", sort=True):
        tested = g[g["verdict"].isin(["moves with value", "moves against value", "no evidence"])]
        if tested.empty:
            rows.append((f"On {ch}, too little data to tell", "outcomes are too rare or too few posts "
                         f"({int(g['n'].max())} at most) to test any vanity metric."))
            continue
        good = tested[tested["verdict"] == "moves with value"]
        score = good.groupby("vanity").agg(k=("outcome", "size"), rho=("rho", "mean")).sort_values(["k", "rho"], ascending=False)
        silent = sorted(set(tested["vanity"]) - set(good["vanity"]), key=list(tested["vanity"]).index)
        if score.empty:
            rows.append((f"On {ch}, no vanity metric predicts value", f"none of {', '.join(silent)} moves with "
                         f"{', '.join(dict.fromkeys(tested['outcome']))} (every interval includes 0)."))
            continue
        best = list(score.index[:3])
        per = []
        for o, go in good.groupby("outcome", sort=False):
            top = go.sort_values("rho", ascending=False).iloc[0]
            per.append(f"{o}: {top['vanity']} rho {top['rho']:.2f} ({top['low']:.2f} to {top['high']:.2f})")
        detail = "strongest per outcome - " + "; ".join(per) + "."
        if silent:
            detail += f" No evidence that {', '.join(silent)} move any outcome."
        rows.append((f"On {ch}, {' and '.join(best[:2]) if len(best) < 3 else ', '.join(best[:2]) + ' and ' + best[2]} "
                     "predict value", detail))
    return Findings(pd.DataFrame(rows, columns=["finding", "detail"]))


def strongest_pair(corr: pd.DataFrame, *, vanity: str | None = None) -> tuple[str, str]:
    """(vanity metric, outcome) of the strongest positive rho in :func:`vanity_value` (optionally for one
    given vanity metric); ("likes", "leads") when nothing could be tested."""
    t = corr.dropna(subset=["rho"])
    if vanity is not None:
        t = t[t["vanity"] == vanity]
    if t.empty:
        return (vanity or "likes", "leads")
    top = t.sort_values("rho", ascending=False).iloc[0]
    return (str(top["vanity"]), str(top["outcome"]))


def binned_vanity_value(posts: pd.DataFrame, *, vanity: str, outcome: str, by: str | None = "channel",
                        bins: int = 8) -> pd.DataFrame:
    """Posts grouped into ``bins`` quantile bins of a vanity metric (per channel): mean vanity, mean
    outcome and posts per bin, for an aggregated scatter (at most bins x channels points)."""
    cols = ["channel", "bin", "vanity_mean", "outcome_mean", "posts"]
    if vanity not in posts.columns or outcome not in posts.columns:
        return pd.DataFrame(columns=cols)
    data = posts[[vanity, outcome] + (["channel"] if by else [])].dropna().copy()
    if not by:
        data["channel"] = "all channels"
    frames = []
    for ch, g in data.groupby("channel", sort=True):
        q = min(bins, g[vanity].nunique())
        if q < 2:
            continue
        b = pd.qcut(g[vanity].rank(method="first"), q, labels=False)
        agg = g.groupby(b).agg(vanity_mean=(vanity, "mean"), outcome_mean=(outcome, "mean"), posts=(vanity, "size"))
        agg["channel"] = str(ch)
        agg["bin"] = agg.index.astype(int) + 1
        frames.append(agg.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


# --------------------------------------------------------------------------- objectives


def resolve_metric(name: str, *, ladder: pd.DataFrame | None = None) -> str | None:
    """The rate or ladder metric an objective names (matching names, labels and aliases), or None."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in RATES:
        return key
    ladder = _ladder(ladder)
    for rec in ladder.itertuples():
        if key == rec.metric:
            return rec.metric
    for rec in ladder.itertuples():
        aliases = [a.strip().lower().replace("-", "_").replace(" ", "_") for a in str(rec.aliases).split(";")]
        if key in aliases:
            return rec.metric
    return None


def objectives_source(params: Mapping[str, Any]):
    """Which objectives file a notebook run uses: ``objectives_path`` when given; the sample brand's
    objectives only when the posts are the brand's sample too; otherwise none (no path touched)."""
    from .params import input_path

    if params.get("objectives_path"):
        return input_path(params, "objectives")
    if params.get("posts_path"):
        return None
    return input_path(params, "objectives")


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
    per period, else flat; "skipped" without dates.
    """
    cols = ["objective", "metric", "channel", "target", "value", "gap", "pct_of_target", "status", "trend",
            "slope", "last_period", "last_value", "basis"]
    if objectives is None or len(objectives) == 0:
        return pd.DataFrame(columns=cols)
    ladder = _ladder(ladder)
    agg = dict(zip(ladder["metric"], ladder["aggregate"]))
    basis = time_basis(posts)
    rows = []
    for rec in objectives.itertuples(index=False):
        ch = getattr(rec, "channel", None)
        ch = None if ch is None or (isinstance(ch, float) and np.isnan(ch)) or pd.isna(ch) or str(ch).strip() == "" else str(ch)
        row = dict(objective=rec.objective, metric=rec.metric, channel=ch or "all channels", target=float(rec.target),
                   value=np.nan, gap=np.nan, pct_of_target=np.nan, trend="", slope=np.nan, last_period="",
                   last_value=np.nan, basis="")
        metric = resolve_metric(rec.metric, ladder=ladder)
        subset = posts if ch is None else posts[posts["channel"].astype(str).str.lower() == ch.lower()]
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
    return pd.DataFrame(rows, columns=cols)


def _fmt(value: float, metric: str) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    unit = RATES[metric].unit if metric in RATES else ""
    if unit == "%":
        return f"{value:.2f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def objective_findings(status: pd.DataFrame) -> Findings:
    """One plain-language sentence per objective: where it stands, the gap, the trend, what next."""
    rows = []
    if status.empty:
        return Findings(pd.DataFrame([("No objectives defined", "define objectives with a target per metric "
                                       "(objective, metric, target, channel) to close the loop: define -> deploy -> "
                                       "measure -> analyse -> improve.")], columns=["finding", "detail"]))
    for r in status.itertuples():
        m = resolve_metric(r.metric) or r.metric
        where = f" on {r.channel}" if r.channel != "all channels" else ""
        if r.status in ("not measured", "no posts", "unknown metric"):
            rows.append((f"{r.objective}: {r.status}", f"{r.metric}{where}: {r.basis}. Start measuring it before "
                         "judging the programme."))
            continue
        gap = f"{_fmt(abs(r.gap), m)} {'above' if r.gap >= 0 else 'short of'} the target"
        trend = {"rising": "and rising", "falling": "and falling", "flat": "and flat"}.get(r.trend, f"(trend {r.trend})")
        action = {"met": "keep it and raise the bar", "close": "a small push closes it",
                  "behind": "rethink the programme behind it"}[r.status]
        if r.status != "met" and r.trend == "rising" and r.slope > 0:
            action = f"at this pace the target is about {math.ceil(-r.gap / r.slope)} periods away"
        elif r.status == "met" and r.trend == "falling":
            action = "met, but slipping: watch it"
        rows.append((f"{r.objective}: {r.status}", f"{m}{where} is {_fmt(r.value, m)} ({r.basis}) against a target of "
                     f"{_fmt(r.target, m)}, {gap} ({r.pct_of_target:.0f}% of target) {trend}; {action}."))
    return Findings(pd.DataFrame(rows, columns=["finding", "detail"]))


# --------------------------------------------------------------------------- charts


def _note_chart(text: str, title: str = "") -> alt.Chart:
    return (alt.Chart(pd.DataFrame({"text": [text]})).mark_text(align="left", fontSize=12, color="#555")
            .encode(text="text:N").properties(width=420, height=40, title=title))


def funnel_chart(table: pd.DataFrame) -> alt.Chart:
    """Funnel per channel: bars of each stage's count (log scale), labelled with the step conversion."""
    t = table.dropna(subset=["count"]).copy()
    t = t[t["count"] > 0]
    if t.empty:
        return _note_chart("No funnel stage is measured.", "Funnel")
    key = next(c for c in table.columns if c in DIMENSIONS)
    t["label"] = t.apply(lambda r: f"{r['count']:,.0f}" + (f"  ({r['step_rate']:.1f}% of previous)"
                                                            if pd.notna(r["step_rate"]) else ""), axis=1)
    t[key] = t[key].astype(str)
    base = alt.Chart(t).encode(
        y=alt.Y("stage:N", sort=[s for s, _ in FUNNEL_STAGES], title=None),
        x=alt.X("count:Q", scale=alt.Scale(type="log", domainMin=1), title="count (log scale)"),
    )
    bars = base.mark_bar().encode(x2=alt.datum(1), color=alt.Color(f"{key}:N", legend=None),
                                  tooltip=[key, "stage", alt.Tooltip("count:Q", format=",.0f"),
                                           alt.Tooltip("step_rate:Q", format=".2f"), alt.Tooltip("from_reach:Q", format=".3f")])
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N")
    return (alt.layer(bars, text, data=t).properties(width=360, height=110)
            .facet(row=alt.Row(f"{key}:N", title=None)).properties(title="Funnel: reach -> engagement -> click -> lead -> order"))


def ladder_chart(coverage: pd.DataFrame) -> alt.Chart:
    """Ladder coverage: per rung, the share of its vanity and business metrics that are measured."""
    t = coverage.melt(id_vars=["rung", "order"], value_vars=["vanity_coverage", "business_coverage"],
                      var_name="kind", value_name="coverage")
    t["kind"] = t["kind"].str.replace("_coverage", "", regex=False)
    return alt.Chart(t).mark_bar().encode(
        y=alt.Y("rung:N", sort=list(RUNGS), title="rung"),
        yOffset=alt.YOffset("kind:N", sort=["vanity", "business"]),
        x=alt.X("coverage:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title="metrics of the rung measured"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["vanity", "business"], range=[PALETTE[1], PALETTE[0]]), title=None),
        tooltip=["rung", "kind", alt.Tooltip("coverage:Q", format=".0%")],
    ).properties(width=360, height=180, title="Vanity -> business ladder: what is measured on each rung")


def rates_chart(long: pd.DataFrame, *, rate: str = "engagement_rate_reach") -> alt.Chart:
    """Bars of one rate by the first grouping of :func:`rates` (coloured by the second, if any)."""
    _check_rates(rate)
    keys = [c for c in long.columns if c in DIMENSIONS]
    t = long[long["rate"] == rate].dropna(subset=["value"]).copy()
    if t.empty:
        return _note_chart(f"{RATES[rate].label}: not measured in this file.", RATES[rate].label)
    for k in keys:
        t[k] = t[k].map(lambda h: f"{int(h):02d}:00" if isinstance(h, float) and h == h else str(h)) if k == "hour" else t[k].astype(str)
    t["group"] = t[keys].agg(" | ".join, axis=1)
    t = t.sort_values(keys)
    enc = dict(x=alt.X("value:Q", title=f"{RATES[rate].label} ({RATES[rate].unit})"),
               y=alt.Y("group:N", title=" | ".join(k.replace("_", " ") for k in keys), sort=list(t["group"])),
               tooltip=keys + [alt.Tooltip("value:Q", format=".3f"), "used", "note"])
    if len(keys) > 1:
        enc["color"] = alt.Color(f"{keys[1]}:N", title=keys[1].replace("_", " "))
    return alt.Chart(t).mark_bar().encode(**enc).properties(width=380, title=f"{RATES[rate].label} by {' and '.join(keys)}")


def trend_chart(result: Trends) -> alt.Chart:
    """Lines of one rate per period and group; a note in place of the chart when trends were skipped."""
    if result.skipped:
        return _note_chart("Trend skipped: no ordered time column (see the note above).", "Trend")
    t = result.table.dropna(subset=["value"]).copy()
    if t.empty:
        return _note_chart("No value in any period.", "Trend")
    t[result.by] = t[result.by].astype(str)
    return alt.Chart(t).mark_line(point=True).encode(
        x=alt.X("period_start:T", title="period"),
        y=alt.Y("value:Q", title=f"{RATES[result.rate].label} ({RATES[result.rate].unit})"),
        color=alt.Color(f"{result.by}:N", title=result.by.replace("_", " ")),
        tooltip=["period", result.by, alt.Tooltip("value:Q", format=".3f"), "used"],
    ).properties(width=460, title=f"{RATES[result.rate].label} per period")


def timing_chart(table: pd.DataFrame) -> alt.Chart:
    """The rate by weekday, hour and month of year (one small panel each)."""
    t = table.dropna(subset=["value"])
    if t.empty:
        return _note_chart("No weekday, hour or month information in this file.", "Timing")
    rate = t["rate"].iloc[0]
    return alt.Chart(t).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("value_label:N", sort=alt.EncodingSortField("order"), title=None),
        y=alt.Y("value:Q", title=f"{RATES[rate].label} ({RATES[rate].unit})"),
        tooltip=["dimension", "value_label", alt.Tooltip("value:Q", format=".3f"), "used"],
    ).properties(width=280, height=160).facet(facet=alt.Facet("dimension:N", title=None), columns=2
                                              ).resolve_scale(x="independent")


def correlation_chart(corr: pd.DataFrame) -> alt.Chart:
    """Heat map of Spearman's rho: vanity metric x business outcome, one panel per channel;
    cells where the interval includes 0 are faded."""
    t = corr.dropna(subset=["rho"]).copy()
    if t.empty:
        return _note_chart("No business outcome to correlate with: you are measuring vanity only.", "Does vanity predict value?")
    t["evidence"] = np.where(t["verdict"] == "no evidence", "interval includes 0", "interval excludes 0")
    base = alt.Chart(t).encode(x=alt.X("outcome:N", title=None), y=alt.Y("vanity:N", title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("rho:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1]), title="rho"),
        opacity=alt.Opacity("evidence:N", scale=alt.Scale(domain=["interval excludes 0", "interval includes 0"], range=[1, 0.35]), title=None),
        tooltip=["channel", "vanity", "outcome", "n", alt.Tooltip("rho:Q", format=".2f"),
                 alt.Tooltip("low:Q", format=".2f"), alt.Tooltip("high:Q", format=".2f"), "verdict"])
    text = base.mark_text(fontSize=9).encode(
        text=alt.Text("rho:Q", format=".2f"),
        color=alt.condition("abs(datum.rho) > 0.5", alt.value("white"), alt.value("#222")))
    # wrapped facets: any number of channels fits a notebook or a page
    return (alt.layer(cells, text, data=t).properties(width=150, height=200)
            .facet(facet=alt.Facet("channel:N", title=None), columns=3)
            .properties(title="Does vanity predict value? Spearman's rho per channel"))


def vanity_value_chart(binned: pd.DataFrame, *, vanity: str = "vanity", outcome: str = "outcome") -> alt.Chart:
    """Aggregated scatter: mean outcome per quantile bin of a vanity metric, per channel (point size =
    posts in the bin), from :func:`binned_vanity_value`."""
    if binned.empty:
        return _note_chart(f"No posts with both {vanity} and {outcome}.", f"{vanity} vs {outcome}")
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
    """Bullet chart: each objective's value as % of its target (bands at 90 % and 100 %; the tick is
    the target)."""
    t = status.dropna(subset=["pct_of_target"]).copy()
    if t.empty:
        return _note_chart("No objective can be measured with this file.", "Objectives")
    t["label"] = t["objective"] + " (" + t["channel"] + ")"
    top = max(150.0, float(t["pct_of_target"].max()) * 1.05)
    bands = pd.DataFrame([dict(band="behind", start=0.0, end=90.0), dict(band="close", start=90.0, end=100.0),
                          dict(band="met", start=100.0, end=top)])
    bands = bands.merge(t[["label"]], how="cross")
    y = alt.Y("label:N", title=None, sort=list(t["label"]), axis=alt.Axis(labelLimit=320))
    back = alt.Chart(bands).mark_bar(size=22).encode(
        y=y, x=alt.X("start:Q", title="% of target", scale=alt.Scale(domain=[0, top])), x2="end:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=["behind", "close", "met"], range=["#eeeeee", "#dddddd", "#cfe8dc"]),
                        title="band"))
    bar = alt.Chart(t).mark_bar(size=8, color=PALETTE[0]).encode(
        y=y, x="pct_of_target:Q",
        tooltip=["objective", "metric", "channel", alt.Tooltip("value:Q", format=",.2f"),
                 alt.Tooltip("target:Q", format=",.2f"), "status", "trend"])
    tick = alt.Chart(t).mark_tick(color="#222", thickness=2, size=24).encode(y=y, x=alt.datum(100))
    return alt.layer(back, bar, tick).properties(width=420, title="Objectives: value as % of target")

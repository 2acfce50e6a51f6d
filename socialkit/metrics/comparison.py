"""Period over period: the posts of one reporting period against the period before it and the same
period a year earlier, with the change of every figure and whether it is beyond noise.

A :class:`Window` is the posts of a period (``select_period(posts, "2025-Q4")``), of the previous
period of the same length (2025-Q3) and of the year before (2024-Q4), and the posts up to the period's
end (for trends). Without a period the window is the whole file and nothing is compared. Periods are
read by :mod:`socialkit.periods`.

How "beyond noise" is decided (stated in every table's ``method`` column):

* **rates** (a ratio of sums over posts): a percentile bootstrap of the change, resampling the posts
  of each period with replacement (2,000 seeded resamples); the change is beyond noise when its 95 %
  interval excludes 0;
* **business outcomes** (opt-ins, leads, orders, revenue): the total per day of data in each period,
  the change with the same bootstrap (posts resampled in each period, so a few viral posts widen the
  interval as they should; a Poisson test would ignore that and call too much "beyond noise");
* **objectives**: each objective's value in both periods, tested as its metric is (a rate or an
  outcome, on the objective's channel); a trust objective has one value per period and no interval;
* **vanity and value**: Spearman's rho of each pair in both periods, the difference tested with Fisher's
  z (variance ``1.06 / (n - 3)``, the Fieller-Hartley-Pearson correction for Spearman's rho).

All thresholds (95 %, p < 0.05, 2,000 resamples) are the kit's conventions, not taken from its sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .. import periods, tables
from ..exceptions import ParameterError
from ..findings import Findings
from ..text import is_blank, key
from .correlation import spearman, vanity_value
from .ladder import classify_metrics
from .objectives import objectives_status, resolve_metric
from .rates import RATES, _quantity, check_rates
from .time import _parse_month, time_basis

LEVEL = 0.95
N_BOOT = 2000
_RATE_METHOD = "bootstrap of the change (posts resampled in each period, 2,000 resamples, 95 % interval)"
_TOTAL_METHOD = "bootstrap of the change of the total per day (posts resampled in each period, 2,000 resamples, 95 % interval)"
_RHO_METHOD = "Fisher z test of two Spearman correlations (variance 1.06 / (n - 3)), p < 0.05"


@dataclass
class Window:
    """The posts of a reporting period and of the periods it is compared with.

    ``period`` is None for the whole file (then ``posts`` is every post and there is nothing to
    compare). ``earlier`` / ``year_ago`` are the posts of ``previous`` / ``year_before`` (empty when
    the data does not reach back); ``until`` every post up to the period's end (trends read it);
    ``days`` the number of days the data covers in each period (by label); ``notes`` what a reader
    should know (a period the data covers only in part, a comparison that cannot be made)."""

    period: periods.Period | None
    previous: periods.Period | None
    year_before: periods.Period | None
    posts: pd.DataFrame
    earlier: pd.DataFrame
    year_ago: pd.DataFrame
    until: pd.DataFrame
    days: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str | None:
        return self.period.label if self.period else None

    def comparisons(self) -> list[tuple[str, periods.Period, pd.DataFrame]]:
        """(name, period, posts) of each comparison the data allows: "previous period", "year before"."""
        out = []
        for name, p, frame in (("previous period", self.previous, self.earlier),
                               ("year before", self.year_before, self.year_ago)):
            if p is not None and len(frame):
                out.append((name, p, frame))
        return out

    def covered(self) -> str | None:
        """The period with its dates, for a report's title block ("2025-Q4 (2025-10-01 to 2025-12-31)")."""
        return str(self.period) if self.period else None

    def summary(self) -> str:
        if self.period is None:
            return "**Period:** the whole file (no `period` given), so nothing is compared with an earlier period."
        parts = [f"**Period:** {self.period} — {len(self.posts):,} posts."]
        for name, p, frame in (("previous period", self.previous, self.earlier),
                               ("same period a year earlier", self.year_before, self.year_ago)):
            if len(frame):
                parts.append(f"Compared with the {name}, **{p.label}** ({p.start:%Y-%m-%d} to {p.end:%Y-%m-%d}, "
                             f"{len(frame):,} posts).")
            else:
                parts.append(f"No comparison with the {name} ({p.label}): the data has no posts in it.")
        return " ".join(parts + self.notes)

    def _repr_markdown_(self) -> str:
        return self.summary()


def dates(posts: pd.DataFrame) -> pd.Series:
    """The day each post belongs to (a timestamp at midnight): its date, or the first day of its month
    when the file has months with their year. A ParameterError when the file has neither."""
    basis = time_basis(posts)
    if basis.source == "date":
        return pd.to_datetime(posts["date"], errors="coerce").dt.normalize()
    if basis.source == "month":
        return _parse_month(posts["month"])[0]
    raise ParameterError("period", "needs dated posts: the file has no date column and no month column with its "
                         "year, so no post can be placed in a period.",
                         fix="add a date column (or months like 2025-03), or leave period empty to report on the whole file")


def _between(posts: pd.DataFrame, days: pd.Series, p: periods.Period) -> pd.DataFrame:
    return posts[(days >= pd.Timestamp(p.start)) & (days <= pd.Timestamp(p.end))]


def select_period(posts: pd.DataFrame, period: Any) -> Window:
    """The :class:`Window` of ``period`` (a label read by :func:`socialkit.periods.parse`; None or ""
    for the whole file). ``latest-month`` / ``latest-quarter`` resolve against the last post's date.
    Raises ParameterError when the file has no dates, when the period has no posts (naming the dates
    the file covers), or for a month-based file asked for a week."""
    if period is None or str(period).strip() == "":
        periods.parse(period)
        empty = posts.iloc[0:0]
        return Window(None, None, None, posts, empty, empty, posts)
    if str(period).strip() not in periods.LATEST:
        periods.parse(period)  # a malformed label fails before the data is read
    days = dates(posts)
    known = days.dropna()
    if known.empty:
        raise ParameterError("period", "needs dated posts, and no post has a readable date.",
                             fix="check the date column, or leave period empty to report on the whole file")
    monthly = time_basis(posts).source == "month"
    first, last = known.min().date(), known.max().date()
    if monthly:
        last = periods._month_end(last.year, last.month)  # a month row stands for the whole month
    p = periods.parse(period, last_day=last)
    if monthly and p.length not in ("month", "quarter", "year"):
        raise ParameterError("period", f"is {p.label!r}, but the file has months, not dates, so only months, quarters "
                             "and years can be selected.", fix="pass a month (2025-11), a quarter (2025-Q4) or a year")
    now = _between(posts, days, p)
    if now.empty:
        raise ParameterError("period", f"{p} has no posts: the data covers {first:%Y-%m-%d} to {last:%Y-%m-%d}.",
                             fix="choose a period inside those dates, or latest-month / latest-quarter")
    prev, year = periods.previous(p), periods.year_before(p)
    win = Window(p, prev, year, now, _between(posts, days, prev), _between(posts, days, year),
                 posts[days <= pd.Timestamp(p.end)])
    for q in (p, prev, year):
        lo, hi = max(q.start, first), min(q.end, last)
        win.days[q.label] = max((hi - lo).days + 1, 0)
    if win.days[p.label] < p.days:
        win.notes.append(f"The data covers {win.days[p.label]} of the {p.days} days of {p.label}: totals are for those "
                         "days only, and counts are compared per day.")
    if len(win.earlier) and win.days[prev.label] < prev.days:
        win.notes.append(f"The data covers {win.days[prev.label]} of the {prev.days} days of {prev.label}.")
    return win


def trust_until(trust: pd.DataFrame | None, end: date) -> pd.DataFrame | None:
    """The rows of a trust file (period, measure, value) whose period starts on or before ``end``: trust
    as it stood at the end of a reporting period. Rows whose period is not a date or period label are
    kept."""
    if trust is None or trust.empty:
        return trust

    def starts(v: Any) -> pd.Timestamp | None:
        try:
            return pd.Period(str(v).strip()).start_time
        except (ValueError, TypeError):
            return None

    keep = trust["period"].map(lambda v: (s := starts(v)) is None or s <= pd.Timestamp(end))
    return trust[keep.astype(bool)]


# --------------------------------------------------------------------------- the tests


def _bootstrap_diff(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], scale: float, *,
                    per: tuple[float, float] = (0.0, 0.0), seed: int = 0, n_boot: int = N_BOOT,
                    level: float = LEVEL) -> tuple[float, float]:
    """Percentile interval of (ratio of sums now) - (ratio of sums before), posts resampled in each
    period. With ``per`` = (days now, days before) the statistic is the total per day instead."""
    rng = np.random.default_rng(seed)

    def draws(num: np.ndarray, den: np.ndarray, days: float) -> np.ndarray:
        idx = rng.integers(0, len(num), size=(n_boot, len(num)))
        if days:
            return num[idx].sum(axis=1) / days
        d = den[idx].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return scale * num[idx].sum(axis=1) / d

    diff = draws(*a, per[0]) - draws(*b, per[1])
    diff = diff[np.isfinite(diff)]
    if diff.size < n_boot / 2:
        return (np.nan, np.nan)
    lo, hi = np.quantile(diff, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _verdict(change: float, beyond: bool | None) -> str:
    if beyond is None or change is None or (isinstance(change, float) and math.isnan(change)):
        return "not tested"
    if not beyond:
        return "within noise"
    return "up, beyond noise" if change > 0 else "down, beyond noise"


def _rate_row(rate: str, now: pd.DataFrame, before: pd.DataFrame, seed: int) -> dict:
    r = RATES[rate]
    out = dict(metric=rate, label=r.label, unit=r.unit, now=np.nan, before=np.nan, change=np.nan, low=np.nan,
               high=np.nan, p_value=np.nan, verdict="not measured", method=_RATE_METHOD)
    parts = []
    for frame in (now, before):
        (num, nc), (den, dc) = _quantity(frame, r.numerator), _quantity(frame, r.denominator)
        if nc is None or dc is None:
            return out
        both = num.notna() & den.notna()
        parts.append((num[both].to_numpy("float64"), den[both].to_numpy("float64")))
    (n1, d1), (n0, d0) = parts
    if not len(n1) or not len(n0) or d1.sum() == 0 or d0.sum() == 0:
        return out
    v1, v0 = r.scale * n1.sum() / d1.sum(), r.scale * n0.sum() / d0.sum()
    lo, hi = _bootstrap_diff((n1, d1), (n0, d0), r.scale, seed=seed)
    beyond = None if math.isnan(lo) else bool(lo > 0 or hi < 0)
    out.update(now=v1, before=v0, change=v1 - v0, low=lo, high=hi, verdict=_verdict(v1 - v0, beyond))
    return out


def _total_row(metric: str, now: pd.DataFrame, before: pd.DataFrame, days: tuple[int, int], seed: int,
               label: str = "") -> dict:
    out = dict(metric=metric, label=f"{label or metric.replace('_', ' ').capitalize()} per day", unit="per day", now=np.nan, before=np.nan,
               change=np.nan, low=np.nan, high=np.nan, p_value=np.nan, verdict="not measured", method="")
    if metric not in now.columns or metric not in before.columns:
        return out
    a, b = now[metric].dropna().to_numpy("float64"), before[metric].dropna().to_numpy("float64")
    if not len(a) or not len(b) or not all(days):
        return out
    v1, v0 = a.sum() / days[0], b.sum() / days[1]
    lo, hi = _bootstrap_diff((a, a), (b, b), 1.0, per=(float(days[0]), float(days[1])), seed=seed)
    out.update(now=v1, before=v0, change=v1 - v0, low=lo, high=hi, total_now=a.sum(), total_before=b.sum(),
               method=_TOTAL_METHOD, verdict=_verdict(v1 - v0, None if math.isnan(lo) else bool(lo > 0 or hi < 0)))
    return out


_COLUMNS = ["comparison", "against", "metric", "label", "unit", "now", "before", "change", "low", "high", "p_value",
            "verdict", "method"]


def compare_rates(window: Window, *, rates: Any = None, seed: int = 0) -> pd.DataFrame:
    """Each rate (all channels together) in the period and in each comparison period, the change, its
    95 % bootstrap interval and a verdict (up / down beyond noise, within noise, not measured).
    Columns: comparison, against (the period's label), metric, label, unit, now, before, change, low,
    high, p_value, verdict, method. Empty without a period or a period to compare with."""
    names = check_rates(rates)
    rows = []
    for name, p, frame in window.comparisons():
        for i, rate in enumerate(names):
            rows.append(dict(comparison=name, against=p.label, **_rate_row(rate, window.posts, frame, seed + i)))
    return pd.DataFrame(rows, columns=_COLUMNS)


def compare_outcomes(window: Window, *, seed: int = 0) -> pd.DataFrame:
    """Each business outcome the file measures (opt-ins, leads, orders, revenue, ...), per day of data
    in the period and in each comparison period, the change and its 95 % bootstrap interval. Columns
    as :func:`compare_rates`, plus total_now and total_before."""
    cls = classify_metrics(window.posts)
    outcomes = list(cls.loc[(cls["kind"] == "business") & cls["status"].isin(["measured", "partial"]), "metric"])
    ladder = tables.load("metric_ladder")
    labels = dict(zip(ladder["metric"], ladder["label"]))
    rows = []
    for name, p, frame in window.comparisons():
        days = (window.days.get(window.period.label, 0), window.days.get(p.label, 0))
        for i, metric in enumerate(outcomes):
            rows.append(dict(comparison=name, against=p.label, **_total_row(metric, window.posts, frame, days, seed + i,
                                                                                labels.get(metric, ""))))
    return pd.DataFrame(rows, columns=_COLUMNS + ["total_now", "total_before"])


def compare_objectives(window: Window, objectives: pd.DataFrame | None, *, trend_by: str = "month",
                       trust: pd.DataFrame | None = None, seed: int = 0) -> pd.DataFrame:
    """Each objective's value in the period and in the previous period (and the year before), its
    status then and now, the change and whether it is beyond noise (tested as its metric is, as a
    rate or as an outcome per day, on the objective's channel; a trust measure is not tested). Columns: comparison, against, objective, metric, channel, target, now, before, change,
    status_now, status_before, verdict, method."""
    cols = ["comparison", "against", "objective", "metric", "channel", "target", "now", "before", "change",
            "status_now", "status_before", "verdict", "method"]
    if objectives is None or len(objectives) == 0 or window.period is None:
        return pd.DataFrame(columns=cols)
    now = objectives_status(window.posts, objectives, period=trend_by, trust=trust_until(trust, window.period.end))
    rows = []
    for name, p, frame in window.comparisons():
        before = objectives_status(frame, objectives, period=trend_by, trust=trust_until(trust, p.end))
        days = (window.days.get(window.period.label, 0), window.days.get(p.label, 0))
        for i, (a, b, spec) in enumerate(zip(now.to_dict("records"), before.to_dict("records"),
                                             objectives.to_dict("records"))):
            rec = dict(comparison=name, against=p.label, objective=a["objective"], metric=a["metric"],
                       channel=a["channel"], target=a["target"], now=a["value"], before=b["value"],
                       change=a["value"] - b["value"], status_now=a["status"], status_before=b["status"],
                       verdict="not tested", method="")
            metric = resolve_metric(str(a["metric"]))
            sub_now, sub_before = _channel(window.posts, spec), _channel(frame, spec)
            if "trust file" in str(a.get("basis", "")):
                rec["method"] = "one trust value per period: no interval"
            elif metric in RATES:
                t = _rate_row(metric, sub_now, sub_before, seed + i)
                rec.update(verdict=t["verdict"], method=t["method"])
            elif metric is not None and not pd.isna(rec["change"]):
                t = _total_row(metric, sub_now, sub_before, days, seed + i)
                rec.update(verdict=t["verdict"], method=t["method"])
            rows.append(rec)
    return pd.DataFrame(rows, columns=cols)


def _channel(posts: pd.DataFrame, spec: dict) -> pd.DataFrame:
    ch = spec.get("channel")
    if is_blank(ch) or "channel" not in posts.columns:
        return posts
    return posts[posts["channel"].map(key) == key(str(ch))]


def compare_vanity_value(window: Window, *, min_posts: int = 10) -> pd.DataFrame:
    """Spearman's rho of each vanity metric with each business outcome (all channels together) in the
    period and in each comparison period, the change and a Fisher z test of the difference. Columns:
    comparison, against, vanity, outcome, n_now, n_before, rho_now, rho_before, change, p_value,
    verdict, method."""
    cols = ["comparison", "against", "vanity", "outcome", "n_now", "n_before", "rho_now", "rho_before", "change",
            "p_value", "verdict", "method"]
    from scipy.stats import norm  # scipy.stats takes ~0.7 s to import; only comparisons need it

    rows = []
    now = vanity_value(window.posts, by=None, min_posts=min_posts)
    for name, p, frame in window.comparisons():
        before = vanity_value(frame, by=None, min_posts=min_posts).set_index(["vanity", "outcome"])
        for rec in now.to_dict("records"):
            pair = (rec["vanity"], rec["outcome"])
            b = before.loc[pair] if pair in before.index else None
            r1, n1 = rec["rho"], rec["n"]
            r0, n0 = (b["rho"], b["n"]) if b is not None else (np.nan, 0)
            row = dict(comparison=name, against=p.label, vanity=pair[0], outcome=pair[1], n_now=n1, n_before=n0,
                       rho_now=r1, rho_before=r0, change=r1 - r0, p_value=np.nan, verdict="not tested",
                       method=_RHO_METHOD)
            if not (pd.isna(r1) or pd.isna(r0)) and n1 > 3 and n0 > 3 and abs(r1) < 1 and abs(r0) < 1:
                z = (math.atanh(r1) - math.atanh(r0)) / math.sqrt(1.06 / (n1 - 3) + 1.06 / (n0 - 3))
                pv = float(2 * norm.sf(abs(z)))
                row.update(p_value=pv, verdict=_verdict(r1 - r0, pv < 1 - LEVEL))
            rows.append(row)
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- prose


def _fmt(value: float, unit: str) -> str:
    if pd.isna(value):
        return "n/a"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "per day":
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def comparison_findings(window: Window, rates: pd.DataFrame, outcomes: pd.DataFrame | None = None,
                        objectives: pd.DataFrame | None = None, vanity: pd.DataFrame | None = None) -> Findings:
    """What changed since the previous period (and the year before), in plain words: the figures that
    moved beyond noise first, then how many did not; a note when there is nothing to compare."""
    out = Findings(empty="_No period was given: the report covers the whole file._")
    if window.period is None:
        return out
    if not window.comparisons():
        out.add(f"{window.period.label} has no earlier period in the data to compare with",
                f"neither {window.previous.label} nor {window.year_before.label} has posts.", kind="note")
        return out
    for name, p, _ in window.comparisons():
        where = f"Against {p.label} ({'the previous period' if name == 'previous period' else 'a year earlier'})"
        moved, tested = [], 0
        for table in (rates, outcomes):
            if table is None or table.empty:
                continue
            t = table[table["comparison"] == name]
            tested += int((~t["verdict"].isin(["not measured", "not tested"])).sum())
            for r in t[t["verdict"].str.contains("beyond")].itertuples():
                moved.append(f"{r.label} {'rose' if r.change > 0 else 'fell'} from {_fmt(r.before, r.unit)} to "
                             f"{_fmt(r.now, r.unit)}")
        if moved:
            chance = (f" With {tested} figures tested at 95 %, about {tested * (1 - LEVEL):.0f} could cross the line "
                      "by chance alone: read a single crossing with care." if tested * (1 - LEVEL) >= 0.5 else "")
            out.add(f"{where}: {len(moved)} of {tested} figures moved beyond noise", "; ".join(moved) + "." + chance)
        else:
            out.add(f"{where}: no rate or outcome moved beyond noise ({tested} tested)",
                    "the differences are within what chance alone gives between two periods of posts.")
        if objectives is not None and not objectives.empty:
            o = objectives[objectives["comparison"] == name]
            changed = o[o["status_now"] != o["status_before"]]
            for r in changed.itertuples():
                out.add(f"Objective '{r.objective}' is {r.status_now} (was {r.status_before} in {p.label})",
                        f"value {r.now:,.2f} against {r.before:,.2f}; {r.verdict}." if not pd.isna(r.now) and
                        not pd.isna(r.before) else "")
        if vanity is not None and not vanity.empty:
            v = vanity[(vanity["comparison"] == name) & vanity["verdict"].str.contains("beyond")]
            if len(v):
                pairs = ", ".join(f"{r.vanity} with {r.outcome} ({r.rho_before:+.2f} -> {r.rho_now:+.2f})"
                                  for r in v.head(4).itertuples())
                out.add(f"The link of vanity with value changed beyond noise for {len(v)} pair"
                        f"{'s' if len(v) != 1 else ''} against {p.label}", pairs + ".")
    for note in window.notes:
        out.add(note, kind="note")
    return out


# --------------------------------------------------------------------------- for people

_ARROWS = {"up": "\u25b2", "down": "\u25bc"}


def _signed(value: float, unit: str) -> str:
    if pd.isna(value):
        return ""
    if unit == "%":
        return f"{value:+.2f} pt"
    return f"{value:+,.2f}" if abs(value) < 100 else f"{value:+,.0f}"


def view(table: pd.DataFrame) -> pd.DataFrame:
    """A comparison of :func:`compare_rates` or :func:`compare_outcomes` for a report: one row per
    figure and comparison (``compared``: "Against 2025-Q3, the previous period", a heading for
    ``socialkit.present.table(..., group="compared")``), values with their unit, the change with an
    arrow, its 95 % interval (unit once, at the end), the reading (beyond noise / within noise: the
    arrow gives the direction), and ``tone`` (good when a figure rose beyond noise, bad when it fell; see
    ``socialkit.present.table(..., tone={"change": "tone"})``). Rows not measured are left out."""
    cols = ["compared", "figure", "against", "now", "before", "change", "interval", "reading", "tone"]
    rows = []
    for r in table.to_dict("records"):
        if r["verdict"] == "not measured":
            continue
        unit = r.get("unit", "")
        direction = "up" if r["change"] > 0 else "down" if r["change"] < 0 else ""
        rows.append({"compared": f"Against {r['against']}, "
                                 f"{'the previous period' if r['comparison'] == 'previous period' else 'a year earlier'}",
                     "figure": r["label"], "against": r["against"], "now": _fmt(r["now"], unit),
                     "before": _fmt(r["before"], unit),
                     "change": f"{_ARROWS.get(direction, '=')} {_signed(r['change'], unit)}".strip(),
                     "interval": "" if pd.isna(r["low"]) else
                     f"{_signed(r['low'], '')} to {_signed(r['high'], unit)}",
                     "reading": "beyond noise" if "beyond" in r["verdict"] else r["verdict"],
                     "tone": "good" if r["verdict"] == "up, beyond noise" else "bad" if r["verdict"] == "down, beyond noise"
                     else "neutral"})
    return pd.DataFrame(rows, columns=cols)

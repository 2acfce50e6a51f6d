"""Time in a posts table: where periods come from, and the period columns derived from it.

Trends need ordered periods: a ``date`` column, or a ``month`` column whose values carry their year
("2025-03", "Mar 2025"). A month name alone ("March") may span several years: it gives a
month-of-year profile and no trend. Weekday and hour columns give timing profiles only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..findings import Findings
from ..text import closest

#: Trend periods and their pandas period codes.
PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def check_period(period: str) -> str:
    """``period`` when it is one of :data:`PERIODS`, else a ParameterError naming the closest."""
    if period not in PERIODS:
        raise ParameterError("period", f"must be one of {', '.join(PERIODS)}. Got {period!r} instead.",
                             closest(period, PERIODS))
    return period


def add_period(posts: pd.DataFrame, *, period: str = "month") -> pd.DataFrame:
    """A copy of ``posts`` with period columns derived from the date or the month/weekday/hour columns.

    Adds ``period`` (label such as 2025-03, 2025-W10 or 2025Q1; blank without an ordered time
    source), ``period_start`` (timestamp), ``month_of_year`` (Jan..Dec), ``weekday``
    (Monday..Sunday) and ``hour`` (0-23, from the date only when it carries times).
    """
    check_period(period)
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


def period_covered(posts: pd.DataFrame) -> str | None:
    """The period the posts cover, for a report's title block: "2021-01-02 to 2021-12-30" from dates,
    "2025-01 to 2025-12" from months with their year; None without an ordered time column."""
    basis = time_basis(posts)
    if basis.source == "date":
        d = pd.to_datetime(posts["date"], errors="coerce").dropna()
        return f"{d.min():%Y-%m-%d} to {d.max():%Y-%m-%d}" if len(d) else None
    if basis.source == "month":
        starts = _parse_month(posts["month"])[0].dropna()
        return f"{starts.min():%Y-%m} to {starts.max():%Y-%m}" if len(starts) else None
    return None


def missing_periods(posts: pd.DataFrame, *, period: str = "month") -> pd.DataFrame:
    """Periods inside the covered range (first to last post) in which the table has no post at all:
    columns ``period`` and ``period_start``. Empty without an ordered time column. A month with no post
    in a year of monthly exports is usually an export that was never downloaded."""
    check_period(period)
    data = add_period(posts, period=period)
    starts = data["period_start"].dropna()
    if starts.empty:
        return pd.DataFrame({"period": pd.Series(dtype="string"), "period_start": pd.Series(dtype="datetime64[ns]")})
    code = "M" if time_basis(posts).source == "month" and period == "week" else PERIODS[period]
    full = pd.period_range(starts.min(), starts.max(), freq=code).start_time
    gone = pd.Series(sorted(set(full) - set(starts)), dtype="datetime64[ns]")
    label_period = "month" if code == "M" else period
    return pd.DataFrame({"period": _period_label(gone, label_period), "period_start": gone})


def gap_findings(posts: pd.DataFrame, *, period: str = "month") -> Findings:
    """One finding per period with no posts inside the covered range ("2021-05: no posts in the files;
    a missing export?"): trends and totals over time are read with those gaps in mind."""
    out = Findings(empty="")
    for p in missing_periods(posts, period=period)["period"]:
        out.add(f"{p}: no posts in the files", "a missing export? Trends show this period as a gap, not as zero, "
                "and totals over time leave it out.", kind="note")
    return out


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

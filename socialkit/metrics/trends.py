"""One rate over time: per period and group (trends), and by weekday, hour and month of year (timing).

Trends need an ordered time column (see :func:`socialkit.metrics.time.time_basis`); without one
they are skipped with a note and the timing profiles stand in for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .rates import RATES, check_rates, rates
from .time import MONTHS, WEEKDAYS, add_period, time_basis

_TIMING_COLUMNS = ["dimension", "value_label", "order", "rate", "value", "used", "note"]


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
    check_rates(rate)
    basis = time_basis(posts)
    columns = ["period", "period_start", by, "rate", "value", "used", "note"]
    if not basis.trend:
        return Trends(pd.DataFrame(columns=columns), True, basis.note, rate, by)
    long = rates(posts, by=["period", by], rates=[rate], period=period)
    long = long[long["period"] != "not recorded"].sort_values(["period_start", by]).reset_index(drop=True)
    return Trends(long[columns], False, basis.note, rate, by)


def timing(posts: pd.DataFrame, *, rate: str = "engagement_rate_reach") -> pd.DataFrame:
    """One rate by weekday, by hour and by month of year (whichever the table can give).

    Columns: dimension (weekday | hour | month_of_year), value_label, order, rate, value, used, note.
    Empty when the table has no time information at all.
    """
    check_rates(rate)
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
        frames.append(long[_TIMING_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_TIMING_COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(["dimension", "order"]).reset_index(drop=True)

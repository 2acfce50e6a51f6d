"""One rate over time: per period and group (trends), and by weekday, hour and month of year (timing).

Trends need an ordered time column (see :func:`socialkit.metrics.time.time_basis`); without one
they are skipped with a note and the timing profiles stand in for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .rates import RATES, check_rates, rates
from .time import MONTHS, WEEKDAYS, add_period, missing_periods, time_basis

#: The note on a period with no posts inside the covered range.
GAP_NOTE = "no posts in the files; a missing export?"

_TIMING_COLUMNS = ["dimension", "value_label", "order", "rate", "value", "used", "note"]


@dataclass
class Trends:
    """Rates per period and group, or the reason trends were skipped."""

    table: pd.DataFrame
    skipped: bool
    note: str
    rate: str = "engagement_rate_reach"
    by: str = "channel"
    gaps: tuple[str, ...] = ()  # periods inside the covered range with no posts at all

    def _repr_markdown_(self) -> str:
        if self.skipped:
            return f"**Trend skipped:** {self.note}"
        t = self.table.dropna(subset=["value"])
        if t.empty:
            return f"**Trend:** no {RATES[self.rate].label.lower()} could be computed in any period."
        periods = self.table["period"].nunique()
        text = (f"**Trend:** {RATES[self.rate].label} per {self.by} over {periods} periods "
                f"({self.table['period'].min()} to {self.table['period'].max()}). {self.note}")
        if self.gaps:
            text += (f" {len(self.gaps)} of them {'has' if len(self.gaps) == 1 else 'have'} no posts in the files "
                     f"({', '.join(self.gaps)}): a missing export? They are drawn as gaps, not as zero.")
        return text


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
    long = long[long["period"] != "not recorded"]
    gaps = missing_periods(posts, period=period)
    if len(gaps):  # one row per group and missing period, so a chart breaks its line there
        groups = long[by].drop_duplicates()
        filler = gaps.merge(groups.to_frame(), how="cross").assign(rate=rate, value=float("nan"), used=0, note=GAP_NOTE)
        long = pd.concat([long, filler], ignore_index=True)
    long = long.sort_values(["period_start", by]).reset_index(drop=True)
    return Trends(long[columns], False, basis.note, rate, by, tuple(gaps["period"]))


def timing(posts: pd.DataFrame, *, rate: str = "engagement_rate_reach") -> pd.DataFrame:
    """One rate by weekday, by hour and by month of year (whichever the table can give).

    Columns: dimension (weekday | hour | month_of_year), value_label, order, rate, value, used, note.
    Empty when the table has no time information at all.
    """
    check_rates(rate)
    data = add_period(posts)
    frames = []
    orders = {"weekday": {**{w: i for i, w in enumerate(WEEKDAYS)}, **{f"day {i}": i for i in range(1, 8)}},
              "month_of_year": {m: i for i, m in enumerate(MONTHS)}}
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

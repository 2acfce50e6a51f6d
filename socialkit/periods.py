"""Reporting periods: what ``period="2025-Q4"`` means, the period before it, and the same period a year
earlier.

A period is written as a quarter (``2025-Q4``), a month (``2025-11``), an ISO week (``2025-W47``), a
year (``2025``) or a range of days (``2025-10-01..2025-12-31``); ``latest-month`` and
``latest-quarter`` mean the last *complete* month or quarter in the data (a month is complete when the
data goes past it, or its last post is on its last day). The **previous period** has the same length
and ends the day before this one starts (2025-Q3 for 2025-Q4; the 92 days before a 92-day range);
the **year before** is the same period one year earlier (2024-Q4).

Every recurring report and the run history read periods here, so "2025-Q4" means the same thing
everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .exceptions import ParameterError

LATEST = ("latest-month", "latest-quarter")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
#: Names a trend's granularity used to have; as ``period`` they are a mistake worth explaining.
GRANULARITIES = ("week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    """A reporting period: its label, its length ("quarter", "month", "week", "year" or "N days") and
    its first and last day (inclusive)."""

    label: str
    length: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.label} ({self.start:%Y-%m-%d} to {self.end:%Y-%m-%d})"


def _bad(period: Any, why: str = "") -> ParameterError:
    return ParameterError("period", f"must be a quarter (2025-Q4), a month (2025-11), a week (2025-W47), a year "
                          f"(2025), a range of days (2025-10-01..2025-12-31), latest-month or latest-quarter. "
                          f"Got {period!r} instead.{(' ' + why) if why else ''}")


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def _quarter(year: int, q: int) -> Period:
    return Period(f"{year}-Q{q}", "quarter", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))


def _month(year: int, month: int) -> Period:
    return Period(f"{year}-{month:02d}", "month", date(year, month, 1), _month_end(year, month))


def parse(period: Any, *, last_day: date | None = None) -> Period | None:
    """The :class:`Period` a label names (None for no period: the whole file). ``latest-month`` and
    ``latest-quarter`` need ``last_day``, the date of the data's last post. Raises ParameterError with
    the accepted forms; ``period="month"`` (the trend's granularity in earlier versions) says so."""
    if period is None or str(period).strip() == "":
        return None
    text = str(period).strip()
    if text.lower() in GRANULARITIES:
        raise ParameterError("period", f"is now the reporting period (e.g. '2025-Q4' or 'latest-quarter'); the "
                             f"trend's granularity ({text!r}) is the parameter 'trend_by'. Got period={text!r}.",
                             fix=f"pass trend_by={text!r} (and a period such as 'latest-{text if text != 'week' else 'month'}' "
                                 "to report on one period)")
    if text in LATEST:
        if last_day is None:
            raise _bad(period, "latest-month and latest-quarter need dated data to be resolved.")
        return latest(text.split("-")[1], last_day)
    if m := _QUARTER.match(text):
        return _quarter(int(m[1]), int(m[2]))
    if m := _MONTH.match(text):
        if not 1 <= int(m[2]) <= 12:
            raise _bad(period)
        return _month(int(m[1]), int(m[2]))
    if m := _WEEK.match(text):
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise _bad(period, f"{m[1]} has no week {m[2]}.") from None
        return Period(f"{int(m[1])}-W{int(m[2]):02d}", "week", start, start + timedelta(days=6))
    if m := _YEAR.match(text):
        return Period(m[1], "year", date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
    if m := _RANGE.match(text):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise _bad(period) from None
        if end < start:
            raise _bad(period, "The range ends before it starts.")
        return Period(f"{start:%Y-%m-%d}..{end:%Y-%m-%d}", f"{(end - start).days + 1} days", start, end)
    raise _bad(period)


def latest(length: str, last_day: date) -> Period:
    """The last complete month or quarter before (or ending on) ``last_day``."""
    if length == "month":
        p = _month(last_day.year, last_day.month)
        return p if last_day == p.end else previous(p)
    q = (last_day.month - 1) // 3 + 1
    p = _quarter(last_day.year, q)
    return p if last_day == p.end else previous(p)


def previous(p: Period) -> Period:
    """The period of the same length just before ``p``."""
    if p.length == "quarter":
        year, q = (p.start.year, (p.start.month - 1) // 3 + 1)
        return _quarter(year - 1, 4) if q == 1 else _quarter(year, q - 1)
    if p.length == "month":
        return _month(p.start.year - 1, 12) if p.start.month == 1 else _month(p.start.year, p.start.month - 1)
    if p.length == "year":
        return Period(str(p.start.year - 1), "year", date(p.start.year - 1, 1, 1), date(p.start.year - 1, 12, 31))
    if p.length == "week":
        start = p.start - timedelta(days=7)
        iso = start.isocalendar()
        return Period(f"{iso.year}-W{iso.week:02d}", "week", start, start + timedelta(days=6))
    end = p.start - timedelta(days=1)
    start = end - timedelta(days=p.days - 1)
    return Period(f"{start:%Y-%m-%d}..{end:%Y-%m-%d}", p.length, start, end)


def year_before(p: Period) -> Period:
    """The same period one year earlier (2024-Q4 for 2025-Q4)."""
    if p.length == "quarter":
        return _quarter(p.start.year - 1, (p.start.month - 1) // 3 + 1)
    if p.length == "month":
        return _month(p.start.year - 1, p.start.month)
    if p.length == "year":
        return previous(p)
    if p.length == "week":
        start = date.fromisocalendar(p.start.isocalendar().year - 1, min(p.start.isocalendar().week, 52), 1)
        iso = start.isocalendar()
        return Period(f"{iso.year}-W{iso.week:02d}", "week", start, start + timedelta(days=6))
    start = _shift_year(p.start)
    end = start + timedelta(days=p.days - 1)
    return Period(f"{start:%Y-%m-%d}..{end:%Y-%m-%d}", p.length, start, end)


def _shift_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def info(period: Any) -> tuple[str | None, date | None, date | None]:
    """(length, first day, last day) of a period label for the run history: (None, None, None) without a
    period; the length only for ``latest-*`` (resolved when the data is read); ("custom", None, None)
    for a label that is not a period."""
    if period is None or str(period).strip() == "":
        return None, None, None
    text = str(period).strip()
    if text in LATEST:
        return text.split("-")[1], None, None
    try:
        p = parse(text)
    except ParameterError:
        return "custom", None, None
    return (p.length, p.start, p.end) if p else (None, None, None)

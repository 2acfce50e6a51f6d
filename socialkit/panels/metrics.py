"""Rates explorer: choose a channel, a grouping and a rate; the table and the chart redraw.

The panel calls :func:`socialkit.metrics.rates` and :func:`socialkit.charts.metrics.rates_chart`,
the same functions as the static notebook. Without a browser, read ``panel.result`` (the current
table) and ``panel.chart`` (the current chart) after changing ``panel.channel.value``,
``panel.grouping.value`` or ``panel.rate.value``.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from .. import metrics
from ..charts import metrics as charts
from ..exceptions import ParameterError
from . import show

ALL = "all channels"
GROUPINGS = ("channel", "post_type", "paid", "period", "weekday", "hour", "month_of_year")


class RatesPanel(widgets.VBox):
    """Controls (channel, grouping, rate) over a table and a chart of one rate."""

    def __init__(self, posts: pd.DataFrame, *, channel: str = ALL, by: str = "channel",
                 rate: str = "engagement_rate_reach", period: str = "month"):
        channels = [ALL] + sorted(posts["channel"].astype(str).unique())
        if channel not in channels:
            raise ParameterError("channel", f"must be one of {channels}. Got {channel!r} instead.")
        if by not in GROUPINGS:
            raise ParameterError("by", f"must be one of {', '.join(GROUPINGS)}. Got {by!r} instead.")
        metrics.check_rates(rate)
        self.posts = posts
        self.period = period
        self.channel = widgets.Dropdown(options=channels, value=channel, description="Channel")
        self.grouping = widgets.Dropdown(options=list(GROUPINGS), value=by, description="Group by")
        self.rate = widgets.Dropdown(options=[(r.label, r.name) for r in metrics.RATES.values()], value=rate,
                                     description="Rate", layout=widgets.Layout(width="340px"))
        self.table_out = widgets.Output()
        self.chart_out = widgets.Output()
        self.result: pd.DataFrame = pd.DataFrame()
        self.chart = None
        for control in (self.channel, self.grouping, self.rate):
            control.observe(self._redraw, names="value")
        super().__init__([widgets.HBox([self.channel, self.grouping, self.rate]), self.chart_out, self.table_out])
        self._redraw()

    def _redraw(self, _change=None) -> None:
        data = self.posts if self.channel.value == ALL else self.posts[self.posts["channel"].astype(str) == self.channel.value]
        long = metrics.rates(data, by=self.grouping.value, rates=[self.rate.value], period=self.period)
        keys = [self.grouping.value]
        self.result = long[keys + ["value", "numerator", "denominator", "used", "skipped", "note"]].reset_index(drop=True)
        self.chart = charts.rates_chart(long, rate=self.rate.value)
        show(self.chart_out, self.chart)
        show(self.table_out, self.result)


def panel(posts: pd.DataFrame, *, channel: str = ALL, by: str = "channel", rate: str = "engagement_rate_reach",
          period: str = "month") -> RatesPanel:
    """The rates explorer for a validated posts table (see :class:`RatesPanel`)."""
    return RatesPanel(posts, channel=channel, by=by, rate=rate, period=period)

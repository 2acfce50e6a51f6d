"""Segment explorer for JupyterLab: choose k and the features, pick a segment to see its profile.

The panel calls the same functions as the notebook (:mod:`socialkit.segments`, charts from
:mod:`socialkit.charts.segments`). Changing k or the features refits the segmentation (on at most
``max_rows`` respondents, so it stays responsive); picking a segment redraws its profile. The
current model and profile are attributes of the panel (``panel.model``, ``panel.profile``,
``panel.error``), so it can be tested without a browser.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

import ipywidgets as widgets
import pandas as pd

from .. import segments as sg
from ..charts import segments as charts
from ..exceptions import SocialKitError
from . import show


class SegmentExplorer(widgets.VBox):
    """The explorer widget; build it with :func:`panel`."""

    def __init__(self, df: pd.DataFrame, *, features: Sequence[str], profile_columns: Sequence[str] = (),
                 id_column: str | None = None, k: Any = "auto", k_range: Sequence[int] = sg.DEFAULT_K_RANGE,
                 reverse_keyed: Sequence[str] = (), min_segment_size: int = 30, random_state: int = 0,
                 max_rows: int = 20_000, method: str = "kmeans", response_style: str = "auto", scales: Any = None):
        self.data = df if len(df) <= max_rows else df.sample(n=max_rows, random_state=random_state)
        self.options = dict(id_column=id_column, k_range=list(k_range), reverse_keyed=list(reverse_keyed),
                            min_segment_size=min_segment_size, random_state=random_state, method=method,
                            response_style=response_style, scales=scales)
        self.profile_columns = list(profile_columns)
        self.model: sg.Segmenter | None = None
        self.profile: sg.SegmentProfile | None = None
        self.error: str | None = None
        k_options = ["auto"] + list(range(sg.K_MIN, max(int(k_range[1]), 10) + 1))
        self.k = widgets.Dropdown(options=k_options, value=k if k in k_options else "auto", description="k")
        self.features = widgets.SelectMultiple(options=list(features), value=tuple(features), rows=min(10, len(features)),
                                               description="features")
        self.segment = widgets.Dropdown(options=[], description="segment")
        self.status = widgets.HTML()
        self.overview = widgets.Output()
        self.detail = widgets.Output()
        self.k.observe(self._refit, names="value")
        self.features.observe(self._refit, names="value")
        self.segment.observe(self._show_segment, names="value")
        super().__init__([widgets.HBox([self.k, self.features]), self.status, self.overview,
                          self.segment, self.detail])
        self._refit()

    # -- reactions
    def _refit(self, change=None) -> None:
        chosen = list(self.features.value)
        reverse = [c for c in self.options["reverse_keyed"] if c in chosen]
        scales = self.options["scales"]
        if isinstance(scales, dict):  # keep the scales whose items are all still chosen
            scales = {n: items for n, items in scales.items() if isinstance(items, str) or set(items) <= set(chosen)} or None
        try:
            model = sg.Segmenter(features=chosen, k=self.k.value, k_range=self.options["k_range"],
                                 reverse_keyed=reverse, id_column=self.options["id_column"],
                                 min_segment_size=self.options["min_segment_size"],
                                 random_state=self.options["random_state"], method=self.options["method"],
                                 response_style=self.options["response_style"], scales=scales).fit(self.data)
            prof = sg.profile(model, self.data, profile_columns=self.profile_columns)
        except SocialKitError as exc:
            self.error = str(exc)
            self.status.value = f"<b>Cannot segment with these choices:</b> {html.escape(str(exc))}"
            return
        self.model, self.profile, self.error = model, prof, None
        self.status.value = html.escape(f"{model.k_} segments from {len(chosen)} features, {len(self.data):,} "
                                        f"respondents; silhouette {model.silhouette_:.3f}: {model.structure_.verdict}.")
        show(self.overview, charts.sizes_chart(prof.sizes), charts.index_heatmap(prof.index))
        options = [(f"{r.segment}. {r.name}", int(r.segment)) for r in prof.sizes.itertuples()]
        current = self.segment.value
        self.segment.options = options
        self.segment.value = current if current in dict(options).values() else options[0][1]
        self._show_segment()

    def _show_segment(self, change=None) -> None:
        if self.profile is None or self.segment.value is None:
            return
        show(self.detail, self.segment_profile())

    # -- reading the current result
    def segment_profile(self, segment: int | None = None) -> pd.DataFrame:
        """The picked segment's index table: every feature and profile column, most distinctive first."""
        segment = self.segment.value if segment is None else segment
        t = self.profile.index[self.profile.index["segment"] == segment]
        t = t.assign(strength=t["std_diff"].abs()).sort_values("strength", ascending=False)
        return t[["variable", "level", "kind", "segment_value", "audience_value", "index"]].round(2).reset_index(drop=True)


def panel(df: pd.DataFrame, **options: Any) -> SegmentExplorer:
    """Build the segment explorer on ``df`` (options as in :class:`SegmentExplorer`)."""
    return SegmentExplorer(df, **options)

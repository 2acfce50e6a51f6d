"""Chart of the intimacy ladder (:mod:`socialkit.ladder`): the ocean-to-fish-bowl funnel."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import ladder as intimacy
from . import BLUES, INK


def ladder_chart(placed: pd.DataFrame, *, id_column: str = "programme", ladder: pd.DataFrame | None = None) -> alt.LayerChart:
    """The ladder as a funnel: one band per stage (widest = ocean, narrowest = bowl) with the
    programmes placed on each stage (:func:`socialkit.ladder.place`) written beside it; ``ladder``
    defaults to the kit's intimacy_ladder table."""
    counts = intimacy.stage_counts(placed, id_column=id_column, ladder=ladder)
    n = len(counts)
    rank = np.arange(n)
    counts["half"] = 50 - 30 * rank / max(n - 1, 1)  # 50 (ocean) narrowing to 20 (bowl)
    counts["left"] = -counts["half"]
    counts["stage_text"] = counts["label"] + " (" + counts["n"].astype(str) + ")"
    counts["names_text"] = counts["names"].where(counts["names"] != "", "-")
    y = alt.Y("label:N", sort=counts["label"].tolist(), title=None, axis=None)
    x_scale = alt.Scale(domain=[-50, 150])
    funnel = alt.Chart(counts).mark_bar(height=alt.RelativeBandSize(0.85)).encode(
        x=alt.X("left:Q", scale=x_scale, axis=None), x2="half:Q", y=y,
        color=alt.Color("order:O", legend=None, scale=alt.Scale(range=BLUES)),
        tooltip=["label", "n", "names"])
    stage_text = alt.Chart(counts).mark_text(fontWeight="bold", color=INK).encode(
        x=alt.X("zero:Q", scale=x_scale), y=y, text="stage_text:N").transform_calculate(zero="0")
    names = alt.Chart(counts).mark_text(align="left", dx=6, color=INK, limit=330).encode(
        x=alt.X("start:Q", scale=x_scale), y=y, text="names_text:N").transform_calculate(start="52")
    return (funnel + stage_text + names).properties(
        title=alt.Title("From ocean to fish bowl: where each programme sits",
                        subtitle="Each stage is more intimate and more about the client's interests than the product"),
        width=620, height=alt.Step(40))

"""Compare brands side by side, for a batch run's index page, on the key figures their reports
recorded (:mod:`socialkit.figures`).

The comparison shows what the reports said, with the parameters each report ran with (its period
among them), and computes nothing again. Each section is (title, HTML); a section appears when at
least two brands recorded its figures. Charts are inline SVG rendered offline; tables come from
:func:`socialkit.present.table` (which escapes every value).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import pandas as pd

from . import present
from .params import UNNAMED  # what reports call an organisation nobody named: not a label
_VENN = ("scope", "integration", "measurable_value", "delivered_value", "audience_reach")
_SHARES = {c: (c.replace("_", " ").capitalize(), "share") for c in _VENN}
#: Width of the index page's text block (pixels): a table is split into parts only beyond it.
PAGE_WIDTH = 1040


def labels(figures_by_brand: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Each brand's label: its recorded organisation name, or the brand when it has none (or shares
    its name with another brand, then "name (brand)")."""
    named = {b: str(f.get("organisation") or "") for b, f in figures_by_brand.items()}
    named = {b: n if n and n != UNNAMED else b for b, n in named.items()}
    counts = pd.Series(list(named.values())).value_counts()
    return {b: n if counts[n] == 1 or n == b else f"{n} ({b})" for b, n in named.items()}


def _rows(figures_by_brand: Mapping[str, Mapping[str, Any]], needed: str) -> list[tuple[str, Mapping[str, Any]]]:
    names = labels(figures_by_brand)
    return [(names[b], f) for b, f in figures_by_brand.items() if f.get(needed) is not None]


def scope_value(figures_by_brand: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Venn scores of each brand that recorded them (columns as :func:`socialkit.venn.compare`:
    brand, scope, integration, measurable_value, delivered_value, audience_reach, classification)."""
    rows = [{"brand": label, **{c: f.get(f"venn.{c}") for c in _VENN},
             "classification": f.get("venn.classification")} for label, f in _rows(figures_by_brand, "venn.scope")]
    return pd.DataFrame(rows, columns=["brand", *_VENN, "classification"]).astype({c: float for c in _VENN})


def depth_table(figures_by_brand: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Overall depth, social media vs social business, and the limit shared by the most functions."""
    rows = [{"brand": label, "overall level": f.get("depth.overall_level"), "doing": f.get("depth.kind"),
             "limiting factor": f.get("depth.limit", f.get("depth.limiting_factor")),
             "functions capped": f.get("depth.functions_capped")}
            for label, f in _rows(figures_by_brand, "depth.overall_level")]
    return pd.DataFrame(rows, columns=["brand", "overall level", "doing", "limiting factor", "functions capped"])


def measurement_table(figures_by_brand: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Measurement maturity per brand: share of the vanity -> business ladder measured on the business
    side, rungs with a business metric, the top finding, and the period the report covered."""
    rows = [{"brand": label, "period": f.get("period") or f.get("period_covered") or "all posts",
             "business coverage": f.get("metrics.business_coverage"),
             "rungs with business metrics": f.get("metrics.business_rungs"),
             "top finding": f.get("metrics.top_finding")}
            for label, f in _rows(figures_by_brand, "metrics.business_coverage")]
    return pd.DataFrame(rows, columns=["brand", "period", "business coverage", "rungs with business metrics",
                                       "top finding"])


def brand_comparison(figures_by_brand: Mapping[str, Mapping[str, Any]], *,
                     draw: Callable[[Any], str] | None = None) -> list[tuple[str, str]]:
    """Sections comparing the brands of ``figures_by_brand`` (brand -> the figures its reports
    recorded): scope vs value, depth, measurement maturity. ``draw`` turns an Altair chart into SVG
    (default :func:`socialkit.charts.to_svg`)."""
    sections = []
    sv = scope_value(figures_by_brand)
    if len(sv) > 1:
        from .charts import to_svg  # altair loads only when there is a chart to draw
        from .charts.venn import quadrant_chart  # the same

        chart = (draw or to_svg)(quadrant_chart(sv))
        sections.append(("Scope vs value (Venn model)", chart + present.table(sv, labels=_SHARES, width=PAGE_WIDTH).html()))
    dt = depth_table(figures_by_brand)
    if len(dt) > 1:
        sections.append(("How deep: relationship depth and its limits", present.table(dt, width=PAGE_WIDTH).html()))
    mt = measurement_table(figures_by_brand)
    if len(mt) > 1:
        sections.append(("Measurement maturity: vanity to business metrics",
                         present.table(mt, labels={"business coverage": ("Business coverage", "share")},
                                       width=PAGE_WIDTH).html()))
    return sections

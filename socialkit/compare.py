"""Compare sample brands side by side, for a batch run's index page.

Each section is (title, HTML). Charts are inline SVG rendered offline; tables come from
``DataFrame.to_html`` (which escapes every value).
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from . import config, depth, io, metrics, present, venn
from .charts import to_svg
from .charts.venn import quadrant_chart
from .params import brand_label


def _load(brand: str, kind: str) -> pd.DataFrame:
    defaults = {"channel": "all channels"} if kind == "posts" else None
    return io.load(config.sample_path(brand, kind), kind, defaults=defaults)


def scope_value(brands: Sequence[str]) -> pd.DataFrame:
    """Venn scores of each brand (one row per brand; see :func:`socialkit.venn.compare`)."""
    return venn.compare({brand_label(b): _load(b, "initiatives") for b in brands})


def depth_table(brands: Sequence[str]) -> pd.DataFrame:
    """Overall depth, social media vs social business, and the main limiting factor per brand."""
    rows = []
    for b in brands:
        res = depth.assess(_load(b, "assessment"), _load(b, "readiness"))
        o = res.overall.iloc[0]
        limits = depth.limiting_factors(res)
        rows.append({"brand": brand_label(b), "overall level": o["level"], "doing": o["kind"],
                     "limiting factor": limits.iloc[0]["limit"] if len(limits) else "none",
                     "functions capped": int(limits["n_functions"].max()) if len(limits) else 0})
    return pd.DataFrame(rows)


def measurement_table(brands: Sequence[str]) -> pd.DataFrame:
    """Measurement maturity per brand: share of the vanity -> business ladder measured on the
    business side, and the top finding."""
    rows = []
    for b in brands:
        posts = _load(b, "posts")
        cov = metrics.ladder_coverage(posts)
        findings = metrics.measurement_findings(posts)
        rows.append({"brand": brand_label(b), "business coverage": float(cov["business_coverage"].mean()),
                     "rungs with business metrics": int((cov["business_coverage"] > 0).sum()),
                     "top finding": findings[0].text if len(findings) else "none"})
    return pd.DataFrame(rows)


def brand_comparison(brands: Sequence[str]) -> list[tuple[str, str]]:
    """Sections comparing ``brands``: scope vs value, depth, measurement maturity."""
    sv = scope_value(brands)
    shares = {c: (c.replace("_", " ").capitalize(), "share")
              for c in ("scope", "integration", "measurable_value", "delivered_value", "audience_reach")}
    return [
        ("Scope vs value (Venn model)", to_svg(quadrant_chart(sv)) + present.table(sv, labels=shares).html()),
        ("How deep: relationship depth and its limits", present.table(depth_table(brands)).html()),
        ("Measurement maturity: vanity to business metrics",
         present.table(measurement_table(brands), labels={"business coverage": ("Business coverage", "share")}).html()),
    ]

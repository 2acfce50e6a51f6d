"""Key figures of each analysis: the few numbers and verdicts a stakeholder follows from run to run.

Each function takes an analysis' result and returns a flat ``{name: value}`` dict with dotted names
by area (``venn.scope``, ``depth.overall_level``, ``segments.structure``, ``metrics.rate.<rate>``,
``objectives.met`` ...). The notebooks record them in the executed notebook
(:func:`socialkit.records.record_all`), the run history stores them, and "what changed since last
time" compares them. Values are numbers (shares as 0-1) or short texts.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import depth as depth_module
from . import metrics as metrics_module

#: Figures a reader compares between runs, with how each is shown (share, number, text) and whether
#: a rise is good (True), bad (False) or neither (None).
SHOWN = {
    "venn.scope": ("Venn scope", "share", True),
    "venn.integration": ("Venn integration", "share", True),
    "venn.measurable_value": ("Measurable value", "share", True),
    "venn.delivered_value": ("Delivered value", "share", True),
    "venn.audience_reach": ("Audience reach", "share", True),
    "venn.classification": ("Classification", "text", None),
    "depth.overall_level": ("Overall depth", "text", None),
    "depth.social_business_share": ("Functions at social-business depth", "share", True),
    "depth.limiting_factor": ("What limits depth", "text", None),
    "practices.presence": ("Presence", "share", True),
    "practices.platform": ("Platform", "share", True),
    "practices.purpose": ("Purpose", "share", True),
    "segments.k": ("Segments", "number", None),
    "segments.structure": ("Cluster structure", "text", None),
    "segments.silhouette": ("Mean silhouette", "number", True),
    "ladder.placed_segments": ("Segments placed on the fishing ladder", "number", True),
    "metrics.business_coverage": ("Business metrics measured", "share", True),
    "metrics.posts": ("Posts", "number", None),
    "metrics.rate.engagement_rate_reach": ("Engagement rate (reach), %", "number", True),
    "metrics.rate.click_through_rate": ("Click-through rate, %", "number", True),
    "metrics.rate.opt_ins_per_1000_reach": ("Opt-ins per 1,000 reach", "number", True),
    "metrics.rate.revenue_per_1000_reach": ("Revenue per 1,000 reach", "number", True),
    "objectives.met": ("Objectives met", "number", True),
    "objectives.behind": ("Objectives behind", "number", False),
}


def _num(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def venn(result) -> dict[str, Any]:
    """Scope, integration, measurable and delivered value, audience reach and the class."""
    ms = result.measures
    out = {f"venn.{k}": _num(ms.get(k)) for k in ("scope", "integration", "measurable_value", "delivered_value",
                                                   "audience_reach", "highest_norm")}
    out["venn.classification"] = result.classification
    return out


def depth(result) -> dict[str, Any]:
    """The overall level, social media or social business, the factor that limits most functions, and
    the limit shared by the most functions (sentence) with how many functions it caps."""
    o = result.overall.iloc[0]
    f = result.functions
    limited = f[f["limiting_factor"] != ""]
    top = limited["limiting_label"].value_counts() if len(limited) else pd.Series(dtype=int)
    caps = depth_module.limiting_factors(result)
    return {"depth.overall_level": str(o["level"]), "depth.kind": str(o["kind"]),
            "depth.social_business_share": _num(o["share_social_business"]),
            "depth.limiting_factor": str(top.index[0]) if len(top) else "none",
            # the cap shared by the most functions, as a sentence, and how many functions it caps
            "depth.limit": str(caps.iloc[0]["limit"]) if len(caps) else "none",
            "depth.functions_capped": int(caps["n_functions"].max()) if len(caps) else 0}


def practices(result) -> dict[str, Any]:
    """Presence, platform and purpose scores (0-1) and whether each is practised."""
    out = {}
    for r in result.practices.itertuples(index=False):
        out[f"practices.{r.practice}"] = _num(r.score)
        out[f"practices.{r.practice}_practised"] = bool(r.practised)
    return out


def segments(model, profile) -> dict[str, Any]:
    """Number of segments, structure verdict and silhouette, sizes, and how many are placed on the
    fishing ladder."""
    sizes = {str(r.name): _num(r.share) for r in profile.sizes.itertuples(index=False)}
    return {"segments.k": int(model.k_), "segments.structure": model.structure_.verdict,
            "segments.silhouette": _num(model.structure_.silhouette), "segments.sizes": sizes,
            "ladder.placed_segments": int(len(profile.intimacy))}


def measurement(posts: pd.DataFrame, *, status: pd.DataFrame | None = None) -> dict[str, Any]:
    """Business coverage of the ladder (mean share, and how many rungs have a business metric), the
    measurement's first finding (not its notes), the main rates over all posts, and objectives met / behind."""
    cov = metrics_module.ladder_coverage(posts)
    findings = metrics_module.measurement_findings(posts).where(kind="finding")  # not the notes (trust not measured...)
    out: dict[str, Any] = {"metrics.posts": int(len(posts)),
                           "metrics.business_coverage": _num(cov["business_coverage"].mean()) if len(cov) else None,
                           "metrics.business_rungs": int((cov["business_coverage"] > 0).sum()),
                           "metrics.top_finding": findings[0].text if len(findings) else "none"}
    overall = metrics_module.rates(posts, by="all")
    for r in overall.itertuples(index=False):
        out[f"metrics.rate.{r.rate}"] = _num(r.value)
    if status is not None and len(status):
        counts = status["status"].value_counts()
        out.update({"objectives.met": int(counts.get("met", 0)), "objectives.close": int(counts.get("close", 0)),
                    "objectives.behind": int(counts.get("behind", 0)), "objectives.total": int(len(status))})
    return out


def period(window, posts: pd.DataFrame | None = None) -> dict[str, Any]:
    """What a report covers in time, for its title block and the run history: ``period`` (the label,
    e.g. 2025-Q4, with ``latest-quarter`` resolved), ``period_covered`` (the days the data covers in
    it, or in the whole file without a period) and ``compared_with`` (the periods it is compared with).
    ``window`` is a :class:`socialkit.metrics.Window`."""
    if window.period is None:
        return {"period_covered": metrics_module.period_covered(window.posts if posts is None else posts)}
    p = window.period
    covered = metrics_module.period_covered(window.posts) if window.days.get(p.label, p.days) < p.days else \
        f"{p.start:%Y-%m-%d} to {p.end:%Y-%m-%d}"
    against = [f"{q.label} ({'previous period' if name == 'previous period' else 'a year earlier'})"
               for name, q, _ in window.comparisons()]
    out = {"period": p.label, "period_covered": covered}
    if against:
        out["compared_with"] = " and ".join(against)
    return out


def summary(result, *, posts: pd.DataFrame | None = None) -> dict[str, Any]:
    """The key figures of an executive summary (:func:`socialkit.summary.executive_summary`): every
    area that ran."""
    parts = []
    if result.venn is not None:
        parts.append(venn(result.venn))
    if result.depth is not None:
        parts.append(depth(result.depth))
    if result.practices is not None:
        parts.append(practices(result.practices))
    if result.segments is not None and result.segment_model is not None:
        parts.append(segments(result.segment_model, result.segments))
    if posts is not None:
        parts.append(measurement(posts, status=result.objectives))
    return merged(*parts)


def merged(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """Several areas' figures in one dict (later parts win on a repeated name)."""
    out: dict[str, Any] = {}
    for p in parts:
        out.update(p)
    return out

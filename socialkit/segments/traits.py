"""The index vs the whole audience, distinctive traits and segment names (the maths of profiling;
see :func:`socialkit.segments.profile` for the whole report)."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .answers import label_for
from .plan import MIN_LEVEL_SHARE, NO_ANSWER

#: |standardised difference| from which a trait counts as distinctive, and the number listed.
TRAIT_THRESHOLD = 0.3
MAX_TRAITS = 5
#: Segment number of respondents in suppressed segments (segments are numbered from 1).
SUPPRESSED = 0
SUPPRESSED_NAME = "(suppressed: under the minimum size)"
INDEX_COLUMNS = ["segment", "variable", "level", "kind", "measure", "segment_value", "audience_value", "index",
                 "std_diff"]


def variable_label(variable: str, limit: int = 40) -> str:
    """Readable label of a clustered variable: a column's :func:`label_for`, or for an indicator
    ("<question>: <option>") or a factor ("Factor 1: A1, A2, A3") the shortened question and the option."""
    variable = str(variable)
    if ": " in variable:
        head, option = variable.rsplit(": ", 1)
        return f"{label_for(head, max(limit - len(option) - 2, 16))}: {option}"
    return label_for(variable, limit)


def feature_stats(clean: pd.DataFrame, numeric: Sequence[str], ordinal: Sequence[str] = ()) -> dict[str, dict]:
    """Per numeric variable: floor of its scale (for the index), mean and sd over the audience."""
    stats = {}
    for c in numeric:
        v = clean[c]
        lo = float(v.min())
        floor = lo if c in ordinal else (0.0 if lo >= 0 else lo)
        stats[c] = dict(floor=floor, mean=float(v.mean()), sd=float(v.std(ddof=0)))
    return stats


def index_value(segment_value: float, audience_value: float, floor: float = 0.0) -> float:
    """Index vs the whole audience: ``100 * (segment - floor) / (audience - floor)``; 100 = average.

    For shares (categorical levels) the floor is 0, so the index is the ratio of shares.
    For rating scales the floor is the bottom of the scale (1 on a 1-5 scale); for other
    non-negative numbers it is 0; for numbers that can be negative it is the lowest value seen.
    """
    base = audience_value - floor
    if not np.isfinite(base) or abs(base) < 1e-12:
        return float("nan")
    return 100.0 * (segment_value - floor) / base


def index_table(clean: pd.DataFrame, labels: np.ndarray, stats: Mapping[str, dict], numeric: Sequence[str],
                categorical: Sequence[str], *, kind: str) -> pd.DataFrame:
    """Long table: segment, variable, level, kind, measure, segment_value, audience_value, index, std_diff.

    Numbers: the segment mean vs the audience mean (:func:`index_value` from the scale's floor) and
    ``std_diff = (segment mean - audience mean) / audience sd``. Category levels (those with at least
    ``MIN_LEVEL_SHARE`` of the audience): the share in the segment ``q`` vs the share overall ``p``,
    index ``100 q / p`` and ``std_diff = (q - p) / sqrt(p (1 - p))``. Suppressed respondents are left out.
    """
    labels = np.asarray(labels)
    keep = labels != SUPPRESSED
    rows = []
    segs = sorted(set(labels[keep].tolist()))
    for c in numeric:
        v = clean[c].to_numpy(dtype=float)
        st = stats.get(c) or dict(floor=(0.0 if np.nanmin(v) >= 0 else float(np.nanmin(v))),
                                  mean=float(np.nanmean(v)), sd=float(np.nanstd(v)))
        means = pd.Series(v[keep]).groupby(labels[keep]).mean()
        for s in segs:
            m = float(means.get(s, np.nan))
            rows.append(dict(segment=s, variable=c, level="", kind=kind, measure="mean", segment_value=m,
                             audience_value=st["mean"], index=index_value(m, st["mean"], st["floor"]),
                             std_diff=(m - st["mean"]) / st["sd"] if st["sd"] > 0 else 0.0))
    for c in categorical:
        lv = clean[c].fillna(NO_ANSWER).to_numpy(dtype=object)
        overall = pd.Series(lv).value_counts(normalize=True)
        tab = pd.crosstab(labels[keep], lv[keep], normalize="index")
        for level, p in overall.items():
            if p < MIN_LEVEL_SHARE:
                continue
            for s in segs:
                q = float(tab.loc[s, level]) if level in tab.columns and s in tab.index else 0.0
                rows.append(dict(segment=s, variable=c, level=str(level), kind=kind, measure="share",
                                 segment_value=q, audience_value=float(p), index=index_value(q, float(p)),
                                 std_diff=(q - p) / math.sqrt(p * (1 - p)) if 0 < p < 1 else 0.0))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def segment_traits(index: pd.DataFrame, *, threshold: float = TRAIT_THRESHOLD, top: int = MAX_TRAITS) -> pd.DataFrame:
    """Each segment's distinctive traits: |standardised difference| >= threshold, strongest first."""
    t = index[index["std_diff"].abs() >= threshold].copy()
    t["strength"] = t["std_diff"].abs()
    t = t.sort_values(["segment", "strength"], ascending=[True, False]).groupby("segment").head(top)
    t["direction"] = np.where(t["std_diff"] > 0, "high", "low")
    t["trait"] = [_trait_text(r.variable, r.level, r.direction) for r in t.itertuples()]
    return t[["segment", "trait", "variable", "level", "direction", "index", "std_diff", "kind"]].reset_index(drop=True)


def _trait_text(variable: str, level: str, direction: str) -> str:
    label = variable_label(variable)
    if level:
        return f"{'more' if direction == 'high' else 'fewer'} {label}: {level}"
    return f"{direction} {label}"


def names_from_traits(traits: pd.DataFrame, k: int) -> dict[int, str]:
    """A readable name per segment from its strongest traits, "high" traits first (e.g. "Adventure &
    health focus"; "Low brand loyal & low quality first" when nothing is above average);
    "Close to average" when nothing stands out."""
    names: dict[int, str] = {}
    for s in range(1, k + 1):
        t = traits[traits["segment"] == s]
        t = pd.concat([t[t["direction"] == "high"], t[t["direction"] == "low"]])  # what they are, then are not
        parts = [_name_part(r) for r in t.itertuples()]
        name = " & ".join(parts[:2]) or "close to average"
        if name in names.values() and len(parts) > 2:
            name = " & ".join(parts[:3])
        while name in names.values():
            name += " (2)"
        names[s] = name[:1].upper() + name[1:]
    return names


def _name_part(r) -> str:
    label = variable_label(r.variable, 42)
    if r.level:
        return f"{label} {r.level}" if r.direction == "high" else f"not {label} {r.level}"
    return label if r.direction == "high" else f"low {label}"


def index_rows(index: pd.DataFrame) -> list[str]:
    """The readable row label of each line of an index table: "label" or "label: level"."""
    return [variable_label(v) + (f": {lv}" if lv else "") for v, lv in zip(index["variable"], index["level"])]


def index_matrix(index: pd.DataFrame, *, kind: str = "feature") -> pd.DataFrame:
    """The index table as a matrix: one row per variable (and level), one column per segment name."""
    t = index[index["kind"] == kind].copy()
    t["row"] = index_rows(t)
    return t.pivot_table(index="row", columns="name", values="index", sort=False).round(0)

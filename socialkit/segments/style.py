"""Response style: take each respondent's general level out of a rating battery, so that segments
differ in *what* people value rather than in how much they agree with everything (step 2 of the
method, see :mod:`socialkit.segments`).

``response_style="auto"`` looks at the battery (the rating-scale features that share the most
common answer range, at least 3 items, as answered, before any reverse keying) and centres it
when its items correlate as **one general factor**: the first principal component of their
correlations explains at least 25% of the variance, at least 1.5 times the second, and at least
80% of the items load on it with the same sign (|loading| >= 0.3). ``"centre"`` always centres,
``"none"`` never does. Centring subtracts each respondent's mean over the battery's answered items
and adds back the audience's mean level, so answers stay on the scale they were given on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

OPTIONS = ("auto", "centre", "none")
#: The general-factor test of "auto" (see the module docstring).
FIRST_SHARE, DOMINANCE, SAME_SIGN, LOADING = 0.25, 1.5, 0.8, 0.3
MIN_ITEMS = 3


@dataclass
class ResponseStyle:
    """What was done about response style, and why."""

    option: str  # as asked: auto, centre or none
    applied: str  # "centre" or "none"
    reason: str
    battery: list[str] = field(default_factory=list)
    first_share: float = float("nan")  # variance share of the battery's first principal component
    same_sign: float = float("nan")  # share of items loading >= 0.3 on it with the dominant sign
    level: float = float("nan")  # the audience's mean level, added back after centring

    @property
    def centred(self) -> bool:
        return self.applied == "centre"


def battery(ranges: dict[str, tuple[float, float]]) -> list[str]:
    """The rating items answered within the most common answer range (e.g. 1-5; an item whose
    answers happen to run 2-5 belongs too), in the given order; empty when fewer than 3 items."""
    if not ranges:
        return []
    common = pd.Series([r for r in ranges.values()]).value_counts()
    lo, hi = common.index[0]
    items = [c for c, r in ranges.items() if lo <= r[0] and r[1] <= hi]  # a 2-5 item belongs to a 1-5 battery
    return items if len(items) >= MIN_ITEMS else []


def general_factor(X: np.ndarray) -> tuple[float, float, float]:
    """(first share, first / second eigenvalue, same-sign share) of the items' correlation matrix;
    missing answers take the item's median."""
    X = np.asarray(X, dtype=float)
    med = np.nanmedian(X, axis=0)
    X = np.where(np.isnan(X), med, X)
    sd = X.std(axis=0)
    X = X[:, sd > 0]
    if X.shape[1] < MIN_ITEMS:
        return 0.0, 0.0, 0.0
    vals, vecs = np.linalg.eigh(np.corrcoef(X, rowvar=False))
    vals, vecs = vals[::-1], vecs[:, ::-1]
    loadings = vecs[:, 0] * np.sqrt(max(vals[0], 0.0))
    strong = np.abs(loadings) >= LOADING
    same = max(np.sum(strong & (loadings > 0)), np.sum(strong & (loadings < 0))) / len(loadings)
    return float(vals[0] / vals.sum()), float(vals[0] / max(vals[1], 1e-9)), float(same)


def decide(option: str, answers: pd.DataFrame, items: list[str]) -> ResponseStyle:
    """Whether to centre the battery ``items`` of ``answers`` (raw numbers, a sample is enough)."""
    if not items:
        why = ("no rating battery (at least 3 rating items on one answer scale), so nothing to centre"
               if option != "none" else "response style not adjusted (response_style='none')")
        return ResponseStyle(option, "none", why)
    X = answers[items].to_numpy(dtype=float)
    first, ratio, same = general_factor(X)
    level = float(np.nanmean(X)) if np.isfinite(X).any() else float("nan")
    facts = (f"the first component of the {len(items)} rating items explains {first:.0%} of their variance "
             f"({ratio:.1f} times the second) and {same:.0%} of the items load on it the same way")
    general = first >= FIRST_SHARE and ratio >= DOMINANCE and same >= SAME_SIGN
    if option == "centre":
        return ResponseStyle(option, "centre", f"centred as asked (response_style='centre'); {facts}", items,
                             first, same, level)
    if option == "none":
        return ResponseStyle(option, "none", f"not centred (response_style='none'), although {facts}"
                             if general else f"not centred (response_style='none'); {facts}", items, first, same, level)
    if general:
        return ResponseStyle(option, "centre", f"centred: {facts}, so respondents differ mostly in their general "
                             "level; each respondent's own average was removed so that segments differ in what "
                             "they value, not in how much they agree with everything", items, first, same, level)
    return ResponseStyle(option, "none", f"not centred: no general factor ({facts}; centring needs >= "
                         f"{FIRST_SHARE:.0%}, >= {DOMINANCE} times and >= {SAME_SIGN:.0%})", items, first, same, level)


def centre(values: pd.DataFrame, items: list[str], level: float) -> pd.DataFrame:
    """Subtract each row's mean over its answered ``items`` and add ``level`` back (a copy)."""
    out = values.copy()
    block = out[items].to_numpy(dtype=float)
    answered = np.isfinite(block).sum(axis=1)
    row_mean = np.where(answered > 0, np.nansum(block, axis=1) / np.maximum(answered, 1), level)
    out[items] = block - row_mean[:, None] + level
    return out

"""Does vanity predict value? Rank correlations of vanity metrics with business outcomes, post by
post and per channel, with confidence intervals, their plain-language reading, and the binned view
behind the vanity-vs-value chart.

* Spearman's rho is the Pearson correlation of the ranks (ties get their average rank).
* Fisher interval: ``tanh(atanh(rho) +/- z * 1.06 / sqrt(n - 3))`` (the 1.06 factor is the
  Fieller, Hartley & Pearson (1957) variance correction for Spearman's rho).
* Bootstrap interval: percentile interval of rho over seeded resamples of the post pairs.
* Verdicts: the interval is above 0 (moves with value), below 0 (moves against value) or includes 0
  (no evidence).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..findings import Findings
from .ladder import classify_metrics

_CORR_COLUMNS = ["channel", "vanity", "outcome", "n", "rho", "low", "high", "strength", "verdict"]
_TESTED = ("moves with value", "moves against value", "no evidence")


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: the Pearson correlation of the ranks (ties get their average rank).

    NaN when fewer than 3 pairs or when either variable never varies.
    """
    x = pd.Series(np.asarray(x, dtype="float64"))
    y = pd.Series(np.asarray(y, dtype="float64"))
    if len(x) < 3:
        return np.nan
    rx, ry = x.rank(method="average"), y.rank(method="average")
    if rx.std() == 0 or ry.std() == 0:
        return np.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def fisher_interval(rho: float, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a Spearman rho by Fisher's z: ``tanh(atanh(rho) +/- z * 1.06 / sqrt(n - 3))``.

    The 1.06 factor is the Fieller, Hartley & Pearson (1957) variance correction for Spearman's rho.
    NaN when n < 4 or rho is NaN; rho = +/-1 gives the degenerate interval (rho, rho).
    """
    from scipy.stats import norm  # scipy.stats takes ~0.7 s to import; only intervals need it

    if n < 4 or rho is None or np.isnan(rho):
        return (np.nan, np.nan)
    if abs(rho) >= 1:
        return (float(rho), float(rho))
    z = math.atanh(rho)
    half = norm.ppf(0.5 + level / 2) * 1.06 / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def bootstrap_interval(x: Sequence[float], y: Sequence[float], *, level: float = 0.95, n_boot: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of Spearman's rho: resample the post pairs with replacement
    ``n_boot`` times (seeded), take the (1-level)/2 and (1+level)/2 quantiles of the rhos that are
    defined."""
    from scipy.stats import rankdata  # scipy.stats takes ~0.7 s to import; only intervals need it

    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    n = len(x)
    if n < 4:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    rx = rankdata(x[idx], axis=1)  # average ranks for ties, one resample per row
    ry = rankdata(y[idx], axis=1)
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx ** 2).sum(axis=1) * (ry ** 2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        rhos = (rx * ry).sum(axis=1) / den
    rhos = rhos[np.isfinite(rhos)]
    if rhos.size == 0:
        return (np.nan, np.nan)
    lo, hi = np.quantile(rhos, [(1 - level) / 2, (1 + level) / 2])
    return (float(lo), float(hi))


def _strength(rho: float) -> str:
    a = abs(rho)
    return "negligible" if a < 0.1 else "weak" if a < 0.3 else "moderate" if a < 0.5 else "strong"


def vanity_value(posts: pd.DataFrame, *, by: str | None = "channel", method: str = "fisher", level: float = 0.95,
                 min_posts: int = 10, n_boot: int = 1000, seed: int = 0,
                 ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Does vanity predict value? Spearman's rho of each vanity metric with each business outcome,
    per channel (``by``; None pools all posts), at post level, with a confidence interval.

    ``method``: "fisher" (Fisher z with the 1.06 correction) or "bootstrap" (percentile, seeded).
    Columns: channel, vanity, outcome, n (posts with both measured), rho, low, high, strength,
    verdict (moves with value | moves against value | no evidence | not enough posts | outcome never
    varies | vanity never varies). Verdicts: the interval is above 0 / below 0 / includes 0.
    """
    if method not in ("fisher", "bootstrap"):
        raise ParameterError("method", f"must be 'fisher' or 'bootstrap'. Got {method!r} instead.")
    if not 0 < level < 1:
        raise ParameterError("level", f"must be between 0 and 1 (e.g. 0.95). Got {level!r} instead.")
    cls = classify_metrics(posts, ladder=ladder)
    ok = cls[cls["status"].isin(["measured", "partial"])]
    vanity = list(ok.loc[ok["kind"] == "vanity", "metric"])
    outcomes = list(ok.loc[ok["kind"] == "business", "metric"])
    if not outcomes or not vanity:
        return pd.DataFrame(columns=_CORR_COLUMNS)
    groups = posts.groupby("channel", sort=True) if by else [("all channels", posts)]
    rows = []
    for key, g in groups:
        for v in vanity:
            for o in outcomes:
                pair = g[[v, o]].dropna().astype("float64")
                n = len(pair)
                rec = dict(channel=str(key), vanity=v, outcome=o, n=n, rho=np.nan, low=np.nan, high=np.nan, strength="")
                if n < min_posts:
                    rec["verdict"] = "not enough posts"
                elif pair[o].nunique() < 2:
                    rec["verdict"] = "outcome never varies"
                elif pair[v].nunique() < 2:
                    rec["verdict"] = "vanity never varies"
                else:
                    rho = spearman(pair[v], pair[o])
                    lo, hi = (fisher_interval(rho, n, level=level) if method == "fisher"
                              else bootstrap_interval(pair[v], pair[o], level=level, n_boot=n_boot, seed=seed))
                    verdict = "moves with value" if lo > 0 else "moves against value" if hi < 0 else "no evidence"
                    rec.update(rho=rho, low=lo, high=hi, strength=_strength(rho), verdict=verdict)
                rows.append(rec)
    return pd.DataFrame(rows, columns=_CORR_COLUMNS)


def vanity_value_findings(corr: pd.DataFrame) -> Findings:
    """Plain-language reading of :func:`vanity_value`, one finding per channel: the vanity metrics that
    move with the most outcomes (strongest mean rho first) and those that move with none."""
    found = Findings(empty="_No findings._")
    if corr.empty:
        return found.add("Nothing to correlate", "no business outcome is measured, so no vanity metric can be "
                         "shown to matter; the ladder above says what to record.")
    for ch, g in corr.groupby("channel", sort=True):
        tested = g[g["verdict"].isin(_TESTED)]
        if tested.empty:
            found.add(f"On {ch}, too little data to tell", "outcomes are too rare or too few posts "
                      f"({int(g['n'].max())} at most) to test any vanity metric.")
            continue
        good = tested[tested["verdict"] == "moves with value"]
        score = good.groupby("vanity").agg(k=("outcome", "size"), rho=("rho", "mean")).sort_values(["k", "rho"], ascending=False)
        silent = sorted(set(tested["vanity"]) - set(good["vanity"]), key=list(tested["vanity"]).index)
        if score.empty:
            found.add(f"On {ch}, no vanity metric predicts value", f"none of {', '.join(silent)} moves with "
                      f"{', '.join(dict.fromkeys(tested['outcome']))} (every interval includes 0).")
            continue
        best = list(score.index[:3])
        per = []
        for o, go in good.groupby("outcome", sort=False):
            top = go.sort_values("rho", ascending=False).iloc[0]
            per.append(f"{o}: {top['vanity']} rho {top['rho']:.2f} ({top['low']:.2f} to {top['high']:.2f})")
        detail = "strongest per outcome - " + "; ".join(per) + "."
        if silent:
            detail += f" No evidence that {', '.join(silent)} move any outcome."
        names = " and ".join(best[:2]) if len(best) < 3 else ", ".join(best[:2]) + " and " + best[2]
        found.add(f"On {ch}, {names} predict value", detail)
    return found


def strongest_pair(corr: pd.DataFrame, *, vanity: str | None = None) -> tuple[str, str]:
    """(vanity metric, outcome) of the strongest positive rho in :func:`vanity_value` (optionally for one
    given vanity metric); ("likes", "leads") when nothing could be tested."""
    t = corr.dropna(subset=["rho"])
    if vanity is not None:
        t = t[t["vanity"] == vanity]
    if t.empty:
        return (vanity or "likes", "leads")
    top = t.sort_values("rho", ascending=False).iloc[0]
    return (str(top["vanity"]), str(top["outcome"]))


def binned_vanity_value(posts: pd.DataFrame, *, vanity: str, outcome: str, by: str | None = "channel",
                        bins: int = 8) -> pd.DataFrame:
    """Posts grouped into ``bins`` quantile bins of a vanity metric (per channel): mean vanity, mean
    outcome and posts per bin, for an aggregated scatter (at most bins x channels points)."""
    cols = ["channel", "bin", "vanity_mean", "outcome_mean", "posts"]
    if vanity not in posts.columns or outcome not in posts.columns:
        return pd.DataFrame(columns=cols)
    data = posts[[vanity, outcome] + (["channel"] if by else [])].dropna().copy()
    if not by:
        data["channel"] = "all channels"
    frames = []
    for ch, g in data.groupby("channel", sort=True):
        q = min(bins, g[vanity].nunique())
        if q < 2:
            continue
        b = pd.qcut(g[vanity].rank(method="first"), q, labels=False)
        agg = g.groupby(b).agg(vanity_mean=(vanity, "mean"), outcome_mean=(outcome, "mean"), posts=(vanity, "size"))
        agg["channel"] = str(ch)
        agg["bin"] = agg.index.astype(int) + 1
        frames.append(agg.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)

"""Stability of the segments: refit on resamples and compare (step 6 of the method, see
:mod:`socialkit.segments`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from ..exceptions import ParameterError
from . import latent
from .model import Segmenter, sample_index
from .plan import is_int

#: Verdict thresholds on the mean adjusted Rand index across resamples.
STABLE_AT, FRAGILE_BELOW = 0.8, 0.6


@dataclass
class Stability:
    """Agreement between the fitted segments and segments refitted on resamples."""

    scores: pd.DataFrame  # resample, ari
    per_segment: pd.DataFrame  # segment, name, jaccard (mean best-match Jaccard across resamples)
    mean_ari: float
    verdict: str  # "stable" | "moderately stable" | "not stable"
    message: str


def stability_verdict(mean_ari: float, *, stable_at: float = STABLE_AT, fragile_below: float = FRAGILE_BELOW) -> tuple[str, str]:
    """Plain verdict on a mean adjusted Rand index: >= 0.8 stable, >= 0.6 moderately, else not stable."""
    if mean_ari >= stable_at:
        return "stable", (f"The segments are stable: refitting on resamples gives the same segments "
                          f"(mean adjusted Rand index {mean_ari:.2f} >= {stable_at}).")
    if mean_ari >= fragile_below:
        return "moderately stable", (f"The segments are only moderately stable (mean adjusted Rand index "
                                     f"{mean_ari:.2f}): the core of each segment is reproducible, but "
                                     "respondents near the boundaries move. Act on the segment cores.")
    return "not stable", (f"The segments are NOT stable (mean adjusted Rand index {mean_ari:.2f} < {fragile_below}): "
                          "another sample or seed would give different segments. Do not act on them; try another k, "
                          "fewer or better features, or more respondents.")


def stability(model: Segmenter, df: pd.DataFrame, *, resamples: int = 10, rows: int = 5_000,
              fraction: float = 0.8, random_state: int | None = None) -> Stability:
    """Refit the model's method (k-means, Gaussian mixture or latent classes; same k) on ``resamples`` random subsets (``fraction`` of an evaluation sample
    of at most ``rows`` respondents) and compare each refit's segments with the model's on the
    evaluation sample with the adjusted Rand index (1 = identical partition, 0 = chance).

    ``per_segment`` holds, for each segment, the mean over resamples of the best Jaccard overlap
    |A n B| / |A u B| with any refitted segment.
    """
    model._check_fitted()
    if not (is_int(resamples) and resamples >= 2):
        raise ParameterError("resamples", f"must be an int >= 2. Got {resamples!r} instead.", owner="stability")
    if not (0.1 <= fraction < 1):
        raise ParameterError("fraction", f"must be in [0.1, 1). Got {fraction!r} instead.", owner="stability")
    seed = model.random_state if random_state is None else random_state
    rng = np.random.default_rng(seed)
    idx = sample_index(len(df), rows, rng)
    sample = model._align(df.iloc[idx])
    Z = model._encode(sample)
    ref = model.center_segment_[model._assign(sample, Z)]
    k = len(model.cluster_centers_)
    data = model._lca_data(sample) if model.method == "lca" else None
    scores, jac = [], {s: [] for s in range(1, model.k_ + 1)}
    with threadpool_limits(1):  # refits on at most 5,000 rows: threads cost more than they save
        for b in range(resamples):
            sub = rng.choice(len(Z), size=max(int(fraction * len(Z)), k + 1), replace=False)
            refit_seed = int(rng.integers(2**31 - 1))
            if model.method == "lca":
                fitted = latent.fit_lca(data.iloc[sub], model.code_spec_, k, refit_seed, n_init=1)
                lab = latent.lca_proba(fitted, data, model.code_spec_).argmax(1)
            elif model.method == "gmm":
                lab = latent.fit_gmm(Z[sub], k, refit_seed, n_init=1).predict(Z)
            else:
                lab = KMeans(n_clusters=k, n_init=min(model.n_init, 3), random_state=refit_seed).fit(Z[sub]).predict(Z)
            scores.append(dict(resample=b + 1, ari=float(adjusted_rand_score(ref, lab))))
            for s in jac:
                a = ref == s
                if not a.any():
                    continue
                best = max(np.sum(a & (lab == c)) / np.sum(a | (lab == c)) for c in range(k))
                jac[s].append(float(best))
    scores = pd.DataFrame(scores)
    mean_ari = float(scores["ari"].mean())
    verdict, message = stability_verdict(mean_ari)
    per = pd.DataFrame([dict(segment=s, name=model.segment_name(s), jaccard=float(np.mean(v)) if v else float("nan"))
                        for s, v in jac.items()])
    return Stability(scores=scores, per_segment=per, mean_ari=mean_ari, verdict=verdict, message=message)

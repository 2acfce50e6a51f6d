"""How many segments, and how much structure: several criteria side by side, one documented rule,
and the strength of the structure in plain words (step 3 of the method, see :mod:`socialkit.segments`).

The criteria, for each k of ``k_range`` (on a seeded sample):

* **silhouette** (higher is better): how much closer respondents are to their own segment than to
  the next one. Known to favour k = 2 on continuous answers, so it never decides alone.
* **Calinski-Harabasz** (higher is better): spread between segments over spread within them.
* **BIC** of a Gaussian mixture (lower is better), also computed for k = 1: when one group fits
  better than any k >= 2, the answers show no groups at all.
* **stability**: mean adjusted Rand index between k-means refits on resamples (1 = same segments).

The rule (:func:`choose_k`):

1. the k with the highest mean silhouette, except that
2. **k = 2 needs corroboration**: it is chosen only when Calinski-Harabasz or BIC also finds 2
   best; otherwise the best silhouette among the other k is taken (the silhouette alone favours
   k = 2 on any continuum);
3. **stability gate**: when that k is not stable (stability < 0.6), the stable k with the highest
   silhouette is taken instead (k = 2 still only when corroborated); when no k is stable, the
   notes say so.

Every criterion's best k is listed in the notes, and BIC at k = 1 says whether one group fits
better than any mixture.

The structure verdict (:func:`structure_verdict`) reads the mean silhouette of the reported
segments on the Kaufman & Rousseeuw (1990) scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, silhouette_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

#: Kaufman & Rousseeuw (1990), Finding Groups in Data: mean silhouette bands.
STRONG_ABOVE, REASONABLE_ABOVE, WEAK_ABOVE = 0.70, 0.50, 0.25
VERDICTS = ("strong structure", "reasonable structure", "weak structure", "no substantial structure")
#: A k whose stability (mean ARI between refits) is under this is not chosen when another named k is stable.
STABLE_ENOUGH = 0.6
#: Rows used for the BIC (Gaussian mixture) and for the stability refits of each k.
BIC_ROWS, STABILITY_ROWS, STABILITY_REFITS = 5_000, 2_000, 4
#: Full covariance for the mixture up to this many encoded columns (diagonal beyond).
FULL_COVARIANCE_UP_TO = 40
K_COLUMNS = ["k", "silhouette", "calinski_harabasz", "bic", "stability", "inertia"]


@dataclass
class Structure:
    """How clearly the respondents fall into the reported segments."""

    verdict: str  # one of VERDICTS
    silhouette: float  # mean silhouette of the reported segments
    message: str  # what the verdict means for acting on the segments
    level_split: bool = False  # two segments that differ mainly in general level (high vs low on everything)

    def __str__(self) -> str:
        return self.message


_MEANING = {
    "strong structure": "the segments are distinct groups of people: act on them as separate audiences.",
    "reasonable structure": ("the segments are real groups, with some overlap at their edges: act on them, and "
                             "expect respondents near the boundaries to resemble two segments."),
    "weak structure": ("the segments overlap a lot: treat them as a convenient cut of a continuum, useful to "
                       "tailor messages, not as distinct groups of people."),
    "no substantial structure": ("respondents do not fall into groups: these segments are a convenient cut of a "
                                 "continuum, not distinct audiences. Use them, if at all, as bands along the main "
                                 "differences, and do not size campaigns on them as if they were separate groups."),
}


def structure_verdict(silhouette: float, *, level_split: bool = False) -> Structure:
    """The Kaufman-Rousseeuw reading of a mean silhouette: > 0.70 strong structure, 0.51-0.70
    reasonable, 0.26-0.50 weak, <= 0.25 no substantial structure; ``message`` says what that means
    for acting on the segments (and names a high-versus-low split when ``level_split``)."""
    s = float(silhouette)
    if not np.isfinite(s):
        s = 0.0
    verdict = (VERDICTS[0] if s > STRONG_ABOVE else VERDICTS[1] if s > REASONABLE_ABOVE
               else VERDICTS[2] if s > WEAK_ABOVE else VERDICTS[3])
    message = (f"{verdict[:1].upper() + verdict[1:]} (mean silhouette {s:.3f} on the Kaufman-Rousseeuw scale: "
               f"> 0.70 strong, 0.51-0.70 reasonable, 0.26-0.50 weak, <= 0.25 none): {_MEANING[verdict]}")
    if level_split:
        message += (" The two segments differ mainly in their general level (one is above average on almost "
                    "everything, the other below): a split by how much people agree, spend or use overall, "
                    "not by what they value.")
    return Structure(verdict=verdict, silhouette=s, message=message, level_split=level_split)


def is_level_split(std_diff: pd.DataFrame, *, share: float = 0.8) -> bool:
    """Two segments that differ mainly in general level: one segment is above the audience on at
    least ``share`` of the numeric variables that tell them apart (|d| >= 0.2) and the other below.
    ``std_diff`` has one row per (segment, variable) with a ``std_diff`` column."""
    segs = sorted(std_diff["segment"].unique())
    if len(segs) != 2:
        return False
    d = std_diff[std_diff["segment"] == segs[0]]["std_diff"].to_numpy(dtype=float)
    d = d[np.isfinite(d) & (np.abs(d) >= 0.2)]
    if len(d) < 3:
        return False
    return bool(max((d > 0).mean(), (d < 0).mean()) >= share)


def _stability(Z: np.ndarray, k: int, rng: np.random.Generator) -> float:
    """Mean adjusted Rand index between k-means refits on 80% resamples of ``Z``, compared on all of ``Z``."""
    labels = []
    for _ in range(STABILITY_REFITS):
        sub = rng.choice(len(Z), size=max(int(0.8 * len(Z)), k + 1), replace=False)
        km = KMeans(n_clusters=k, n_init=1, random_state=int(rng.integers(2**31 - 1))).fit(Z[sub])
        labels.append(km.predict(Z))
    pairs = [adjusted_rand_score(labels[i], labels[j]) for i in range(len(labels)) for j in range(i + 1, len(labels))]
    return float(np.mean(pairs))


def mixture_bic(Z: np.ndarray, k: int, seed: int, means: np.ndarray | None = None) -> float:
    """BIC of a Gaussian mixture with ``k`` components (full covariance for up to 40 columns)."""
    cov = "full" if Z.shape[1] <= FULL_COVARIANCE_UP_TO else "diag"
    gm = GaussianMixture(n_components=k, covariance_type=cov, reg_covar=1e-2, random_state=seed,
                         means_init=means, max_iter=100).fit(Z)
    return float(gm.bic(Z))


def score_ks(Z: np.ndarray, ks: list[int], seed: int, *, n_init: int = 4, silhouette_rows: int = 3_000
             ) -> tuple[pd.DataFrame, dict[int, KMeans], float]:
    """k-means for each k on ``Z`` (a sample), with the four criteria; returns the table (k,
    silhouette, calinski_harabasz, bic, stability, inertia), the fits and the BIC of one group.
    Runs on one thread: on samples this small, threads cost more in synchronisation than they save."""
    with threadpool_limits(1):
        return _score_ks(Z, ks, seed, n_init=n_init, silhouette_rows=silhouette_rows)


def _score_ks(Z: np.ndarray, ks: list[int], seed: int, *, n_init: int, silhouette_rows: int
              ) -> tuple[pd.DataFrame, dict[int, KMeans], float]:
    rng = np.random.default_rng(seed)
    n_bic = min(len(Z), BIC_ROWS)
    bic_rows = Z[rng.choice(len(Z), n_bic, replace=False)] if len(Z) > n_bic else Z
    stab_rows = Z[rng.choice(len(Z), STABILITY_ROWS, replace=False)] if len(Z) > STABILITY_ROWS else Z
    sil_rows = min(silhouette_rows, len(Z))
    bic_one = mixture_bic(bic_rows, 1, seed)
    rows, fits = [], {}
    for k in ks:
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(Z)
        fits[k] = km
        sil = float(silhouette_score(Z, km.labels_, sample_size=sil_rows, random_state=seed))
        ch = float(calinski_harabasz_score(Z, km.labels_))
        bic = mixture_bic(bic_rows, k, seed, km.cluster_centers_)
        stab = _stability(stab_rows, k, np.random.default_rng([seed, k]))
        rows.append(dict(k=k, silhouette=round(sil, 4), calinski_harabasz=round(ch, 1), bic=round(bic, 1),
                         stability=round(stab, 3), inertia=round(float(km.inertia_), 1)))
    return pd.DataFrame(rows, columns=K_COLUMNS), fits, round(bic_one, 1)


def choose_k(scores: pd.DataFrame, *, bic_one: float | None = None) -> tuple[int, list[str]]:
    """The k the rule picks from a criteria table (see the module docstring), and the notes that
    explain it: which k each criterion finds best, whether k = 2 was corroborated, a stability
    fallback, and whether one group fits better than any."""
    t = scores.set_index("k")
    named = {"silhouette": int(t["silhouette"].idxmax()), "Calinski-Harabasz": int(t["calinski_harabasz"].idxmax()),
             "BIC": int(t["bic"].idxmin())}
    two_backed = named["Calinski-Harabasz"] == 2 or named["BIC"] == 2
    allowed = [k for k in t.index if k != 2 or two_backed] or list(t.index)
    k = int(t.loc[allowed, "silhouette"].idxmax())
    notes = [f"Best k by criterion: silhouette k = {named['silhouette']}, Calinski-Harabasz k = "
             f"{named['Calinski-Harabasz']}, BIC k = {named['BIC']}."]
    if named["silhouette"] == 2 and not two_backed and k != 2:
        notes.append(f"k = {k} was chosen: the silhouette peaks at k = 2, but neither Calinski-Harabasz nor BIC "
                     f"finds 2 best, and the silhouette favours k = 2 on any continuum; k = {k} has the highest "
                     "silhouette among the other k.")
    elif k == 2:
        notes.append(f"k = 2 was chosen: the highest silhouette, corroborated by "
                     f"{' and '.join(c for c in ('Calinski-Harabasz', 'BIC') if named[c] == 2)}.")
    else:
        notes.append(f"k = {k} was chosen: the highest mean silhouette ({t.loc[k, 'silhouette']:.3f}).")
    if "stability" in t.columns and np.isfinite(t.loc[k, "stability"]) and t.loc[k, "stability"] < STABLE_ENOUGH:
        stable = [v for v in allowed if t.loc[v, "stability"] >= STABLE_ENOUGH]
        if stable:
            best = int(t.loc[stable, "silhouette"].idxmax())
            notes.append(f"k = {k} is not stable across resamples (stability {t.loc[k, 'stability']:.2f} < "
                         f"{STABLE_ENOUGH}); k = {best}, the stable k with the highest silhouette "
                         f"({t.loc[best, 'silhouette']:.3f}, stability {t.loc[best, 'stability']:.2f}), was taken instead.")
            k = best
        else:
            notes.append(f"k = {k} is not stable across resamples (stability {t.loc[k, 'stability']:.2f} < "
                         f"{STABLE_ENOUGH}), and no k is: another sample could give other segments.")
    if bic_one is not None and np.isfinite(bic_one) and bic_one <= float(t["bic"].min()):
        notes.append(f"A single Gaussian group fits the answers better than any mixture of 2 or more (BIC at k = 1: "
                     f"{bic_one:,.0f}, lowest at k >= 2: {float(t['bic'].min()):,.0f}): evidence that the answers "
                     "form one continuum rather than groups.")
    return k, notes

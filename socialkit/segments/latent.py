"""Model-based segments: Gaussian mixtures (``method="gmm"``) on the encoded answers, and latent
class analysis (``method="lca"``, with StepMix) on the answers as categories (step 3-4 of the
method, see :mod:`socialkit.segments`).

Latent class analysis suits surveys whose answers are mostly categories or ordered options: each
categorical, ordinal (rating or band) or 0/1 indicator variable is modelled as a categorical
answer (missing answers allowed), other numbers as Gaussian within each class. The number of
classes is the k of ``k_range`` with the lowest BIC. StepMix (Morin et al., "StepMix: A Python
Package for Pseudo-Likelihood Estimation of Generalized Mixture Models with External Variables",
a maintained package on PyPI) runs silently: no progress bar, no output in reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.mixture import GaussianMixture
from stepmix.stepmix import StepMix
from stepmix.utils import get_mixed_descriptor

#: Ordinal or numeric variables with at most this many distinct values are modelled as categories in LCA.
MAX_CATEGORIES = 11
#: Rows used to choose the number of classes (the final model is refitted on them, then scores every row).
LCA_ROWS = 5_000


@dataclass
class CodeSpec:
    """How clean survey variables become LCA inputs: category codes or numbers."""

    categories: dict[str, list] = field(default_factory=dict)  # variable -> its values, in code order
    gaussian: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return list(self.categories) + self.gaussian


def code_spec(clean: pd.DataFrame, numeric: list[str], categorical: list[str]) -> CodeSpec:
    """Categorical variables, and numeric ones with at most 11 distinct values, become categories
    (codes in sorted order); the other numbers stay Gaussian."""
    spec = CodeSpec()
    for c in categorical:
        spec.categories[c] = sorted(clean[c].dropna().astype(str).unique())
    for c in numeric:
        vals = np.unique(clean[c].dropna().to_numpy(dtype=float))
        if len(vals) <= MAX_CATEGORIES:
            spec.categories[c] = [float(v) for v in vals]
        else:
            spec.gaussian.append(c)
    return spec


def codes(clean: pd.DataFrame, spec: CodeSpec) -> pd.DataFrame:
    """The LCA input matrix: category codes 0..L-1 (NaN for missing or unseen answers), numbers as is."""
    out = {}
    for c, values in spec.categories.items():
        lookup = {v: i for i, v in enumerate(values)}
        col = clean[c]
        col = col.astype(str).where(col.notna(), None) if values and isinstance(values[0], str) else col.astype(float)
        out[c] = col.map(lookup).astype("float64")
    for c in spec.gaussian:
        out[c] = clean[c].astype("float64")
    return pd.DataFrame(out, index=clean.index)[spec.columns]


def _descriptor(spec: CodeSpec, data: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    groups = {}
    if spec.categories:
        groups["categorical_nan"] = list(spec.categories)
    if spec.gaussian:
        groups["gaussian_diag_nan"] = list(spec.gaussian)
    return get_mixed_descriptor(data, **groups)


def fit_lca(data: pd.DataFrame, spec: CodeSpec, k: int, seed: int, n_init: int = 3) -> StepMix:
    """A StepMix latent class model with ``k`` classes, silent (no progress bar, no messages)."""
    X, descriptor = _descriptor(spec, data)
    model = StepMix(n_components=k, measurement=descriptor, verbose=0, progress_bar=0, random_state=seed,
                    n_init=n_init, max_iter=300)
    return model.fit(X)


def lca_bic(model: StepMix, data: pd.DataFrame, spec: CodeSpec) -> float:
    return float(model.bic(_descriptor(spec, data)[0]))


def lca_proba(model: StepMix, data: pd.DataFrame, spec: CodeSpec) -> np.ndarray:
    return np.asarray(model.predict_proba(_descriptor(spec, data)[0]))


def fit_gmm(Z: np.ndarray, k: int, seed: int, n_init: int = 2) -> GaussianMixture:
    """A Gaussian mixture with ``k`` diagonal-covariance components on the encoded answers."""
    return GaussianMixture(n_components=k, covariance_type="diag", reg_covar=1e-2, random_state=seed,
                           n_init=n_init, max_iter=200).fit(Z)

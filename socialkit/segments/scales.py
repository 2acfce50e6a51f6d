"""Scales: items grouped into named scores, or reduced by factor analysis (step 2 of the method,
see :mod:`socialkit.segments`).

* ``scales={"Agreeableness": ["A1", "A2", "A3", "A4", "A5"], "Openness": "^O\\d$"}``: each scale is
  the mean of its answered items (reverse-keyed items reversed first, from the same
  ``reverse_keyed`` list); segments are formed and described on the scale scores and named after
  the scales.
* Without ``scales``, items that share a stem (A1..A5, EXT1..EXT10) are offered as suggested
  scales in the plan (:func:`suggest_batteries`); ``scales="suggested"`` uses them.
* ``scales="factors"`` reduces the items with factor analysis (scikit-learn's ``FactorAnalysis``
  with varimax rotation) on standardised items; the number of factors is the number of
  eigenvalues of the items' correlation matrix above 1 (Kaiser's rule), at most one per 3 items.
  The loadings are shown; each factor is named after its three strongest items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.decomposition import FactorAnalysis

from ..exceptions import ParameterError
from ..findings import Findings
from ..text import closest, key

SCALE_OPTIONS = ("suggested", "factors")
MIN_BATTERY = 3
_STEM = re.compile(r"^(.*?[A-Za-z])[\s_.\-]*(\d{1,3})$")


def scales_findings(scales: dict[str, list[str]], *, factors: bool = False) -> Findings:
    """What the segments were formed on, in a sentence: scale scores (with their number of items),
    factors, or the items themselves."""
    out = Findings(empty="- No scales or factors: segments are formed on the items themselves.")
    if factors:
        out.add(f"Segments are formed on {len(scales)} factors from a factor analysis with varimax rotation "
                "(loadings below).", kind="note")
    elif scales:
        out.add(f"Segments are formed on {len(scales)} scale scores: " +
                "; ".join(f"{name} ({len(items)} items)" for name, items in scales.items()) + ".", kind="note")
    return out


def suggest_batteries(columns: Sequence[str]) -> dict[str, list[str]]:
    """Items that share a stem and end in a number (A1..A5, EXT1..EXT10, q7_1..q7_6), as
    suggested scales: at least two stems of at least 3 items each; {} otherwise."""
    stems: dict[str, list[str]] = {}
    for c in columns:
        m = _STEM.match(str(c))
        if m:
            stems.setdefault(m.group(1), []).append(c)
    found = {s: cols for s, cols in stems.items() if len(cols) >= MIN_BATTERY}
    return found if len(found) >= 2 else {}


def _bad(expected: str, got: Any) -> ParameterError:
    return ParameterError("scales", f"must be {expected}. Got {got!r} instead.", owner="Segmenter")


def check_option(scales: Any) -> None:
    """Shape of the ``scales`` parameter, before the file is read."""
    if scales is None or scales in SCALE_OPTIONS:
        return
    if not isinstance(scales, dict) or not scales:
        raise _bad("None, 'suggested', 'factors' or a dict mapping a scale name to its items (a list or a regex)",
                   scales)
    for name, items in scales.items():
        if not isinstance(name, str) or not name.strip():
            raise _bad("a dict whose keys are scale names (text)", scales)
        if isinstance(items, str):
            try:
                re.compile(items)
            except re.error as exc:
                raise _bad(f"a dict of item lists or valid regular expressions ({name!r}: {exc})", scales) from exc
        elif not (isinstance(items, (list, tuple)) and items and all(isinstance(i, str) for i in items)):
            raise _bad(f"a dict of non-empty item lists or regular expressions ({name!r})", scales)


def resolve(df: pd.DataFrame, scales: dict[str, Any]) -> dict[str, list[str]]:
    """Each scale's items as column names of ``df`` (lists matched exactly or by
    :func:`socialkit.text.key`; a regex matched on the names); every item in at most one scale."""
    norm = {key(c): c for c in df.columns}
    out: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for name, spec in scales.items():
        if isinstance(spec, str):
            items = [c for c in df.columns if re.search(spec, str(c))]
            if not items:
                raise ParameterError("scales", f"gives scale {name!r} the pattern {spec!r}, which matches none of the "
                                     f"file's columns. Fix the pattern or list the items.", owner="Segmenter")
        else:
            items, missing = [], []
            for i in spec:
                hit = i if i in df.columns else norm.get(key(i))
                (items if hit is not None else missing).append(hit if hit is not None else i)
            if missing:
                hints = [f"'{m}'" + (f" (did you mean '{h}'?)" if (h := closest(m, df.columns)) else "") for m in missing]
                raise ParameterError("scales", f"gives scale {name!r} items that are not in the file: "
                                     f"{', '.join(hints)}.", owner="Segmenter")
        for i in items:
            if i in owner:
                raise ParameterError("scales", f"puts item '{i}' in two scales ({owner[i]!r} and {name!r}); each "
                                     "item may belong to one scale only.", owner="Segmenter")
            owner[i] = name
        out[str(name)] = list(dict.fromkeys(items))
    return out


def score(values: pd.DataFrame, scales: dict[str, list[str]]) -> pd.DataFrame:
    """Each scale's score: the mean of its answered items (NaN when none is answered)."""
    out = {}
    for name, items in scales.items():
        block = values[items].to_numpy(dtype=float)
        answered = np.isfinite(block).sum(axis=1)
        out[name] = np.where(answered > 0, np.nansum(block, axis=1) / np.maximum(answered, 1), np.nan)
    return pd.DataFrame(out, index=values.index)


@dataclass
class Factors:
    """A fitted factor analysis of rating items: how to score new answers, and the loadings."""

    items: list[str]
    centre: np.ndarray  # item medians (imputation) and means / sds (standardisation)
    mean: np.ndarray
    sd: np.ndarray
    model: FactorAnalysis
    names: list[str]

    @property
    def loadings(self) -> pd.DataFrame:
        """Items x factors: the varimax-rotated loadings (correlation-like, on standardised items)."""
        return pd.DataFrame(self.model.components_.T, index=self.items, columns=self.names).round(3)

    def scores(self, values: pd.DataFrame) -> pd.DataFrame:
        X = values[self.items].to_numpy(dtype=float)
        X = np.where(np.isnan(X), self.centre, X)
        return pd.DataFrame(self.model.transform((X - self.mean) / self.sd), columns=self.names, index=values.index)


def n_factors(X: np.ndarray) -> int:
    """Kaiser's rule: eigenvalues of the correlation matrix above 1, at least 1 and at most items / 3."""
    vals = np.linalg.eigvalsh(np.corrcoef(X, rowvar=False))
    return int(np.clip(np.sum(vals > 1.0), 1, max(1, X.shape[1] // MIN_BATTERY)))


def fit_factors(values: pd.DataFrame, items: list[str], *, random_state: int | None = 0,
                labels: dict[str, str] | None = None) -> Factors:
    """Factor analysis (varimax) of ``items``; each factor named "Factor i (three strongest items)"."""
    if len(items) < MIN_BATTERY:
        raise ParameterError("scales", f"is 'factors', which needs at least {MIN_BATTERY} rating items; the "
                             f"features hold {len(items)}.", owner="Segmenter")
    X = values[items].to_numpy(dtype=float)
    med = np.nanmedian(X, axis=0)
    X = np.where(np.isnan(X), med, X)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    Xs = (X - mean) / sd
    m = n_factors(Xs)
    fa = FactorAnalysis(n_components=m, rotation="varimax" if m > 1 else None, random_state=random_state).fit(Xs)
    comps = fa.components_.copy()
    for j in range(m):  # each factor points towards its strongest loadings
        if comps[j, np.argmax(np.abs(comps[j]))] < 0:
            comps[j] *= -1
    fa.components_ = comps
    labels = labels or {}
    names = []
    for j in range(m):
        top = np.argsort(-np.abs(comps[j]))[:3]
        names.append(f"Factor {j + 1} ({', '.join(('-' if comps[j, i] < 0 else '') + labels.get(items[i], items[i]) for i in top)})")
    return Factors(items=list(items), centre=med, mean=mean, sd=sd, model=fa, names=names)

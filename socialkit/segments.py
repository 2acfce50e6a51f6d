"""Psychographic audience segmentation (DOMAIN.md section 5): cluster respondents on what moves
them, then describe the segments with demographics and digital habits.

The method, end to end (every step is reported to the analyst, see docs/segments.md):

1. **Plan** (:func:`plan_features`): resolve ``features`` (a list or a regex), check every
   parameter, and classify each column: numeric / ordinal (Likert) / categorical feature,
   id-like (never clustered), constant (dropped), free text (dropped), profile column.
2. **Prepare** (a :class:`~sklearn.pipeline.Pipeline`): clean survey values (numbers written as
   text, odd category spellings, "n/a"), reverse the ``reverse_keyed`` items, impute (median for
   numbers, an explicit "(no answer)" level for categories), robust scaling (median / IQR, then
   clipped at +-4 so outliers cannot form their own segment) and one-hot encoding.
3. **Choose k** with evidence: k-means for every k of ``k_range`` on a sample, mean silhouette
   (on a sample) and BIC of a diagonal Gaussian mixture; the k with the highest silhouette wins.
4. **Fit** k-means on all rows (for large files: seeded from the best of several runs on a sample).
5. **Privacy**: segments smaller than ``min_segment_size`` are merged into their nearest segment
   (or suppressed), and the notes say so.
6. **Stability** (:func:`stability`): refit on resamples; mean adjusted Rand index with a verdict.
7. **Profile** (:func:`profile`): sizes, index vs the whole audience (100 = average), distinctive
   traits, readable names, participation-ladder and intimacy-ladder placement.
"""

from __future__ import annotations

import functools

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, RobustScaler

from . import config, io
from .charts import DIVERGING, MAX_CHART_ROWS, PALETTE
from .config import data_file
from .exceptions import (DataValidationError, InputFileError, ModelInputError, NotFittedError, ParameterError,
                         Problem)
from .params import closest
from .schemas import split_multi

K_MIN, K_MAX = 2, 20
DEFAULT_K_RANGE = (2, 8)
#: Scaled values are clipped here (in IQRs from the median), so outliers cannot own a segment.
CLIP = 4.0
#: Cells that mean "no answer" in survey exports (compared after trimming and lower-casing).
MISSING_TOKENS = frozenset({"", "n/a", "na", "nan", "null", "none", "-", "--", "?", "#n/a", "missing", "no answer"})
NO_ANSWER = "(no answer)"
OTHER = "(other)"
#: A numeric-looking column is read as numbers when at least this share of its answers parse.
NUMERIC_SHARE = 0.9
#: Category levels rarer than this share are pooled into "(other)".
MIN_LEVEL_SHARE = 0.01
#: A text column with more distinct answers than this (or mostly unique answers) is free text.
MAX_LEVELS = 30
#: |standardised difference| from which a trait counts as distinctive, and the number listed.
TRAIT_THRESHOLD = 0.3
MAX_TRAITS = 5
#: Verdict thresholds on the mean adjusted Rand index across resamples.
STABLE_AT, FRAGILE_BELOW = 0.8, 0.6
ID_NAME = re.compile(r"(^|[\s_\-])(id|uuid|guid|e-?mail|email address|phone)$|^(id|uuid|guid)([\s_\-]|$)"
                     r"|^(respondent|record|customer|member)([\s_\-]?(no|nr|number|#|code))?$", re.I)
#: Column names read as demographics when profile_columns is "auto" (matched on the normalised name).
DEMOGRAPHIC_NAME = re.compile(r"^(age|gender|sex|region|country|state|city|income\w*|education|occupation|"
                              r"household\w*|marital\w*)(_|$)")
SUPPRESSED = 0
SUPPRESSED_NAME = "(suppressed: under the minimum size)"


# --------------------------------------------------------------------------- parameters


def _bad(name: str, expected: str, got: Any) -> ParameterError:
    return ParameterError(name, f"must be {expected}. Got {got!r} instead.", owner="Segmenter")


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def validate_options(*, k: Any = "auto", k_range: Any = DEFAULT_K_RANGE, min_segment_size: Any = 30,
                     random_state: Any = 0, small_segments: Any = "merge", reverse_keyed: Any = (),
                     features: Any = None, profile_columns: Any = None, id_column: Any = None,
                     n_init: Any = 4) -> tuple[int, int]:
    """Check the options that need no data; returns ``k_range`` as a (low, high) pair.

    Raises :class:`ParameterError` with the sklearn-style message, e.g. "The 'k' parameter of
    Segmenter must be 'auto' or an int in [2, 20]. Got 1 instead."
    """
    if not (k == "auto" or (_is_int(k) and K_MIN <= k <= K_MAX)):
        raise _bad("k", f"'auto' or an int in [{K_MIN}, {K_MAX}]", k)
    if not (isinstance(k_range, (list, tuple)) and len(k_range) == 2 and all(_is_int(v) for v in k_range)
            and K_MIN <= k_range[0] < k_range[1] <= K_MAX):
        raise _bad("k_range", f"a pair of ints [low, high] with {K_MIN} <= low < high <= {K_MAX}", k_range)
    if not (_is_int(min_segment_size) and min_segment_size >= 1):
        raise _bad("min_segment_size", "an int >= 1 (respondents)", min_segment_size)
    if not (random_state is None or _is_int(random_state)):
        raise _bad("random_state", "an int or None", random_state)
    if small_segments not in ("merge", "suppress"):
        raise _bad("small_segments", "'merge' or 'suppress'", small_segments)
    if not (_is_int(n_init) and n_init >= 1):
        raise _bad("n_init", "an int >= 1", n_init)
    if isinstance(reverse_keyed, str) or not isinstance(reverse_keyed, (list, tuple)) or \
            not all(isinstance(c, str) for c in reverse_keyed):
        raise _bad("reverse_keyed", "a list of column names", reverse_keyed)
    for name, value in (("features", features), ("profile_columns", profile_columns)):
        if not (value is None or isinstance(value, str) or
                (isinstance(value, (list, tuple)) and all(isinstance(c, str) for c in value))):
            raise _bad(name, "a list of column names, a regular expression, or None", value)
        if isinstance(value, str):
            try:
                re.compile(value)
            except re.error as exc:
                raise _bad(name, f"a valid regular expression ({exc})", value) from exc
    if not (id_column is None or isinstance(id_column, str)):
        raise _bad("id_column", "a column name, 'auto' (detect it) or None (no id column)", id_column)
    return int(k_range[0]), int(k_range[1])


# --------------------------------------------------------------------------- cleaning survey values


def _norm_name(name: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _per_level(s: pd.Series, func) -> pd.Series:
    """Apply a Series -> Series function to the distinct values of ``s`` only (fast on long columns
    with few distinct answers), then map back."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = func(pd.Series(uniques, dtype=object)).to_numpy()
    out = np.where(codes >= 0, done[np.maximum(codes, 0)] if len(done) else None, None)
    return pd.Series(out, index=s.index)


def _clean_levels(s: pd.Series) -> pd.Series:
    txt = s.astype("string").str.strip().str.replace(r"\s+", " ", regex=True).str.lower()
    txt = txt.where(~txt.isin(MISSING_TOKENS), pd.NA)
    return txt.astype(object).where(txt.notna(), np.nan)


@functools.lru_cache(maxsize=1)
def answer_synonyms() -> pd.DataFrame:
    """Free-text variants of the same answer (``socialkit/data/answer_synonyms.csv``: column_pattern,
    answer, level), e.g. "F" and "woman" in a Gender column both mean "female"."""
    return io.read_table(config.data_file("answer_synonyms.csv"))


def clean_levels(s: pd.Series, column: str | None = None) -> pd.Series:
    """Category answers as tidy lower-case text: trimmed, inner spaces collapsed, "n/a"-style
    answers made missing (object dtype, NaN for missing). With ``column``, variants listed for
    columns of that name in :func:`answer_synonyms` are merged ("F", "woman" -> "female")."""
    out = _per_level(s, _clean_levels)
    if column is not None:
        syn = answer_synonyms()
        rules = syn[[bool(re.search(p, str(column))) for p in syn["column_pattern"]]]
        if len(rules):
            out = out.replace(dict(zip(rules["answer"].str.lower(), rules["level"])))
    return out.astype(object).where(out.notna(), np.nan)


def to_numbers(s: pd.Series) -> pd.Series:
    """Numbers from a survey column: numeric dtypes as float, text with thousands separators,
    decimal commas, a trailing % or currency sign parsed; anything else becomes NaN."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    return _per_level(s, _text_to_numbers).astype("float64")


def _text_to_numbers(s: pd.Series) -> pd.Series:
    txt = s.astype("string").str.strip()
    txt = txt.str.replace(r"^[€$£]\s*|\s*[€$£%]$", "", regex=True)
    txt = txt.str.replace(r"^(-?\d{1,3}(?:,\d{3})+)(\.\d+)?$", lambda m: m.group(0).replace(",", ""), regex=True)
    txt = txt.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return pd.to_numeric(txt, errors="coerce").astype("float64")


def _present(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s.notna()
    return clean_levels(s).notna()


def _lines(index: Iterable) -> list[int]:
    return [int(i) + 2 for i in index]


def _looks_like_id(s: pd.Series, name: str) -> bool:
    """An identifier: named like one, text unique per respondent, or a unique run of whole numbers."""
    if ID_NAME.search(str(name)):
        return True
    vals = s.dropna()
    if len(vals) < 20 or vals.nunique() < len(vals):
        return False
    if pd.api.types.is_numeric_dtype(vals):
        if not np.all(np.mod(vals, 1) == 0):
            return False  # continuous measurements are unique too
        return bool((vals.max() - vals.min() + 1) <= 1.5 * len(vals))  # a sequence, not a measurement
    return True


def label_for(column: str) -> str:
    """Readable label of a column: prefix (psy_, habit_) and units in brackets removed."""
    text = re.sub(r"^(psy|habit|q\d+)[_\s]+", "", str(column), flags=re.I)
    text = re.sub(r"\s*[\(\[].*?[\)\]]", "", text)
    text = re.sub(r"[_\s]+", " ", text).strip()
    return text or str(column)


# --------------------------------------------------------------------------- the plan


@dataclass
class FeaturePlan:
    """What will be clustered and what will be described, decided before any computation."""

    numeric: list[str]  # numeric and ordinal features, in file order
    categorical: list[str]
    ordinal: list[str]  # the numeric features that look like rating scales (whole numbers, <= 11 levels)
    reverse_keyed: list[str]
    profile_columns: list[str]
    id_column: str | None
    table: pd.DataFrame  # one row per column considered: role, type, missing answers, note
    notes: list[str] = field(default_factory=list)

    @property
    def features(self) -> list[str]:
        return self.numeric + self.categorical


def _resolve(df: pd.DataFrame, spec: Any, name: str) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        found = [c for c in df.columns if re.search(spec, str(c))]
        if not found:
            raise ParameterError(name, f"is the regular expression {spec!r}, which matches none of the file's "
                                 f"columns ({', '.join(map(str, df.columns))}). Fix the pattern or list the "
                                 "columns by name.", owner="Segmenter")
        return found
    norm = {_norm_name(c): c for c in df.columns}
    out, missing = [], []
    for col in spec:
        if col in df.columns:
            out.append(col)
        elif _norm_name(col) in norm:
            out.append(norm[_norm_name(col)])
        else:
            missing.append(col)
    if missing:
        hints = [f"'{m}' (did you mean '{closest(m, df.columns)}'?)" if closest(m, df.columns) else f"'{m}'"
                 for m in missing]
        raise ParameterError(name, f"names column{'s' if len(missing) > 1 else ''} not in the file: "
                             f"{', '.join(hints)}. The file's columns are: {', '.join(map(str, df.columns))}.",
                             owner="Segmenter")
    return list(dict.fromkeys(out))


def detect_id_column(df: pd.DataFrame) -> str | None:
    """The first column named like an identifier or holding one different text per row, or None."""
    for c in df.columns:
        if ID_NAME.search(str(c)) or (not pd.api.types.is_numeric_dtype(df[c]) and _looks_like_id(df[c], c)):
            return c
    return None


def plan_features(df: pd.DataFrame, *, features: Any = None, profile_columns: Any = "auto",
                  id_column: str | None = "auto", reverse_keyed: Sequence[str] = (),
                  min_segment_size: int = 30, k: Any = "auto", k_range: Sequence[int] = DEFAULT_K_RANGE) -> FeaturePlan:
    """Check the parameters against the file and decide each column's role, before any work.

    ``features``: a list of column names, a regular expression, or None (the ``psy_*`` columns when
    there are any, else every column that is not the id or a profile column). ``profile_columns``:
    a list, a regex, "auto" (columns named like demographics: age, gender, region, income ...) or
    None. ``id_column``: a name, "auto" (detected) or None (no identifier). Raises
    :class:`ParameterError` for names that are not in the file and :class:`DataValidationError`
    when no usable feature is left (e.g. all constant) or there are too few respondents.
    """
    validate_options(features=features, profile_columns=None if profile_columns == "auto" else profile_columns,
                     id_column=id_column, reverse_keyed=reverse_keyed, min_segment_size=min_segment_size,
                     k=k, k_range=k_range)
    if not isinstance(df, pd.DataFrame) or df.shape[1] == 0:
        raise DataValidationError("<table>", "audience", [Problem(None, "has no columns", fix="load a survey file")])
    source = df.attrs.get("source", "<table>")
    if id_column == "auto":
        id_column = detect_id_column(df)
    elif id_column is not None:
        id_column = _resolve(df, [id_column], "id_column")[0]
    if profile_columns == "auto":
        profile = [c for c in df.columns if DEMOGRAPHIC_NAME.search(_norm_name(c)) and c != id_column]
    else:
        profile = _resolve(df, profile_columns, "profile_columns")
    if features is None:
        psy = [c for c in df.columns if str(c).lower().startswith("psy_")]
        candidates = psy or [c for c in df.columns if c != id_column and c not in profile]
    else:
        candidates = _resolve(df, features, "features")
    reverse = _resolve(df, list(reverse_keyed), "reverse_keyed")
    not_features = [c for c in reverse if c not in candidates]
    if not_features:
        raise ParameterError("reverse_keyed", f"names columns that are not features: {', '.join(not_features)}. "
                             "Only clustered Likert items can be reversed; add them to 'features' or remove them.",
                             owner="Segmenter")

    rows, notes, problems = [], [], []
    numeric, categorical, ordinal = [], [], []
    n = len(df)
    if id_column is not None and id_column not in candidates:
        rows.append(dict(column=str(id_column), role="id", type="id", missing=int(df[id_column].isna().sum()),
                         missing_share=0.0, note="the id column is never clustered"))
    for col in candidates:
        s = df[col]
        present = _present(s)
        n_missing = int(n - present.sum())
        row = dict(column=str(col), role="feature", type="", missing=n_missing,
                   missing_share=round(n_missing / n, 4) if n else 0.0, note="")
        if col == id_column:
            row.update(role="id", note="the id column is never clustered")
            rows.append(row)
            continue
        nums = to_numbers(s)
        parsed = nums.notna() & present
        if not present.any():
            row.update(role="dropped", type="empty", note="no answers at all (every cell blank); dropped")
        elif parsed.sum() >= NUMERIC_SHARE * present.sum():
            bad = present & nums.isna()
            if _looks_like_id(nums[parsed], col):
                row.update(role="dropped", type="id-like", note="looks like an identifier; never clustered")
            elif nums[parsed].nunique() <= 1:
                row.update(role="dropped", type="numeric", note="constant (one value for everyone); dropped")
            else:
                vals = nums[parsed]
                is_ord = bool(np.all(np.mod(vals, 1) == 0) and vals.nunique() <= 11 and vals.max() - vals.min() <= 10)
                row["type"] = "ordinal" if is_ord else "numeric"
                numeric.append(col)
                if is_ord:
                    ordinal.append(col)
                if bad.any():
                    row["note"] = (f"{int(bad.sum())} answers are not numbers (e.g. {s[bad].iloc[0]!r}, line "
                                   f"{_lines(s.index[bad][:1])[0]}); treated as missing")
                    row["missing"] = n_missing + int(bad.sum())
                    row["missing_share"] = round(row["missing"] / n, 4)
        else:
            levels = clean_levels(s, col)
            n_levels = levels.nunique()
            if _looks_like_id(levels, col):
                row.update(role="dropped", type="id-like", note="one different value per respondent; never clustered")
            elif n_levels <= 1:
                row.update(role="dropped", type="categorical", note="constant (one answer for everyone); dropped")
            elif n_levels > MAX_LEVELS or n_levels > 0.5 * levels.notna().sum():
                row.update(role="dropped", type="text", note=f"free text ({n_levels} different answers); dropped")
            else:
                row["type"] = "categorical"
                categorical.append(col)
        if col in reverse:
            if col not in ordinal:
                raise ParameterError("reverse_keyed", f"names '{col}', which is not a rating-scale item (whole "
                                     "numbers on a scale of at most 11 points). Remove it from reverse_keyed.",
                                     owner="Segmenter")
            row["note"] = (row["note"] + "; " if row["note"] else "") + "reverse-keyed: scale reversed"
        if row["role"] == "dropped":
            notes.append(f"'{col}' {row['note']}.")
            problems.append(Problem(str(col), row["note"]))
        rows.append(row)
    for col in profile:
        if col in candidates:
            continue
        s = df[col]
        n_missing = int(n - _present(s).sum())
        kind = "numeric" if to_numbers(s).notna().sum() >= NUMERIC_SHARE * max(_present(s).sum(), 1) else "categorical"
        rows.append(dict(column=str(col), role="profile", type=kind, missing=n_missing,
                         missing_share=round(n_missing / n, 4) if n else 0.0, note="described, not clustered"))
    if not numeric and not categorical:
        raise DataValidationError(source, "audience", problems + [
            Problem(None, f"no usable feature is left to cluster on (all {len(candidates)} features are constant, "
                    "identifiers or free text)", fix=(
                "choose features whose answers vary between respondents, e.g. features='^psy_' "
                "or a list of Likert items"))])
    lo_k = int(k_range[0]) if k_range is not None else K_MIN
    if n < max(2 * min_segment_size, 5 * lo_k, 20):
        raise DataValidationError(source, "audience", [Problem(None, f"has {n} respondents; at least "
                                  f"{max(2 * min_segment_size, 5 * lo_k, 20)} are needed for "
                                  f"{lo_k} segments of at least {min_segment_size} (min_segment_size)",
                                  fix="use a larger file or lower min_segment_size")])
    missing_cols = [r for r in rows if r["role"] == "feature" and r["missing"]]
    if missing_cols:
        notes.append("Missing answers were imputed (median for numbers, a separate '(no answer)' level for "
                     "categories): " + ", ".join(f"'{r['column']}' {r['missing']}" for r in missing_cols) + ".")
    table = pd.DataFrame(rows, columns=["column", "role", "type", "missing", "missing_share", "note"])
    return FeaturePlan(numeric=numeric, categorical=categorical, ordinal=ordinal,
                       reverse_keyed=[c for c in reverse if c in numeric], profile_columns=profile,
                       id_column=id_column, table=table, notes=notes)


# --------------------------------------------------------------------------- preprocessing


class SurveyCleaner(TransformerMixin, BaseEstimator):
    """Turn raw survey columns into clean values: numbers parsed, reverse-keyed items reversed
    on their scale (x -> low + high - x, scale ends learned in fit), category answers tidied."""

    def __init__(self, numeric: Sequence[str] = (), categorical: Sequence[str] = (), reverse_keyed: Sequence[str] = ()):
        self.numeric = numeric
        self.categorical = categorical
        self.reverse_keyed = reverse_keyed

    def fit(self, X: pd.DataFrame, y=None):
        self.scale_ = {c: (float(np.nanmin(to_numbers(X[c]))), float(np.nanmax(to_numbers(X[c]))))
                       for c in self.reverse_keyed}
        self.feature_names_in_ = np.array(list(self.numeric) + list(self.categorical), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for c in self.numeric:
            v = to_numbers(X[c])
            if c in self.scale_:
                lo, hi = self.scale_[c]
                v = lo + hi - v
            out[c] = v
        for c in self.categorical:
            out[c] = clean_levels(X[c], c)
        return pd.DataFrame(out, index=X.index)

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_in_


def _clip(X, limit: float = CLIP):
    return X.clip(-limit, limit) if hasattr(X, "clip") else np.clip(X, -limit, limit)


def build_preprocessor(plan: FeaturePlan) -> Pipeline:
    """The preprocessing pipeline for a plan: clean -> impute -> robust-scale (+clip) / one-hot."""
    parts = []
    if plan.numeric:
        parts.append(("num", Pipeline([
            ("impute", SimpleImputer(strategy="median")),
            ("scale", RobustScaler()),
            ("clip", FunctionTransformer(_clip, feature_names_out="one-to-one")),
        ]), list(plan.numeric)))
    if plan.categorical:
        parts.append(("cat", Pipeline([
            ("impute", SimpleImputer(strategy="constant", fill_value=NO_ANSWER)),
            ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=MIN_LEVEL_SHARE,
                                     sparse_output=False)),
        ]), list(plan.categorical)))
    pipe = Pipeline([
        ("clean", SurveyCleaner(plan.numeric, plan.categorical, plan.reverse_keyed)),
        ("encode", ColumnTransformer(parts, verbose_feature_names_out=True)),
    ])
    return pipe.set_output(transform="pandas")


def _sample_index(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(n) if n <= size else np.sort(rng.choice(n, size=size, replace=False))


def _nearest(Z: np.ndarray, centers: np.ndarray, batch: int = 100_000) -> np.ndarray:
    out = np.empty(len(Z), dtype=np.int64)
    c2 = (centers ** 2).sum(1)
    for start in range(0, len(Z), batch):
        z = Z[start:start + batch]
        out[start:start + batch] = np.argmin(c2[None, :] - 2 * z @ centers.T, axis=1)
    return out


# --------------------------------------------------------------------------- the estimator


class Segmenter(BaseEstimator):
    """Psychographic segmentation: k-means on cleaned, imputed, robust-scaled survey answers.

    Parameters (stored as given; checked in :meth:`fit`):
        features: list of columns, a regular expression, or None (the ``psy_*`` columns).
        k: "auto" (chosen by silhouette over ``k_range``) or an int in [2, 20].
        k_range: [low, high] of the k values compared.
        reverse_keyed: Likert items whose scale is reversed before profiling.
        id_column: respondent identifier (never clustered; kept in assignments only); "auto" to
            detect it, None for none.
        min_segment_size: smallest segment that may be reported (privacy); smaller ones are
            merged into their nearest segment (``small_segments="merge"``) or suppressed.
        random_state: seed; the same seed gives the same segments.
        n_init: k-means restarts. selection_rows / silhouette_rows: sample sizes for choosing k;
            scaling_rows: sample on which medians and IQRs are estimated (all rows when fewer).

    Learned state: ``plan_``, ``preprocessor_`` (sklearn Pipeline), ``k_scores_`` (table of
    silhouette, BIC and inertia per k), ``k_`` (segments reported), ``cluster_centers_``,
    ``labels_`` (1..k, 0 = suppressed), ``sizes_``, ``segment_names_``, ``notes_`` (the plan's
    notes, then ``fit_notes_``: how k was chosen, merges).
    """

    def __init__(self, features=None, k="auto", k_range=DEFAULT_K_RANGE, reverse_keyed=(), id_column=None,
                 min_segment_size=30, small_segments="merge", random_state=0, n_init=4,
                 selection_rows=20_000, silhouette_rows=3_000, scaling_rows=200_000, batch_rows=100_000):
        self.features = features
        self.k = k
        self.k_range = k_range
        self.reverse_keyed = reverse_keyed
        self.id_column = id_column
        self.min_segment_size = min_segment_size
        self.small_segments = small_segments
        self.random_state = random_state
        self.n_init = n_init
        self.selection_rows = selection_rows
        self.silhouette_rows = silhouette_rows
        self.scaling_rows = scaling_rows
        self.batch_rows = batch_rows

    # -- checks
    def plan(self, df: pd.DataFrame) -> FeaturePlan:
        """Validate every parameter against ``df`` and return the feature plan (no fitting)."""
        validate_options(k=self.k, k_range=self.k_range, min_segment_size=self.min_segment_size,
                         random_state=self.random_state, small_segments=self.small_segments,
                         reverse_keyed=self.reverse_keyed, features=self.features, id_column=self.id_column,
                         n_init=self.n_init)
        return plan_features(df, features=self.features, id_column=self.id_column, profile_columns=None,
                             reverse_keyed=self.reverse_keyed, min_segment_size=self.min_segment_size,
                             k=self.k, k_range=self.k_range)

    # -- fitting
    def fit(self, df: pd.DataFrame, y=None) -> "Segmenter":
        plan = self.plan(df)
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31 - 1))
        self.plan_ = plan
        self.n_features_in_ = len(plan.features)
        self.feature_names_in_ = np.array(plan.features, dtype=object)
        fit_rows = _sample_index(len(df), self.scaling_rows, rng)  # medians and IQRs from a sample of large files
        self.preprocessor_ = build_preprocessor(plan).fit(df[plan.features].iloc[fit_rows])
        Z = self._encode(df)
        self.encoded_names_ = list(self.preprocessor_.get_feature_names_out())
        n = len(Z)
        sel = _sample_index(n, self.selection_rows, rng)
        Zs = Z[sel]
        lo, hi = int(self.k_range[0]), int(self.k_range[1])
        ks = list(range(lo, min(hi, len(np.unique(Zs, axis=0)) - 1) + 1))
        if not ks or (self.k != "auto" and self.k >= len(np.unique(Zs, axis=0))):
            raise DataValidationError(df.attrs.get("source", "<table>"), "audience", [Problem(
                None, f"has too few different answer patterns ({len(np.unique(Zs, axis=0))}) for {lo} or more segments",
                fix="add features whose answers vary, or use a larger file")])
        if self.k != "auto" and self.k not in ks:
            ks = sorted(set(ks) | {int(self.k)})
        self.k_scores_, fits = self._score_ks(Zs, ks, seed)
        notes: list[str] = []
        if self.k == "auto":
            best = self.k_scores_.loc[self.k_scores_["silhouette"].idxmax()]
            k = int(best["k"])
            notes.append(f"k = {k} was chosen: it has the highest mean silhouette ({best['silhouette']:.3f}) "
                         f"among k = {ks[0]}..{ks[-1]}.")
        else:
            k = int(self.k)
            notes.append(f"k = {k} was set by the analyst (k-selection evidence is shown for comparison).")
        self.k_requested_ = k
        centers = fits[k].cluster_centers_
        if n > len(sel):  # refine the best sample solution on every row
            km = KMeans(n_clusters=k, init=centers, n_init=1, random_state=seed).fit(Z)
            centers = km.cluster_centers_
        labels = _nearest(Z, centers, self.batch_rows)
        centers, segment_of, labels, size_notes = self._enforce_min_size(Z, centers, labels, seed)
        notes += size_notes
        # order segments by size: segment 1 is the largest
        kept = [i for i in range(len(centers)) if segment_of[i] != SUPPRESSED]
        order = sorted(kept, key=lambda i: -np.sum(labels == i))
        remap = np.zeros(len(centers), dtype=np.int64)
        for rank, i in enumerate(order, start=1):
            remap[i] = rank
        self.cluster_centers_ = centers.astype(np.float32)
        self.center_segment_ = remap  # center index -> segment number (0 = suppressed)
        self.labels_ = remap[labels]
        self.k_ = len(order)
        self.sizes_ = pd.Series(np.bincount(self.labels_, minlength=self.k_ + 1)[1:],
                                index=pd.RangeIndex(1, self.k_ + 1, name="segment"), name="respondents")
        self.n_suppressed_ = int(np.sum(self.labels_ == SUPPRESSED))
        clean = self._clean(df)
        self.stats_ = _feature_stats(clean, plan)
        self.segment_names_ = _names_from_traits(self._traits_from_clean(clean, self.labels_), self.k_)
        self.fit_notes_ = notes
        self.notes_ = list(plan.notes) + notes
        self.silhouette_ = float(self.k_scores_.set_index("k").loc[k, "silhouette"])
        return self

    def _encode(self, df: pd.DataFrame) -> np.ndarray:
        parts = []
        for start in range(0, len(df), self.batch_rows):
            chunk = df.iloc[start:start + self.batch_rows][self.plan_.features]
            parts.append(self.preprocessor_.transform(chunk).to_numpy(dtype=np.float32))
        return np.vstack(parts) if parts else np.empty((0, 0), np.float32)

    def _clean(self, df: pd.DataFrame) -> pd.DataFrame:
        return self.preprocessor_.named_steps["clean"].transform(df[self.plan_.features])

    def _score_ks(self, Zs: np.ndarray, ks: list[int], seed: int) -> tuple[pd.DataFrame, dict]:
        rows, fits = [], {}
        n_sil = min(self.silhouette_rows, len(Zs))
        n_bic = min(len(Zs), 5_000)
        for k in ks:
            km = KMeans(n_clusters=k, n_init=self.n_init, random_state=seed).fit(Zs)
            fits[k] = km
            sil = float(silhouette_score(Zs, km.labels_, sample_size=n_sil, random_state=seed))
            gm = GaussianMixture(n_components=k, covariance_type="diag", reg_covar=1e-2, random_state=seed,
                                 means_init=km.cluster_centers_, max_iter=100).fit(Zs[:n_bic])
            rows.append(dict(k=k, silhouette=round(sil, 4), bic=round(float(gm.bic(Zs[:n_bic])), 1),
                             inertia=round(float(km.inertia_), 1)))
        return pd.DataFrame(rows), fits

    def _enforce_min_size(self, Z, centers, labels, seed):
        notes = []
        m = int(self.min_segment_size)
        segment_of = np.ones(len(centers), dtype=np.int64)
        if self.small_segments == "suppress":
            sizes = np.bincount(labels, minlength=len(centers))
            small = np.where(sizes < m)[0]
            if len(small) == len(centers) or len(centers) - len(small) < 1:
                raise DataValidationError("<table>", "audience", [Problem(None, f"every segment is smaller than "
                                          f"min_segment_size={m}", fix="lower min_segment_size or k")])
            for i in small:
                segment_of[i] = SUPPRESSED
                notes.append(f"A segment of {sizes[i]} respondents (under min_segment_size = {m}) is suppressed: "
                             "its members are not reported or profiled.")
            return centers, segment_of, labels, notes
        while True:
            sizes = np.bincount(labels, minlength=len(centers))
            small = int(np.argmin(sizes))
            if sizes[small] >= m:
                break
            if len(centers) <= 2:
                raise DataValidationError("<table>", "audience", [Problem(None, (
                    f"cannot form 2 segments of at least min_segment_size={m} respondents"),
                    fix="lower min_segment_size, or use a larger file")])
            notes.append(f"A segment of {sizes[small]} respondents (under min_segment_size = {m}) was merged into "
                         "its nearest segments.")
            centers = np.delete(centers, small, axis=0)
            km = KMeans(n_clusters=len(centers), init=centers, n_init=1, random_state=seed).fit(Z)
            centers = km.cluster_centers_
            labels = _nearest(Z, centers, self.batch_rows)
        return centers, np.ones(len(centers), dtype=np.int64), labels, notes

    # -- using the model
    def _check_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError()

    def check_columns(self, df: pd.DataFrame, *, source: Any = "<table>") -> None:
        """Raise :class:`ModelInputError` when ``df`` lacks columns the model was trained on."""
        self._check_fitted()
        norm = {_norm_name(c): c for c in df.columns}
        missing = [c for c in self.plan_.features if c not in df.columns and _norm_name(c) not in norm]
        if missing:
            hints = [f"'{c}'" + (f" (closest in the file: '{closest(c, df.columns)}')" if closest(c, df.columns) else "")
                     for c in missing]
            raise ModelInputError(
                source, f"the file's columns differ from the ones the segments were trained on. Missing: "
                f"{', '.join(hints)}. The model needs: {', '.join(self.plan_.features)}.", columns=missing,
                fix="rename the columns (column_map={'Your column': 'model column'}) or re-run the segmentation on "
                    "this file")
        bad = []
        for c in self.plan_.numeric:
            col = df[c] if c in df.columns else df[norm[_norm_name(c)]]
            present = _present(col)
            nums = to_numbers(col)
            if present.sum() and (nums.notna() & present).sum() < NUMERIC_SHARE * present.sum():
                idx = col.index[present & nums.isna()]
                bad.append(f"'{c}' should hold numbers but has text (e.g. {col[idx[0]]!r} on line {idx[0] + 2})")
        if bad:
            raise ModelInputError(source, "; ".join(bad) + ".", fix="export the answers as numbers")

    def _align(self, df: pd.DataFrame) -> pd.DataFrame:
        norm = {_norm_name(c): c for c in df.columns}
        rename = {norm[_norm_name(c)]: c for c in self.plan_.features if c not in df.columns}
        return df.rename(columns=rename) if rename else df

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """The encoded feature matrix (the space segments live in), with column names."""
        self._check_fitted()
        self.check_columns(df)
        df = self._align(df)
        return pd.DataFrame(self._encode(df), columns=self.encoded_names_, index=df.index)

    def predict(self, df: pd.DataFrame) -> pd.Series:
        """Segment number of each row (1 = largest segment; 0 = suppressed), scored in chunks."""
        self._check_fitted()
        self.check_columns(df, source=df.attrs.get("source", "<table>"))
        df = self._align(df)
        nearest = _nearest(self._encode(df), self.cluster_centers_, self.batch_rows)
        return pd.Series(self.center_segment_[nearest], index=df.index, name="segment")

    def fit_predict(self, df: pd.DataFrame, y=None) -> pd.Series:
        return pd.Series(self.fit(df).labels_, index=df.index, name="segment")

    def segment_name(self, segment: int) -> str:
        return SUPPRESSED_NAME if segment == SUPPRESSED else self.segment_names_[int(segment)]

    # -- traits (used for names)
    def _traits_from_clean(self, clean: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
        idx = _index_table(clean, labels, self.stats_, self.plan_.numeric, self.plan_.categorical, kind="feature")
        return _traits(idx)


# --------------------------------------------------------------------------- profiling maths


def _feature_stats(clean: pd.DataFrame, plan: FeaturePlan) -> dict[str, dict]:
    """Per numeric feature: floor of its scale (for the index), mean and sd over the audience."""
    stats = {}
    for c in plan.numeric:
        v = clean[c]
        lo = float(v.min())
        floor = lo if c in plan.ordinal else (0.0 if lo >= 0 else lo)
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


def _index_table(clean: pd.DataFrame, labels: np.ndarray, stats: Mapping[str, dict], numeric: Sequence[str],
                 categorical: Sequence[str], *, kind: str) -> pd.DataFrame:
    """Long table: segment, variable, level, segment_value, audience_value, index, std_diff."""
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
    cols = ["segment", "variable", "level", "kind", "measure", "segment_value", "audience_value", "index", "std_diff"]
    return pd.DataFrame(rows, columns=cols)


def _traits(index: pd.DataFrame, *, threshold: float = TRAIT_THRESHOLD, top: int = MAX_TRAITS) -> pd.DataFrame:
    """Each segment's distinctive traits: |standardised difference| >= threshold, strongest first."""
    t = index[index["std_diff"].abs() >= threshold].copy()
    t["strength"] = t["std_diff"].abs()
    t = t.sort_values(["segment", "strength"], ascending=[True, False]).groupby("segment").head(top)
    t["direction"] = np.where(t["std_diff"] > 0, "high", "low")
    t["trait"] = [_trait_text(r.variable, r.level, r.direction) for r in t.itertuples()]
    return t[["segment", "trait", "variable", "level", "direction", "index", "std_diff", "kind"]].reset_index(drop=True)


def _trait_text(variable: str, level: str, direction: str) -> str:
    label = label_for(variable)
    if level:
        return f"{'more' if direction == 'high' else 'fewer'} {label}: {level}"
    return f"{direction} {label}"


def _names_from_traits(traits: pd.DataFrame, k: int) -> dict[int, str]:
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
    label = label_for(r.variable)
    if r.level:
        return f"{label} {r.level}" if r.direction == "high" else f"not {label} {r.level}"
    return label if r.direction == "high" else f"low {label}"


# --------------------------------------------------------------------------- stability


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
    """Refit k-means (same k) on ``resamples`` random subsets (``fraction`` of an evaluation sample
    of at most ``rows`` respondents) and compare each refit's segments with the model's on the
    evaluation sample with the adjusted Rand index (1 = identical partition, 0 = chance).

    ``per_segment`` holds, for each segment, the mean over resamples of the best Jaccard overlap
    |A n B| / |A u B| with any refitted segment.
    """
    model._check_fitted()
    if not (_is_int(resamples) and resamples >= 2):
        raise ParameterError("resamples", f"must be an int >= 2. Got {resamples!r} instead.", owner="stability")
    if not (0.1 <= fraction < 1):
        raise ParameterError("fraction", f"must be in [0.1, 1). Got {fraction!r} instead.", owner="stability")
    seed = model.random_state if random_state is None else random_state
    rng = np.random.default_rng(seed)
    idx = _sample_index(len(df), rows, rng)
    sample = model._align(df.iloc[idx])
    Z = model._encode(sample)
    ref = model.center_segment_[_nearest(Z, model.cluster_centers_)]
    k = len(model.cluster_centers_)
    scores, jac = [], {s: [] for s in range(1, model.k_ + 1)}
    for b in range(resamples):
        sub = rng.choice(len(Z), size=max(int(fraction * len(Z)), k + 1), replace=False)
        km = KMeans(n_clusters=k, n_init=min(model.n_init, 3), random_state=int(rng.integers(2**31 - 1))).fit(Z[sub])
        lab = km.predict(Z)
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


# --------------------------------------------------------------------------- ladders


def participation_ladder() -> pd.DataFrame:
    """The participation ladder rules (socialkit/data/participation_ladder.csv): one row per rung,
    ``order`` 1 = most engaged, the habit-column ``column_pattern`` (a regular expression on the
    column name in lower case with ``_`` between words) and ``min_value`` that qualify, and the
    intimacy facts (``implies``) that reaching the rung shows."""
    t = io.read_table(data_file("participation_ladder.csv"))
    t["column_pattern"] = t["column_pattern"].astype(object).where(t["column_pattern"].notna(), "")
    t["implies"] = t["implies"].map(split_multi)
    t["order"] = t["order"].astype(int)
    return t.sort_values("order").reset_index(drop=True)


def habit_columns(df: pd.DataFrame, *, ladder: pd.DataFrame | None = None, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """Which columns measure each rung's activity: the ``habit_*`` columns when the file has them,
    else numeric columns (not in ``exclude``, not ``psy_*``) whose name matches a rung's pattern."""
    ladder = participation_ladder() if ladder is None else ladder
    habit = [c for c in df.columns if str(c).lower().startswith("habit_")]
    pool = habit or [c for c in df.columns if c not in exclude and not str(c).lower().startswith("psy_")
                     and not ID_NAME.search(str(c)) and to_numbers(df[c]).notna().mean() > 0.5]
    out: dict[str, list[str]] = {}
    for r in ladder.itertuples():
        if not r.column_pattern:
            continue
        cols = [c for c in pool if re.search(r.column_pattern, _norm_name(c))
                and not any(c in v for v in out.values())]
        if cols:
            out[r.rung] = cols
    return out


def participation_rungs(df: pd.DataFrame, *, ladder: pd.DataFrame | None = None,
                        columns: Mapping[str, list[str]] | None = None) -> pd.Series:
    """Each respondent's highest rung: the most engaged rung (lowest ``order``) for which any of its
    habit columns reaches ``min_value``; the last rung ("inactives") when none does."""
    ladder = participation_ladder() if ladder is None else ladder
    columns = habit_columns(df, ladder=ladder) if columns is None else columns
    best = pd.Series(int(ladder["order"].iloc[-1]), index=df.index)
    for r in ladder.itertuples():
        cols = columns.get(r.rung)
        if not cols:
            continue
        met = np.zeros(len(df), dtype=bool)
        for c in cols:
            met |= (to_numbers(df[c]) >= float(r.min_value)).fillna(False).to_numpy()
        best = best.where(~met | (best < r.order), int(r.order))
    return best.map(dict(zip(ladder["order"], ladder["rung"]))).rename("rung")


def _ladder_tables(df: pd.DataFrame, labels: pd.Series, names: Mapping[int, str],
                   exclude: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    from .ladder import FACTS, place_segments

    ladder = participation_ladder()
    cols = habit_columns(df, ladder=ladder, exclude=exclude)
    keep = (labels != SUPPRESSED).to_numpy()
    segs = sorted(set(labels[keep].tolist()))
    notes: list[str] = []
    facts = pd.DataFrame({"segment": segs})
    facts["psychographic_insight"] = 1.0  # this survey is that insight
    part = pd.DataFrame(columns=["segment", "name", "rung", "label", "share", "placement"])
    if cols:
        rungs = participation_rungs(df, ladder=ladder, columns=cols)
        order = dict(zip(ladder["rung"], ladder["order"]))
        by_order = dict(zip(ladder["order"], ladder["rung"]))
        rows = []
        for s in segs:
            r = rungs[(labels == s).to_numpy()]
            shares = r.value_counts(normalize=True)
            placed = by_order[int(math.ceil(float(np.median(r.map(order)))))]
            for rec in ladder.itertuples():
                rows.append(dict(segment=s, name=names.get(s, ""), rung=rec.rung, label=rec.label,
                                 share=float(shares.get(rec.rung, 0.0)), placement=rec.rung == placed))
        part = pd.DataFrame(rows)
        implied = {f: set(ladder.loc[ladder["implies"].map(lambda i: f in i), "rung"]) for f in FACTS}
        for f, rung_set in implied.items():
            if rung_set and f != "psychographic_insight":
                facts[f] = [float(rungs[(labels == s).to_numpy()].isin(rung_set).mean()) for s in segs]
        used = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in cols.items())
        notes.append(f"Participation ladder built from these habit columns ({used}); a segment sits on the "
                     "highest rung its median member reaches.")
    else:
        notes.append("No digital-habit columns were found (habit_* or names such as 'posts per week'), so segments "
                     "are not placed on the participation ladder.")
    norm = {_norm_name(c): c for c in df.columns}
    for f in FACTS:  # survey columns that record a fact directly (e.g. opt_in) win over habits
        if f in norm and norm[f] not in exclude:
            held = to_numbers(df[norm[f]])
            if held.isna().all():
                held = clean_levels(df[norm[f]]).isin({"true", "yes", "y", "1", "x"}).astype(float)
            facts[f] = [float((held[(labels == s).to_numpy()] > 0).mean()) for s in segs]
            notes.append(f"Intimacy fact '{f}' read from the column '{norm[f]}'.")
    placed = place_segments(facts, id_column="segment")
    placed.insert(1, "name", placed["segment"].map(names))
    return part, placed[["segment", "name", "stage", "label", "next_step", "missing_for_next"]], notes


# --------------------------------------------------------------------------- profile


@dataclass
class SegmentProfile:
    """Everything reported about the segments; no respondent-level rows and no identifiers."""

    sizes: pd.DataFrame  # segment, name, respondents, share
    index: pd.DataFrame  # segment, name, variable, level, kind, measure, segment_value, audience_value, index, std_diff
    traits: pd.DataFrame  # segment, name, trait, variable, level, direction, index, std_diff, kind
    participation: pd.DataFrame  # segment, name, rung, label, share, placement
    intimacy: pd.DataFrame  # segment, name, stage, label, next_step, missing_for_next
    composition: pd.DataFrame  # segment, name, column, level, share
    summary: pd.DataFrame  # one row per segment
    notes: list[str]


def _profile_values(df: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, list[str], list[str]]:
    out, numeric, categorical = {}, [], []
    for c in columns:
        s = df[c]
        nums = to_numbers(s)
        present = _present(s)
        if present.sum() and nums.notna().sum() >= NUMERIC_SHARE * present.sum() and nums.nunique() > 11:
            out[c] = nums
            numeric.append(c)
        else:
            lv = clean_levels(s, c)
            share = lv.value_counts(normalize=True)
            rare = set(share[share < MIN_LEVEL_SHARE].index)
            out[c] = lv.where(~lv.isin(rare), OTHER).fillna(NO_ANSWER)
            categorical.append(c)
    return pd.DataFrame(out, index=df.index), numeric, categorical


def profile(model: Segmenter, df: pd.DataFrame, *, profile_columns: Any = None,
            labels: pd.Series | None = None) -> SegmentProfile:
    """Describe the fitted segments on ``df``: sizes, index vs the whole audience for every feature
    and profile column, distinctive traits, participation and intimacy ladders, composition.

    Profile columns (e.g. demographics) are described, never clustered: numbers by their mean
    (and quartile bands in ``composition``), categories by the share of each level. Segments
    under ``min_segment_size`` never appear (they were merged or suppressed when fitting).
    """
    model._check_fitted()
    profile_cols = _resolve(df, profile_columns, "profile_columns") if profile_columns is not None \
        else list(model.plan_.profile_columns)
    labels = model.predict(df) if labels is None else labels
    lab = labels.to_numpy()
    names = dict(model.segment_names_)
    clean = model._clean(model._align(df))
    idx_f = _index_table(clean, lab, model.stats_, model.plan_.numeric, model.plan_.categorical, kind="feature")
    pvals, p_num, p_cat = _profile_values(df, [c for c in profile_cols if c not in model.plan_.features])
    idx_p = _index_table(pvals, lab, {}, p_num, p_cat, kind="profile")
    index = pd.concat([idx_f, idx_p], ignore_index=True)
    index.insert(1, "name", index["segment"].map(names))
    traits = _traits(index)
    traits.insert(1, "name", traits["segment"].map(names))

    keep = lab != SUPPRESSED
    counts = pd.Series(lab[keep]).value_counts().sort_index()
    sizes = pd.DataFrame({"segment": counts.index.astype(int), "name": [names[s] for s in counts.index],
                          "respondents": counts.to_numpy(), "share": counts.to_numpy() / len(lab)})
    notes = list(model.notes_)
    n_sup = int((~keep).sum())
    if n_sup:
        notes.append(f"{n_sup} respondents belong to segments under min_segment_size = {model.min_segment_size} "
                     "and are not reported.")
    small = sizes[sizes["respondents"] < model.min_segment_size]
    if len(small):  # can happen when scoring a different, smaller file
        notes.append(f"On this file, segments {', '.join(map(str, small['segment']))} have fewer than "
                     f"{model.min_segment_size} respondents; their profiles are suppressed.")
        drop = set(small["segment"])
        index = index[~index["segment"].isin(drop)]
        traits = traits[~traits["segment"].isin(drop)]
        sizes = sizes[~sizes["segment"].isin(drop)]
        lab = np.where(np.isin(lab, list(drop)), SUPPRESSED, lab)

    exclude = [model.plan_.id_column] if model.plan_.id_column else []
    part, intim, ladder_notes = _ladder_tables(df, pd.Series(lab, index=df.index), names, exclude)
    notes += ladder_notes

    comp_rows = []
    for c in profile_cols:
        if c in model.plan_.features:
            continue
        v = pvals[c]
        if c in p_num:
            v = _bands(v)
        tab = pd.crosstab(lab[lab != SUPPRESSED], v.to_numpy()[lab != SUPPRESSED], normalize="index")
        for s in tab.index:
            for level in tab.columns:
                comp_rows.append(dict(segment=int(s), name=names[int(s)], column=str(c), level=str(level),
                                      share=float(tab.loc[s, level])))
    composition = pd.DataFrame(comp_rows, columns=["segment", "name", "column", "level", "share"])

    summary = sizes.copy()
    summary["traits"] = summary["segment"].map(
        traits[traits["kind"] == "feature"].groupby("segment")["trait"].apply(lambda t: "; ".join(t))).fillna(
        "close to the audience average")
    if len(part):
        summary["participation"] = summary["segment"].map(part[part["placement"]].set_index("segment")["label"])
    summary["intimacy_stage"] = summary["segment"].map(intim.set_index("segment")["label"])
    return SegmentProfile(sizes=sizes.reset_index(drop=True), index=index.reset_index(drop=True),
                          traits=traits.reset_index(drop=True), participation=part, intimacy=intim,
                          composition=composition, summary=summary.reset_index(drop=True), notes=notes)


def _bands(v: pd.Series) -> pd.Series:
    """Quartile bands of a numeric profile column, labelled like "18-32"; blanks as "(no answer)"."""
    edges = np.unique(np.nanquantile(v.to_numpy(dtype=float), [0, 0.25, 0.5, 0.75, 1]))
    if len(edges) < 2:
        return v.map(lambda x: NO_ANSWER if pd.isna(x) else f"{x:g}")
    cut = pd.cut(v, edges, include_lowest=True, labels=[f"{a:g}-{b:g}" for a, b in zip(edges[:-1], edges[1:])])
    return cut.astype(object).where(cut.notna(), NO_ANSWER)


def index_matrix(index: pd.DataFrame, *, kind: str = "feature") -> pd.DataFrame:
    """The index table as a matrix: one row per variable (and level), one column per segment name."""
    t = index[index["kind"] == kind].copy()
    t["row"] = [label_for(v) + (f": {lv}" if lv else "") for v, lv in zip(t["variable"], t["level"])]
    return t.pivot_table(index="row", columns="name", values="index", sort=False).round(0)


def describe_fit(model: Segmenter) -> str:
    """Markdown: what was clustered, how k was chosen and what changed while fitting (segments merged
    or suppressed), for the analyst's report. Notes about the columns are in ``model.plan_.notes``."""
    model._check_fitted()
    p = model.plan_
    lines = [f"**{model.k_} segments** from {len(p.features)} features "
             f"({len(p.numeric)} numeric or rating-scale, {len(p.categorical)} categorical), "
             f"{len(model.labels_):,} respondents. Mean silhouette at this k: {model.silhouette_:.3f}."]
    lines += [f"- {n}" for n in model.fit_notes_]
    return "\n".join(lines)


# --------------------------------------------------------------------------- activation and persistence


def assignments(model: Segmenter, df: pd.DataFrame) -> pd.DataFrame:
    """Respondent -> segment table for campaigns: the id column (when the model has one), the
    segment number and its name. Respondents of suppressed segments get segment 0."""
    seg = model.predict(df)
    out = pd.DataFrame(index=df.index)
    idc = model.plan_.id_column
    if idc is not None:
        if idc not in df.columns:
            raise ModelInputError(df.attrs.get("source", "<table>"), f"the id column '{idc}' the model was trained "
                                  "with is missing.", columns=[idc],
                                  fix="include it, or map your id column onto it with column_map")
        out[idc] = df[idc].to_numpy()
    out["segment"] = seg.to_numpy()
    out["segment_name"] = [model.segment_name(s) for s in out["segment"]]
    return out.reset_index(drop=True)


def export(model: Segmenter, df: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Write the assignments of ``df`` to ``path`` (.csv or .parquet) and the fitted model next to it
    (same name, ``.joblib``); returns a small table of what was written."""
    path = Path(path)
    out = assignments(model, df)
    written = [("assignments", io.write_table(out, path), len(out))]
    written.append(("model", save_model(model, path.with_suffix(".joblib")), model.k_))
    return pd.DataFrame(written, columns=["what", "file", "rows_or_segments"]).astype({"file": str})


def notes_markdown(notes: Sequence[str]) -> str:
    """Notes as a markdown list."""
    return "\n".join(f"- {n}" for n in notes) if notes else "- nothing to note"


def save_model(model: Segmenter, path: str | Path) -> Path:
    """Write the fitted model with joblib (atomically). Load it only from a source you trust."""
    import joblib

    model._check_fitted()
    with io.atomic_path(path) as tmp:
        joblib.dump(model, tmp, compress=3)
    return Path(path)


def load_model(path: str | Path) -> Segmenter:
    """Read a model written by :func:`save_model` (joblib: load only models you wrote yourself)."""
    import joblib

    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "model file not found", fix="save one with socialkit.segments.save_model(model, path)")
    try:
        model = joblib.load(path)
    except Exception as exc:  # unpickling raises many types; name the file in all cases
        raise InputFileError(path, f"is not a saved segmentation model ({type(exc).__name__}: {exc})",
                             fix="save the model again with socialkit.segments.save_model") from exc
    if not isinstance(model, Segmenter):
        raise InputFileError(path, f"holds a {type(model).__name__}, not a Segmenter",
                             fix="point to a file written by socialkit.segments.save_model")
    model._check_fitted()
    return model


def score_file(model_path: str | Path, file_path: str | Path, out_path: str | Path | None = None, *,
               column_map: Mapping[str, str] | None = None) -> Path:
    """Score new respondents into the saved segments and write their assignments (id column,
    segment, segment_name) as .csv or .parquet; returns the path written.

    ``out_path`` defaults to ``<file stem>.segments.csv`` next to the new file. Raises
    :class:`ModelInputError` when the new file lacks the model's feature columns (or its id
    column). This is what ``socialkit segment score MODEL FILE`` runs.
    """
    model = load_model(model_path)
    df = io.read_table(file_path, column_map=column_map)
    model.check_columns(df, source=file_path)
    out = assignments(model, df)
    target = Path(out_path) if out_path is not None else Path(file_path).with_name(f"{Path(file_path).stem}.segments.csv")
    return io.write_table(out, target)


# --------------------------------------------------------------------------- charts


def _segment_domain(names: Iterable[str]) -> alt.Scale:
    names = list(dict.fromkeys(names))
    return alt.Scale(domain=names, range=(PALETTE * 3)[:len(names)])


def k_selection_chart(k_scores: pd.DataFrame, *, chosen: int | None = None) -> alt.VConcatChart:
    """Silhouette (higher is better) and BIC (lower is better) against k; the chosen k is marked."""
    d = k_scores.copy()
    d["chosen"] = d["k"] == chosen
    base = alt.Chart(d).encode(x=alt.X("k:O", title="number of segments (k)"))
    sil = (base.mark_line(point=True, color=PALETTE[0]).encode(
        y=alt.Y("silhouette:Q", title="mean silhouette (higher = better)"),
        tooltip=["k", "silhouette", "bic"])
        + base.mark_point(size=220, shape="diamond", color=PALETTE[3], filled=True).encode(
            y="silhouette:Q").transform_filter("datum.chosen")).properties(
        title="Choosing k: silhouette", height=180, width=380)
    bic = base.mark_line(point=True, color=PALETTE[1]).encode(
        y=alt.Y("bic:Q", title="BIC (lower = better)", scale=alt.Scale(zero=False)),
        tooltip=["k", "bic"]).properties(title="Choosing k: BIC of a Gaussian mixture", height=150, width=380)
    return alt.vconcat(sil, bic)


def sizes_chart(sizes: pd.DataFrame) -> alt.Chart:
    """Respondents per segment (bars) with the share of the audience as a label."""
    d = sizes.assign(label=[f"{s:.0%}" for s in sizes["share"]])
    base = alt.Chart(d).encode(y=alt.Y("name:N", sort=list(d["name"]), title=None),
                               x=alt.X("respondents:Q", title="respondents"))
    bars = base.mark_bar().encode(color=alt.Color("name:N", scale=_segment_domain(d["name"]), legend=None),
                                  tooltip=["segment", "name", "respondents", alt.Tooltip("share:Q", format=".1%")])
    return (bars + base.mark_text(align="left", dx=4).encode(text="label:N")).properties(title="Segment sizes")


def index_heatmap(index: pd.DataFrame, *, kind: str | None = "feature", max_rows: int = 60) -> alt.Chart:
    """Trait index per segment, diverging around 100 (blue above, red below, white = average)."""
    t = index if kind is None else index[index["kind"] == kind]
    t = t.assign(row=[label_for(v) + (f": {lv}" if lv else "") for v, lv in zip(t["variable"], t["level"])])
    if t["row"].nunique() > max_rows:  # keep the most distinctive rows
        keep = t.groupby("row")["std_diff"].apply(lambda s: s.abs().max()).nlargest(max_rows).index
        t = t[t["row"].isin(keep)]
    t = t.assign(shown=t["index"].clip(0, 300).round(0))
    rows = list(dict.fromkeys(t["row"]))
    base = alt.Chart(t).encode(x=alt.X("name:N", title=None, sort=None,
                                       axis=alt.Axis(labelAngle=-30, labelLimit=220, grid=False)),
                               y=alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(grid=False)))
    heat = base.mark_rect().encode(
        color=alt.Color("shown:Q", title="index (100 = average)",
                        scale=alt.Scale(scheme=DIVERGING, domainMid=100, domain=[0, 200], clamp=True)),
        tooltip=["name", "row", alt.Tooltip("index:Q", format=".0f"), alt.Tooltip("segment_value:Q", format=".2f"),
                 alt.Tooltip("audience_value:Q", format=".2f")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("shown:Q", format=".0f"),
        color=alt.condition("datum.shown < 55 || datum.shown > 150", alt.value("white"), alt.value("#222")))
    return (heat + text).properties(title="Index vs the whole audience (100 = average)",
                                    width=max(240, 110 * t["name"].nunique()), height=max(160, 18 * len(rows)))


def projection(model: Segmenter, df: pd.DataFrame, *, n: int = 3_000, random_state: int | None = None) -> pd.DataFrame:
    """A 2-D map of respondents (first two principal components of the encoded features), on a
    seeded sample of at most ``n`` respondents; no identifiers."""
    model._check_fitted()
    rng = np.random.default_rng(model.random_state if random_state is None else random_state)
    idx = _sample_index(len(df), min(n, MAX_CHART_ROWS), rng)
    sample = model._align(df.iloc[idx])
    Z = model._encode(sample)
    seg = model.center_segment_[_nearest(Z, model.cluster_centers_)]
    pca = PCA(n_components=2, random_state=0).fit(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    xy = pca.transform(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    out = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "segment": seg})
    out = out[out["segment"] != SUPPRESSED]
    out["name"] = out["segment"].map(model.segment_names_)
    out.attrs["explained"] = [float(v) for v in pca.explained_variance_ratio_]
    return out.reset_index(drop=True)


def projection_chart(points: pd.DataFrame) -> alt.Chart:
    """Respondents on the first two principal components, coloured by segment (sampled)."""
    d = points.iloc[:MAX_CHART_ROWS]
    ev = d.attrs.get("explained", [float("nan"), float("nan")])
    return alt.Chart(d).mark_circle(size=14, opacity=0.55).encode(
        x=alt.X("pc1:Q", title=f"component 1 ({ev[0]:.0%} of variance)"),
        y=alt.Y("pc2:Q", title=f"component 2 ({ev[1]:.0%} of variance)"),
        color=alt.Color("name:N", title="segment", legend=alt.Legend(labelLimit=300),
                        scale=_segment_domain(d.sort_values("segment")["name"])),
        tooltip=["name"]).properties(title=f"Segments on a 2-D map ({len(d):,} sampled respondents)")


def stability_chart(result: Stability) -> alt.LayerChart:
    """Per-segment stability (mean best-match Jaccard across resamples), with the 0.6 / 0.8 bands,
    titled with the mean adjusted Rand index and the verdict."""
    d = result.per_segment.copy()
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("name:N", sort=list(d["name"]), title=None),
        x=alt.X("jaccard:Q", title="mean Jaccard overlap with refits (1 = always the same members)",
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("name:N", legend=None, scale=_segment_domain(d["name"])),
        tooltip=["name", alt.Tooltip("jaccard:Q", format=".2f")])
    rules = alt.Chart(pd.DataFrame({"x": [FRAGILE_BELOW, STABLE_AT]})).mark_rule(strokeDash=[4, 3], color="#666").encode(x="x:Q")
    return (bars + rules).properties(
        title=f"Stability: mean adjusted Rand index {result.mean_ari:.2f} over {len(result.scores)} resamples ({result.verdict})")


def _message_chart(text: str) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"text": [text]})).mark_text(fontSize=13, color="#555").encode(
        text="text:N").properties(width=420, height=40)


def composition_chart(composition: pd.DataFrame) -> alt.Chart:
    """Demographic composition: share of each level per segment, one row of bars per profile column."""
    if composition.empty:
        return _message_chart("No profile columns (demographics) to describe the segments with.")
    d = composition.copy()
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=None),
        x=alt.X("share:Q", stack="normalize", title="share of the segment", axis=alt.Axis(format="%")),
        color=alt.Color("level:N", title="answer"),
        row=alt.Row("column:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["name", "column", "level", alt.Tooltip("share:Q", format=".1%")],
    ).resolve_scale(color="independent").properties(title="Who is in each segment", width=380)


def participation_chart(participation: pd.DataFrame) -> alt.Chart:
    """Share of each segment on each participation rung (highest rung reached)."""
    if participation.empty:
        return _message_chart("No digital-habit columns: segments are not placed on the participation ladder.")
    d = participation.copy()
    d["rung_order"] = d["rung"].map({r: i for i, r in enumerate(dict.fromkeys(d["rung"]))})
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=None),
        x=alt.X("share:Q", stack="normalize", title="share of the segment", axis=alt.Axis(format="%")),
        color=alt.Color("label:N", title="highest rung", sort=list(dict.fromkeys(d["label"])),
                        scale=alt.Scale(scheme="viridis")),
        order=alt.Order("rung_order:Q"),
        tooltip=["name", "label", alt.Tooltip("share:Q", format=".1%")],
    ).properties(
        title="Participation ladder (creators ... inactives)", width=380)

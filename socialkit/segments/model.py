"""The segmentation model: survey preprocessing (an sklearn Pipeline) and the :class:`Segmenter`
estimator (steps 2-5 of the method, see :mod:`socialkit.segments`), with what is read off a fitted
model: assignments, a 2-D map and the account of the fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, RobustScaler

from .. import tables
from ..exceptions import DataValidationError, ModelInputError, NotFittedError, Problem
from ..findings import Findings
from ..text import closest, file_line, key
from .plan import (DEFAULT_K_RANGE, MIN_LEVEL_SHARE, NO_ANSWER, NUMERIC_SHARE, FeaturePlan, clean_levels,
                   plan_features, present, to_numbers, validate_options)
from .traits import SUPPRESSED, SUPPRESSED_NAME, feature_stats, index_table, names_from_traits, segment_traits

#: Scaled values are clipped here (in IQRs from the median), so outliers cannot own a segment.
CLIP = 4.0
#: Most respondents drawn on a 2-D map (a chart takes at most 5,000 rows).
MAX_POINTS = 5_000


# --------------------------------------------------------------------------- preprocessing


class SurveyCleaner(TransformerMixin, BaseEstimator):
    """Turn raw survey columns into clean values: numbers parsed, reverse-keyed items reversed
    on their scale (x -> low + high - x, scale ends learned in fit), category answers tidied
    (variants merged with the ``synonyms`` table; None = the kit's ``answer_synonyms`` table)."""

    def __init__(self, numeric=(), categorical=(), reverse_keyed=(), synonyms=None):
        self.numeric = numeric
        self.categorical = categorical
        self.reverse_keyed = reverse_keyed
        self.synonyms = synonyms

    def fit(self, X: pd.DataFrame, y=None):
        self.scale_ = {c: (float(np.nanmin(to_numbers(X[c]))), float(np.nanmax(to_numbers(X[c]))))
                       for c in self.reverse_keyed}
        self.synonyms_ = tables.load("answer_synonyms") if self.synonyms is None else self.synonyms
        self.feature_names_in_ = np.array(list(self.numeric) + list(self.categorical), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        synonyms = getattr(self, "synonyms_", None)  # None in models saved before synonyms were kept
        out = {}
        for c in self.numeric:
            v = to_numbers(X[c])
            if c in self.scale_:
                lo, hi = self.scale_[c]
                v = lo + hi - v
            out[c] = v
        for c in self.categorical:
            out[c] = clean_levels(X[c], c, synonyms=synonyms)
        return pd.DataFrame(out, index=X.index)

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_in_


def _clip(X, limit: float = CLIP):
    return X.clip(-limit, limit) if hasattr(X, "clip") else np.clip(X, -limit, limit)


def build_preprocessor(plan: FeaturePlan, *, synonyms: pd.DataFrame | None = None) -> Pipeline:
    """The preprocessing pipeline for a plan: clean -> impute -> robust-scale (+clip) / one-hot.

    Numbers: median imputation, ``(x - median) / IQR`` clipped to +-``CLIP``. Categories: a
    "(no answer)" level for blanks, one-hot encoding with levels under ``MIN_LEVEL_SHARE`` pooled.
    """
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
        ("clean", SurveyCleaner(plan.numeric, plan.categorical, plan.reverse_keyed, synonyms)),
        ("encode", ColumnTransformer(parts, verbose_feature_names_out=True)),
    ])
    return pipe.set_output(transform="pandas")


def sample_index(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of a random sample of ``size`` out of ``n`` rows (all rows when n <= size)."""
    return np.arange(n) if n <= size else np.sort(rng.choice(n, size=size, replace=False))


def nearest(Z: np.ndarray, centers: np.ndarray, batch: int = 100_000) -> np.ndarray:
    """Index of the nearest centre of each row of ``Z`` (squared Euclidean distance), in batches."""
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
        synonyms: the answer synonyms table (column_pattern, answer, level); None = the kit's.

    Learned state: ``plan_``, ``preprocessor_`` (sklearn Pipeline), ``k_scores_`` (table of
    silhouette, BIC and inertia per k), ``k_`` (segments reported), ``cluster_centers_``,
    ``labels_`` (1..k, 0 = suppressed), ``sizes_``, ``segment_names_``, ``notes_`` (the plan's
    notes, then ``fit_notes_``: how k was chosen, merges).
    """

    def __init__(self, features=None, k="auto", k_range=DEFAULT_K_RANGE, reverse_keyed=(), id_column=None,
                 min_segment_size=30, small_segments="merge", random_state=0, n_init=4,
                 selection_rows=20_000, silhouette_rows=3_000, scaling_rows=200_000, batch_rows=100_000,
                 synonyms=None):
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
        self.synonyms = synonyms

    # -- checks
    def _synonyms(self) -> pd.DataFrame:
        if self.synonyms is None:
            return tables.load("answer_synonyms")
        return tables.check("answer_synonyms", self.synonyms)

    def plan(self, df: pd.DataFrame) -> FeaturePlan:
        """Validate every parameter against ``df`` and return the feature plan (no fitting)."""
        validate_options(k=self.k, k_range=self.k_range, min_segment_size=self.min_segment_size,
                         random_state=self.random_state, small_segments=self.small_segments,
                         reverse_keyed=self.reverse_keyed, features=self.features, id_column=self.id_column,
                         n_init=self.n_init)
        return plan_features(df, features=self.features, id_column=self.id_column, profile_columns=None,
                             reverse_keyed=self.reverse_keyed, min_segment_size=self.min_segment_size,
                             k=self.k, k_range=self.k_range, synonyms=self._synonyms())

    # -- fitting
    def fit(self, df: pd.DataFrame, y=None) -> "Segmenter":
        plan = self.plan(df)
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31 - 1))
        self.plan_ = plan
        self.n_features_in_ = len(plan.features)
        self.feature_names_in_ = np.array(plan.features, dtype=object)
        fit_rows = sample_index(len(df), self.scaling_rows, rng)  # medians and IQRs from a sample of large files
        self.preprocessor_ = build_preprocessor(plan, synonyms=self._synonyms()).fit(df[plan.features].iloc[fit_rows])
        Z = self._encode(df)
        self.encoded_names_ = list(self.preprocessor_.get_feature_names_out())
        n = len(Z)
        sel = sample_index(n, self.selection_rows, rng)
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
        labels = nearest(Z, centers, self.batch_rows)
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
        self.stats_ = feature_stats(clean, plan)
        self.segment_names_ = names_from_traits(self._traits_from_clean(clean, self.labels_), self.k_)
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
        """k-means for each k on the selection sample; mean silhouette (on at most ``silhouette_rows``)
        and BIC of a diagonal Gaussian mixture started from the k-means centres (on at most 5,000 rows)."""
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
            labels = nearest(Z, centers, self.batch_rows)
        return centers, np.ones(len(centers), dtype=np.int64), labels, notes

    # -- using the model
    def _check_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError()

    def check_columns(self, df: pd.DataFrame, *, source: Any = "<table>") -> None:
        """Raise :class:`ModelInputError` when ``df`` lacks columns the model was trained on."""
        self._check_fitted()
        norm = {key(c): c for c in df.columns}
        missing = [c for c in self.plan_.features if c not in df.columns and key(c) not in norm]
        if missing:
            hints = [f"'{c}'" + (f" (closest in the file: '{hit}')" if (hit := closest(c, df.columns)) else "")
                     for c in missing]
            raise ModelInputError(
                source, f"the file's columns differ from the ones the segments were trained on. Missing: "
                f"{', '.join(hints)}. The model needs: {', '.join(self.plan_.features)}.", columns=missing,
                fix="rename the columns (column_map={'Your column': 'model column'}) or re-run the segmentation on "
                    "this file")
        bad = []
        for c in self.plan_.numeric:
            col = df[c] if c in df.columns else df[norm[key(c)]]
            answered = present(col)
            nums = to_numbers(col)
            if answered.sum() and (nums.notna() & answered).sum() < NUMERIC_SHARE * answered.sum():
                idx = col.index[answered & nums.isna()]
                bad.append(f"'{c}' should hold numbers but has text (e.g. {col[idx[0]]!r} on line {file_line(idx[0])})")
        if bad:
            raise ModelInputError(source, "; ".join(bad) + ".", fix="export the answers as numbers")

    def _align(self, df: pd.DataFrame) -> pd.DataFrame:
        norm = {key(c): c for c in df.columns}
        rename = {norm[key(c)]: c for c in self.plan_.features if c not in df.columns}
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
        found = nearest(self._encode(df), self.cluster_centers_, self.batch_rows)
        return pd.Series(self.center_segment_[found], index=df.index, name="segment")

    def fit_predict(self, df: pd.DataFrame, y=None) -> pd.Series:
        return pd.Series(self.fit(df).labels_, index=df.index, name="segment")

    def segment_name(self, segment: int) -> str:
        return SUPPRESSED_NAME if segment == SUPPRESSED else self.segment_names_[int(segment)]

    # -- traits (used for names)
    def _traits_from_clean(self, clean: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
        idx = index_table(clean, labels, self.stats_, self.plan_.numeric, self.plan_.categorical, kind="feature")
        return segment_traits(idx)


# --------------------------------------------------------------------------- reading a fitted model


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


def projection(model: Segmenter, df: pd.DataFrame, *, n: int = 3_000, random_state: int | None = None) -> pd.DataFrame:
    """A 2-D map of respondents (first two principal components of the encoded features), on a
    seeded sample of at most ``n`` (and at most ``MAX_POINTS``) respondents; no identifiers.
    Columns pc1, pc2, segment, name; ``attrs["explained"]`` holds each component's share of variance."""
    model._check_fitted()
    rng = np.random.default_rng(model.random_state if random_state is None else random_state)
    idx = sample_index(len(df), min(n, MAX_POINTS), rng)
    sample = model._align(df.iloc[idx])
    Z = model._encode(sample)
    seg = model.center_segment_[nearest(Z, model.cluster_centers_)]
    pca = PCA(n_components=2, random_state=0).fit(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    xy = pca.transform(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    out = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "segment": seg})
    out = out[out["segment"] != SUPPRESSED]
    out["name"] = out["segment"].map(model.segment_names_)
    out.attrs["explained"] = [float(v) for v in pca.explained_variance_ratio_]
    return out.reset_index(drop=True)


def describe_fit(model: Segmenter) -> Findings:
    """What was clustered, how k was chosen and what changed while fitting (segments merged or
    suppressed), for the analyst's report. Notes about the columns are in ``model.plan_.notes``."""
    model._check_fitted()
    p = model.plan_
    out = Findings().add(f"**{model.k_} segments** from {len(p.features)} features "
                         f"({len(p.numeric)} numeric or rating-scale, {len(p.categorical)} categorical), "
                         f"{len(model.labels_):,} respondents. Mean silhouette at this k: {model.silhouette_:.3f}.")
    for note in model.fit_notes_:
        out.add(note, kind="note")
    return out


def notes_markdown(notes: list[str] | tuple[str, ...]) -> Findings:
    """Notes (of a plan, a model or a profile) as Findings; "nothing to note" when there are none."""
    return Findings.of(notes, kind="note", empty="- nothing to note")

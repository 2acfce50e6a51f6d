"""The segmentation model: survey preprocessing (an sklearn Pipeline) and the :class:`Segmenter`
estimator (steps 2-5 of the method, see :mod:`socialkit.segments`), with what is read off a fitted
model: assignments, a 2-D map and the account of the fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import calinski_harabasz_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, RobustScaler

from .. import tables
from ..exceptions import DataValidationError, ModelInputError, NotFittedError, ParameterError, Problem
from ..findings import Findings
from ..text import closest, file_line, key
from . import answers, kchoice, latent, scales as scale_tools, style
from .plan import (DEFAULT_K_RANGE, MIN_LEVEL_SHARE, NO_ANSWER, NUMERIC_SHARE, FeaturePlan, band_ranks, clean_levels,
                   plan_features, present, segment_number, to_numbers, validate_options)
from .traits import (SUPPRESSED, SUPPRESSED_NAME, feature_stats, index_table, names_from_traits, segment_traits,
                     variable_label)

#: Scaled values are clipped here (in IQRs from the median), so outliers cannot own a segment.
CLIP = 4.0
#: Most respondents drawn on a 2-D map (a chart takes at most 5,000 rows).
MAX_POINTS = 5_000


# --------------------------------------------------------------------------- preprocessing


class SurveyCleaner(TransformerMixin, BaseEstimator):
    """Turn raw survey columns into the variables segments are formed on: numbers parsed, ordered
    answer bands ranked, the rating battery centred (response style), reverse-keyed items reversed
    on their scale (x -> low + high - x, scale ends learned in fit), scales scored (or factor
    scores), dates as days before the latest date, multi-select answers as 0/1 indicators, and
    category answers tidied (variants merged with the ``synonyms`` table; None = the kit's)."""

    def __init__(self, numeric=(), categorical=(), reverse_keyed=(), synonyms=None, *, ordinal=(), bands=None,
                 multi_select=None, dates=(), scales=None, factors=(), centre=(), level=float("nan"),
                 random_state=0):
        self.numeric = numeric
        self.categorical = categorical
        self.reverse_keyed = reverse_keyed
        self.synonyms = synonyms
        self.ordinal = ordinal
        self.bands = bands
        self.multi_select = multi_select
        self.dates = dates
        self.scales = scales
        self.factors = factors
        self.centre = centre
        self.level = level
        self.random_state = random_state

    def _numbers(self, X: pd.DataFrame) -> pd.DataFrame:
        bands = self.bands or {}
        synonyms = getattr(self, "synonyms_", None)
        out = {c: band_ranks(X[c], bands[c], c, synonyms) if c in bands else to_numbers(X[c]) for c in self.numeric}
        values = pd.DataFrame(out, index=X.index)
        if len(self.centre):
            values = style.centre(values, list(self.centre), self.level)
        for c, (lo, hi) in getattr(self, "scale_", {}).items():
            values[c] = lo + hi - values[c]
        return values

    def fit(self, X: pd.DataFrame, y=None):
        self.synonyms_ = tables.load("answer_synonyms") if self.synonyms is None else self.synonyms
        self.scale_ = {}
        self.scale_ = {c: (float(np.nanmin(to_numbers(X[c]))), float(np.nanmax(to_numbers(X[c]))))
                       for c in self.reverse_keyed}
        self.latest_ = {c: answers.to_dates(X[c], force=True).max() for c in self.dates}
        self.factors_ = None
        if len(self.factors):
            labels = {c: variable_label(c, 12) for c in self.factors}
            self.factors_ = scale_tools.fit_factors(self._numbers(X), list(self.factors),
                                                    random_state=self.random_state, labels=labels)
        out = self._frame(X.iloc[:1_000])  # the output columns do not depend on how many rows are read
        self.numeric_out_ = [c for c in out.columns if pd.api.types.is_float_dtype(out[c])]
        self.categorical_out_ = [c for c in out.columns if c not in self.numeric_out_]
        self.ordinal_out_ = [c for c in self.numeric_out_ if c in set(self.ordinal) | set(self.scales or {})]
        self.feature_names_in_ = np.array(list(self.numeric) + list(self.categorical) + list(self.multi_select or {})
                                          + list(self.dates), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._frame(X)

    def _frame(self, X: pd.DataFrame) -> pd.DataFrame:
        synonyms = getattr(self, "synonyms_", None)  # None in models saved before synonyms were kept
        values = self._numbers(X)
        parts = []
        if self.scales:
            used = {i for items in self.scales.values() for i in items}
            parts.append(values[[c for c in values.columns if c not in used]])
            parts.append(scale_tools.score(values, self.scales))
        elif getattr(self, "factors_", None) is not None:
            parts.append(values[[c for c in values.columns if c not in self.factors_.items]])
            parts.append(self.factors_.scores(values))
        else:
            parts.append(values)
        for c in self.dates:
            dates = answers.to_dates(X[c], force=True)
            parts.append(answers.days_before_latest(dates, self.latest_[c]).rename(c).to_frame())
        for c, options in (self.multi_select or {}).items():
            ind = answers.indicators(X[c], options, c).astype("float64")
            parts.append(ind[[f"{c}: {o}" for o in options]])
        cats = {c: clean_levels(X[c], c, synonyms=synonyms) for c in self.categorical}
        parts.append(pd.DataFrame(cats, index=X.index))
        out = pd.concat(parts, axis=1)
        return out.astype({c: "float64" for c in out.columns if c not in self.categorical})

    def get_feature_names_out(self, input_features=None):
        return np.array(self.numeric_out_ + self.categorical_out_, dtype=object)


def _clip(X, limit: float = CLIP):
    return X.clip(-limit, limit) if hasattr(X, "clip") else np.clip(X, -limit, limit)


def build_preprocessor(plan: FeaturePlan, *, synonyms: pd.DataFrame | None = None,
                       response: style.ResponseStyle | None = None, random_state: int | None = 0) -> Pipeline:
    """The preprocessing pipeline for a plan: clean -> impute -> robust-scale (+clip) / one-hot.

    Numbers: median imputation, ``(x - median) / IQR`` clipped to +-``CLIP``. Categories: a
    "(no answer)" level for blanks, one-hot encoding with levels under ``MIN_LEVEL_SHARE`` pooled.
    ``response`` centres the rating battery (see :mod:`.style`).
    """
    centred = response is not None and response.centred
    factor_items = (plan.battery or [c for c in plan.ordinal if c not in plan.bands]) if plan.factors else []
    cleaner = SurveyCleaner(plan.numeric, plan.categorical, plan.reverse_keyed, synonyms, ordinal=plan.ordinal,
                            bands=plan.bands,
                            multi_select={c: plan.shapes[c].options for c in plan.multi_select}, dates=plan.dates,
                            scales=plan.scales, factors=factor_items, centre=response.battery if centred else (),
                            level=response.level if centred else float("nan"), random_state=random_state)
    encode = ColumnTransformer([
        ("num", Pipeline([
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", RobustScaler()),
            ("clip", FunctionTransformer(_clip, feature_names_out="one-to-one")),
        ]), make_column_selector(dtype_include="number")),
        ("cat", Pipeline([
            ("impute", SimpleImputer(strategy="constant", fill_value=NO_ANSWER)),
            ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=MIN_LEVEL_SHARE,
                                     sparse_output=False)),
        ]), make_column_selector(dtype_exclude="number")),
    ], verbose_feature_names_out=True)
    return Pipeline([("clean", cleaner), ("encode", encode)]).set_output(transform="pandas")


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
    """Psychographic segmentation: k-means (or a Gaussian mixture, or latent classes) on cleaned,
    imputed, robust-scaled survey answers.

    Parameters (stored as given; checked in :meth:`fit`):
        features: list of columns, a regular expression, or None (the ``psy_*`` columns; else every
            column that is not an id, a demographic, a date, a habit or a brand-relationship fact).
        k: "auto" (chosen by the k rule over ``k_range``, see :mod:`.kchoice`) or an int in [2, 20].
        k_range: [low, high] of the k values compared.
        reverse_keyed: rating items whose scale is reversed (before scoring scales, too).
        id_column: respondent identifier (never clustered; kept in assignments only); "auto" to
            detect it, None for none.
        min_segment_size: smallest segment that may be reported (privacy); smaller ones are
            merged into their nearest segment (``small_segments="merge"``) or suppressed.
        random_state: seed; the same seed gives the same segments.
        n_init: k-means restarts. selection_rows / silhouette_rows: sample sizes for choosing k;
            scaling_rows: sample on which medians and IQRs are estimated (all rows when fewer).
        synonyms: the answer synonyms table (column_pattern, answer, level); None = the kit's.
        profile_columns: "auto" (demographics and dates, never clustered), a list, a regex or None.
        method: "kmeans" (default, fast), "gmm" (Gaussian mixture, k by BIC) or "lca" (latent
            class analysis with StepMix, k by BIC; for mostly categorical or ordinal answers).
        response_style: "auto" (centre a rating battery that behaves as one general factor),
            "centre" or "none" (see :mod:`.style`).
        scales: None, {scale: items (list or regex)}, "suggested" or "factors" (see :mod:`.scales`).
        segment_names: {segment number: name} to rename segments, e.g. {1: "Weekend explorers"}.

    Learned state: ``plan_``, ``preprocessor_`` (sklearn Pipeline), ``response_style_``,
    ``k_scores_`` (silhouette, Calinski-Harabasz, BIC, stability and inertia per k), ``k_requested_``
    (the k chosen), ``k_`` (segments reported), ``structure_`` (verdict, silhouette, message),
    ``cluster_centers_``, ``labels_`` (1..k, 0 = suppressed), ``sizes_``, ``segment_names_``,
    ``loadings_`` (factor loadings with ``scales="factors"``), ``notes_`` (the plan's notes, then
    ``fit_notes_``: how k was chosen, merges, response style).
    """

    def __init__(self, features=None, k="auto", k_range=DEFAULT_K_RANGE, reverse_keyed=(), id_column=None,
                 min_segment_size=30, small_segments="merge", random_state=0, n_init=4,
                 selection_rows=20_000, silhouette_rows=3_000, scaling_rows=200_000, batch_rows=100_000,
                 synonyms=None, *, profile_columns="auto", method="kmeans", response_style="auto", scales=None,
                 segment_names=None):
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
        self.profile_columns = profile_columns
        self.method = method
        self.response_style = response_style
        self.scales = scales
        self.segment_names = segment_names

    # -- checks
    def _synonyms(self) -> pd.DataFrame:
        if self.synonyms is None:
            return tables.load("answer_synonyms")
        return tables.check("answer_synonyms", self.synonyms)

    def plan(self, df: pd.DataFrame) -> FeaturePlan:
        """Validate every parameter against ``df`` and return the feature plan (no fitting)."""
        profile = None if self.profile_columns == "auto" else self.profile_columns
        validate_options(k=self.k, k_range=self.k_range, min_segment_size=self.min_segment_size,
                         random_state=self.random_state, small_segments=self.small_segments,
                         reverse_keyed=self.reverse_keyed, features=self.features, id_column=self.id_column,
                         n_init=self.n_init, method=self.method, response_style=self.response_style,
                         scales=self.scales, segment_names=self.segment_names, profile_columns=profile)
        return plan_features(df, features=self.features, id_column=self.id_column,
                             profile_columns=self.profile_columns, reverse_keyed=self.reverse_keyed,
                             min_segment_size=self.min_segment_size, k=self.k, k_range=self.k_range,
                             synonyms=self._synonyms(), scales=self.scales)

    # -- fitting
    def fit(self, df: pd.DataFrame, y=None) -> "Segmenter":
        plan = self.plan(df)
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31 - 1))
        self.plan_ = plan
        self.n_features_in_ = len(plan.features)
        self.feature_names_in_ = np.array(plan.features, dtype=object)
        fit_rows = sample_index(len(df), self.scaling_rows, rng)  # medians and IQRs from a sample of large files
        sample = df[plan.features].iloc[fit_rows]
        battery = plan.battery
        look = sample.iloc[sample_index(len(sample), 5_000, rng)]
        self.response_style_ = style.decide(self.response_style, pd.DataFrame(
            {c: to_numbers(look[c]) for c in battery}, index=look.index), battery)
        self.preprocessor_ = build_preprocessor(plan, synonyms=self._synonyms(), response=self.response_style_,
                                                random_state=seed).fit(sample)
        cleaner = self.preprocessor_.named_steps["clean"]
        self.variables_ = list(cleaner.numeric_out_) + list(cleaner.categorical_out_)
        self.loadings_ = cleaner.factors_.loadings if cleaner.factors_ is not None else None
        Z = self._encode(df)
        self.encoded_names_ = list(self.preprocessor_.get_feature_names_out())
        n = len(Z)
        sel = sample_index(n, self.selection_rows, rng)
        Zs = Z[sel]
        lo, hi = int(self.k_range[0]), int(self.k_range[1])
        patterns = len(np.unique(Zs, axis=0))
        ks = list(range(lo, min(hi, patterns - 1) + 1))
        if not ks or (self.k != "auto" and self.k >= patterns):
            raise DataValidationError(df.attrs.get("source", "<table>"), "audience", [Problem(
                None, f"has too few different answer patterns ({patterns}) for {lo} or more segments",
                fix="add features whose answers vary, or use a larger file")])
        if self.k != "auto" and self.k not in ks:
            ks = sorted(set(ks) | {int(self.k)})
        notes: list[str] = [f"Response style: {self.response_style_.reason}."]
        if self.method == "kmeans":
            self.k_scores_, fits, self.bic_one_ = kchoice.score_ks(Zs, ks, seed, n_init=self.n_init,
                                                                   silhouette_rows=self.silhouette_rows)
            k, why = kchoice.choose_k(self.k_scores_, bic_one=self.bic_one_)
        else:
            self.k_scores_, fits, self.bic_one_ = self._score_models(df, Zs, sel, ks, seed)
            k = int(self.k_scores_.loc[self.k_scores_["bic"].idxmin(), "k"])
            why = [f"k = {k} was chosen: the lowest BIC of the {'latent class' if self.method == 'lca' else 'Gaussian mixture'} "
                   f"models for k = {ks[0]}..{ks[-1]}."]
        if self.k != "auto":
            k = int(self.k)
            why = [f"k = {k} was set by the analyst (the criteria for choosing k are shown for comparison)."]
        notes += why
        self.k_requested_ = k
        if self.method == "kmeans":
            centers = fits[k].cluster_centers_
            if n > len(sel):  # refine the best sample solution on every row
                centers = KMeans(n_clusters=k, init=centers, n_init=1, random_state=seed).fit(Z).cluster_centers_
            labels = nearest(Z, centers, self.batch_rows)
            centers, segment_of, labels, size_notes = self._enforce_min_size(Z, centers, labels, seed)
            self.components_ = None
        else:
            self.components_ = fits[k]
            proba = self._proba(df, Z)
            segment_of, labels, size_notes = self._enforce_min_size_proba(proba)
            centers = np.vstack([Z[labels == i].mean(axis=0) if np.any(labels == i) else np.zeros(Z.shape[1])
                                 for i in range(proba.shape[1])])
        notes += size_notes
        kept = [i for i in range(len(centers)) if segment_of[i] != SUPPRESSED]
        order = sorted(kept, key=lambda i: -np.sum(labels == i))  # segment 1 is the largest
        remap = np.zeros(len(centers), dtype=np.int64)
        for rank, i in enumerate(order, start=1):
            remap[i] = rank
        self.cluster_centers_ = centers.astype(np.float32)
        self.center_segment_ = remap  # center (component) index -> segment number (0 = suppressed)
        self.labels_ = remap[labels]
        self.k_ = len(order)
        if self.k_ != k:
            notes.append(f"{self.k_} segments are reported: k = {k} was chosen, and {k - self.k_} "
                         f"segment{'s' if k - self.k_ > 1 else ''} under min_segment_size = {self.min_segment_size} "
                         f"{'were' if k - self.k_ > 1 else 'was'} "
                         f"{'merged into the nearest segments' if self.small_segments == 'merge' else 'suppressed'}.")
        self.sizes_ = pd.Series(np.bincount(self.labels_, minlength=self.k_ + 1)[1:],
                                index=pd.RangeIndex(1, self.k_ + 1, name="segment"), name="respondents")
        self.n_suppressed_ = int(np.sum(self.labels_ == SUPPRESSED))
        clean = self._clean(df)
        self.stats_ = feature_stats(clean, self._numeric_vars(), self._ordinal_vars())
        traits_idx = index_table(clean, self.labels_, self.stats_, self._numeric_vars(), self._categorical_vars(),
                                 kind="feature")
        self.silhouette_ = self._final_silhouette(Z, rng)
        self.structure_ = kchoice.structure_verdict(self.silhouette_, level_split=kchoice.is_level_split(
            traits_idx[traits_idx["measure"] == "mean"]))
        self.segment_names_ = names_from_traits(segment_traits(traits_idx), self.k_)
        self.segment_names_ = self._rename(self.segment_names_)
        self.fit_notes_ = notes
        self.notes_ = list(plan.notes) + notes
        return self

    def _numeric_vars(self) -> list[str]:
        return list(self.preprocessor_.named_steps["clean"].numeric_out_)

    def _categorical_vars(self) -> list[str]:
        return list(self.preprocessor_.named_steps["clean"].categorical_out_)

    def _ordinal_vars(self) -> list[str]:
        return list(self.preprocessor_.named_steps["clean"].ordinal_out_)

    def _rename(self, names: dict[int, str]) -> dict[int, str]:
        if not self.segment_names:
            return names
        wanted = {segment_number(s): str(v).strip() for s, v in self.segment_names.items()}
        unknown = sorted(s for s in wanted if s not in names)
        if unknown:
            raise ParameterError("segment_names", f"names segment{'s' if len(unknown) > 1 else ''} "
                                 f"{', '.join(map(str, unknown))}, but the segmentation has segments 1 to {self.k_}. "
                                 f"Name only those (the current names: "
                                 f"{'; '.join(f'{s}: {n}' for s, n in names.items())}).", owner="Segmenter")
        out = {**names, **wanted}
        clash = [n for n in out.values() if list(out.values()).count(n) > 1]
        if clash:
            raise ParameterError("segment_names", f"gives a name another segment already has ({clash[0]!r}); "
                                 "give every segment a different name.", owner="Segmenter")
        return out

    def _final_silhouette(self, Z: np.ndarray, rng: np.random.Generator) -> float:
        """Mean silhouette of the reported segments (suppressed respondents left out), on a sample."""
        keep = np.where(self.labels_ != SUPPRESSED)[0]
        if len(np.unique(self.labels_[keep])) < 2:
            return 0.0
        idx = keep if len(keep) <= self.silhouette_rows else np.sort(rng.choice(keep, self.silhouette_rows, replace=False))
        if len(np.unique(self.labels_[idx])) < 2:
            return 0.0
        return round(float(silhouette_score(Z[idx], self.labels_[idx], random_state=0)), 4)

    # -- model-based methods (gmm, lca)
    def _lca_data(self, df: pd.DataFrame) -> pd.DataFrame:
        return latent.codes(self._clean(df), self.code_spec_)

    def _score_models(self, df: pd.DataFrame, Zs: np.ndarray, sel: np.ndarray, ks: list[int], seed: int):
        rows, fits = [], {}
        if self.method == "lca":
            clean = self._clean(df.iloc[sel])
            self.code_spec_ = latent.code_spec(clean, self._numeric_vars(), self._categorical_vars())
            data = latent.codes(clean, self.code_spec_)
            pick = sample_index(len(data), latent.LCA_ROWS, np.random.default_rng(seed))
            data, Zfit = data.iloc[pick], Zs[pick]
        else:
            Zfit = Zs
        for k in ks:
            if self.method == "lca":
                m = latent.fit_lca(data, self.code_spec_, k, seed)
                bic, lab = latent.lca_bic(m, data, self.code_spec_), latent.lca_proba(m, data, self.code_spec_).argmax(1)
            else:
                m = latent.fit_gmm(Zfit, k, seed)
                bic, lab = float(m.bic(Zfit)), m.predict(Zfit)
            fits[k] = m
            ok = len(np.unique(lab)) > 1
            rows.append(dict(k=k, silhouette=round(float(silhouette_score(
                Zfit, lab, sample_size=min(self.silhouette_rows, len(Zfit)), random_state=seed)), 4) if ok else np.nan,
                calinski_harabasz=round(float(calinski_harabasz_score(Zfit, lab)), 1) if ok else np.nan,
                bic=round(bic, 1), stability=np.nan, inertia=np.nan))
        return pd.DataFrame(rows, columns=kchoice.K_COLUMNS), fits, float("nan")

    def _proba(self, df: pd.DataFrame, Z: np.ndarray) -> np.ndarray:
        if self.method == "lca":
            return latent.lca_proba(self.components_, self._lca_data(df), self.code_spec_)
        return self.components_.predict_proba(Z)

    def _enforce_min_size_proba(self, proba: np.ndarray):
        """Classes under min_segment_size: their members go to their next most probable class
        (merge) or to segment 0 (suppress)."""
        m = int(self.min_segment_size)
        keep = np.ones(proba.shape[1], dtype=bool)
        notes = []
        labels = proba.argmax(1)
        if self.small_segments == "suppress":
            sizes = np.bincount(labels, minlength=proba.shape[1])
            segment_of = np.where(sizes >= m, 1, SUPPRESSED)
            if not (segment_of != SUPPRESSED).any():
                raise DataValidationError("<table>", "audience", [Problem(None, f"every segment is smaller than "
                                          f"min_segment_size={m}", fix="lower min_segment_size or k")])
            notes += [f"A segment of {sizes[i]} respondents (under min_segment_size = {m}) is suppressed: its members "
                      "are not reported or profiled." for i in np.where((sizes < m) & (sizes > 0))[0]]
            self.keep_components_ = keep
            return segment_of, labels, notes
        while True:
            masked = np.where(keep[None, :], proba, -1.0)
            labels = masked.argmax(1)
            sizes = np.bincount(labels, minlength=proba.shape[1])
            small = [i for i in np.where(keep)[0] if sizes[i] < m]
            if not small:
                break
            if keep.sum() <= 2:
                raise DataValidationError("<table>", "audience", [Problem(None, (
                    f"cannot form 2 segments of at least min_segment_size={m} respondents"),
                    fix="lower min_segment_size, or use a larger file")])
            i = min(small, key=lambda j: sizes[j])
            keep[i] = False
            if sizes[i]:
                notes.append(f"A segment of {sizes[i]} respondents (under min_segment_size = {m}) was merged into "
                             "the segments its members most probably belong to next.")
        self.keep_components_ = keep
        return np.where(keep, 1, SUPPRESSED), labels, notes

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

    def _encode(self, df: pd.DataFrame) -> np.ndarray:
        parts = []
        for start in range(0, len(df), self.batch_rows):
            chunk = df.iloc[start:start + self.batch_rows][self.plan_.features]
            parts.append(self.preprocessor_.transform(chunk).to_numpy(dtype=np.float32))
        return np.vstack(parts) if parts else np.empty((0, 0), np.float32)

    def _clean(self, df: pd.DataFrame) -> pd.DataFrame:
        return self.preprocessor_.named_steps["clean"].transform(df[self.plan_.features])

    def _assign(self, df: pd.DataFrame, Z: np.ndarray) -> np.ndarray:
        """Component (centre) index of each row of ``df`` (encoded as ``Z``)."""
        if getattr(self, "components_", None) is None:
            return nearest(Z, self.cluster_centers_, self.batch_rows)
        proba = self._proba(df, Z)
        return np.where(self.keep_components_[None, :], proba, -1.0).argmax(1)

    # -- using the model
    def _check_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError()

    def check_columns(self, df: pd.DataFrame, *, source=None) -> None:
        """Raise :class:`ModelInputError` when ``df`` lacks columns the model was trained on."""
        self._check_fitted()
        source = "<table>" if source is None else source
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
            if c in self.plan_.bands:
                continue
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
        found = self._assign(df, self._encode(df))
        return pd.Series(self.center_segment_[found], index=df.index, name="segment")

    def fit_predict(self, df: pd.DataFrame, y=None) -> pd.Series:
        return pd.Series(self.fit(df).labels_, index=df.index, name="segment")

    def segment_name(self, segment: int) -> str:
        return SUPPRESSED_NAME if segment == SUPPRESSED else self.segment_names_[int(segment)]


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
    seg = model.center_segment_[model._assign(sample, Z)]
    pca = PCA(n_components=2, random_state=0).fit(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    xy = pca.transform(Z if Z.shape[1] >= 2 else np.hstack([Z, Z]))
    out = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "segment": seg})
    out = out[out["segment"] != SUPPRESSED]
    out["name"] = out["segment"].map(model.segment_names_)
    out.attrs["explained"] = [float(v) for v in pca.explained_variance_ratio_]
    return out.reset_index(drop=True)


def describe_fit(model: Segmenter) -> Findings:
    """What was clustered, how k was chosen, how strong the structure is and what changed while
    fitting (response style, segments merged or suppressed), for the analyst's report. Notes about
    the columns are in ``model.plan_.notes``."""
    model._check_fitted()
    p = model.plan_
    method = {"kmeans": "k-means", "gmm": "a Gaussian mixture", "lca": "latent class analysis"}[model.method]
    on = (f"{len(p.scales)} scale scores" if p.scales else f"{len(model.variables_)} variables from "
          f"{len(p.features)} features")
    out = Findings().add(f"**{model.k_} segments** ({method}) on {on} ({len(p.numeric)} numeric or rating-scale, "
                         f"{len(p.categorical)} categorical, {len(p.multi_select)} multi-select, {len(p.dates)} date "
                         f"columns), {len(model.labels_):,} respondents. Mean silhouette of these segments: "
                         f"{model.silhouette_:.3f}.")
    out.add(f"**Structure:** {model.structure_.message}")
    for note in model.fit_notes_:
        out.add(note, kind="note")
    return out


def notes_markdown(notes: list[str] | tuple[str, ...]) -> Findings:
    """Notes (of a plan, a model or a profile) as Findings; "nothing to note" when there are none."""
    return Findings.of(notes, kind="note", empty="- nothing to note")

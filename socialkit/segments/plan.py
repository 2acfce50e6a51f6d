"""Survey cleaning and the feature plan: the options checked, every column's role and answer shape
decided, before any clustering (step 1 of the method, see :mod:`socialkit.segments`).

Roles: ``feature`` (clustered), ``profile`` (demographics and dates: described, never clustered),
``habit`` (digital habits: described and placed on the participation ladder), ``relationship``
(facts about the relationship with the brand: place segments on the ocean-to-fish-bowl ladder),
``id`` and ``dropped``. Types: ``numeric``, ``ordinal`` (rating scales and ordered answer bands),
``categorical``, ``multi_select`` (one 0/1 indicator per option), ``date`` and ``text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import tables
from ..exceptions import DataValidationError, ParameterError, Problem
from ..text import closest, file_lines, key
from . import answers, scales as scale_tools, style
from .answers import label_for  # noqa: F401 (re-exported: the readable label of a column)

K_MIN, K_MAX = 2, 20
DEFAULT_K_RANGE = (2, 8)
METHODS = ("kmeans", "gmm", "lca")
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
#: Answers looked at to count a numeric column's levels on long files.
SAMPLE_ROWS = 200_000
ID_NAME = re.compile(r"(^|[\s_\-])(id|uuid|guid|e-?mail|email address|phone)$|^(id|uuid|guid)([\s_\-]|$)"
                     r"|^(respondent|record|customer|member)([\s_\-]?(no|nr|number|#|code))?$", re.I)
PLAN_COLUMNS = ["column", "role", "type", "missing", "missing_share", "note"]


# --------------------------------------------------------------------------- parameters


def _bad(name: str, expected: str, got: Any) -> ParameterError:
    return ParameterError(name, f"must be {expected}. Got {got!r} instead.", owner="Segmenter")


def is_int(v: Any) -> bool:
    """An int (numpy ints included), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def segment_number(v: Any) -> int | None:
    """A segment number given as an int or as digits ("2"), or None."""
    if is_int(v):
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def validate_options(*, k: Any = "auto", k_range: Any = DEFAULT_K_RANGE, min_segment_size: Any = 30,
                     random_state: Any = 0, small_segments: Any = "merge", reverse_keyed: Any = (),
                     features: Any = None, profile_columns: Any = None, id_column: Any = None,
                     n_init: Any = 4, method: Any = "kmeans", response_style: Any = "auto", scales: Any = None,
                     segment_names: Any = None) -> tuple[int, int]:
    """Check the options that need no data; returns ``k_range`` as a (low, high) pair.

    Raises :class:`ParameterError` with the sklearn-style message, e.g. "The 'k' parameter of
    Segmenter must be 'auto' or an int in [2, 20]. Got 1 instead."
    """
    if not (k == "auto" or (is_int(k) and K_MIN <= k <= K_MAX)):
        raise _bad("k", f"'auto' or an int in [{K_MIN}, {K_MAX}]", k)
    if not (isinstance(k_range, (list, tuple)) and len(k_range) == 2 and all(is_int(v) for v in k_range)
            and K_MIN <= k_range[0] < k_range[1] <= K_MAX):
        raise _bad("k_range", f"a pair of ints [low, high] with {K_MIN} <= low < high <= {K_MAX}", k_range)
    if not (is_int(min_segment_size) and min_segment_size >= 1):
        raise _bad("min_segment_size", "an int >= 1 (respondents)", min_segment_size)
    if not (random_state is None or is_int(random_state)):
        raise _bad("random_state", "an int or None", random_state)
    if small_segments not in ("merge", "suppress"):
        raise _bad("small_segments", "'merge' or 'suppress'", small_segments)
    if not (is_int(n_init) and n_init >= 1):
        raise _bad("n_init", "an int >= 1", n_init)
    if method not in METHODS:
        raise _bad("method", "'kmeans', 'gmm' (Gaussian mixture) or 'lca' (latent class analysis)", method)
    if response_style not in style.OPTIONS:
        raise _bad("response_style", "'auto', 'centre' or 'none'", response_style)
    scale_tools.check_option(scales)
    if segment_names is not None:
        if not isinstance(segment_names, dict) or not all(
                segment_number(s) is not None and segment_number(s) >= 1 and isinstance(v, str) and v.strip()
                for s, v in segment_names.items()):
            raise _bad("segment_names", "a dict mapping segment numbers (1, 2 ...) to names, e.g. "
                       "{1: 'Weekend explorers'}", segment_names)
        if len({v.strip().lower() for v in segment_names.values()}) < len(segment_names):
            raise _bad("segment_names", "a dict of different names (two segments share a name)", segment_names)
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


def clean_levels(s: pd.Series, column: str | None = None, *, synonyms: pd.DataFrame | None = None) -> pd.Series:
    """Category answers as tidy lower-case text: trimmed, inner spaces collapsed, "n/a"-style
    answers made missing (object dtype, NaN for missing). With ``column``, the variants that the
    ``synonyms`` table (column_pattern, answer, level; default: the kit's ``answer_synonyms`` table)
    lists for columns of that name are merged ("F", "woman" -> "female" in a Gender column)."""
    out = _per_level(s, _clean_levels)
    if column is not None:
        syn = tables.load("answer_synonyms") if synonyms is None else synonyms
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


def present(s: pd.Series) -> pd.Series:
    """Which cells hold an answer (not blank, not "n/a"-style)."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s.notna()
    return clean_levels(s).notna()


def looks_like_id(s: pd.Series, name: str) -> bool:
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


# --------------------------------------------------------------------------- answer shapes


@dataclass
class Shape:
    """What a column's answers are: its type and what is needed to read it the same way again."""

    type: str  # numeric, ordinal, categorical, multi_select, date, text
    note: str = ""
    order: dict[str, float] | None = None  # ordered answer bands: tidy answer -> rank
    scale: str = ""  # the band vocabulary ("frequency", "numeric bands" ...)
    options: list[str] | None = None  # multi-select options
    rating: tuple[float, float] | None = None  # answer range of a rating-scale item (whole numbers)
    bad: int = 0  # answers that are not numbers in a numeric column
    bad_example: str = ""
    constant: bool = False
    empty: bool = False
    id_like: bool = False
    free_text: bool = False
    missing: int = 0  # cells without an answer

    @property
    def usable(self) -> bool:
        return not (self.constant or self.empty or self.id_like or self.free_text)


def column_shape(s: pd.Series, name: Any, *, synonyms: pd.DataFrame | None = None,
                 bands: pd.DataFrame | None = None) -> Shape:
    """Read one column: numbers (rating scales with at most 11 whole-number levels are ordinal),
    dates, multi-select answers, ordered answer bands, categories or free text. On long files the
    number of levels and whether numbers are whole are read from a sample of 200,000 answers."""
    answered = present(s)
    n_answered = int(answered.sum())
    missing = len(s) - n_answered
    if not n_answered:
        return Shape("numeric" if pd.api.types.is_numeric_dtype(s) else "text", "no answers at all (every cell blank)",
                     empty=True, missing=missing)
    nums = to_numbers(s)
    parsed = nums.notna() & answered
    if parsed.sum() >= NUMERIC_SHARE * n_answered:
        vals = nums[parsed]
        bad = answered & nums.isna()
        example = f"{s[bad].iloc[0]!r}, line {file_lines(s.index[bad][:1])[0]}" if bad.any() else ""
        lo, hi = float(vals.min()), float(vals.max())
        if ID_NAME.search(str(name)):
            return Shape("numeric", "looks like an identifier", id_like=True, missing=missing)
        if lo == hi:
            return Shape("numeric", "constant (one value for everyone)", constant=True, missing=missing)
        sample = vals if len(vals) <= SAMPLE_ROWS else vals.iloc[np.linspace(0, len(vals) - 1, SAMPLE_ROWS).astype(int)]
        levels = sample.nunique()
        if levels == len(sample) and looks_like_id(vals, name):
            return Shape("numeric", "looks like an identifier", id_like=True, missing=missing)
        if levels <= 11 and hi - lo <= 10 and bool(np.all(np.mod(sample.to_numpy(), 1) == 0)):
            return Shape("ordinal", f"rating scale {lo:g}-{hi:g}", rating=(lo, hi), bad=int(bad.sum()),
                         bad_example=example, missing=missing)
        return Shape("numeric", bad=int(bad.sum()), bad_example=example, missing=missing)
    shape = _text_shape(s, name, synonyms, bands)
    shape.missing = missing
    return shape


def _text_shape(s: pd.Series, name: Any, synonyms: pd.DataFrame | None, bands: pd.DataFrame | None) -> Shape:
    dates = answers.to_dates(s)
    if dates is not None:
        span = dates.dropna()
        return Shape("date", f"dates from {span.min():%Y-%m-%d} to {span.max():%Y-%m-%d}" if len(span) else "dates")
    options = answers.multi_select_options(s)
    if options is not None:
        return Shape("multi_select", f"several answers per cell; {len(options)} options ("
                     f"{', '.join(options[:6])}{' ...' if len(options) > 6 else ''})", options=options)
    levels = clean_levels(s, name, synonyms=synonyms)
    counts = levels.value_counts()
    if looks_like_id(levels, name):
        return Shape("text", "one different value per respondent", id_like=True)
    if len(counts) <= 1:
        return Shape("categorical", "constant (one answer for everyone)", constant=True)
    if len(counts) > MAX_LEVELS or len(counts) > 0.5 * levels.notna().sum():
        return Shape("text", f"free text ({len(counts)} different answers)", free_text=True)
    ordered = answers.band_order(list(counts.index), list(counts.to_numpy()), bands)
    if ordered is not None:
        order, vocab = ordered
        ranked = sorted(order, key=order.get)
        return Shape("ordinal", f"ordered answers ({vocab}): {' < '.join(ranked[:7])}{' ...' if len(ranked) > 7 else ''}",
                     order=order, scale=vocab)
    return Shape("categorical")


def band_ranks(s: pd.Series, order: dict[str, float], name: Any = None, synonyms: pd.DataFrame | None = None) -> pd.Series:
    """Ordered answer bands as their rank (1 = lowest band); answers outside the bands are missing."""
    ranked = {lv: float(i + 1) for i, lv in enumerate(sorted(order, key=order.get))}
    return clean_levels(s, name, synonyms=synonyms).map(ranked).astype("float64")


# --------------------------------------------------------------------------- the plan


@dataclass
class FeaturePlan:
    """What will be clustered and what will be described, decided before any computation."""

    numeric: list[str]  # numeric and ordinal features (rating items, ordered bands), in file order
    categorical: list[str]
    ordinal: list[str]  # the numeric features that are rating scales or ordered answer bands
    reverse_keyed: list[str]
    profile_columns: list[str]
    id_column: str | None
    table: pd.DataFrame  # one row per input column (and per indicator / scale): role, type, missing, note
    notes: list[str] = field(default_factory=list)
    shapes: dict[str, Shape] = field(default_factory=dict)  # every column's answer shape (not the id)
    multi_select: list[str] = field(default_factory=list)  # multi-select features (expanded into indicators)
    dates: list[str] = field(default_factory=list)  # date features (clustered as days before the latest date)
    habits: list[str] = field(default_factory=list)
    relationship: dict[str, str] = field(default_factory=dict)  # fact -> column
    scales: dict[str, list[str]] = field(default_factory=dict)  # scale name -> items
    factors: bool = False  # reduce the rating items with factor analysis
    suggested_scales: dict[str, list[str]] = field(default_factory=dict)
    battery: list[str] = field(default_factory=list)  # the rating battery response style looks at

    @property
    def features(self) -> list[str]:
        """The input columns the model needs (clustered directly or through scales and indicators)."""
        chosen = set(self.numeric) | set(self.categorical) | set(self.multi_select) | set(self.dates)
        order = [str(r) for r in self.table["column"]]
        return [c for c in order if c in chosen] + sorted(chosen - set(order), key=str)

    @property
    def bands(self) -> dict[str, dict[str, float]]:
        """Ordered answer bands among the features: column -> {answer: rank}."""
        return {c: self.shapes[c].order for c in self.numeric if c in self.shapes and self.shapes[c].order}


def resolve_columns(df: pd.DataFrame, spec: Any, name: str) -> list[str]:
    """The columns of ``df`` that ``spec`` names (a list of names, matched by :func:`socialkit.text.key`
    too, or a regular expression); raises :class:`ParameterError` for parameter ``name`` otherwise."""
    if spec is None:
        return []
    if isinstance(spec, str):
        found = [c for c in df.columns if re.search(spec, str(c))]
        if not found:
            raise ParameterError(name, f"is the regular expression {spec!r}, which matches none of the file's "
                                 f"columns ({', '.join(map(str, df.columns))}). Fix the pattern or list the "
                                 "columns by name.", owner="Segmenter")
        return found
    norm = {key(c): c for c in df.columns}
    out, missing = [], []
    for col in spec:
        if col in df.columns:
            out.append(col)
        elif key(col) in norm:
            out.append(norm[key(col)])
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
    """The first column named like an identifier or holding one different text per row (dates
    excepted), or None."""
    for c in df.columns:
        if ID_NAME.search(str(c)):
            return c
        if not pd.api.types.is_numeric_dtype(df[c]) and looks_like_id(df[c], c) and answers.to_dates(df[c]) is None:
            return c
    return None


def _row(col: Any, role: str, type_: str, missing: int, n: int, note: str) -> dict:
    return dict(column=str(col), role=role, type=type_, missing=int(missing),
                missing_share=round(missing / n, 4) if n else 0.0, note=note)


def plan_features(df: pd.DataFrame, *, features: Any = None, profile_columns: Any = "auto",
                  id_column: str | None = "auto", reverse_keyed: Sequence[str] = (),
                  min_segment_size: int = 30, k: Any = "auto", k_range: Sequence[int] = DEFAULT_K_RANGE,
                  synonyms: pd.DataFrame | None = None, scales: Any = None,
                  demographics: pd.DataFrame | None = None, bands: pd.DataFrame | None = None,
                  relationship: pd.DataFrame | None = None, ladder: pd.DataFrame | None = None) -> FeaturePlan:
    """Check the parameters against the file and decide each column's role and type, before any work.

    ``features``: a list of column names, a regular expression, or None: the ``psy_*`` columns when
    there are any, else every column that is not the id, a demographic, a date, a digital habit or
    a brand-relationship fact (habits are clustered only when nothing else is left).
    ``profile_columns``: a list, a regex, "auto" (demographics however the header asks for them,
    from the ``demographic_names`` table, and dates) or None. ``id_column``: a name, "auto"
    (detected) or None. ``scales``: None, a dict of scale -> items (list or regex), "suggested" or
    "factors" (see :mod:`.scales`). The editable tables (answer synonyms, demographic names, answer
    bands, relationship columns, participation ladder) default to the kit's.
    Raises :class:`ParameterError` for names that are not in the file and
    :class:`DataValidationError` when no usable feature is left (e.g. all constant) or there are
    too few respondents.
    """
    validate_options(features=features, profile_columns=None if profile_columns == "auto" else profile_columns,
                     id_column=id_column, reverse_keyed=reverse_keyed, min_segment_size=min_segment_size,
                     k=k, k_range=k_range, scales=scales)
    if not isinstance(df, pd.DataFrame) or df.shape[1] == 0:
        raise DataValidationError("<table>", "audience", [Problem(None, "has no columns", fix="load a survey file")])
    synonyms = tables.load("answer_synonyms") if synonyms is None else synonyms
    demographics = tables.load("demographic_names") if demographics is None else demographics
    bands = tables.load("answer_bands") if bands is None else bands
    relationship = tables.load("relationship_columns") if relationship is None else relationship
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    source = df.attrs.get("source", "<table>")
    if id_column == "auto":
        id_column = detect_id_column(df)
    elif id_column is not None:
        id_column = resolve_columns(df, [id_column], "id_column")[0]
    auto_profile = profile_columns == "auto"
    listed_profile = [] if auto_profile else resolve_columns(df, profile_columns, "profile_columns")
    listed = None if features is None else resolve_columns(df, features, "features")
    scale_items: dict[str, list[str]] = scale_tools.resolve(df, scales) if isinstance(scales, dict) else {}
    in_scales = {i for items in scale_items.values() for i in items}
    if listed is not None:
        listed += [i for i in in_scales if i not in listed]
    reverse = resolve_columns(df, list(reverse_keyed), "reverse_keyed")
    n = len(df)
    shapes = {c: column_shape(df[c], c, synonyms=synonyms, bands=bands) for c in df.columns if c != id_column}

    # roles, before types: what each column is about
    role: dict[Any, str] = {}
    why: dict[Any, str] = {}
    facts: dict[str, str] = {}
    psy = [c for c in df.columns if str(c).lower().startswith("psy_")]
    for c in df.columns:
        sh = shapes.get(c)
        if c == id_column:
            role[c], why[c] = "id", "the id column is never clustered"
        elif listed is not None and c in listed or listed is None and c in psy:
            role[c] = "feature"
        elif c in listed_profile:
            role[c], why[c] = "profile", "described, not clustered (profile_columns)"
        elif (fact := answers.relationship_fact(c, df[c], relationship)) is not None and fact not in facts:
            role[c], why[c] = "relationship", f"records the relationship with the brand ({fact}): places segments on the ocean-to-fish-bowl ladder"
            facts[fact] = c
        elif (concept := answers.demographic_concept(c, demographics)) is not None:
            if auto_profile:
                role[c], why[c] = "profile", f"demographic ({concept.replace('_', ' ')}): described, not clustered"
            else:
                role[c], why[c] = "dropped", (f"demographic ({concept.replace('_', ' ')}): never clustered; add it to "
                                              "profile_columns to describe the segments with it")
        elif sh is not None and sh.type == "date":
            role[c], why[c] = ("profile", "a date: described as days before the latest date, not clustered") \
                if auto_profile else ("dropped", "a date: not clustered; add it to profile_columns to describe segments with it")
        elif sh is not None and sh.usable and answers.is_habit_name(c, ladder) and (str(c).lower().startswith("habit_") or not (
                sh.rating and sh.rating[1] - sh.rating[0] >= 2)):  # rating items stay attitudes, whatever they mention
            role[c], why[c] = "habit", "digital habit: described and placed on the participation ladder, not clustered"
        elif listed is None and (not psy or c in psy):
            role[c] = "feature"
        else:
            role[c], why[c] = "dropped", ("not a psy_* item: not clustered (name it in features to use it)" if psy
                                          else "not listed in features: not clustered")
    if listed is None and not any(r == "feature" for r in role.values()):
        for c, r in role.items():
            if r == "habit":
                role[c], why[c] = "feature", "digital habit, clustered because the survey holds no other features"

    not_features = [c for c in reverse if role.get(c) != "feature"]
    if not_features:
        raise ParameterError("reverse_keyed", f"names columns that are not features: {', '.join(map(str, not_features))}. "
                             "Only clustered Likert items can be reversed; add them to 'features' or remove them.",
                             owner="Segmenter")

    rows, notes, problems = [], [], []
    numeric, categorical, ordinal, multi, dates = [], [], [], [], []
    habits, profile = [], []
    for c in df.columns:
        s = df[c]
        if role[c] == "id":
            rows.append(_row(c, "id", "numeric" if pd.api.types.is_numeric_dtype(s) else "text", int(s.isna().sum()), n,
                             why[c]))
            continue
        sh = shapes[c]
        n_missing = sh.missing
        if role[c] != "feature":
            if role[c] == "habit":
                habits.append(c)
            elif role[c] == "profile":
                profile.append(c)
            rows.append(_row(c, role[c], sh.type, n_missing, n, "; ".join(x for x in (why[c], sh.note) if x)))
            if role[c] in ("habit", "profile") and sh.type == "multi_select":
                rows[-1]["note"] += f"; described by {len(sh.options)} indicators (one per option)"
            continue
        note = why.get(c, "")
        if not sh.usable:
            reason = ("never clustered" if sh.id_like else "dropped")
            rows.append(_row(c, "dropped", sh.type, n_missing, n, f"{sh.note}; {reason}"))
            notes.append(f"'{c}' {sh.note}; {reason}.")
            problems.append(Problem(str(c), sh.note))
            continue
        if sh.type == "multi_select":
            multi.append(c)
            rows.append(_row(c, "dropped", "multi_select", n_missing, n,
                             f"expanded into {len(sh.options)} indicators (one per option), clustered"))
            for o in sh.options:
                rows.append(_row(f"{c}: {o}", "feature", "multi_select", n_missing, n, f"1 = chose '{o}'"))
            continue
        if sh.type == "date":
            dates.append(c)
            rows.append(_row(c, "feature", "date", n_missing, n, f"{sh.note}; clustered as days before the latest date"))
            continue
        if sh.type in ("numeric", "ordinal"):
            numeric.append(c)
            if sh.type == "ordinal":
                ordinal.append(c)
            note = "; ".join(x for x in (note, sh.note) if x)
            if sh.bad:
                note = "; ".join(x for x in (note, f"{sh.bad} answers are not numbers (e.g. {sh.bad_example}); "
                                            "treated as missing") if x)
                n_missing += sh.bad
        else:
            categorical.append(c)
        if c in reverse:
            if not sh.rating:
                raise ParameterError("reverse_keyed", f"names '{c}', which is not a rating-scale item (whole "
                                     "numbers on a scale of at most 11 points). Remove it from reverse_keyed.",
                                     owner="Segmenter")
            note = "reverse-keyed: scale reversed" + ("; " + note if note else "")
        owner = next((s for s, items in scale_items.items() if c in items), None)
        if owner is not None:
            note = (note + "; " if note else "") + f"item of scale '{owner}' (clustered through the scale score)"
        rows.append(_row(c, "feature", sh.type, n_missing, n, note))
    for name, items in scale_items.items():
        bad_items = [i for i in items if i not in numeric]
        if bad_items:
            raise ParameterError("scales", f"gives scale {name!r} items that are not numeric answers: "
                                 f"{', '.join(map(str, bad_items))}. Scales are means of rating items.", owner="Segmenter")
        rev = [i for i in items if i in reverse]
        rows.append(_row(name, "feature", "numeric", 0, n, f"scale: mean of {', '.join(map(str, items))}"
                         + (f" ({', '.join(map(str, rev))} reversed first)" if rev else "")))
    if not numeric and not categorical and not multi and not dates:
        raise DataValidationError(source, "audience", problems + [
            Problem(None, f"no usable feature is left to cluster on (all {sum(r == 'feature' for r in role.values())} "
                    "features are constant, identifiers or free text)", fix=(
                "choose features whose answers vary between respondents, e.g. features='^psy_' "
                "or a list of Likert items"))])
    lo_k = int(k_range[0]) if k_range is not None else K_MIN
    if n < max(2 * min_segment_size, 5 * lo_k, 20):
        raise DataValidationError(source, "audience", [Problem(None, f"has {n} respondents; at least "
                                  f"{max(2 * min_segment_size, 5 * lo_k, 20)} are needed for "
                                  f"{lo_k} segments of at least {min_segment_size} (min_segment_size)",
                                  fix="use a larger file or lower min_segment_size")])
    missing_cols = [r for r in rows if r["role"] == "feature" and r["missing"] and ": " not in r["column"]
                    and r["column"] not in scale_items]
    if missing_cols:
        notes.append("Missing answers were imputed (median for numbers, a separate '(no answer)' level for "
                     "categories): " + ", ".join(f"'{r['column']}' {r['missing']}" for r in missing_cols) + ".")
    ratings = {c: shapes[c].rating for c in numeric if shapes[c].rating and shapes[c].rating[1] - shapes[c].rating[0] >= 2}
    suggested = {} if scale_items or scales == "factors" else scale_tools.suggest_batteries([c for c in numeric if c in ratings])
    if scales == "suggested":
        scale_items = suggested
        if not scale_items:
            raise ParameterError("scales", "is 'suggested', but no items share a stem (A1..A5, EXT1..EXT10): there is "
                                 "no battery to suggest. Pass scales as a dict instead.", owner="Segmenter")
        for name, items in scale_items.items():
            rows.append(_row(name, "feature", "numeric", 0, n, f"scale (suggested): mean of {', '.join(map(str, items))}"))
    elif suggested:
        notes.append("Items that share a stem could be scored as scales: " + "; ".join(
            f"{s} ({', '.join(map(str, items[:3]))}{' ...' if len(items) > 3 else ''})" for s, items in suggested.items())
            + ". Pass scales='suggested' (or scales={name: [items]}) to form and name segments on scale scores.")
    shaped = [f"'{c}' ({role[c]}): {shapes[c].note}" for c in df.columns if c in shapes and role[c] in
              ("feature", "profile", "habit") and (shapes[c].type in ("multi_select", "date") or shapes[c].order)]
    if shaped:
        notes.append("Answer shapes recognised: " + "; ".join(shaped) + ".")
    if facts:
        notes.append("Brand-relationship facts read from: " + ", ".join(f"'{c}' ({f})" for f, c in facts.items()) + ".")
    table = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return FeaturePlan(numeric=numeric, categorical=categorical, ordinal=ordinal,
                       reverse_keyed=[c for c in reverse if c in numeric], profile_columns=profile,
                       id_column=id_column, table=table, notes=notes, shapes=shapes, multi_select=multi, dates=dates,
                       habits=habits, relationship=facts, scales=scale_items, factors=scales == "factors",
                       suggested_scales=suggested, battery=style.battery(ratings))

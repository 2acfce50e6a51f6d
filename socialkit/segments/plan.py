"""Survey cleaning and the feature plan: the options checked, every column's role decided, before
any clustering (step 1 of the method, see :mod:`socialkit.segments`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import tables
from ..exceptions import DataValidationError, ParameterError, Problem
from ..text import closest, file_lines, key

K_MIN, K_MAX = 2, 20
DEFAULT_K_RANGE = (2, 8)
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
ID_NAME = re.compile(r"(^|[\s_\-])(id|uuid|guid|e-?mail|email address|phone)$|^(id|uuid|guid)([\s_\-]|$)"
                     r"|^(respondent|record|customer|member)([\s_\-]?(no|nr|number|#|code))?$", re.I)
#: Column names read as demographics when profile_columns is "auto" (matched on the normalised name).
DEMOGRAPHIC_NAME = re.compile(r"^(age|gender|sex|region|country|state|city|income\w*|education|occupation|"
                              r"household\w*|marital\w*)(_|$)")


# --------------------------------------------------------------------------- parameters


def _bad(name: str, expected: str, got: Any) -> ParameterError:
    return ParameterError(name, f"must be {expected}. Got {got!r} instead.", owner="Segmenter")


def is_int(v: Any) -> bool:
    """An int (numpy ints included), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def validate_options(*, k: Any = "auto", k_range: Any = DEFAULT_K_RANGE, min_segment_size: Any = 30,
                     random_state: Any = 0, small_segments: Any = "merge", reverse_keyed: Any = (),
                     features: Any = None, profile_columns: Any = None, id_column: Any = None,
                     n_init: Any = 4) -> tuple[int, int]:
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
    """The first column named like an identifier or holding one different text per row, or None."""
    for c in df.columns:
        if ID_NAME.search(str(c)) or (not pd.api.types.is_numeric_dtype(df[c]) and looks_like_id(df[c], c)):
            return c
    return None


def plan_features(df: pd.DataFrame, *, features: Any = None, profile_columns: Any = "auto",
                  id_column: str | None = "auto", reverse_keyed: Sequence[str] = (),
                  min_segment_size: int = 30, k: Any = "auto", k_range: Sequence[int] = DEFAULT_K_RANGE,
                  synonyms: pd.DataFrame | None = None) -> FeaturePlan:
    """Check the parameters against the file and decide each column's role, before any work.

    ``features``: a list of column names, a regular expression, or None (the ``psy_*`` columns when
    there are any, else every column that is not the id or a profile column). ``profile_columns``:
    a list, a regex, "auto" (columns named like demographics: age, gender, region, income ...) or
    None. ``id_column``: a name, "auto" (detected) or None (no identifier). ``synonyms``: the answer
    synonyms table (default: the kit's). Raises :class:`ParameterError` for names that are not in the
    file and :class:`DataValidationError` when no usable feature is left (e.g. all constant) or there
    are too few respondents.
    """
    validate_options(features=features, profile_columns=None if profile_columns == "auto" else profile_columns,
                     id_column=id_column, reverse_keyed=reverse_keyed, min_segment_size=min_segment_size,
                     k=k, k_range=k_range)
    if not isinstance(df, pd.DataFrame) or df.shape[1] == 0:
        raise DataValidationError("<table>", "audience", [Problem(None, "has no columns", fix="load a survey file")])
    synonyms = tables.load("answer_synonyms") if synonyms is None else synonyms
    source = df.attrs.get("source", "<table>")
    if id_column == "auto":
        id_column = detect_id_column(df)
    elif id_column is not None:
        id_column = resolve_columns(df, [id_column], "id_column")[0]
    if profile_columns == "auto":
        profile = [c for c in df.columns if DEMOGRAPHIC_NAME.search(key(c)) and c != id_column]
    else:
        profile = resolve_columns(df, profile_columns, "profile_columns")
    if features is None:
        psy = [c for c in df.columns if str(c).lower().startswith("psy_")]
        candidates = psy or [c for c in df.columns if c != id_column and c not in profile]
    else:
        candidates = resolve_columns(df, features, "features")
    reverse = resolve_columns(df, list(reverse_keyed), "reverse_keyed")
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
        answered = present(s)
        n_missing = int(n - answered.sum())
        row = dict(column=str(col), role="feature", type="", missing=n_missing,
                   missing_share=round(n_missing / n, 4) if n else 0.0, note="")
        if col == id_column:
            row.update(role="id", note="the id column is never clustered")
            rows.append(row)
            continue
        nums = to_numbers(s)
        parsed = nums.notna() & answered
        if not answered.any():
            row.update(role="dropped", type="empty", note="no answers at all (every cell blank); dropped")
        elif parsed.sum() >= NUMERIC_SHARE * answered.sum():
            bad = answered & nums.isna()
            if looks_like_id(nums[parsed], col):
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
                                   f"{file_lines(s.index[bad][:1])[0]}); treated as missing")
                    row["missing"] = n_missing + int(bad.sum())
                    row["missing_share"] = round(row["missing"] / n, 4)
        else:
            levels = clean_levels(s, col, synonyms=synonyms)
            n_levels = levels.nunique()
            if looks_like_id(levels, col):
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
        n_missing = int(n - present(s).sum())
        kind = "numeric" if to_numbers(s).notna().sum() >= NUMERIC_SHARE * max(present(s).sum(), 1) else "categorical"
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

"""The shapes of real survey answers and the names of real survey columns.

* Headers: :func:`header_text` reads a header however it is phrased ("1. What is your age?",
  ``Year_Birth``, ``MaritalStatus``, "Income [EUR]"); :func:`label_for` makes a short readable label
  of it (numbering and filler stripped, never cut mid-word).
* What a column is about, from its header: a demographic (:func:`demographic_concept`, the editable
  ``demographic_names`` table), a fact about the relationship with the brand
  (:func:`relationship_fact`, the ``relationship_columns`` table), a digital habit (:func:`is_habit_name`).
* What its answers are: several options in one cell (:func:`multi_select_options`,
  :func:`indicators`), ordered answer bands (:func:`band_order`: the ``answer_bands`` vocabulary, or
  numeric bands such as "less than an hour" ... "more than 5 hours"), dates (:func:`to_dates`).
"""

from __future__ import annotations

import math
import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import tables
from ..text import FALSE_WORDS, MULTI_SEP, TRUE_WORDS, key, shorten, split_multi, words

#: Words that make a header a digital habit (matched on the header's words).
HABIT_WORDS = re.compile(r"\b(social media|social networks?|platforms?|apps?|online|internet|screen time|"
                         r"time (you )?spen[dt]|hours?|minutes?|posts?|websites?|channels? you)\b")
#: A multi-select column has at most this many options; rarer options are pooled into "(other)".
MAX_OPTIONS = 40
#: Share of answered cells that must hold several options for a column to be multi-select.
MULTI_SHARE = 0.1
#: Share of answered cells that must read as dates (or as one answer band vocabulary) for the column to be typed so.
SHAPE_SHARE = 0.9
#: Rows looked at to recognise a column's shape (the decision is then applied to every row).
SHAPE_ROWS = 20_000
OTHER_OPTION = "(other)"

_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*(?:[.):\]]|\s-\s)\s*", re.I)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_FILLER = [re.compile(p, re.I) for p in (
    r"^on a scale (of|from) \d+ (to|-) \d+,?\s*", r"^(please\s+)?(indicate|rate|tell us)\s+",
    r"^(what|which)\s+(is|are|was|were)\s+(your|the)\s+", r"^(what|which)\s+",
    r"^(do|did|does|would|will|are|have|can)\s+you\s+", r"^(in general|overall),?\s+")]
_DO_YOU = re.compile(r"\b(do|did|does)\s+you\b", re.I)
_TRAILING = re.compile(r",?\s*\b(generally speaking|in general|overall|these days|on average|if any)$", re.I)
_DATE_LIKE = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
                        r"([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\s*([ap]m)?)?\s*(z|[+-]\d{2}:?\d{2})?\s*$", re.I)
_NUMBER_WORDS = {"an": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "half an": 0.5, "half a": 0.5}
_LESS = re.compile(r"\b(less|fewer|under|below|up to|at most)\b|<")
_MORE = re.compile(r"\b(more|over|above|greater|at least|or more|and over|plus)\b|\+|>")


# --------------------------------------------------------------------------- headers


def header_text(column: object) -> str:
    """A header as plain words: question numbering ("1.", "Q7:"), the kit's ``psy_``/``habit_``
    prefixes and units in brackets removed, CamelCase and snake_case split, the final "?" dropped.
    ``header_text("1. What is your age?") == "What is your age"``, ``header_text("Year_Birth") == "Year Birth"``."""
    text = _NUMBERING.sub("", str(column))
    text = re.sub(r"^(psy|habit)[_\s]+", "", text, flags=re.I)
    text = re.sub(r"\s*[\(\[].*?[\)\]]", "", text)
    text = _CAMEL.sub(" ", text)
    text = re.sub(r"[_\s]+", " ", text).strip().rstrip("?:.!").strip()
    return text or str(column).strip()


def header_words(column: object) -> str:
    """:func:`header_text` in lower case with punctuation removed (for matching name patterns)."""
    return words(header_text(column))


def label_for(column: object, limit: int = 40) -> str:
    """A short readable label of a column: :func:`header_text` with filler removed ("What is your",
    "On a scale of 1 to 5", "do you"), at most ``limit`` characters, cut only between words.
    ``label_for("8. What is the average time you spend on social media every day?")`` is
    "average time you spend on social media…"."""
    text = header_text(column)
    for pattern in _FILLER:
        text = pattern.sub("", text).strip()
    text = _DO_YOU.sub("you", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:-") or header_text(column)
    head, _, rest = text.partition(", ")
    if rest and len(head.split()) <= 5 and len(rest.split()) >= 3:
        text = rest  # a leading clause: "Following the previous question, how ..."
    text = _TRAILING.sub("", text).strip(" ,;:-") or text
    words_ = text.split(" ")
    if len(words_) > 1:  # "How Often" / "Mnt Wines": lower case, but keep acronyms and names like YouTube
        words_ = [w.lower() if re.fullmatch(r"[A-Z][a-z]+", w) else w for w in words_]
    return shorten(" ".join(words_), limit)


# --------------------------------------------------------------------------- what a column is about


def _first_match(text: str, table: pd.DataFrame, what: str) -> str | None:
    for value, pattern in zip(table[what], table["pattern"]):
        if re.search(pattern, text):
            return str(value)
    return None


def demographic_concept(column: object, names: pd.DataFrame | None = None) -> str | None:
    """The demographic a header asks about (age, year_of_birth, gender, relationship_status,
    occupation, education, income, children, household, region), or None; patterns from the
    ``demographic_names`` table, matched on :func:`header_words`."""
    names = tables.load("demographic_names") if names is None else names
    return _first_match(header_words(column), names, "concept")


def yes_no_share(s: pd.Series) -> float:
    """Share of the answered cells that read as yes/no (true/false, 1/0, or a share between 0 and 1)."""
    vals = s.dropna()
    if not len(vals):
        return 0.0
    if pd.api.types.is_bool_dtype(vals):
        return 1.0
    if pd.api.types.is_numeric_dtype(vals):
        return float(vals.between(0, 1).mean())
    txt = vals.astype(str).str.strip().str.lower()
    txt = txt[txt != ""]
    return float(txt.isin(TRUE_WORDS | FALSE_WORDS | {"yes", "no"}).mean()) if len(txt) else 0.0


def yes_values(s: pd.Series) -> pd.Series:
    """A yes/no column as 1.0 / 0.0 (numbers kept as shares; blanks NaN)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    txt = s.astype("string").str.strip().str.lower()
    out = pd.Series(np.where(txt.isin(TRUE_WORDS | {"yes"}), 1.0, np.where(txt.isin(FALSE_WORDS | {"no"}), 0.0, np.nan)),
                    index=s.index)
    return out.where(txt.notna() & (txt != ""), np.nan)


def relationship_fact(column: object, s: pd.Series | None = None, relationship: pd.DataFrame | None = None) -> str | None:
    """The fact about the relationship *with the brand* a column records (opt_in, private_community,
    psychographic_insight for known preferences, personalised, public_network), or None: its header
    matches the ``relationship_columns`` table and (when ``s`` is given) its answers are yes/no."""
    relationship = tables.load("relationship_columns") if relationship is None else relationship
    fact = _first_match(header_words(column), relationship, "fact")
    if fact is None or (s is not None and yes_no_share(s) < SHAPE_SHARE):
        return None
    return fact


def relationship_examples(relationship: pd.DataFrame | None = None) -> dict[str, str]:
    """For each fact, the documented column name that records it (the table's ``example``)."""
    relationship = tables.load("relationship_columns") if relationship is None else relationship
    out: dict[str, str] = {}
    for fact, example in zip(relationship["fact"], relationship["example"]):
        if example and fact not in out:
            out[str(fact)] = str(example)
    return out


def is_habit_name(column: object, ladder: pd.DataFrame | None = None) -> bool:
    """A digital-habit column by name: ``habit_*``, a participation-ladder rung's pattern (on the
    header's key), or habit words (social media, platforms, time spent, hours online ...)."""
    if str(column).lower().startswith("habit_"):
        return True
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    k = key(header_text(column))
    if any(p and re.search(p, k) for p in ladder["column_pattern"]):
        return True
    return bool(HABIT_WORDS.search(header_words(column)))


# --------------------------------------------------------------------------- answer shapes


def _sample(s: pd.Series, rows: int = SHAPE_ROWS) -> pd.Series:
    return s if len(s) <= rows else s.iloc[np.linspace(0, len(s) - 1, rows).astype(int)]


def _answered_text(s: pd.Series) -> pd.Series:
    txt = _sample(s).dropna().astype(str).str.strip()
    return txt[(txt != "") & ~txt.str.lower().isin({"n/a", "na", "nan", "null", "none", "-", "--", "?", "#n/a",
                                                     "missing", "no answer"})]


def multi_select_options(s: pd.Series) -> list[str] | None:
    """The options of a multi-select column (several answers in one cell separated by commas,
    semicolons or bars: "Facebook, Instagram, YouTube"), in order of popularity, with their most
    common spelling; None when the column is not multi-select.

    A column is multi-select when at least 10% of its answered cells hold a separator, its cells
    split into at most 40 options, there are fewer options than different cells (people combine
    them), and at least two options come in several combinations. One-answer columns whose answers
    contain commas ("Yes, definitely") fail the last two tests."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return None
    txt = _answered_text(s)
    if len(txt) < 5 or txt.str.contains(MULTI_SEP, regex=True).mean() < MULTI_SHARE:
        return None
    cells = txt.value_counts()
    spelling: dict[str, dict[str, int]] = {}
    in_cells: dict[str, int] = {}
    count: dict[str, int] = {}
    for cell, n in cells.items():
        for part in (p.strip() for p in re.split(MULTI_SEP, cell)):
            if not part:
                continue
            low = part.lower()
            spelling.setdefault(low, {}).setdefault(part, 0)
            spelling[low][part] += n
            in_cells[low] = in_cells.get(low, 0) + 1
            count[low] = count.get(low, 0) + n
    if len(count) > MAX_OPTIONS * 3 or len(count) >= len(cells) or sum(v >= 2 for v in in_cells.values()) < 2:
        return None
    common = [o for o in sorted(count, key=lambda o: (-count[o], o)) if count[o] >= 0.01 * len(txt)]
    if len(common) < 2 or len(common) > MAX_OPTIONS:
        return None
    return [max(spelling[o], key=lambda sp: (spelling[o][sp], sp)) for o in common]


def indicators(s: pd.Series, options: Sequence[str], column: str | None = None) -> pd.DataFrame:
    """One 0/1 column per option of a multi-select column (named "<column>: <option>"), and an
    "(other)" column for options not listed; blank cells give NaN on every indicator."""
    name = str(column if column is not None else s.name)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    low = [o.lower() for o in options]
    mat = np.zeros((len(uniques) + 1, len(options) + 1), dtype=np.float32)
    mat[-1, :] = np.nan  # the row used for missing cells
    for i, cell in enumerate(uniques):
        chosen = split_multi(cell)
        if not chosen or all(c in {"n/a", "na", "nan", "none", "no answer", "-"} for c in chosen):
            mat[i, :] = np.nan
            continue
        for c in chosen:
            if c in low:
                mat[i, low.index(c)] = 1.0
            else:
                mat[i, -1] = 1.0
    rows = mat[np.where(codes >= 0, codes, len(uniques))]
    cols = [f"{name}: {o}" for o in options] + [f"{name}: {OTHER_OPTION}"]
    out = pd.DataFrame(rows, columns=cols, index=s.index)
    if not np.nansum(out.iloc[:, -1].to_numpy()):
        out = out.iloc[:, :-1]
    return out


def _band_number(text: str) -> list[float]:
    t = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    for word, value in sorted(_NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        t = re.sub(rf"\b{word}\b(?=\s+[a-z])", str(value), t)
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    nums = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(k|m)?\b", t):
        v = float(m.group(1)) * {"k": 1e3, "m": 1e6}.get(m.group(2) or "", 1)
        nums.append(v)
    return nums


def band_interval(text: str) -> tuple[float, float] | None:
    """The interval an answer band names: "less than an hour" -> (-inf, 1), "between 1 and 2
    hours" -> (1, 2), "25k-50k" -> (25000, 50000), "more than 5 hours" / "100k+" -> (5, inf);
    None when the text holds no number."""
    nums = _band_number(text)
    if not nums:
        return None
    t = text.lower()
    if _LESS.search(t):
        return (-math.inf, nums[0])
    if _MORE.search(t):
        return (nums[0], math.inf)
    if len(nums) >= 2:
        return (nums[0], nums[1])
    return (nums[0], nums[0])


def band_value(interval: tuple[float, float]) -> float:
    """A representative number of a band: its middle; half the bound of "less than X"; X for "more than X"."""
    lo, hi = interval
    if lo == -math.inf:
        return hi / 2
    if hi == math.inf:
        return lo
    return (lo + hi) / 2


def band_order(levels: Sequence[str], counts: Sequence[int] | None = None,
               bands: pd.DataFrame | None = None) -> tuple[dict[str, float], str] | None:
    """Whether tidy (lower-case) answers are ordered bands, and their order: ``({answer: rank},
    vocabulary)`` or None. Word scales come from the ``answer_bands`` table (never ... always,
    strongly disagree ... strongly agree); numeric bands ("less than X" ... "more than Y") are
    ordered by their numbers. At least 90% of the answers (weighted by ``counts``) must belong."""
    levels = [str(v) for v in levels]
    if len(levels) < 2:
        return None
    weights = np.asarray(counts if counts is not None else [1] * len(levels), dtype=float)
    bands = tables.load("answer_bands") if bands is None else bands
    best = None
    for scale, rows in bands.groupby("scale", sort=False):
        ranks = dict(zip(rows["answer"], rows["rank"]))
        inside = np.array([lv in ranks for lv in levels])
        covered = weights[inside].sum() / weights.sum()
        if covered >= SHAPE_SHARE and inside.sum() >= 2 and (best is None or covered > best[0]):
            best = (covered, {lv: float(ranks[lv]) for lv in levels if lv in ranks}, str(scale))
    if best is not None:
        return best[1], best[2]
    intervals = {lv: band_interval(lv) for lv in levels}
    inside = np.array([iv is not None for iv in intervals.values()])
    if weights[inside].sum() / weights.sum() < SHAPE_SHARE:
        return None
    found = {lv: iv for lv, iv in intervals.items() if iv is not None}
    ranged = [lv for lv, iv in found.items() if iv[0] != iv[1]]
    if not ranged or len(set(found.values())) < len(found) or len(found) < 3:
        return None  # plain numbers are numbers, not bands; two bands are a yes/no split
    order = sorted(found, key=lambda lv: found[lv])
    return {lv: float(i + 1) for i, lv in enumerate(order)}, "numeric bands"


def band_values(levels: Mapping[str, float]) -> dict[str, float]:
    """A representative number for each band of a numeric band scale (for habit rates), e.g. hours."""
    out = {}
    for lv in levels:
        iv = band_interval(lv)
        if iv is not None:
            out[lv] = band_value(iv)
    return out


def _date_format(sample: pd.Series) -> tuple[bool, bool]:
    """(day first, year first) for the distinct date texts of a column: ISO dates are year first;
    otherwise the first part is a day when some first part exceeds 12 or no second part does."""
    parts = sample.str.extract(r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})").dropna().astype(int)
    if parts.empty:
        return False, False
    if (parts[0] > 31).all():
        return False, True
    first_big, second_big = (parts[0] > 12).any(), (parts[1] > 12).any()
    return bool(first_big or not second_big), False


def to_dates(s: pd.Series, *, force: bool = False) -> pd.Series | None:
    """The column as dates (datetime64, NaT for blanks) when at least 90% of its answered cells
    read as dates (2012-09-04, 04-09-2012, 4/18/2022 19:18:47 ...); None otherwise (``force``: always
    the dates that parse, for a column already known to hold dates). Day and month
    order is read from the values (a first part above 12 is a day); when every part is 12 or less
    the day is taken first."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return None
    txt = _answered_text(s)
    if not force and (len(txt) < 5 or txt.str.match(_DATE_LIKE).mean() < SHAPE_SHARE):
        return None
    distinct = pd.Series(txt.unique())
    dayfirst, yearfirst = _date_format(distinct)
    codes, uniques = pd.factorize(s.astype("string").str.strip(), use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce", dayfirst=dayfirst,
                            yearfirst=yearfirst, format="mixed")
    out = np.where(codes >= 0, parsed.to_numpy()[np.maximum(codes, 0)] if len(parsed) else np.datetime64("NaT"),
                   np.datetime64("NaT"))
    dates = pd.Series(pd.to_datetime(out), index=s.index)
    answered = s.notna() & (s.astype("string").str.strip() != "")
    if not force and answered.sum() and dates[answered].notna().mean() < SHAPE_SHARE:
        return None
    return dates


def days_before_latest(dates: pd.Series, latest: pd.Timestamp | None = None) -> pd.Series:
    """Whole days from each date to ``latest`` (default: the latest date in the column): a tenure
    for "customer since" dates, a recency for "last order" dates."""
    latest = dates.max() if latest is None else latest
    return ((latest - dates).dt.total_seconds() / 86400.0).round(0)

"""Data contracts for the kit's inputs, as pandera models.

Each model is the contract of one input kind (see docs/data-contracts.md). Loading
(:mod:`socialkit.io`) coerces types itself so that one pass reports *every* problem:
missing columns, values of the wrong type, and values out of range, together.
"""

from __future__ import annotations

from typing import Callable, Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .exceptions import Problem

LIKERT_MIN, LIKERT_MAX = 1, 5
NORMS = ("content", "collaboration", "community", "collective_intelligence")
AUDIENCES = ("customers", "partners", "employees")
STATUSES = ("idea", "planned", "active", "paused", "retired")
#: Separators accepted inside a multi-valued cell ("marketing; sales", "marketing|sales").
MULTI_SEP = r"\s*[;|,]\s*"


def split_multi(value: object) -> list[str]:
    """Split a multi-valued cell into clean, lower-case, de-duplicated items ('' and NaN give [])."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    items = pd.Series([str(value)]).str.split(MULTI_SEP, regex=True).iloc[0]
    return list(dict.fromkeys(i.strip().lower() for i in items if i and i.strip()))


class _Contract(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False  # extra columns are kept and ignored


class Initiatives(_Contract):
    """Social initiatives of one organisation, for the Venn model (DOMAIN.md sections 2 and 7)."""

    initiative: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    functions: Series[str] = pa.Field(nullable=True)  # multi-valued, e.g. "marketing; sales"
    goal: Optional[Series[str]] = pa.Field(nullable=True)
    owner: Optional[Series[str]] = pa.Field(nullable=True)
    kpi: Optional[Series[str]] = pa.Field(nullable=True)
    audience: Optional[Series[str]] = pa.Field(nullable=True)  # multi-valued subset of AUDIENCES
    norm: Optional[Series[str]] = pa.Field(nullable=True, isin=list(NORMS))
    status: Optional[Series[str]] = pa.Field(nullable=True, isin=list(STATUSES))


class Assessment(_Contract):
    """Answers to the depth questionnaire: one row per business function and question (0-5)."""

    function: Series[str]
    question: Series[str]
    answer: Series[float] = pa.Field(nullable=True, ge=0, le=5)


class Readiness(_Contract):
    """Answers to the readiness questionnaire: one row per question (0-5), for the whole organisation."""

    question: Series[str]
    answer: Series[float] = pa.Field(nullable=True, ge=0, le=5)


class Programmes(_Contract):
    """Observable facts about each social programme, to place it on the ocean-to-fish-bowl ladder."""

    programme: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    public_network: Series[bool]
    private_community: Series[bool]
    opt_in: Series[bool]
    psychographic_insight: Series[bool]
    personalised: Series[bool]


class Audience(_Contract):
    """Audience survey: psychographic Likert items (psy_*), digital habits (habit_*), demographics."""

    respondent_id: Series[str] = pa.Field(unique=True)
    psy: Series[float] = pa.Field(alias=r"^psy_", regex=True, nullable=True, ge=LIKERT_MIN, le=LIKERT_MAX)
    habit: Series[float] = pa.Field(alias=r"^habit_", regex=True, nullable=True, ge=0)
    age: Optional[Series[float]] = pa.Field(nullable=True, ge=13, le=110)
    gender: Optional[Series[str]] = pa.Field(nullable=True)
    region: Optional[Series[str]] = pa.Field(nullable=True)


_METRIC = dict(nullable=True, ge=0)


class Posts(_Contract):
    """Post-level social metrics from any platform export; only channel, reach-or-impressions and
    one engagement column are required (see ``posts_table_checks``)."""

    post_id: Optional[Series[str]] = pa.Field(nullable=True)
    date: Optional[Series[pa.DateTime]] = pa.Field(nullable=True)
    month: Optional[Series[str]] = pa.Field(nullable=True)
    weekday: Optional[Series[str]] = pa.Field(nullable=True)
    hour: Optional[Series[float]] = pa.Field(nullable=True, ge=0, le=23)
    channel: Series[str]
    post_type: Optional[Series[str]] = pa.Field(nullable=True)
    paid: Optional[Series[bool]] = pa.Field(nullable=True)
    reach: Optional[Series[float]] = pa.Field(**_METRIC)
    impressions: Optional[Series[float]] = pa.Field(**_METRIC)
    likes: Optional[Series[float]] = pa.Field(**_METRIC)
    comments: Optional[Series[float]] = pa.Field(**_METRIC)
    shares: Optional[Series[float]] = pa.Field(**_METRIC)
    saves: Optional[Series[float]] = pa.Field(**_METRIC)
    clicks: Optional[Series[float]] = pa.Field(**_METRIC)
    followers: Optional[Series[float]] = pa.Field(**_METRIC)
    sentiment: Optional[Series[float]] = pa.Field(nullable=True, ge=-1, le=1)
    opt_ins: Optional[Series[float]] = pa.Field(**_METRIC)
    leads: Optional[Series[float]] = pa.Field(**_METRIC)
    orders: Optional[Series[float]] = pa.Field(**_METRIC)
    revenue: Optional[Series[float]] = pa.Field(**_METRIC)


class Objectives(_Contract):
    """Measurement objectives: which metric, which target, optionally per channel."""

    objective: Series[str] = pa.Field(unique=True)
    metric: Series[str]
    target: Series[float]
    channel: Optional[Series[str]] = pa.Field(nullable=True)


REACH_COLUMNS = ("reach", "impressions")
ENGAGEMENT_COLUMNS = ("likes", "comments", "shares", "saves", "clicks")


def posts_table_checks(df: pd.DataFrame) -> list[Problem]:
    """Table-level rules of the posts contract that no single column can express."""
    problems = []
    if not any(c in df.columns for c in REACH_COLUMNS):
        problems.append(Problem(None, "needs a reach or an impressions column", fix=(
            "add one, or map your export's column onto it, e.g. column_map={'Post reach': 'reach'}")))
    if not any(c in df.columns for c in ENGAGEMENT_COLUMNS):
        problems.append(Problem(None, f"needs at least one engagement column ({', '.join(ENGAGEMENT_COLUMNS)})", fix=(
            "map your export's engagement column, e.g. column_map={'Reactions': 'likes'}")))
    if "post_id" in df.columns:  # one row per post: a repeated id would count the post twice
        ids = df["post_id"].astype("string").str.strip()
        dup = ids.notna() & (ids != "") & ids.duplicated(keep=False)
        if dup.any():
            problems.append(Problem("post_id", "values must be unique (each post once)",
                                    rows=[int(i) + 2 for i in df.index[dup]], values=ids[dup].tolist()[:5],
                                    n_failed=int(dup.sum()), fix=(
                                        "remove the repeated rows (was the export appended twice?); if the rows "
                                        "are daily snapshots of the same posts, keep the last one per post")))
    return problems


def initiatives_table_checks(df: pd.DataFrame) -> list[Problem]:
    """Audience cells must name customers, partners and/or employees."""
    if "audience" not in df.columns:
        return []
    bad = [(i, a) for i, v in df["audience"].items() for a in split_multi(v) if a not in AUDIENCES]
    if not bad:
        return []
    return [Problem("audience", f"must name only {', '.join(AUDIENCES)}",
                    rows=[int(i) + 2 for i, _ in bad], values=[a for _, a in bad],
                    fix="separate several audiences with ';', e.g. 'customers; employees'")]


#: Contract of each input kind: (model, table-level checks).
CONTRACTS: dict[str, tuple[type[_Contract], Callable[[pd.DataFrame], list[Problem]] | None]] = {
    "initiatives": (Initiatives, initiatives_table_checks),
    "assessment": (Assessment, None),
    "readiness": (Readiness, None),
    "programmes": (Programmes, None),
    "audience": (Audience, None),
    "posts": (Posts, posts_table_checks),
    "objectives": (Objectives, None),
}
KINDS = tuple(CONTRACTS)

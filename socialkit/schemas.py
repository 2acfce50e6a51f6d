"""Data contracts for the kit's inputs, as pandera models.

Each model is the contract of one input kind (see docs/inputs.md); :data:`TABLES` holds the models
of the kit's editable tables (loaded by :mod:`socialkit.tables`). Loading
(:mod:`socialkit.io`) coerces types itself so that one pass reports *every* problem:
missing columns, values of the wrong type, and values out of range, together.
"""

from __future__ import annotations

import re
import sys
from typing import Callable, Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .exceptions import Problem
from .text import MULTI_SEP, file_lines, is_blank, key, split_multi


def _skip_unused_frame_libraries() -> bool:
    """Building a model's schema (``to_schema()``, on the first validation of each input kind) asks
    pandera which annotations are index and series types, and pandera answers by importing its
    typing modules for every installed frame library: dask is installed for the batch engine, so
    ``dask.dataframe`` was imported (0.25 s of CPU in the kernel zygote's start, 0.5 s in the batch
    workers' preload) only to learn that the kit's ``Series[...]`` annotations are not dask series.
    A model can carry another library's types only if its pandera typing module was imported: until
    one is, the answer is pandas' own types (what pandera answers for pandas annotations); once one
    is, pandera's own answer is used. Where pandera's internals differ, nothing is changed; a test
    checks the kit's schemas are the same either way."""
    try:  # pandera's internals: only here, and optional
        import pandera.typing as typing  # (already imported: pandera.typing.Series above)
        from pandera.api.pandas import model  # internals
        from pandera.typing import Index  # (already imported)

        series_types, index_types = model.get_series_types, model.get_index_types
    except (ImportError, AttributeError):
        return False
    if getattr(series_types, "_socialkit_original", None):
        return True
    others = tuple(f"pandera.typing.{name}" for name in ("dask", "modin", "pyspark", "geopandas"))

    def pandas_only(original, pandas_types):
        def types():
            return original() if any(name in sys.modules for name in others) else pandas_types
        types._socialkit_original = original  # type: ignore[attr-defined]
        return types

    model.get_series_types = pandas_only(series_types, {typing.Series})
    model.get_index_types = pandas_only(index_types, {Index})
    return True


FAST_SCHEMAS = _skip_unused_frame_libraries()

LIKERT_MIN, LIKERT_MAX = 1, 5
NORMS = ("content", "collaboration", "community", "collective_intelligence")
#: Other names of the norms an initiatives file may use (matched by :func:`socialkit.text.key`).
NORM_ALIASES = {"user_generated_content": "content", "ugc": "content", "collective_wisdom": "collective_intelligence"}
AUDIENCES = ("customers", "partners", "employees")
STATUSES = ("idea", "planned", "active", "paused", "retired")
#: Rungs of the vanity -> business metric ladder.
RUNGS = ("relationships", "engagement", "revenue")
#: Answer scales a questionnaire item may use.
ANSWER_SCALES = ("yes_no", "1-5")
#: Facts about a programme or segment that place it on the intimacy ladder.
INTIMACY_FACTS = ("public_network", "private_community", "opt_in", "psychographic_insight", "personalised")


def blank_and_repeated(raw: pd.Series, keys: pd.Series, *, blank: tuple[str, str],
                       repeated: tuple[str, str]) -> list[Problem]:
    """Problems for blank keys and for keys given more than once (``blank``/``repeated`` are
    (check, fix) texts); lines are file lines of ``raw``'s rows."""
    problems = []
    empty = keys == ""
    if empty.any():
        problems.append(Problem(raw.name, blank[0], rows=file_lines(raw.index[empty]), fix=blank[1]))
    dup = keys.duplicated(keep=False) & ~empty
    if dup.any():
        problems.append(Problem(raw.name, repeated[0], rows=file_lines(raw.index[dup]),
                                values=raw[dup].tolist(), fix=repeated[1]))
    return problems


class _Contract(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False  # extra columns are kept and ignored


class Initiatives(_Contract):
    """Social initiatives of one organisation, for the Venn model (see docs/venn.md)."""

    initiative: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    functions: Series[str] = pa.Field(nullable=True)  # multi-valued, e.g. "marketing; sales"
    goal: Optional[Series[str]] = pa.Field(nullable=True)
    owner: Optional[Series[str]] = pa.Field(nullable=True)
    kpi: Optional[Series[str]] = pa.Field(nullable=True)
    audience: Optional[Series[str]] = pa.Field(nullable=True)  # multi-valued subset of AUDIENCES
    norm: Optional[Series[str]] = pa.Field(nullable=True)  # multi-valued subset of NORMS (or NORM_ALIASES)
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
    engagements: Optional[Series[float]] = pa.Field(**_METRIC)  # the platform's own total of interactions
    media_views: Optional[Series[float]] = pa.Field(**_METRIC)
    profile_clicks: Optional[Series[float]] = pa.Field(**_METRIC)
    follows: Optional[Series[float]] = pa.Field(**_METRIC)  # follows gained from the post: audience growth
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
    initiative: Optional[Series[str]] = pa.Field(nullable=True)  # multi-valued: the initiatives that deploy it


class Trust(_Contract):
    """Trust measured for the whole organisation, period by period (e.g. a net promoter score or a
    trust survey score): one row per period and measure."""

    period: Series[str]
    measure: Series[str]
    value: Series[float]


class PracticeAnswers(_Contract):
    """Answers to the presence / platform / purpose questionnaire, for the whole organisation: one
    row per question; answers are numbers (0/1, 1-5) or, for list questions, names separated by ';'."""

    question: Series[str]
    answer: Series[str] = pa.Field(nullable=True)


REACH_COLUMNS = ("reach", "impressions")
ENGAGEMENT_COLUMNS = ("likes", "comments", "shares", "saves", "clicks", "engagements")


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
                                    rows=file_lines(df.index[dup]), values=ids[dup].tolist()[:5],
                                    n_failed=int(dup.sum()), fix=(
                                        "remove the repeated rows (was the export appended twice?); if the rows "
                                        "are daily snapshots of the same posts, keep the last one per post")))
    return problems


def norm_id(name: str) -> str | None:
    """The norm a name means (a norm of :data:`NORMS` or an alias, any case or punctuation), or None."""
    k = key(name)
    return k if k in NORMS else NORM_ALIASES.get(k)


def initiatives_table_checks(df: pd.DataFrame) -> list[Problem]:
    """Audience cells must name customers, partners and/or employees; norm cells one or several of
    the four norms (separated like functions)."""
    problems = []
    if "audience" in df.columns:
        bad = [(i, a) for i, v in df["audience"].items() for a in split_multi(v) if a not in AUDIENCES]
        if bad:
            problems.append(Problem("audience", f"must name only {', '.join(AUDIENCES)}",
                                    rows=file_lines(i for i, _ in bad), values=[a for _, a in bad],
                                    fix="separate several audiences with ';', e.g. 'customers; employees'"))
    if "norm" in df.columns:
        bad = [(i, n) for i, v in df["norm"].items() for n in split_multi(v) if norm_id(n) is None]
        if bad:
            problems.append(Problem("norm", f"must name only {', '.join(NORMS)}",
                                    rows=file_lines(i for i, _ in bad), values=[n for _, n in bad],
                                    fix="separate several norms with ';', e.g. 'community; collective_intelligence' "
                                        "(user-generated content counts as content)"))
    return problems


#: Contract of each input kind: (model, table-level checks).
CONTRACTS: dict[str, tuple[type[_Contract], Callable[[pd.DataFrame], list[Problem]] | None]] = {
    "initiatives": (Initiatives, initiatives_table_checks),
    "assessment": (Assessment, None),
    "readiness": (Readiness, None),
    "programmes": (Programmes, None),
    "audience": (Audience, None),
    "posts": (Posts, posts_table_checks),
    "objectives": (Objectives, None),
    "trust": (Trust, None),
    "practices": (PracticeAnswers, None),
}
KINDS = tuple(CONTRACTS)


# --------------------------------------------------------------------------- editable tables
# The kit's own tables in socialkit/data (loaded by socialkit.tables). ``source`` says where each
# row comes from: one of the essays, a named framework, or "kit assumption" (docs/model.md); several
# are separated by "; ", each optionally followed by what it covers in brackets.

#: The five essays the kit implements, by title (docs/model.md; the first has no title of its own and
#: is named by its opening words).
ESSAYS = ("Enterprise Social Alignment", "Social media ≠ Social business",
          "Decoding Social Media Marketing", "Social Business or Social Media: A Visual Perspective",
          "Social Media vs. Social Business")
#: Named external frameworks the kit's tables borrow from.
FRAMEWORKS = ("Forrester's Social Technographics", "Net Promoter Score")
#: What the ``source`` of a number the kit chose itself says.
KIT_ASSUMPTION = "kit assumption"


class _Table(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False

    source: Optional[Series[str]] = pa.Field(nullable=True)


class FunctionsTable(_Table):
    """Business functions of the Venn model: an id, a label and a description."""

    function: Series[str] = pa.Field(nullable=True)
    label: Optional[Series[str]] = pa.Field(nullable=True)
    description: Optional[Series[str]] = pa.Field(nullable=True)


class PlaybookTable(_Table):
    """The goal -> tactic playbook, with the functions each tactic serves."""

    goal_id: Series[str] = pa.Field(unique=True)
    goal: Series[str]
    tactic: Series[str]
    functions: Series[str]


class MetricLadderTable(_Table):
    """Vanity and business metrics on the relationships / engagement / revenue rungs."""

    metric: Series[str] = pa.Field(unique=True)
    kind: Series[str] = pa.Field(isin=["vanity", "business"])
    rung: Series[str] = pa.Field(isin=list(RUNGS))
    becomes: Series[str] = pa.Field(nullable=True)
    aliases: Series[str] = pa.Field(nullable=True)
    aggregate: Optional[Series[str]] = pa.Field(nullable=True, isin=["sum", "mean", "latest"])
    label: Optional[Series[str]] = pa.Field(nullable=True)


class VennThresholdsTable(_Table):
    """Minimum score of each criterion for each class of the Venn classification."""

    class_: Series[str] = pa.Field(alias="class")
    criterion: Series[str]
    minimum: Series[float]


class DepthLevelsTable(_Table):
    level: Series[str] = pa.Field(unique=True)
    order: Series[int] = pa.Field(unique=True, ge=1)
    label: Series[str]
    kind: Series[str]
    pass_score: Series[float] = pa.Field(ge=0, le=1)


class DepthQuestionsTable(_Table):
    question: Series[str] = pa.Field(unique=True)
    level: Series[str]
    scale: Series[str] = pa.Field(isin=list(ANSWER_SCALES))
    practice: Optional[Series[str]] = pa.Field(nullable=True)
    weight: Series[float] = pa.Field(nullable=True, ge=0)
    text: Series[str]


class PracticeQuestionsTable(_Table):
    """Presence / platform / purpose questionnaire for the whole organisation (socialkit.practices)."""

    question: Series[str] = pa.Field(unique=True)
    practice: Series[str]
    scale: Series[str] = pa.Field(isin=[*ANSWER_SCALES, "list"])
    against: Series[str] = pa.Field(nullable=True)  # list questions: the list question it is scored against
    weight: Series[float] = pa.Field(nullable=True, ge=0)
    text: Series[str]


class KpiVocabularyTable(_Table):
    """What a KPI's words mean: vanity or business, and which kind of metric (socialkit.kpi)."""

    term: Series[str] = pa.Field(unique=True)
    kind: Series[str] = pa.Field(isin=["vanity", "business"])
    means: Series[str]
    becomes: Series[str] = pa.Field(nullable=True)


class NormsTable(_Table):
    """The four norms of social technologies: level, definition and an example each."""

    norm: Series[str] = pa.Field(unique=True, isin=list(NORMS))
    level: Series[int] = pa.Field(unique=True, ge=1)
    label: Series[str]
    definition: Series[str]
    example: Series[str]


class ReadinessQuestionsTable(_Table):
    question: Series[str] = pa.Field(unique=True)
    factor: Series[str]
    scale: Series[str] = pa.Field(isin=list(ANSWER_SCALES))
    weight: Series[float] = pa.Field(nullable=True, ge=0)
    text: Series[str]


class ReadinessFactorsTable(_Table):
    factor: Series[str] = pa.Field(unique=True)
    order: Series[int]
    label: Series[str]


class ReadinessCapsTable(_Table):
    factor: Series[str]
    min_score: Series[float] = pa.Field(ge=0, le=1)
    max_level: Series[str]
    functions: Series[str] = pa.Field(nullable=True)
    rule: Series[str]


class DepthPracticesTable(_Table):
    practice: Series[str] = pa.Field(unique=True)
    order: Series[int]
    label: Series[str]
    threshold: Series[float] = pa.Field(ge=0, le=1)


class IntimacyLadderTable(_Table):
    stage: Series[str] = pa.Field(unique=True)
    order: Series[int] = pa.Field(unique=True)
    label: Series[str]
    next_step: Series[str] = pa.Field(nullable=True)
    requires: Series[str] = pa.Field(nullable=True)


class ParticipationLadderTable(_Table):
    rung: Series[str] = pa.Field(unique=True)
    order: Series[int] = pa.Field(unique=True)
    label: Series[str]
    column_pattern: Series[str] = pa.Field(nullable=True)
    min_value: Series[float] = pa.Field(nullable=True)
    implies: Optional[Series[str]] = pa.Field(nullable=True)


class PresetTable(_Table):
    """A platform export's columns mapped onto the posts contract (one table per platform in
    ``socialkit/data/presets``): ``signature`` columns recognise the export from its header;
    ``part`` "promoted" columns describe the paid side of a post; ``transform`` names a recoding."""

    column: Series[str] = pa.Field(unique=True)
    maps_to: Series[str] = pa.Field(nullable=True)
    part: Series[str] = pa.Field(isin=["organic", "promoted"])
    signature: Series[bool]
    transform: Series[str] = pa.Field(nullable=True, isin=["weekday_number"])


class LabelsTable(_Table):
    """How a result column is shown to people: its label, kind (see socialkit.present) and unit."""

    column: Series[str] = pa.Field(unique=True)
    label: Series[str]
    kind: Series[str] = pa.Field(isin=["text", "count", "number", "share", "percent", "index", "money", "score",
                                        "bool", "date", "status"])
    unit: Series[str] = pa.Field(nullable=True)
    decimals: Series[float] = pa.Field(nullable=True, ge=0, le=6)


class AnswerSynonymsTable(_Table):
    column_pattern: Series[str]
    answer: Series[str]
    level: Series[str]


class DemographicNamesTable(_Table):
    """Header patterns (on the header's lower-case words) that name a demographic, for segments."""

    concept: Series[str]
    pattern: Series[str]
    label: Optional[Series[str]] = pa.Field(nullable=True)


class AnswerBandsTable(_Table):
    """Ordered answer vocabularies (never ... always, strongly disagree ... strongly agree): rank within a scale."""

    scale: Series[str]
    answer: Series[str]
    rank: Series[float]


class RelationshipColumnsTable(_Table):
    """Header patterns of survey columns that record a fact about the relationship with the brand."""

    fact: Series[str] = pa.Field(isin=list(INTIMACY_FACTS))
    pattern: Series[str]
    example: Series[str]
    label: Series[str]


def functions_table_checks(df: pd.DataFrame) -> list[Problem]:
    """Function ids must be given and unique once normalised ("Customer service" = customer_service)."""
    if "function" not in df.columns:
        return []
    ids = df["function"].map(lambda v: "" if is_blank(v) else key(v))
    problems = blank_and_repeated(df["function"], ids, blank=("blank function id",
                                  "give every function a short id, e.g. 'customer_service'"),
                                  repeated=("function ids must be unique", "remove or rename the repeated functions"))
    if df.empty:
        problems.append(Problem(None, "has no functions", fix="list at least two business functions"))
    return problems


def intimacy_table_checks(df: pd.DataFrame) -> list[Problem]:
    """Each stage may require only the known relationship facts."""
    if "requires" not in df.columns:
        return []
    unknown = sorted({f for v in df["requires"] for f in split_multi(v) if f not in INTIMACY_FACTS})
    return [Problem("requires", "names unknown facts", values=unknown, fix=f"use {', '.join(INTIMACY_FACTS)}")] \
        if unknown else []


def _regex_checks(column: str) -> Callable[[pd.DataFrame], list[Problem]]:
    def check(df: pd.DataFrame) -> list[Problem]:
        if column not in df.columns:
            return []
        bad = []
        for i, v in df[column].items():
            if is_blank(v):
                continue
            try:
                re.compile(str(v))
            except re.error:
                bad.append((i, v))
        return [Problem(column, "is not a valid regular expression", rows=file_lines(i for i, _ in bad),
                        values=[v for _, v in bad], fix="fix the pattern (Python regular-expression syntax)")] if bad else []
    return check


#: Model and table-level checks of each editable table (keyed by table name = file stem).
TABLES: dict[str, tuple[type[pa.DataFrameModel], Callable[[pd.DataFrame], list[Problem]] | None]] = {
    "functions": (FunctionsTable, functions_table_checks),
    "playbook": (PlaybookTable, None),
    "metric_ladder": (MetricLadderTable, None),
    "venn_thresholds": (VennThresholdsTable, None),
    "depth_levels": (DepthLevelsTable, None),
    "depth_questions": (DepthQuestionsTable, None),
    "readiness_questions": (ReadinessQuestionsTable, None),
    "readiness_factors": (ReadinessFactorsTable, None),
    "readiness_caps": (ReadinessCapsTable, None),
    "depth_practices": (DepthPracticesTable, None),
    "intimacy_ladder": (IntimacyLadderTable, intimacy_table_checks),
    "participation_ladder": (ParticipationLadderTable, _regex_checks("column_pattern")),
    "answer_synonyms": (AnswerSynonymsTable, _regex_checks("column_pattern")),
    "demographic_names": (DemographicNamesTable, _regex_checks("pattern")),
    "answer_bands": (AnswerBandsTable, None),
    "relationship_columns": (RelationshipColumnsTable, _regex_checks("pattern")),
    "practice_questions": (PracticeQuestionsTable, None),
    "kpi_vocabulary": (KpiVocabularyTable, None),
    "norms": (NormsTable, None),
    "preset": (PresetTable, None),
    "labels": (LabelsTable, None),
}

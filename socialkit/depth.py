"""Relationship depth: how deep an organisation's online relationships are today, and how deep its
business model, workforce, leadership and employee advocacy let it go (essay "Social Media vs.
Social Business"; docs/model.md).

Four levels of online relationship, in order: 1 findable, 2 recommendable, 3 transparent,
4 collaborative. Levels 1-2 are *social media*, levels 3-4 *social business*
(``data/depth_levels.csv``). The essay names the levels, the three things depth depends on
(business model, who works for you, who leads) and the tombstone maker; the questions, the pass
score, the overall-level rule and the readiness score bands are the kit's own (:func:`assumptions`).
Presence, platform and purpose are not depth levels: :mod:`socialkit.practices` measures them.

Formulas (every table below is an editable table, loaded by :func:`socialkit.tables.load` and passed
in as an argument; the defaults are the kit's cached tables):

* **Normalised answer** ``n``: a ``yes_no`` question answers 0 or 1 and ``n = answer``; a ``1-5``
  question gives ``n = (answer - 1) / 4`` (1 -> 0, 3 -> 0.5, 5 -> 1).
* **Level score** of a function: ``score(f, L) = sum(w_q * n_q) / sum(w_q)`` over the questions ``q``
  of level ``L`` (``depth_questions.csv``, weight ``w``). The level is *evidenced* when
  ``score >= pass_score`` of the level (``depth_levels.csv``, 0.6 by default).
* **Current level** of a function: the highest level ``k`` such that levels 1..k are all
  evidenced (a ladder: a function is not collaborative if it is not findable); 0 ("none") when
  findable is not evidenced.
* **Overall level**: the highest level reached by at least half of the assessed functions
  (``max k`` with ``#{f: level(f) >= k} >= n / 2``). The organisation does *social business* when
  that level is 3 or 4, *social media* when it is 1 or 2.
* **Readiness factor score** (business model, workforce digital fluency, leadership engagement,
  employee advocacy): the weighted mean of the normalised answers of the factor's questions
  (``readiness_questions.csv``), 0..1.
* **Cap** of a factor (``readiness_caps.csv``): the ``max_level`` of the factor's row with the
  largest ``min_score <= score``; a row with a ``functions`` list applies only to those functions
  (the business model caps customer-facing functions; it does not cap HR or internal
  communication). **Attainable level** of a function = the lowest cap among the factors that apply
  to it; the **limiting factor** is the factor (or factors, when tied) with that lowest cap, unless
  every factor allows collaborative. **Gap** = attainable - current (negative: the function is
  deeper than its readiness supports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from . import functions as fn
from . import tables
from .exceptions import DataValidationError, Problem, QuestionnaireError
from .findings import Findings
from .text import closest, file_lines, join_and, key, split_multi

#: Answer scales a question may use (:data:`socialkit.schemas.ANSWER_SCALES`): (lowest, highest,
#: allowed values as text).
SCALES = {"yes_no": (0.0, 1.0, "0 (no) or 1 (yes)"), "1-5": (1.0, 5.0, "1 to 5")}
NONE_LEVEL = "none"
NOT_SOCIAL = "not yet social"
#: Status of a function's gap (attainable - current): positive, zero, negative.
STATUSES = ("room to grow", "at its ceiling", "beyond readiness")


# --------------------------------------------------------------------------- editable tables


def _questionnaire(name: str, table: pd.DataFrame | None) -> pd.DataFrame:
    """The kit's cached questionnaire ``name`` when ``table`` is None, else ``table`` checked (the
    scale of every question is yes_no or 1-5) and tidied."""
    return tables.load(name) if table is None else tables.check(name, table)


def level_names(levels: pd.DataFrame | None = None) -> list[str]:
    """Level names indexed by order: ``["none", "findable", ..., "collaborative"]``."""
    levels = tables.load("depth_levels") if levels is None else levels
    return [NONE_LEVEL] + levels.sort_values("order")["level"].tolist()


def level_kind(order: int, levels: pd.DataFrame | None = None) -> str:
    """"social media", "social business" (from the depth_levels table) or "not yet social" for 0."""
    levels = tables.load("depth_levels") if levels is None else levels
    if order <= 0:
        return NOT_SOCIAL
    return str(levels.loc[levels["order"] == order, "kind"].iloc[0])


# --------------------------------------------------------------------------- checking answers


def normalise(answer: pd.Series, scale: pd.Series) -> pd.Series:
    """Answers on 0..1: yes_no as is, 1-5 as (answer - 1) / 4."""
    answer = answer.astype(float)
    return answer.where(scale != "1-5", (answer - 1.0) / 4.0)


def _numbers(raw: pd.Series) -> pd.Series:
    """Answers as floats (text such as " 3" or "0,5" read as numbers; junk and blanks as NaN)."""
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        return raw.astype(float)
    text = raw.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)


def _check(df: pd.DataFrame, questions: pd.DataFrame, *, kind: str, functions: pd.DataFrame | None) -> pd.DataFrame:
    """Check answers against a tidy questionnaire; ``functions`` (the tidy functions table) for answers
    given per function, None for the organisation's answers."""
    by_function = functions is not None
    source = df.attrs.get("source", f"<{kind} table>")
    need = ["function", "question", "answer"] if by_function else ["question", "answer"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise QuestionnaireError(source, kind, [Problem(c, "required column is missing", fix=(
            f"the {kind} file needs the columns {', '.join(need)}; map yours with column_map")) for c in missing])
    out = df.copy()
    out["line"] = file_lines(out.index)
    out["question"] = out["question"].astype("string").str.strip()
    problems: list[Problem] = []
    qinfo = questions.set_index("question")

    unknown_q = ~out["question"].isin(qinfo.index)
    if unknown_q.any():
        vals = out.loc[unknown_q, "question"].fillna("").tolist()
        hint = closest(vals[0], qinfo.index) if vals else None
        problems.append(Problem("question", "unknown question id", rows=out.loc[unknown_q, "line"].tolist(),
                                values=vals, fix=(f"did you mean '{hint}'? " if hint else "") +
                                f"the questions are {', '.join(qinfo.index)}"))
    if by_function:
        fid = pd.Series(fn.resolve_many(out["function"], functions), index=out.index, dtype=object)
        unknown_f = fid.isna()
        if unknown_f.any():
            vals = out.loc[unknown_f, "function"].tolist()
            hint = fn.suggestion(vals[0], functions) if vals else None
            problems.append(Problem("function", "unknown business function", rows=out.loc[unknown_f, "line"].tolist(),
                                    values=vals, fix=(f"did you mean '{hint}'? " if hint else "") +
                                    f"use an id from functions.csv: {', '.join(functions['function'])}"))
        out["function"] = fid
    else:
        out["function"] = "organisation"

    raw = out["answer"]
    num = _numbers(raw)
    blank = (raw.isna() | (raw.astype("string").str.strip() == "")).fillna(True).astype(bool)
    not_number = num.isna() & ~blank
    if not_number.any():
        problems.append(Problem("answer", "expected a number", rows=out.loc[not_number, "line"].tolist(),
                                values=raw[not_number].tolist(), fix="answer with 0/1 for yes/no questions and 1-5 for ratings"))
    out["answer"] = num

    known = out["question"].isin(qinfo.index) & out["function"].notna()
    out["scale"] = out["question"].map(qinfo["scale"])
    out_of_range = []
    for i in out.index[known & num.notna()]:
        q, a, scale, line = out.at[i, "question"], float(num[i]), out.at[i, "scale"], int(out.at[i, "line"])
        lo, hi, allowed = SCALES[scale]
        ok = a in (lo, hi) if scale == "yes_no" else lo <= a <= hi
        if not ok:
            where = f"function '{out.at[i, 'function']}', " if by_function else ""
            out_of_range.append(dict(question=q, function=out.at[i, "function"], line=line, answer=a, allowed=allowed))
            problems.append(Problem("answer", f"question {q} ({where}line {line}) must be {allowed}",
                                    rows=[line], values=[a], fix=f"answer question {q} with {allowed}"))

    dup = known & out.duplicated(["function", "question"], keep=False)
    if dup.any():
        pairs = out.loc[dup, ["function", "question"]].drop_duplicates()
        problems.append(Problem("question", "answered more than once" + (" for the same function" if by_function else ""),
                                rows=out.loc[dup, "line"].tolist(),
                                values=[f"{f}/{q}" if by_function else q for f, q in pairs.itertuples(index=False)],
                                fix="keep one answer per question" + (" and function" if by_function else "")))

    unanswered: dict[str, list[str]] = {}
    answered = out[known & num.notna()]
    for f in dict.fromkeys(out.loc[out["function"].notna(), "function"]):
        have = set(answered.loc[answered["function"] == f, "question"])
        todo = [q for q in qinfo.index if q not in have]
        if todo:
            unanswered[f] = todo
            lines = out.loc[(out["function"] == f) & out["question"].isin(todo), "line"].tolist()
            who = f"function '{f}'" if by_function else "the organisation"
            problems.append(Problem("answer", f"{who} has {len(todo)} unanswered question{'s' if len(todo) != 1 else ''}: "
                                    f"{', '.join(todo)}", rows=lines,
                                    fix="answer every question (0/1 or 1-5)" +
                                    (", or remove the function's rows to leave it out" if by_function else "")))
    if problems:
        raise QuestionnaireError(source, kind, problems, unanswered=unanswered, out_of_range=out_of_range)
    out = out[["function", "question", "answer", "line"]].merge(questions, on="question", how="left")
    out["normalised"] = normalise(out["answer"], out["scale"])
    return out


def check_assessment(assessment: pd.DataFrame, *, questions: pd.DataFrame | None = None,
                     functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate depth answers (function, question, answer) against the questionnaire.

    Every problem is reported at once in a :class:`~socialkit.exceptions.QuestionnaireError`:
    unknown questions or functions (a function is named by id or label, in any case or punctuation,
    see :mod:`socialkit.functions`), duplicate answers, answers outside the question's scale (naming
    question, function, line and the allowed range) and, per function, the unanswered questions.
    Returns the answers joined with the questionnaire plus a ``normalised`` (0..1) column and the
    file ``line``. ``questions`` and ``functions`` default to the kit's tables.
    """
    return _check(assessment, _questionnaire("depth_questions", questions), kind="assessment",
                  functions=fn.functions_table(functions))


def check_readiness(readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate readiness answers (question, answer) for the whole organisation; as
    :func:`check_assessment`, with every readiness question required once."""
    return _check(readiness, _questionnaire("readiness_questions", questions), kind="readiness", functions=None)


# --------------------------------------------------------------------------- depth today


def _wmean(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    tmp = df.assign(_wn=df["normalised"] * df["weight"])
    g = tmp.groupby(by, sort=False)[["_wn", "weight"]].sum()
    return (g["_wn"] / g["weight"]).rename("score").reset_index()


def level_scores(assessment: pd.DataFrame, *, questions: pd.DataFrame | None = None,
                 levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score of every function on every level: function, level, order, score (0..1), pass_score,
    evidenced (score >= pass_score). ``assessment`` is the raw answers or :func:`check_assessment`'s output."""
    levels = tables.load("depth_levels") if levels is None else levels
    answers = assessment if "normalised" in assessment.columns else check_assessment(assessment, questions=questions)
    scores = _wmean(answers, ["function", "level"])
    out = scores.merge(levels[["level", "order", "pass_score"]], on="level", how="left")
    out["evidenced"] = out["score"] >= out["pass_score"] - 1e-12
    order = {f: i for i, f in enumerate(dict.fromkeys(answers["function"]))}
    out = out.sort_values(["function", "order"], key=lambda s: s.map(order) if s.name == "function" else s)
    return out.reset_index(drop=True)[["function", "level", "order", "score", "pass_score", "evidenced"]]


def current_depth(levels_scored: pd.DataFrame, *, levels: pd.DataFrame | None = None,
                  functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Current level per function from :func:`level_scores`: function, label, one ``score_<level>``
    column per level, current_order (0-4), current (level name or "none"), kind."""
    levels = tables.load("depth_levels") if levels is None else levels
    functions = tables.load("functions") if functions is None else functions
    names = level_names(levels)
    rows = []
    for f, grp in levels_scored.groupby("function", sort=False):
        grp = grp.sort_values("order")
        reached = 0
        for order, ok in zip(grp["order"], grp["evidenced"]):
            if order == reached + 1 and ok:
                reached = int(order)
            else:
                break
        row = {"function": f}
        row.update({f"score_{lv}": float(s) for lv, s in zip(grp["level"], grp["score"])})
        row.update(current_order=reached, current=names[reached], kind=level_kind(reached, levels))
        rows.append(row)
    out = pd.DataFrame(rows)
    labels = fn.labels(functions)
    out.insert(1, "label", out["function"].map(lambda f: labels.get(f, f)))
    return out


def overall_depth(depth: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row for the organisation: n_functions, level_order (highest level reached by at least half
    the functions), level, kind ("social media" / "social business"), n_social_business (functions at
    level 3-4) and share_social_business."""
    levels = tables.load("depth_levels") if levels is None else levels
    orders = depth["current_order"].astype(int).to_numpy()
    n = len(orders)
    overall = max([k for k in range(0, len(levels) + 1) if (orders >= k).sum() * 2 >= n] or [0])
    business = levels.loc[levels["kind"] == "social business", "order"].min()
    n_business = int((orders >= business).sum())
    return pd.DataFrame([{
        "n_functions": n, "level_order": overall, "level": level_names(levels)[overall],
        "kind": level_kind(overall, levels), "n_social_business": n_business,
        "share_social_business": n_business / n if n else 0.0,
    }])


# --------------------------------------------------------------------------- readiness


def _check_caps(caps: pd.DataFrame, names: list[str]) -> None:
    """Every cap must name a level of the depth_levels table (or "none")."""
    bad = ~caps["max_level"].isin(names)
    if bad.any():
        raise DataValidationError(caps.attrs.get("source", "<readiness_caps table>"), "readiness_caps", [Problem(
            "max_level", "names an unknown depth level", rows=file_lines(np.flatnonzero(bad.to_numpy())),
            values=caps.loc[bad, "max_level"].tolist(), fix=f"use one of {', '.join(names)}")])


def _cap(score: float, rows: pd.DataFrame, names: list[str]) -> tuple[int, str]:
    ok = rows[rows["min_score"] <= score + 1e-12]
    if ok.empty:
        return 0, ""
    row = ok.sort_values("min_score").iloc[-1]
    return names.index(row["max_level"]), str(row["rule"])


def readiness_scores(readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None,
                     caps: pd.DataFrame | None = None, factors: pd.DataFrame | None = None,
                     levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score and cap of each readiness factor: factor, label, score (0..1), n_questions, cap_order,
    cap (level name), rule (why), applies_to ("all functions" or the listed functions).
    ``readiness`` is the raw answers or :func:`check_readiness`'s output."""
    factors = tables.load("readiness_factors") if factors is None else factors
    caps = tables.load("readiness_caps") if caps is None else caps
    names = level_names(levels)
    _check_caps(caps, names)
    answers = readiness if "normalised" in readiness.columns else check_readiness(readiness, questions=questions)
    scores = _wmean(answers, ["factor"]).set_index("factor")["score"]
    counts = answers.groupby("factor").size()
    rows = []
    for f in factors.itertuples(index=False):
        if f.factor not in scores.index:
            continue
        score = float(scores[f.factor])
        fc = caps[caps["factor"] == f.factor]
        order, rule = _cap(score, fc, names) if len(fc) else (len(names) - 1, "")
        lists = [c for c in fc["functions"] if not pd.isna(c) and str(c).strip()]
        rows.append({"factor": f.factor, "label": f.label, "score": score, "n_questions": int(counts[f.factor]),
                     "cap_order": order, "cap": names[order], "rule": rule,
                     "applies_to": "all functions" if not lists else str(lists[0])})
    return pd.DataFrame(rows)


def attainable_depth(functions: Iterable[str], readiness_table: pd.DataFrame, *,
                     caps: pd.DataFrame | None = None, levels: pd.DataFrame | None = None,
                     function_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attainable level per function (ids) given factor scores (:func:`readiness_scores`): function,
    attainable_order, attainable, limiting_factor (ids, "; " when tied, "" when nothing caps below
    the top level), limiting_label, limit_rule, limit (a sentence such as
    "leadership engagement caps you at recommendable"). A cap row with a ``functions`` list applies
    only to those functions (named by id or label, resolved against ``function_table``)."""
    caps = tables.load("readiness_caps") if caps is None else caps
    function_table = tables.load("functions") if function_table is None else function_table
    names = level_names(levels)
    _check_caps(caps, names)
    top = len(names) - 1
    known = fn.lookup(function_table)
    applies_to = [{fn.resolve(n, function_table, table=known) or key(n) for n in split_multi(cell)}
                  for cell in caps["functions"]]
    rows = []
    for f in functions:
        caps_here = []
        applies = pd.Series([not ids or f in ids for ids in applies_to], index=caps.index)
        for r in readiness_table.itertuples(index=False):
            fc = caps[(caps["factor"] == r.factor) & applies]
            if fc.empty:
                continue
            order, rule = _cap(r.score, fc, names)
            caps_here.append((order, r.score, r.factor, r.label, rule))
        attainable = min([c[0] for c in caps_here], default=top)
        limiting = sorted([c for c in caps_here if c[0] == attainable], key=lambda c: c[1]) if attainable < top else []
        label = " and ".join(c[3] for c in limiting)
        rows.append({
            "function": f, "attainable_order": attainable, "attainable": names[attainable],
            "limiting_factor": "; ".join(c[2] for c in limiting), "limiting_label": label,
            "limit_rule": "; ".join(c[4] for c in limiting),
            "limit": (f"{label} cap{'s' if len(limiting) == 1 else ''} you at {names[attainable]}" if limiting
                      else f"no readiness factor caps you below {names[top]}"),
        })
    return pd.DataFrame(rows)


def depth_gap(depth: pd.DataFrame, attainable: pd.DataFrame) -> pd.DataFrame:
    """Current vs attainable per function: adds attainable columns, gap (attainable - current, in
    levels) and status (:data:`STATUSES`: "room to grow" when gap > 0, "at its ceiling" when 0,
    "beyond readiness" when < 0)."""
    out = depth.merge(attainable, on="function", how="left")
    out["gap"] = out["attainable_order"] - out["current_order"]
    out["status"] = np.select([out["gap"] > 0, out["gap"] == 0], list(STATUSES[:2]), STATUSES[2])
    return out


# --------------------------------------------------------------------------- one call


@dataclass(frozen=True)
class DepthAssessment:
    """Everything the depth questionnaire and the readiness questionnaire say about an organisation."""

    levels: pd.DataFrame  # function x level scores (level_scores)
    functions: pd.DataFrame  # per function: current, attainable, gap, limiting factor
    overall: pd.DataFrame  # one row: overall level and social media vs social business
    readiness: pd.DataFrame  # per factor: score and cap


def assess(assessment: pd.DataFrame, readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None,
           readiness_questions: pd.DataFrame | None = None, caps: pd.DataFrame | None = None,
           levels: pd.DataFrame | None = None, factors: pd.DataFrame | None = None,
           functions: pd.DataFrame | None = None) -> DepthAssessment:
    """Score both questionnaires: current depth per function and overall, readiness factors, and the
    attainable level and gap per function with the limiting factor.

    Every table defaults to the kit's cached one (:func:`socialkit.tables.load`); each is fetched
    once per call. Given questionnaires and functions tables are checked and tidied first."""
    levels = tables.load("depth_levels") if levels is None else levels
    caps = tables.load("readiness_caps") if caps is None else caps
    functions = fn.functions_table(functions)
    answers = _check(assessment, _questionnaire("depth_questions", questions), kind="assessment", functions=functions)
    ready_answers = _check(readiness, _questionnaire("readiness_questions", readiness_questions), kind="readiness",
                           functions=None)
    scored = level_scores(answers, levels=levels)
    depth = current_depth(scored, levels=levels, functions=functions)
    ready = readiness_scores(ready_answers, caps=caps, factors=factors, levels=levels)
    reach = attainable_depth(depth["function"], ready, caps=caps, levels=levels, function_table=functions)
    return DepthAssessment(levels=scored, functions=depth_gap(depth, reach),
                           overall=overall_depth(depth, levels=levels), readiness=ready)


def limiting_factors(result: DepthAssessment) -> pd.DataFrame:
    """Which factor limits which functions: limiting_factor, limiting_label, attainable, n_functions,
    functions (comma-separated), limit (sentence). Functions nothing caps are left out."""
    f = result.functions[result.functions["limiting_factor"] != ""]
    rows = []
    for (factor, label, level), grp in f.groupby(["limiting_factor", "limiting_label", "attainable"], sort=False):
        rows.append({"limiting_factor": factor, "limiting_label": label, "attainable": level,
                     "n_functions": len(grp), "functions": ", ".join(grp["function"]), "limit": grp["limit"].iloc[0]})
    cols = ["limiting_factor", "limiting_label", "attainable", "n_functions", "functions", "limit"]
    return pd.DataFrame(rows, columns=cols).sort_values("n_functions", ascending=False, kind="stable").reset_index(drop=True)


def findings_markdown(result: DepthAssessment) -> Findings:
    """The main findings, for a client-ready narrative (displays as a Markdown bullet list): overall
    kind of depth, what caps which functions, the largest gaps and functions beyond their readiness."""
    out = Findings()
    o = result.overall.iloc[0]
    f = result.functions
    label = dict(zip(f["function"], f["label"]))
    nb = int(o["n_social_business"])
    out.add(f"Overall the organisation is doing **{o['kind']}**: at least half of its {o['n_functions']} "
            f"assessed functions are *{o['level']}*; {nb} function{' reaches' if nb == 1 else 's reach'} "
            "social-business depth (transparent or collaborative).")
    for r in limiting_factors(result).itertuples(index=False):
        names = [label[x] for x in r.functions.split(", ")]
        out.add(f"**{r.limit[0].upper() + r.limit[1:]}** in {r.n_functions} function"
                f"{'s' if r.n_functions != 1 else ''}: {join_and(names)}.")
    free = f.loc[f["limiting_factor"] == "", "label"].tolist()
    if free:
        out.add(f"No readiness factor caps {join_and(free)}: collaborative is within reach.")
    grow = f[f["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
    if len(grow):
        out.add("Largest gaps: " + "; ".join(f"{r.label} ({r.current} -> {r.attainable}, "
                f"{int(r.gap)} level{'s' if r.gap != 1 else ''})" for r in grow.head(3).itertuples(index=False)) + ".")
    for r in f[f["gap"] < 0].itertuples(index=False):
        out.add(f"{r.label} is already *{r.current}*, deeper than readiness supports "
                f"({r.limit}): secure it before going further.", kind="step")
    return out


def assumptions(*, levels: pd.DataFrame | None = None, caps: pd.DataFrame | None = None) -> Findings:
    """What the depth and readiness numbers rest on (for a report's notes): the pass scores, the
    overall-level rule, the readiness score bands and the questions the kit wrote for the essay's
    levels and factors (docs/model.md)."""
    levels = tables.load("depth_levels") if levels is None else levels
    caps = tables.load("readiness_caps") if caps is None else caps
    out = Findings()
    out.add("A level counts for a function when its questions score at least "
            + join_and(sorted({f"{v:.0%}" for v in levels["pass_score"]})) + " (depth_levels.csv pass score, kit "
            "assumption); ratings 1-5 count as (answer - 1) / 4 and every question weighs the same.", kind="assumption")
    out.add("The organisation's overall level is the deepest level at least half of its assessed functions reach "
            "(kit assumption).", kind="assumption")
    for factor, grp in caps.groupby("factor", sort=False):
        bands = "; ".join(f"from {m:.0%}: {lv}" for m, lv in zip(grp["min_score"], grp["max_level"]))
        out.add(f"Readiness {factor.replace('_', ' ')} caps depth by score band ({bands}) (readiness_caps.csv, "
                "kit assumption; the essay names the factor, not the bands).", kind="assumption")
    out.add("The depth and readiness questions are the kit's own, written for the levels and factors of \"Social "
            "Media vs. Social Business\" (depth_questions.csv, readiness_questions.csv).", kind="assumption")
    return out


# --------------------------------------------------------------------------- templates


def blank_assessment(functions: Iterable[str] | None = None, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty assessment in the file format (function, question, level, scale, text, answer) to
    fill in, for the given function ids (default: every function of the functions table)."""
    questions = _questionnaire("depth_questions", questions)
    fns = list(tables.load("functions")["function"]) if functions is None else list(functions)
    rows = [{"function": f, "question": q.question, "level": q.level, "scale": q.scale, "text": q.text,
             "answer": np.nan} for f in fns for q in questions.itertuples(index=False)]
    return pd.DataFrame(rows)


def blank_readiness(*, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty readiness questionnaire in the file format (question, factor, scale, text, answer)."""
    questions = _questionnaire("readiness_questions", questions)
    return questions[["question", "factor", "scale", "text"]].assign(answer=np.nan)

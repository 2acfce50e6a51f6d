"""Relationship depth: how deep an organisation's online relationships are today, and how deep its
business model, workforce, leadership and employee advocacy let it go (DOMAIN.md sections 1, 3, 8).

Four levels of online relationship, in order: 1 findable, 2 recommendable, 3 transparent,
4 collaborative. Levels 1-2 are *social media*, levels 3-4 *social business*
(``data/depth_levels.csv``).

Formulas (every table below is an editable file in ``socialkit/data``):

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
* **Presence / platform / purpose** (``depth_practices.csv``): each question is tagged with the
  practice it evidences; practice score of a function = weighted mean of its tagged answers;
  organisation score = mean over functions; the practice is *practised* when the organisation score
  is at least the practice's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from . import io
from .config import data_file
from .exceptions import DataValidationError, ParameterError, Problem, QuestionnaireError
from .params import closest

#: Answer scales a question may use: (lowest, highest, allowed values as text).
SCALES = {"yes_no": (0.0, 1.0, "0 (no) or 1 (yes)"), "1-5": (1.0, 5.0, "1 to 5")}
NONE_LEVEL = "none"
NOT_SOCIAL = "not yet social"


# --------------------------------------------------------------------------- editable tables


def _table(name: str, required: Iterable[str]) -> pd.DataFrame:
    df = io.read_table(data_file(name))
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataValidationError(data_file(name), name, [Problem(c, "required column is missing", fix=(
            f"restore the column in socialkit/data/{name}")) for c in missing])
    return df


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip()


def load_levels() -> pd.DataFrame:
    """The four depth levels (level, order, label, kind, pass_score, description), by order."""
    df = _table("depth_levels.csv", ["level", "order", "label", "kind", "pass_score"])
    df["level"] = _text(df["level"])
    df["order"] = df["order"].astype(int)
    df["pass_score"] = df["pass_score"].astype(float)
    return df.sort_values("order").reset_index(drop=True)


def load_questions() -> pd.DataFrame:
    """The depth questionnaire (question, level, scale, practice, weight, text)."""
    df = _table("depth_questions.csv", ["question", "level", "scale", "practice", "weight", "text"])
    return _clean_questions(df)


def load_readiness_questions() -> pd.DataFrame:
    """The readiness questionnaire (question, factor, scale, weight, text)."""
    df = _table("readiness_questions.csv", ["question", "factor", "scale", "weight", "text"])
    return _clean_questions(df)


def _clean_questions(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if c != "weight":
            out[c] = _text(out[c])
    out["weight"] = out["weight"].fillna(1).astype(float)
    bad = ~out["scale"].isin(list(SCALES))
    if bad.any():
        raise DataValidationError("questionnaire", "questionnaire", [Problem(
            "scale", f"must be one of {', '.join(SCALES)}", rows=[int(i) + 2 for i in out.index[bad]],
            values=out.loc[bad, "scale"].tolist(), fix="use yes_no for 0/1 questions and 1-5 for ratings")])
    return out


def load_factors() -> pd.DataFrame:
    """The readiness factors (factor, order, label, description)."""
    df = _table("readiness_factors.csv", ["factor", "order", "label"])
    df["factor"] = _text(df["factor"])
    df["label"] = _text(df["label"])
    return df.sort_values("order").reset_index(drop=True)


def load_caps() -> pd.DataFrame:
    """How each readiness factor's score caps the attainable level (factor, min_score, max_level,
    functions, rule); see the module docstring for the rule."""
    df = _table("readiness_caps.csv", ["factor", "min_score", "max_level", "functions", "rule"])
    df["factor"] = _text(df["factor"])
    df["max_level"] = _text(df["max_level"])
    df["min_score"] = df["min_score"].astype(float)
    return df


def load_practices() -> pd.DataFrame:
    """Presence, platform and purpose (practice, order, label, threshold, description)."""
    df = _table("depth_practices.csv", ["practice", "order", "label", "threshold"])
    df["practice"] = _text(df["practice"])
    df["threshold"] = df["threshold"].astype(float)
    return df.sort_values("order").reset_index(drop=True)


def load_functions() -> pd.DataFrame:
    """The business functions (function, label, description), read and checked once for the whole
    kit by :func:`socialkit.venn.load_functions`."""
    from .venn import load_functions as load_function_table

    return load_function_table()


def level_names(levels: pd.DataFrame | None = None) -> list[str]:
    """Level names indexed by order: ``["none", "findable", ..., "collaborative"]``."""
    levels = load_levels() if levels is None else levels
    return [NONE_LEVEL] + levels.sort_values("order")["level"].tolist()


def level_kind(order: int, levels: pd.DataFrame | None = None) -> str:
    """"social media", "social business" (from ``depth_levels.csv``) or "not yet social" for 0."""
    levels = load_levels() if levels is None else levels
    if order <= 0:
        return NOT_SOCIAL
    return str(levels.loc[levels["order"] == order, "kind"].iloc[0])


# --------------------------------------------------------------------------- checking answers


def normalise(answer: pd.Series, scale: pd.Series) -> pd.Series:
    """Answers on 0..1: yes_no as is, 1-5 as (answer - 1) / 4."""
    answer = answer.astype(float)
    return answer.where(scale != "1-5", (answer - 1.0) / 4.0)


def _function_ids(values: pd.Series, functions: pd.DataFrame) -> pd.Series:
    """Map function cells onto ids, accepting ids or labels in any case ("Customer service")."""
    lookup = {}
    for fid, label in zip(functions["function"], functions["label"]):
        lookup[str(fid).lower()] = fid
        lookup[str(label).lower()] = fid
        lookup[str(label).lower().replace(" ", "_")] = fid
    low = _text(values).str.lower()
    return low.map(lambda v: lookup.get(v, lookup.get(str(v).replace(" ", "_"))) if isinstance(v, str) else None)


def _check(df: pd.DataFrame, questions: pd.DataFrame, *, kind: str, by_function: bool,
           functions: pd.DataFrame | None = None) -> pd.DataFrame:
    source = df.attrs.get("source", f"<{kind} table>")
    need = ["function", "question", "answer"] if by_function else ["question", "answer"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise QuestionnaireError(source, kind, [Problem(c, "required column is missing", fix=(
            f"the {kind} file needs the columns {', '.join(need)}; map yours with column_map")) for c in missing])
    out = df.copy()
    out["line"] = [int(i) + 2 for i in out.index]
    out["question"] = _text(out["question"])
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
        functions = load_functions() if functions is None else functions
        fid = _function_ids(out["function"], functions)
        unknown_f = fid.isna()
        if unknown_f.any():
            vals = out.loc[unknown_f, "function"].tolist()
            hint = closest(vals[0], functions["function"]) if vals else None
            problems.append(Problem("function", "unknown business function", rows=out.loc[unknown_f, "line"].tolist(),
                                    values=vals, fix=(f"did you mean '{hint}'? " if hint else "") +
                                    f"use an id from functions.csv: {', '.join(functions['function'])}"))
        out["function"] = fid
    else:
        out["function"] = "organisation"

    raw = out["answer"]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        num = raw.astype(float)
    else:
        num = pd.to_numeric(raw.astype("string").str.strip().str.replace(",", ".", regex=False), errors="coerce")
        num = num.astype(float)
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
        q, a, scale = out.at[i, "question"], float(num[i]), out.at[i, "scale"]
        lo, hi, allowed = SCALES[scale]
        ok = a in (lo, hi) if scale == "yes_no" else lo <= a <= hi
        if not ok:
            where = f"function '{out.at[i, 'function']}', " if by_function else ""
            out_of_range.append(dict(question=q, function=out.at[i, "function"], line=int(out.at[i, "line"]),
                                     answer=a, allowed=allowed))
            problems.append(Problem("answer", f"question {q} ({where}line {out.at[i, 'line']}) must be {allowed}",
                                    rows=[int(out.at[i, "line"])], values=[a],
                                    fix=f"answer question {q} with {allowed}"))

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

    Every problem is reported at once in a :class:`QuestionnaireError`: unknown questions or
    functions, duplicate answers, answers outside the question's scale (naming question, function,
    line and the allowed range) and, per function, the unanswered questions. Returns the answers
    joined with the questionnaire plus a ``normalised`` (0..1) column and the file ``line``.
    """
    questions = load_questions() if questions is None else _clean_questions(questions)
    return _check(assessment, questions, kind="assessment", by_function=True, functions=functions)


def check_readiness(readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate readiness answers (question, answer) for the whole organisation; as
    :func:`check_assessment`, with every readiness question required once."""
    questions = load_readiness_questions() if questions is None else _clean_questions(questions)
    return _check(readiness, questions, kind="readiness", by_function=False)


# --------------------------------------------------------------------------- depth today


def _wmean(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    tmp = df.assign(_wn=df["normalised"] * df["weight"])
    g = tmp.groupby(by, sort=False)[["_wn", "weight"]].sum()
    return (g["_wn"] / g["weight"]).rename("score").reset_index()


def level_scores(assessment: pd.DataFrame, *, questions: pd.DataFrame | None = None,
                 levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score of every function on every level: function, level, order, score (0..1), pass_score,
    evidenced (score >= pass_score). ``assessment`` is the raw answers or :func:`check_assessment`'s output."""
    levels = load_levels() if levels is None else levels
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
    levels = load_levels() if levels is None else levels
    functions = load_functions() if functions is None else functions
    names = level_names(levels)
    rows = []
    for f, grp in levels_scored.groupby("function", sort=False):
        grp = grp.sort_values("order")
        reached = 0
        for order, ok in zip(grp["order"], grp["evidenced"]):
            if order == reached + 1 and ok:
                reached = order
            else:
                break
        row = {"function": f}
        row.update({f"score_{lv}": float(s) for lv, s in zip(grp["level"], grp["score"])})
        row.update(current_order=reached, current=names[reached], kind=level_kind(reached, levels))
        rows.append(row)
    out = pd.DataFrame(rows)
    labels = dict(zip(functions["function"], functions["label"]))
    out.insert(1, "label", out["function"].map(lambda f: labels.get(f, f)))
    return out


def overall_depth(depth: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row for the organisation: n_functions, level_order (highest level reached by at least half
    the functions), level, kind ("social media" / "social business"), n_social_business (functions at
    level 3-4) and share_social_business."""
    levels = load_levels() if levels is None else levels
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


def practices(assessment: pd.DataFrame, *, questions: pd.DataFrame | None = None,
              table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which of presence, platform and purpose the organisation practises: practice, label, score
    (mean over functions of the weighted mean of the practice's answers), threshold, practised,
    functions_practising, n_functions. ``assessment`` is the raw answers or :func:`check_assessment`'s output."""
    table = load_practices() if table is None else table
    answers = assessment if "normalised" in assessment.columns else check_assessment(assessment, questions=questions)
    per_function = _wmean(answers, ["function", "practice"])
    n = answers["function"].nunique()
    rows = []
    for p in table.itertuples(index=False):
        s = per_function.loc[per_function["practice"] == p.practice, "score"]
        score = float(s.mean()) if len(s) else 0.0
        rows.append({"practice": p.practice, "label": p.label, "score": score, "threshold": p.threshold,
                     "practised": bool(len(s)) and score >= p.threshold - 1e-12,
                     "functions_practising": int((s >= p.threshold - 1e-12).sum()), "n_functions": n})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- readiness


def _cap(score: float, rows: pd.DataFrame, names: list[str]) -> tuple[int, str]:
    ok = rows[rows["min_score"] <= score + 1e-12]
    if ok.empty:
        return 0, ""
    row = ok.sort_values("min_score").iloc[-1]
    return names.index(row["max_level"]), str(row["rule"])


def _applies(items: list[str], function: str) -> bool:
    return not items or function in items


def readiness_scores(readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None,
                     caps: pd.DataFrame | None = None, factors: pd.DataFrame | None = None,
                     levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score and cap of each readiness factor: factor, label, score (0..1), n_questions, cap_order,
    cap (level name), rule (why), applies_to ("all functions" or the listed functions)."""
    factors = load_factors() if factors is None else factors
    caps = load_caps() if caps is None else caps
    names = level_names(levels)
    answers = check_readiness(readiness, questions=questions)
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
                     caps: pd.DataFrame | None = None, levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attainable level per function given factor scores (:func:`readiness_scores`): function,
    attainable_order, attainable, limiting_factor (ids, "; " when tied, "" when nothing caps below
    the top level), limiting_label, limit_rule, limit (a sentence such as
    "leadership engagement caps you at recommendable")."""
    caps = load_caps() if caps is None else caps
    from .schemas import split_multi

    names = level_names(levels)
    top = len(names) - 1
    lists = caps["functions"].map(split_multi)
    rows = []
    for fn in functions:
        caps_here = []
        applies = lists.map(lambda items: _applies(items, fn))
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
            "function": fn, "attainable_order": attainable, "attainable": names[attainable],
            "limiting_factor": "; ".join(c[2] for c in limiting), "limiting_label": label,
            "limit_rule": "; ".join(c[4] for c in limiting),
            "limit": (f"{label} cap{'s' if len(limiting) == 1 else ''} you at {names[attainable]}" if limiting
                      else f"no readiness factor caps you below {names[top]}"),
        })
    return pd.DataFrame(rows)


def depth_gap(depth: pd.DataFrame, attainable: pd.DataFrame) -> pd.DataFrame:
    """Current vs attainable per function: adds attainable columns, gap (attainable - current, in
    levels) and status ("room to grow", "at its ceiling", "beyond readiness")."""
    out = depth.merge(attainable, on="function", how="left")
    out["gap"] = out["attainable_order"] - out["current_order"]
    out["status"] = np.select([out["gap"] > 0, out["gap"] == 0], ["room to grow", "at its ceiling"], "beyond readiness")
    return out


# --------------------------------------------------------------------------- one call


@dataclass(frozen=True)
class DepthAssessment:
    """Everything the depth questionnaire and the readiness questionnaire say about an organisation."""

    levels: pd.DataFrame  # function x level scores (level_scores)
    functions: pd.DataFrame  # per function: current, attainable, gap, limiting factor
    overall: pd.DataFrame  # one row: overall level and social media vs social business
    readiness: pd.DataFrame  # per factor: score and cap
    practices: pd.DataFrame  # presence, platform, purpose


def assess(assessment: pd.DataFrame, readiness: pd.DataFrame, *, questions: pd.DataFrame | None = None,
           readiness_questions: pd.DataFrame | None = None, caps: pd.DataFrame | None = None) -> DepthAssessment:
    """Score both questionnaires: current depth per function and overall, readiness factors, the
    attainable level and gap per function with the limiting factor, and presence/platform/purpose."""
    levels = load_levels()
    functions = load_functions()
    answers = check_assessment(assessment, questions=questions, functions=functions)
    scored = level_scores(answers, levels=levels)
    depth = current_depth(scored, levels=levels, functions=functions)
    ready = readiness_scores(readiness, questions=readiness_questions, caps=caps, levels=levels)
    reach = attainable_depth(depth["function"], ready, caps=caps, levels=levels)
    return DepthAssessment(levels=scored, functions=depth_gap(depth, reach),
                           overall=overall_depth(depth, levels=levels), readiness=ready,
                           practices=practices(answers))


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


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def findings_markdown(result: DepthAssessment) -> str:
    """The main findings as a markdown bullet list, for a client-ready narrative."""
    o = result.overall.iloc[0]
    f = result.functions
    label = dict(zip(f["function"], f["label"]))
    nb = int(o["n_social_business"])
    lines = [f"- Overall the organisation is doing **{o['kind']}**: at least half of its {o['n_functions']} "
             f"assessed functions are *{o['level']}*; {nb} function{' reaches' if nb == 1 else 's reach'} "
             "social-business depth (transparent or collaborative)."]
    for r in limiting_factors(result).itertuples(index=False):
        names = [label[x] for x in r.functions.split(", ")]
        lines.append(f"- **{r.limit[0].upper() + r.limit[1:]}** in {r.n_functions} function"
                     f"{'s' if r.n_functions != 1 else ''}: {_and(names)}.")
    free = f.loc[f["limiting_factor"] == "", "label"].tolist()
    if free:
        lines.append(f"- No readiness factor caps {_and(free)}: collaborative is within reach.")
    grow = f[f["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
    if len(grow):
        lines.append("- Largest gaps: " + "; ".join(f"{r.label} ({r.current} -> {r.attainable}, "
                     f"{int(r.gap)} level{'s' if r.gap != 1 else ''})" for r in grow.head(3).itertuples(index=False)) + ".")
    for r in f[f["gap"] < 0].itertuples(index=False):
        lines.append(f"- {r.label} is already *{r.current}*, deeper than readiness supports "
                     f"({r.limit}): secure it before going further.")
    p = result.practices
    yes, no = p.loc[p["practised"], "practice"].tolist(), p.loc[~p["practised"], "practice"].tolist()
    lines.append("- Practises " + (_and(yes) if yes else "none of presence, platform and purpose") +
                 ("; not yet " + _and(no) if no else "") + ".")
    return "\n".join(lines)


# --------------------------------------------------------------------------- templates


def blank_assessment(functions: Iterable[str] | None = None, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty assessment in the file format (function, question, level, scale, text, answer) to
    fill in, for the given function ids (default: every function in functions.csv)."""
    questions = load_questions() if questions is None else _clean_questions(questions)
    fns = list(load_functions()["function"]) if functions is None else list(functions)
    rows = [{"function": f, "question": q.question, "level": q.level, "scale": q.scale, "text": q.text,
             "answer": np.nan} for f in fns for q in questions.itertuples(index=False)]
    return pd.DataFrame(rows)


def blank_readiness(*, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty readiness questionnaire in the file format (question, factor, scale, text, answer)."""
    questions = load_readiness_questions() if questions is None else _clean_questions(questions)
    return questions[["question", "factor", "scale", "text"]].assign(answer=np.nan)


def column_map_for(column_map: Mapping[str, Any] | None, kind: str) -> dict[str, str]:
    """The renaming for one input file from the notebook's ``column_map``, which is keyed by file
    kind, e.g. ``{"assessment": {"Dept": "function"}, "programmes": {"Name": "programme"}}``."""
    kinds = ("assessment", "readiness", "programmes")
    if not column_map:
        return {}
    flat = [k for k, v in column_map.items() if not isinstance(v, Mapping)]
    if flat:
        raise ParameterError("column_map", "must map each file kind to its renaming, e.g. "
                             "{'assessment': {'Dept': 'function'}}. Got " f"{dict(column_map)!r} instead.")
    unknown = [k for k in column_map if k not in kinds]
    if unknown:
        raise ParameterError("column_map", f"has unknown file kind {unknown[0]!r}; use {', '.join(kinds)}.",
                             suggestion=closest(unknown[0], kinds))
    return dict(column_map.get(kind, {}))


# --------------------------------------------------------------------------- charts


def _level_axis(levels: pd.DataFrame | None = None, title: str = "Relationship depth") -> alt.Axis:
    names = level_names(levels)
    expr = "[" + ", ".join(f"'{n}'" for n in names) + "][datum.value]"
    return alt.Axis(values=list(range(len(names))), labelExpr=expr, title=title, grid=True)


def depth_chart(functions: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> alt.LayerChart:
    """Dumbbell chart: current (filled) and attainable (hollow) level per function, joined by a line
    coloured by status, over shaded social media (1-2) and social business (3-4) bands."""
    levels = load_levels() if levels is None else levels
    data = functions[["function", "label", "current_order", "current", "attainable_order", "attainable",
                      "gap", "status", "limit"]].copy()
    order = data.sort_values(["attainable_order", "current_order"], ascending=False)["label"].tolist()
    bands = pd.DataFrame([
        {"from": levels.loc[levels["kind"] == k, "order"].min() - 0.5,
         "to": levels.loc[levels["kind"] == k, "order"].max() + 0.5, "zone": k}
        for k in dict.fromkeys(levels["kind"])])
    x = alt.X("current_order:Q", scale=alt.Scale(domain=[-0.3, len(levels) + 0.3]), axis=_level_axis(levels))
    y = alt.Y("label:N", sort=order, title=None)
    status_scale = alt.Scale(domain=["room to grow", "at its ceiling", "beyond readiness"],
                             range=["#0072B2", "#009E73", "#D55E00"])
    status_colour = alt.Color("status:N", title="Status", scale=status_scale)
    tooltip = ["label", "current", "attainable", "gap", "status", "limit"]
    band = alt.Chart(bands).mark_rect(opacity=0.08).encode(
        x=alt.X("from:Q"), x2="to:Q", color=alt.Color("zone:N", legend=None, scale=alt.Scale(range=["#0072B2", "#009E73"])))
    band_text = alt.Chart(bands).mark_text(align="center", baseline="bottom", dy=-4, color="#555").encode(
        x=alt.X("mid:Q"), text="zone:N", y=alt.value(0)).transform_calculate(mid="(datum.from + datum.to) / 2")
    base = alt.Chart(data)
    rule = base.mark_rule(strokeWidth=3).encode(x=x, x2="attainable_order:Q", y=y, color=status_colour, tooltip=tooltip)
    now = base.mark_point(filled=True, size=110, color="#222").encode(x=x, y=y, tooltip=tooltip)
    can = base.mark_point(filled=False, size=130, strokeWidth=2).encode(
        x="attainable_order:Q", y=y, color=alt.Color("status:N", legend=None, scale=status_scale), tooltip=tooltip)
    return (band + band_text + rule + now + can).resolve_scale(color="independent").properties(
        title=alt.Title("Current (filled) vs attainable (hollow) depth per function",
                        subtitle="Attainable = the lowest cap set by business model, workforce, leadership and advocacy"),
        width=460, height=alt.Step(26))


def readiness_chart(readiness: pd.DataFrame, *, levels: pd.DataFrame | None = None) -> alt.LayerChart:
    """Readiness bars: score (0-100) per factor, coloured by the level the factor caps depth at."""
    names = level_names(levels)
    data = readiness[["factor", "label", "score", "cap", "cap_order", "rule", "applies_to"]].copy()
    data["score_pct"] = (data["score"] * 100).round(0)
    data["text"] = "caps at " + data["cap"]
    colour = alt.Color("cap:N", title="Caps depth at", scale=alt.Scale(
        domain=names, range=["#999999", "#D55E00", "#E69F00", "#56B4E9", "#009E73"][: len(names)]))
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    tooltip = ["label", alt.Tooltip("score_pct:Q", title="score"), "cap", "rule", "applies_to"]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("score_pct:Q", scale=alt.Scale(domain=[0, 140]), title="Readiness score (0-100)",
                axis=alt.Axis(values=list(range(0, 101, 20)))),
        y=y, color=colour, tooltip=tooltip)
    text = alt.Chart(data).mark_text(align="left", dx=4, color="#222").encode(x="score_pct:Q", y=y, text="text:N")
    return (bars + text).properties(title="Readiness factors and the depth each allows", width=380,
                                    height=alt.Step(30))


def level_heatmap(levels_scored: pd.DataFrame, functions: pd.DataFrame | None = None) -> alt.LayerChart:
    """Heat map of level scores (0-100) per function and level; evidenced levels are marked with a tick."""
    data = levels_scored.copy()
    functions = load_functions() if functions is None else functions
    labels = dict(zip(functions["function"], functions["label"]))
    data["label"] = data["function"].map(lambda f: labels.get(f, f))
    data["score_pct"] = (data["score"] * 100).round(0)
    data["mark"] = np.where(data["evidenced"], "\u2713", "")
    x = alt.X("level:N", sort=list(dict.fromkeys(data.sort_values("order")["level"])), title=None,
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("label:N", sort=list(dict.fromkeys(data["label"])), title=None)
    heat = alt.Chart(data).mark_rect().encode(
        x=x, y=y, color=alt.Color("score_pct:Q", title="Score", scale=alt.Scale(domain=[0, 100], scheme="blues")),
        tooltip=["label", "level", "score_pct", "evidenced"])
    text = alt.Chart(data).mark_text(fontSize=11).encode(
        x=x, y=y, text=alt.Text("score_pct:Q", format=".0f"),
        color=alt.condition("datum.score_pct > 60", alt.value("white"), alt.value("#222")))
    return (heat + text).properties(title="Evidence per level (score 0-100; a level counts from its pass score)",
                                    width=alt.Step(90), height=alt.Step(24))


def practice_chart(practices_table: pd.DataFrame) -> alt.LayerChart:
    """Presence, platform and purpose scores (0-100) with each practice's threshold as a tick."""
    data = practices_table.copy()
    data["score_pct"] = (data["score"] * 100).round(0)
    data["threshold_pct"] = data["threshold"] * 100
    data["practised_text"] = np.where(data["practised"], "practised", "not yet")
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("score_pct:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0-100)"), y=y,
        color=alt.Color("practised_text:N", title=None, scale=alt.Scale(domain=["practised", "not yet"],
                                                                          range=["#009E73", "#BBBBBB"])),
        tooltip=["label", "score_pct", "threshold_pct", "functions_practising"])
    tick = alt.Chart(data).mark_tick(color="#222", thickness=2, size=26).encode(x="threshold_pct:Q", y=y)
    return (bars + tick).properties(title="Presence, platform, purpose: which does the organisation practise?",
                                    width=380, height=alt.Step(30))

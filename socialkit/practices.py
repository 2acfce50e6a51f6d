"""Presence, platform and purpose, measured in their own terms for the whole organisation.

The essay on enterprise social alignment and the fishing analogy separates three things the word
"social" mixes up:

* **presence** (social networking): "a (hopefully) professional presence" on the networks, for
  awareness and marketing gravity: which networks, how complete and professional the profiles are;
* **platform** (social media): the vehicle, "more than social networks": being more searchable,
  paying for unique positions online, conversion strategies that take buyers from interested to
  engaged;
* **purpose** (social market leadership): "a very real purpose of why you're online, whom you're
  trying to 'date', and what will influence their thinking and call to action".

They are answered once for the organisation in a short questionnaire (the editable
``practice_questions`` table; the practices and their thresholds in ``depth_practices``), separate
from the depth questionnaire: a practice is not a depth level and is not scored from depth answers.

Scoring (docs/model.md):

* ``yes_no`` answers 0 or 1; ``1-5`` ratings give ``(answer - 1) / 4``;
* a ``list`` question (names separated by ";") is scored against the list question named in its
  ``against`` column: the share of those names it covers (profiles on 2 of the audience's 3
  networks: 0.67); a list question with weight 0 (the audience's networks) is context, not scored;
* **practice score** = weighted mean of its scored items (0..1); the practice is **practised** when
  the score reaches its threshold (``depth_practices``, 0.6 by default: a kit assumption);
* the **weakest item** of each practice is the scored item with the lowest answer: what to improve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import tables
from .exceptions import Problem, QuestionnaireError
from .findings import Findings
from .schemas import KIT_ASSUMPTION
from .text import FALSE_WORDS, MULTI_SEP, TRUE_WORDS, closest, file_lines, is_blank, join_and, key

#: Other names of networks, so that "Twitter" and "X", or "You-Tube" and "YouTube", are one network.
NETWORK_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "insta": "instagram", "yt": "youtube"}
_NONE_WORDS = {"none", "no", "nothing", "n a", "na"}


def questions_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The practice questionnaire: the kit's (cached) when ``table`` is None, else ``table`` checked; a
    blank weight counts as 1."""
    table = tables.load("practice_questions") if table is None else tables.check("practice_questions", table)
    return table.assign(weight=table["weight"].astype(float).fillna(1.0))


def network(name: str) -> str:
    """The matching key of a network name ("You-Tube" -> "youtube", "Twitter" -> "x")."""
    k = key(name).replace("_", "")
    return NETWORK_ALIASES.get(k, k)


def networks(answer) -> list[str]:
    """The networks a list answer names, as written, without repeats ("none" or blank: [])."""
    names = [] if is_blank(answer) else [n.strip() for n in re.split(MULTI_SEP, str(answer))
                                         if n.strip() and key(n).replace("_", " ") not in _NONE_WORDS]
    seen, out = set(), []
    for n in names:
        if network(n) not in seen:
            seen.add(network(n))
            out.append(n)
    return out


def _number(value) -> float:
    """A numeric answer; "yes" / "no" read as 1 / 0; NaN when blank or not a number."""
    if is_blank(value):
        return np.nan
    word = str(value).strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return 1.0 if word in TRUE_WORDS else 0.0
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return np.nan


def check_answers(answers: pd.DataFrame, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate the organisation's answers (question, answer) against the questionnaire; every problem
    (unknown or repeated question, a number out of its scale, a list question left empty, unanswered
    questions) is reported at once in a :class:`~socialkit.exceptions.QuestionnaireError` with file
    lines. Returns one row per question of the questionnaire, in its order, with the answer."""
    q = questions_table(questions)
    source = answers.attrs.get("source", "<practices table>")
    missing = [c for c in ("question", "answer") if c not in answers.columns]
    if missing:
        raise QuestionnaireError(source, "practices", [Problem(c, "required column is missing", fix=(
            "the practices file needs the columns question, answer; map yours with column_map")) for c in missing])
    df = answers.reset_index(drop=True)
    ids = df["question"].map(lambda v: "" if is_blank(v) else str(v).strip())
    known = dict(zip(q["question"], q.to_dict("records")))
    problems, out_of_range = [], []
    unknown = ~ids.isin(known)
    if unknown.any():
        hint = closest(ids[unknown].iloc[0], known)
        problems.append(Problem("question", "unknown question id", rows=file_lines(df.index[unknown]),
                                values=ids[unknown].tolist(), fix=(f"did you mean '{hint}'? " if hint else "")
                                + f"the questions are {', '.join(known)}"))
    dup = ids.duplicated(keep=False) & ~unknown
    if dup.any():
        problems.append(Problem("question", "answered more than once", rows=file_lines(df.index[dup]),
                                values=sorted(set(ids[dup])), fix="keep one answer per question"))
    given = {i: r for r, i in zip(df.index, ids) if i in known}
    todo = []
    for qid, spec in known.items():
        if qid not in given or is_blank(df.at[given[qid], "answer"]):
            todo.append(qid)
            continue
        line, raw = given[qid] + 2, df.at[given[qid], "answer"]
        if spec["scale"] == "list":
            continue
        value = _number(raw)
        allowed = "0 (no) or 1 (yes)" if spec["scale"] == "yes_no" else "1 to 5"
        ok = value in (0.0, 1.0) if spec["scale"] == "yes_no" else 1 <= value <= 5
        if not ok:
            out_of_range.append(dict(question=qid, function="organisation", line=line, answer=raw, allowed=allowed))
            problems.append(Problem("answer", f"question {qid} (line {line}) must be {allowed}", rows=[line],
                                    values=[raw], fix=f"answer question {qid} with {allowed}"))
    if todo:
        problems.append(Problem("answer", f"the organisation has {len(todo)} unanswered question"
                                f"{'s' if len(todo) != 1 else ''}: {', '.join(todo)}",
                                rows=sorted(given[t] + 2 for t in todo if t in given),
                                fix="answer every question: 0/1, 1-5, or for list questions the network names "
                                    "separated by ';' (write 'none' when there are none)"))
    if problems:
        raise QuestionnaireError(source, "practices", problems, unanswered={"organisation": todo} if todo else None,
                                 out_of_range=out_of_range)
    rows = [{**spec, "answer": df.at[given[qid], "answer"], "line": given[qid] + 2} for qid, spec in known.items()]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PracticeResult:
    """Presence, platform and purpose of one organisation."""

    items: pd.DataFrame  # one row per question: answer, normalised (0..1, NaN for context), detail
    practices: pd.DataFrame  # practice, label, score, threshold, practised, weakest, weakest_text


def score(answers: pd.DataFrame, *, questions: pd.DataFrame | None = None,
          practices: pd.DataFrame | None = None) -> PracticeResult:
    """Score the organisation's answers (see the module docstring). ``questions`` and ``practices``
    default to the kit's ``practice_questions`` and ``depth_practices`` tables."""
    checked = check_answers(answers, questions=questions)
    practices = tables.load("depth_practices") if practices is None else practices
    lists = {r["question"]: networks(r["answer"]) for r in checked.to_dict("records") if r["scale"] == "list"}
    normalised, detail = [], []
    for r in checked.to_dict("records"):
        if r["scale"] == "list":
            against = "" if is_blank(r.get("against")) else str(r["against"]).strip()
            if not against or float(r["weight"]) == 0:
                normalised.append(np.nan)
                detail.append(f"{len(lists[r['question']])} named: {', '.join(lists[r['question']]) or 'none'}")
                continue
            wanted = lists.get(against, [])
            have = {network(n) for n in lists[r["question"]]}
            covered = [n for n in wanted if network(n) in have]
            gaps = [n for n in wanted if network(n) not in have]
            normalised.append(len(covered) / len(wanted) if wanted else np.nan)
            detail.append(f"covers {len(covered)} of {len(wanted)} ({against})" + (f"; missing {', '.join(gaps)}" if gaps else ""))
            continue
        value = _number(r["answer"])
        normalised.append(value if r["scale"] == "yes_no" else (value - 1) / 4)
        detail.append("")
    items = checked.assign(normalised=normalised, detail=detail)
    items = items[["question", "practice", "scale", "text", "answer", "weight", "normalised", "detail"]]
    rows = []
    for p in practices.sort_values("order").to_dict("records"):
        mine = items[(items["practice"] == p["practice"]) & items["normalised"].notna() & (items["weight"] > 0)]
        s = float((mine["normalised"] * mine["weight"]).sum() / mine["weight"].sum()) if len(mine) else np.nan
        weakest = mine.sort_values(["normalised", "question"], kind="stable").iloc[0] if len(mine) else None
        rows.append({"practice": p["practice"], "label": p["label"], "score": s, "threshold": float(p["threshold"]),
                     "practised": bool(len(mine)) and s >= float(p["threshold"]) - 1e-12,
                     "weakest": "" if weakest is None else weakest["question"],
                     "weakest_text": "" if weakest is None else weakest["text"]})
    return PracticeResult(items=items.reset_index(drop=True), practices=pd.DataFrame(rows))


def findings(result: PracticeResult | None) -> Findings:
    """One line per practice: practised or not, the score against its threshold, and the weakest
    item as what to improve; presence also names the audience's networks it misses. Without answers
    (``None``), one line saying how to get them."""
    out = Findings()
    if result is None:
        return out.add("Presence, platform and purpose are not scored: no answers were given",
                       "answer the questionnaire below (one row per question, for the organisation as a whole) "
                       "and pass it as practices_path.", kind="step")
    items = result.items.set_index("question")
    for p in result.practices.itertuples(index=False):
        if np.isnan(p.score):
            out.add(f"{p.label}: not scored", "no scored question of this practice was answered.")
            continue
        verdict = "practised" if p.practised else "not yet practised"
        detail = f"score {p.score:.0%} against a threshold of {p.threshold:.0%}"
        gap = items.at[p.weakest, "detail"] if p.weakest in items.index else ""
        weakest = p.weakest_text.split(" (")[0].rstrip(".")
        detail += f"; weakest: {p.weakest} ({weakest}{': ' + gap if gap else ''})"
        lists = items[(items["practice"] == p.practice) & items["detail"].str.contains("missing") & (items.index != p.weakest)]
        detail += "".join(f"; {q}: {d}" for q, d in lists["detail"].items()) + "."
        out.add(f"{p.label}: {verdict}", detail)
    return out


def summary_line(result: PracticeResult) -> str:
    """"Presence practised (85%); platform practised (70%); purpose not yet (40%)." for a summary."""
    text = "; ".join(f"{p.practice} {'practised' if p.practised else 'not yet'} "
                     f"({'n/a' if np.isnan(p.score) else format(p.score, '.0%')})" for p in result.practices.itertuples())
    return text[:1].upper() + text[1:] + "."


def item_table(result: PracticeResult | None, *, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The questionnaire as answered (question, practice, text, answer, score 0-1, detail), or, without
    answers, the questions to answer."""
    if result is None:
        return blank_questionnaire(questions=questions).drop(columns="answer")
    return result.items[["question", "practice", "text", "answer", "normalised", "detail"]].rename(
        columns={"normalised": "score"})


def blank_questionnaire(*, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty questionnaire in the file format (question, practice, scale, text, answer) to fill in."""
    q = questions_table(questions)
    return q[["question", "practice", "scale", "text"]].assign(answer="")


def assumptions(*, questions: pd.DataFrame | None = None, practices: pd.DataFrame | None = None) -> Findings:
    """What presence / platform / purpose scores rest on: the thresholds, the scoring of ratings and
    lists, and the items the kit wrote itself."""
    q = questions_table(questions)
    practices = tables.load("depth_practices") if practices is None else practices
    out = Findings()
    out.add("Presence, platform and purpose are practised from a score of "
            + join_and(f"{t:.0%} ({p})" for p, t in zip(practices["practice"], practices["threshold"]))
            + " (depth_practices.csv, kit assumption).", kind="assumption")
    out.add("Ratings 1-5 count as (answer - 1) / 4, yes/no as 0 or 1, and a list of networks as the share of the "
            "audience's networks it covers; every item weighs the same unless the table says otherwise (kit "
            "assumption).", kind="assumption")
    src = q["source"] if "source" in q.columns else pd.Series("", index=q.index)
    own = q.loc[src.fillna("").str.contains(KIT_ASSUMPTION, case=False), "question"].tolist()
    if own:
        out.add(f"Questions {join_and(own)} are the kit's own additions to the essay's description "
                "(practice_questions.csv).", kind="assumption")
    return out

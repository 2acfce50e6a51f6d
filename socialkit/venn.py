"""The Venn model of business functions (essays "Social Business or Social Media: A Visual
Perspective", "Decoding Social Media Marketing" and "Social media ≠ Social business"; docs/model.md).

An analyst lists an organisation's social initiatives, each tagged with the business functions it
touches, its goal, owner, KPI, the audiences it connects and the norms of social technology it
uses. This module measures whether social is woven into the business ("social business") or parked
at a "social media desk".

Notation used in every formula below: ``N`` initiatives analysed (retired ones are left out by
default), ``F`` functions in the model (rows of the functions table), ``k_i`` the number of model
functions initiative ``i`` touches, and ``M`` the N x F membership matrix (``M[i, f] = 1`` when
initiative ``i`` touches function ``f``).

* **scope** = (functions with at least one initiative) / F
* **integration** = #{i : k_i >= 2} / N
* **overlap** O = M^T M: ``O[f, g]`` initiatives touching both f and g (diagonal: touching f)
* **centre** = the initiatives with k_i = max k (when max k >= 2); **centre reach** = max k / F
* **silos**: functions reached, but only by initiatives with k_i = 1; **unreached**: no initiative
* **measurable value** = #{i : goal given and KPI business} / N; the KPI's kind comes from the KPI
  vocabulary (:mod:`socialkit.kpi`): vanity, unclassified and missing KPIs are not value
* **delivered value** = #{i : objectives on business results name i, and all of them are met} / N,
  from the objectives' status (:func:`socialkit.metrics.objectives_status`; an objective on a vanity
  number such as an engagement rate does not count, :func:`socialkit.metrics.objectives.delivery`);
  n/a when no objective names an analysed initiative
* **norm depth** = mean over initiatives of their highest norm level (user-generated content 1,
  collaboration 2, community 3, collective intelligence 4); **highest norm** = max level
* **audience reach** = audiences reached (customers, partners, employees) / 3
* **norm x audience grid**: for each of the 4 x 3 cells, the initiatives carrying that norm for that
  audience (an initiative with two norms and two audiences sits in four cells); **grid cells** =
  filled cells / 12. Empty cells are opportunities.

The classification uses the measurable value (delivered value needs objectives, which many
organisations do not have yet); both are shown. The functions table, the goal -> tactic playbook,
the KPI vocabulary, the norms and the classification thresholds are editable tables
(``functions``, ``playbook``, ``kpi_vocabulary``, ``norms``, ``venn_thresholds``):
:mod:`socialkit.tables` loads them, functions here take them as arguments and default to the kit's
cached copy. The charts of these results are in :mod:`socialkit.charts.venn`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import tables
from .exceptions import DataValidationError, FunctionTableError, ParameterError, Problem
from .findings import Findings, Markdown
from .functions import functions_table, labels as function_labels, lookup as function_lookup
from .functions import match_goal, resolve as resolve_function, suggestion as function_suggestion
from .kpi import assumptions as kpi_assumptions, classify as classify_kpis, questions as kpi_questions
from .metrics.objectives import delivery, link_objectives
from .norms import (NORM_LEVELS, audience_reach, audience_table, highest_norm, norm_audience_grid, norm_depth,
                    norm_levels, norm_lists, norm_table, text_column as _text_col)
from .schemas import AUDIENCES, KIT_ASSUMPTION, NORMS, blank_and_repeated, norm_id
from .text import closest, file_lines, is_blank, join_and, key, split_multi

#: How each score is named for people.
SCORE_LABELS = {"initiatives": "Initiatives", "scope": "Scope", "integration": "Integration",
                "centre_reach": "Centre reach", "silos": "Silos", "unreached": "Unreached functions",
                "measurable_value": "Measurable value", "delivered_value": "Delivered value",
                "vanity_kpis": "Vanity KPIs", "unclassified_kpis": "KPIs to classify", "norm_depth": "Norm depth",
                "highest_norm": "Highest norm", "audience_reach": "Audience reach", "grid_cells": "Grid cells filled"}
#: Labels of the three classes, from least to most integrated.
CLASSES = ("social media desk", "coordinated", "social business")

_CRITERIA_TEXT = {
    "scope": "share of the model's functions that social reaches",
    "integration": "share of initiatives touching two or more functions",
    "measurable_value": "share of initiatives with a goal and a business KPI",
    "delivered_value": "share of initiatives whose linked business objectives are all met",
    "audience_reach": "share of the three audiences (customers, partners, employees) reached",
    "highest_norm": "highest norm reached (1 content, 2 collaboration, 3 community, 4 collective intelligence)",
    "centre_reach": "share of the model joined by the most connected initiative",
    "norm_depth": "mean norm level of initiatives (1 content ... 4 collective intelligence)",
    "grid_cells": "share of the 12 norm x audience cells with an initiative",
}


# --------------------------------------------------------------------------- checks and membership


def check_initiatives(initiatives: pd.DataFrame) -> None:
    """Refuse a frame with no ``initiative`` column, blank names or duplicate names.

    Names are compared ignoring case and surrounding spaces ("Blog" and "blog " are the same
    initiative). Raises :class:`~socialkit.exceptions.DataValidationError` naming the lines.
    """
    source = initiatives.attrs.get("source", "<initiatives>")
    if "initiative" not in initiatives.columns:
        hint = closest("initiative", list(initiatives.columns))
        raise DataValidationError(source, "initiatives", [Problem(
            "initiative", "required column 'initiative' is missing",
            fix=f"pass column_map={{'{hint}': 'initiative'}}" if hint else "add a column naming each initiative")])
    names = initiatives["initiative"].map(lambda v: "" if pd.isna(v) else str(v).strip().lower())
    problems = blank_and_repeated(
        initiatives["initiative"], names, blank=("blank initiative name", "give every initiative a name"),
        repeated=("duplicate initiative names (each initiative must be listed once)",
                  "merge the repeated rows into one (list all their functions in one cell, separated by ';') "
                  "or give them distinct names"))
    if problems:
        raise DataValidationError(source, "initiatives", problems)


def resolve_functions(initiatives: pd.DataFrame, functions: pd.DataFrame | None = None) -> pd.Series:
    """The model function ids each initiative touches, as lists (index of ``initiatives``).

    A cell may name a function by its id or its label, ignoring case, spaces and punctuation
    ("Customer service" -> ``customer_service``; see :mod:`socialkit.functions`). A name that is in
    neither raises :class:`~socialkit.exceptions.FunctionTableError` naming the function, the
    initiative and its line, with the closest known function as a suggestion. ``functions``
    defaults to the kit's table.
    """
    functions = functions_table(functions)
    table = function_lookup(functions)
    col = initiatives["functions"] if "functions" in initiatives.columns else pd.Series(pd.NA, index=initiatives.index)
    resolved, unknown = {}, {}
    for idx, cell in col.items():
        ids = []
        for name in split_multi(cell):
            fid = resolve_function(name, functions, table=table)
            if fid is None:
                unknown.setdefault(name, []).append(idx)
            elif fid not in ids:
                ids.append(fid)
        resolved[idx] = ids
    if unknown:
        problems = []
        for name, rows in unknown.items():
            hint = function_suggestion(name, functions)
            who = ", ".join(f"'{initiatives.at[r, 'initiative']}'" for r in rows[:5])
            problems.append(Problem(
                "functions", f"function '{name}' (initiative {who}) is not in the functions table",
                rows=file_lines(rows), values=[name],
                fix=("add it to the functions table (functions_path, columns function,label) or correct the spelling"
                     + (f": did you mean '{hint}'?" if hint else f"; known functions: {', '.join(functions['function'])}"))))
        raise FunctionTableError(initiatives.attrs.get("source", "<initiatives>"), "initiatives", problems)
    return pd.Series(resolved, index=initiatives.index, dtype=object)


def select_initiatives(initiatives: pd.DataFrame, *, exclude_status: Iterable[str] = ("retired",)) -> pd.DataFrame:
    """Initiatives to analyse: those whose ``status`` is not in ``exclude_status`` (blank status is kept)."""
    excluded = {str(s).strip().lower() for s in (exclude_status or ())}
    if "status" not in initiatives.columns or not excluded:
        return initiatives.copy()
    status = initiatives["status"].map(lambda v: "" if pd.isna(v) else str(v).strip().lower())
    return initiatives[~status.isin(excluded)].copy()


def membership(initiatives: pd.DataFrame, functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The N x F membership matrix: one bool row per initiative (indexed by name), one column per
    function id in the order of the functions table (default: the kit's). An initiative with no
    functions is a row of False. Duplicate initiatives and unknown functions raise (see
    :func:`check_initiatives`, :func:`resolve_functions`)."""
    check_initiatives(initiatives)
    functions = functions_table(functions)
    lists = resolve_functions(initiatives, functions)
    ids = list(functions["function"])
    return pd.DataFrame([[f in lists[i] for f in ids] for i in initiatives.index], columns=ids,
                        index=pd.Index(initiatives["initiative"].astype(str).str.strip().tolist(), name="initiative"),
                        dtype=bool)


# --------------------------------------------------------------------------- scores


def _n(m: pd.DataFrame) -> pd.Series:
    return m.sum(axis=1).astype(int)


def scope(m: pd.DataFrame) -> float:
    """scope = functions touched by at least one initiative / F (functions in the model)."""
    return float(m.any(axis=0).sum() / m.shape[1]) if m.shape[1] else 0.0


def integration(m: pd.DataFrame) -> float:
    """integration = initiatives touching >= 2 functions / N (initiatives with no function count in N)."""
    return float((_n(m) >= 2).sum() / len(m)) if len(m) else 0.0


def overlap_matrix(m: pd.DataFrame) -> pd.DataFrame:
    """O = M^T M: initiatives touching both functions (the diagonal: initiatives touching each function)."""
    x = m.astype(int)
    return (x.T @ x).rename_axis(index="function", columns="with_function")


def centre(m: pd.DataFrame) -> pd.DataFrame:
    """The initiatives joining the most functions: k_i = max k, only when max k >= 2 (else empty).

    Columns ``initiative``, ``n_functions``, ``functions`` ("a; b; c")."""
    k = _n(m)
    if k.empty or k.max() < 2:
        return pd.DataFrame({"initiative": pd.Series(dtype=str), "n_functions": pd.Series(dtype=int),
                             "functions": pd.Series(dtype=str)})
    top = k[k == k.max()]
    return pd.DataFrame({"initiative": top.index.astype(str), "n_functions": top.to_numpy(),
                         "functions": ["; ".join(m.columns[m.loc[i].to_numpy()]) for i in top.index]})


def centre_reach(m: pd.DataFrame) -> float:
    """centre reach = max k_i / F: how much of the model the most connected initiative joins."""
    return float(_n(m).max() / m.shape[1]) if len(m) and m.shape[1] else 0.0


def function_status(m: pd.DataFrame, functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per function: ``initiatives`` touching it, ``single`` (of those, touching only it),
    ``shared`` (touching it and another), ``joined_with`` (the functions it overlaps with), and
    ``status``: "unreached" (no initiative), "silo" (reached only by single-function initiatives)
    or "integrated"."""
    k = _n(m)
    o = overlap_matrix(m)
    rows = []
    for f in m.columns:
        touching = m[f]
        n_all = int(touching.sum())
        n_single = int((touching & (k == 1)).sum())
        partners = [g for g in m.columns if g != f and o.at[f, g] > 0]
        status = "unreached" if n_all == 0 else ("silo" if n_single == n_all else "integrated")
        rows.append({"function": f, "initiatives": n_all, "single": n_single, "shared": n_all - n_single,
                     "joined_with": "; ".join(partners), "status": status})
    out = pd.DataFrame(rows)
    if functions is not None:
        out.insert(1, "label", out["function"].map(function_labels(functions_table(functions))))
    return out


def silos(m: pd.DataFrame) -> list[str]:
    """Functions reached only by single-function initiatives."""
    st = function_status(m)
    return st.loc[st["status"] == "silo", "function"].tolist()


def unreached(m: pd.DataFrame) -> list[str]:
    """Functions no initiative touches."""
    st = function_status(m)
    return st.loc[st["status"] == "unreached", "function"].tolist()




def measurable_value(initiatives: pd.DataFrame, *, vocabulary: pd.DataFrame | None = None) -> float:
    """measurable value = initiatives with a goal and a business KPI / N (the KPI's kind from
    :func:`socialkit.kpi.classify`: vanity, unclassified and missing KPIs do not count)."""
    if not len(initiatives):
        return 0.0
    kinds = classify_kpis(_text_col(initiatives, "kpi"), vocabulary)["kpi_kind"]
    return float(((_text_col(initiatives, "goal") != "") & (kinds == "business")).sum() / len(initiatives))


def delivered_value(deliveries: pd.DataFrame) -> float:
    """delivered value = initiatives whose linked objectives are all met / N, from
    :func:`socialkit.metrics.objectives.delivery`; NaN when no analysed initiative has a linked
    objective (delivered value is then not measured, not zero)."""
    if not len(deliveries) or not (deliveries["n_objectives"] > 0).any():
        return float("nan")
    return float((deliveries["delivered"] == "delivered").sum() / len(deliveries))


# --------------------------------------------------------------------------- classification


def class_thresholds(overrides: Mapping[str, Mapping[str, float]] | None = None, *,
                     table: pd.DataFrame | None = None) -> dict[str, dict[str, float]]:
    """Minimum score of each criterion for each class (class -> criterion -> minimum): the
    ``venn_thresholds`` table (columns ``class``, ``criterion``, ``minimum``; default: the kit's
    cached table) with ``overrides`` (same shape) applied. A class is reached when every one of its
    criteria is at its minimum. An unknown class or criterion in ``overrides`` raises ParameterError."""
    table = tables.load("venn_thresholds") if table is None else table
    merged: dict[str, dict[str, float]] = {}
    for level, criterion, minimum in zip(table["class"], table["criterion"], table["minimum"]):
        merged.setdefault(str(level), {})[str(criterion)] = float(minimum)
    for level, crit in (overrides or {}).items():
        if level not in merged:
            raise ParameterError("thresholds", f"has an unknown class {level!r}; use {list(merged)}.",
                                 suggestion=closest(level, merged))
        for name, val in crit.items():
            if name not in _CRITERIA_TEXT:
                raise ParameterError("thresholds", f"has an unknown criterion {name!r} for {level!r}; use "
                                     f"{', '.join(_CRITERIA_TEXT)}.", suggestion=closest(name, _CRITERIA_TEXT))
            merged[level][name] = float(val)
    return merged


def classify(measures: Mapping[str, float], *, thresholds: Mapping[str, Mapping[str, float]] | None = None,
             threshold_table: pd.DataFrame | None = None) -> tuple[str, pd.DataFrame]:
    """Classify an organisation from its scores and show why.

    "coordinated" when every criterion of that class is met (default: scope >= 0.4 and
    integration >= 0.25); "social business" when, in addition, every criterion of that class is met
    (default: scope >= 0.7, integration >= 0.5, measurable value >= 0.5, audience reach >= 2/3,
    highest norm >= 3, i.e. community); otherwise "social media desk". The minimums are those of
    ``threshold_table`` (default: the kit's cached ``venn_thresholds`` table, every one a kit
    assumption), with ``thresholds`` overriding some of them (see :func:`class_thresholds`). A score
    that is not measured (n/a) does not meet its minimum.

    Returns the class and a reasons table: ``class``, ``criterion``, ``score``, ``threshold``,
    ``met`` and ``reason`` (a sentence).
    """
    rules = class_thresholds(thresholds, table=threshold_table)
    rows = []
    for level, crit in rules.items():
        for name, minimum in crit.items():
            got = float(measures.get(name, float("nan")))
            met = bool(got >= minimum) if not np.isnan(got) else False
            fmt = (lambda v: f"{v:.0f}") if name in ("highest_norm",) else (lambda v: "n/a" if np.isnan(v) else f"{v:.0%}")
            rows.append({"class": level, "criterion": name, "score": got, "threshold": minimum, "met": met,
                         "reason": f"{name.replace('_', ' ')} {fmt(got)} {'>=' if met else '<'} {fmt(minimum)}: "
                                   f"{_CRITERIA_TEXT.get(name, name.replace('_', ' '))}"})
    reasons = pd.DataFrame(rows)
    coordinated = reasons.loc[reasons["class"] == "coordinated", "met"].all()
    business = coordinated and reasons.loc[reasons["class"] == "social business", "met"].all()
    label = "social business" if business else ("coordinated" if coordinated else "social media desk")
    return label, reasons


# --------------------------------------------------------------------------- recommendations


def recommendations(function_table: pd.DataFrame, initiative_table: pd.DataFrame, playbook: pd.DataFrame) -> pd.DataFrame:
    """Playbook tactics for every unreached or siloed function and every goal without a tactic.

    * unreached function f: every playbook tactic whose functions include f;
    * silo f: every tactic that serves f together with another function (it joins f to the rest);
    * goal without a tactic: a goal stated by initiatives none of which touches any function; the
      tactics of the matching playbook goal (or a row asking to add one when nothing matches).

    Columns: ``issue``, ``function``, ``goal``, ``tactic``, ``serves`` (the tactic's functions),
    ``why``.
    """
    rows = []
    book = playbook.assign(_serves=playbook["functions"].map(split_multi))
    for _, fr in function_table.iterrows():
        f = fr["function"]
        if fr["status"] not in ("unreached", "silo"):
            continue
        fitting = book[book["_serves"].map(lambda s: f in s and (fr["status"] == "unreached" or len(s) >= 2))]
        why = ("no initiative reaches it" if fr["status"] == "unreached" else
               f"only single-function initiatives reach it ({fr['initiatives']}); a tactic that joins it to other functions")
        if fitting.empty:
            rows.append({"issue": fr["status"], "function": f, "goal": "", "tactic": "",
                         "serves": "", "why": why + "; the playbook has no tactic for it: add one to playbook.csv"})
        for _, t in fitting.iterrows():
            rows.append({"issue": fr["status"], "function": f, "goal": t["goal"], "tactic": t["tactic"],
                         "serves": "; ".join(t["_serves"]), "why": why})
    goals = initiative_table[initiative_table["goal"] != ""]
    for goal, grp in goals.groupby("goal", sort=False):
        if (grp["n_functions"] > 0).any():
            continue
        gid = match_goal(goal, playbook)
        names = ", ".join(grp["initiative"])
        why = f"stated by {names}, which touch no business function"
        if gid is None:
            rows.append({"issue": "goal without a tactic", "function": "", "goal": goal, "tactic": "",
                         "serves": "", "why": why + "; no playbook goal matches: add one to playbook.csv"})
            continue
        for _, t in book[book["goal_id"] == gid].iterrows():
            rows.append({"issue": "goal without a tactic", "function": "", "goal": goal, "tactic": t["tactic"],
                         "serves": "; ".join(t["_serves"]), "why": why})
    return pd.DataFrame(rows, columns=["issue", "function", "goal", "tactic", "serves", "why"])

# --------------------------------------------------------------------------- the whole analysis


@dataclass(frozen=True)
class VennResult:
    """Everything the Venn model computes for one organisation."""

    classification: str
    scores: pd.DataFrame  # score, value, shown, formula
    reasons: pd.DataFrame  # class, criterion, score, threshold, met, reason
    initiatives: pd.DataFrame  # one row per analysed initiative
    membership: pd.DataFrame  # N x F bool
    functions: pd.DataFrame  # one row per function, with status
    overlap: pd.DataFrame  # F x F counts
    centre: pd.DataFrame
    norms: pd.DataFrame  # per norm: count, definition, example
    audiences: pd.DataFrame
    grid: pd.DataFrame  # norm x audience cells (norm_audience_grid)
    recommendations: pd.DataFrame
    questions: Findings = field(default_factory=Findings)  # unclassified KPIs to ask about
    links: pd.DataFrame = field(default_factory=pd.DataFrame)  # objective -> initiative (link_objectives)
    labels: dict = field(default_factory=dict)  # function id -> label
    excluded: int = 0  # initiatives left out by status

    @property
    def measures(self) -> dict[str, float]:
        return dict(zip(self.scores["score"], self.scores["value"]))


def initiative_table(initiatives: pd.DataFrame, m: pd.DataFrame, *, vocabulary: pd.DataFrame | None = None,
                     deliveries: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per initiative: functions touched, count, goal, the KPI with its kind and what it
    means (:func:`socialkit.kpi.classify`), whether it is measurable value (goal and business KPI),
    what to ask for instead of a vanity or unclassified KPI, the linked objectives and what they
    delivered (:func:`delivery`), norms and highest level, audience, owner and status."""
    kinds = classify_kpis(_text_col(initiatives, "kpi"), vocabulary)
    goal = _text_col(initiatives, "goal")
    names = m.index.astype(str)
    deliveries = delivery(list(names), link_objectives(None, initiatives)) if deliveries is None \
        else deliveries.set_index("initiative").loc[list(names)].reset_index()
    ask = [becomes.replace("_", "-") if k == "vanity" else
           "say whether it is business or vanity (kpi_vocabulary.csv)" if k == "unclassified" else
           "a business KPI" if k == "missing" else "" for k, becomes in zip(kinds["kpi_kind"], kinds["becomes"])]
    return pd.DataFrame({
        "initiative": names,
        "functions": ["; ".join(m.columns[row]) for row in m.to_numpy()],
        "n_functions": m.sum(axis=1).astype(int).to_numpy(),
        "goal": goal.to_numpy(),
        "kpi": kinds["kpi"].to_numpy(),
        "kpi_kind": kinds["kpi_kind"].to_numpy(),
        "kpi_means": kinds["means"].to_numpy(),
        "measurable": ((goal != "") & (kinds["kpi_kind"] == "business")).to_numpy(),
        "ask_for": ask,
        "objectives": deliveries["objectives"].to_numpy(),
        "delivered": deliveries["delivered"].to_numpy(),
        "norm": ["; ".join(ns) for ns in norm_lists(initiatives)],
        "norm_level": norm_levels(initiatives).to_numpy(),
        "audience": _text_col(initiatives, "audience").to_numpy(),
        "owner": _text_col(initiatives, "owner").to_numpy(),
        "status": _text_col(initiatives, "status").to_numpy(),
    })


def analyse(initiatives: pd.DataFrame, functions: pd.DataFrame | None = None, *,
            objectives: pd.DataFrame | None = None, playbook: pd.DataFrame | None = None,
            vocabulary: pd.DataFrame | None = None, norms: pd.DataFrame | None = None,
            exclude_status: Iterable[str] = ("retired",),
            thresholds: Mapping[str, Mapping[str, float]] | None = None,
            threshold_table: pd.DataFrame | None = None) -> VennResult:
    """Run the whole Venn model on an initiatives table (see the module docstring for formulas).

    ``objectives`` links objectives to the initiatives that deploy them (its ``initiative`` column)
    and, with a ``status`` column (the output of :func:`socialkit.metrics.objectives_status`), gives
    the delivered value; without it delivered value is n/a. ``functions`` (checked and tidied by
    :func:`socialkit.functions.functions_table`), ``playbook``, ``vocabulary`` (the KPI vocabulary),
    ``norms`` and ``threshold_table`` default to the kit's editable tables (:mod:`socialkit.tables`);
    ``thresholds`` overrides some minimums (see :func:`classify`). Initiatives whose status is in
    ``exclude_status`` are left out (after every row has been checked).
    """
    functions = functions_table(functions)
    playbook = tables.load("playbook") if playbook is None else playbook
    norms = tables.load("norms") if norms is None else norms
    threshold_table = tables.load("venn_thresholds") if threshold_table is None else threshold_table
    membership(initiatives, functions)  # checks every row, including the ones left out below
    links = link_objectives(objectives, initiatives)
    kept = select_initiatives(initiatives, exclude_status=exclude_status)
    kept.attrs = dict(initiatives.attrs)
    m = membership(kept, functions)
    deliveries = delivery([str(n) for n in m.index], links)
    table = initiative_table(kept, m, vocabulary=vocabulary, deliveries=deliveries)
    ftable = function_status(m, functions)
    grid = norm_audience_grid(kept, norms)
    n, F = len(m), m.shape[1]
    reached = int((ftable["status"] != "unreached").sum())
    multi = int((table["n_functions"] >= 2).sum())
    measurable = int(table["measurable"].sum())
    kinds = table["kpi_kind"].value_counts()
    delivered = int((deliveries["delivered"] == "delivered").sum())
    linked = int((deliveries["n_objectives"] > 0).sum())
    filled = int((~grid["opportunity"]).sum())
    aud = audience_table(kept)
    kmax = int(table["n_functions"].max()) if n else 0
    measures = {
        "initiatives": float(n),
        "scope": scope(m),
        "integration": integration(m),
        "centre_reach": centre_reach(m),
        "silos": float((ftable["status"] == "silo").sum()),
        "unreached": float(F - reached),
        "measurable_value": measurable / n if n else 0.0,
        "delivered_value": delivered_value(deliveries),
        "vanity_kpis": kinds.get("vanity", 0) / n if n else 0.0,
        "unclassified_kpis": kinds.get("unclassified", 0) / n if n else 0.0,
        "norm_depth": norm_depth(kept),
        "highest_norm": float(highest_norm(kept)),
        "audience_reach": audience_reach(kept),
        "grid_cells": filled / len(grid),
    }
    hn = int(measures["highest_norm"])
    shown = {
        "initiatives": f"{n}" + (f" ({len(initiatives) - n} left out by status)" if len(initiatives) > n else ""),
        "scope": f"{measures['scope']:.0%} ({reached} of {F} functions)",
        "integration": f"{measures['integration']:.0%} ({multi} of {n} initiatives touch 2+ functions)",
        "centre_reach": f"{measures['centre_reach']:.0%} (the centre joins {kmax} of {F} functions)",
        "silos": f"{int(measures['silos'])}: " + (", ".join(ftable.loc[ftable['status'] == 'silo', 'label']) or "none"),
        "unreached": f"{int(measures['unreached'])}: " + (", ".join(ftable.loc[ftable['status'] == 'unreached', 'label']) or "none"),
        "measurable_value": f"{measures['measurable_value']:.0%} ({measurable} of {n} have a goal and a business KPI)",
        "delivered_value": ("n/a (no objective names an initiative: link objectives to initiatives to measure it)"
                            if not linked else f"{measures['delivered_value']:.0%} ({delivered} of {n} met every "
                            f"linked business objective; {linked} have linked objectives)"),
        "vanity_kpis": f"{measures['vanity_kpis']:.0%} ({kinds.get('vanity', 0)} of {n} measure only vanity metrics)",
        "unclassified_kpis": f"{measures['unclassified_kpis']:.0%} ({kinds.get('unclassified', 0)} of {n} KPIs are "
                             "not in the vocabulary: not counted as value)",
        "norm_depth": "n/a" if np.isnan(measures["norm_depth"]) else f"{measures['norm_depth']:.2f} of 4",
        "highest_norm": f"{hn}" + (f" ({NORMS[hn - 1].replace('_', ' ')})" if hn else " (no norm given)"),
        "audience_reach": f"{measures['audience_reach']:.0%} ("
                          + (", ".join(aud.loc[aud['reached'], 'audience']) or "none") + ")",
        "grid_cells": f"{filled} of {len(grid)} norm x audience cells ({len(grid) - filled} "
                      f"{'opportunity' if len(grid) - filled == 1 else 'opportunities'})",
    }
    formula = {
        "initiatives": "N = initiatives analysed",
        "scope": "functions with >= 1 initiative / F",
        "integration": "initiatives with >= 2 functions / N",
        "centre_reach": "max functions of one initiative / F",
        "silos": "functions reached only by single-function initiatives",
        "unreached": "functions with no initiative",
        "measurable_value": "initiatives with a goal and a business KPI / N (used by the classification)",
        "delivered_value": "initiatives whose linked business objectives are all met / N",
        "vanity_kpis": "initiatives whose KPI names only vanity metrics / N",
        "unclassified_kpis": "initiatives whose KPI the vocabulary does not know / N",
        "norm_depth": "mean highest norm level (content 1 ... collective intelligence 4)",
        "highest_norm": "max norm level reached",
        "audience_reach": "audiences reached / 3",
        "grid_cells": "norm x audience cells with an initiative / 12",
    }
    scores = pd.DataFrame({"score": list(measures), "label": [SCORE_LABELS.get(k, k) for k in measures],
                           "value": list(measures.values()), "shown": [shown[k] for k in measures],
                           "formula": [formula[k] for k in measures]})
    label, reasons = classify(measures, thresholds=thresholds, threshold_table=threshold_table)
    return VennResult(
        classification=label, scores=scores, reasons=reasons, initiatives=table, membership=m,
        functions=ftable, overlap=overlap_matrix(m), centre=centre(m), norms=norm_table(kept, norms), audiences=aud,
        grid=grid, recommendations=recommendations(ftable, table, playbook),
        questions=kpi_questions(table.set_index("initiative")[["kpi", "kpi_kind"]].reset_index(drop=True),
                                who=table["initiative"]),
        links=links, labels=function_labels(functions), excluded=len(initiatives) - n)


def summary(result: VennResult) -> Markdown:
    """One paragraph, in plain words, of what the scores say and what the next class needs
    (:class:`~socialkit.findings.Markdown`: a ``str`` that notebooks display as Markdown)."""
    ms = result.measures
    nxt = {"social media desk": "coordinated", "coordinated": "social business"}.get(result.classification)
    unmet = result.reasons[(result.reasons["class"] == nxt) & ~result.reasons["met"]]
    delivered = ("delivered value is not measured (no objective is linked to an initiative)"
                 if np.isnan(ms["delivered_value"]) else
                 f"{ms['delivered_value']:.0%} delivered it (every linked business objective met)")
    text = (f"Classification: **{result.classification}** (on measurable value). Social reaches {ms['scope']:.0%} "
            f"of the business functions; {ms['integration']:.0%} of initiatives join two or more functions; "
            f"{ms['measurable_value']:.0%} have a goal with a business KPI and {delivered}.")
    if nxt and not unmet.empty:
        text += f" To become {nxt}: " + "; ".join(unmet["reason"].str.split(":").str[0]) + "."
    return Markdown(text)


def compare(initiatives_by_brand: Mapping[str, pd.DataFrame], functions: pd.DataFrame | None = None, *,
            objectives_by_brand: Mapping[str, pd.DataFrame] | None = None, **options: Any) -> pd.DataFrame:
    """Scores of several organisations side by side (one row each): ``brand``, ``initiatives``,
    ``scope``, ``integration``, ``measurable_value``, ``delivered_value`` (n/a without objectives),
    ``audience_reach``, ``highest_norm``, ``classification``. ``objectives_by_brand`` gives each
    brand's objectives with their status; ``options`` are passed to :func:`analyse`."""
    rows = []
    for brand, df in initiatives_by_brand.items():
        res = analyse(df, functions, objectives=(objectives_by_brand or {}).get(brand), **options)
        ms = res.measures
        rows.append({"brand": brand, "initiatives": int(ms["initiatives"]), "scope": ms["scope"],
                     "integration": ms["integration"], "measurable_value": ms["measurable_value"],
                     "delivered_value": ms["delivered_value"], "audience_reach": ms["audience_reach"],
                     "highest_norm": int(ms["highest_norm"]), "classification": res.classification})
    return pd.DataFrame(rows, columns=["brand", "initiatives", "scope", "integration", "measurable_value",
                                       "delivered_value", "audience_reach", "highest_norm", "classification"])


def assumptions(*, threshold_table: pd.DataFrame | None = None, functions: pd.DataFrame | None = None,
                playbook: pd.DataFrame | None = None) -> Findings:
    """The assumptions the Venn model's numbers rest on (for a report's notes): the classification
    thresholds, the kit's own functions, the playbook's function mapping, the value rules and the KPI
    vocabulary terms the kit classified itself (docs/model.md)."""
    thresholds = tables.load("venn_thresholds") if threshold_table is None else threshold_table
    functions = functions_table(functions)
    playbook = tables.load("playbook") if playbook is None else playbook
    out = Findings()
    for level, grp in thresholds.groupby("class", sort=False):
        rules = join_and(f"{c.replace('_', ' ')} >= {m:g}" if c == "highest_norm" else f"{c.replace('_', ' ')} >= {m:.0%}"
                         for c, m in zip(grp["criterion"], grp["minimum"]))
        out.add(f"Class \"{level}\" needs {rules} (venn_thresholds.csv, kit assumption).", kind="assumption")
    for table, what in ((functions, "function"), (playbook, "goal_id")):
        src = table["source"] if "source" in table.columns else pd.Series("", index=table.index)
        own = table.loc[src.fillna("").str.contains(KIT_ASSUMPTION, case=False), what].tolist()
        if own and what == "function":
            out.add(f"The function{'s' if len(own) > 1 else ''} {join_and(own)} {'are' if len(own) > 1 else 'is'} the "
                    "kit's addition to the essay's business functions (functions.csv).", kind="assumption")
        elif own:
            out.add("Which business functions each playbook tactic serves is the kit's reading of the essay "
                    "(playbook.csv).", kind="assumption")
    out.add("Norm levels rise from user-generated content (1) to collective intelligence (4), in the essay's order; "
            "an initiative counts at its highest norm.", kind="assumption")
    out.add("Delivered value counts an initiative only when every objective on a business result linked to it is "
            "met; an objective that is close or not measured does not count, nor one on a vanity number (kit "
            "assumption).", kind="assumption")
    return out.extend(kpi_assumptions())


# --------------------------------------------------------------------------- regions and combinations


def venn_regions(m: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    """Initiatives in each region of the Venn of ``chosen`` functions: a region counts initiatives
    touching exactly those of the chosen functions (whatever else they touch). Columns ``region``
    (tuple of indices into ``chosen``), ``functions``, ``count``, ``initiatives``; plus a row with
    region () for initiatives touching none of them."""
    sub = m[list(chosen)].to_numpy()
    rows = []
    for code in range(2 ** len(chosen)):
        members = tuple(i for i in range(len(chosen)) if code >> i & 1)
        mask = np.all([sub[:, i] if i in members else ~sub[:, i] for i in range(len(chosen))], axis=0) \
            if len(m) else np.zeros(0, dtype=bool)
        names = [str(x) for x in m.index[mask]]
        rows.append({"region": members, "functions": " & ".join(chosen[i] for i in members) or "none of them",
                     "count": len(names), "initiatives": names})
    return pd.DataFrame(rows)


def choose_venn_functions(m: pd.DataFrame, chosen: Sequence[str] | None) -> list[str]:
    """The 2 or 3 function ids a Venn diagram draws: ``chosen`` matched to the columns of ``m`` (ids
    in any case or punctuation), or the three functions most initiatives touch when none is given.
    Raises ParameterError for an unknown or repeated function, or a count other than 2 or 3."""
    if chosen is None or len(chosen) == 0:
        reach = m.sum(axis=0).sort_values(ascending=False, kind="stable")
        return list(reach.index[:3])
    chosen = [str(c) for c in chosen]
    columns = {key(c): c for c in m.columns}
    out = []
    for c in chosen:
        if key(c) not in columns:
            raise ParameterError("venn_functions", f"names {c!r}, which is not a function of the model "
                                 f"(functions: {', '.join(m.columns)}).", suggestion=closest(c, list(m.columns)))
        out.append(columns[key(c)])
    if len(set(out)) != len(out):
        raise ParameterError("venn_functions", f"names a function twice: {chosen}. Name 2 or 3 different functions.")
    if len(out) not in (2, 3):
        raise ParameterError("venn_functions", f"must name 2 or 3 functions. Got {len(out)} ({chosen}) instead.")
    return out


def intersections(m: pd.DataFrame, *, top: int = 20) -> pd.DataFrame:
    """Exact function combinations and how many initiatives have each (UpSet intersections), largest
    first (ties: fewer functions first), at most ``top``. Initiatives with no function form the
    combination "(no function)". Columns ``combination``, ``functions`` (list), ``degree``, ``count``."""
    keys = ["; ".join(m.columns[row]) or "(no function)" for row in m.to_numpy()]
    counts = pd.Series(keys, dtype=object).value_counts(sort=False)
    out = pd.DataFrame({"combination": counts.index.astype(str), "count": counts.to_numpy().astype(int)})
    out["functions"] = out["combination"].map(lambda k: [] if k == "(no function)" else k.split("; "))
    out["degree"] = out["functions"].map(len)
    out = out.sort_values(["count", "degree", "combination"], ascending=[False, True, True], kind="stable")
    return out.head(top).reset_index(drop=True)[["combination", "functions", "degree", "count"]]

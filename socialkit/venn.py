"""The Venn model of business functions (DOMAIN.md sections 2, 6 and 7).

An analyst lists an organisation's social initiatives, each tagged with the business functions it
touches, its goal, owner, KPI, audience and the norm it reaches. This module measures whether social
is woven into the business ("social business") or parked at a "social media desk".

Notation used in every formula below: ``N`` initiatives analysed (retired ones are left out by
default), ``F`` functions in the model (rows of the functions table), ``k_i`` the number of model
functions initiative ``i`` touches, and ``M`` the N x F membership matrix (``M[i, f] = 1`` when
initiative ``i`` touches function ``f``).

* **scope** = (functions with at least one initiative) / F
* **integration** = #{i : k_i >= 2} / N
* **overlap** O = M^T M: ``O[f, g]`` initiatives touching both f and g (diagonal: touching f)
* **centre** = the initiatives with k_i = max k (when max k >= 2); **centre reach** = max k / F
* **silos**: functions reached, but only by initiatives with k_i = 1; **unreached**: no initiative
* **value** = #{i : goal given and KPI measurable} / N, where a KPI is measurable unless it is
  blank or names only vanity metrics of the metric ladder (followers, likes ...)
* **norm depth** = mean norm level (content 1, collaboration 2, community 3, collective
  intelligence 4) of initiatives with a norm; **highest norm** = max level
* **audience reach** = audiences reached (customers, partners, employees) / 3

The functions table, the goal -> tactic playbook and the metric ladder are editable data files
(``socialkit/data/functions.csv``, ``playbook.csv``, ``metric_ladder.csv``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from . import config, io
from .charts import PALETTE
from .exceptions import DataValidationError, FunctionTableError, ParameterError, Problem
from .params import closest
from .schemas import AUDIENCES, NORMS, split_multi

#: Level of each norm of social technologies, in rising order (DOMAIN.md section 7).
NORM_LEVELS = {norm: level for level, norm in enumerate(NORMS, start=1)}
#: Labels of the three classes, from least to most integrated.
CLASSES = ("social media desk", "coordinated", "social business")

#: Minimum score for each class (every criterion of a class must be met, and those of the class below).
def load_thresholds(path: str | os.PathLike | None = None) -> dict[str, dict[str, float]]:
    """Classification thresholds (class -> criterion -> minimum) from ``venn_thresholds.csv``,
    an editable table: a class is reached when every one of its criteria is at its minimum."""
    source = path or config.data_file("venn_thresholds.csv")
    table = io.read_table(source)
    missing = [c for c in ("class", "criterion", "minimum") if c not in table.columns]
    if missing:
        raise DataValidationError(source, "venn thresholds", [Problem(c, "required column is missing", fix=(
            "the table needs the columns class, criterion, minimum")) for c in missing])
    out: dict[str, dict[str, float]] = {}
    for cls, criterion, minimum in zip(table["class"], table["criterion"], table["minimum"]):
        out.setdefault(str(cls), {})[str(criterion)] = float(minimum)
    return out

_CRITERIA_TEXT = {
    "scope": "share of the model's functions that social reaches",
    "integration": "share of initiatives touching two or more functions",
    "value": "share of initiatives with a goal and a measurable (non-vanity) KPI",
    "audience_reach": "share of the three audiences (customers, partners, employees) reached",
    "highest_norm": "highest norm reached (1 content, 2 collaboration, 3 community, 4 collective intelligence)",
    "centre_reach": "share of the model joined by the most connected initiative",
    "norm_depth": "mean norm level of initiatives (1 content ... 4 collective intelligence)",
}


# --------------------------------------------------------------------------- editable tables


def _key(text: Any) -> str:
    """Normalised name for matching: lower case, runs of non-alphanumerics become one '_'."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_")


def load_functions(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The table of business functions (columns ``function``, ``label``, ``description``).

    ``path`` is a custom table (CSV, Excel or Parquet); by default the kit's ten functions
    (``socialkit/data/functions.csv``). Only the ``function`` column (the id) is required.
    """
    source = path if path not in (None, "") else config.data_file("functions.csv")
    return check_functions(io.read_table(source), source=source)


def check_functions(functions: pd.DataFrame, *, source: Any = "<functions table>") -> pd.DataFrame:
    """Validate a functions table and return a clean copy (ids normalised, labels filled)."""
    if "function" not in functions.columns:
        hint = closest("function", list(functions.columns))
        raise FunctionTableError(source, "functions", [Problem(
            "function", "required column 'function' (the function id) is missing",
            fix=f"rename '{hint}' to 'function'" if hint else "add a 'function' column of short ids, e.g. 'marketing'")])
    out = functions.copy()
    ids = out["function"].map(lambda v: "" if pd.isna(v) else _key(v))
    problems = _blank_and_repeated(out["function"], ids, blank=("blank function id",
                                   "give every function a short id, e.g. 'customer_service'"),
                                   repeated=("function ids must be unique", "remove or rename the repeated functions"))
    if out.empty:
        problems.append(Problem(None, "has no functions", fix="list at least two business functions"))
    if problems:
        raise FunctionTableError(source, "functions", problems)
    out["function"] = ids.astype(str)
    if "label" not in out.columns:
        out["label"] = out["function"]
    out["label"] = [str(lab) if pd.notna(lab) and str(lab).strip() else fid
                    for lab, fid in zip(out["label"], out["function"])]
    if "description" not in out.columns:
        out["description"] = ""
    return out.reset_index(drop=True)


def load_playbook(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The goal -> tactic playbook (columns ``goal_id``, ``goal``, ``tactic``, ``functions``)."""
    source = path if path not in (None, "") else config.data_file("playbook.csv")
    table = io.read_table(source)
    missing = [c for c in ("goal_id", "goal", "tactic", "functions") if c not in table.columns]
    if missing:
        raise DataValidationError(source, "playbook", [Problem(c, f"required column '{c}' is missing",
                                  fix="the playbook needs goal_id, goal, tactic and functions columns") for c in missing])
    return table


def load_metric_ladder(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The vanity -> business metric ladder, read and checked by :func:`socialkit.metrics.load_ladder`."""
    from .metrics import load_ladder

    return load_ladder(path if path not in (None, "") else None)


# --------------------------------------------------------------------------- checks and membership


def _blank_and_repeated(raw: pd.Series, keys: pd.Series, *, blank: tuple[str, str],
                        repeated: tuple[str, str]) -> list[Problem]:
    """Problems for blank keys and for keys given more than once (``blank``/``repeated`` are
    (check, fix) texts); lines are file lines of ``raw``'s rows."""
    problems = []
    empty = keys == ""
    if empty.any():
        problems.append(Problem(raw.name, blank[0], rows=[int(i) + 2 for i in raw.index[empty]], fix=blank[1]))
    dup = keys.duplicated(keep=False) & ~empty
    if dup.any():
        problems.append(Problem(raw.name, repeated[0], rows=[int(i) + 2 for i in raw.index[dup]],
                                values=raw[dup].tolist(), fix=repeated[1]))
    return problems


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
    problems = _blank_and_repeated(
        initiatives["initiative"], names, blank=("blank initiative name", "give every initiative a name"),
        repeated=("duplicate initiative names (each initiative must be listed once)",
                  "merge the repeated rows into one (list all their functions in one cell, separated by ';') "
                  "or give them distinct names"))
    if problems:
        raise DataValidationError(source, "initiatives", problems)


def resolve_functions(initiatives: pd.DataFrame, functions: pd.DataFrame) -> pd.Series:
    """The model function ids each initiative touches, as lists (index of ``initiatives``).

    A cell may name a function by its id or its label, ignoring case, spaces and punctuation
    ("Customer service" -> ``customer_service``). A name that is in neither raises
    :class:`FunctionTableError` naming the function, the initiative and its line, with the closest
    known function as a suggestion.
    """
    functions = check_functions(functions)
    lookup = {_key(f): f for f in functions["function"]}
    lookup.update({_key(lab): f for lab, f in zip(functions["label"], functions["function"]) if _key(lab) not in lookup})
    col = initiatives["functions"] if "functions" in initiatives.columns else pd.Series(pd.NA, index=initiatives.index)
    resolved, unknown = {}, {}
    for idx, cell in col.items():
        ids = []
        for name in split_multi(cell):
            fid = lookup.get(_key(name))
            if fid is None:
                unknown.setdefault(name, []).append(idx)
            elif fid not in ids:
                ids.append(fid)
        resolved[idx] = ids
    if unknown:
        known = list(functions["function"]) + list(functions["label"])
        problems = []
        for name, rows in unknown.items():
            hint = closest(name, known)
            hint_id = lookup.get(_key(hint)) if hint else None
            who = ", ".join(f"'{initiatives.at[r, 'initiative']}'" for r in rows[:5])
            problems.append(Problem(
                "functions", f"function '{name}' (initiative {who}) is not in the functions table",
                rows=[int(r) + 2 for r in rows], values=[name],
                fix=("add it to the functions table (functions_path, columns function,label) or correct the spelling"
                     + (f": did you mean '{hint_id}'?" if hint_id else f"; known functions: {', '.join(functions['function'])}"))))
        raise FunctionTableError(initiatives.attrs.get("source", "<initiatives>"), "initiatives", problems)
    return pd.Series(resolved, index=initiatives.index, dtype=object)


def select_initiatives(initiatives: pd.DataFrame, *, exclude_status: Iterable[str] = ("retired",)) -> pd.DataFrame:
    """Initiatives to analyse: those whose ``status`` is not in ``exclude_status`` (blank status is kept)."""
    excluded = {str(s).strip().lower() for s in (exclude_status or ())}
    if "status" not in initiatives.columns or not excluded:
        return initiatives.copy()
    status = initiatives["status"].map(lambda v: "" if pd.isna(v) else str(v).strip().lower())
    return initiatives[~status.isin(excluded)].copy()


def membership(initiatives: pd.DataFrame, functions: pd.DataFrame) -> pd.DataFrame:
    """The N x F membership matrix: one bool row per initiative (indexed by name), one column per
    function id in the order of the functions table. An initiative with no functions is a row of
    False. Duplicate initiatives and unknown functions raise (see :func:`check_initiatives`,
    :func:`resolve_functions`)."""
    check_initiatives(initiatives)
    functions = check_functions(functions)
    lists = resolve_functions(initiatives, functions)
    ids = list(functions["function"])
    m = pd.DataFrame([[f in lists[i] for f in ids] for i in initiatives.index], columns=ids,
                     index=pd.Index(initiatives["initiative"].astype(str).str.strip().tolist(), name="initiative"),
                     dtype=bool)
    return m


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
        labels = check_functions(functions).set_index("function")["label"]
        out.insert(1, "label", out["function"].map(labels))
    return out


def silos(m: pd.DataFrame) -> list[str]:
    """Functions reached only by single-function initiatives."""
    st = function_status(m)
    return st.loc[st["status"] == "silo", "function"].tolist()


def unreached(m: pd.DataFrame) -> list[str]:
    """Functions no initiative touches."""
    st = function_status(m)
    return st.loc[st["status"] == "unreached", "function"].tolist()


def _norm_text(text: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower().replace("-", " ").replace("_", " ")).split())


def _alias_pattern(alias: str) -> re.Pattern:
    words = _norm_text(alias).split()
    if words and words[-1].endswith("s") and len(words[-1]) > 3:
        words[-1] = words[-1][:-1] + "s?"  # "followers" also matches "follower growth"
    elif words:
        words[-1] = words[-1] + "s?"
    return re.compile(r"\b" + r"\s+".join(words) + r"\b")


def kpi_kind(kpis: pd.Series, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classify KPI texts against the metric ladder.

    Returns a frame (index of ``kpis``) with ``kpi_kind`` and ``ladder_metric``:

    * "missing": blank KPI;
    * "business": names a business metric of the ladder (opt-ins, leads, orders, revenue or an alias),
      even if it also names a vanity one ("subscribers opted in", "likes and leads");
    * "vanity": names only vanity metrics (followers, reach, likes, shares, comments, sentiment ...);
    * "unlisted": names no ladder metric (e.g. "time to hire"); counted as measurable, listed so the
      analyst can add it to the ladder.

    Aliases match whole words, ignoring case, hyphens and a plural 's'.
    """
    ladder = load_metric_ladder() if ladder is None else ladder
    entries = []
    for _, row in ladder.iterrows():
        aliases = split_multi(row.get("aliases")) + [str(row["metric"])]
        for alias in dict.fromkeys(aliases):
            entries.append((str(row["kind"]).strip().lower(), str(row["metric"]), _alias_pattern(alias)))
    kinds, metrics = [], []
    for value in kpis:
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else _norm_text(value)
        if not text:
            kinds.append("missing")
            metrics.append("")
            continue
        hits = {"business": [], "vanity": []}
        for kind, metric, pattern in entries:
            if kind in hits and pattern.search(text) and metric not in hits[kind]:
                hits[kind].append(metric)
        kind = "business" if hits["business"] else ("vanity" if hits["vanity"] else "unlisted")
        kinds.append(kind)
        metrics.append("; ".join(hits.get(kind, [])))
    return pd.DataFrame({"kpi_kind": kinds, "ladder_metric": metrics}, index=kpis.index)


def _text_col(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    return df[col].map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip())


def value(initiatives: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> float:
    """value = initiatives with a goal and a measurable KPI / N (measurable: KPI kind business or
    unlisted, i.e. neither blank nor vanity-only)."""
    if not len(initiatives):
        return 0.0
    kinds = kpi_kind(_text_col(initiatives, "kpi"), ladder)["kpi_kind"]
    ok = (_text_col(initiatives, "goal") != "") & kinds.isin(["business", "unlisted"])
    return float(ok.sum() / len(initiatives))


def norm_levels(initiatives: pd.DataFrame) -> pd.Series:
    """Norm level of each initiative (content 1 ... collective intelligence 4; NaN when blank)."""
    norms = _text_col(initiatives, "norm").str.lower().str.replace(" ", "_")
    return norms.map(NORM_LEVELS).astype("float64")


def norm_depth(initiatives: pd.DataFrame) -> float:
    """norm depth = mean norm level over initiatives with a norm (NaN when none has one)."""
    lv = norm_levels(initiatives).dropna()
    return float(lv.mean()) if len(lv) else float("nan")


def highest_norm(initiatives: pd.DataFrame) -> int:
    """highest norm = max norm level reached (0 when no initiative names a norm)."""
    lv = norm_levels(initiatives).dropna()
    return int(lv.max()) if len(lv) else 0


def audience_reach(initiatives: pd.DataFrame) -> float:
    """audience reach = audiences named by at least one initiative / 3 (customers, partners, employees)."""
    reached = {a for cell in _text_col(initiatives, "audience") for a in split_multi(cell) if a in AUDIENCES}
    return len(reached) / len(AUDIENCES)


def norm_table(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per norm (rising order), with the level and the share of initiatives with a norm."""
    lv = norm_levels(initiatives)
    counts = [int((lv == level).sum()) for level in NORM_LEVELS.values()]
    total = sum(counts)
    return pd.DataFrame({"norm": list(NORM_LEVELS), "level": list(NORM_LEVELS.values()), "initiatives": counts,
                         "share": [c / total if total else 0.0 for c in counts]})


def audience_table(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives reaching each audience (an initiative may reach several)."""
    cells = [split_multi(c) for c in _text_col(initiatives, "audience")]
    counts = [sum(a in c for c in cells) for a in AUDIENCES]
    return pd.DataFrame({"audience": list(AUDIENCES), "initiatives": counts, "reached": [c > 0 for c in counts]})


# --------------------------------------------------------------------------- classification


def _thresholds(thresholds: Mapping[str, Mapping[str, float]] | None) -> dict[str, dict[str, float]]:
    merged = {lvl: dict(v) for lvl, v in load_thresholds().items()}
    for level, crit in (thresholds or {}).items():
        if level not in merged:
            raise ParameterError("thresholds", f"has an unknown class {level!r}; use {list(merged)}.",
                                 suggestion=closest(level, merged))
        for name, val in crit.items():
            if name not in _CRITERIA_TEXT:
                raise ParameterError("thresholds", f"has an unknown criterion {name!r} for {level!r}; use "
                                     f"{', '.join(_CRITERIA_TEXT)}.", suggestion=closest(name, _CRITERIA_TEXT))
            merged[level][name] = float(val)
    return merged


def classify(measures: Mapping[str, float], *, thresholds: Mapping[str, Mapping[str, float]] | None = None
             ) -> tuple[str, pd.DataFrame]:
    """Classify an organisation from its scores and show why.

    "coordinated" when every criterion of that class is met (default: scope >= 0.4 and
    integration >= 0.25); "social business" when, in addition, every criterion of that class is met
    (default: scope >= 0.7, integration >= 0.5, value >= 0.5, audience reach >= 2/3, highest
    norm >= 3, i.e. community); otherwise "social media desk".

    Returns the class and a reasons table: ``class``, ``criterion``, ``score``, ``threshold``,
    ``met`` and ``reason`` (a sentence).
    """
    rules = _thresholds(thresholds)
    rows = []
    for level, crit in rules.items():
        for name, minimum in crit.items():
            got = float(measures.get(name, float("nan")))
            met = bool(got >= minimum) if not np.isnan(got) else False
            fmt = (lambda v: f"{v:.0f}") if name in ("highest_norm",) else (lambda v: f"{v:.0%}")
            rows.append({"class": level, "criterion": name, "score": got, "threshold": minimum, "met": met,
                         "reason": f"{name.replace('_', ' ')} {fmt(got)} {'>=' if met else '<'} {fmt(minimum)}: "
                                   f"{_CRITERIA_TEXT[name]}"})
    reasons = pd.DataFrame(rows)
    coordinated = reasons.loc[reasons["class"] == "coordinated", "met"].all()
    business = coordinated and reasons.loc[reasons["class"] == "social business", "met"].all()
    label = "social business" if business else ("coordinated" if coordinated else "social media desk")
    return label, reasons


# --------------------------------------------------------------------------- recommendations


def match_goal(goal: Any, playbook: pd.DataFrame) -> str | None:
    """The playbook ``goal_id`` a goal text refers to: its goal_id or goal text (ignoring case and
    punctuation), else the closest playbook goal text (similarity >= 0.75), else None."""
    key = _key(goal)
    if not key:
        return None
    for gid, text in zip(playbook["goal_id"], playbook["goal"]):
        if key in (_key(gid), _key(text)):
            return str(gid)
    texts = {_key(t): str(g) for g, t in zip(playbook["goal_id"], playbook["goal"])}
    hit = closest(key, list(texts), cutoff=0.75)
    return texts[hit] if hit else None


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
    norms: pd.DataFrame
    audiences: pd.DataFrame
    recommendations: pd.DataFrame
    labels: dict = field(default_factory=dict)  # function id -> label
    excluded: int = 0  # initiatives left out by status

    @property
    def measures(self) -> dict[str, float]:
        return dict(zip(self.scores["score"], self.scores["value"]))


def initiative_table(initiatives: pd.DataFrame, m: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per initiative: functions touched, count, goal, KPI kind (see :func:`kpi_kind`), whether
    it has business value (goal and measurable KPI), the business metric a vanity KPI should become,
    norm and level, audience, owner and status."""
    ladder = load_metric_ladder() if ladder is None else ladder
    kpi = _text_col(initiatives, "kpi")
    kinds = kpi_kind(kpi, ladder)
    goal = _text_col(initiatives, "goal")
    becomes = dict(zip(ladder["metric"].astype(str), ladder.get("becomes", pd.Series(dtype=object))))
    out = pd.DataFrame({
        "initiative": m.index.astype(str),
        "functions": ["; ".join(m.columns[row]) for row in m.to_numpy()],
        "n_functions": m.sum(axis=1).astype(int).to_numpy(),
        "goal": goal.to_numpy(),
        "kpi": kpi.to_numpy(),
        "kpi_kind": kinds["kpi_kind"].to_numpy(),
        "has_value": ((goal != "") & kinds["kpi_kind"].isin(["business", "unlisted"])).to_numpy(),
        "ask_for": [", ".join(dict.fromkeys(str(becomes.get(x.strip(), "")) for x in met.split(";")
                                            if pd.notna(becomes.get(x.strip())) and str(becomes.get(x.strip()))))
                    if k == "vanity" else "" for k, met in zip(kinds["kpi_kind"], kinds["ladder_metric"])],
        "norm": _text_col(initiatives, "norm").to_numpy(),
        "norm_level": norm_levels(initiatives).to_numpy(),
        "audience": _text_col(initiatives, "audience").to_numpy(),
        "owner": _text_col(initiatives, "owner").to_numpy(),
        "status": _text_col(initiatives, "status").to_numpy(),
    })
    return out


def analyse(initiatives: pd.DataFrame, functions: pd.DataFrame | None = None, *,
            playbook: pd.DataFrame | None = None, ladder: pd.DataFrame | None = None,
            exclude_status: Iterable[str] = ("retired",),
            thresholds: Mapping[str, Mapping[str, float]] | None = None) -> VennResult:
    """Run the whole Venn model on an initiatives table (see the module docstring for formulas).

    ``functions``, ``playbook`` and ``ladder`` default to the kit's editable tables. Initiatives
    whose status is in ``exclude_status`` are left out (after every row has been checked).
    """
    functions = check_functions(load_functions() if functions is None else functions)
    playbook = load_playbook() if playbook is None else playbook
    ladder = load_metric_ladder() if ladder is None else ladder
    membership(initiatives, functions)  # checks every row, including the ones left out below
    kept = select_initiatives(initiatives, exclude_status=exclude_status)
    kept.attrs = dict(initiatives.attrs)
    m = membership(kept, functions)
    table = initiative_table(kept, m, ladder=ladder)
    ftable = function_status(m, functions)
    n, F = len(m), m.shape[1]
    reached = int((ftable["status"] != "unreached").sum())
    multi = int((table["n_functions"] >= 2).sum())
    valued = int(table["has_value"].sum())
    vanity = int((table["kpi_kind"] == "vanity").sum())
    aud = audience_table(kept)
    kmax = int(table["n_functions"].max()) if n else 0
    measures = {
        "initiatives": float(n),
        "scope": scope(m),
        "integration": integration(m),
        "centre_reach": centre_reach(m),
        "silos": float((ftable["status"] == "silo").sum()),
        "unreached": float(F - reached),
        "value": value(kept, ladder=ladder),
        "vanity_kpis": vanity / n if n else 0.0,
        "norm_depth": norm_depth(kept),
        "highest_norm": float(highest_norm(kept)),
        "audience_reach": audience_reach(kept),
    }
    hn = int(measures["highest_norm"])
    shown = {
        "initiatives": f"{n}" + (f" ({len(initiatives) - n} left out by status)" if len(initiatives) > n else ""),
        "scope": f"{measures['scope']:.0%} ({reached} of {F} functions)",
        "integration": f"{measures['integration']:.0%} ({multi} of {n} initiatives touch 2+ functions)",
        "centre_reach": f"{measures['centre_reach']:.0%} (the centre joins {kmax} of {F} functions)",
        "silos": f"{int(measures['silos'])}: " + (", ".join(ftable.loc[ftable['status'] == 'silo', 'label']) or "none"),
        "unreached": f"{int(measures['unreached'])}: " + (", ".join(ftable.loc[ftable['status'] == 'unreached', 'label']) or "none"),
        "value": f"{measures['value']:.0%} ({valued} of {n} have a goal and a measurable KPI)",
        "vanity_kpis": f"{measures['vanity_kpis']:.0%} ({vanity} of {n} measure only vanity metrics)",
        "norm_depth": "n/a" if np.isnan(measures["norm_depth"]) else f"{measures['norm_depth']:.2f} of 4",
        "highest_norm": f"{hn}" + (f" ({NORMS[hn - 1].replace('_', ' ')})" if hn else " (no norm given)"),
        "audience_reach": f"{measures['audience_reach']:.0%} ("
                          + (", ".join(aud.loc[aud['reached'], 'audience']) or "none") + ")",
    }
    formula = {
        "initiatives": "N = initiatives analysed",
        "scope": "functions with >= 1 initiative / F",
        "integration": "initiatives with >= 2 functions / N",
        "centre_reach": "max functions of one initiative / F",
        "silos": "functions reached only by single-function initiatives",
        "unreached": "functions with no initiative",
        "value": "initiatives with a goal and a measurable KPI / N",
        "vanity_kpis": "initiatives whose KPI names only vanity metrics / N",
        "norm_depth": "mean norm level (content 1 ... collective intelligence 4)",
        "highest_norm": "max norm level reached",
        "audience_reach": "audiences reached / 3",
    }
    scores = pd.DataFrame({"score": list(measures), "value": list(measures.values()),
                           "shown": [shown[k] for k in measures], "formula": [formula[k] for k in measures]})
    label, reasons = classify(measures, thresholds=thresholds)
    return VennResult(
        classification=label, scores=scores, reasons=reasons, initiatives=table, membership=m,
        functions=ftable, overlap=overlap_matrix(m), centre=centre(m), norms=norm_table(kept), audiences=aud,
        recommendations=recommendations(ftable, table, playbook),
        labels=dict(zip(functions["function"], functions["label"])), excluded=len(initiatives) - n)


class Summary(str):
    """A paragraph of Markdown text that notebooks display as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


def summary(result: VennResult) -> Summary:
    """One paragraph, in plain words, of what the scores say and what the next class needs
    (Markdown; a ``str`` subclass that notebooks display as Markdown)."""
    ms = result.measures
    nxt = {"social media desk": "coordinated", "coordinated": "social business"}.get(result.classification)
    unmet = result.reasons[(result.reasons["class"] == nxt) & ~result.reasons["met"]]
    text = (f"Classification: **{result.classification}**. Social reaches {ms['scope']:.0%} of the business "
            f"functions; {ms['integration']:.0%} of initiatives join two or more functions and "
            f"{ms['value']:.0%} have a goal with a measurable KPI.")
    if nxt and not unmet.empty:
        text += f" To become {nxt}: " + "; ".join(unmet["reason"].str.split(":").str[0]) + "."
    return Summary(text)


def compare(initiatives_by_brand: Mapping[str, pd.DataFrame], functions: pd.DataFrame | None = None,
            **options: Any) -> pd.DataFrame:
    """Scores of several organisations side by side (one row each): ``brand``, ``initiatives``,
    ``scope``, ``integration``, ``value``, ``audience_reach``, ``highest_norm``, ``classification``.
    ``options`` are passed to :func:`analyse`."""
    rows = []
    for brand, df in initiatives_by_brand.items():
        res = analyse(df, functions, **options)
        ms = res.measures
        rows.append({"brand": brand, "initiatives": int(ms["initiatives"]), "scope": ms["scope"],
                     "integration": ms["integration"], "value": ms["value"],
                     "audience_reach": ms["audience_reach"], "highest_norm": int(ms["highest_norm"]),
                     "classification": res.classification})
    return pd.DataFrame(rows, columns=["brand", "initiatives", "scope", "integration", "value", "audience_reach",
                                       "highest_norm", "classification"])


def load_sample_initiatives(brands: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """Initiatives of sample brands, by name (None: every sample brand; []: none)."""
    names = config.sample_brands() if brands is None else list(brands)
    return {b: io.load(config.sample_path(b, "initiatives"), "initiatives") for b in names}


# --------------------------------------------------------------------------- Venn layout and chart

#: Circle radius and centre spacing of the drawn Venn (data units; radius 1).
_VENN_GEOMETRY = {2: {"distance": 1.0}, 3: {"distance": 1.05}}
#: Drawn area (x range, y range) of each diagram, in data units.
_VENN_DOMAIN = {2: ((-1.7, 1.7), (-1.3, 1.5)), 3: ((-1.8, 1.8), (-2.0, 1.7))}
#: Where each function's name goes: x offset from the centre, above (+1) or below (-1) the circle, alignment.
_VENN_NAMES = {2: [(0.3, 1, "right"), (-0.3, 1, "left")],
               3: [(0.25, 1, "right"), (-0.25, 1, "left"), (0.0, -1, "center")]}


def venn_layout(n_sets: int, *, grid_step: float = 0.01) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Circle and region-label positions of a symmetric Venn diagram of 2 or 3 sets (radius 1).

    2 sets: centres at (-0.5, 0) and (0.5, 0). 3 sets: centres on an equilateral triangle with
    sides 1.05 (top left, top right, bottom). Every region (each non-empty subset of the sets, 3 or
    7 of them) is labelled at the point of the region farthest from any circle edge, found on a grid.

    Returns (circles: ``set``, ``cx``, ``cy``, ``r``; regions: ``region`` (tuple of set indices),
    ``x``, ``y``).
    """
    if n_sets not in (2, 3):
        raise ParameterError("venn_functions", f"must name 2 or 3 functions. Got {n_sets} instead.")
    d = _VENN_GEOMETRY[n_sets]["distance"]
    if n_sets == 2:
        centres = [(-d / 2, 0.0), (d / 2, 0.0)]
    else:
        rho = d / np.sqrt(3)
        angles = np.deg2rad([150, 30, 270])
        centres = [(float(rho * np.cos(a)), float(rho * np.sin(a))) for a in angles]
    circles = pd.DataFrame({"set": range(n_sets), "cx": [c[0] for c in centres], "cy": [c[1] for c in centres],
                            "r": 1.0})
    xs = np.arange(-2.0, 2.0 + grid_step / 2, grid_step)
    gx, gy = np.meshgrid(xs, xs)
    dist = np.stack([np.hypot(gx - cx, gy - cy) for cx, cy in centres])  # n x grid
    inside = dist < 1.0
    edge = np.abs(dist - 1.0).min(axis=0)
    rows = []
    for code in range(1, 2 ** n_sets):
        members = tuple(i for i in range(n_sets) if code >> i & 1)
        mask = np.all([inside[i] if i in members else ~inside[i] for i in range(n_sets)], axis=0)
        pick = np.argmax(np.where(mask, edge, -1.0))
        rows.append({"region": members, "x": round(float(gx.flat[pick]), 4), "y": round(float(gy.flat[pick]), 4)})
    regions = pd.DataFrame(rows)
    regions = regions.assign(degree=regions["region"].map(len)).sort_values(["degree", "region"]).drop(columns="degree")
    return circles, regions.reset_index(drop=True)


def _as_membership(data: Any) -> tuple[pd.DataFrame, dict]:
    if isinstance(data, VennResult):
        return data.membership, data.labels
    return data, {}


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
    if chosen is None or len(chosen) == 0:
        reach = m.sum(axis=0).sort_values(ascending=False, kind="stable")
        return list(reach.index[:3])
    chosen = [str(c) for c in chosen]
    lookup = {_key(c): c for c in m.columns}
    out = []
    for c in chosen:
        if _key(c) not in lookup:
            raise ParameterError("venn_functions", f"names {c!r}, which is not a function of the model "
                                 f"(functions: {', '.join(m.columns)}).", suggestion=closest(c, list(m.columns)))
        out.append(lookup[_key(c)])
    if len(set(out)) != len(out):
        raise ParameterError("venn_functions", f"names a function twice: {chosen}. Name 2 or 3 different functions.")
    if len(out) not in (2, 3):
        raise ParameterError("venn_functions", f"must name 2 or 3 functions. Got {len(out)} ({chosen}) instead.")
    return out


def venn_chart(data: VennResult | pd.DataFrame, functions: Sequence[str] | None = None, *,
               labels: Mapping[str, str] | None = None, size: int = 380, title: str | None = None) -> alt.LayerChart:
    """A true Venn diagram of 2 or 3 functions: translucent circles at the positions of
    :func:`venn_layout`, the number of initiatives in each region at the region's label point,
    the function names beside the circles and the initiatives outside all circles in a corner.

    ``data`` is a :class:`VennResult` or a membership matrix; ``functions`` the 2-3 function ids
    (default: the three most reached).
    """
    m, result_labels = _as_membership(data)
    labels = {**result_labels, **(labels or {})}
    chosen = choose_venn_functions(m, functions)
    circles, regions = venn_layout(len(chosen))
    counts = venn_regions(m, chosen).set_index("region")
    (xlo, xhi), (ylo, yhi) = _VENN_DOMAIN[len(chosen)]
    px = size / max(xhi - xlo, yhi - ylo)  # pixels per data unit, equal on both axes
    circles = circles.assign(
        function=[chosen[i] for i in circles["set"]], label=[labels.get(chosen[i], chosen[i]) for i in circles["set"]],
        initiatives=[int(m[chosen[i]].sum()) for i in circles["set"]],
        size_px=[(2 * r * px) ** 2 for r in circles["r"]])  # a Vega circle of size s has radius sqrt(s) / 2
    regions = regions.assign(
        count=[int(counts.at[r, "count"]) for r in regions["region"]],
        functions=[counts.at[r, "functions"] for r in regions["region"]],
        initiatives=[", ".join(counts.at[r, "initiatives"][:12]) + (" ..." if len(counts.at[r, "initiatives"]) > 12 else "")
                     for r in regions["region"]],
        region=[" & ".join(chosen[i] for i in r) for r in regions["region"]])
    names = pd.DataFrame([{"function": c["function"], "label": f"{c['label']} ({c['initiatives']})",
                           "x": round(float(c["cx"] + dx), 4), "y": round(float(c["cy"] + dy * c["r"] + dy * 0.15), 4),
                           "align": align}
                          for (_, c), (dx, dy, align) in zip(circles.iterrows(), _VENN_NAMES[len(chosen)])])
    outside = int(counts.at[(), "count"])
    corner = pd.DataFrame({"x": [xhi - 0.05], "y": [ylo + 0.1], "text": [f"outside these circles: {outside}"]})
    xs = alt.Scale(domain=[xlo, xhi], nice=False, zero=False)
    ys = alt.Scale(domain=[ylo, yhi], nice=False, zero=False)
    colour = alt.Color("label:N", scale=alt.Scale(domain=list(circles["label"]), range=PALETTE[:len(chosen)]),
                       legend=None)
    layers = [alt.Chart(circles).mark_circle(opacity=0.28, stroke="#333", strokeWidth=1.5).encode(
        x=alt.X("cx:Q", scale=xs, axis=None), y=alt.Y("cy:Q", scale=ys, axis=None),
        size=alt.Size("size_px:Q", scale=None, legend=None), color=colour,
        tooltip=[alt.Tooltip("label:N", title="function"), alt.Tooltip("initiatives:Q")])]
    layers.append(alt.Chart(regions).mark_text(fontSize=18, fontWeight="bold", color="#222").encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="count:Q",
        tooltip=[alt.Tooltip("region:N"), alt.Tooltip("count:Q", title="initiatives"),
                 alt.Tooltip("initiatives:N", title="names")]))
    for align, grp in names.groupby("align", sort=False):
        layers.append(alt.Chart(grp).mark_text(fontSize=12, fontWeight="bold", color="#333", align=align).encode(
            x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="label:N"))
    layers.append(alt.Chart(corner).mark_text(fontSize=11, align="right", color="#555").encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="text:N"))
    return alt.layer(*layers).properties(
        width=px * (xhi - xlo), height=px * (yhi - ylo),
        title=title or f"Initiatives across {', '.join(labels.get(c, c) for c in chosen)}")


# --------------------------------------------------------------------------- UpSet, heatmap, quadrant


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


def _int_ticks(top: Any) -> list[int]:
    """Whole-number axis ticks from 0 to ``top`` (at most about 6 of them)."""
    top = int(top) if pd.notna(top) and top > 0 else 1
    step = max(1, int(np.ceil(top / 6)))
    return list(range(0, top + step, step))


def upset_chart(data: VennResult | pd.DataFrame, *, labels: Mapping[str, str] | None = None, top: int = 20,
                width: int = 460) -> alt.VConcatChart:
    """UpSet-style chart of all functions: intersection bars (initiatives per exact combination of
    functions) above a dot matrix (which functions each combination holds), and set-size bars
    (initiatives touching each function) beside the matrix."""
    m, result_labels = _as_membership(data)
    labels = {**result_labels, **(labels or {})}
    inter = intersections(m, top=top)
    order = list(inter["combination"])
    fn_order = [labels.get(f, f) for f in m.columns]
    dots = pd.DataFrame([{"combination": c, "function": labels.get(f, f), "member": f in fs}
                         for c, fs in zip(inter["combination"], inter["functions"]) for f in m.columns])
    sizes = pd.DataFrame({"function": fn_order, "initiatives": m.sum(axis=0).astype(int).to_numpy()})
    extent = 170
    xc = alt.X("combination:N", sort=order, axis=None)
    bars = alt.Chart(inter.drop(columns="functions")).mark_bar(color=PALETTE[0]).encode(
        x=xc, y=alt.Y("count:Q", title="initiatives", axis=alt.Axis(minExtent=extent, maxExtent=extent, format="d",
                                                                      values=_int_ticks(inter["count"].max()))),
        tooltip=["combination:N", "count:Q"]).properties(width=width, height=160, title="Initiatives per combination of functions")
    bar_text = bars.mark_text(dy=-6, fontSize=10).encode(text="count:Q")
    yf = alt.Y("function:N", sort=fn_order, title=None, axis=alt.Axis(minExtent=extent, maxExtent=extent))
    grey = alt.Chart(dots).mark_circle(size=90, color="#d9d9d9").encode(x=xc, y=yf)
    members = dots[dots["member"]]
    black = alt.Chart(members).mark_circle(size=90, color="#222").encode(
        x=xc, y=yf, tooltip=["combination:N", "function:N"])
    line = alt.Chart(members).mark_line(color="#222", strokeWidth=2).encode(x=xc, y=yf, detail="combination:N")
    matrix = alt.layer(grey, line, black).properties(width=width, height=max(120, 22 * len(fn_order)))
    set_bars = alt.Chart(sizes).mark_bar(color=PALETTE[1]).encode(
        y=alt.Y("function:N", sort=fn_order, axis=None),
        x=alt.X("initiatives:Q", title="initiatives per function",
                axis=alt.Axis(format="d", values=_int_ticks(sizes["initiatives"].max()))),
        tooltip=["function:N", "initiatives:Q"]).properties(width=140, height=max(120, 22 * len(fn_order)))
    return alt.vconcat(alt.layer(bars, bar_text), alt.hconcat(matrix, set_bars, spacing=6), spacing=4)


def overlap_heatmap(data: VennResult | pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Heatmap of the overlap matrix: initiatives shared by each pair of functions (diagonal:
    initiatives touching the function), with the count printed in each cell."""
    if isinstance(data, VennResult):
        o, labels = data.overlap, {**data.labels, **(labels or {})}
    else:
        o, labels = (data if data.shape[0] == data.shape[1] and list(data.index) == list(data.columns)
                     else overlap_matrix(data)), dict(labels or {})
    order = [labels.get(f, f) for f in o.index]
    long = pd.DataFrame([{"function": labels.get(f, f), "with_function": labels.get(g, g), "initiatives": int(o.at[f, g]),
                          "diagonal": f == g} for f in o.index for g in o.columns])
    base = alt.Chart(long).encode(
        x=alt.X("with_function:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, grid=False)),
        y=alt.Y("function:N", sort=order, title=None, axis=alt.Axis(grid=False)))
    heat = base.mark_rect().encode(color=alt.Color("initiatives:Q", scale=alt.Scale(scheme="blues"),
                                                   title="initiatives"),
                                   tooltip=["function:N", "with_function:N", "initiatives:Q"])
    text = base.mark_text(fontSize=10).encode(
        text="initiatives:Q",
        color=alt.condition(alt.datum.initiatives > max(1, long["initiatives"].max() / 2), alt.value("white"), alt.value("#222")))
    return alt.layer(heat, text).properties(width=360, height=360, title="Overlap: initiatives shared by two functions")


def quadrant_chart(comparison: pd.DataFrame, *, thresholds: Mapping[str, Mapping[str, float]] | None = None
                   ) -> alt.LayerChart:
    """Scope (x) vs value (y) of several organisations (rows of :func:`compare`), with the
    social-business thresholds of scope and value drawn as the quadrant lines."""
    rules = _thresholds(thresholds)["social business"]
    sx, vy = rules.get("scope", 0.7), rules.get("value", 0.5)
    data = comparison[["brand", "scope", "value", "integration", "classification"]].copy()
    scale = alt.Scale(domain=[0, 1.05], nice=False)
    points = alt.Chart(data).mark_circle(size=220, opacity=0.9).encode(
        x=alt.X("scope:Q", scale=scale, axis=alt.Axis(format="%", values=[0, .2, .4, .6, .8, 1]),
                title="scope: share of functions reached"),
        y=alt.Y("value:Q", scale=scale, axis=alt.Axis(format="%", values=[0, .2, .4, .6, .8, 1]),
                title="value: initiatives with goal + measurable KPI"),
        color=alt.Color("classification:N", scale=alt.Scale(domain=list(CLASSES), range=[PALETTE[3], PALETTE[1], PALETTE[2]]),
                        title="class"),
        tooltip=["brand:N", alt.Tooltip("scope:Q", format=".0%"), alt.Tooltip("value:Q", format=".0%"),
                 alt.Tooltip("integration:Q", format=".0%"), "classification:N"])
    text = points.mark_text(dy=-14, fontSize=11, color="#222").encode(text="brand:N", color=alt.value("#222"))
    vline = alt.Chart(pd.DataFrame({"scope": [sx]})).mark_rule(strokeDash=[4, 4], color="#888").encode(x="scope:Q")
    hline = alt.Chart(pd.DataFrame({"value": [vy]})).mark_rule(strokeDash=[4, 4], color="#888").encode(y="value:Q")
    corners = pd.DataFrame({"scope": [0.02, 1.03, 0.02, 1.03], "value": [1.02, 1.02, 0.03, 0.03],
                            "text": ["focused value", "social business", "social media desk", "broad, little value"],
                            "align": ["left", "right", "left", "right"]})
    corner_left = alt.Chart(corners[corners["align"] == "left"]).mark_text(align="left", color="#777", fontSize=11).encode(
        x="scope:Q", y="value:Q", text="text:N")
    corner_right = alt.Chart(corners[corners["align"] == "right"]).mark_text(align="right", color="#777", fontSize=11).encode(
        x="scope:Q", y="value:Q", text="text:N")
    return alt.layer(vline, hline, corner_left, corner_right, points, text).properties(
        width=380, height=320, title="Scope vs value")

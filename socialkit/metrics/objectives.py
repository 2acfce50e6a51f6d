"""The objectives loop: define -> deploy -> measure -> analyse -> improve ("Social media ≠ Social
business": "defining the appropriate objectives, deploying programs to maximize results and having
built in mechanisms to measure, analyze and improve").

* **define**: each objective names a metric (a rate of :data:`~socialkit.metrics.rates.RATES`, a
  ladder metric by name, label or alias, or a trust measure of the organisation's trust file) and a
  target, optionally on one channel;
* **deploy**: its ``initiative`` column names the initiative(s) of the Venn model's initiatives file
  that deploy it (:func:`link_objectives`); what each initiative delivered is :func:`delivery`;
* **measure / analyse**: its value, gap, status and trend come from the posts (or the trust file):
  :func:`objectives_status`;
* **improve**: each objective's status, with the linked initiative's goal and functions, picks a
  concrete step from the playbook (:func:`improve`); :func:`objective_findings` words it all.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import tables
from ..exceptions import DataValidationError, Problem
from ..findings import Findings
from ..functions import labels as function_labels, lookup as function_lookup, match_goal
from ..kpi import classify as classify_kpis
from ..text import closest, file_lines, is_blank, join_and, key, split_multi
from .ladder import trust_series
from .rates import RATES, rates
from .time import add_period, time_basis

_STATUS_COLUMNS = ["objective", "metric", "channel", "target", "value", "gap", "pct_of_target", "status", "trend",
                   "slope", "last_period", "last_value", "basis", "initiative"]
_UNMEASURED = ("not measured", "no posts", "unknown metric")


def resolve_metric(name: str, *, ladder: pd.DataFrame | None = None) -> str | None:
    """The rate or ladder metric an objective names (matching names and ``;``-separated aliases by
    :func:`socialkit.text.key`), or None."""
    wanted = key(name)
    if wanted in RATES:
        return wanted
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    for rec in ladder.itertuples():
        if wanted == rec.metric:
            return rec.metric
    for rec in ladder.itertuples():
        if wanted in {key(a) for a in str(rec.aliases).split(";")}:
            return rec.metric
    return None


def _metric_series(posts: pd.DataFrame, metric: str, aggregate: str, period: str) -> tuple[float, pd.Series, str]:
    """(overall value, value per period, how it was computed) of one metric on some posts."""
    basis = time_basis(posts)
    if metric in RATES:
        overall = rates(posts, by="all", rates=[metric])["value"].iloc[0]
        per = pd.Series(dtype="float64")
        if basis.trend:
            long = rates(posts, by="period", rates=[metric], period=period)
            long = long[long["period"] != "not recorded"].sort_values("period_start")
            per = pd.Series(long["value"].to_numpy(), index=long["period"].to_numpy())
        return overall, per, "over all posts"
    vals = posts[metric].astype("float64")
    if not basis.trend:
        if aggregate == "mean":
            return float(vals.mean()), pd.Series(dtype="float64"), "mean over all posts"
        if aggregate == "latest":
            return float(posts.groupby("channel")[metric].max().sum()), pd.Series(dtype="float64"), "highest value per channel (no dates)"
        return float(vals.sum()), pd.Series(dtype="float64"), "total over the file (no dates)"
    data = add_period(posts, period=period)
    data = data[data["period"].notna()]
    if aggregate == "mean":
        per = data.groupby("period")[metric].mean()
        return float(vals.mean()), per, "mean over all posts"
    if aggregate == "latest":
        last = data.sort_values("period_start").groupby(["period", "channel"])[metric].last()
        per = last.groupby(level="period").sum(min_count=1)
        return float(per.dropna().iloc[-1]) if per.notna().any() else np.nan, per, "latest period"
    per = data.groupby("period")[metric].sum(min_count=1)
    return float(per.mean()) if per.notna().any() else np.nan, per, f"average per {period}"


def _trend_word(per: pd.Series, flat_within: float) -> tuple[str, float]:
    per = per.dropna()
    if len(per) < 3:
        return "too few periods", np.nan
    x = np.arange(len(per), dtype="float64")
    slope = float(np.polyfit(x, per.to_numpy(dtype="float64"), 1)[0])
    scale = float(np.abs(per).mean())
    rel = slope / scale if scale else 0.0
    return ("rising" if rel > flat_within else "falling" if rel < -flat_within else "flat"), slope


def objectives_status(posts: pd.DataFrame, objectives: pd.DataFrame | None, *, period: str = "month",
                      close_within: float = 0.1, flat_within: float = 0.02,
                      ladder: pd.DataFrame | None = None, trust: pd.DataFrame | None = None) -> pd.DataFrame:
    """Status, trend and gap of each objective (define -> deploy -> measure -> analyse -> improve).

    For a rate the value is the rate over all posts (of the objective's channel); for a count metric
    it is the average total per period (``aggregate`` = sum in the ladder), the mean (mean), or the
    latest period's value (latest), or the file's total when there are no dates. An objective whose
    metric names a measure of the ``trust`` file (period, measure, value; e.g. "NPS") takes the
    latest period's value of that measure, and its trend over the file's periods.
    gap = value - target; pct_of_target = 100 * value / target. Status: met (value >= target), close
    (within ``close_within`` of the target), behind, not measured (metric absent or blank), no posts
    (channel not in the file), unknown metric. Trend: slope of the per-period values (least squares on
    the period number); rising / falling when the slope exceeds ``flat_within`` of the mean value
    per period, else flat; "skipped" without dates. Channels match by :func:`socialkit.text.key`.
    The objective's ``initiative`` cell (the initiatives that deploy it) is passed through.
    """
    if objectives is None or len(objectives) == 0:
        return pd.DataFrame(columns=_STATUS_COLUMNS)
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    agg = dict(zip(ladder["metric"], ladder["aggregate"]))
    basis = time_basis(posts)
    channel_keys = posts["channel"].map(key) if "channel" in posts.columns else pd.Series("", index=posts.index)
    measures = trust_series(trust) if trust is not None else {}
    rows = []
    for rec in objectives.to_dict("records"):
        ch = None if is_blank(rec.get("channel")) else str(rec["channel"])
        row = dict(objective=rec["objective"], metric=rec["metric"], channel=ch or "all channels",
                   target=float(rec["target"]), value=np.nan, gap=np.nan, pct_of_target=np.nan, trend="", slope=np.nan,
                   last_period="", last_value=np.nan, basis="",
                   initiative="" if is_blank(rec.get("initiative")) else str(rec["initiative"]).strip())
        metric = resolve_metric(rec["metric"], ladder=ladder)
        subset = posts if ch is None else posts[channel_keys == key(ch)]
        if key(rec["metric"]) in measures:
            per = measures[key(rec["metric"])]
            _judge(row, float(per.iloc[-1]), close_within, f"trust file, {per.index[-1]}")
            word, slope = _trend_word(per, flat_within)
            row.update(trend=word, slope=slope, last_period=str(per.index[-1]), last_value=float(per.iloc[-1]))
        elif metric is None:
            hint = closest(rec["metric"], list(RATES) + list(ladder["metric"]))
            row.update(status="unknown metric", basis=f"did you mean '{hint}'?" if hint else "see docs/metrics.md for metric names")
        elif subset.empty:
            row.update(status="no posts", basis=f"no post on channel '{ch}'")
        elif metric not in RATES and (metric not in subset.columns or subset[metric].isna().all()):
            row.update(status="not measured", basis=f"the file does not record {metric}")
        else:
            value, per, how = _metric_series(subset, metric, agg.get(metric, "sum"), period)
            if value is None or np.isnan(value):
                row.update(status="not measured", basis=f"{metric} cannot be computed from the file")
            else:
                _judge(row, value, close_within, how)
            if basis.trend:
                word, slope = _trend_word(per, flat_within)
                row.update(trend=word, slope=slope)
                if per.notna().any():
                    last = per.dropna()
                    row.update(last_period=str(last.index[-1]), last_value=float(last.iloc[-1]))
            else:
                row["trend"] = "skipped"
        if not row["trend"]:
            row["trend"] = "skipped" if not basis.trend else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=_STATUS_COLUMNS)


def _judge(row: dict, value: float, close_within: float, how: str) -> None:
    """Set value, gap, share of target and status (met / close / behind) of an objective's row."""
    gap = value - row["target"]
    pct = 100 * value / row["target"] if row["target"] else np.nan
    status = "met" if value >= row["target"] else "close" if value >= row["target"] * (1 - close_within) else "behind"
    row.update(value=value, gap=gap, pct_of_target=pct, status=status, basis=how)


def _fmt(value: float, metric: str) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    unit = RATES[metric].unit if metric in RATES else ""
    if unit == "%":
        return f"{value:.2f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def objective_findings(status: pd.DataFrame, *, ladder: pd.DataFrame | None = None,
                       improvements: pd.DataFrame | None = None) -> Findings:
    """One plain-language sentence per objective (from :func:`objectives_status`): where it stands,
    the gap, the trend, what next. With a rising trend, "periods away" = ceil(-gap / slope). With
    ``improvements`` (:func:`improve`), "what next" is the concrete step for the objective's
    initiatives; without, an objective that is behind is asked to name the initiative that deploys it."""
    found = Findings(empty="_No findings._")
    if status.empty:
        return found.add("No objectives defined", "define objectives with a target per metric (objective, metric, "
                         "target, channel, initiative) to close the loop: define -> deploy -> measure -> analyse -> "
                         "improve.", kind="step")
    ladder = tables.load("metric_ladder") if ladder is None else ladder
    steps = {} if improvements is None else improvements.groupby("objective", sort=False)["recommendation"].agg(" ".join)
    for r in status.itertuples():
        m = resolve_metric(r.metric, ladder=ladder) or r.metric
        where = f" on {r.channel}" if r.channel != "all channels" else ""
        step = steps.get(r.objective, "") if len(steps) else ""
        if r.status in _UNMEASURED:
            found.add(f"{r.objective}: {r.status}", f"{r.metric}{where}: {r.basis}. Start measuring it before "
                      "judging the initiative behind it.")
            continue
        gap = f"{_fmt(abs(r.gap), m)} {'above' if r.gap >= 0 else 'short of'} the target"
        trend = {"rising": "and rising", "falling": "and falling", "flat": "and flat"}.get(r.trend, f"(trend {r.trend})")
        action = "" if step else {
            "met": "keep it and raise the bar", "close": "a small push closes it",
            "behind": "name the initiative that deploys it (column initiative) to get a concrete step"}[r.status]
        if r.status != "met" and r.trend == "rising" and r.slope > 0:
            action = f"at this pace the target is about {math.ceil(-r.gap / r.slope)} periods away"
        elif r.status == "met" and r.trend == "falling":
            action = "met, but slipping: watch it"
        found.add(f"{r.objective}: {r.status}", f"{m}{where} is {_fmt(r.value, m)} ({r.basis}) against a target of "
                  f"{_fmt(r.target, m)}, {gap} ({r.pct_of_target:.0f}% of target) {trend}" + (f"; {action}." if action
                  else ".") + (f" Next: {step}" if step else ""))
    return found


# --------------------------------------------------------------------------- deploy and improve

_LINK_COLUMNS = ["objective", "initiative", "status", "metric_kind"]


def _names(cell: Any) -> list[str]:
    """Initiative names of a cell as written ("Blog; Webinars"), separated like functions."""
    return [] if is_blank(cell) else [n.strip() for n in re.split(r"\s*[;|]\s*", str(cell)) if n.strip()]


def link_objectives(objectives: pd.DataFrame | None, initiatives: pd.DataFrame) -> pd.DataFrame:
    """The objective -> initiative links (deploy): one row per (objective, initiative) pair named in
    the objectives' ``initiative`` column, with the objective's ``status`` when the table has one
    (:func:`objectives_status`), else "not measured", and ``metric_kind``: whether the objective's
    metric is a business result or a vanity number (its words read by the KPI vocabulary,
    :func:`socialkit.kpi.classify`: "engagement_rate_reach" is vanity, "leads" business). Names match the initiatives file's
    ``initiative`` column ignoring case and punctuation; a name it does not have raises
    DataValidationError naming the objective, its line and the closest initiative."""
    if objectives is None or "initiative" not in objectives.columns:
        return pd.DataFrame(columns=_LINK_COLUMNS)
    known = {key(n): str(n).strip() for n in initiatives["initiative"]}
    kinds = _metric_kinds(objectives)
    rows, problems = [], []
    for pos, rec in enumerate(objectives.to_dict("records")):
        for name in _names(rec.get("initiative")):
            if key(name) not in known:
                hint = closest(name, list(known.values()))
                problems.append(Problem("initiative", f"objective '{rec['objective']}' names the initiative '{name}', "
                                        "which is not in the initiatives file", rows=file_lines([pos]), values=[name],
                                        fix=(f"did you mean '{hint}'? " if hint else "") + "write the initiative's "
                                        "name as in the initiatives file; separate several with ';'"))
                continue
            status = rec.get("status")
            rows.append({"objective": rec["objective"], "initiative": known[key(name)],
                         "status": "not measured" if is_blank(status) else str(status), "metric_kind": kinds[pos]})
    if problems:
        raise DataValidationError(objectives.attrs.get("source", "<objectives>"), "objectives", problems)
    return pd.DataFrame(rows, columns=_LINK_COLUMNS)


def _metric_kinds(objectives: pd.DataFrame) -> list[str]:
    """Business or vanity, per objective, from the words of its metric ("business" when unknown:
    a metric the vocabulary does not know is not called vanity)."""
    if "metric" not in objectives.columns:
        return ["business"] * len(objectives)
    kinds = classify_kpis(objectives["metric"].map(lambda m: "" if is_blank(m) else str(m).replace("_", " ")))
    return ["vanity" if k == "vanity" else "business" for k in kinds["kpi_kind"]]


def delivery(names: Sequence[str], links: pd.DataFrame) -> pd.DataFrame:
    """What each initiative delivered, from :func:`link_objectives`: ``initiative``, ``objectives``
    (linked, "; "), ``n_objectives``, ``met`` (business objectives met) and ``delivered``, judged on
    its linked objectives whose metric is a business result: "delivered" (all met), "partly
    delivered" (some met), "not delivered" (none met, at least one measured), "not measured" (none
    measured), "vanity objectives only" (every linked objective measures a vanity number) or "no
    objective"."""
    rows = []
    for name in names:
        mine = links[links["initiative"] == name]
        business = mine[mine["metric_kind"] != "vanity"]
        statuses = business["status"].tolist()
        met = statuses.count("met")
        measured = [x for x in statuses if x in ("met", "close", "behind")]
        word = ("no objective" if mine.empty else "vanity objectives only" if not statuses else
                "delivered" if met == len(statuses) else "partly delivered" if met else
                "not delivered" if measured else "not measured")
        rows.append({"initiative": name, "objectives": "; ".join(mine["objective"].astype(str)),
                     "n_objectives": len(mine), "met": met, "delivered": word})
    return pd.DataFrame(rows, columns=["initiative", "objectives", "n_objectives", "met", "delivered"])


_IMPROVE_COLUMNS = ["objective", "status", "initiative", "goal", "functions", "action", "tactic", "serves",
                    "recommendation"]


def improve(status: pd.DataFrame, initiatives: pd.DataFrame | None, *, playbook: pd.DataFrame | None = None,
            functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The "improve" step: one concrete recommendation per objective and linked initiative.

    The objective's status (:func:`objectives_status`) sets the action: met -> "keep" (raise the
    target; extend the initiative to the functions its playbook tactic serves and it does not touch
    yet), close -> "push", behind -> "improve" (apply the playbook tactic of the initiative's goal,
    bringing in the functions it lacks), not measured / no posts / unknown metric -> "measure". The
    tactic comes from the playbook goal the initiative's goal matches (:func:`socialkit.functions.
    match_goal`); an initiative with no goal, or a goal the playbook lacks, is told so. An objective
    with no linked initiative gets "link". Columns: objective, status, initiative, goal, functions
    (the initiative's), action, tactic, serves (the tactic's functions), recommendation.
    ``playbook`` and ``functions`` default to the kit's tables."""
    if status is None or status.empty:
        return pd.DataFrame(columns=_IMPROVE_COLUMNS)
    playbook = tables.load("playbook") if playbook is None else playbook
    functions = tables.load("functions") if functions is None else functions
    labels, lookup = function_labels(functions), function_lookup(functions)
    named = [n for cell in status["initiative"] for n in _names(cell)] if "initiative" in status.columns else []
    inits = initiatives if initiatives is not None else pd.DataFrame({"initiative": list(dict.fromkeys(named))})
    links = link_objectives(status, inits)
    info = {str(r["initiative"]).strip(): r for r in inits.to_dict("records")}
    rows = []
    for rec in status.to_dict("records"):
        mine = links.loc[links["objective"] == rec["objective"], "initiative"].tolist()
        if not mine:
            rows.append({**dict.fromkeys(_IMPROVE_COLUMNS, ""), "objective": rec["objective"],
                         "status": rec.get("status") or "not measured",
                         "action": "link", "recommendation": f"Name the initiative that deploys \"{rec['objective']}\" "
                         "(objectives file, column initiative), so its result is credited and a playbook step can be "
                         "chosen."})
            continue
        for name in mine:
            rows.append(_step(rec, name, info.get(name, {}), playbook, labels, lookup, known=initiatives is not None))
    return pd.DataFrame(rows, columns=_IMPROVE_COLUMNS)


def _step(rec: dict, name: str, initiative: dict, playbook: pd.DataFrame, labels: dict, lookup: dict, *,
          known: bool = True) -> dict:
    """One improve row: the action for the objective's status and the playbook tactic of the goal."""
    goal = "" if is_blank(initiative.get("goal")) else str(initiative["goal"]).strip()
    touched = [lookup.get(key(f), key(f)) for f in split_multi(initiative.get("functions"))]
    gid = match_goal(goal, playbook) if goal else None
    tactic = playbook[playbook["goal_id"] == gid].iloc[0] if gid else None
    serves = split_multi(tactic["functions"]) if tactic is not None else []
    missing = [labels.get(f, f) for f in serves if f not in touched]
    objective, st = rec["objective"], rec.get("status") or "not measured"
    pct = f" ({rec['pct_of_target']:.0f}% of target)" if not is_blank(rec.get("pct_of_target")) else ""
    metric = classify_kpis([str(rec.get("metric", "")).replace("_", " ")]).iloc[0]
    stands = f"{name} {'meets' if st == 'met' else 'is ' + st + ' on'} \"{objective}\"{pct}"
    if st in _UNMEASURED:
        action = "measure"
        text = (f"Measure \"{objective}\" first ({rec.get('basis') or 'no posts were given to measure it'}); then "
                f"judge {name} on it.")
    elif not known:
        action = {"met": "keep", "close": "push"}.get(st, "improve")
        text = f"{stands}: read the initiatives file too (initiatives_path) to pick its step from the playbook."
    elif metric["kpi_kind"] == "vanity":
        action = "re-aim"
        wanted = metric["becomes"].split("; ")[0].replace("_", "-") or "a business result"
        text = (f"{stands}, but {rec['metric']} is a vanity number: give it an objective on {wanted} and judge it on "
                "that" + (f"; the playbook tactic for its goal: {tactic['tactic']}." if tactic is not None
                          else "; it has no playbook goal either: state one to choose a tactic."))
    elif tactic is None:
        action = {"met": "keep", "close": "push"}.get(st, "improve")
        why = "has no goal" if not goal else f"has a goal the playbook does not know (\"{goal}\")"
        text = (f"{stands}, but it {why}: state a playbook goal for it (or add the goal and its tactic to "
                "playbook.csv) to choose the next step.")
    elif st == "met":
        action = "keep"
        text = f"{stands}: keep it and raise the target" + (
            f"; extend it to {join_and(missing)}, as the playbook's \"{tactic['tactic']}\" does." if missing else ".")
    elif st == "close":
        action = "push"
        text = (f"{stands}: a small push on \"{tactic['tactic']}\" (the playbook tactic for \"{tactic['goal']}\") "
                "closes it.")
    else:
        action = "improve"
        text = (f"{stands}: apply the playbook tactic for its goal \"{tactic['goal']}\": {tactic['tactic']}"
                + (f", bringing in {join_and(missing)}" if missing else "") + ".")
    return {"objective": objective, "status": st, "initiative": name, "goal": goal, "functions": "; ".join(touched),
            "action": action, "tactic": "" if tactic is None else tactic["tactic"],
            "serves": "; ".join(serves), "recommendation": text}


def assumptions() -> Findings:
    """What the objectives' statuses rest on (for a report's notes)."""
    return Findings([]).add("An objective is \"close\" within 10% of its target and its trend \"flat\" when the "
                            "slope is under 2% of the mean per period (kit assumptions).", kind="assumption").add(
        "A count objective is judged on the average total per period; a rate on all posts of its channel; a trust "
        "measure on its latest period (kit assumptions).", kind="assumption").add(
        "An objective's metric is a vanity number or a business result as the KPI vocabulary reads its words "
        "(kpi_vocabulary.csv; an unknown metric counts as business); only business objectives count as delivered "
        "value (kit assumption).", kind="assumption")

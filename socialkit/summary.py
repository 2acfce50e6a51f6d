"""Executive summary of one organisation, drawing on the kit's analyses.

:func:`executive_summary` takes the inputs (tidy DataFrames) and returns the headline numbers, key
findings and next steps in plain language (:class:`~socialkit.findings.Findings`, grouped by area);
the stakeholder report notebook (``05_stakeholder_report``) shows them. Each analysis is optional: a
missing input becomes a note ("no audience survey: segments unknown"), never an error. The
assumptions the numbers rest on (thresholds, pass scores, score bands, the KPI vocabulary's own
terms) are listed separately in ``assumptions`` (docs/model.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import depth, metrics, practices as practice_model, segments, venn
from .findings import Findings
from .metrics import objectives as loop

AREAS = ("Business functions", "Relationship depth", "Presence, platform and purpose", "Audience", "Measurement")


@dataclass
class ExecutiveSummary:
    """Headline numbers, findings, next steps, notes and assumptions for one organisation."""

    headline: pd.DataFrame  # area, measure, value
    findings: Findings = field(default_factory=Findings)
    next_steps: Findings = field(default_factory=Findings)
    notes: Findings = field(default_factory=lambda: Findings(empty="Every analysis ran on the inputs given."))
    assumptions: Findings = field(default_factory=Findings)
    venn: Any = None
    depth: Any = None
    practices: Any = None
    segments: Any = None
    metrics: Any = None
    objectives: Any = None  # objectives_status
    improvements: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["objective", "status", "initiative", "goal", "action", "recommendation"]))  # one row per objective and initiative
    segment_model: Any = None  # the fitted Segmenter behind ``segments``

    def headlines(self, limit: int = 8) -> Findings:
        """What matters most, for the first page: the first finding of each area, then the first next
        steps, at most ``limit`` lines in all."""
        out = Findings(empty="No analysis ran: give at least one input.")
        for area in AREAS:
            first = self.findings.where(area=area)
            if len(first) and len(out) < limit:
                out.add(area, first[0].text, kind="finding")
        for step in self.next_steps:
            if len(out) >= limit:
                break
            out.add("Next step", step.text, kind="step")
        return out


def executive_summary(*, initiatives: pd.DataFrame | None = None, assessment: pd.DataFrame | None = None,
                      readiness: pd.DataFrame | None = None, audience: pd.DataFrame | None = None,
                      posts: pd.DataFrame | None = None, objectives: pd.DataFrame | None = None,
                      practices: pd.DataFrame | None = None, trust: pd.DataFrame | None = None,
                      random_state: int = 0, k: Any = "auto", min_segment_size: int = 30) -> ExecutiveSummary:
    """Run each analysis whose input is given and condense it into findings and next steps.

    ``objectives`` (with an ``initiative`` column) are measured on ``posts`` (and ``trust``) and link
    to the ``initiatives``: they give the delivered value and the "improve" steps. ``practices`` are
    the organisation's presence / platform / purpose answers; ``trust`` its trust measures."""
    head: list[tuple[str, str, str]] = []
    out = ExecutiveSummary(pd.DataFrame())
    finds, steps, notes, assumed = out.findings, out.next_steps, out.notes, out.assumptions
    if objectives is not None and posts is not None:
        out.objectives = metrics.objectives_status(posts, objectives, trust=trust)
        out.improvements = loop.improve(out.objectives, initiatives)
    elif objectives is not None:
        notes.add("Objectives were given without posts: they could not be measured.", kind="note")

    if initiatives is not None:
        area = "Business functions"
        res = venn.analyse(initiatives, objectives=out.objectives)
        out.venn = res
        ms = res.measures
        delivered = "n/a" if np.isnan(ms["delivered_value"]) else f"{ms['delivered_value']:.0%}"
        head += [(area, "classification (on measurable value)", res.classification),
                 (area, "scope (functions reached)", f"{ms['scope']:.0%}"),
                 (area, "measurable value (goal + business KPI)", f"{ms['measurable_value']:.0%}"),
                 (area, "delivered value (linked business objectives met)", delivered),
                 (area, "norm x audience cells with an initiative", f"{int(round(ms['grid_cells'] * 12))} of 12")]
        finds.add(str(venn.summary(res)).replace("**", ""), area=area)
        empty = res.grid[res.grid["opportunity"]]
        if len(empty):
            finds.add(f"Norms x audiences: {len(empty)} of 12 cells have no initiative, e.g. "
                      f"{empty.iloc[-1]['label'].lower()} with {empty.iloc[-1]['audience']}.", area=area)
        for r in res.recommendations.head(3).to_dict("records"):
            steps.add(_recommendation_text(r, res.labels), area=area, kind="step")
        for q in res.questions:
            steps.add(q.text, area=area, kind="step")
        assumed.extend(venn.assumptions())
    else:
        notes.add("No initiatives file: the Venn model was not run.", kind="note")

    if assessment is not None and readiness is not None:
        area = "Relationship depth"
        res = depth.assess(assessment, readiness)
        out.depth = res
        o = res.overall.iloc[0]
        head += [(area, "overall level", str(o["level"])), (area, "social media or social business", str(o["kind"]))]
        limits = depth.limiting_factors(res)
        if len(limits):
            top = limits.iloc[0]
            label = dict(zip(res.functions["function"], res.functions["label"]))
            names = ", ".join(label.get(f, f) for f in str(top["functions"]).split(", "))
            finds.add(f"{str(top['limit'])[:1].upper()}{str(top['limit'])[1:]} in {top['n_functions']} function(s): "
                      f"{names}.", area=area)
        else:
            finds.add("No readiness factor caps the depth of any function.", area=area)
        grow = res.functions[res.functions["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
        for r in grow.head(2).itertuples(index=False):
            steps.add(f"Take {r.label} from {r.current} to {r.attainable}.", area=area, kind="step")
        if len(limits):
            steps.add(f"Raise {limits.iloc[0]['limiting_label'].lower()} to lift the cap on "
                      f"{limits.iloc[0]['n_functions']} function(s).", area=area, kind="step")
        assumed.extend(depth.assumptions())
    else:
        notes.add("No depth and readiness answers: relationship depth was not assessed.", kind="note")

    if practices is not None:
        area = "Presence, platform and purpose"
        res = practice_model.score(practices)
        out.practices = res
        head += [(area, str(r.practice), f"{'practised' if r.practised else 'not yet'} ({r.score:.0%})")
                 for r in res.practices.itertuples(index=False)]
        finds.add(practice_model.summary_line(res), area=area)
        for r in res.practices[~res.practices["practised"]].itertuples(index=False):
            steps.add(f"{r.label}: start with {r.weakest}, \"{r.weakest_text.split(' (')[0]}\".", area=area, kind="step")
        assumed.extend(practice_model.assumptions())
    else:
        notes.add("No presence / platform / purpose answers: those practices were not scored.", kind="note")

    if audience is not None:
        area = "Audience"
        model = segments.Segmenter(k=k, id_column="auto", min_segment_size=min_segment_size,
                                   random_state=random_state).fit(audience)
        prof = segments.profile(model, audience)
        out.segments, out.segment_model = prof, model
        structure = model.structure_
        head += [(area, "segments", str(model.k_)), (area, "cluster structure", structure.verdict)]
        biggest = prof.sizes.sort_values("share", ascending=False).iloc[0]
        finds.add(f"{model.k_} psychographic segments ({structure.verdict}, mean silhouette "
                  f"{structure.silhouette:.2f}); the largest, \"{biggest['name']}\", is {biggest['share']:.0%} "
                  "of the audience.", area=area)
        if structure.verdict in ("weak structure", "no substantial structure"):
            finds.add(structure.message, area=area)
        intimacy = prof.intimacy
        if len(intimacy):
            stage = intimacy["label"].value_counts().idxmax()
            finds.add(f"Most segments sit at the {stage} stage of the ocean-to-fish-bowl ladder, from what the "
                      "survey records of their relationship with the brand.", area=area)
            nxt = intimacy.iloc[0]
            steps.add(f"For \"{nxt['name']}\": {nxt['next_step']}.", area=area, kind="step")
        else:
            finds.add(prof.intimacy_note, area=area)
    else:
        notes.add("No audience survey: segments were not computed.", kind="note")

    if posts is not None:
        area = "Measurement"
        f = metrics.measurement_findings(posts, trust=trust)
        out.metrics = f
        cov = metrics.ladder_coverage(posts)
        covered = float(cov["business_coverage"].mean()) if len(cov) else 0.0
        head.append((area, "business metrics measured (share of the ladder)", f"{covered:.0%}"))
        for item in list(f.where(kind="finding"))[:3]:
            finds.add(f"{item.text}.", area=area)
        notes.extend(f.where(kind="note"))
        if out.objectives is not None and len(out.objectives):
            st = out.objectives["status"].value_counts()
            head.append((area, "objectives met", f"{st.get('met', 0)} of {len(out.objectives)}"))
            finds.add(f"Objectives: {st.get('met', 0)} met, {st.get('close', 0)} close, {st.get('behind', 0)} behind, "
                      f"{len(out.objectives) - st.get('met', 0) - st.get('close', 0) - st.get('behind', 0)} not "
                      "measured.", area=area)
            order = {"improve": 0, "re-aim": 1, "link": 2, "push": 3, "measure": 4, "keep": 5}
            todo = out.improvements.sort_values("action", key=lambda a: a.map(order), kind="stable")
            for r in todo.head(3).itertuples(index=False):
                steps.add(r.recommendation, area=area, kind="step")
        for r in cov[cov["business_coverage"] < 1].to_dict("records"):
            steps.add(f"On the {r['rung']} rung, {r['ask']}.", area=area, kind="step")
        assumed.extend(metrics.ladder.assumptions()).extend(loop.assumptions())
    else:
        notes.add("No post-level metrics: measurement was not reviewed.", kind="note")

    out.headline = pd.DataFrame(head, columns=["area", "measure", "value"])
    return out


def _recommendation_text(rec: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'HR & recruiting (silo): recruit through LinkedIn.'"""
    fn, goal, tactic = (rec.get(k) for k in ("function", "goal", "tactic"))
    where = labels.get(fn, fn) if isinstance(fn, str) and fn else str(goal or "")
    if not isinstance(tactic, str) or not tactic:
        return f"\"{where}\" has no tactic in the playbook yet: choose one, or add the goal to the playbook."
    return f"{where} ({str(rec.get('issue', '')).replace('_', ' ')}): {tactic}."

"""Executive summary of one organisation, drawing on the four analyses.

:func:`executive_summary` takes the four inputs (tidy DataFrames) and returns key findings and
next steps in plain language, plus the headline numbers; the stakeholder report notebook
(``05_stakeholder_report``) shows them. Each analysis is optional: a missing input becomes a
finding ("no audience survey: segments unknown"), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

AREAS = ("Business functions", "Relationship depth", "Audience", "Measurement")


@dataclass
class ExecutiveSummary:
    """Headline numbers, findings and next steps for one organisation."""

    headline: pd.DataFrame  # area, measure, value
    findings: pd.DataFrame  # area, finding
    next_steps: pd.DataFrame  # area, step
    venn: Any = None
    depth: Any = None
    segments: Any = None
    metrics: Any = None
    notes: list = field(default_factory=list)


def executive_summary(*, initiatives: pd.DataFrame | None = None, assessment: pd.DataFrame | None = None,
                      readiness: pd.DataFrame | None = None, audience: pd.DataFrame | None = None,
                      posts: pd.DataFrame | None = None, random_state: int = 0, k: Any = "auto",
                      min_segment_size: int = 30) -> ExecutiveSummary:
    """Run each analysis whose input is given and condense it into findings and next steps."""
    head, finds, steps, notes = [], [], [], []
    out = ExecutiveSummary(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())

    if initiatives is not None:
        from . import venn

        res = venn.analyse(initiatives)
        out.venn = res
        ms = res.measures
        head += [("Business functions", "classification", res.classification),
                 ("Business functions", "scope (functions reached)", f"{ms['scope']:.0%}"),
                 ("Business functions", "value (initiatives with a business KPI)", f"{ms['value']:.0%}")]
        finds.append(("Business functions", str(venn.summary(res)).replace("**", "")))
        recs = res.recommendations
        if len(recs):
            for r in recs.head(3).to_dict("records"):
                steps.append(("Business functions", _recommendation_text(r, res.labels)))
    else:
        notes.append("No initiatives file: the Venn model was not run.")

    if assessment is not None and readiness is not None:
        from . import depth

        res = depth.assess(assessment, readiness)
        out.depth = res
        o = res.overall.iloc[0]
        head += [("Relationship depth", "overall level", str(o["level"])),
                 ("Relationship depth", "social media or social business", str(o["kind"]))]
        limits = depth.limiting_factors(res)
        if len(limits):
            top = limits.iloc[0]
            label = dict(zip(res.functions["function"], res.functions["label"]))
            names = ", ".join(label.get(f, f) for f in str(top["functions"]).split(", "))
            finds.append(("Relationship depth", f"{str(top['limit'])[:1].upper()}{str(top['limit'])[1:]} "
                          f"in {top['n_functions']} function(s): {names}."))
        else:
            finds.append(("Relationship depth", "No readiness factor caps the depth of any function."))
        grow = res.functions[res.functions["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
        for r in grow.head(2).itertuples(index=False):
            steps.append(("Relationship depth", f"Take {r.label} from {r.current} to {r.attainable}."))
        if len(limits):
            steps.append(("Relationship depth", f"Raise {limits.iloc[0]['limiting_label'].lower()} to lift the cap "
                          f"on {limits.iloc[0]['n_functions']} function(s)."))
    else:
        notes.append("No depth and readiness answers: relationship depth was not assessed.")

    if audience is not None:
        from . import segments

        model = segments.Segmenter(k=k, id_column="auto", min_segment_size=min_segment_size,
                                   random_state=random_state).fit(audience)
        prof = segments.profile(model, audience)
        out.segments = prof
        head.append(("Audience", "segments", str(model.k_)))
        sizes = prof.sizes.sort_values("share", ascending=False)
        biggest = sizes.iloc[0]
        finds.append(("Audience", f"{model.k_} psychographic segments; the largest, \"{biggest['name']}\", is "
                      f"{biggest['share']:.0%} of the audience."))
        intimacy = prof.intimacy
        if len(intimacy):
            stage = intimacy["label"].value_counts().idxmax()
            finds.append(("Audience", f"Most segments sit at the {stage} stage of the ocean-to-fish-bowl ladder."))
            nxt = intimacy.iloc[0]
            steps.append(("Audience", f"For \"{nxt['name']}\": {nxt['next_step']}."))
    else:
        notes.append("No audience survey: segments were not computed.")

    if posts is not None:
        from . import metrics

        f = metrics.measurement_findings(posts)
        out.metrics = f
        cov = metrics.ladder_coverage(posts)
        covered = float(cov["business_coverage"].mean()) if len(cov) else 0.0
        head.append(("Measurement", "business metrics measured (share of the ladder)", f"{covered:.0%}"))
        for r in f.table.head(3).itertuples(index=False):
            finds.append(("Measurement", f"{r.finding}."))
        for r in cov[cov["business_coverage"] < 1].to_dict("records"):
            steps.append(("Measurement", f"On the {r['rung']} rung, {r['ask']}."))
    else:
        notes.append("No post-level metrics: measurement was not reviewed.")

    out.headline = pd.DataFrame(head, columns=["area", "measure", "value"])
    out.findings = pd.DataFrame(finds, columns=["area", "finding"])
    out.next_steps = pd.DataFrame(steps, columns=["area", "step"])
    out.notes = notes
    return out


def _recommendation_text(rec: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'HR & recruiting (silo): recruit through LinkedIn.'"""
    fn, goal, tactic = (rec.get(k) for k in ("function", "goal", "tactic"))
    where = labels.get(fn, fn) if isinstance(fn, str) and fn else str(goal or "")
    if not isinstance(tactic, str) or not tactic:
        return f"\"{where}\" has no tactic in the playbook yet: choose one, or add the goal to the playbook."
    return f"{where} ({str(rec.get('issue', '')).replace('_', ' ')}): {tactic}."


def markdown_list(table: pd.DataFrame, column: str) -> str:
    """Rows of ``table`` as a markdown bullet list grouped by area (for the report)."""
    lines = []
    for area, grp in table.groupby("area", sort=False):
        lines.append(f"**{area}**")
        lines += [f"- {v}" for v in grp[column]]
        lines.append("")
    return "\n".join(lines)


def notes_markdown(notes: list[str]) -> str:
    """The summary's notes as a bullet list, or a sentence saying every analysis ran."""
    return "\n".join(f"- {n}" for n in notes) or "All four analyses ran on the inputs given."

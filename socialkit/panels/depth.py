"""Interactive depth questionnaire: one toggle (yes/no) or slider (1-5) per question and function,
plus the readiness questions; every change rescores and redraws, and the answers can be saved in
the assessment and readiness file formats.

The returned :class:`DepthPanel` exposes its controls (``controls[(function, question)]``,
``readiness_controls[question]``), the current result (``result``, a
:class:`socialkit.depth.DepthAssessment`), the current answers (``answers()``) and ``save()``.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Iterable

import ipywidgets as widgets
import pandas as pd

from .. import depth, io, tables
from .. import functions as fn
from ..charts import BAD
from ..charts import depth as depth_charts
from ..exceptions import SocialKitError
from ..findings import Markdown
from . import show

_LAYOUT_TEXT = widgets.Layout(width="520px")


def _control(scale: str, value: float | None) -> widgets.ValueWidget:
    if scale == "yes_no":
        return widgets.ToggleButtons(options=[("no", 0), ("yes", 1)], value=int(value or 0),
                                     style={"button_width": "60px"})
    start = 1 if value is None or pd.isna(value) else int(round(float(value)))
    return widgets.IntSlider(value=min(max(start, 1), 5), min=1, max=5, step=1, continuous_update=False)


def _initial(df: pd.DataFrame | None, keys: list[str]) -> dict:
    if df is None or df.empty:
        return {}
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r["answer"]
            for r in df.to_dict("records") if not pd.isna(r["answer"])}


def _question(question, group, text) -> str:
    """A question's line in the panel (the questionnaire's own words, shown as text)."""
    e = lambda v: html.escape(str(v))  # noqa: E731
    return f"<b>{e(question)}</b> <i>{e(group)}</i>: {e(text)}"


class DepthPanel(widgets.VBox):
    """The questionnaire panel (see the module docstring)."""

    def __init__(self, assessment: pd.DataFrame | None = None, readiness: pd.DataFrame | None = None, *,
                 functions: Iterable[str] | None = None, assessment_path: str | os.PathLike | None = None,
                 readiness_path: str | os.PathLike | None = None):
        self.questions = tables.load("depth_questions")
        self.readiness_questions = tables.load("readiness_questions")
        table = tables.load("functions")
        labels = fn.labels(table)
        checked = depth.check_assessment(assessment, questions=self.questions, functions=table) \
            if assessment is not None else None
        if functions is None:
            functions = list(dict.fromkeys(checked["function"])) if checked is not None else list(table["function"])
        self.functions = list(functions)
        start = _initial(checked, ["function", "question"])
        start_r = _initial(depth.check_readiness(readiness, questions=self.readiness_questions)
                           if readiness is not None else None, ["question"])

        self.controls: dict[tuple[str, str], widgets.ValueWidget] = {}
        tabs = []
        for f in self.functions:
            rows = []
            for q in self.questions.itertuples(index=False):
                c = _control(q.scale, start.get((f, q.question)))
                self.controls[(f, q.question)] = c
                rows.append(widgets.HBox([widgets.HTML(_question(q.question, q.level, q.text), layout=_LAYOUT_TEXT), c]))
            tabs.append(widgets.VBox(rows))
        self.readiness_controls: dict[str, widgets.ValueWidget] = {}
        rrows = []
        for q in self.readiness_questions.itertuples(index=False):
            c = _control(q.scale, start_r.get(q.question))
            self.readiness_controls[q.question] = c
            rrows.append(widgets.HBox([widgets.HTML(_question(q.question, q.factor, q.text), layout=_LAYOUT_TEXT), c]))
        self.tabs = widgets.Tab(children=tabs + [widgets.VBox(rrows)])
        for i, f in enumerate(self.functions):
            self.tabs.set_title(i, labels.get(f, f))
        self.tabs.set_title(len(self.functions), "Readiness")

        self.assessment_path = widgets.Text(value=str(assessment_path or "assessment.csv"), description="Assessment")
        self.readiness_path = widgets.Text(value=str(readiness_path or "readiness.csv"), description="Readiness")
        self.save_button = widgets.Button(description="Save answers", icon="save")
        self.status = widgets.HTML()
        self.save_button.on_click(lambda _: self._save_clicked())

        self.findings_out = widgets.Output()
        self.depth_out = widgets.Output()
        self.readiness_out = widgets.Output()
        self.result: depth.DepthAssessment | None = None
        self.error: str = ""
        for c in [*self.controls.values(), *self.readiness_controls.values()]:
            c.observe(self._changed, names="value")
        super().__init__([
            widgets.HTML("<h3>Relationship depth questionnaire</h3>"), self.tabs,
            widgets.HBox([self.assessment_path, self.readiness_path, self.save_button]), self.status,
            self.findings_out, widgets.Box([self.depth_out, self.readiness_out],  # side by side when they fit, else stacked
                        layout=widgets.Layout(display="flex", flex_flow="row wrap")),
        ])
        self.recompute()

    # ------------------------------------------------------------------ state

    def answers(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The current answers as (assessment, readiness) tables in the file formats."""
        a = pd.DataFrame([{"function": f, "question": q, "answer": int(c.value)} for (f, q), c in self.controls.items()])
        r = pd.DataFrame([{"question": q, "answer": int(c.value)} for q, c in self.readiness_controls.items()])
        return a, r

    def recompute(self) -> depth.DepthAssessment | None:
        """Rescore the current answers and redraw the findings and charts."""
        a, r = self.answers()
        try:
            self.result, self.error = depth.assess(a, r), ""
        except SocialKitError as exc:
            self.result, self.error = None, str(exc)
        self._redraw()
        return self.result

    def _changed(self, _change) -> None:
        self.recompute()

    def _redraw(self) -> None:
        show(self.findings_out, Markdown(self.error) if self.result is None else depth.findings_markdown(self.result))
        if self.result is None:
            return
        show(self.depth_out, depth_charts.depth_chart(self.result.functions))
        show(self.readiness_out, depth_charts.readiness_chart(self.result.readiness))

    # ------------------------------------------------------------------ saving

    def save(self, assessment_path: str | os.PathLike | None = None,
             readiness_path: str | os.PathLike | None = None) -> tuple[Path, Path]:
        """Write the answers (atomically, via :func:`socialkit.io.write_table`) to the two paths
        (default: the paths typed in the panel)."""
        a, r = self.answers()
        pa = io.write_table(a, assessment_path or self.assessment_path.value)
        pr = io.write_table(r, readiness_path or self.readiness_path.value)
        return pa, pr

    def _save_clicked(self) -> None:
        try:
            pa, pr = self.save()
            self.status.value = f"Saved {html.escape(str(pa))} and {html.escape(str(pr))}."
        except (SocialKitError, OSError) as exc:
            self.status.value = f"<span style='color:{BAD}'>Could not save: {html.escape(str(exc))}</span>"


def panel(assessment: pd.DataFrame | None = None, readiness: pd.DataFrame | None = None, *,
          functions: Iterable[str] | None = None, assessment_path: str | os.PathLike | None = None,
          readiness_path: str | os.PathLike | None = None) -> DepthPanel:
    """Build the questionnaire panel, starting from existing answers when given."""
    return DepthPanel(assessment, readiness, functions=functions, assessment_path=assessment_path,
                      readiness_path=readiness_path)

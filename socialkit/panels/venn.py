"""Interactive Venn panel: choose the functions the Venn shows, edit an initiative's functions and see
the scores, the classification and the charts update.

The panel calls the same pure functions as the static notebook path (:func:`socialkit.venn.analyse`
and the charts of :mod:`socialkit.charts.venn`). It keeps its own copy of the initiatives; the
caller's frame is never changed. For tests and scripts it exposes its controls and its current
state as attributes:

* ``venn_picker``: the functions drawn in the Venn (2 or 3);
* ``initiative_picker`` and ``functions_editor``: the initiative being edited and its functions;
* ``initiatives`` (the edited table), ``result`` (the current :class:`~socialkit.venn.VennResult`),
  ``venn`` and ``upset`` (the current charts), ``message`` (why the Venn could not be drawn, if so).
"""

from __future__ import annotations

import html

from typing import Sequence

import ipywidgets as widgets
import pandas as pd

from .. import present
from .. import venn as vn
from ..charts import venn as venn_charts
from ..exceptions import SocialKitError
from ..functions import functions_table, labels as function_labels
from . import show


class VennPanel(widgets.VBox):
    """A VBox with the Venn controls, the scores table, the Venn and the UpSet chart."""

    def __init__(self, initiatives: pd.DataFrame, functions: pd.DataFrame | None = None, *,
                 venn_functions: Sequence[str] | None = None, **analyse_options):
        self._functions = functions_table(functions)
        self._options = dict(analyse_options)
        self.initiatives = initiatives.copy()
        self.initiatives["functions"] = self.initiatives["functions"] if "functions" in self.initiatives.columns else ""
        self.result = vn.analyse(self.initiatives, self._functions, **self._options)
        ids = list(self._functions["function"])
        labels = function_labels(self._functions)
        options = [(labels[f], f) for f in ids]
        chosen = vn.choose_venn_functions(self.result.membership, venn_functions)
        self.venn_picker = widgets.SelectMultiple(options=options, value=tuple(chosen), rows=min(10, len(ids)),
                                                  description="Venn of")
        names = [str(n) for n in self.initiatives["initiative"]]
        self.initiative_picker = widgets.Dropdown(options=names, value=names[0] if names else None,
                                                  description="Initiative")
        self.functions_editor = widgets.SelectMultiple(options=options, rows=min(10, len(ids)),
                                                       description="touches")
        self.message = ""
        self._status = widgets.HTML()
        self._scores_out = widgets.Output()
        self._venn_out = widgets.Output()
        self._upset_out = widgets.Output()
        self._loading = False
        self._load_initiative()
        self.venn_picker.observe(lambda change: self._draw_venn(), names="value")
        self.initiative_picker.observe(lambda change: self._load_initiative(), names="value")
        self.functions_editor.observe(lambda change: self._edit_functions(), names="value")
        controls = widgets.HBox([self.venn_picker, widgets.VBox([self.initiative_picker, self.functions_editor])])
        super().__init__([controls, self._status, self._scores_out, self._venn_out, self._upset_out])
        self._redraw()

    # ----------------------------------------------------------------- state changes

    def _row(self) -> int:
        names = self.initiatives["initiative"].astype(str).tolist()
        return self.initiatives.index[names.index(self.initiative_picker.value)]

    def _load_initiative(self) -> None:
        if self.initiative_picker.value is None:
            return
        current = self.result.initiatives.set_index("initiative")
        name = self.initiative_picker.value
        touched = current.at[name, "functions"].split("; ") if name in current.index else []
        if name not in current.index:  # left out by status: show its cell as written
            touched = vn.resolve_functions(self.initiatives.loc[[self._row()]], self._functions).iloc[0]
        self._loading = True
        try:
            self.functions_editor.value = tuple(f for f in touched if f)
        finally:
            self._loading = False

    def _edit_functions(self) -> None:
        if self._loading or self.initiative_picker.value is None:
            return
        self.initiatives.loc[self._row(), "functions"] = "; ".join(self.functions_editor.value)
        self.result = vn.analyse(self.initiatives, self._functions, **self._options)
        self._redraw()

    # ----------------------------------------------------------------- drawing

    @property
    def venn(self):
        """The current Venn chart, or None when the picked functions cannot be drawn (see ``message``)."""
        try:
            chart = venn_charts.venn_chart(self.result, list(self.venn_picker.value))
        except SocialKitError as exc:
            self.message = str(exc)
            return None
        self.message = ""
        return chart

    @property
    def upset(self):
        return venn_charts.upset_chart(self.result)

    def _redraw(self) -> None:
        self._status.value = (f"<b>{html.escape(self.result.classification)}</b>: "
                              f"{html.escape(vn.summary(self.result).split('. ', 1)[-1])}")
        show(self._scores_out, present.table(self.result.scores, hide=["score", "value"], labels={"label": "Score"}))
        show(self._upset_out, self.upset)
        self._draw_venn()

    def _draw_venn(self) -> None:
        chart = self.venn
        show(self._venn_out, chart if chart is not None else widgets.HTML(f"<i>{html.escape(str(self.message))}</i>"))


def panel(initiatives: pd.DataFrame, functions: pd.DataFrame | None = None, *,
          venn_functions: Sequence[str] | None = None, **analyse_options) -> VennPanel:
    """Build the interactive Venn panel (see :class:`VennPanel`); options go to :func:`socialkit.venn.analyse`."""
    return VennPanel(initiatives, functions, venn_functions=venn_functions, **analyse_options)

"""Execute notebooks/01_social_business_venn.ipynb with papermill and check what a client would see."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from conftest import svg_outputs, table_of, text_outputs
from socialkit.config import sample_brands
from socialkit.exceptions import SocialKitError

NOTEBOOK = "01_social_business_venn"
EXPECTED = {"summit_outfitters": "social business", "northbridge_advisory": "coordinated",
            "evergreen_memorials": "social media desk"}

pytestmark = pytest.mark.notebook


def _svgs(nb) -> dict[str, str]:
    """The notebook's SVG charts, keyed by which chart they are."""
    found = {}
    for svg in svg_outputs(nb):
        if "outside these circles" in svg:
            found["venn"] = svg
        elif "Initiatives per combination of functions" in svg:
            found["upset"] = svg
        elif "Overlap: initiatives shared" in svg:
            found["heatmap"] = svg
        elif "Scope vs value" in svg:
            found["quadrant"] = svg
        elif "Norms x audiences" in svg:
            found["grid"] = svg
    return found


def test_sample_brands_are_the_three_planted_ones():
    assert set(EXPECTED) <= set(sample_brands())


@pytest.mark.parametrize("brand", sorted(EXPECTED))
def test_notebook_runs_for_every_sample_brand(execute_notebook, brand):
    nb = execute_notebook(NOTEBOOK, brand=brand)
    text = text_outputs(nb)
    # scores table (human labels), classification with reasons, recommendations
    scores = table_of(nb, "sk.present.table(result.scores")
    assert list(scores.columns) == ["Score", "Result", "Formula"]
    assert {"Integration", "Audience reach", "Measurable value", "Delivered value"} <= set(scores["Score"])
    assert f"**{EXPECTED[brand]}**" in text
    assert "Reason" in table_of(nb, "sk.present.table(result.reasons").columns
    if len(table_of(nb, "sk.present.table(result.recommendations")):
        assert {"Tactic", "Serves functions"} <= set(table_of(nb, "sk.present.table(result.recommendations").columns)
    charts = _svgs(nb)
    assert {"venn", "upset", "heatmap", "quadrant", "grid"} <= set(charts)
    assert charts["venn"].count("aria-roledescription=\"circle\"") == 3
    assert "Customer service (" in charts["venn"]
    for other in ("Summit Outfitters", "Northbridge Advisory", "Evergreen Memorials"):
        assert other in charts["quadrant"]  # every sample brand, by its display name, on the scope-vs-value quadrant
    assert "measurable value" in charts["quadrant"]  # the quadrant says which value it uses
    # value in two parts, the norm x audience grid with definitions, the loop and the notes
    assert "linked business objective" in text
    norms = table_of(nb, "sk.present.table(result.norms")
    assert {"User-generated content", "Collective intelligence"} <= set(norms["Norm"]) and "Definition" in norms.columns
    assert "opportunity" in charts["grid"]
    improve = table_of(nb, "improvements = ")
    assert "Recommendation" in improve.columns and "Name the initiative that deploys" in text  # improve, one unlinked
    assert "venn_thresholds.csv, kit assumption" in text
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_notebook_runs_on_an_explicit_file_with_custom_functions(execute_notebook, tmp_path):
    initiatives = pd.DataFrame({
        "Initiative name": ["Launch community", "Recruiting posts", "CEO posts", "Shop chat", "Idea wall"],
        "Teams": ["Marketing; Shop", "people", "marketing", "shop", ""],
        "goal": ["market a new product or initiative", "find candidates, plan succession", "", "more referral and "
                 "word-of-mouth traffic", "fast internal communication where ideas grow"],
        "kpi": ["sign-ups", "hires", "followers", "orders", ""],
        "audience": ["customers", "employees", "customers", "customers", "employees"],
        "norm": ["community", "content", "content", "collaboration", ""],
        "status": ["active", "active", "active", "active", "idea"],
    })
    functions = pd.DataFrame({"function": ["marketing", "shop", "people", "ideas"],
                              "label": ["Marketing", "Shop", "People", "Ideas"]})
    ipath, fpath = tmp_path / "my_initiatives.csv", tmp_path / "my_functions.csv"
    initiatives.to_csv(ipath, index=False)
    functions.to_csv(fpath, index=False)
    nb = execute_notebook(NOTEBOOK, initiatives_path=str(ipath), functions_path=str(fpath),
                          column_map={"Initiative name": "initiative", "Teams": "functions"},
                          venn_functions=["marketing", "shop"], compare_brands=[])
    text = text_outputs(nb)
    assert "Launch community" in text and "75% (3 of 4 functions)" in text  # ideas is unreached
    assert "goal without a tactic" in text
    assert "n/a (no objective names an initiative" in text  # own initiatives: no sample objectives
    assert "Name the initiative" not in text
    charts = _svgs(nb)
    assert {"venn", "upset"} <= set(charts) and "quadrant" not in charts  # [] skips the comparison
    assert charts["venn"].count("aria-roledescription=\"circle\"") == 2
    assert "Shop (2)" in charts["venn"]


def test_notebook_classifies_the_issue_kpis_and_asks_about_the_unknown_one(execute_notebook, tmp_path):
    kpis = ["engagement rate", "CTR", "newsletter subscribers", "YouTube channel subscribers", "qualified leads",
            "brand love"]
    initiatives = pd.DataFrame({"initiative": [f"Initiative {i}" for i in range(6)],
                                "functions": ["marketing; sales"] * 6, "goal": ["prove thought leadership"] * 6,
                                "kpi": kpis, "audience": ["customers"] * 6, "norm": ["content"] * 6})
    path = tmp_path / "kpis.csv"
    initiatives.to_csv(path, index=False)
    nb = execute_notebook(NOTEBOOK, initiatives_path=str(path), compare_brands=[])
    frame = table_of(nb, "sk.present.table(result.initiatives, hide")
    assert frame["KPI kind"].tolist() == ["vanity", "vanity", "business", "vanity", "business", "unclassified"]
    assert frame["What the KPI measures"].tolist() == ["engagement", "engagement", "opt-in", "followers", "leads", ""]
    assert 'Is "brand love" a business result or a vanity number?' in text_outputs(nb)
    assert "33% (2 of 6 have a goal and a business KPI)" in text_outputs(nb)


def test_notebook_stops_with_a_clear_error_for_an_unknown_function(execute_notebook, tmp_path):
    path = tmp_path / "typo.csv"
    pd.DataFrame({"initiative": ["Blog", "Webinars"], "functions": ["marketing", "markting; sales"]}).to_csv(path, index=False)
    with pytest.raises(SocialKitError) as info:
        execute_notebook(NOTEBOOK, initiatives_path=str(path), compare_brands=[])
    msg = str(info.value)
    assert "markting" in msg and "Webinars" in msg and "line 3" in msg and "did you mean 'marketing'" in msg


def test_notebook_is_committed_clean_with_documented_parameters():
    import nbformat

    from socialkit.config import NOTEBOOKS_DIR
    from socialkit.params import notebook_parameters

    nb = nbformat.read(NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in nb.cells if c.cell_type == "code"
                   for line in c.source.splitlines())
    params = notebook_parameters(NOTEBOOK)
    assert {"brand", "initiatives_path", "functions_path", "objectives_path", "posts_path", "trust_path",
            "column_map", "venn_functions", "compare_brands", "interactive"} <= set(params)
    assert all(p.help for p in params.values())
    assert params["venn_functions"].default == ["marketing", "sales", "customer_service"]


def test_notebook_builds_the_widget_panel_when_interactive(tmp_path, monkeypatch):
    # papermill in this very process, as an analyst's script would call it: the widgets are created,
    # their state is stored in the notebook, and nothing waits for a frontend that is not there.
    # nbclient acts as the frontend of Output widgets: output captured into one (``with out:``) makes
    # it send the kernel messages while it waits for the cell's reply, which can leave it waiting
    # until its time limit (socialkit.panels.show); the panels never capture, so it sends none.
    import nbclient.output_widget
    import papermill

    from socialkit.config import NOTEBOOKS_DIR

    sent = []
    publish = nbclient.output_widget.OutputWidget._publish_msg

    def counted(self, msg_type, *args, **kwargs):
        sent.append(msg_type)
        return publish(self, msg_type, *args, **kwargs)

    monkeypatch.setattr(nbclient.output_widget.OutputWidget, "_publish_msg", counted)

    out = tmp_path / "interactive.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb"), str(out), kernel_name="python3",
                               parameters={"brand": "evergreen_memorials", "interactive": True, "compare_brands": []},
                               progress_bar=False, cwd=str(tmp_path), execution_timeout=300)
    nb = nbformat.read(out, as_version=4)
    panel_cell = [c for c in nb.cells if c.cell_type == "code" and "sk.panels.venn.panel" in c.source][0]
    kinds = [k for o in panel_cell.outputs for k in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(m["model_name"] == "VBoxModel" for m in state.values())  # the panel's widgets, stored
    shown = [k for m in state.values() if m["model_name"] == "OutputModel"
             for o in m["state"].get("outputs", []) for k in o.get("data", {})]
    assert shown.count("application/vnd.jupyter.widget-view+json") == 2 and "text/html" in shown  # charts, scores
    assert sent == []  # the client never wrote to the kernel while a cell ran

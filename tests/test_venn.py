"""Unit tests of the Venn model: every score pinned on a small hand-made example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from socialkit import functions, io, tables, venn, norms
from socialkit.charts import venn as venn_charts
from socialkit.config import sample_path
from socialkit.exceptions import DataValidationError, FunctionTableError, ParameterError
from socialkit.samples import BRANDS, rng_for
from socialkit.samples import initiatives as sample_initiatives

# --------------------------------------------------------------------------- the hand-made example
#
# F = 5 functions. Six initiatives are analysed (the retired "Old forum" is left out by default):
#
#   initiative   functions                 k  goal  KPI            kind          measurable  norm (level)  audience
#   Blog         marketing                 1  yes   followers      vanity        no          content 1     customers
#   Webinars     marketing, sales          2  yes   registrations  business      yes         collab. 2     customers
#   Alumni       marketing, sales, hr      3  yes   response time  unclassified  no          community 3   employees
#   Jobs page    hr                        1  no    hires          business      no          content 1     employees
#   Idea box     (none)                    0  yes   -              missing       no          -             -
#   Press notes  pr                        1  yes   mentions       vanity        no          content 1     customers
#
#   scope            = reached {marketing, sales, hr, pr} / 5    = 4/5 = 0.8
#   integration      = #{k >= 2} / N = 2/6                       = 0.3333
#   centre           = Alumni (k = 3); centre reach = 3/5        = 0.6
#   silos            = pr (only Press notes, k = 1); unreached = events
#   measurable value = {Webinars} / 6 ("response time" is not in the KPI vocabulary: not value) = 0.1667
#   delivered value  = n/a (no objectives)
#   vanity KPIs      = {Blog, Press notes} / 6                   = 0.3333; unclassified = {Alumni} / 6
#   norm depth       = (1 + 2 + 3 + 1 + 1) / 5                   = 1.6; highest norm = 3
#   audiences        = {customers, employees} / 3                = 0.6667
#   grid cells       = {content x customers, content x employees, collaboration x customers,
#                       community x employees} / 12              = 4/12
#   class            = coordinated (scope 0.8 >= 0.4, integration 0.33 >= 0.25; integration < 0.5)

FUNCTIONS = pd.DataFrame({
    "function": ["marketing", "sales", "hr", "pr", "events"],
    "label": ["Marketing", "Sales", "HR & recruiting", "PR", "Events"],
})


def example() -> pd.DataFrame:
    return pd.DataFrame({
        "initiative": ["Blog", "Webinars", "Alumni", "Jobs page", "Idea box", "Press notes", "Old forum"],
        "functions": ["marketing", "marketing; sales", "Marketing | sales; HR & recruiting", "hr", None, "pr", "events"],
        "goal": ["prove thought leadership", "buzz around an event; engage and track attendees",
                 "find candidates, plan succession", None, "fast internal communication where ideas grow",
                 "use real-time events that matter to the audience", "collect ideas"],
        "owner": ["Anna", "Ben", "Cara", "Cara", None, "Dev", "Ben"],
        "kpi": ["followers", "registrations", "response time", "hires", None, "mentions", "leads"],
        "audience": ["customers", "customers", "employees", "employees", None, "customers", "partners"],
        "norm": ["content", "collaboration", "community", "content", None, "content", "community"],
        "status": ["active", "active", "active", "active", "idea", "active", "retired"],
    })


@pytest.fixture
def result():
    return venn.analyse(example(), FUNCTIONS)


def test_membership_matrix_has_one_row_per_initiative_and_false_row_for_no_functions():
    m = venn.membership(example(), FUNCTIONS)
    assert list(m.columns) == ["marketing", "sales", "hr", "pr", "events"]
    assert m.loc["Alumni"].tolist() == [True, True, True, False, False]  # labels and '|' separators resolve
    assert m.loc["Idea box"].tolist() == [False] * 5
    assert m.sum(axis=1).tolist() == [1, 2, 3, 1, 0, 1, 1]


def test_every_score_is_pinned_on_the_hand_made_example(result):
    ms = result.measures
    assert ms["initiatives"] == 6
    assert ms["scope"] == pytest.approx(0.8)
    assert ms["integration"] == pytest.approx(2 / 6)
    assert ms["centre_reach"] == pytest.approx(0.6)
    assert ms["silos"] == 1 and ms["unreached"] == 1
    assert ms["measurable_value"] == pytest.approx(1 / 6)
    assert math.isnan(ms["delivered_value"])
    assert ms["vanity_kpis"] == pytest.approx(2 / 6)
    assert ms["unclassified_kpis"] == pytest.approx(1 / 6)
    assert ms["grid_cells"] == pytest.approx(4 / 12)
    assert ms["norm_depth"] == pytest.approx(1.6)
    assert ms["highest_norm"] == 3
    assert ms["audience_reach"] == pytest.approx(2 / 3)
    assert result.excluded == 1
    assert result.classification == "coordinated"


def test_single_score_functions_match_the_formulas():
    kept = venn.select_initiatives(example())
    m = venn.membership(kept, FUNCTIONS)
    assert venn.scope(m) == pytest.approx(0.8)
    assert venn.integration(m) == pytest.approx(1 / 3)
    assert venn.centre_reach(m) == pytest.approx(0.6)
    assert venn.silos(m) == ["pr"]
    assert venn.unreached(m) == ["events"]
    assert venn.measurable_value(kept) == pytest.approx(1 / 6)
    assert norms.norm_depth(kept) == pytest.approx(1.6)
    assert norms.highest_norm(kept) == 3
    assert norms.audience_reach(kept) == pytest.approx(2 / 3)


def test_retired_initiatives_count_when_not_excluded():
    res = venn.analyse(example(), FUNCTIONS, exclude_status=())
    ms = res.measures
    assert ms["initiatives"] == 7
    assert ms["scope"] == 1.0  # events is reached by Old forum
    assert ms["integration"] == pytest.approx(2 / 7)
    assert set(venn.silos(res.membership)) == {"pr", "events"}


def test_overlap_matrix_counts_shared_initiatives(result):
    o = result.overlap
    expected = pd.DataFrame(
        [[3, 2, 1, 0, 0], [2, 2, 1, 0, 0], [1, 1, 2, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0]],
        index=FUNCTIONS["function"], columns=FUNCTIONS["function"])
    np.testing.assert_array_equal(o.to_numpy(), expected.to_numpy())
    assert list(o.index) == list(expected.index)


def test_centre_is_the_initiatives_joining_most_functions(result):
    assert result.centre.to_dict("records") == [
        {"initiative": "Alumni", "n_functions": 3, "functions": "marketing; sales; hr"}]
    singles = pd.DataFrame({"a": [True, False], "b": [False, True]}, index=["x", "y"])
    assert venn.centre(singles).empty  # no initiative joins two functions: no centre
    tie = pd.DataFrame({"a": [True, True, True], "b": [True, True, False]}, index=["x", "y", "z"])
    assert venn.centre(tie)["initiative"].tolist() == ["x", "y"]


def test_function_status_table(result):
    st = result.functions.set_index("function")
    assert st["status"].to_dict() == {"marketing": "integrated", "sales": "integrated", "hr": "integrated",
                                      "pr": "silo", "events": "unreached"}
    assert st.loc["hr", ["initiatives", "single", "shared"]].tolist() == [2, 1, 1]
    assert st.loc["marketing", "joined_with"] == "sales; hr"
    assert st.loc["hr", "label"] == "HR & recruiting"


def test_per_initiative_table_shows_kpi_kind_value_and_business_metric_to_ask_for(result):
    t = result.initiatives.set_index("initiative")
    assert t["kpi_kind"].to_dict() == {"Blog": "vanity", "Webinars": "business", "Alumni": "unclassified",
                                       "Jobs page": "business", "Idea box": "missing", "Press notes": "vanity"}
    assert t["measurable"].tolist() == [False, True, False, False, False, False]
    assert t.loc["Blog", "ask_for"] == "opt-ins"  # followers -> relationships (opt-ins)
    assert t.loc["Press notes", "ask_for"] == "orders"  # conversations/mentions -> revenue (orders)
    assert "kpi_vocabulary.csv" in t.loc["Alumni", "ask_for"]  # an unknown KPI is asked about
    assert t.loc["Webinars", "kpi_means"] == "opt-in"
    assert (t["delivered"] == "no objective").all() and (t["objectives"] == "").all()
    assert t.loc["Idea box", "n_functions"] == 0 and t.loc["Idea box", "functions"] == ""
    assert "Old forum" not in t.index


def test_unclassified_kpis_are_asked_about_not_counted(result):
    questions = result.questions
    assert len(questions) == 1 and '"response time"' in questions[0].text and "'Alumni'" in questions[0].detail
    custom = tables.load("kpi_vocabulary")
    custom = pd.concat([custom, pd.DataFrame({"term": ["response time"], "kind": ["business"], "means": ["service"],
                                              "becomes": [None], "source": ["kit assumption"]})], ignore_index=True)
    again = venn.analyse(example(), FUNCTIONS, vocabulary=custom)
    assert again.measures["measurable_value"] == pytest.approx(2 / 6) and not len(again.questions)


def test_norm_and_audience_tables(result):
    assert result.norms.set_index("norm")["initiatives"].to_dict() == {
        "content": 3, "collaboration": 1, "community": 1, "collective_intelligence": 0}
    assert result.norms["share"].sum() == pytest.approx(1.0)  # one norm each here
    assert result.norms.set_index("norm").loc["content", "label"] == "User-generated content"
    assert result.norms["definition"].str.len().gt(20).all() and result.norms["example"].str.len().gt(20).all()
    assert result.audiences.set_index("audience")["initiatives"].to_dict() == {
        "customers": 3, "partners": 0, "employees": 2}


def test_no_norms_and_no_goal_kpi_columns():
    df = pd.DataFrame({"initiative": ["a", "b"], "functions": ["marketing", "marketing; sales"]})
    res = venn.analyse(df, FUNCTIONS)
    assert res.measures["measurable_value"] == 0.0
    assert math.isnan(res.measures["norm_depth"]) and res.measures["highest_norm"] == 0
    assert res.measures["grid_cells"] == 0.0 and res.grid["opportunity"].all()
    assert res.measures["audience_reach"] == 0.0
    assert res.classification == "coordinated"  # scope 2/5 = 0.4, integration 1/2


# --------------------------------------------------------------------------- classification


def test_classification_boundaries_and_reasons():
    base = {"scope": 0.4, "integration": 0.25, "measurable_value": 0.0, "audience_reach": 0.0, "highest_norm": 1}
    label, reasons = venn.classify(base)
    assert label == "coordinated"  # thresholds are inclusive
    assert reasons[reasons["class"] == "coordinated"]["met"].all()
    assert venn.classify({**base, "integration": 0.2499})[0] == "social media desk"
    top = {"scope": 0.7, "integration": 0.5, "measurable_value": 0.5, "audience_reach": 2 / 3, "highest_norm": 3}
    assert venn.classify(top)[0] == "social business"
    label, reasons = venn.classify({**top, "highest_norm": 2})
    assert label == "coordinated"
    row = reasons[(reasons["class"] == "social business") & (reasons["criterion"] == "highest_norm")].iloc[0]
    assert not row["met"] and row["reason"].startswith("highest norm 2 < 3")


def test_classification_thresholds_can_be_changed_and_are_checked():
    ms = {"scope": 0.3, "integration": 0.3, "measurable_value": 0, "audience_reach": 0, "highest_norm": 1}
    assert venn.classify(ms)[0] == "social media desk"
    assert venn.classify(ms, thresholds={"coordinated": {"scope": 0.3}})[0] == "coordinated"
    with pytest.raises(ParameterError, match="scope"):
        venn.classify(ms, thresholds={"coordinated": {"scoop": 0.3}})
    with pytest.raises(ParameterError, match="unknown class"):
        venn.classify(ms, thresholds={"social biz": {"scope": 0.3}})


def test_classification_takes_a_thresholds_table_and_does_not_reread_the_file(monkeypatch):
    ms = {"scope": 0.3, "integration": 0.3, "measurable_value": 0, "audience_reach": 0, "highest_norm": 1}
    table = tables.load("venn_thresholds")
    lower = table.assign(minimum=table["minimum"].where(table["class"] != "coordinated", 0.3))
    assert venn.class_thresholds(table=lower)["coordinated"] == {"scope": 0.3, "integration": 0.3}
    assert venn.classify(ms, threshold_table=lower)[0] == "coordinated"
    assert venn.analyse(example(), FUNCTIONS, threshold_table=lower).reasons["threshold"].iloc[0] == 0.3

    def no_reading(*args, **kwargs):
        raise AssertionError("the thresholds table was read again")

    monkeypatch.setattr(io, "read_table", no_reading)
    assert venn.classify(ms)[0] == "social media desk"  # the default comes from the cached table


def test_summary_names_the_class_and_what_the_next_class_needs(result):
    text = venn.summary(result)
    assert "**coordinated**" in text and "To become social business" in text and "integration 33% < 50%" in text
    assert text._repr_markdown_() == str(text)


# --------------------------------------------------------------------------- recommendations


def test_recommendations_cover_silos_unreached_functions_and_goals_without_a_tactic(result):
    rec = result.recommendations
    assert rec[["issue", "function", "tactic"]].values.tolist() == [
        ["silo", "pr", "PR strategy coordinated with blog posts and social engagement"],
        ["silo", "pr", "publish thought-leadership content on own site / blog"],
        ["unreached", "events", "social promotion campaign and live-event strategy"],
        ["goal without a tactic", "", "internal social business communication strategy"],
    ]
    assert "Idea box" in rec.iloc[3]["why"]


def test_goal_matching_and_unknown_goals():
    book = tables.load("playbook")
    assert venn.match_goal("Prove thought leadership", book) == "thought_leadership"
    assert venn.match_goal("recruit", book) == "recruit"
    assert venn.match_goal("prove our thought leadership", book) == "thought_leadership"
    assert venn.match_goal("win public-sector clients", book) is None
    df = pd.DataFrame({"initiative": ["x"], "functions": [None], "goal": ["win public-sector clients"]})
    rec = venn.analyse(df, FUNCTIONS).recommendations
    goal_rows = rec[rec["issue"] == "goal without a tactic"]
    assert len(goal_rows) == 1 and "add one to playbook.csv" in goal_rows.iloc[0]["why"]


def test_playbook_covers_every_default_function():
    book = tables.load("playbook")
    served = {f for cell in book["functions"] for f in cell.split("; ")}
    assert served == set(tables.load("functions")["function"])
    assert book["goal_id"].is_unique


# --------------------------------------------------------------------------- bad inputs


def test_unknown_function_is_a_clear_error_naming_function_initiative_line_and_fix():
    df = example()
    df.loc[1, "functions"] = "markting; sales"
    with pytest.raises(DataValidationError) as info:
        venn.analyse(df, FUNCTIONS)
    msg = str(info.value)
    assert "'markting'" in msg and "'Webinars'" in msg and "line 3" in msg
    assert "add it to the functions table" in msg and "correct the spelling" in msg
    assert "did you mean 'marketing'" in msg
    assert isinstance(info.value, FunctionTableError)


def test_function_missing_from_a_custom_table_is_an_error():
    small = FUNCTIONS[FUNCTIONS["function"] != "pr"]
    with pytest.raises(DataValidationError, match="function 'pr' .*Press notes"):
        venn.membership(example(), small)


def test_duplicate_initiatives_are_refused_with_their_lines():
    df = pd.concat([example(), pd.DataFrame({"initiative": ["blog "], "functions": ["sales"]})], ignore_index=True)
    with pytest.raises(DataValidationError) as info:
        venn.analyse(df, FUNCTIONS)
    msg = str(info.value)
    assert "duplicate initiative names" in msg and "line 2, 9" in msg and "merge the repeated rows" in msg


def test_contract_rejects_duplicate_names_at_load_time(tmp_path):
    path = tmp_path / "initiatives.csv"
    example().iloc[[0, 0]].to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="unique"):
        io.load(path, "initiatives")


def test_missing_initiative_column_and_blank_names():
    with pytest.raises(DataValidationError, match="column_map=\\{'initiatives': 'initiative'\\}"):
        venn.membership(example().rename(columns={"initiative": "initiatives"}), FUNCTIONS)
    df = example()
    df.loc[2, "initiative"] = " "
    with pytest.raises(DataValidationError, match="blank initiative name.*line 4"):
        venn.membership(df, FUNCTIONS)


def test_functions_table_is_checked(tmp_path):
    with pytest.raises(DataValidationError, match="'function' is missing.*\n.*fix: rename 'functions'"):
        functions.functions_table(pd.DataFrame({"functions": ["a"]}))
    with pytest.raises(DataValidationError, match="unique.*line 2, 3"):
        functions.functions_table(pd.DataFrame({"function": ["Sales", "sales"]}))
    with pytest.raises(DataValidationError, match="unique.*line 2, 3"):
        venn.analyse(example(), pd.DataFrame({"function": ["Sales", "sales"]}))
    path = tmp_path / "functions.csv"
    pd.DataFrame({"function": ["Customer Service", "Sales"]}).to_csv(path, index=False)
    table = tables.load("functions", path)
    assert table["function"].tolist() == ["customer_service", "sales"]
    assert table["label"].tolist() == ["customer_service", "sales"]
    assert len(tables.load("functions")) == 10


def test_inputs_are_not_mutated():
    df, fn = example(), FUNCTIONS.copy()
    before, before_fn = df.copy(), fn.copy()
    venn.analyse(df, fn)
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(fn, before_fn)


def test_empty_selection_gives_zero_scores():
    df = example().assign(status="retired")
    res = venn.analyse(df, FUNCTIONS)
    assert res.measures["initiatives"] == 0 and res.measures["scope"] == 0 and res.measures["integration"] == 0
    assert res.classification == "social media desk"


# --------------------------------------------------------------------------- Venn layout and chart


def _layer_data(spec: dict, layer: dict, parent: dict | None = None) -> pd.DataFrame:
    """Rows of one layer of a chart spec (Altair moves data shared by all layers to the parent)."""
    data = layer.get("data") or (parent or spec).get("data")
    return pd.DataFrame(spec["datasets"][data["name"]])


def _inside(x, y, circles) -> set[int]:
    return {int(c.set) for c in circles.itertuples() if math.hypot(x - c.cx, y - c.cy) < c.r}


@pytest.mark.parametrize("n", [2, 3])
def test_venn_layout_puts_every_region_label_inside_exactly_its_circles(n):
    circles, regions = venn_charts.venn_layout(n)
    assert len(circles) == n and (circles["r"] == 1.0).all()
    assert len(regions) == 2 ** n - 1
    for row in regions.itertuples():
        assert _inside(row.x, row.y, circles) == set(row.region)
        # at least 0.1 away from every circle edge, so the number is readable
        assert min(abs(math.hypot(row.x - c.cx, row.y - c.cy) - c.r) for c in circles.itertuples()) > 0.1


def test_venn_layout_geometry_for_two_and_three_sets():
    c2, r2 = venn_charts.venn_layout(2)
    assert c2[["cx", "cy"]].values.tolist() == [[-0.5, 0.0], [0.5, 0.0]]
    both = r2[r2["region"] == (0, 1)].iloc[0]
    assert abs(both.x) < 0.02 and abs(both.y) < 0.02  # lens label in the middle
    only_a = r2[r2["region"] == (0,)].iloc[0]
    assert only_a.x == pytest.approx(-1.0, abs=0.02)  # midway between A's left edge and B's left edge
    c3, r3 = venn_charts.venn_layout(3)
    sides = [math.dist(c3.loc[i, ["cx", "cy"]], c3.loc[j, ["cx", "cy"]]) for i, j in [(0, 1), (1, 2), (0, 2)]]
    assert sides == pytest.approx([1.05] * 3)  # equilateral triangle
    assert c3["cy"].iloc[2] < c3["cy"].iloc[0] == pytest.approx(c3["cy"].iloc[1])  # two on top, one below
    centre = r3[r3["region"] == (0, 1, 2)].iloc[0]
    assert abs(centre.x) < 0.02 and abs(centre.y) < 0.02
    with pytest.raises(ParameterError, match="2 or 3"):
        venn_charts.venn_layout(4)


def test_venn_chart_spec_for_three_sets(result):
    chart = venn_charts.venn_chart(result, ["marketing", "sales", "hr"])
    spec = chart.to_dict()
    circle_layer, count_layer = spec["layer"][0], spec["layer"][1]
    assert circle_layer["mark"]["type"] == "circle"
    circles = _layer_data(spec, circle_layer)
    assert circles["function"].tolist() == ["marketing", "sales", "hr"]
    assert circles["initiatives"].tolist() == [3, 2, 2]
    # the drawn radius (sqrt(size) / 2 pixels) is r data units at the chart's scale
    xdom = circle_layer["encoding"]["x"]["scale"]["domain"]
    px = spec["width"] / (xdom[1] - xdom[0])
    ydom = circle_layer["encoding"]["y"]["scale"]["domain"]
    assert spec["height"] / (ydom[1] - ydom[0]) == pytest.approx(px, rel=0.01)  # same scale on both axes
    assert (np.sqrt(circles["size_px"]) / 2).tolist() == pytest.approx((circles["r"] * px).tolist())
    assert circle_layer["encoding"]["size"]["scale"] is None
    counts = _layer_data(spec, count_layer).set_index("region")
    # Blog: marketing only; Webinars: marketing & sales; Alumni: all three; Jobs page: hr only
    assert counts["count"].to_dict() == {"marketing": 1, "sales": 0, "hr": 1, "marketing & sales": 1,
                                         "marketing & hr": 0, "sales & hr": 0, "marketing & sales & hr": 1}
    geo = circles  # columns set, cx, cy, r
    for region, row in counts.iterrows():
        members = {["marketing", "sales", "hr"].index(f) for f in region.split(" & ")}
        assert _inside(row["x"], row["y"], geo) == members
    texts = [_layer_data(spec, layer) for layer in spec["layer"][2:]]
    names = pd.concat(texts[:-1])
    assert set(names["label"]) == {"Marketing (3)", "Sales (2)", "HR & recruiting (2)"}
    assert texts[-1]["text"].iloc[0] == "outside these circles: 2"  # Idea box and Press notes


def test_venn_chart_spec_for_two_sets_from_a_membership_matrix():
    m = venn.membership(example(), FUNCTIONS)
    spec = venn_charts.venn_chart(m, ["marketing", "hr"]).to_dict()
    circles = _layer_data(spec, spec["layer"][0])
    assert circles[["cx", "cy", "r"]].values.tolist() == [[-0.5, 0.0, 1.0], [0.5, 0.0, 1.0]]
    counts = _layer_data(spec, spec["layer"][1]).set_index("region")
    assert counts["count"].to_dict() == {"marketing": 2, "hr": 1, "marketing & hr": 1}
    assert counts.loc["marketing & hr", "x"] == pytest.approx(0.0, abs=0.02)
    assert counts.loc["marketing", "x"] < -0.5 < 0.5 < counts.loc["hr", "x"]


def test_venn_chart_rejects_bad_function_choices(result):
    with pytest.raises(ParameterError, match="2 or 3"):
        venn_charts.venn_chart(result, ["marketing"])
    with pytest.raises(ParameterError, match="Did you mean 'marketing'"):
        venn_charts.venn_chart(result, ["marketting", "sales"])
    with pytest.raises(ParameterError, match="twice"):
        venn_charts.venn_chart(result, ["sales", "Sales"])
    default = _layer_data(venn_charts.venn_chart(result).to_dict(), venn_charts.venn_chart(result).to_dict()["layer"][0])
    assert default["function"].tolist() == ["marketing", "sales", "hr"]  # the three most reached


def test_venn_regions_counts_exact_membership():
    m = venn.membership(example(), FUNCTIONS)
    regions = venn.venn_regions(m, ["marketing", "sales"]).set_index("functions")
    assert regions["count"].to_dict() == {"none of them": 4, "marketing": 1, "sales": 0, "marketing & sales": 2}
    assert regions.loc["marketing & sales", "initiatives"] == ["Webinars", "Alumni"]


# --------------------------------------------------------------------------- UpSet, heatmap, quadrant


def test_intersections_are_exact_combinations_largest_first(result):
    inter = venn.intersections(result.membership)
    assert inter[["combination", "count"]].values.tolist() == [
        ["(no function)", 1], ["hr", 1], ["marketing", 1], ["pr", 1],
        ["marketing; sales", 1], ["marketing; sales; hr", 1]]
    assert inter["count"].sum() == 6
    assert len(venn.intersections(result.membership, top=2)) == 2


def test_upset_chart_spec_has_intersection_bars_dot_matrix_and_set_sizes(result):
    spec = venn_charts.upset_chart(result).to_dict()
    bars = spec["vconcat"][0]["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert _layer_data(spec, bars, spec["vconcat"][0])["count"].tolist() == [1] * 6
    matrix, sizes = spec["vconcat"][1]["hconcat"]
    dots = _layer_data(spec, matrix["layer"][0])
    assert len(dots) == 6 * 5  # every combination x every function
    filled = _layer_data(spec, matrix["layer"][2])
    assert sorted(filled.loc[filled["combination"] == "marketing; sales; hr", "function"]) == [
        "HR & recruiting", "Marketing", "Sales"]
    assert _layer_data(spec, sizes).set_index("function")["initiatives"].to_dict() == {
        "Marketing": 3, "Sales": 2, "HR & recruiting": 2, "PR": 1, "Events": 0}


def test_overlap_heatmap_data(result):
    spec = venn_charts.overlap_heatmap(result).to_dict()
    cells = _layer_data(spec, spec["layer"][0]).set_index(["function", "with_function"])["initiatives"]
    assert cells[("Marketing", "Sales")] == 2 and cells[("Marketing", "Marketing")] == 3 and len(cells) == 25
    same = venn_charts.overlap_heatmap(result.membership).to_dict()
    assert _layer_data(same, same["layer"][0])["initiatives"].sum() == cells.sum()


def test_compare_and_quadrant_chart():
    other = pd.DataFrame({"initiative": ["solo"], "functions": ["marketing"], "goal": ["x"], "kpi": ["likes"]})
    comp = venn.compare({"ours": example(), "theirs": other}, FUNCTIONS)
    assert comp["brand"].tolist() == ["ours", "theirs"]
    assert comp["scope"].tolist() == pytest.approx([0.8, 0.2])
    assert comp["measurable_value"].tolist() == pytest.approx([1 / 6, 0.0])
    assert comp["delivered_value"].isna().all()  # no objectives: not measured, not zero
    assert comp["classification"].tolist() == ["coordinated", "social media desk"]
    spec = venn_charts.quadrant_chart(comp).to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert [_layer_data(spec, r).iloc[0, 0] for r in rules] == [0.7, 0.5]  # social-business scope and value
    points = [layer for layer in spec["layer"] if layer["mark"]["type"] == "circle"][0]
    assert _layer_data(spec, points)["brand"].tolist() == ["ours", "theirs"]
    assert "measurable value" in points["encoding"]["y"]["title"]
    delivered = venn_charts.quadrant_chart(comp, value="delivered").to_dict()
    points = [layer for layer in delivered["layer"] if layer["mark"]["type"] == "circle"][0]
    assert _layer_data(delivered, points).empty  # neither brand has objectives: nobody is drawn at 0
    assert "ours, theirs" in delivered["title"]["subtitle"][0]
    with pytest.raises(ParameterError, match="measurable"):
        venn_charts.quadrant_chart(comp, value="value")


# --------------------------------------------------------------------------- sample brands


@pytest.mark.parametrize("brand,expected", [
    ("summit_outfitters", "social business"),
    ("northbridge_advisory", "coordinated"),
    ("evergreen_memorials", "social media desk"),
])
def test_sample_brands_land_in_their_planted_class(brand, expected):
    df = io.load(sample_path(brand, "initiatives"), "initiatives")
    assert 12 <= len(df) <= 25
    res = venn.analyse(df)
    assert res.classification == expected
    kinds = set(res.initiatives["kpi_kind"])
    assert {"vanity", "missing"} <= kinds  # vanity KPIs and initiatives without a KPI are planted
    assert (res.initiatives["goal"] == "").any() or (res.initiatives["n_functions"] == 0).any()


def test_sample_generator_is_deterministic_and_matches_the_committed_files():
    from socialkit.samples import to_csv_text

    for brand in BRANDS:
        first = to_csv_text(sample_initiatives.generate(brand, rng_for(brand, "initiatives"))["initiatives.csv"])
        again = to_csv_text(sample_initiatives.generate(brand, rng_for(brand, "initiatives"))["initiatives.csv"])
        assert first == again
        assert sample_path(brand.name, "initiatives").read_text(encoding="utf-8") == first
        assert list(pd.read_csv(sample_path(brand.name, "initiatives"))) == list(sample_initiatives.COLUMNS["initiatives.csv"])


# --------------------------------------------------------------------------- interactive panel


def test_panel_edits_an_initiative_and_updates_scores_and_charts():
    from socialkit.panels import venn as panel_module

    df = example()
    panel = panel_module.panel(df, FUNCTIONS, venn_functions=["marketing", "sales"])
    assert panel.result.classification == "coordinated"
    assert panel.venn_picker.value == ("marketing", "sales")
    panel.initiative_picker.value = "Press notes"
    assert panel.functions_editor.value == ("pr",)
    before = _layer_data(panel.venn.to_dict(), panel.venn.to_dict()["layer"][1]).set_index("region")["count"]
    panel.functions_editor.value = ("marketing", "sales", "pr")
    assert panel.result.measures["integration"] == pytest.approx(3 / 6)
    assert panel.result.measures["silos"] == 0
    after = _layer_data(panel.venn.to_dict(), panel.venn.to_dict()["layer"][1]).set_index("region")["count"]
    assert after["marketing & sales"] == before["marketing & sales"] + 1
    assert df.loc[5, "functions"] == "pr"  # the caller's frame is untouched
    assert panel.initiatives.loc[5, "functions"] == "marketing; sales; pr"


def test_panel_venn_picker_redraws_and_reports_bad_choices():
    from socialkit.panels import venn as panel_module

    panel = panel_module.panel(example(), FUNCTIONS, venn_functions=["marketing", "sales", "hr"])
    panel.venn_picker.value = ("marketing", "hr")
    circles = _layer_data(panel.venn.to_dict(), panel.venn.to_dict()["layer"][0])
    assert circles["function"].tolist() == ["marketing", "hr"]
    assert panel._venn_out.outputs[0]["data"]["text/plain"].startswith("alt.")  # the Venn, shown
    panel.venn_picker.value = ("marketing",)
    assert panel.venn is None and "2 or 3" in panel.message
    (shown,) = panel._venn_out.outputs  # the message replaces the chart
    assert "application/vnd.jupyter.widget-view+json" in shown["data"]


def test_show_replaces_what_an_output_widget_shows_without_capturing_output():
    import altair as alt
    import ipywidgets as widgets

    from socialkit.panels import show

    out = widgets.Output()
    show(out, pd.DataFrame({"a": [1]}), alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x"))
    table, chart = out.outputs  # each as display() would show it (the chart in the active Altair renderer)
    assert "<table" in table["data"]["text/html"] and chart["data"]["text/plain"] == "alt.Chart(...)"
    assert len(chart["data"]) > 1
    show(out, widgets.HTML("<i>nothing to draw</i>"))
    assert len(out.outputs) == 1 and "application/vnd.jupyter.widget-view+json" in out.outputs[0]["data"]
    assert out.msg_id == ""  # output was never routed through the widget (what a frontend would echo back)


# --------------------------------------------------------------------------- norms x audiences


def grid_example() -> pd.DataFrame:
    """Several norms and audiences per initiative, named as analysts write them."""
    return io.validate(pd.DataFrame({
        "initiative": ["Forum", "Ideas hub", "Photo wall", "Partner panel", "Blog"],
        "functions": ["marketing", "hr; marketing", "marketing", "sales", "marketing"],
        "audience": ["customers; employees", "employees", "customers", "partners", None],
        "norm": ["Community; user-generated content", "collective intelligence", "UGC", "collaboration", "content"],
    }), "initiatives")


def test_grid_places_each_initiative_in_every_cell_of_its_norms_and_audiences():
    res = venn.analyse(grid_example(), FUNCTIONS)
    cells = res.grid.set_index(["norm", "audience"])
    assert len(res.grid) == 12
    assert cells.loc[("content", "customers"), "names"] == "Forum, Photo wall"
    assert cells.loc[("content", "employees"), "names"] == "Forum"
    assert cells.loc[("community", "customers"), "initiatives"] == 1
    assert cells.loc[("community", "employees"), "initiatives"] == 1
    assert cells.loc[("collective_intelligence", "employees"), "names"] == "Ideas hub"
    assert cells.loc[("collaboration", "partners"), "names"] == "Partner panel"
    assert cells["initiatives"].sum() == 7  # Blog has no audience: it is in no cell
    assert int((~res.grid["opportunity"]).sum()) == 6 and res.measures["grid_cells"] == pytest.approx(6 / 12)
    t = res.initiatives.set_index("initiative")
    assert t.loc["Forum", "norm"] == "content; community" and t.loc["Forum", "norm_level"] == 3
    assert res.measures["highest_norm"] == 4 and res.measures["norm_depth"] == pytest.approx((3 + 4 + 1 + 2 + 1) / 5)
    view = norms.grid_view(res.grid)
    assert list(view.columns) == ["customers", "partners", "employees"]
    assert view.loc["Community", "partners"] == "opportunity"
    assert view.loc["User-generated content", "customers"] == "2: Forum, Photo wall"
    steps = norms.opportunities(res.grid)
    assert "Collective intelligence with customers and partners: no initiative yet" in [f.text for f in steps]


def test_norm_audience_chart_marks_empty_cells():
    res = venn.analyse(grid_example(), FUNCTIONS)
    spec = venn_charts.norm_audience_chart(res).to_dict()
    heat, empty, text = spec["layer"]
    assert len(_layer_data(spec, heat, spec)) == 12
    assert len(_layer_data(spec, empty)) == 6  # the opportunities, outlined
    assert "opportunity" in set(_layer_data(spec, text, spec)["text"])


def test_an_unknown_norm_is_refused_with_its_line_and_the_norms_to_use():
    df = grid_example().assign(norm=["community", "crowd wisdom", "content", "collaboration", None])
    with pytest.raises(DataValidationError) as info:
        io.validate(df, "initiatives")
    msg = str(info.value)
    assert "'crowd wisdom'" in msg and "line 3" in msg and "collective_intelligence" in msg


# --------------------------------------------------------------------------- delivered value


def objectives_status_example() -> pd.DataFrame:
    """Objectives with their status, as metrics.objectives_status returns them."""
    return pd.DataFrame({
        "objective": ["Sign-ups", "Leads", "Event leads", "Engagement", "Reach"],
        "metric": ["opt_ins", "leads", "leads", "engagement_rate_reach", "reach"],
        "status": ["met", "behind", "met", "met", "not measured"],
        "initiative": ["webinars", "Alumni; Webinars", "Jobs page", "Blog", " "],
    })


def test_delivered_value_counts_initiatives_whose_business_objectives_are_all_met():
    res = venn.analyse(example(), FUNCTIONS, objectives=objectives_status_example())
    t = res.initiatives.set_index("initiative")
    assert t["delivered"].to_dict() == {
        "Blog": "vanity objectives only",  # an engagement rate met is not value delivered
        "Webinars": "partly delivered", "Alumni": "not delivered", "Jobs page": "delivered",
        "Idea box": "no objective", "Press notes": "no objective"}
    assert t.loc["Webinars", "objectives"] == "Sign-ups; Leads"
    assert res.measures["delivered_value"] == pytest.approx(1 / 6)
    assert "1 of 6 met every linked business objective; 4 have linked objectives" in \
        res.scores.set_index("score").loc["delivered_value", "shown"]
    assert res.classification == "coordinated"  # the classification uses measurable value
    assert list(res.links.columns) == ["objective", "initiative", "status", "metric_kind"] and len(res.links) == 5


def test_delivered_value_is_not_measured_without_linked_objectives(result):
    assert math.isnan(result.measures["delivered_value"])
    assert result.scores.set_index("score").loc["delivered_value", "shown"].startswith("n/a")
    assert "delivered value is not measured" in venn.summary(result)
    unlinked = objectives_status_example().drop(columns="initiative")
    assert math.isnan(venn.analyse(example(), FUNCTIONS, objectives=unlinked).measures["delivered_value"])
    label, reasons = venn.classify({**result.measures}, thresholds={"social business": {"delivered_value": 0.1}})
    row = reasons[reasons["criterion"] == "delivered_value"].iloc[0]
    assert not row["met"] and row["reason"].startswith("delivered value n/a < 10%")


def test_an_objective_naming_an_unknown_initiative_is_refused_with_its_line():
    objectives = objectives_status_example()
    objectives.loc[2, "initiative"] = "Jobs pgae"
    with pytest.raises(DataValidationError) as info:
        venn.analyse(example(), FUNCTIONS, objectives=objectives)
    msg = str(info.value)
    assert "'Event leads'" in msg and "'Jobs pgae'" in msg and "line 4" in msg and "did you mean 'Jobs page'" in msg


def test_assumptions_list_the_thresholds_and_the_kits_own_choices():
    notes = venn.assumptions()
    texts = [f.text for f in notes]
    assert all(f.kind == "assumption" for f in notes)
    assert any("Class \"social business\" needs scope >= 70%" in t and "measurable value >= 50%" in t for t in texts)
    assert any("product" in t and "kit's addition" in t for t in texts)
    assert any("engagement rate" in t and "vanity" in t for t in texts)

"""Depth questionnaire scoring, readiness caps, assumptions, charts, samples and panel (presence /
platform / purpose are scored apart, in tests/test_practices.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialkit import depth, io, tables
from socialkit.charts import depth as depth_charts
from socialkit.config import SAMPLES_DIR, sample_path
from socialkit.exceptions import DataValidationError, QuestionnaireError
from socialkit.findings import Findings

# A small questionnaire: findable Q1 (yes/no) Q2 (1-5); recommendable Q3 (1-5, weight 2) Q4 (yes/no);
# transparent Q5 (yes/no); collaborative Q6 (1-5).
QUESTIONS = pd.DataFrame({
    "question": ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"],
    "level": ["findable", "findable", "recommendable", "recommendable", "transparent", "collaborative"],
    "scale": ["yes_no", "1-5", "1-5", "yes_no", "yes_no", "1-5"],
    "weight": [1, 1, 2, 1, 1, 1],
    "text": ["q1", "q2", "q3", "q4", "q5", "q6"],
})
MARKETING = {"Q1": 1, "Q2": 3, "Q3": 4, "Q4": 0, "Q5": 1, "Q6": 5}
SALES = {"Q1": 1, "Q2": 5, "Q3": 3, "Q4": 1, "Q5": 0, "Q6": 1}


def answers(**functions: dict) -> pd.DataFrame:
    return pd.DataFrame([{"function": f, "question": q, "answer": a}
                         for f, qa in functions.items() for q, a in qa.items()])


def readiness(**overrides) -> pd.DataFrame:
    base = {"BM1": 3, "BM2": 3, "BM3": 1, "BM4": 1,       # business model (0.5+0.5+0+1)/4 = 0.5
            "WF1": 5, "WF2": 5, "WF3": 1,                 # workforce 1.0
            "LD1": 2, "LD2": 1, "LD3": 0, "LD4": 2,       # leadership (0.25+1+0+0.25)/4 = 0.375
            "EA1": 5, "EA2": 5, "EA3": 1}                 # advocacy 1.0
    base.update(overrides)
    return pd.DataFrame({"question": list(base), "answer": list(base.values())})


# --------------------------------------------------------------------------- scoring


def test_normalise_yes_no_as_is_and_ratings_to_0_1():
    got = depth.normalise(pd.Series([0, 1, 1, 3, 5]), pd.Series(["yes_no", "yes_no", "1-5", "1-5", "1-5"]))
    assert got.tolist() == [0.0, 1.0, 0.0, 0.5, 1.0]


def test_level_scores_are_weighted_means_of_normalised_answers():
    s = depth.level_scores(answers(marketing=MARKETING, sales=SALES), questions=QUESTIONS)
    got = s.set_index(["function", "level"])["score"]
    assert got["marketing", "findable"] == pytest.approx((1 + 0.5) / 2)
    assert got["marketing", "recommendable"] == pytest.approx((2 * 0.75 + 0) / 3)  # 0.5, below 0.6
    assert got["sales", "recommendable"] == pytest.approx((2 * 0.5 + 1) / 3)
    assert got["marketing", "collaborative"] == 1.0
    assert s.set_index(["function", "level"])["evidenced"].to_dict()[("marketing", "recommendable")] is False


def test_current_level_is_a_ladder_deeper_evidence_does_not_skip_a_missing_level():
    s = depth.level_scores(answers(marketing=MARKETING, sales=SALES), questions=QUESTIONS)
    cur = depth.current_depth(s).set_index("function")
    # marketing: transparent and collaborative fully evidenced, but recommendable is not
    assert cur.loc["marketing", "current_order"] == 1 and cur.loc["marketing", "current"] == "findable"
    assert cur.loc["sales", "current"] == "recommendable"
    assert cur.loc["sales", "kind"] == "social media"
    assert cur.loc["marketing", "label"] == "Marketing"


def test_pass_score_is_inclusive():
    levels = tables.load("depth_levels").assign(pass_score=0.5)
    s = depth.level_scores(answers(hr={**SALES, "Q1": 0, "Q2": 5}), questions=QUESTIONS, levels=levels)
    row = s[(s["function"] == "hr") & (s["level"] == "findable")].iloc[0]
    assert row["score"] == 0.5 and bool(row["evidenced"])


def test_no_findable_evidence_is_level_none_not_yet_social():
    s = depth.level_scores(answers(pr={**SALES, "Q1": 0, "Q2": 1}), questions=QUESTIONS)
    cur = depth.current_depth(s).iloc[0]
    assert (cur["current_order"], cur["current"], cur["kind"]) == (0, "none", "not yet social")


@pytest.mark.parametrize("orders, level, kind", [
    ([1, 2], 2, "social media"),            # half (1 of 2) reach recommendable
    ([1, 2, 4], 2, "social media"),         # 2 of 3 reach 2, 1 of 3 reach 3
    ([3, 3, 4, 1], 3, "social business"),
    ([0, 0, 3], 0, "not yet social"),
])
def test_overall_is_the_deepest_level_at_least_half_the_functions_reach(orders, level, kind):
    o = depth.overall_depth(pd.DataFrame({"function": list("abcd"[: len(orders)]), "current_order": orders})).iloc[0]
    assert (o["level_order"], o["kind"]) == (level, kind)
    assert o["n_social_business"] == sum(x >= 3 for x in orders)


def test_assumptions_name_the_kits_own_numbers():
    notes = depth.assumptions()
    texts = " ".join(f.text for f in notes)
    assert all(f.kind == "assumption" for f in notes)
    assert "at least 60%" in texts and "at least half of its assessed functions" in texts
    assert "Readiness business model caps depth by score band (from 0%: recommendable; from 30%: transparent; " \
           "from 70%: collaborative)" in texts
    lower = tables.load("depth_levels").assign(pass_score=0.5)
    assert "at least 50%" in depth.assumptions(levels=lower)[0].text
    assert "Practises" not in depth.findings_markdown(depth.assess(answers(marketing=MARKETING, sales=SALES),
                                                                    readiness(), questions=QUESTIONS)).markdown()


# --------------------------------------------------------------------------- readiness and caps


def test_readiness_scores_and_caps():
    r = depth.readiness_scores(readiness()).set_index("factor")
    assert r["score"].to_dict() == pytest.approx({"business_model": 0.5, "workforce": 1.0,
                                                  "leadership": 0.375, "advocacy": 1.0})
    assert r["cap"].to_dict() == {"business_model": "transparent", "workforce": "collaborative",
                                  "leadership": "recommendable", "advocacy": "collaborative"}


def test_attainable_is_the_lowest_cap_and_names_the_limiting_factor():
    r = depth.readiness_scores(readiness())
    a = depth.attainable_depth(["marketing", "hr"], r).set_index("function")
    assert a.loc["marketing", "attainable"] == "recommendable"
    assert a.loc["marketing", "limiting_factor"] == "leadership"
    assert a.loc["marketing", "limit"] == "leadership engagement caps you at recommendable"


def test_business_model_caps_customer_facing_functions_only():
    r = depth.readiness_scores(readiness(LD1=5, LD3=1, LD4=5))  # leadership 1.0
    a = depth.attainable_depth(["marketing", "customer_service", "hr", "internal_comms"], r).set_index("function")
    assert a.loc["marketing", "attainable"] == "transparent"
    assert a.loc["marketing", "limiting_factor"] == "business_model"
    assert a.loc["marketing", "limit"] == "business model caps you at transparent"
    assert a.loc["customer_service", "limiting_factor"] == "business_model"
    assert a.loc["hr", "attainable"] == "collaborative" and a.loc["hr", "limiting_factor"] == ""
    assert a.loc["internal_comms", "limit"] == "no readiness factor caps you below collaborative"


def test_tied_limiting_factors_are_all_named_lowest_score_first():
    # workforce (0.5 + 0.5 + 1)/3 = 0.667 -> transparent, like the business model (0.5)
    r = depth.readiness_scores(readiness(WF1=3, WF2=3, LD1=5, LD3=1, LD4=5))
    a = depth.attainable_depth(["marketing"], r).iloc[0]
    assert a["limiting_factor"] == "business_model; workforce"
    assert a["limit"] == "business model and workforce digital fluency cap you at transparent"


def test_cap_threshold_is_inclusive_and_rows_are_editable():
    caps = pd.DataFrame({"factor": ["business_model", "business_model"], "min_score": [0.0, 0.5],
                         "max_level": ["findable", "collaborative"], "functions": [np.nan, np.nan],
                         "rule": ["low", "high"]})
    r = depth.readiness_scores(readiness(), caps=caps).set_index("factor")
    assert r.loc["business_model", "cap"] == "collaborative"  # score exactly 0.5
    assert r.loc["business_model", "rule"] == "high"
    assert r.loc["leadership", "cap"] == "collaborative"       # no cap rows: not capped


def test_gap_and_status():
    cur = pd.DataFrame({"function": ["a", "b", "c"], "current_order": [1, 3, 4]})
    reach = pd.DataFrame({"function": ["a", "b", "c"], "attainable_order": [3, 3, 2]})
    g = depth.depth_gap(cur, reach)
    assert g["gap"].tolist() == [2, 0, -2]
    assert g["status"].tolist() == ["room to grow", "at its ceiling", "beyond readiness"]


def test_assess_does_not_mutate_inputs():
    a, r = answers(marketing=MARKETING), readiness()
    a0, r0 = a.copy(), r.copy()
    depth.assess(a, r, questions=QUESTIONS)
    pd.testing.assert_frame_equal(a, a0)
    pd.testing.assert_frame_equal(r, r0)


# --------------------------------------------------------------------------- bad questionnaires


def test_incomplete_questionnaire_names_function_and_unanswered_questions():
    a = answers(marketing=MARKETING, sales=SALES)
    a = a[~((a["function"] == "sales") & a["question"].isin(["Q4", "Q6"]))]
    with pytest.raises(QuestionnaireError) as err:
        depth.check_assessment(a, questions=QUESTIONS)
    assert err.value.unanswered == {"sales": ["Q4", "Q6"]}
    assert "function 'sales' has 2 unanswered questions: Q4, Q6" in str(err.value)


def test_blank_answer_counts_as_unanswered_with_its_line():
    a = answers(marketing=MARKETING)
    a.loc[a["question"] == "Q3", "answer"] = np.nan  # index 2 -> line 4
    with pytest.raises(QuestionnaireError) as err:
        depth.check_assessment(a, questions=QUESTIONS)
    assert err.value.unanswered == {"marketing": ["Q3"]}
    assert "line 4" in str(err.value)


@pytest.mark.parametrize("question, value, allowed", [
    ("Q1", 7, "0 (no) or 1 (yes)"), ("Q1", 2, "0 (no) or 1 (yes)"), ("Q1", 0.5, "0 (no) or 1 (yes)"),
    ("Q2", 7, "1 to 5"), ("Q2", 0, "1 to 5"),
])
def test_out_of_range_answer_names_question_function_line_and_range(question, value, allowed):
    a = answers(marketing=MARKETING, sales=SALES).astype({"answer": float})
    idx = a.index[(a["function"] == "sales") & (a["question"] == question)][0]
    a.loc[idx, "answer"] = value
    with pytest.raises(QuestionnaireError) as err:
        depth.check_assessment(a, questions=QUESTIONS)
    msg = str(err.value)
    line = idx + 2
    assert f"question {question} (function 'sales', line {line}) must be {allowed}" in msg
    assert err.value.out_of_range == [dict(question=question, function="sales", line=line,
                                           answer=float(value), allowed=allowed)]
    assert isinstance(err.value, DataValidationError)


def test_every_problem_is_reported_at_once():
    a = answers(marketing=MARKETING, sales=SALES)
    a.loc[0, "answer"] = 9
    a = pd.concat([a, pd.DataFrame([{"function": "marketting", "question": "Q1", "answer": 1},
                                    {"function": "sales", "question": "Q7", "answer": 1},
                                    {"function": "sales", "question": "Q1", "answer": 1}])], ignore_index=True)
    with pytest.raises(QuestionnaireError) as err:
        depth.check_assessment(a, questions=QUESTIONS)
    msg = str(err.value)
    assert "unknown business function" in msg and "did you mean 'marketing'" in msg
    assert "unknown question id" in msg and "Q7" in msg
    assert "answered more than once" in msg and "sales/Q1" in msg
    assert "question Q1 (function 'marketing', line 2) must be 0 (no) or 1 (yes)" in msg


def test_function_labels_and_case_are_accepted():
    a = answers(marketing=MARKETING)
    a["function"] = "  Customer service "
    got = depth.check_assessment(a, questions=QUESTIONS)
    assert set(got["function"]) == {"customer_service"}


@pytest.mark.parametrize("name", ["Customer-Service", "CUSTOMER_SERVICE", "customer service"])
def test_function_names_resolve_as_in_the_venn_model(name):
    a = answers(marketing=MARKETING).assign(function=name)
    assert set(depth.check_assessment(a, questions=QUESTIONS)["function"]) == {"customer_service"}


def test_a_custom_questionnaire_is_checked_by_its_table_model():
    bad = QUESTIONS.assign(scale=["yes_no", "1-10", "1-5", "yes_no", "yes_no", "1-5"])
    with pytest.raises(DataValidationError, match="scale"):
        depth.check_assessment(answers(marketing=MARKETING), questions=bad)


def test_a_cap_naming_an_unknown_level_is_a_clear_error():
    caps = pd.DataFrame({"factor": ["business_model"], "min_score": [0.0], "max_level": ["colaborative"],
                         "functions": [np.nan], "rule": ["typo"]})
    with pytest.raises(DataValidationError, match="max_level") as err:
        depth.readiness_scores(readiness(), caps=caps)
    assert err.value.rows == (2,) and "use one of none, findable" in str(err.value)


def test_assess_fetches_each_table_at_most_once(monkeypatch):
    calls = []
    load = tables.load
    monkeypatch.setattr(tables, "load", lambda name, path=None: calls.append(name) or load(name, path))
    depth.assess(answers(marketing=MARKETING, sales=SALES), readiness(), questions=QUESTIONS)
    assert calls and len(calls) == len(set(calls)), calls


def test_text_answers_are_read_and_junk_is_reported():
    a = answers(marketing=MARKETING).astype({"answer": "string"})
    assert depth.check_assessment(a, questions=QUESTIONS)["answer"].tolist() == [1, 3, 4, 0, 1, 5]
    a.loc[1, "answer"] = "three"
    with pytest.raises(QuestionnaireError, match="expected a number"):
        depth.check_assessment(a, questions=QUESTIONS)


def test_missing_column_is_named():
    with pytest.raises(QuestionnaireError, match="column 'function': required column is missing"):
        depth.check_assessment(pd.DataFrame({"question": ["Q1"], "answer": [1]}), questions=QUESTIONS)


def test_incomplete_readiness_names_the_questions():
    r = readiness()
    r = r[~r["question"].isin(["LD3", "EA2"])]
    with pytest.raises(QuestionnaireError) as err:
        depth.readiness_scores(r)
    assert err.value.unanswered == {"organisation": ["LD3", "EA2"]}
    assert "the organisation has 2 unanswered questions: LD3, EA2" in str(err.value)


def test_out_of_range_readiness_answer():
    r = readiness(LD2=7)
    with pytest.raises(QuestionnaireError) as err:
        depth.readiness_scores(r)
    line = int(r.index[r["question"] == "LD2"][0]) + 2
    assert f"question LD2 (line {line}) must be 0 (no) or 1 (yes)" in str(err.value)


def test_loaded_file_keeps_file_line_numbers(tmp_path):
    path = tmp_path / "assessment.csv"
    a = answers(marketing=MARKETING)
    a.loc[3, "answer"] = 3  # Q4 is yes/no; file line 5
    a.to_csv(path, index=False)
    loaded = io.load(path, "assessment")
    with pytest.raises(QuestionnaireError) as err:
        depth.check_assessment(loaded, questions=QUESTIONS)
    assert str(path) in str(err.value) and "question Q4 (function 'marketing', line 5)" in str(err.value)


def test_blank_templates_hold_every_question():
    b = depth.blank_assessment(["marketing", "hr"])
    assert len(b) == 2 * len(tables.load("depth_questions")) and b["answer"].isna().all()
    with pytest.raises(QuestionnaireError):
        depth.check_assessment(b)
    assert set(depth.blank_readiness()["question"]) == set(tables.load("readiness_questions")["question"])


# --------------------------------------------------------------------------- shipped tables


def test_shipped_questionnaires_cover_every_level_and_factor():
    q, rq = tables.load("depth_questions"), tables.load("readiness_questions")
    assert set(q["level"]) == set(tables.load("depth_levels")["level"])
    assert "practice" not in q.columns  # presence / platform / purpose have their own questionnaire
    assert set(rq["factor"]) == set(tables.load("readiness_factors")["factor"])
    caps = tables.load("readiness_caps")
    assert set(caps["max_level"]) <= set(depth.level_names())
    for factor, grp in caps.groupby("factor"):
        assert grp["min_score"].min() == 0, factor
    levels = tables.load("depth_levels").set_index("level")["kind"]
    assert levels[["findable", "recommendable"]].eq("social media").all()
    assert levels[["transparent", "collaborative"]].eq("social business").all()


# --------------------------------------------------------------------------- sample brands


def _sample(brand):
    return depth.assess(io.load(sample_path(brand, "assessment"), "assessment"),
                        io.load(sample_path(brand, "readiness"), "readiness"))


def test_memorials_are_capped_by_their_business_model_at_transparent():
    f = _sample("evergreen_memorials").functions.set_index("function")
    customer_facing = ["marketing", "sales", "pr", "customer_service", "events", "product"]
    assert (f.loc[customer_facing, "limiting_factor"] == "business_model").all()
    assert (f.loc[customer_facing, "attainable"] == "transparent").all()
    assert f.loc["hr", "limiting_factor"] != "business_model"


def test_b2b_is_limited_by_leadership_not_its_business_model():
    res = _sample("northbridge_advisory")
    assert set(res.functions["limiting_factor"]) == {"leadership"}
    assert (res.functions["attainable"] == "recommendable").all()
    assert res.readiness.set_index("factor").loc["business_model", "cap"] == "collaborative"
    assert "beyond readiness" in set(res.functions["status"])


def test_b2c_retailer_is_deepest():
    overall = {b: _sample(b).overall.iloc[0] for b in
               ("summit_outfitters", "northbridge_advisory", "evergreen_memorials")}
    assert overall["summit_outfitters"]["kind"] == "social business"
    assert overall["summit_outfitters"]["level_order"] > max(overall["northbridge_advisory"]["level_order"],
                                                             overall["evergreen_memorials"]["level_order"])
    assert _sample("summit_outfitters").functions["limiting_factor"].eq("").all()


def test_sample_generator_reproduces_the_shipped_files():
    from socialkit.samples import BRANDS, rng_for, to_csv_text
    from socialkit.samples import depth as gen

    brand = BRANDS[2]
    files = gen.generate(brand, rng_for(brand, "depth"))
    assert set(files) == set(gen.COLUMNS)
    for name, df in files.items():
        assert list(df.columns) == list(gen.COLUMNS[name])
        assert to_csv_text(df) == (SAMPLES_DIR / brand.name / name).read_text(encoding="utf-8"), name


# --------------------------------------------------------------------------- findings and charts


def test_findings_name_the_limiting_factor():
    found = depth.findings_markdown(_sample("evergreen_memorials"))
    assert isinstance(found, Findings)
    text = found._repr_markdown_()
    assert text.startswith("- Overall the organisation is doing **social media**")
    assert "\n- **Business model caps you at transparent** in 8 functions" in text
    text = depth.findings_markdown(_sample("northbridge_advisory")).markdown()
    assert "Leadership engagement caps you at recommendable" in text
    assert "- Marketing is already *transparent*" in text


def test_charts_are_values_with_the_expected_fields():
    res = _sample("northbridge_advisory")
    spec = depth_charts.depth_chart(res.functions).to_dict()
    assert len(spec["layer"]) == 5
    assert "collaborative" in str(spec) and "labelExpr" in str(spec)
    fields = {layer["encoding"].get("x2", {}).get("field") for layer in spec["layer"] if "encoding" in layer}
    assert "attainable_order" in fields
    rspec = depth_charts.readiness_chart(res.readiness).to_dict()
    assert rspec["layer"][0]["encoding"]["color"]["field"] == "cap"
    assert len(depth_charts.level_heatmap(res.levels).to_dict()["layer"]) == 2


def test_chart_colours_come_from_the_theme():
    from socialkit.charts import BLUE, GREEN, VERMILION

    spec = str(depth_charts.depth_chart(_sample("northbridge_advisory").functions).to_dict())
    assert all(c in spec for c in (BLUE, GREEN, VERMILION))
    assert depth_charts.STATUS_COLOURS == {"room to grow": BLUE, "at its ceiling": GREEN, "beyond readiness": VERMILION}


# --------------------------------------------------------------------------- panel


def test_panel_recomputes_when_an_answer_changes_and_saves_the_file_format(tmp_path):
    from socialkit.panels import depth as panel_mod

    a = io.load(sample_path("evergreen_memorials", "assessment"), "assessment")
    r = io.load(sample_path("evergreen_memorials", "readiness"), "readiness")
    p = panel_mod.panel(a[a["function"].isin(["marketing", "hr"])], r)
    assert p.functions == ["marketing", "hr"]
    f = p.result.functions.set_index("function")
    assert (f.loc["marketing", "attainable"], f.loc["marketing", "limiting_factor"]) == ("transparent", "business_model")

    for q in ("BM1", "BM2", "BM3"):
        p.readiness_controls[q].value = 5
    p.readiness_controls["BM4"].value = 1
    f = p.result.functions.set_index("function")
    assert f.loc["marketing", "attainable"] == "collaborative"
    assert [len(o.outputs) for o in (p.findings_out, p.depth_out, p.readiness_out)] == [1, 1, 1]  # redrawn, not added

    before = f.loc["marketing", "current_order"]
    for q, v in {"T1": 5, "T2": 1, "T3": 5}.items():
        p.controls[("marketing", q)].value = v
    assert p.result.functions.set_index("function").loc["marketing", "current_order"] == before + 1 == 3

    pa, pr = p.save(tmp_path / "a.csv", tmp_path / "r.csv")
    saved = io.load(pa, "assessment")
    assert list(saved.columns) == ["function", "question", "answer"]
    assert depth.check_assessment(saved).set_index(["function", "question"]).loc[("marketing", "T1"), "answer"] == 5
    assert depth.assess(saved, io.load(pr, "readiness")).functions["current_order"].tolist() == \
        p.result.functions["current_order"].tolist()

"""Psychographic segmentation: planted segments recovered, formulas pinned on hand-computed
examples, bad parameters rejected before any work, privacy, persistence, charts, explorer, and the
package's layering (maths only; files through socialkit.activation, charts in socialkit.charts)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from socialkit import activation, io, tables
from socialkit import segments as sg
from socialkit.charts import segments as charts
from socialkit.config import PROJECT_DIR, sample_path
from socialkit.findings import Findings
from socialkit.exceptions import DataValidationError, InputFileError, ModelInputError, ParameterError
from socialkit.samples import BRANDS, rng_for
from socialkit.samples import audience as audience_samples

BRAND_NAMES = [b.name for b in BRANDS]
DEMOGRAPHICS = ["age", "gender", "region", "income_band"]


@pytest.fixture(scope="module")
def fitted():
    """Each sample brand's audience, its planted truth and a model fitted with k="auto"."""
    out = {}
    for brand in BRAND_NAMES:
        df = io.load(sample_path(brand, "audience"), "audience")
        truth = io.read_table(sample_path(brand, "audience_truth"))
        model = sg.Segmenter(id_column="respondent_id", k="auto", random_state=0).fit(df)
        out[brand] = (df, truth, model)
    return out


def small_survey(n: int = 240, seed: int = 1) -> pd.DataFrame:
    """Three clear groups on four Likert items, an id, a constant column and demographics."""
    rng = np.random.default_rng(seed)
    group = np.repeat([0, 1, 2], n // 3)
    centres = np.array([[5, 5, 1, 1], [1, 1, 5, 5], [5, 1, 5, 1]])
    items = np.clip(np.rint(centres[group] + rng.normal(0, 0.4, (n, 4))), 1, 5)
    df = pd.DataFrame(items, columns=["q1", "q2", "q3", "q4"])
    df.insert(0, "respondent_id", [f"R{i}" for i in range(n)])
    df["constant"] = 3
    df["gender"] = rng.choice(["Female", " female", "MALE", "male"], size=n)
    df["posts per week"] = np.where(group == 0, 3.0, 0.0)
    df["truth"] = group
    return df


# --------------------------------------------------------------------------- planted segments


@pytest.mark.parametrize("brand", BRAND_NAMES)
def test_planted_segments_are_recovered_and_auto_finds_planted_k(fitted, brand):
    df, truth, model = fitted[brand]
    assert model.k_ == truth["segment"].nunique()
    merged = truth.set_index("respondent_id").loc[df["respondent_id"], "segment"]
    assert adjusted_rand_score(merged, model.labels_) >= 0.8
    assert model.k_scores_["silhouette"].idxmax() == model.k_scores_.index[model.k_scores_["k"] == model.k_][0]


def test_stability_is_high_on_planted_segments(fitted):
    df, _, model = fitted["summit_outfitters"]
    result = sg.stability(model, df, resamples=3, rows=1500)
    assert result.mean_ari >= 0.8 and result.verdict == "stable"
    assert len(result.scores) == 3 and set(result.per_segment["segment"]) == set(range(1, model.k_ + 1))


def test_stability_says_plainly_when_there_is_no_structure():
    rng = np.random.default_rng(3)
    noise = pd.DataFrame(rng.normal(size=(600, 6)), columns=[f"x{i}" for i in range(6)])
    model = sg.Segmenter(k=6, random_state=0).fit(noise)
    result = sg.stability(model, noise, resamples=4)
    assert result.verdict != "stable"
    assert "stable" in result.message and f"{result.mean_ari:.2f}" in result.message


def test_same_seed_same_segments():
    df = small_survey()
    a = sg.Segmenter(random_state=5).fit(df.drop(columns="truth"))
    b = sg.Segmenter(random_state=5).fit(df.drop(columns="truth"))
    assert np.array_equal(a.labels_, b.labels_) and a.segment_names_ == b.segment_names_


# --------------------------------------------------------------------------- parameters


def test_k_out_of_range_message_is_sklearn_style():
    with pytest.raises(ParameterError) as err:
        sg.Segmenter(k=1).fit(small_survey())
    assert str(err.value) == "The 'k' parameter of Segmenter must be 'auto' or an int in [2, 20]. Got 1 instead."


@pytest.mark.parametrize("options, name", [
    (dict(k=21), "k"), (dict(k="three"), "k"), (dict(k_range=[5, 3]), "k_range"), (dict(k_range=[1, 4]), "k_range"),
    (dict(min_segment_size=0), "min_segment_size"), (dict(small_segments="drop"), "small_segments"),
    (dict(features="(unclosed"), "features"), (dict(reverse_keyed="q1"), "reverse_keyed"),
])
def test_bad_options_fail_with_the_parameter_named(options, name):
    with pytest.raises(ParameterError) as err:
        sg.Segmenter(**options).fit(small_survey())
    assert err.value.name == name and "Got" in str(err.value)


def test_bad_parameters_fail_before_any_work(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("clustering started")

    monkeypatch.setattr(sg.model, "KMeans", boom)
    monkeypatch.setattr(sg.model, "build_preprocessor", boom)
    df = small_survey()
    with pytest.raises(ParameterError) as err:
        sg.Segmenter(features=["q1", "q_2"]).fit(df)
    assert "'q_2'" in str(err.value) and "did you mean 'q2'" in str(err.value)
    with pytest.raises(ParameterError):
        sg.Segmenter(features="^nothing_matches").fit(df)
    with pytest.raises(DataValidationError) as err:
        sg.Segmenter(features=["constant"]).fit(df.assign(also=1))
    assert "no usable feature" in str(err.value) and "constant" in str(err.value)
    with pytest.raises(ParameterError):
        sg.Segmenter(reverse_keyed=["gender"], features=["q1", "gender"]).fit(df)
    with pytest.raises(ParameterError):
        sg.Segmenter(id_column="respondent").fit(df)


def test_too_few_respondents_for_min_segment_size():
    with pytest.raises(DataValidationError, match="min_segment_size"):
        sg.Segmenter(min_segment_size=200).fit(small_survey(n=240).drop(columns="truth"))


# --------------------------------------------------------------------------- the plan


def test_plan_drops_ids_constants_and_free_text_and_counts_missing():
    df = small_survey().drop(columns="truth")
    df.loc[[0, 5, 9], "q1"] = np.nan
    df["q2"] = df["q2"].astype(object)
    df.loc[3, "q2"] = "n/a"
    df["comment"] = [f"free text {i}" for i in range(len(df))]
    df["blank"] = np.nan
    plan = sg.plan_features(df, features=None, profile_columns=["gender"], id_column="auto")
    t = plan.table.set_index("column")
    assert plan.id_column == "respondent_id"
    assert t.loc["constant", "role"] == "dropped" and "constant" in t.loc["constant", "note"]
    assert t.loc["comment", "role"] == "dropped" and "never clustered" in t.loc["comment", "note"]
    assert t.loc["blank", "role"] == "dropped" and "no answers" in t.loc["blank", "note"]
    assert t.loc["q1", "missing"] == 3 and t.loc["q2", "missing"] == 1
    assert t.loc["q1", "type"] == "ordinal" and t.loc["gender", "role"] == "profile"
    assert "respondent_id" not in plan.features and "constant" not in plan.features
    assert any("constant" in n for n in plan.notes) and any("'q1' 3" in n for n in plan.notes)


def test_numeric_text_and_category_spellings_are_cleaned():
    s = pd.Series(["1,234.50", "12,5", "40%", "€ 7", "n/a", "abc"])
    assert sg.to_numbers(s).tolist()[:4] == [1234.5, 12.5, 40.0, 7.0]
    assert sg.to_numbers(s).isna().tolist()[4:] == [True, True]
    levels = sg.clean_levels(pd.Series([" Female", "female  ", "MALE", "N/A", None, "Prefer  not to say"]))
    assert levels.tolist()[:3] == ["female", "female", "male"]
    assert pd.isna(levels[3]) and pd.isna(levels[4]) and levels[5] == "prefer not to say"


def test_reverse_keyed_items_are_reversed_on_their_scale():
    df = small_survey().drop(columns="truth")
    model = sg.Segmenter(features=["q1", "q2", "q3"], reverse_keyed=["q3"], k=3).fit(df)
    clean = model._clean(df)
    assert (clean["q3"] == 1 + 5 - df["q3"]).all()
    assert model.preprocessor_.named_steps["clean"].scale_ == {"q3": (1.0, 5.0)}


# --------------------------------------------------------------------------- formulas


def test_index_formula_hand_computed():
    assert sg.index_value(4.0, 3.0, floor=1.0) == pytest.approx(150.0)  # (4-1)/(3-1)
    assert sg.index_value(0.3, 0.2) == pytest.approx(150.0)  # share ratio
    assert sg.index_value(2.0, 4.0) == pytest.approx(50.0)
    assert np.isnan(sg.index_value(2.0, 1.0, floor=1.0))


def test_index_table_hand_computed():
    clean = pd.DataFrame({"x": [1.0, 2.0, 4.0, 5.0], "c": ["a", "a", "b", "a"]})
    labels = np.array([1, 1, 2, 2])
    stats = {"x": dict(floor=1.0, mean=3.0, sd=1.5811388300841898)}
    t = sg.index_table(clean, labels, stats, ["x"], ["c"], kind="feature").set_index(["segment", "variable", "level"])
    # x: segment 1 mean 1.5 -> 100*(1.5-1)/(3-1) = 25; segment 2 mean 4.5 -> 175
    assert t.loc[(1, "x", ""), "index"] == pytest.approx(25.0)
    assert t.loc[(2, "x", ""), "index"] == pytest.approx(175.0)
    assert t.loc[(2, "x", ""), "std_diff"] == pytest.approx(1.5 / 1.5811388300841898)
    # c = a: audience share 3/4, segment 1 share 1 -> 133.3; segment 2 share 1/2 -> 66.7
    assert t.loc[(1, "c", "a"), "index"] == pytest.approx(400 / 3)
    assert t.loc[(2, "c", "a"), "index"] == pytest.approx(200 / 3)
    assert t.loc[(2, "c", "b"), "std_diff"] == pytest.approx((0.5 - 0.25) / np.sqrt(0.25 * 0.75))


def test_stability_verdict_thresholds():
    assert sg.stability_verdict(0.85)[0] == "stable"
    assert sg.stability_verdict(0.7)[0] == "moderately stable"
    assert sg.stability_verdict(0.3)[0] == "not stable"
    assert "NOT stable" in sg.stability_verdict(0.3)[1]


def test_participation_rungs_hand_computed():
    df = pd.DataFrame({"habit_posts_per_week": [2, 0, 0, 0, 0],
                       "habit_reviews_per_month": [0, 1, 0, 0, 0],
                       "habit_social_visits_per_week": [5, 5, 3, 0, 0],
                       "habit_hours_online_per_day": [3, 3, 3, 2, 0.2]})
    assert sg.participation_rungs(df).tolist() == ["creators", "critics", "joiners", "spectators", "inactives"]


def test_habit_columns_found_by_name_in_other_exports():
    df = pd.DataFrame({"Customer ID": ["a", "b"], "Social posts per week": [1, 2], "Reviews / month": [0, 1],
                       "Age": [30, 40]})
    cols = sg.habit_columns(df)
    assert cols == {"creators": ["Social posts per week"], "critics": ["Reviews / month"]}


# --------------------------------------------------------------------------- profile and privacy


def test_profile_tables(fitted):
    df, _, model = fitted["summit_outfitters"]
    prof = sg.profile(model, df, profile_columns=DEMOGRAPHICS)
    assert prof.sizes["respondents"].sum() == len(df)
    assert list(prof.sizes["segment"]) == list(range(1, model.k_ + 1))
    assert prof.sizes["respondents"].is_monotonic_decreasing
    assert set(prof.index["kind"]) == {"feature", "profile", "habit"}
    # for a share, the size-weighted mean of the segment indexes is 100
    north = prof.index[(prof.index["variable"] == "region") & (prof.index["level"] == "north")]
    north = north.merge(prof.sizes, on=["segment", "name"])
    assert np.average(north["index"], weights=north["respondents"]) == pytest.approx(100.0)
    genders = prof.composition[(prof.composition["column"] == "gender")]
    assert genders.groupby("segment")["share"].sum().round(6).eq(1).all()
    bands = prof.composition[prof.composition["column"] == "income_band"]
    assert list(dict.fromkeys(bands["level"])) == ["under 25k", "25k-50k", "50k-100k", "100k+"]  # in band order
    assert set(prof.participation["rung"]) == set(tables.load("participation_ladder")["rung"])
    assert prof.participation.groupby("segment")["placement"].sum().eq(1).all()
    assert prof.summary["name"].is_unique and prof.summary["traits"].str.len().gt(0).all()
    # reports carry no respondent identifiers
    for table in (prof.sizes, prof.index, prof.traits, prof.participation, prof.intimacy, prof.composition, prof.summary):
        text = table.to_csv()
        assert "R00001" not in text and "respondent_id" not in text


def _expected_stage(df: pd.DataFrame, members: np.ndarray) -> str:
    """The stage a segment should get, computed by hand from the brand-relationship columns."""
    shares = {fact: (df.loc[members, col] == "yes").sum() / df.loc[members, col].notna().sum()
              for fact, col in [("public_network", "follows_brand"), ("private_community", "brand_community_member"),
                                ("opt_in", "newsletter_opt_in"), ("psychographic_insight", "preferences_on_file"),
                                ("personalised", "personalised_offers")]}
    holds = {f: v >= 0.5 for f, v in shares.items()}
    if holds["opt_in"] and holds["psychographic_insight"] and holds["personalised"]:
        return "bowl"
    if holds["opt_in"] and holds["psychographic_insight"]:
        return "tank"
    if holds["opt_in"]:
        return "store"
    return "farm" if holds["private_community"] else "ocean"


@pytest.mark.parametrize("brand", BRAND_NAMES)
def test_sample_segments_are_placed_from_their_brand_relationship_columns(fitted, brand):
    df, _, model = fitted[brand]
    prof = sg.profile(model, df)
    placed = prof.intimacy.set_index("segment")
    assert len(placed) == model.k_ and "newsletter_opt_in" in prof.intimacy_note
    for s in placed.index:
        assert placed.loc[s, "stage"] == _expected_stage(df, model.labels_ == s), (brand, s)
    assert placed["stage"].nunique() >= 3  # the personas sit on different stages
    # the same segments, with nobody opted in: nobody is past the fish farm, whatever their habits
    cold = df.assign(newsletter_opt_in="no")
    assert set(sg.profile(model, cold, labels=pd.Series(model.labels_, index=df.index)).intimacy["stage"]) <= {"ocean", "farm"}


def test_active_social_users_are_not_placed_without_brand_relationship_facts(fitted):
    """General social habits (posting, reviewing) say nothing about the relationship with the brand."""
    df, _, model = fitted["summit_outfitters"]
    habits_only = df.drop(columns=audience_samples.RELATIONSHIP_COLUMNS)
    prof = sg.profile(model, habits_only)
    assert prof.intimacy.empty and "intimacy_stage" not in prof.summary.columns
    assert "Creators" in set(prof.summary["participation"])  # the participation ladder still works
    note = prof.intimacy_note
    assert "not placed" in note and all(f"'{c}'" in note for c in ("newsletter_opt_in", "brand_community_member",
                                                                   "preferences_on_file", "personalised_offers"))


def test_relationship_columns_are_found_under_other_names_and_need_yes_no_answers():
    df = pd.DataFrame({"Opted in to our newsletter?": ["Yes", "No"] * 20, "Member of our online community": [1, 0] * 20,
                       "I like personalised offers": [5, 1] * 20, "Q9 Preferences on file": ["yes", "no"] * 20})
    found = sg.ladders.relationship_columns(df)
    assert found == {"opt_in": "Opted in to our newsletter?", "private_community": "Member of our online community",
                     "psychographic_insight": "Q9 Preferences on file"}  # a 1-5 attitude is not a fact


def test_names_come_from_strongest_traits(fitted):
    _, _, model = fitted["evergreen_memorials"]
    names = set(model.segment_names_.values())
    assert "Tradition & local maker" in names and len(names) == model.k_  # readable item labels, no psy_ prefix


def _with_small_group() -> pd.DataFrame:
    df = small_survey().drop(columns="truth")
    extra = df.iloc[:12].assign(q1=1.0, q2=5.0, q3=1.0, q4=5.0, respondent_id=[f"X{i}" for i in range(12)])
    return pd.concat([df, extra], ignore_index=True)


def test_small_segments_are_merged_and_said_so():
    df = _with_small_group()
    raw = sg.Segmenter(k=4, min_segment_size=1, id_column="respondent_id").fit(df)
    assert raw.k_ == 4 and raw.sizes_.min() < 60
    model = sg.Segmenter(k=4, min_segment_size=60, id_column="respondent_id").fit(df)
    assert model.sizes_.min() >= 60 and model.k_ < 4 and model.sizes_.sum() == len(df)
    assert any("merged" in n for n in model.notes_)


def test_small_segments_can_be_suppressed():
    df = _with_small_group()
    raw = sg.Segmenter(k=4, min_segment_size=1, id_column="respondent_id").fit(df)
    small = int(raw.sizes_[raw.sizes_ < 60].sum())
    model = sg.Segmenter(k=4, min_segment_size=60, small_segments="suppress", id_column="respondent_id").fit(df)
    assert model.k_ == 4 - int((raw.sizes_ < 60).sum()) and model.n_suppressed_ == small > 0
    prof = sg.profile(model, df)
    assert prof.sizes["respondents"].sum() == len(df) - small and sg.SUPPRESSED not in set(prof.index["segment"])
    assert any("not reported" in n for n in prof.notes)
    assert (sg.assignments(model, df)["segment"] == 0).sum() == small


# --------------------------------------------------------------------------- persistence and scoring


def test_save_load_and_score_file(tmp_path, fitted):
    df, _, model = fitted["northbridge_advisory"]
    path = activation.save_model(model, tmp_path / "model.joblib")
    loaded = activation.load_model(path)
    new = df.sample(200, random_state=1)
    io.write_table(new, tmp_path / "new.csv")
    out = activation.score_file(path, tmp_path / "new.csv", tmp_path / "scored.parquet")
    scored = pd.read_parquet(out)
    assert list(scored.columns) == ["respondent_id", "segment", "segment_name"]
    assert scored["segment"].tolist() == loaded.predict(new).tolist() == model.labels_[new.index].tolist()
    default = activation.score_file(path, tmp_path / "new.csv")
    assert default.name == "new.segments.csv" and default.is_file()


def test_score_file_with_different_columns_fails_clearly(tmp_path, fitted):
    df, _, model = fitted["northbridge_advisory"]
    path = activation.save_model(model, tmp_path / "model.joblib")
    io.write_table(df.drop(columns=["psy_cost_focus"]).rename(columns={"psy_risk_averse": "risk averse"}).head(50),
                   tmp_path / "other.csv")
    with pytest.raises(ModelInputError) as err:
        activation.score_file(path, tmp_path / "other.csv", tmp_path / "out.csv")
    assert "psy_cost_focus" in str(err.value) and "psy_risk_averse" in str(err.value) and "column_map" in str(err.value)
    assert not (tmp_path / "out.csv").exists()
    io.write_table(df.assign(psy_cost_focus="agree").head(50), tmp_path / "text.csv")
    with pytest.raises(ModelInputError, match="psy_cost_focus.*should hold numbers"):
        activation.score_file(path, tmp_path / "text.csv", tmp_path / "out.csv")


def test_load_model_rejects_other_files(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        activation.load_model(tmp_path / "missing.joblib")
    (tmp_path / "junk.joblib").write_bytes(b"not a model")
    with pytest.raises(InputFileError, match="not a saved segmentation model"):
        activation.load_model(tmp_path / "junk.joblib")


def test_export_writes_assignments_and_model(tmp_path):
    df = small_survey().drop(columns="truth")
    model = sg.Segmenter(id_column="respondent_id", k=3).fit(df)
    written = activation.export(model, df, tmp_path / "assign.csv")
    assert list(written["what"]) == ["assignments", "model"]
    back = pd.read_csv(tmp_path / "assign.csv")
    assert len(back) == len(df) and back["respondent_id"].tolist() == df["respondent_id"].tolist()
    assert activation.load_model(tmp_path / "assign.joblib").k_ == 3


def test_transform_is_pandas_with_names(fitted):
    df, _, model = fitted["evergreen_memorials"]
    z = model.transform(df.head(10))
    assert isinstance(z, pd.DataFrame) and z.shape == (10, len(model.plan_.features))
    assert z.abs().max().max() <= sg.CLIP


def test_mixed_numeric_and_categorical_with_outliers():
    rng = np.random.default_rng(0)
    n = 300
    g = rng.integers(0, 2, n)
    df = pd.DataFrame({"spend": np.where(g == 0, 50, 500) * rng.lognormal(0, 0.2, n),
                       "plan": np.where(g == 0, "Basic", "premium "), "visits": rng.poisson(3, n)})
    df.loc[0, "spend"] = 1e7  # an outlier cannot own a segment
    model = sg.Segmenter(k=2, min_segment_size=10).fit(df)
    assert adjusted_rand_score(g, model.labels_) > 0.9


# --------------------------------------------------------------------------- charts


def test_charts_are_small_and_diverge_around_100(fitted):
    df, _, model = fitted["summit_outfitters"]
    prof = sg.profile(model, df, profile_columns=DEMOGRAPHICS)
    heat = charts.index_heatmap(prof.index).to_dict()
    assert heat["layer"][0]["encoding"]["color"]["scale"]["domainMid"] == 100
    points = sg.projection(model, pd.concat([df] * 2, ignore_index=True), n=3000)
    assert len(points) == 3000 and "respondent_id" not in points.columns
    made = [charts.k_selection_chart(model.k_scores_, chosen=model.k_), charts.sizes_chart(prof.sizes),
            charts.projection_chart(points), charts.composition_chart(prof.composition),
            charts.participation_chart(prof.participation),
            charts.stability_chart(sg.stability(model, df, resamples=2, rows=500))]
    for chart in made:
        spec = chart.to_dict()
        rows = sum(len(v) for v in spec.get("datasets", {}).values())
        assert 0 < rows <= 5000
    empty = charts.composition_chart(prof.composition.iloc[0:0]).to_dict()
    assert "No profile columns" in str(empty)


# --------------------------------------------------------------------------- samples


def test_audience_samples_are_deterministic_and_follow_the_contract():
    brand = BRANDS[1]
    a = audience_samples.generate(brand, rng_for(brand, "audience"))
    b = audience_samples.generate(brand, rng_for(brand, "audience"))
    assert a["audience.csv"].equals(b["audience.csv"])
    df = io.validate(a["audience.csv"], "audience")
    assert len(df) >= 2000 and 12 <= df.filter(regex="^psy_").shape[1] <= 16
    assert df.filter(regex="^psy_").isna().any().any()
    assert a["audience_truth.csv"]["segment"].nunique() == 4
    assert set(audience_samples.COLUMNS) == {"audience.csv", "audience_truth.csv"}


# --------------------------------------------------------------------------- explorer


def test_explorer_refits_when_controls_change():
    from socialkit.panels.segments import panel

    df = small_survey().drop(columns="truth")
    p = panel(df, features=["q1", "q2", "q3", "q4"], profile_columns=["gender"], id_column="respondent_id",
              k=3, min_segment_size=10)
    assert p.model.k_ == 3 and p.error is None
    p.k.value = 2
    assert p.model.k_ == 2
    assert len(p.overview.outputs) == 2 and len(p.detail.outputs) == 1  # sizes and index charts; the profile
    p.features.value = ("q1", "q2")
    assert list(p.model.plan_.features) == ["q1", "q2"]
    first = p.segment_profile()
    p.segment.value = p.segment.options[-1][1]
    assert not p.segment_profile().equals(first)
    p.features.value = ()
    assert p.error is not None and "features" in p.error


# --------------------------------------------------------------------------- benchmark


def test_benchmark_smoke_run(tmp_path):
    out = tmp_path / "segments.json"
    subprocess.run([sys.executable, str(PROJECT_DIR / "bench" / "bench_segments.py"), "--rows", "4000", "--out", str(out)],
                   check=True, capture_output=True, timeout=300)
    result = json.loads(out.read_text())
    assert result["rows"] == 4000 and result["k_chosen"] == result["planted_k"] == 6
    assert result["ari_vs_planted"] >= 0.8 and result["max_chart_rows"] <= 5000
    assert set(result["steps"]) == {"load", "validate", "choose_k_and_fit", "stability", "profile", "charts"}
    assert result["ratio"] > 0 and result["peak_memory_mb"] > 0
    assert result["structure_verdict"] in sg.VERDICTS and result["response_style"] == "none"  # no general factor


def test_free_text_gender_variants_are_merged_through_the_synonyms_table():
    from socialkit.segments import clean_levels

    raw = pd.Series(["F", "Female ", "woman", "M", "n/a", "Man", "rather not say"])
    assert clean_levels(raw, "Gender").tolist()[:4] == ["female", "female", "female", "male"]
    assert clean_levels(raw, "Gender").tolist()[5:] == ["male", "prefer not to say"]
    assert pd.isna(clean_levels(raw, "Gender").iloc[4])
    assert clean_levels(pd.Series(["F", "m"]), "grade").tolist() == ["f", "m"]  # other columns untouched


def test_synonyms_and_ladder_tables_can_be_passed_explicitly():
    syn = pd.DataFrame({"column_pattern": ["(?i)^plan$"], "answer": ["gold"], "level": ["premium"]})
    assert sg.clean_levels(pd.Series(["Gold", "basic"]), "Plan", synonyms=syn).tolist() == ["premium", "basic"]
    assert sg.clean_levels(pd.Series(["F"]), "Gender", synonyms=syn).tolist() == ["f"]  # only the table given
    ladder = tables.load("participation_ladder")
    df = pd.DataFrame({"habit_posts_per_week": [2, 0]})
    assert sg.participation_rungs(df, ladder=ladder).tolist() == ["creators", "inactives"]


# --------------------------------------------------------------------------- prose and layering


def test_fit_account_and_notes_are_findings(fitted):
    _, _, model = fitted["summit_outfitters"]
    account = sg.describe_fit(model)
    assert isinstance(account, Findings)
    text = account._repr_markdown_()
    assert text.startswith(f"- **{model.k_} segments** (k-means) on ") and "Mean silhouette of these segments" in text
    assert f"**Structure:** {model.structure_.message}" in text and model.structure_.message.lower().startswith(
        model.structure_.verdict)
    assert all(f"- {n}" in text for n in model.fit_notes_)
    notes = sg.notes_markdown(["one", "two"])
    assert isinstance(notes, Findings) and notes._repr_markdown_() == "- one\n- two"
    assert sg.notes_markdown([])._repr_markdown_() == "- nothing to note"


def test_the_package_holds_maths_only():
    """No file access, configuration or charts in socialkit.segments: tables come from
    socialkit.tables, files are written by socialkit.activation, charts live in socialkit.charts."""
    allowed_kit = {"exceptions", "text", "tables", "schemas", "findings", "functions", "ladder", "segments"}
    allowed_other = {"numpy", "pandas", "scipy", "sklearn", "__future__", "dataclasses", "typing", "math", "re",
                     "stepmix", "threadpoolctl"}
    package = PROJECT_DIR / "socialkit" / "segments"
    for path in sorted(package.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "lru_cache" not in source and "open(" not in source, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                continue  # a sibling module of the package
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                names = [node.module] if node.module else [a.name for a in node.names]
                assert all(n.split(".")[0] in allowed_kit for n in names), (path.name, names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert all(m.split(".")[0] in allowed_other for m in mods), (path.name, mods)
            assert not isinstance(node, ast.FunctionDef) or not any(
                isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(node)), (path.name, node.name)
    chart_source = (PROJECT_DIR / "socialkit" / "charts" / "segments.py").read_text(encoding="utf-8")
    assert not re.search(r"[\"']#[0-9a-fA-F]{3,8}[\"']", chart_source)  # colours from the theme constants
    for moved in ("export", "save_model", "load_model", "score_file", "answer_synonyms", "participation_ladder",
                  "sizes_chart", "index_heatmap", "k_selection_chart"):
        assert not hasattr(sg, moved), moved

"""Segments an expert would sign, on survey files that look like the public files a new user tries
(tests/data/surveys, written by make_surveys.py): demographics recognised however they are asked,
real answer shapes (multi-select, answer bands, dates), an honest k with the strength of the
structure in plain words, response style, scales and factors, readable and renamable names, and
latent classes for categorical answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import DATA_DIR
from socialkit import activation, io
from socialkit import segments as sg
from socialkit.charts import segments as charts
from socialkit.exceptions import ParameterError
from socialkit.segments import answers, kchoice

SURVEYS = DATA_DIR / "surveys"
QUESTIONNAIRE = "social_media_questionnaire.csv"
PLATFORMS = "7. What social media platforms do you commonly use?"
TIME = "8. What is the average time you spend on social media every day?"
POSTS = "21. How often do you post your own photos or videos?"
BIG_FIVE_ITEMS = r"^[ENACO]\d$"
REVERSED = ["E2", "E4", "N2", "N4", "A1", "A3", "C2", "C4", "O2", "O4"]


def read(name: str) -> pd.DataFrame:
    return io.read_table(SURVEYS / name)


@pytest.fixture(scope="module")
def questionnaire():
    df = read(QUESTIONNAIRE)
    return df, sg.Segmenter(id_column="auto", random_state=0).fit(df)


@pytest.fixture(scope="module")
def customers():
    df = read("customer_personality.csv")
    return df, sg.Segmenter(id_column="auto", random_state=0).fit(df)


@pytest.fixture(scope="module")
def big_five():
    df = read("big_five_battery.csv")
    raw = sg.Segmenter(features=BIG_FIVE_ITEMS, response_style="none", random_state=0).fit(df)
    auto = sg.Segmenter(features=BIG_FIVE_ITEMS, response_style="auto", random_state=0).fit(df)
    return df, raw, auto


def roles(model) -> pd.DataFrame:
    return model.plan_.table.set_index("column")


# --------------------------------------------------------------------------- the questionnaire


def test_questionnaire_demographics_asked_as_questions_are_profile(questionnaire):
    _, model = questionnaire
    t = roles(model)
    for col in ("1. What is your age?", "2. Gender", "3. Relationship Status", "4. Occupation Status",
                "5. What type of organizations are you affiliated with?"):
        assert t.loc[col, "role"] == "profile", col
    assert t.loc["Timestamp", "role"] == "profile" and t.loc["Timestamp", "type"] == "date"
    clustered = [c for c in model.plan_.features]
    assert not any(c.startswith(("1.", "2.", "3.", "4.", "5.")) for c in clustered)
    assert set(t["role"]) <= {"feature", "profile", "habit", "relationship", "id", "dropped"}
    assert set(t["type"]) <= {"numeric", "ordinal", "categorical", "multi_select", "date", "text"}


def test_questionnaire_answer_shapes(questionnaire):
    df, model = questionnaire
    t = roles(model)
    assert t.loc[PLATFORMS, "type"] == "multi_select" and t.loc[PLATFORMS, "role"] == "habit"
    assert model.plan_.shapes[PLATFORMS].options[:3] == ["YouTube", "Facebook", "Instagram"]  # most chosen first
    assert t.loc[TIME, "type"] == "ordinal" and t.loc[TIME, "role"] == "habit"
    order = model.plan_.shapes[TIME].order
    assert sorted(order, key=order.get) == [b.lower() for b in ("Less than an Hour", "Between 1 and 2 hours",
                                            "Between 2 and 3 hours", "Between 3 and 4 hours", "Between 4 and 5 hours",
                                            "More than 5 hours")]
    words = model.plan_.shapes[POSTS].order
    assert t.loc[POSTS, "type"] == "ordinal" and sorted(words, key=words.get) == ["never", "rarely", "sometimes",
                                                                                 "often", "always"]
    # the ratings are the features; the habits describe the segments and build the participation ladder
    assert all(t.loc[c, "role"] == "feature" for c in df.columns if c.split(".")[0].isdigit() and 9 <= int(c.split(".")[0]) <= 20)
    prof = sg.profile(model, df)
    habit_rows = prof.index[prof.index["kind"] == "habit"]
    assert f"{PLATFORMS}: Instagram" in set(habit_rows["variable"]) and TIME in set(habit_rows["variable"])
    assert len(prof.participation) and "7. What social media platforms" in " ".join(prof.notes)


def test_multi_select_features_become_indicators_in_the_plan_and_the_model(questionnaire):
    df, _ = questionnaire
    model = sg.Segmenter(features=[PLATFORMS, TIME, "Timestamp"], k=3, random_state=0).fit(df)
    t = model.plan_.table
    stamp = t[t["column"] == "Timestamp"].iloc[0]
    assert stamp["role"] == "feature" and stamp["type"] == "date" and "days before the latest date" in stamp["note"]
    own = t[t["column"] == PLATFORMS].iloc[0]
    assert own["role"] == "dropped" and own["type"] == "multi_select" and "expanded" in own["note"]
    indicators = t[t["column"].str.startswith(f"{PLATFORMS}: ")]
    assert len(indicators) == 9 and set(indicators["role"]) == {"feature"} and set(indicators["type"]) == {"multi_select"}
    clean = model._clean(df)
    insta = clean[f"{PLATFORMS}: Instagram"]
    assert set(insta.dropna().unique()) <= {0.0, 1.0}
    said = df[PLATFORMS].str.contains("Instagram", na=False)
    assert (insta[said] == 1).all() and (insta[~said & df[PLATFORMS].notna()] == 0).all()
    days = clean["Timestamp"]
    assert days.min() == 0 and 13 <= days.max() <= 14  # two weeks of answers, counted back from the last one
    ranks = clean[TIME]
    assert ranks[df[TIME] == "Less than an Hour"].eq(1).all() and ranks[df[TIME] == "More than 5 hours"].eq(6).all()


def test_questionnaire_names_are_readable(questionnaire):
    _, model = questionnaire
    for name in model.segment_names_.values():
        assert not name[0].isdigit() and "?" not in name
        for part in name.split(" & "):
            assert part.endswith("…") is False or len(part) > 20
            assert not part.rstrip("…").endswith(("(", "-", "_"))


# --------------------------------------------------------------------------- the customer export


def test_customer_export_demographics_dates_and_constants(customers):
    _, model = customers
    t = roles(model)
    for col in ("Year_Birth", "Income", "Kidhome", "Teenhome", "Education", "Marital_Status"):
        assert t.loc[col, "role"] == "profile", col
    assert t.loc["Dt_Customer", "type"] == "date" and "2012-07-30" in t.loc["Dt_Customer", "note"]
    assert t.loc["ID", "role"] == "id" and t.loc["NumWebVisitsMonth", "role"] == "habit"
    assert t.loc["Z_CostContact", "role"] == "dropped" and "constant" in t.loc["Z_CostContact", "note"]
    assert {"MntWines", "MntMeatProducts", "Recency"} <= set(model.plan_.features)


def test_dates_are_typed_and_described_as_days_before_the_latest(customers):
    df, model = customers
    dates = answers.to_dates(df["Dt_Customer"])
    first = df["Dt_Customer"].iloc[0]  # dd-mm-yyyy, as the export writes it
    d, m, y = map(int, first.split("-"))
    assert dates.iloc[0] == pd.Timestamp(y, m, d)
    prof = sg.profile(model, df)
    tenure = prof.index[(prof.index["variable"] == "Dt_Customer")]
    assert len(tenure) == model.k_ and tenure["audience_value"].iloc[0] == pytest.approx(
        (dates.max() - dates).dt.days.mean(), rel=1e-6)


@pytest.mark.parametrize("case", ["questionnaire", "customers", "big_five_raw", "big_five_auto"])
def test_structure_verdict_matches_the_silhouette_band_and_no_level_split_is_sold_as_groups(
        case, questionnaire, customers, big_five):
    model = {"questionnaire": questionnaire[1], "customers": customers[1], "big_five_raw": big_five[1],
             "big_five_auto": big_five[2]}[case]
    s = model.structure_
    band = ("strong structure" if s.silhouette > 0.70 else "reasonable structure" if s.silhouette > 0.50
            else "weak structure" if s.silhouette > 0.25 else "no substantial structure")
    assert s.verdict == band and s.silhouette == model.silhouette_
    text = sg.describe_fit(model)._repr_markdown_()
    assert s.message in text
    if model.k_ == 2 and s.level_split:
        assert s.verdict in ("weak structure", "no substantial structure")
        assert "convenient cut of a continuum" in text and "general level" in text


def test_customer_export_high_low_split_is_named_as_such(customers):
    _, model = customers
    assert model.k_ == 2 and model.structure_.level_split
    assert model.structure_.verdict in ("weak structure", "no substantial structure")
    assert "Best k by criterion" in " ".join(model.fit_notes_)


# --------------------------------------------------------------------------- response style


def test_response_style_none_gives_the_high_low_split_auto_removes_it(big_five):
    df, raw, auto = big_five
    assert raw.response_style_.applied == "none" and raw.k_ == 2 and raw.structure_.level_split
    assert raw.structure_.verdict in ("weak structure", "no substantial structure")
    style = auto.response_style_
    assert style.applied == "centre" and style.first_share >= 0.25 and style.same_sign >= 0.8
    assert "general level" in style.reason and any(style.reason in n for n in auto.notes_)
    assert auto.k_ == 3 and not auto.structure_.level_split  # the profiles beneath the general level
    # centred answers: each respondent's items average the audience level
    clean = auto._clean(df)[[c for c in df.columns if c in auto.plan_.battery]]
    row_means = clean.mean(axis=1)
    assert row_means.std() < 0.05 and row_means.mean() == pytest.approx(style.level, abs=0.05)


def test_response_style_is_not_applied_without_a_general_factor_unless_asked():
    rng = np.random.default_rng(4)
    g = rng.integers(0, 3, 600)
    centres = np.array([[5, 1, 3, 3], [1, 5, 3, 1], [3, 3, 5, 5]])
    df = pd.DataFrame(np.clip(np.rint(centres[g] + rng.normal(0, 0.5, (600, 4))), 1, 5), columns=list("abcd"))
    auto = sg.Segmenter(k=3).fit(df)
    assert auto.response_style_.applied == "none" and "no general factor" in auto.response_style_.reason
    forced = sg.Segmenter(k=3, response_style="centre").fit(df)
    assert forced.response_style_.applied == "centre" and "as asked" in forced.response_style_.reason
    with pytest.raises(ParameterError, match="response_style"):
        sg.Segmenter(response_style="ipsative").fit(df)


# --------------------------------------------------------------------------- scales and factors


def test_scale_scores_reverse_keyed_items_first_and_name_segments():
    rng = np.random.default_rng(8)
    g = rng.integers(0, 2, 400)
    warm = np.where(g == 0, 4.5, 1.5)
    df = pd.DataFrame({"A1": warm, "A2": 6 - warm, "A3": warm, "O1": 6 - warm, "O2": warm})  # A2 and O1 reversed
    df = df + rng.normal(0, 0.4, df.shape)
    df = df.clip(1, 5).round()
    model = sg.Segmenter(scales={"Agreeableness": ["A1", "A2", "A3"], "Openness": "^O"}, reverse_keyed=["A2", "O1"],
                         k=2, random_state=0).fit(df)
    clean = model._clean(df)
    assert list(clean.columns) == ["Agreeableness", "Openness"]
    expected = (df["A1"] + (1 + 5 - df["A2"]) + df["A3"]) / 3
    assert np.allclose(clean["Agreeableness"], expected)
    assert adjusted_rand_score(g, model.labels_) == 1.0
    assert set(model.segment_names_.values()) == {"Agreeableness & Openness", "Low Agreeableness & low Openness"}
    t = model.plan_.table.set_index("column")
    assert "scale: mean of A1, A2, A3 (A2 reversed first)" in t.loc["Agreeableness", "note"]
    assert "item of scale 'Openness'" in t.loc["O2", "note"]
    with pytest.raises(ParameterError, match="two scales"):
        sg.Segmenter(scales={"x": ["A1", "A2"], "y": ["A2"]}).fit(df)
    with pytest.raises(ParameterError, match="did you mean 'A3'"):
        sg.Segmenter(scales={"x": ["A1", "A33"]}).fit(df)


def test_stems_are_suggested_as_scales_and_factor_loadings_are_shown(big_five):
    df, raw, _ = big_five
    assert set(raw.plan_.suggested_scales) == set("ENACO") and any("scales='suggested'" in n for n in raw.notes_)
    model = sg.Segmenter(features=BIG_FIVE_ITEMS, scales="factors", reverse_keyed=REVERSED, k=3, random_state=0).fit(df)
    loadings = model.loadings_
    assert loadings.shape[0] == 25 and 2 <= loadings.shape[1] <= 8
    assert all(name.startswith("Factor ") for name in loadings.columns)
    assert ((loadings.abs() >= 0.3).sum(axis=0) >= 2).all()  # every factor stands for several items
    assert set(model.variables_) == set(loadings.columns)
    spec = charts.loadings_chart(loadings).to_dict()
    assert "varimax" in str(spec) and sum(len(v) for v in spec["datasets"].values()) == loadings.size
    suggested = sg.Segmenter(features=BIG_FIVE_ITEMS, scales="suggested", reverse_keyed=REVERSED, k=3).fit(df)
    assert set(suggested.variables_) == set("ENACO")


# --------------------------------------------------------------------------- names


def test_segment_names_rename_by_number_and_bad_names_are_refused():
    df = read("customer_personality.csv")
    model = sg.Segmenter(k=3, segment_names={1: "Everyday shoppers", "2": "Big spenders"}, random_state=0).fit(df)
    assert model.segment_names_[1] == "Everyday shoppers" and model.segment_names_[2] == "Big spenders"
    assert sg.assignments(model, df.head(5))["segment_name"].isin(set(model.segment_names_.values())).all()
    with pytest.raises(ParameterError, match="segments 1 to 3"):
        sg.Segmenter(k=3, segment_names={7: "Nobody"}).fit(df)
    with pytest.raises(ParameterError, match="segment_names"):
        sg.Segmenter(segment_names={1: "Same", 2: "same"}).fit(df)
    with pytest.raises(ParameterError, match="segment_names"):
        sg.Segmenter(segment_names=["a", "b"]).fit(df)


@pytest.mark.parametrize("header, label", [
    ("8. What is the average time you spend on social media every day?", "average time you spend on social media…"),
    ("Q7: Which platforms do you use?", "platforms you use"),
    ("MntMeatProducts", "mnt meat products"),
    ("Annual spend (EUR)", "annual spend"),
    ("psy_eco_conscious", "eco conscious"),
    ("16. Following the previous question, how do you feel about these comparisons, generally speaking?",
     "how you feel about these comparisons"),
])
def test_labels_strip_numbering_and_filler_and_never_cut_mid_word(header, label):
    assert sg.label_for(header) == label
    short = sg.label_for(header, 20)
    assert len(short) <= 21 and (not short.endswith("…") or header_words_contain(header, short.rstrip("…")))


def header_words_contain(header: str, prefix: str) -> bool:
    """The shortened label ends at a word boundary of the readable header."""
    full = sg.label_for(header, 500).split()
    return prefix.split() == full[:len(prefix.split())]


@pytest.mark.parametrize("header, concept", [
    ("1. What is your age?", "age"), ("Age (years)", "age"), ("Year_Birth", "year_of_birth"),
    ("YearOfBirth", "year_of_birth"), ("MaritalStatus", "relationship_status"), ("marital_status", "relationship_status"),
    ("3. Relationship Status", "relationship_status"), ("Occupation Status", "occupation"), ("Kidhome", "children"),
    ("Number of children in the household", "children"), ("Income [EUR]", "income"), ("Household income", "income"),
    ("What is your highest level of education?", "education"), ("Gender", "gender"), ("Sex", "gender"),
    ("Region", "region"), ("Where do you live?", "region"),
    ("psy_self_education", None), ("MntWines", None), ("8. What is the average time you spend online?", None),
])
def test_demographics_are_recognised_however_the_header_asks(header, concept):
    assert sg.demographic_concept(header) == concept


# --------------------------------------------------------------------------- answer shapes


def test_bands_words_and_numbers_are_ordered():
    assert sg.band_interval("Less than an Hour") == (-np.inf, 1.0)
    assert sg.band_interval("Between 1 and 2 hours") == (1.0, 2.0)
    assert sg.band_interval("25k-50k") == (25_000.0, 50_000.0)
    assert sg.band_interval("100k+") == (100_000.0, np.inf)
    assert sg.band_interval("Sometimes") is None
    order, vocab = sg.band_order(["strongly agree", "disagree", "neutral", "agree", "strongly disagree"])
    assert vocab == "agreement" and sorted(order, key=order.get)[0] == "strongly disagree"
    assert sg.band_order(["1", "2", "3"]) is None  # plain numbers are numbers
    assert sg.band_order(["red", "green", "blue"]) is None


def test_multi_select_detection_and_its_negatives():
    multi = pd.Series(["Facebook, Instagram", "Instagram", "YouTube; Facebook", "Facebook", "Instagram, YouTube",
                       "Facebook, Instagram, YouTube", None, "YouTube"] * 5)
    assert sg.multi_select_options(multi) == ["Facebook", "Instagram", "YouTube"]
    ind = sg.indicators(multi, ["Facebook", "Instagram", "YouTube"], "platforms")
    assert ind.iloc[0].tolist() == [1.0, 1.0, 0.0] and ind.iloc[6].isna().all()
    single = pd.Series(["Yes, definitely", "Yes, probably", "No", "Not sure"] * 10)
    assert sg.multi_select_options(single) is None
    assert sg.multi_select_options(pd.Series(["1,5", "2,25", "3,0"] * 10)) is None  # decimal commas are not options
    free = pd.Series([f"I like hiking, and {w}" for w in "abcdefghijklmnopqrstuvwxyz"] * 2)
    assert sg.multi_select_options(free) is None


def test_dates_read_day_or_month_first_from_the_values():
    assert sg.to_dates(pd.Series(["04-09-2012", "21-04-2014", "08-03-2013"] * 3)).iloc[0] == pd.Timestamp(2012, 9, 4)
    assert sg.to_dates(pd.Series(["4/18/2022 19:18:47", "5/2/2022 08:00:00"] * 3)).iloc[0] == pd.Timestamp(2022, 4, 18, 19, 18, 47)
    assert sg.to_dates(pd.Series(["2023-01-05", "", "2023-02-01"] * 3)).iloc[1] is pd.NaT
    assert sg.to_dates(pd.Series(["north", "south"] * 5)) is None


# --------------------------------------------------------------------------- the k rule and the structure scale


@pytest.mark.parametrize("silhouette, verdict", [(0.71, "strong structure"), (0.70, "reasonable structure"),
                                                 (0.51, "reasonable structure"), (0.50, "weak structure"),
                                                 (0.26, "weak structure"), (0.25, "no substantial structure"),
                                                 (-0.1, "no substantial structure")])
def test_kaufman_rousseeuw_bands(silhouette, verdict):
    s = sg.structure_verdict(silhouette)
    assert s.verdict == verdict and s.message.lower().startswith(verdict)
    if verdict in ("weak structure", "no substantial structure"):
        assert "convenient cut of a continuum" in s.message


def _scores(sil, ch, bic, stab):
    return pd.DataFrame({"k": range(2, 2 + len(sil)), "silhouette": sil, "calinski_harabasz": ch, "bic": bic,
                         "stability": stab, "inertia": 0.0})


def test_k_rule_never_takes_k2_on_the_silhouette_alone():
    k, notes = sg.choose_k(_scores([0.30, 0.28, 0.25], [100, 140, 120], [900, 800, 850], [0.9, 0.9, 0.9]))
    assert k == 3 and "neither Calinski-Harabasz nor BIC" in notes[1]
    k, notes = sg.choose_k(_scores([0.30, 0.28, 0.25], [150, 140, 120], [900, 800, 850], [0.9, 0.9, 0.9]))
    assert k == 2 and "corroborated by Calinski-Harabasz" in notes[1]
    k, notes = sg.choose_k(_scores([0.20, 0.28, 0.25], [150, 140, 120], [900, 800, 850], [0.9, 0.4, 0.8]))
    assert k == 4 and "not stable" in notes[-1]
    _, notes = sg.choose_k(_scores([0.2, 0.1], [10, 8], [1000, 1010], [0.9, 0.5]), bic_one=900)
    assert "single Gaussian group fits" in notes[-1]


def test_k_criteria_are_all_computed_and_charted(customers):
    _, model = customers
    t = model.k_scores_
    assert list(t.columns) == kchoice.K_COLUMNS and t[["silhouette", "calinski_harabasz", "bic", "stability"]].notna().all().all()
    spec = str(charts.k_selection_chart(t, chosen=model.k_requested_).to_dict())
    for title in ("silhouette", "Calinski-Harabasz", "BIC", "stability"):
        assert title in spec


def test_merged_segments_are_explained_next_to_the_chosen_k():
    df = read("customer_personality.csv").head(300)
    model = sg.Segmenter(k=8, min_segment_size=40, random_state=0).fit(df)
    assert model.k_ < 8
    text = sg.describe_fit(model)._repr_markdown_()
    assert f"**{model.k_} segments**" in text and f"{model.k_} segments are reported: k = 8 was chosen" in text


# --------------------------------------------------------------------------- latent classes and mixtures


def test_latent_class_analysis_recovers_planted_classes_silently(capfd, tmp_path):
    df = read("categorical_survey.csv")
    truth = df.pop("true_class")
    model = sg.Segmenter(method="lca", id_column="respondent", k_range=(2, 5), random_state=0).fit(df)
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # no progress bar, no messages
    assert model.k_ == 3 and adjusted_rand_score(truth, model.labels_) >= 0.8
    assert model.k_scores_.set_index("k")["bic"].idxmin() == 3
    assert any("lowest BIC of the latent class" in n for n in model.fit_notes_)
    again = model.predict(df)
    assert (again.to_numpy() == model.labels_).mean() > 0.99
    result = sg.stability(model, df, resamples=2, rows=600)
    assert result.mean_ari >= 0.8
    loaded = activation.load_model(activation.save_model(model, tmp_path / "lca.joblib"))
    assert (loaded.predict(df.head(50)).to_numpy() == again.to_numpy()[:50]).all()


def test_gaussian_mixture_method_fits_and_predicts():
    rng = np.random.default_rng(5)
    g = rng.integers(0, 3, 600)
    X = rng.normal(0, 0.5, (600, 4)) + np.array([[0, 0, 3, 3], [3, 0, 0, 3], [0, 3, 3, 0]])[g]
    df = pd.DataFrame(X, columns=["w", "x", "y", "z"])
    model = sg.Segmenter(method="gmm", random_state=0).fit(df)
    assert model.k_ == 3 and adjusted_rand_score(g, model.labels_) >= 0.9
    assert (model.predict(df).to_numpy() == model.labels_).all()
    with pytest.raises(ParameterError, match="method"):
        sg.Segmenter(method="hdbscan").fit(df)

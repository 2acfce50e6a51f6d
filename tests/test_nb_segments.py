"""The segmentation notebook runs under papermill on every sample brand and on survey files that do
not follow the kit's contract; bad parameters stop it with a clear message before any work."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import DATA_DIR, svg_outputs, text_outputs
from socialkit import activation
from socialkit.exceptions import SocialKitError

NB = "03_psychographic_segments"
SURVEYS = DATA_DIR / "surveys"
pytestmark = pytest.mark.notebook


def _check_report(nb, k: int | None = None):
    text = text_outputs(nb)
    assert len(svg_outputs(nb)) >= 9  # k criteria, stability, sizes, heatmaps, map, composition, ladder
    assert "segments** (" in text and "adjusted Rand index" in text and "**Structure:**" in text
    assert "Best k by criterion" in text and "Response style:" in text
    if k is not None:
        assert f"**{k} segments**" in text
    return text


def test_default_brand_runs_with_no_parameters(execute_notebook):
    nb = execute_notebook(NB)
    text = _check_report(nb, k=5)
    assert "The segments are stable" in text and "Reasonable structure" in text
    assert "Fish bowl" in text and "Ocean fishing" in text  # placed from the brand-relationship columns
    assert "placed on the ocean-to-fish-bowl ladder from the brand-relationship columns" in text
    assert "R00001" not in text  # no respondent ids in the report


@pytest.mark.parametrize("brand, k", [("northbridge_advisory", 4), ("evergreen_memorials", 3)])
def test_every_sample_brand(execute_notebook, brand, k):
    nb = execute_notebook(NB, brand=brand)
    _check_report(nb, k=k)


def test_likert_battery_with_missing_answers(execute_notebook, tmp_path):
    out = tmp_path / "battery_segments.parquet"
    nb = execute_notebook(NB, audience_path=str(SURVEYS / "likert_battery.csv"), features=r"^(EXT|AGR|CSN|OPN)\d+$",
                          reverse_keyed=["EXT2", "EXT4", "AGR1", "CSN2", "OPN3"], profile_columns=["age", "gender", "country"],
                          id_column="case_id", min_segment_size=25, random_state=3, assignments_file=str(out))
    text = _check_report(nb)
    assert "imputed" in text and "reverse-keyed" in text
    assigned = pd.read_parquet(out)
    assert list(assigned.columns) == ["case_id", "segment", "segment_name"] and len(assigned) == 600
    # the saved model scores the same respondents into the same segments
    again = activation.score_file(out.with_suffix(".joblib"), SURVEYS / "likert_battery.csv", tmp_path / "again.csv")
    assert pd.read_csv(again)["segment"].tolist() == assigned["segment"].tolist()


def test_mixed_customer_export_with_crlf_units_and_free_text_gender(execute_notebook):
    assert b"\r\n" in (SURVEYS / "customers_export.csv").read_bytes()
    nb = execute_notebook(NB, audience_path=str(SURVEYS / "customers_export.csv"), min_segment_size=20)
    text = _check_report(nb)
    assert "Currency" in text and "constant" in text  # dropped, with a note
    assert "Customer ID" in text and "id" in text  # detected, never clustered
    assert "Gender" in text and "Age (years)" in text  # profile columns found by name


def test_questionnaire_with_full_question_headers(execute_notebook):
    nb = execute_notebook(NB, audience_path=str(SURVEYS / "social_media_questionnaire.csv"), min_segment_size=20)
    text = _check_report(nb)
    assert "multi_select" in text and "expanded" not in text  # platforms: a habit, described by indicators
    assert "built from these habit columns" in text and "7. What social media platforms do you commonly use?" in text
    assert "Instagram" in "".join(svg_outputs(nb))  # one indicator per platform in the habits heatmap
    assert "numeric bands" in text and "never < rarely < sometimes < often < always" in text
    assert "demographic (age)" in text and "demographic (occupation)" in text and "date" in text
    assert "Segments are not placed on the ocean-to-fish-bowl ladder" in text and "newsletter_opt_in" in text
    assert "convenient cut of a continuum" in text  # no structure to speak of, and the report says so


def test_customer_export_with_birth_year_income_and_children(execute_notebook):
    nb = execute_notebook(NB, audience_path=str(SURVEYS / "customer_personality.csv"),
                          segment_names={1: "Everyday shoppers", 2: "Big spenders"})
    text = _check_report(nb, k=2)
    assert "demographic (year of birth)" in text and "demographic (children)" in text and "demographic (income)" in text
    assert "general level" in text and "convenient cut of a continuum" in text
    assert "Everyday shoppers" in text and "Big spenders" in text


def test_bad_parameter_stops_before_reading(execute_notebook):
    with pytest.raises(SocialKitError) as err:
        execute_notebook(NB, k=1)
    assert "The 'k' parameter of Segmenter must be 'auto' or an int in [2, 20]. Got 1 instead." in str(err.value)


def test_unknown_feature_name_is_named(execute_notebook):
    with pytest.raises(SocialKitError) as err:
        execute_notebook(NB, features=["psy_adventure", "psy_adventur_e"])
    assert "psy_adventur_e" in str(err.value) and "did you mean 'psy_adventure'" in str(err.value)

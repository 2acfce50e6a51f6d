"""The relationship-depth notebook runs under papermill for every sample brand, with SVG charts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import svg_outputs, text_outputs
from socialkit.config import sample_path
from socialkit.exceptions import SocialKitError

NOTEBOOK = "02_relationship_depth"
pytestmark = pytest.mark.notebook


def _errors(nb) -> list[str]:
    return [o.get("ename", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_default_brand_is_the_deepest_b2c_retailer(execute_notebook):
    nb = execute_notebook(NOTEBOOK)
    assert not _errors(nb)
    assert len(svg_outputs(nb)) >= 5
    text = text_outputs(nb)
    assert "Overall the organisation is doing **social business**" in text
    assert "No readiness factor caps" in text
    assert "Personal trip planner" in text and "Fish bowl" in text
    # presence, platform and purpose in their own terms, and the notes
    assert "Purpose (social market leadership): practised" in text and "covers 5 of 6 (PR1); missing Strava" in text
    assert any("Presence, platform, purpose" in s for s in svg_outputs(nb))
    assert "pass score, kit assumption" in text and "depth_practices.csv, kit assumption" in text


def test_b2b_brand_is_limited_by_leadership(execute_notebook):
    nb = execute_notebook(NOTEBOOK, brand="northbridge_advisory")
    assert len(svg_outputs(nb)) >= 5
    text = text_outputs(nb)
    assert "Leadership engagement caps you at recommendable" in text
    assert "Business model caps" not in text
    assert "beyond readiness" in text
    assert "Purpose (social market leadership): not yet practised" in text and "weakest: PU1" in text


def test_memorials_with_explicit_paths_and_column_map_show_a_business_model_cap(execute_notebook, tmp_path):
    brand = "evergreen_memorials"
    assessment = pd.read_csv(sample_path(brand, "assessment")).rename(columns={"function": "Department"})
    a_path = tmp_path / "my_assessment.csv"
    assessment.to_csv(a_path, index=False)
    nb = execute_notebook(NOTEBOOK, brand="summit_outfitters", assessment_path=str(a_path),
                          readiness_path=str(sample_path(brand, "readiness")),
                          programmes_path=str(sample_path(brand, "programmes")),
                          column_map={"assessment": {"Department": "function"}})
    svgs = svg_outputs(nb)
    assert len(svgs) == 5 and all(s.lstrip().startswith("<svg") for s in svgs)
    practice = [s for s in svgs if "Presence, platform, purpose" in s]
    assert len(practice) == 1 and "not scored: no answers were given" in practice[0]  # no practices answers
    text = text_outputs(nb)
    assert "Business model caps you at transparent" in text
    assert "Online design consultation" in text
    # the brand's practices answers are not taken for someone else's assessment: the blank questionnaire instead
    assert "Presence (social networking): " not in text and "PR1" in text and "Networks where the people" in text
    assert "not scored: no answers were given" in text
    # no JavaScript or CDN in the outputs of a report run
    assert "cdn.jsdelivr" not in json.dumps(nb)


def test_a_flat_column_map_is_refused_because_the_notebook_reads_three_inputs(execute_notebook):
    with pytest.raises(SocialKitError, match="must map each input kind"):
        execute_notebook(NOTEBOOK, column_map={"Department": "function"})


def test_evergreen_practises_none_of_the_three(execute_notebook):
    text = text_outputs(execute_notebook(NOTEBOOK, brand="evergreen_memorials"))
    for practice in ("Presence (social networking)", "Platform (social media)", "Purpose (social market leadership)"):
        assert f"{practice}: not yet practised" in text

"""The relationship-depth notebook runs under papermill for every sample brand, with SVG charts."""

from __future__ import annotations

import json

import pandas as pd
import papermill
import pytest

from conftest import svg_outputs, text_outputs
from socialkit.config import sample_path

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


def test_b2b_brand_is_limited_by_leadership(execute_notebook):
    nb = execute_notebook(NOTEBOOK, brand="northbridge_advisory")
    assert len(svg_outputs(nb)) >= 5
    text = text_outputs(nb)
    assert "Leadership engagement caps you at recommendable" in text
    assert "Business model caps" not in text
    assert "beyond readiness" in text


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
    assert len(svgs) >= 5 and all(s.lstrip().startswith("<svg") for s in svgs)
    text = text_outputs(nb)
    assert "Business model caps you at transparent" in text
    assert "Online design consultation" in text
    # no JavaScript or CDN in the outputs of a report run
    assert "cdn.jsdelivr" not in json.dumps(nb)


def test_a_flat_column_map_is_refused_because_the_notebook_reads_three_inputs(execute_notebook):
    with pytest.raises(papermill.PapermillExecutionError, match="must map each input kind"):
        execute_notebook(NOTEBOOK, column_map={"Department": "function"})

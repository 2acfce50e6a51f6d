"""Executive summary and brand comparison, on the sample brands and on partial inputs."""

import pytest

from socialkit import compare, config, io
from socialkit.summary import executive_summary


def _inputs(brand):
    load = lambda kind: io.load(config.sample_path(brand, kind), kind)  # noqa: E731
    return dict(initiatives=load("initiatives"), assessment=load("assessment"), readiness=load("readiness"),
                audience=io.read_table(config.sample_path(brand, "audience")),
                posts=io.load(config.sample_path(brand, "posts"), "posts", defaults={"channel": "all channels"}))


def test_memorials_summary_names_the_business_model_cap_and_the_desk():
    s = executive_summary(**_inputs("evergreen_memorials"))
    head = dict(zip(s.headline["measure"], s.headline["value"]))
    assert head["classification"] == "social media desk"
    assert head["segments"] == "3"
    depth = s.findings.where(area="Relationship depth")[0].text
    assert depth.startswith("Business model caps you at transparent")
    assert {f.area for f in s.next_steps} == {"Business functions", "Relationship depth", "Audience", "Measurement"}
    assert not s.notes and s.notes.markdown() == "All four analyses ran on the inputs given."


def test_partial_inputs_become_notes_not_errors():
    s = executive_summary(initiatives=_inputs("northbridge_advisory")["initiatives"])
    assert {f.area for f in s.findings} == {"Business functions"}
    assert len(s.notes) == 3 and "audience survey" in s.notes
    text = s.findings.markdown()
    assert text.startswith("**Business functions**") and "coordinated" in text


def test_brand_comparison_sections_are_escaped_tables_and_svg():
    sections = dict(compare.brand_comparison(["summit_outfitters", "evergreen_memorials"]))
    quadrant = sections["Scope vs value (Venn model)"]
    assert quadrant.startswith("<svg") and "summit_outfitters" in quadrant
    assert "business model caps you at transparent" in sections["How deep: relationship depth and its limits"]
    assert "<table" in sections["Measurement maturity: vanity to business metrics"]


@pytest.mark.notebook
@pytest.mark.parametrize("brand", ["summit_outfitters", "evergreen_memorials"])
def test_stakeholder_notebook_runs(execute_notebook, brand):
    from conftest import svg_outputs, text_outputs

    nb = execute_notebook("05_stakeholder_report", brand=brand)
    assert len(svg_outputs(nb)) == 4
    text = text_outputs(nb)
    assert "Business functions" in text and "Measurement" in text and "Audience" in text
    if brand == "evergreen_memorials":
        assert "social media desk" in text and "Business model caps you at transparent" in text

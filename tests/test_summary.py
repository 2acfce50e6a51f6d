"""Executive summary and brand comparison, on the sample brands and on partial inputs."""

import pytest

from socialkit import compare, config, io, metrics
from socialkit.summary import executive_summary, markdown_list


def _inputs(brand):
    load = lambda kind: io.load(config.sample_path(brand, kind), kind)  # noqa: E731
    return dict(initiatives=load("initiatives"), assessment=load("assessment"), readiness=load("readiness"),
                audience=io.read_table(config.sample_path(brand, "audience")),
                posts=metrics.prepare_posts(io.read_table(config.sample_path(brand, "posts"))))


def test_memorials_summary_names_the_business_model_cap_and_the_desk():
    s = executive_summary(**_inputs("evergreen_memorials"))
    head = dict(zip(s.headline["measure"], s.headline["value"]))
    assert head["classification"] == "social media desk"
    assert head["segments"] == "3"
    depth = s.findings[s.findings["area"] == "Relationship depth"]["finding"].iloc[0]
    assert depth.startswith("Business model caps you at transparent")
    assert set(s.next_steps["area"]) == {"Business functions", "Relationship depth", "Audience", "Measurement"}
    assert not s.notes


def test_partial_inputs_become_notes_not_errors():
    s = executive_summary(initiatives=_inputs("northbridge_advisory")["initiatives"])
    assert list(s.findings["area"].unique()) == ["Business functions"]
    assert len(s.notes) == 3 and any("audience" in n.lower() for n in s.notes)
    text = markdown_list(s.findings, "finding")
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

"""Executive summary and brand comparison, on the sample brands and on partial inputs."""

import pytest

from socialkit import compare, config, figures, io, params
from socialkit.summary import AREAS, executive_summary


def _inputs(brand):
    load = lambda kind: io.load(config.sample_path(brand, kind), kind)  # noqa: E731
    optional = {kind: params.linked_path({"brand": brand}, kind) for kind in ("practices", "trust")}
    return dict(initiatives=load("initiatives"), assessment=load("assessment"), readiness=load("readiness"),
                audience=io.read_table(config.sample_path(brand, "audience")),
                posts=io.load(config.sample_path(brand, "posts"), "posts", defaults={"channel": "all channels"}),
                objectives=load("objectives"),
                **{kind: io.load(path, kind) if path else None for kind, path in optional.items()})


def test_memorials_summary_names_the_business_model_cap_and_the_desk():
    s = executive_summary(**_inputs("evergreen_memorials"))
    head = dict(zip(s.headline["measure"], s.headline["value"]))
    assert head["classification (on measurable value)"] == "social media desk"
    assert head["measurable value (goal + business KPI)"] == "9%"
    assert head["delivered value (linked business objectives met)"] == "0%"
    assert head["norm x audience cells with an initiative"] == "2 of 12"
    assert head["purpose"] == "not yet (12%)" and head["objectives met"] == "0 of 4"
    assert head["segments"] == "3"
    depth = s.findings.where(area="Relationship depth")[0].text
    assert depth.startswith("Business model caps you at transparent")
    assert {f.area for f in s.next_steps} == set(AREAS)
    steps = s.next_steps.markdown()
    assert 'Is "brand love" a business result or a vanity number?' in steps  # asked, not counted
    assert "Replies to Google reviews is behind on \"Enquiries from social\"" in steps  # the improve step
    assert "Purpose (social market leadership): start with PU1" in steps
    # no trust file: one line in the notes, not a headline finding
    assert not any("trust" in f.text.lower() for f in s.findings)
    assert [f.text for f in s.notes] == [n.text for n in s.notes if n.text.startswith("Trust is not measured")]
    assert len(s.notes) == 1
    assumed = " ".join(f.text for f in s.assumptions)
    assert "venn_thresholds.csv, kit assumption" in assumed and "pass score" in assumed
    assert "depth_practices.csv, kit assumption" in assumed and "within 10% of its target" in assumed


def test_a_brand_with_trust_reports_it_as_a_finding():
    s = executive_summary(**_inputs("summit_outfitters"))
    assert "Trust: NPS 47 in 2026-Q1." in [f.text for f in s.findings.where(area="Measurement")]
    assert not any("Trust" in f.text for f in s.notes)
    assert (s.improvements["action"] == "link").sum() == 1 and "Customers recommend us" in set(s.objectives["objective"])


def test_partial_inputs_become_notes_not_errors():
    s = executive_summary(initiatives=_inputs("northbridge_advisory")["initiatives"])
    assert {f.area for f in s.findings} == {"Business functions"}
    assert len(s.notes) == 4 and "audience survey" in s.notes and "presence / platform / purpose" in s.notes
    text = s.findings.markdown()
    assert text.startswith("**Business functions**") and "coordinated" in text
    assert "delivered value is not measured" in text
    objectives_only = executive_summary(objectives=_inputs("northbridge_advisory")["objectives"])
    assert "Objectives were given without posts" in objectives_only.notes


def _figures(brand, **extra):
    """The figures a stakeholder report of ``brand`` records (notebook 05: sk.figures.summary)."""
    inputs = {k: v for k, v in _inputs(brand).items() if k in ("initiatives", "assessment", "readiness", "objectives")}
    posts = _inputs(brand)["posts"]
    return {"organisation": params.brand_label(brand),
            **figures.summary(executive_summary(posts=posts, **inputs), posts=posts), **extra}


def test_brand_comparison_shows_the_recorded_figures_as_escaped_tables_and_svg():
    got = {b: _figures(b, period="2025-Q4") for b in ("summit_outfitters", "evergreen_memorials")}
    got["acme"] = {"organisation": "<b>Acme</b> & Co", "venn.scope": 0.25, "venn.measurable_value": 0.5,
                   "venn.integration": 0.1, "venn.classification": "tactical"}  # reports 01 only
    sections = dict(compare.brand_comparison(got))
    quadrant = sections["Scope vs value (Venn model)"]
    assert quadrant.startswith("<svg") and "Summit Outfitters" in quadrant and "&lt;b&gt;Acme" in quadrant
    sv = compare.scope_value(got).set_index("brand")
    assert sv.loc["Summit Outfitters", "scope"] == got["summit_outfitters"]["venn.scope"]
    assert sv.loc["<b>Acme</b> & Co", "scope"] == 0.25
    depth = sections["How deep: relationship depth and its limits"]
    assert "business model caps you at transparent" in depth and "Acme" not in depth  # no depth recorded
    assert got["evergreen_memorials"]["depth.limit"] == "business model caps you at transparent"
    measured = sections["Measurement maturity: vanity to business metrics"]
    assert "<table" in measured and "2025-Q4" in measured and "<b>" not in measured
    rows = compare.measurement_table(got).set_index("brand")
    assert rows.loc["Evergreen Memorials", "top finding"] == got["evergreen_memorials"]["metrics.top_finding"]
    assert rows.loc["Summit Outfitters", "rungs with business metrics"] == got["summit_outfitters"]["metrics.business_rungs"]
    assert all(html.count("<table") == 1 for html in sections.values())  # the index page is wide: no table split
    # one brand with a section's figures is no comparison: the section is left out
    assert [t for t, _ in compare.brand_comparison({"a": got["acme"], "b": {"depth.overall_level": "findable"}})] == []


def test_brands_are_labelled_by_their_recorded_organisation_name():
    names = compare.labels({"a": {"organisation": "Acme"}, "b": {"organisation": "Acme"}, "c": {},
                            "d": {"organisation": compare.UNNAMED}, "e": {"organisation": "Globex"}})
    assert names == {"a": "Acme (a)", "b": "Acme (b)", "c": "c", "d": "d", "e": "Globex"}


@pytest.mark.notebook
@pytest.mark.parametrize("brand", ["summit_outfitters", "northbridge_advisory", "evergreen_memorials"])
def test_stakeholder_notebook_runs(execute_notebook, brand):
    from conftest import svg_outputs, table_of, text_outputs

    nb = execute_notebook("05_stakeholder_report", brand=brand)
    assert len(svg_outputs(nb)) == 6
    text = text_outputs(nb)
    assert "Business functions" in text and "Measurement" in text and "Audience" in text
    # the norm x audience grid, presence / platform / purpose, the objective -> initiative link and improve steps
    assert "Collective intelligence" in text and "opportunity" in text
    assert "Purpose (social market leadership)" in text and "Presence (social networking)" in text
    improve = table_of(nb, "sk.present.table(summary.improvements")
    assert {"Objective", "Initiative", "Action", "Recommendation"} <= set(improve.columns)
    assert "Name the initiative that deploys" in text  # every brand has one unlinked objective
    # the first page: the at-a-glance table and at most eight headline bullets, then a page break
    glance = table_of(nb, "sk.present.table(summary.headline")
    assert list(glance.columns) == ["Area", "Measure", "Result"] and "Business functions" in set(glance["Area"])
    headlines = [c for c in nb.cells if c.cell_type == "code" and c.source.strip() == "summary.headlines()"][0]
    bullets = headlines.outputs[0]["data"]["text/markdown"].count("\n- ") + 1
    assert 4 <= bullets <= 8 and "page-break-after" in headlines.metadata["tags"]
    assert "venn_thresholds.csv, kit assumption" in text  # the notes list the assumptions
    if brand == "evergreen_memorials":
        assert "social media desk" in text and "Business model caps you at transparent" in text
        assert "Trust is not measured" in text
    if brand == "summit_outfitters":
        assert "Trail community forum meets" in text and "Trust: NPS 47" in text

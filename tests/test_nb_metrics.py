"""notebooks/04_vanity_to_value.ipynb under papermill: the default brand, every sample brand, explicit
paths, and a page export with no dates, no channel and no business outcomes."""

from __future__ import annotations

import importlib.util

import nbformat
import pytest

from socialkit.config import NOTEBOOKS_DIR, SAMPLES_DIR
from socialkit.params import notebook_parameters

from conftest import DATA_DIR, svg_outputs, table_of, text_outputs
from socialkit.exceptions import SocialKitError

NB = "04_vanity_to_value"
PAGE = DATA_DIR / "posts"


def _errors(nb) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _column_map() -> dict:
    spec = importlib.util.spec_from_file_location("make_page_export", PAGE / "make_page_export.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(mod.COLUMN_MAP)


def test_notebook_is_committed_clean_with_documented_parameters():
    nb = nbformat.read(NOTEBOOKS_DIR / f"{NB}.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert all("def " not in c.source and "class " not in c.source for c in nb.cells if c.cell_type == "code")
    params = notebook_parameters(NB)
    assert {"brand", "posts_path", "objectives_path", "initiatives_path", "trust_path", "column_map", "interactive",
            "channel"} <= set(params)
    assert all(p.help for p in params.values())


@pytest.mark.notebook
def test_default_brand(execute_notebook):
    nb = execute_notebook(NB)
    assert not _errors(nb)
    text = text_outputs(nb)
    assert "measuring vanity only" not in text
    assert "Trend:" in text and "Trend skipped" not in text
    assert "predict value" in text
    assert "Lift Instagram engagement" in text
    # the loop closed: objective -> initiative, improve steps, trust, and the notes
    assert "Next: Trail community forum meets" in text and "re-aim" in text and "Name the initiative" in text
    assert "Trust: NPS 47 in 2026-Q1" in text and "Trust is not measured" not in text
    assert any("Trust, measured for the organisation" in s for s in svg_outputs(nb))
    assert "within 10% of its target" in text
    assert len(svg_outputs(nb)) >= 10


@pytest.mark.notebook
def test_period_month_is_refused_and_the_error_names_trend_by(execute_notebook):
    with pytest.raises(SocialKitError) as err:
        execute_notebook(NB, period="month")
    assert "trend_by" in str(err.value) and "reporting period" in str(err.value)


@pytest.mark.notebook
def test_memorials_brand(execute_notebook):
    nb = execute_notebook(NB, brand="evergreen_memorials")
    text = text_outputs(nb)
    assert "Sparse outcome: orders" in text
    assert "posts had zero reach" in text
    assert "Families joining the remembrance group: not measured" in text
    assert "Trust is not measured" in text and "Nobody measures trust" not in text
    assert "Replies to Google reviews is behind" in text and "1:1 real-time customer service" in text
    assert len(svg_outputs(nb)) >= 10


@pytest.mark.notebook
def test_explicit_paths(execute_notebook):
    folder = SAMPLES_DIR / "northbridge_advisory"
    nb = execute_notebook(NB, posts_path=str(folder / "posts.csv"), objectives_path=str(folder / "objectives.csv"),
                          ci_method="bootstrap")
    text = text_outputs(nb)
    assert "Conversations on LinkedIn" in text
    assert "On linkedin, comments" in text
    # explicit posts and objectives: the sample initiatives are not assumed, the step says so
    assert "read the initiatives file too (initiatives_path)" in text


@pytest.mark.notebook
def test_page_export_vanity_only_and_skipped_trend(execute_notebook):
    nb = execute_notebook(NB, posts_path=str(PAGE / "page_export.csv"), column_map=_column_map(), channel="facebook",
                          objectives_path=str(PAGE / "page_objectives.csv"))
    assert not _errors(nb)
    text = text_outputs(nb)
    assert "You are measuring vanity only" in text
    assert "Trend skipped" in text and "month column has no year" in text
    assert "Nothing to correlate" in text
    assert "Enquiries from the page: not measured" in text
    assert "the column &#x27;Page Fans&#x27; looks like followers" in text or "'Page Fans' looks like followers" in text
    assert "facebook" in text
    svgs = svg_outputs(nb)
    assert len(svgs) >= 10  # every chart cell still renders (notes in place of empty charts)
    assert any("Monday" in s for s in svgs)  # rates by weekday replace the trend


@pytest.mark.notebook
def test_page_export_without_objectives_or_channel(execute_notebook):
    nb = execute_notebook(NB, posts_path=str(PAGE / "page_export.csv"), column_map=_column_map())
    text = text_outputs(nb)
    assert "No objectives defined" in text
    assert "all channels" in text


EXPORTS = DATA_DIR / "exports"


@pytest.mark.parametrize("posts_path", [str(EXPORTS / "x_2021"), str(EXPORTS / "x_2021" / "tweet_activity_metrics_*.csv")],
                         ids=["folder", "glob"])
def test_monthly_x_exports_as_they_come(execute_notebook, posts_path):
    """Eleven monthly X exports, one month missing, overlapping downloads, +0000 times, promoted columns:
    read with no column_map, the preset named, the missing month reported, the overlap counted once,
    no warning anywhere (the fixture checks every output)."""
    nb = execute_notebook(NB, posts_path=posts_path, timezone="Europe/Berlin")
    assert not _errors(nb)
    text = text_outputs(nb)
    assert "11 files were read and stacked" in text and "X (Twitter) analytics per-tweet export" in text
    assert "posts exported in more than one file counted once" in text
    assert "2021-05: no posts in the files" in text and "missing export" in text
    assert "Warning" not in text
    trend = [s for s in svg_outputs(nb) if "per period" in s]
    assert trend and "no posts" in trend[0]  # the gap is drawn, not bridged
    preview = table_of(nb, "sk.present.table(sk.metrics.preview(posts)")
    assert {"Post", "Date", "Channel", "Impressions", "Engagements"} <= set(preview.columns)
    assert set(preview["Channel"]) == {"x"}
    paid = table_of(nb, "by_paid = ")
    assert {"organic", "paid"} <= set(paid["Paid or organic"])  # promoted columns split paid from organic


def test_a_facebook_page_export_with_no_dates(execute_notebook):
    nb = execute_notebook(NB, posts_path=str(EXPORTS / "facebook_metrics.csv"))
    assert not _errors(nb)
    text = text_outputs(nb)
    assert "Facebook page insights export" in text and "Trend skipped" in text
    assert "day 1" in text  # weekdays kept as the export numbers them

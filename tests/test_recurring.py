"""Recurring reporting with the real notebooks: the sample brands run for two consecutive quarters
(notebooks 01, 04 and 05, as a quarterly batch would), the figures stored in the run history checked
against the same figures computed here from the sample files, the comparison shown in the reports,
on the index page and by ``socialkit history``; then a third run with a changed input shows the
change. The period grammar and the tests of change are unit-tested in test_periods.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from socialkit import config, history, io, metrics
from socialkit.batch import jobs_from_spec, make_engine, run_batch

from conftest import table_of

ROOT = Path(__file__).resolve().parents[1]
BRANDS = ["summit_outfitters", "northbridge_advisory"]
NOTEBOOKS = ["04_vanity_to_value", "05_stakeholder_report", "01_social_business_venn"]

pytestmark = pytest.mark.notebook


def quarter(reports: Path, period: str, *, notebooks=NOTEBOOKS, brands=BRANDS, reports_rows=None):
    spec = {"run": period, "export": ["html"], "notebooks": notebooks, "brands": brands,
            "parameters": {"period": period, "interactive": False}}
    if reports_rows is not None:
        spec = {"run": period, "export": ["html"], "parameters": {"period": period, "interactive": False},
                "reports": reports_rows}
    # one report after another in this process, in the kernels forked from its zygote (the engines
    # themselves are tested in test_batch.py; here what matters is what each run stores and shows)
    summary = run_batch(jobs_from_spec(spec, reports_dir=reports), engine=make_engine("serial"))
    assert not summary.failed, [(r.label, r.error) for r in summary.failed]
    assert summary.history.ok, summary.history.problem
    return summary


def period_rates(brand: str, period: str) -> dict[str, float]:
    """Every rate of a brand's sample posts in one period, computed here, not read from a report."""
    posts = io.load(config.sample_path(brand, "posts"), "posts", defaults={"channel": "all channels"})
    window = metrics.select_period(posts, period)
    overall = metrics.rates(window.posts, by="all")
    return {"posts": len(window.posts), **{r.rate: r.value for r in overall.itertuples()}}


def sk(*args):
    return subprocess.run([sys.executable, "-m", "socialkit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env={**os.environ, "COLUMNS": "200"})


def executed(reports: Path, run: str, brand: str, notebook: str):
    return nbformat.read(reports / run / brand / f"{notebook}.ipynb", as_version=4)


def test_two_quarters_are_stored_compared_in_every_report_and_a_changed_input_shows_the_change(tmp_path):
    reports = tmp_path / "reports"
    quarter(reports, "2025-Q3")
    quarter(reports, "2025-Q4")
    q3 = {b: period_rates(b, "2025-Q3") for b in BRANDS}
    q4 = {b: period_rates(b, "2025-Q4") for b in BRANDS}

    # the stored figures are the period's, computed independently here
    with history.open(reports / "history.duckdb") as h:
        runs = h.runs(report="04_vanity_to_value")
        assert sorted(zip(runs["run"], runs["brand"])) == sorted((q, b) for q in ("2025-Q3", "2025-Q4") for b in BRANDS)
        for r in runs.itertuples():
            want = (q3 if r.run == "2025-Q3" else q4)[r.brand]
            assert (r.period, r.period_length, r.figures["period"]) == (r.run, "quarter", r.run)
            assert r.figures["metrics.posts"] == want["posts"]
            for rate in ("engagement_rate_reach", "click_through_rate", "revenue_per_1000_reach"):
                assert r.figures[f"metrics.rate.{rate}"] == pytest.approx(want[rate]), (r.run, r.brand, rate)
        whole = h.runs(report="01_social_business_venn")
        assert len(whole) == 4 and whole["period"].isna().all()  # 01 reads no dates: whole-file runs

    # notebook 04 for 2025-Q4 names 2025-Q3 and reports the change of each rate it can measure
    nb = executed(reports, "2025-Q4", "summit_outfitters", "04_vanity_to_value")
    text = json.dumps(nb.dict())
    assert "Compared with the previous period, **2025-Q3**" in text and "Against 2025-Q3 (the previous period)" in text
    changes = table_of(nb, "sk.present.table(sk.metrics.comparison.view(rate_changes)")
    measured = [k for k, v in q4["summit_outfitters"].items() if k != "posts" and not pd.isna(v)]
    assert len(changes) == len(measured)  # 2024-Q4 has no posts: one comparison only
    assert "Against 2025-Q3, the previous period" in text and "Against 2024-Q4" not in text
    labels = dict(zip(changes["Figure"], changes["Change"]))
    er = q4["summit_outfitters"]["engagement_rate_reach"] - q3["summit_outfitters"]["engagement_rate_reach"]
    assert labels["Engagement rate (reach)"] == f"{'▲' if er > 0 else '▼'} {er:+.2f} pt"
    assert {"95 % interval", "Reading"} <= set(changes.columns)
    assert set(changes["Reading"]) <= {"within noise", "beyond noise"}

    # the stakeholder report compares with the previous report in the history
    nb = executed(reports, "2025-Q4", "summit_outfitters", "05_stakeholder_report")
    since = table_of(nb, "changed = sk.history.what_changed(")
    assert {"Figure", "Previous report", "This report", "Change"} <= set(since.columns)
    row = since.set_index("Figure").loc["Engagement rate (reach), %"]
    assert row["Previous report"] == history.format_value("metrics.rate.engagement_rate_reach",
                                                           q3["summit_outfitters"]["engagement_rate_reach"])
    assert row["This report"] == history.format_value("metrics.rate.engagement_rate_reach",
                                                       q4["summit_outfitters"]["engagement_rate_reach"])
    assert row["Change"].startswith("▼" if er < 0 else "▲")
    assert "Compared with the previous run 2025-Q3, period 2025-Q3" in json.dumps(nb.dict())
    first = json.dumps(executed(reports, "2025-Q3", "summit_outfitters", "05_stakeholder_report").dict())
    assert "first run of this report for this organisation" in first

    # the index page: what changed per brand and report, against the previous run
    page = (reports / "2025-Q4" / "index.html").read_text(encoding="utf-8")
    part = page[page.index("<h3>summit_outfitters</h3>"):]
    part = part[part.index("04_vanity_to_value (2025-Q4)"):]
    assert "Against the previous run 2025-Q3, period 2025-Q3" in part[:400]
    assert "Engagement rate (reach), %" in part[:part.index("</table>")]

    # socialkit history lists both quarters with their periods
    listing = sk("history", "--reports-dir", reports, "--brand", "summit_outfitters", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert {(r["run"], r["report"], r["period"]) for r in rows} >= {
        ("2025-Q3", "04_vanity_to_value", "2025-Q3"), ("2025-Q4", "04_vanity_to_value", "2025-Q4"),
        ("2025-Q4", "01_social_business_venn", None)}

    # a third run with a changed input: fewer initiatives, and notebook 01 says what changed
    own = tmp_path / "initiatives.csv"
    pd.read_csv(config.sample_path("summit_outfitters", "initiatives")).head(3).to_csv(own, index=False)
    quarter(reports, "2026-Q1", reports_rows=[{"notebook": "01_social_business_venn", "brand": "summit_outfitters",
                                               "parameters": {"initiatives_path": str(own)}}])
    nb = executed(reports, "2026-Q1", "summit_outfitters", "01_social_business_venn")
    since = table_of(nb, "changed = sk.history.what_changed(").set_index("Figure")
    assert since.loc["Venn scope", "Change"].startswith("▼") and "no change" not in since.loc["Venn scope", "Change"]
    assert "Compared with the previous run 2025-Q4" in json.dumps(nb.dict())
    before = executed(reports, "2025-Q4", "summit_outfitters", "01_social_business_venn")
    assert table_of(before, "changed = sk.history.what_changed(").set_index("Figure").loc["Venn scope", "Change"] == \
        "= no change"

"""Run history with real notebook runs: consecutive periods stored by batch runs, the notebook reading
the previous run while it executes, a changed input showing up as a change (index page, ``socialkit
history --compare``), ``socialkit run`` storing a real report, and a history that cannot be written
leaving every report in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from notebook_text import printed

from socialkit import config, history, io, venn
from socialkit.batch import SerialEngine, jobs_from_spec, run_batch

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "tests/data/notebooks/history_demo.ipynb")
BRANDS = ["summit_outfitters", "northbridge_advisory"]

pytestmark = pytest.mark.notebook


def sk(*args, env=None):
    return subprocess.run([sys.executable, "-m", "socialkit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env={**os.environ, "COLUMNS": "200", **(env or {})})


def expected_figures(initiatives: pd.DataFrame) -> dict:
    """What history_demo records, computed here from the same file."""
    result = venn.analyse(initiatives)
    ms = result.measures
    return {"venn.scope": ms["scope"], "venn.integration": ms["integration"],
            "venn.measurable_value": ms["measurable_value"], "venn.classification": result.classification,
            "segments.sizes.explorers": int(ms["initiatives"]) * 10, "segments.sizes.loyalists": 40}


def batch(reports: Path, period: str, *, extra=None, history_url=None):
    spec = {"run": period, "export": ["html"], "notebooks": [DEMO], "brands": BRANDS, "parameters": {"period": period}}
    if extra:
        spec = {**spec, "brands": [b for b in BRANDS if b not in extra], "reports": [
            {"notebook": DEMO, "brand": b, "parameters": {"period": period, **p}} for b, p in extra.items()]}
    jobs = jobs_from_spec(spec, reports_dir=reports)
    return run_batch(jobs, engine=SerialEngine(), history_url=history_url)


def brand_section(page: str, brand: str) -> str:
    """The index page's "what changed" part for one brand."""
    start = page.index(f"<h3>{brand}</h3>")
    ends = [i for i in (page.find("<h3>", start + 1), page.find("<h2>", start)) if i > 0]
    return page[start:min(ends) if ends else None]


def changed_initiatives(tmp_path: Path) -> Path:
    """summit_outfitters' initiatives with every initiative but the first three removed: a smaller
    scope the next report must show as a change."""
    src = config.sample_path("summit_outfitters", "initiatives")
    df = pd.read_csv(src)
    out = tmp_path / "initiatives_2026.csv"
    df.head(3).to_csv(out, index=False)
    return out


def test_consecutive_periods_are_stored_compared_and_a_changed_input_shows_the_change(tmp_path):
    reports = tmp_path / "reports"
    url = reports / "history.duckdb"
    samples = {b: io.load(config.sample_path(b, "initiatives"), "initiatives") for b in BRANDS}

    first = batch(reports, "2025-Q3")
    assert not first.failed, [r.error for r in first.failed]
    assert first.history.ok and first.history.run == "2025-Q3" and first.history.reports == 2, first.history.problem
    second = batch(reports, "2025-Q4")
    assert second.history.ok and second.history.run == "2025-Q4", second.history.problem

    # the stored figures are the notebook's, for each brand and period
    with history.open(url) as h:
        runs = h.runs()
        assert len(runs) == 4 and set(runs["status"]) == {"ok"}
        for r in runs.itertuples():
            for k, v in expected_figures(samples[r.brand]).items():
                assert r.figures[k] == (pytest.approx(v) if isinstance(v, float) else v), (r.run, r.brand, k)
            assert r.period == r.run and r.period_length == "quarter" and r.figures["period"] == r.run
            assert r.finished_at >= r.started_at
        params = json.loads(h._db.query("SELECT parameters FROM reports LIMIT 1")[0]["parameters"])
        assert params["period"] in ("2025-Q3", "2025-Q4")
        assert h.previous("summit_outfitters", "history_demo", period="2025-Q4")["venn.scope"] == pytest.approx(
            expected_figures(samples["summit_outfitters"])["venn.scope"])

    # the second run's notebook read the first run's figures while it executed (through the batch's history)
    executed = printed(reports / "2025-Q4" / "summit_outfitters" / "history_demo.ipynb")
    scope = expected_figures(samples["summit_outfitters"])["venn.scope"]
    assert f"previous scope: {scope}" in executed
    assert "Compared with the previous run 2025-Q3, period 2025-Q3, finished" in executed
    first_nb = printed(reports / "2025-Q3" / "summit_outfitters" / "history_demo.ipynb")
    assert "previous scope: none" in first_nb and "first run of this report" in first_nb

    # the index of the second run compares with the first: same data, so no change
    page = (reports / "2025-Q4" / "index.html").read_text()
    changed = page[page.index("What changed"):]
    assert "Against the previous run 2025-Q3, period 2025-Q3" in changed and "= no change" in changed
    cells = changed[:changed.index("Trends")]
    assert 'class="good"' not in cells and 'class="bad"' not in cells and "stored as run" in page

    # a third run, through the command line and worker processes, with a changed initiatives file
    own = changed_initiatives(tmp_path)
    manifest = tmp_path / "q1.yml"
    manifest.write_text(f"run: 2026-Q1\nexport: [html]\nparameters: {{period: 2026-Q1}}\nreports:\n"
                        f"  - {{notebook: {DEMO}, brand: summit_outfitters, parameters: {{initiatives_path: {own}}}}}\n"
                        f"  - {{notebook: {DEMO}, brand: northbridge_advisory}}\n")
    res = sk("batch", manifest, "--workers", "2", "--reports-dir", reports)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "history: 2 reports stored as run '2026-Q1'" in " ".join(res.stdout.split())
    now = expected_figures(io.load(own, "initiatives"))
    executed = printed(reports / "2026-Q1" / "summit_outfitters" / "history_demo.ipynb")
    assert f"previous scope: {scope}" in executed  # worker processes' kernels read the history too
    page = (reports / "2026-Q1" / "index.html").read_text()
    summit = brand_section(page, "summit_outfitters")
    assert "Against the previous run 2025-Q4, period 2025-Q4" in summit
    assert now["venn.scope"] < scope and '<td class="bad">\u25bc down' in summit
    assert page.count("<svg") >= 1 and "<script" not in page

    # socialkit history lists the three runs; --compare shows what changed and why (the input file)
    listing = sk("history", "--reports-dir", reports, "--brand", "summit_outfitters")
    assert listing.returncode == 0, listing.stderr
    for name in ("2025-Q3", "2025-Q4", "2026-Q1"):
        assert name in listing.stdout
    diff = sk("history", "--reports-dir", reports, "--compare", "2025-Q4", "2026-Q1", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    rows = json.loads(diff.stdout)
    summit_rows = {r["figure"]: r for r in rows if r["brand"] == "summit_outfitters"}
    assert summit_rows["venn.scope"]["2026-Q1"] == history.format_value("venn.scope", now["venn.scope"])
    assert summit_rows["venn.scope"]["change"].startswith("-")
    assert summit_rows["input: initiatives"]["change"] == "file contents changed"
    assert not [r for r in rows if r["brand"] == "northbridge_advisory" and not r["figure"].startswith("period")]


def test_a_history_that_cannot_be_written_leaves_every_report_written_and_says_why(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    url = str(blocker / "history.duckdb")
    summary = batch(tmp_path / "reports", "2025-Q4", history_url=url)
    assert not summary.failed
    assert not summary.history.ok and "unreachable" in summary.history.problem
    for brand in BRANDS:
        assert (tmp_path / "reports" / "2025-Q4" / brand / "history_demo.html").is_file()
    page = (tmp_path / "reports" / "2025-Q4" / "index.html").read_text()
    assert "history not written (every report is)" in page and "not a folder" in page

    # the command line: exit 0 (the report is written), a warning that says why
    out = tmp_path / "run" / "demo.ipynb"
    res = sk("run", DEMO, "-p", "period", "2025-Q4", "-o", out, "--history", url)
    assert res.returncode == 0, res.stderr
    assert out.with_suffix(".html").is_file()
    err = " ".join(res.stderr.split())
    assert "warning: history not written (every report is)" in err and "is unreachable" in err
    # --no-history stores nothing anywhere
    res = sk("run", DEMO, "-o", tmp_path / "quiet" / "demo.ipynb", "--reports-dir", tmp_path / "quiet",
             "--no-history")
    assert res.returncode == 0 and not (tmp_path / "quiet" / "history.duckdb").exists()
    assert "stored as run" not in res.stdout and "history" not in res.stderr


def test_socialkit_run_stores_a_real_report_with_its_inputs_and_a_failed_run_too(tmp_path):
    reports = tmp_path / "reports"
    res = sk("run", "01_social_business_venn", "-p", "brand", "northbridge_advisory", "-p", "compare_brands", "[]",
             "--reports-dir", reports, "--run", "monthly")
    assert res.returncode == 0, res.stderr
    assert "history: 1 report stored as run 'monthly'" in " ".join(res.stdout.split())
    with history.open(reports / "history.duckdb") as h:
        row = h.runs().iloc[0]
        assert (row["run"], row["brand"], row["report"], row["status"]) == (
            "monthly", "northbridge_advisory", "01_social_business_venn", "ok")
        assert row["figures"]["organisation"] == "Northbridge Advisory"
        assert 0 <= row["figures"]["venn.scope"] <= 1 and row["figures"]["venn.classification"]
        inputs = {i["kind"]: i for i in h.inputs(row["report_id"])}
        assert inputs["initiatives"]["file"] == "sample data: northbridge_advisory/initiatives.csv"
        assert len(inputs["initiatives"]["fingerprint"]) == 16
    bad = sk("run", DEMO, "-p", "initiatives_path", str(tmp_path / "missing.csv"), "--reports-dir", reports)
    assert bad.returncode == 1  # a bad parameter stops before anything runs: nothing to store
    broken = tmp_path / "broken.csv"
    broken.write_text("initiative,goal\nOnly a name,grow\n")  # no functions column: the notebook fails
    failed = sk("run", DEMO, "-p", "initiatives_path", broken, "--reports-dir", reports, "--run", "monthly")
    assert failed.returncode == 1 and "history: 1 report stored as run 'monthly@" in " ".join(failed.stdout.split())
    with history.open(reports / "history.duckdb") as h:
        last = h.runs().iloc[-1]
        assert last["status"] == "failed" and last["error"] and last["report"] == "history_demo"

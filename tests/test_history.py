"""Run history on the embedded DuckDB file: storing figures, reading them back (previous run, series,
compare), the layout version and its migration, a history that cannot be written, the index page's
"what changed" and trends, and the ``socialkit history`` command. No notebook runs here (see
tests/test_history_runs.py); figures come in as executed notebooks carry them (scrapbook scraps)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkit import __version__, history, records
from socialkit.batch import Job
from socialkit.exceptions import HistoryError
from socialkit.history import ReportRecord
from socialkit.history.backend import Backend
from socialkit.history.figures import decode, encode

ROOT = Path(__file__).resolve().parents[1]
VENN = "01_social_business_venn"
METRICS = "04_vanity_to_value"


def sk(*args, cwd=ROOT, env=None):
    import os

    return subprocess.run([sys.executable, "-m", "socialkit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env={**os.environ, "COLUMNS": "200", **(env or {})})


def venn_figures(scope, measurable, delivered, cls, sizes=None, **extra):
    figures = {"organisation": "Summit Outfitters", "venn.scope": scope, "venn.measurable_value": measurable,
               "venn.delivered_value": delivered, "venn.classification": cls}
    if sizes:
        figures["segments.sizes"] = sizes
    return {**figures, **extra}


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day) + timedelta(hours=hour)


def store(url, name, reports, started):
    stored = history.store(name, reports, url=url, started=started, finished=started + timedelta(minutes=5))
    assert stored.ok, stored.problem
    return stored


# --------------------------------------------------------------------------- figures


def test_changes_say_how_each_figure_moved_and_which_way_is_better():
    before = {"venn.scope": 0.5, "venn.classification": "coordinated", "metrics.rate.cost_per_lead": 2.0,
              "segments.sizes": {"explorers": 120, "loyalists": 80}, "objectives.met": 3, "organisation": "X",
              "ladder.coverage": 0.4}
    after = {"venn.scope": 0.625, "venn.classification": "social business", "metrics.rate.cost_per_lead": 2.5,
             "segments.sizes": {"explorers": 150}, "objectives.met": 3, "organisation": "X",
             "metrics.rate.engagement_rate_reach": 3.4, "metrics.rate.engagement_rate_followers": 0.96}
    table = history.changes(after, before).set_index("figure")
    assert "organisation" not in table.index  # a report's name is not a key figure
    scope = table.loc["venn.scope"]
    assert (scope["previous"], scope["now"], scope["change"], scope["direction"], scope["tone"]) == (
        "50%", "62%", "+12.5 pp", "up", "good")
    cost = table.loc["metrics.rate.cost_per_lead"]
    assert cost["direction"] == "up" and cost["tone"] == "bad" and cost["change"] == "+0.5 (+25%)"
    assert table.loc["venn.classification", "change"] == "coordinated -> social business"
    assert table.loc["segments.sizes.explorers", "change"] == "+30 (+25%)"
    assert table.loc["segments.sizes.explorers", "tone"] == "neutral"  # a bigger segment is neither good nor bad
    assert table.loc["segments.sizes.loyalists", "direction"] == "gone"
    assert table.loc["metrics.rate.engagement_rate_reach", "direction"] == "new"
    # rates are in their own unit (3.4 means 3.4 %), so a rate under 1 is never shown as a share
    assert table.loc["metrics.rate.engagement_rate_reach", "now"] == "3.4"
    assert table.loc["metrics.rate.engagement_rate_followers", "now"] == "0.96"
    assert table.loc["metrics.rate.engagement_rate_followers", "label"] == "Engagement rate (followers), %"
    assert table.loc["objectives.met", "direction"] == "same"
    assert table.loc["ladder.coverage", "direction"] == "gone"
    # known figures come first, in the kit's order
    assert list(table.index[:2]) == ["venn.scope", "venn.classification"]


def test_every_kind_of_recorded_value_comes_back_as_it_was_recorded(tmp_path):
    url = tmp_path / "h.duckdb"
    figures = {"venn.scope": np.float64(0.75), "segments.k": np.int64(4), "objectives.all_met": True,
               "segments.structure": "weak", "segments.names": ["Explorers", "Loyalists"],
               "venn.delivered_value": float("nan"), "depth.overall_level": None,
               "segments.sizes": {"Explorers": 120, "Loyal fans": {"core": 30, "edge": 5}}}
    store(url, "r", [ReportRecord("summit_outfitters", VENN, figures=figures)], at("2025-10-01"))
    with history.open(url) as h:
        got = h.runs().iloc[0]["figures"]
    assert got == {"venn.scope": 0.75, "segments.k": 4, "objectives.all_met": True, "segments.structure": "weak",
                   "segments.names": ["Explorers", "Loyalists"], "venn.delivered_value": None,
                   "depth.overall_level": None, "segments.sizes.Explorers": 120,
                   "segments.sizes.Loyal fans.core": 30, "segments.sizes.Loyal fans.edge": 5}
    assert isinstance(got["segments.k"], int) and isinstance(got["objectives.all_met"], bool)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 12, 10 ** 12),
                     st.floats(allow_nan=False, allow_infinity=False, width=64), st.text(max_size=40))
_names = st.text(st.characters(categories=["L", "N"], include_characters="_ -"), min_size=1, max_size=12).filter(
    lambda n: "." not in n)
_figures = st.dictionaries(_names, st.one_of(_scalars, st.lists(st.integers(0, 9), max_size=3),
                                             st.dictionaries(_names, _scalars, max_size=3)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_figures)
def test_any_recorded_figures_come_back_flattened_and_unchanged(figures):
    flat = history.flatten(figures)
    back = {name: decode(*encode(value)) for name, value in flat.items()}
    assert back == {n: (list(v) if isinstance(v, (list, tuple)) else v) for n, v in flat.items()}
    for name, value in back.items():
        assert type(value) is type(flat[name]) or value is None


# --------------------------------------------------------------------------- previous, series, compare


@pytest.fixture
def quarters(tmp_path):
    """A history of two brands: 2025-Q3 and 2025-Q4 quarterly runs, a monthly run, a failed run and a
    late re-run of 2025-Q3 (inputs changed)."""
    url = tmp_path / "reports" / "history.duckdb"
    inputs = [{"kind": "initiatives", "file": "sample data: summit_outfitters/initiatives.csv", "fingerprint": "a" * 16}]
    store(url, "2025-Q3", [
        ReportRecord("summit_outfitters", VENN, figures=venn_figures(0.5, 0.4, 0.2, "coordinated", period="2025-Q3"),
                     period="2025-Q3", inputs=inputs),
        ReportRecord("northbridge_advisory", VENN, figures=venn_figures(0.3, 0.2, None, "social media desk"),
                     period="2025-Q3")], at("2025-10-02"))
    store(url, "2025-Q4", [
        ReportRecord("summit_outfitters", VENN, figures=venn_figures(0.7, 0.45, 0.3, "social business"),
                     period="2025-Q4", inputs=[{**inputs[0], "fingerprint": "b" * 16}]),
        ReportRecord("northbridge_advisory", VENN, status="failed", error="ValueError: bad file", period="2025-Q4")],
        at("2026-01-03"))
    store(url, "2025-11", [ReportRecord("summit_outfitters", VENN, figures=venn_figures(0.9, 0.9, 0.9, "x"),
                                        period="2025-11")], at("2025-12-02"))
    store(url, "2025-Q3", [ReportRecord("summit_outfitters", VENN, figures=venn_figures(0.55, 0.4, 0.2, "coordinated"),
                                        period="2025-Q3")], at("2026-01-10"))
    return url


def test_previous_is_the_same_brand_report_and_period_length_before_this_period(quarters):
    with history.open(quarters) as h:
        names = h.run_names()
        assert names == ["2025-Q3", "2025-11", "2025-Q4", "2025-Q3@2026-01-10T09:00:00"]
        prev = h.previous_report("summit_outfitters", VENN, period="2025-Q4")
        # the latest run of the period before 2025-Q4 (the late re-run of Q3), never the monthly run
        assert prev["run"] == "2025-Q3@2026-01-10T09:00:00" and prev["period"] == "2025-Q3"
        assert h.previous("summit_outfitters", VENN, period="2025-Q4")["venn.scope"] == 0.55
        # re-running an old quarter does not compare it with a later one
        assert h.previous("summit_outfitters", VENN, period="2025-Q3") == {}
        assert h.previous("summit_outfitters", VENN, period="2025-12")["venn.scope"] == 0.9
        # a failed run is never "last time"
        assert h.previous("northbridge_advisory", VENN, period="2026-Q1")["venn.scope"] == 0.3
        # without a period: the last whole-file run (none here); with period_length given explicitly
        assert h.previous("summit_outfitters", VENN) == {}
        assert h.previous("summit_outfitters", VENN, period_length="quarter", before=at("2026-01-05"))[
            "venn.scope"] == 0.7
        assert h.previous("summit_outfitters", VENN, period="2026-Q1", exclude_run="2025-Q3@2026-01-10T09:00:00")[
            "venn.scope"] == 0.7
        assert h.previous("nobody", VENN, period="2025-Q4") == {}


def test_series_gives_one_value_per_brand_and_run_dated_by_period(quarters):
    with history.open(quarters) as h:
        s = h.series("venn.scope", period_length="quarter")
    got = {(r.brand, r.when.date().isoformat(), r.value) for r in s.itertuples()}
    assert got == {("summit_outfitters", "2025-07-01", 0.5), ("summit_outfitters", "2025-10-01", 0.7),
                   ("summit_outfitters", "2025-07-01", 0.55), ("northbridge_advisory", "2025-07-01", 0.3)}


def test_compare_lists_changed_figures_inputs_and_reports_missing_from_a_run(quarters):
    with history.open(quarters) as h:
        diff = h.compare("2025-Q3", "2025-Q4")
        rows = {(r.brand, r.figure): r for r in diff.itertuples()}
        scope = rows[("summit_outfitters", "venn.scope")]
        assert (scope.value_a, scope.value_b, scope.change, scope.tone) == ("50%", "70%", "+20.0 pp", "good")
        assert rows[("summit_outfitters", "venn.classification")].change == "coordinated -> social business"
        assert rows[("summit_outfitters", "input: initiatives")].change == "file contents changed"
        # northbridge failed in Q4: no figures, so every figure is "no longer recorded"
        assert rows[("northbridge_advisory", "venn.scope")].direction == "gone"
        assert ("summit_outfitters", "organisation") not in rows
        assert len(h.compare("2025-Q3", "2025-Q3")) == 0
        assert len(h.compare("2025-Q3", "2025-Q3", only_changed=False)) > 0
        with pytest.raises(HistoryError, match=r"no run named '2025-Q5'; did you mean '2025-Q[34]'"):
            h.compare("2025-Q5", "2025-Q4")


def test_what_changed_says_what_it_compares_with_and_never_raises(quarters, tmp_path):
    now = venn_figures(0.8, 0.45, 0.3, "social business")
    changed = history.what_changed("summit_outfitters", VENN, now, period="2026-Q1", url=quarters)
    assert changed.note == "Compared with the previous run 2025-Q4, period 2025-Q4, finished 2026-01-03 09:05 UTC."
    assert changed.table.set_index("figure").loc["venn.scope", "change"] == "+10.0 pp"
    first = history.what_changed("summit_outfitters", VENN, now, period="2025-Q3", url=quarters)
    assert first.table.empty and first.previous is None and "first run of this report" in first.note
    foreign = tmp_path / "foreign.duckdb"
    db = Backend(str(foreign), write=True)
    db.execute("CREATE TABLE runs (x INTEGER)")
    db.close()
    broken = history.what_changed("summit_outfitters", VENN, now, url=foreign)
    assert broken.table.empty and "could not be read" in broken.note and "not a socialkit history" in broken.note


def test_runs_filter_by_brand_report_status_and_date(quarters):
    with history.open(quarters) as h:
        assert len(h.runs()) == 6
        assert set(h.runs(brand="northbridge_advisory")["status"]) == {"ok", "failed"}
        assert len(h.runs(since="2026-01-01")) == 3
        failed = h.runs(status="failed").iloc[0]
        assert failed["error"] == "ValueError: bad file" and failed["figures"] == {}
        row = h.runs(run="2025-Q4", brand="summit_outfitters").iloc[0]
        assert (row["period_length"], str(row["period_start"]), str(row["period_end"])) == (
            "quarter", "2025-10-01", "2025-12-31")
        assert row["kit_version"] == __version__
        assert h.inputs(row["report_id"])[0]["fingerprint"] == "b" * 16


def test_reading_a_history_that_does_not_exist_yet_is_empty(tmp_path):
    with history.open(tmp_path / "none.duckdb") as h:
        assert h.empty and h.runs().empty and h.previous("a", VENN) == {} and h.series("venn.scope").empty
    assert not (tmp_path / "none.duckdb").exists()  # reading never creates a file


def test_default_location_is_the_reports_folder_unless_the_environment_names_one(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALKIT_HISTORY", raising=False)
    assert history.default_url(tmp_path) == str(tmp_path / "history.duckdb")
    monkeypatch.setenv("SOCIALKIT_REPORTS", str(tmp_path / "out"))
    assert history.default_url() == str(tmp_path / "out" / "history.duckdb")
    monkeypatch.setenv("SOCIALKIT_HISTORY", "postgresql://kit@db.example/history")
    assert history.default_url(tmp_path) == "postgresql://kit@db.example/history"
    assert history.resolve("duckdb:///x.duckdb") == "duckdb:///x.duckdb"


def test_secret_parameters_are_masked_and_never_reach_the_history_file(tmp_path):
    nb_path = tmp_path / "executed.ipynb"
    write_executed(nb_path, {"venn.scope": 0.5})
    rec = history.report_record(ROOT / "tests/data/notebooks/params_demo.ipynb",
                                {"api_token": "tok-LEAK-77", "times": 3}, brand="acme", status="ok",
                                executed=nb_path, secrets={"api_token"})
    assert rec.parameters == {"api_token": "[secret]", "times": 3} and rec.figures == {"venn.scope": 0.5}
    store(tmp_path / "h.duckdb", "r", [rec], at("2025-10-01"))
    assert b"tok-LEAK-77" not in (tmp_path / "h.duckdb").read_bytes()


def test_inputs_of_a_run_are_fingerprinted_including_files_the_kit_does_not_list(tmp_path):
    own = tmp_path / "initiatives.csv"
    own.write_text((ROOT / "data/samples/summit_outfitters/initiatives.csv").read_text())
    rec = history.report_record(VENN, {"brand": "summit_outfitters"}, brand="summit_outfitters", status="ok")
    kinds = {i["kind"]: i for i in rec.inputs}
    assert {"initiatives", "objectives"} <= set(kinds)
    assert kinds["initiatives"]["file"] == "sample data: summit_outfitters/initiatives.csv"
    other = history.report_record("tests/data/notebooks/history_demo.ipynb", {"initiatives_path": str(own)},
                                  brand="acme", status="ok")
    assert [i["kind"] for i in other.inputs] == ["initiatives"] and len(other.inputs[0]["fingerprint"]) == 16
    before = other.inputs[0]["fingerprint"]
    own.write_text(own.read_text() + "New initiative,marketing,,,,customers,content,active\n")
    assert history.report_record("tests/data/notebooks/history_demo.ipynb", {"initiatives_path": str(own)},
                                 brand="acme", status="ok").inputs[0]["fingerprint"] != before


# --------------------------------------------------------------------------- layout versions and migration

#: The v1 layout exactly as docs/recurring.md describes it (frozen here: the kit no longer writes it).
V1_TABLES = [
    "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)",
    "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, run_name TEXT NOT NULL, brand TEXT NOT NULL, report TEXT NOT NULL, "
    "period TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, kit_version TEXT, status TEXT, inputs TEXT)",
    "CREATE TABLE figures (run_id INTEGER NOT NULL, name TEXT NOT NULL, value TEXT)",
]


def make_v1_history(url: str, seed: int = 16) -> dict:
    """A v1 history of two monthly batch runs for two brands (seeded); returns what it holds."""
    rng = random.Random(seed)
    db = Backend(str(url), write=True)
    expected = {}
    try:
        with db.transaction():
            _fill_v1(db, rng, expected)
    finally:
        db.close()
    return expected


def _fill_v1(db, rng, expected) -> None:
    for statement in V1_TABLES:
        db.execute(statement)
    db.execute("INSERT INTO schema_version VALUES (1, :t)", {"t": at("2025-09-01")})
    run_id = 0
    for run_name, period, day in (("monthly-2025-10", "2025-Q3", "2025-10-01"),
                                  ("monthly-2026-01", "2025-Q4", "2026-01-02")):
        for brand in ("summit_outfitters", "northbridge_advisory"):
            run_id += 1
            scope = round(rng.uniform(0.3, 0.9), 3)
            sizes = {"Explorers": rng.randint(80, 200), "Loyalists": rng.randint(40, 120)}
            figures = {"venn.scope": scope, "venn.classification": rng.choice(["coordinated", "social business"]),
                       "segments.sizes": sizes, "objectives.met": rng.randint(0, 5), "period": period}
            inputs = [{"kind": "initiatives", "file": f"sample data: {brand}/initiatives.csv",
                       "fingerprint": f"{rng.getrandbits(64):016x}"}]
            db.execute("INSERT INTO runs VALUES (:id, :name, :brand, :report, :period, :s, :f, '0.0.9', 'ok', :inputs)",
                       {"id": run_id, "name": run_name, "brand": brand, "report": VENN, "period": period,
                        "s": at(day), "f": at(day, 10), "inputs": json.dumps(inputs)})
            db.execute("INSERT INTO figures VALUES (:id, :name, :value)",
                       [{"id": run_id, "name": n, "value": json.dumps(v)} for n, v in figures.items()])
            expected[(run_name, brand)] = {**history.flatten(figures), "inputs": inputs}


def test_an_older_history_is_refused_with_the_fix_then_migrated_explicitly_with_a_backup(tmp_path):
    url = tmp_path / "history.duckdb"
    expected = make_v1_history(str(url))
    # writing refuses, says why and how; the file keeps its v1 tables
    stored = history.store("next", [ReportRecord("summit_outfitters", VENN, figures={"venn.scope": 1.0})], url=url)
    assert not stored.ok
    assert "layout v1" in stored.problem and "socialkit history --migrate" in stored.problem
    assert "never rewrites" in stored.problem and "the v1 tables are kept" in stored.problem
    with pytest.raises(HistoryError, match="layout v1"):
        history.open(url)
    db = Backend(str(url), write=False)
    assert db.tables() == {"schema_version", "runs", "figures"} and len(db.query("SELECT * FROM runs")) == 4
    db.close()

    res = sk("history", "--history", url, "--migrate")
    assert res.returncode == 0, res.stderr
    out = " ".join(res.stdout.split())
    assert "migrated to v2" in out and "typed columns" in out and "history.duckdb.v1.bak" in out
    backup = Backend(str(tmp_path / "history.duckdb.v1.bak"), write=False)
    assert backup.tables() == {"schema_version", "runs", "figures"}  # the file as it was
    backup.close()
    with history.open(url) as h:
        assert h.version == 2
        assert h.run_names() == ["monthly-2025-10", "monthly-2026-01"]
        runs = h.runs()
        assert len(runs) == 4 and set(runs["period_length"]) == {"quarter"}
        for r in runs.itertuples():
            want = dict(expected[(r.run, r.brand)])
            assert h.inputs(r.report_id) == want.pop("inputs")
            assert r.figures == want
        prev = h.previous("summit_outfitters", VENN, period="2025-Q4")
        assert prev["venn.scope"] == expected[("monthly-2025-10", "summit_outfitters")]["venn.scope"]
        assert prev["segments.sizes.Explorers"] == expected[("monthly-2025-10", "summit_outfitters")][
            "segments.sizes.Explorers"]
    # nothing is lost: the v1 tables are kept, renamed
    db = Backend(str(url), write=False)
    assert {"runs_v1", "figures_v1"} <= db.tables()
    db.close()
    # and the migrated history takes new runs
    assert history.store("monthly-2026-04", [ReportRecord("summit_outfitters", VENN, figures={"venn.scope": 1.0},
                                                          period="2026-Q1")], url=url).ok
    again = sk("history", "--history", url, "--migrate")
    assert again.returncode == 0 and "already current" in again.stdout


def test_a_newer_or_foreign_database_is_refused(tmp_path):
    newer = tmp_path / "newer.duckdb"
    store(newer, "r", [ReportRecord("a", VENN, figures={"venn.scope": 0.1})], at("2025-10-01"))
    db = Backend(str(newer), write=True)
    db.execute("INSERT INTO schema_version VALUES (3, :t, 'from the future')", {"t": at("2030-01-01")})
    db.close()
    with pytest.raises(HistoryError, match="layout v3, newer than this socialkit"):
        history.open(newer)
    foreign = tmp_path / "foreign.duckdb"
    db = Backend(str(foreign), write=True)
    db.execute("CREATE TABLE runs (x INTEGER)")
    db.close()
    with pytest.raises(HistoryError, match="not a socialkit history"):
        history.open(foreign)


# --------------------------------------------------------------------------- a history that cannot be written


def test_an_unreachable_history_is_reported_and_nothing_is_raised(tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("a file where a folder should be")
    stored = history.store("r", [ReportRecord("a", VENN)], url=blocker / "history.duckdb")
    assert not stored.ok and "unreachable" in stored.problem and "not a folder" in stored.problem
    assert "history not written (every report is)" in stored.describe()
    with pytest.raises(HistoryError, match="not a database URL|unreachable|cannot"):
        history.open("nosuchdialect://host/db", write=True)


def test_a_history_file_another_process_writes_is_reported_as_busy(tmp_path, monkeypatch):
    url = tmp_path / "history.duckdb"
    store(url, "first", [ReportRecord("a", VENN, figures={"venn.scope": 0.5})], at("2025-10-01"))
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(url)!r}); "
                               "print('locked', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("SOCIALKIT_HISTORY_WAIT", "0.5")
        began = time.monotonic()
        stored = history.store("second", [ReportRecord("a", VENN, figures={"venn.scope": 0.6})], url=url)
        assert time.monotonic() - began < 20
        assert not stored.ok and "in use by another process" in stored.problem and "one process" in stored.problem
    finally:
        holder.kill()
        holder.wait()
    assert history.store("second", [ReportRecord("a", VENN, figures={"venn.scope": 0.6})], url=url).ok


# --------------------------------------------------------------------------- the index page


def write_executed(path: Path, figures: dict) -> Path:
    """An executed notebook carrying ``figures`` as scrapbook scraps, as records.record writes them."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("sk.records.record(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={records.MIME: {
        "name": n, "data": v, "encoder": "json", "version": 1}}, metadata={"scrapbook": {"name": n, "data": True}})
        for n, v in figures.items()]
    nb.cells = [cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def fake_run(run_dir: Path, figures_by_brand: dict, *, notebook=VENN, parameters=None) -> list[Job]:
    jobs = []
    for brand, figures in figures_by_brand.items():
        job = Job(str(ROOT / "notebooks" / f"{notebook}.ipynb"), brand, {"brand": brand, **(parameters or {})},
                  str(run_dir / brand))
        write_executed(job.output("ipynb"), figures)
        job.output("json").write_text(json.dumps({"status": "ok", "seconds": 3.0, "outputs": [],
                                                  "finished": "2026-01-03T09:00:00+00:00"}))
        jobs.append(job)
    return jobs


def test_index_shows_each_figure_against_the_previous_run_with_arrows_colours_and_trends(tmp_path):
    from socialkit.index import write_index

    reports = tmp_path / "reports"
    url = str(reports / "history.duckdb")
    brands = ("acme <b>&co", "globex")  # names escaped, in what changed and in the brand comparison
    q3 = {"acme <b>&co": venn_figures(0.5, 0.4, 0.2, "coordinated", period="2025-Q3", **{"metrics.business_coverage": 0.3}),
          "globex": venn_figures(0.3, 0.5, 0.1, "social media desk", period="2025-Q3", **{"metrics.business_coverage": 0.6})}
    q4 = {"acme <b>&co": venn_figures(0.7, 0.3, 0.2, "social business", period="2025-Q4", **{"metrics.business_coverage": 0.45}),
          "globex": venn_figures(0.3, 0.5, 0.1, "social media desk", period="2025-Q4", **{"metrics.business_coverage": 0.6})}
    stored = []
    for name, figures in (("2025-Q3", q3), ("2025-Q4", q4)):
        run_dir = reports / name
        jobs = fake_run(run_dir, figures, parameters={"period": name})
        results = [type("R", (), {"label": j.label, "status": "ok", "seconds": 3.0, "error": ""})() for j in jobs]
        stored.append(history.store_batch(jobs, results, run_name=name, run_dir=run_dir, url=url))
        assert stored[-1].ok and stored[-1].reports == 2, stored[-1].problem
        page = write_index(run_dir, jobs, history_url=url, stored=stored[-1]).read_text()
    assert "<script" not in page and "acme &lt;b&gt;&amp;co" in page and "acme <b>" not in page
    assert "stored as run &#x27;2025-Q4&#x27;" in page
    section = page[page.index("What changed"):page.index("Trends across runs")]
    acme = section[section.index("acme"):section.index("globex")]
    assert "Against the previous run 2025-Q3, period 2025-Q3" in acme
    assert '<td class="num">50%</td><td class="num">70%</td><td class="good">\u25b2 up +20.0 pp</td>' in acme
    assert '<td class="num">40%</td><td class="num">30%</td><td class="bad">\u25bc down -10.0 pp</td>' in acme
    assert "coordinated -&gt; social business" in acme
    assert '<td class="neutral">= no change</td>' in section[section.index("globex"):]
    trends = page[page.index("Trends across runs"):page.index("Scope vs value (Venn model)")]
    assert trends.count("<svg") == 2 and "Venn scope" in trends and "Business coverage" in trends
    compared = page[page.index("Scope vs value (Venn model)"):]  # both recorded "Summit Outfitters"
    assert "Summit Outfitters (acme &lt;b&gt;&amp;co)" in compared and "Summit Outfitters (globex)" in compared
    assert "Measurement maturity" in compared and "2025-Q4" in compared


def test_index_of_a_first_run_says_there_is_nothing_to_compare_and_a_broken_history_is_shown(tmp_path):
    from socialkit.index import write_index

    run_dir = tmp_path / "reports" / "first"
    jobs = fake_run(run_dir, {"acme": venn_figures(0.5, 0.4, 0.2, "coordinated")})
    page = write_index(run_dir, jobs, history_url=str(tmp_path / "reports" / "history.duckdb")).read_text()
    assert "First run of this report for this brand" in page and "Trends appear once" in page
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    broken = history.Stored(str(blocker / "h.duckdb"), problem="run history x: is unreachable: not a folder")
    page = write_index(run_dir, jobs, history_url=str(tmp_path / "foreign.duckdb"), stored=broken).read_text()
    assert 'class="failed">history not written (every report is): run history x: is unreachable' in page
    assert "Reports" in page and "acme" in page


# --------------------------------------------------------------------------- the command


def test_history_command_lists_runs_as_table_csv_and_json_and_filters(quarters):
    res = sk("history", "--history", quarters)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "6 report runs" in out and "2025-Q3@2026-01-10T09:00:00" in out and "northbridge_advisory" in out
    assert "Venn scope 70%" in out and "failed" in out
    csv = sk("history", "--history", quarters, "--format", "csv", "--brand", "summit_outfitters").stdout.splitlines()
    header = csv[0].split(",")
    assert header[:4] == ["run", "brand", "report", "period"] and "venn.scope" in header
    assert len(csv) == 1 + 4 and all(",summit_outfitters," in line for line in csv[1:])
    rows = json.loads(sk("history", "--history", quarters, "--format", "json", "--since", "2026-01-01").stdout)
    assert [r["run"] for r in rows] == ["2025-Q4", "2025-Q4", "2025-Q3@2026-01-10T09:00:00"]
    q4 = {r["brand"]: r for r in rows if r["run"] == "2025-Q4"}
    assert q4["summit_outfitters"]["figures"]["venn.classification"] == "social business"
    assert q4["summit_outfitters"]["period_length"] == "quarter" and q4["northbridge_advisory"]["status"] == "failed"


def test_history_command_compares_two_runs_and_names_the_closest_run_or_brand(quarters):
    res = sk("history", "--history", quarters, "--compare", "2025-Q3", "2025-Q4")
    assert res.returncode == 0, res.stderr
    out = " ".join(res.stdout.split())
    assert "2025-Q3 -> 2025-Q4" in out and "+20.0 pp" in out and "file contents changed" in out
    as_json = json.loads(sk("history", "--history", quarters, "--compare", "2025-Q3", "2025-Q4", "--format",
                            "json").stdout)
    scope = [r for r in as_json if r["brand"] == "summit_outfitters" and r["figure"] == "venn.scope"][0]
    assert scope["2025-Q3"] == "50%" and scope["2025-Q4"] == "70%"
    bad = sk("history", "--history", quarters, "--compare", "2025-Q4", "2025Q3")
    assert bad.returncode == 1 and "no run named '2025Q3'; did you mean '2025-Q3'" in " ".join(bad.stderr.split())
    brand = sk("history", "--history", quarters, "--brand", "summit_outfiters")
    assert brand.returncode == 1 and "did you mean 'summit_outfitters'" in brand.stderr
    since = sk("history", "--history", quarters, "--since", "last month")
    assert since.returncode == 2 and "write it as 2025-10-01" in " ".join(since.stderr.split())
    empty = sk("history", "--history", quarters.parent / "none.duckdb")
    assert empty.returncode == 0 and "no runs in" in empty.stdout and "yet" in empty.stdout

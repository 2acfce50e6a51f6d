"""Run history on a real PostgreSQL server (started by the ``postgres_url`` fixture in conftest.py):
the same store, reads, compare and migration as on DuckDB, a batch whose notebooks read the server
while they run, and a read-only or unreachable server that leaves every report written."""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from notebook_text import printed

from socialkit import history
from socialkit.batch import SerialEngine, jobs_from_spec, run_batch
from socialkit.exceptions import HistoryError
from socialkit.history import ReportRecord
from test_history import VENN, at, make_v1_history, venn_figures

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "tests/data/notebooks/history_demo.ipynb")


def _server(url: str) -> tuple[str, int]:
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    return host, int(port)


@pytest.fixture
def pg(postgres_url):
    """An empty database of its own on the session's server (a SQLAlchemy URL)."""
    host, port = _server(postgres_url)
    name = f"h_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"postgresql://postgres@{host}:{port}/{name}"
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_runs_are_stored_read_and_compared_on_postgresql(pg):
    for name, period, scope, day in (("2025-Q3", "2025-Q3", 0.5, "2025-10-02"), ("2025-Q4", "2025-Q4", 0.75, "2026-01-03")):
        stored = history.store(name, [ReportRecord(
            "summit_outfitters", VENN, figures=venn_figures(scope, 0.4, None, "coordinated", sizes={"Explorers": 120},
                                                            **{"segments.k": 3, "objectives.all_met": False}),
            period=period, inputs=[{"kind": "initiatives", "file": "x.csv", "fingerprint": name}])],
            url=pg, started=at(day), finished=at(day) + timedelta(minutes=3))
        assert stored.ok, stored.problem
    again = history.store("2025-Q4", [ReportRecord("summit_outfitters", VENN, period="2025-Q4")], url=pg)
    assert again.ok and again.run.startswith("2025-Q4@")
    with history.open(pg) as h:
        assert h.version == 2 and h.run_names()[:2] == ["2025-Q3", "2025-Q4"]
        prev = h.previous("summit_outfitters", VENN, period="2025-Q4")
        assert prev == {"organisation": "Summit Outfitters", "venn.scope": 0.5, "venn.measurable_value": 0.4,
                        "venn.delivered_value": None, "venn.classification": "coordinated",
                        "segments.sizes.Explorers": 120, "segments.k": 3, "objectives.all_met": False}
        assert isinstance(prev["segments.k"], int) and isinstance(prev["venn.scope"], float)
        series = h.series("venn.scope", brand="summit_outfitters")
        assert list(series["value"]) == [0.5, 0.75] and [w.date().isoformat() for w in series["when"]] == [
            "2025-07-01", "2025-10-01"]
        diff = h.compare("2025-Q3", "2025-Q4").set_index("figure")
        assert diff.loc["venn.scope", "change"] == "+25.0 pp" and diff.loc["input: initiatives", "direction"] == "changed"
        assert len(h.runs(since=at("2026-01-01"))) == 2
        with pytest.raises(HistoryError, match="did you mean '2025-Q3'"):
            h.compare("2025-Q33", "2025-Q4")


def test_a_v1_history_on_postgresql_is_refused_then_migrated(pg):
    expected = make_v1_history(pg)
    assert "layout v1" in history.store("x", [ReportRecord("a", VENN)], url=pg).problem
    done = history.migrate(pg)
    assert any("typed columns" in line for line in done) and not any(".bak" in line for line in done)
    with history.open(pg) as h:
        runs = h.runs()
        assert len(runs) == 4
        for r in runs.itertuples():
            want = dict(expected[(r.run, r.brand)])
            assert h.inputs(r.report_id) == want.pop("inputs") and r.figures == want
    assert history.store("after", [ReportRecord("a", VENN, figures={"venn.scope": 0.1})], url=pg).ok
    assert history.migrate(pg) == []


@pytest.mark.notebook
def test_a_batch_stores_on_the_server_and_its_notebooks_read_it_while_they_run(pg, tmp_path):
    for period in ("2025-Q3", "2025-Q4"):
        jobs = jobs_from_spec({"run": period, "export": ["html"], "notebooks": [DEMO], "brands": ["summit_outfitters"],
                               "parameters": {"period": period}}, reports_dir=tmp_path / "reports")
        summary = run_batch(jobs, engine=SerialEngine(), history_url=pg)
        assert not summary.failed and summary.history.ok, summary.history.problem
        assert "postgres@" in summary.history.url
    assert not (tmp_path / "reports" / "history.duckdb").exists()  # the server, not the default file
    executed = printed(tmp_path / "reports" / "2025-Q4" / "summit_outfitters" / "history_demo.ipynb")
    assert "previous scope: 1.0" in executed
    page = (tmp_path / "reports" / "2025-Q4" / "index.html").read_text()
    assert "Against the previous run 2025-Q3" in page


@pytest.mark.notebook
def test_a_read_only_or_unreachable_server_leaves_every_report_written_and_says_why(pg, tmp_path):
    history.store("seed", [ReportRecord("summit_outfitters", "history_demo", figures={"venn.scope": 0.2},
                                        period="2025-Q3")], url=pg)
    host, port = _server(pg)
    dbname = pg.rsplit("/", 1)[1]
    reader = f"reader_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(host=host, port=port, user="postgres", dbname=dbname, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {reader} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    read_only = f"postgresql://{reader}@{host}:{port}/{dbname}"
    jobs = jobs_from_spec({"run": "ro", "export": ["html"], "notebooks": [DEMO], "brands": ["summit_outfitters"],
                           "parameters": {"period": "2025-Q4"}}, reports_dir=tmp_path / "reports")
    summary = run_batch(jobs, engine=SerialEngine(), history_url=read_only)
    assert not summary.failed
    assert not summary.history.ok and "cannot be written" in summary.history.problem
    assert "permission denied" in summary.history.problem.lower()
    assert (tmp_path / "reports" / "ro" / "summit_outfitters" / "history_demo.html").is_file()
    # the read-only account still reads: the notebook compared with the seeded run
    executed = printed(tmp_path / "reports" / "ro" / "summit_outfitters" / "history_demo.ipynb")
    assert "previous scope: 0.2" in executed
    page = (tmp_path / "reports" / "ro" / "index.html").read_text()
    assert "history not written (every report is)" in page

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    stored = history.store("x", [ReportRecord("a", VENN)], url=f"postgresql://postgres@127.0.0.1:{closed}/nothing")
    assert not stored.ok and "is unreachable" in stored.problem and "connection refused" in stored.problem.lower()
    assert "127.0.0.1" in stored.url
    secret = history.store("x", [ReportRecord("a", VENN)], url=f"postgresql://kit:s3cr3t-pw@127.0.0.1:{closed}/db")
    assert "s3cr3t-pw" not in secret.problem and "kit:***@" in secret.problem

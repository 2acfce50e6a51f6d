"""Shared fixtures: run real notebooks (papermill, in the kit's warm kernels) and look inside the executed copies."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from socialkit.config import NOTEBOOKS_DIR, SAMPLES_DIR

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
#: Seconds one notebook cell may run in tests: a stuck cell fails its test instead of stalling the suite.
CELL_TIMEOUT = 300
#: `make test` runs the test files on three workers (pytest-xdist, `-n 3 --dist loadfile`): each file
#: stays on one worker, so its module and session fixtures (the demo run, the JupyterLab server, the
#: PostgreSQL server, notebooks executed once and shared) are made once. The longest files go first
#: (seconds on 2 cores, from `--durations`), so no worker is left finishing a long one alone at the end.
LONGEST_FIRST = ("test_report_layout.py", "test_recurring.py", "test_history_runs.py", "test_browser.py",
                 "test_batch.py", "test_history.py", "test_execute.py", "test_nb_segments.py", "test_nb_metrics.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the order within a file stays


def svg_outputs(nb) -> list[str]:
    """Every SVG image in a notebook's outputs (static Altair charts)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            svg = out.get("data", {}).get("image/svg+xml")
            if svg:
                found.append("".join(svg) if isinstance(svg, list) else svg)
    return found


def text_outputs(nb) -> str:
    """All text and HTML outputs of a notebook, joined (for asserting on tables and findings)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                val = out.get("data", {}).get(mime)
                if val:
                    parts.append("".join(val) if isinstance(val, list) else val)
    return "\n".join(parts)


def warnings_in(nb) -> list[str]:
    """Outputs a stakeholder must never see: stderr streams and library warnings."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: stderr: {''.join(out.get('text', ''))[:200]}")
            for mime in ("text/plain", "text/html", "text/markdown"):
                text = "".join(out.get("data", {}).get(mime, "") or "")
                if "Warning" in text:
                    found.append(f"cell {i}: {mime} says Warning: {text[text.index('Warning') - 80:][:240]}")
            if out.get("output_type") == "stream" and "Warning" in "".join(out.get("text", "")):
                found.append(f"cell {i}: stdout says Warning")
    return found


def gt_tables(html: str) -> list[pd.DataFrame]:
    """The tables of a page or an output as people see them (socialkit.present / Great Tables): one
    DataFrame per table part, columns = the human headers, cells = the formatted text."""
    out = []
    for block in re.findall(r'<table[^>]*class="gt_table".*?</table>', html, flags=re.S):
        heads = [_cell(h) for h in re.findall(r'<th[^>]*class="gt_col_heading[^"]*"[^>]*>(.*?)</th>', block, re.S)]
        body = block.split("<tbody", 1)[1] if "<tbody" in block else ""
        rows = [[_cell(c) for c in re.findall(r'<td[^>]*class="gt_row[^"]*"[^>]*>(.*?)</td>', row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
        rows = [r for r in rows if r]
        out.append(pd.DataFrame(rows, columns=heads if rows and len(heads) == len(rows[0]) else None))
    return out


def _cell(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def table_of(nb, source_start: str) -> pd.DataFrame:
    """The (first) table shown by the code cell whose source starts with ``source_start``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip().startswith(source_start):
            for out in cell.get("outputs", []):
                html = "".join(out.get("data", {}).get("text/html", ""))
                found = gt_tables(html)
                if found:
                    return pd.concat(found, axis=1).loc[:, lambda d: ~d.columns.duplicated()] if len(found) > 1 else found[0]
    raise AssertionError(f"no cell starting with {source_start!r} shows a table")


def raw_tables_in(nb) -> list[str]:
    """Outputs that show a DataFrame as pandas prints it (with its index), not as a table for people."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if 'class="dataframe' in html:
                found.append(f"cell {i}: {cell.source[:80]}")
    return found


@pytest.fixture(scope="session")
def kernel_pool(tmp_path_factory):
    """The kit's own warm kernels for the session: forked from a zygote that imported pandas, altair,
    scikit-learn and the kit once, one fresh kernel per notebook run (no state is shared between
    runs). They start in an empty folder, so no run history of the checkout is read."""
    from socialkit.kernels import WarmKernelPool

    pool = WarmKernelPool(preimport=True, cwd=str(tmp_path_factory.mktemp("kernels")))
    yield pool
    pool.close()


_EXECUTED: dict[str, object] = {}


@pytest.fixture
def execute_notebook(kernel_pool, tmp_path_factory):
    """Execute a notebook from notebooks/ (or a path) as reports are executed (socialkit.execute: the
    parameters validated first, then a warm kernel); returns the executed notebook. Each distinct
    (notebook, parameters) runs once per test session and every test gets its own copy. Every
    executed notebook is checked: no library warning and no stderr output may reach it. A failing
    notebook raises socialkit's NotebookExecutionError (a bad parameter: ParametersError)."""
    import copy
    import json

    from socialkit.execute import execute

    def run(name: str | Path, **parameters):
        src = Path(name) if Path(name).suffix == ".ipynb" else NOTEBOOKS_DIR / f"{name}.ipynb"
        key = json.dumps([str(src.resolve()), parameters], sort_keys=True, default=str)
        if key not in _EXECUTED:
            out = tmp_path_factory.mktemp("executed") / f"{src.stem}.ipynb"
            try:
                execute(src, parameters, output=out, kernel_manager=kernel_pool.take(), timeout=CELL_TIMEOUT)
            except Exception as exc:
                _EXECUTED[key] = exc
            else:
                nb = nbformat.read(out, as_version=4)
                assert not warnings_in(nb), f"{src.stem} printed warnings: " + "; ".join(warnings_in(nb))
                assert not raw_tables_in(nb), f"{src.stem} shows raw DataFrames: " + "; ".join(raw_tables_in(nb))
                _EXECUTED[key] = nb
        found = _EXECUTED[key]
        if isinstance(found, Exception):
            raise found
        return copy.deepcopy(found)

    return run


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR


# --------------------------------------------------------------------------- PostgreSQL for the run history


def _postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), newest version first."""
    import glob
    import shutil

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                         if Path(p).parent.name.isdigit() else 0, reverse=True):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found and shutil.which("pg_ctl") else None


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the session: a temporary data folder, a free port on 127.0.0.1,
    started as the ``postgres`` user when the tests run as root (initdb refuses root), and stopped at
    the end even when a test fails. Yields a SQLAlchemy URL of an empty database. Skipped, with the
    reason, only when the server is not installed and CI is not set; in CI a missing server fails."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile
    import uuid

    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = ("PostgreSQL server programs (initdb, pg_ctl) are not installed: run `make system-deps` "
                   "(or `sudo apt-get install postgresql`)")
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the PostgreSQL history tests")
        pytest.skip(message)
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        pytest.fail("running as root needs runuser (util-linux) to start PostgreSQL as the postgres user")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    base = Path(tempfile.mkdtemp(prefix="socialkit-pg-"))
    data, log = base / "data", base / "server.log"
    if as_root:
        shutil.chown(base, user="postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=timeout, cwd=base)

    started = False
    try:
        made = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-sync", "--locale=C")
        assert made.returncode == 0, f"initdb failed: {made.stderr[-2000:]}"
        up = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                 f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        started = up.returncode == 0
        assert started, f"pg_ctl start failed: {up.stderr[-2000:]} {log.read_text()[-2000:] if log.exists() else ''}"
        import psycopg

        name = f"socialkit_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        yield f"postgresql://postgres@127.0.0.1:{port}/{name}"
    finally:
        if started:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo: every notebook for every sample brand, HTML and PDF, run once per test session
    (`socialkit batch manifests/demo.yml --workers 2`); returns the run's folder."""
    from socialkit.batch import load_manifest, make_engine, run_batch

    reports = tmp_path_factory.mktemp("demo-reports")
    jobs = load_manifest(TESTS_DIR.parent / "manifests" / "demo.yml", reports_dir=reports)
    summary = run_batch(jobs, engine=make_engine("local", workers=2))
    assert not summary.failed, [(r.label, r.error) for r in summary.failed]
    return summary.run_dir

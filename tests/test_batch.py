"""Batch runs: validation first, failures isolated, retries, resume, safe paths, secrets, Dask."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from notebook_text import printed

from socialkit.batch import DaskEngine, SerialEngine, jobs_from_spec, load_manifest, run_batch, safe_name
from socialkit.exceptions import ManifestError

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "tests/data/notebooks/params_demo.ipynb")
KILL = str(ROOT / "tests/data/notebooks/kill_demo.ipynb")


@pytest.mark.parametrize("value, expected", [("../../x", "x"), ("Café & Co", "Caf_Co"), ("..", "unnamed"),
                                             ("/etc/passwd", "etc_passwd"), ("a/../../b", "a_._._b")])
def test_safe_name_never_escapes(value, expected, tmp_path):
    name = safe_name(value)
    assert name == expected
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_bad_parameter_in_any_row_stops_everything_before_start(tmp_path):
    spec = {"run": "r", "reports": [{"notebook": DEMO, "brand": "a", "parameters": {"times": 1}},
                                    {"notebook": DEMO, "brand": "b", "parameters": {"tmes": 2}}]}
    with pytest.raises(ManifestError) as err:
        jobs_from_spec(spec, reports_dir=tmp_path)
    assert "Did you mean 'times'?" in str(err.value) and "nothing was started" in str(err.value)
    assert not any(tmp_path.iterdir())


def test_unknown_manifest_key_suggests(tmp_path):
    with pytest.raises(ManifestError, match="did you mean 'notebooks'"):
        jobs_from_spec({"notebook": ["x"]}, reports_dir=tmp_path)


def test_csv_manifest(tmp_path):
    (tmp_path / "m.csv").write_text(f"notebook,brand,times,greeting\n{DEMO},one,3,hi\n{DEMO},two,,\n")
    jobs = load_manifest(tmp_path / "m.csv", reports_dir=tmp_path / "reports")
    assert [j.brand for j in jobs] == ["one", "two"]
    assert jobs[0].parameters["times"] == 3 and "times" not in jobs[1].parameters
    assert jobs[0].out_dir == str(tmp_path / "reports" / "m" / "one")


@pytest.mark.notebook
def test_batch_isolates_failures_retries_dead_kernels_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # where a kernel would keep its input history
    marker = tmp_path / "first-run-marker"
    spec = {"run": "t", "export": ["html"], "reports": [
        {"notebook": DEMO, "brand": "../../escape", "parameters": {"api_token": "tok-LEAK-42"}},
        {"notebook": DEMO, "brand": "broken", "parameters": {"fail": True}},
        {"notebook": KILL, "brand": "crash-once", "parameters": {"marker": str(marker)}},
        {"notebook": KILL, "brand": "crash-always", "parameters": {"always": True}},
    ]}
    jobs = jobs_from_spec(spec, reports_dir=tmp_path / "reports")
    summary = run_batch(jobs, engine=SerialEngine())
    by = {r.label.split("/")[0]: r for r in summary.results}
    assert by["escape"].status == "ok"
    assert by["broken"].status == "failed" and "failing on purpose" in by["broken"].error
    assert by["crash-once"].status == "ok" and by["crash-once"].attempts == 2
    assert by["crash-always"].status == "failed" and by["crash-always"].attempts == 2
    run_dir = tmp_path / "reports" / "t"
    # nothing escaped the run folder, and every report has its record
    files = [p for p in (tmp_path / "reports").rglob("*") if p.is_file()]
    assert all(run_dir in p.parents for p in files if p != tmp_path / "reports" / "history.duckdb")
    assert (run_dir / "escape" / "params_demo.html").is_file()
    # the failing report kept its partial notebook, with the failing cell marked
    partial = (run_dir / "broken" / "params_demo.ipynb").read_text()
    assert "papermill-error-cell-tag" in partial and "hellohello" in partial
    assert not (run_dir / "broken" / "params_demo.html").exists()
    # the secret is nowhere on disk: not in the run's files, nor in IPython's history of the kernels' input
    assert not [p for p in files if "tok-LEAK-42" in p.read_text(errors="ignore")]
    assert not [p for p in (tmp_path / "ipython").rglob("*") if p.is_file() and b"tok-LEAK-42" in p.read_bytes()]
    # no temp files left behind
    assert not [p for p in files if p.name.endswith(".tmp")]
    assert "escape" in (run_dir / "index.html").read_text()

    # resume: only what failed or changed runs again
    again = run_batch(jobs, engine=SerialEngine(), resume=True)
    status = {r.label.split("/")[0]: r.status for r in again.results}
    assert status["escape"] == "skipped" and status["crash-once"] == "skipped"
    assert status["broken"] == "failed"
    changed = jobs_from_spec({**spec, "reports": [{**spec["reports"][0], "parameters": {"api_token": "x", "times": 5}}]},
                             reports_dir=tmp_path / "reports")
    assert run_batch(changed, engine=SerialEngine(), resume=True).results[0].status == "ok"
    record = json.loads((run_dir / "escape" / "params_demo.json").read_text())
    assert record["parameters"]["api_token"] == "[secret]" and record["parameters"]["times"] == 5


@pytest.mark.notebook
def test_dask_local_cluster_runs_reports(tmp_path):
    spec = {"run": "d", "export": ["html"], "reports": [
        {"notebook": DEMO, "brand": "a", "parameters": {"times": 4}},
        {"notebook": DEMO, "brand": "b", "parameters": {"fail": True}}]}
    jobs = jobs_from_spec(spec, reports_dir=tmp_path)
    summary = run_batch(jobs, engine=DaskEngine(workers=1))
    assert sorted(r.status for r in summary.results) == ["failed", "ok"]
    assert "hellohellohellohello" in (tmp_path / "d" / "a" / "params_demo.ipynb").read_text()


@pytest.mark.notebook
def test_cli_batch_exit_code_is_nonzero_when_a_report_fails(tmp_path):
    manifest = tmp_path / "m.yml"
    manifest.write_text(f"run: c\nexport: [html]\nreports:\n  - {{notebook: {DEMO}, brand: x, parameters: {{fail: true}}}}\n"
                        f"  - {{notebook: {DEMO}, brand: y}}\n")
    res = subprocess.run([sys.executable, "-m", "socialkit.cli", "batch", str(manifest), "--workers", "2",
                          "--reports-dir", str(tmp_path / "r")], capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "1 of 2 reports failed" in res.stderr
    assert (tmp_path / "r" / "c" / "y" / "params_demo.html").is_file()


@pytest.mark.notebook
def test_report_past_its_time_limit_is_stopped_and_not_retried(tmp_path):
    spec = {"run": "slow", "export": ["html"], "timeout": 4,
            "reports": [{"notebook": KILL, "brand": "slow", "parameters": {"sleep_seconds": 120.0}}]}
    jobs = jobs_from_spec(spec, reports_dir=tmp_path)
    result = run_batch(jobs, engine=SerialEngine(), index=False).results[0]
    assert result.status == "failed" and result.attempts == 1
    assert "time limit" in result.error and result.seconds < 60
    assert "survived" in (tmp_path / "slow" / "slow" / "kill_demo.ipynb").read_text()  # partial output kept


@pytest.mark.notebook
def test_real_report_reaches_html_and_pdf_with_its_charts(tmp_path):
    import shutil

    import numpy as np
    from PIL import Image
    from pypdf import PdfReader

    spec = {"run": "pdf", "export": ["html", "pdf"], "notebooks": ["05_stakeholder_report"],
            "brands": ["evergreen_memorials"]}
    result = run_batch(jobs_from_spec(spec, reports_dir=tmp_path), engine=SerialEngine(), index=False).results[0]
    assert result.status == "ok", result.error
    folder = tmp_path / "pdf" / "evergreen_memorials"
    html = (folder / "05_stakeholder_report.html").read_text()
    assert html.count("<svg") >= 4 and "<script" not in html
    pdf = folder / "05_stakeholder_report.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Business model caps you at transparent" in " ".join(text.split())
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed: `sudo apt-get install poppler-utils`")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    palette = np.array([[0x00, 0x72, 0xB2], [0xE6, 0x9F, 0x00], [0x00, 0x9E, 0x73], [0xD5, 0x5E, 0x00]])
    coloured = 0
    for png in tmp_path.glob("page*.png"):
        rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
        near = (np.abs(rgb[:, :, None, :] - palette[None, None]) <= 30).all(axis=3).any(axis=2)
        coloured += int(near.sum())
    assert coloured > 2000  # chart marks in the house palette, not a blank or text-only PDF


@pytest.mark.parametrize("spec, message", [
    ({"notebooks": [DEMO], "brands": "solo", "export": "html"}, None),
    ({"notebooks": [DEMO], "parameters": ["x"]}, "parameters must be a mapping"),
    ({"reports": [{"brand": "a"}]}, "needs a notebook"),
    ({"reports": [{"notebook": DEMO}], "timeout": "10m"}, "timeout must be a number"),
    ({"notebooks": {"a": 1}}, "must be a name or a list"),
])
def test_manifest_shapes_are_checked(tmp_path, spec, message):
    if message is None:  # one brand and one export given as plain values, not lists
        jobs = jobs_from_spec(spec, reports_dir=tmp_path)
        assert [j.brand for j in jobs] == ["solo"] and jobs[0].export == ("html",)
    else:
        with pytest.raises(ManifestError, match=message):
            jobs_from_spec(spec, reports_dir=tmp_path)


def test_resume_hash_follows_the_editable_tables(tmp_path, monkeypatch):
    from socialkit import batch, config

    job = jobs_from_spec({"reports": [{"notebook": DEMO, "brand": "a"}]}, reports_dir=tmp_path)[0]
    before = batch.job_hash(job)
    data = tmp_path / "data"
    data.mkdir()
    for f in config.DATA_DIR.glob("*.csv"):
        (data / f.name).write_bytes(f.read_bytes())
    monkeypatch.setattr(config, "DATA_DIR", data)
    assert batch.job_hash(job) == before
    (data / "playbook.csv").write_text((data / "playbook.csv").read_text() + "new goal,new tactic,marketing\n")
    assert batch.job_hash(job) != before


def test_index_compares_the_brands_on_the_figures_their_reports_recorded(tmp_path):
    import nbformat

    from socialkit import index, records
    from socialkit.batch import Job

    def report(brand, name, status, figures, *, in_record=True):
        job = Job(str(ROOT / "notebooks" / f"{name}.ipynb"), brand, {"brand": brand}, str(tmp_path / brand))
        job.output("json").parent.mkdir(parents=True, exist_ok=True)
        rec = {"status": status, "outputs": [], **({"figures": figures} if in_record else {})}
        job.output("json").write_text(json.dumps(rec))
        if not in_record:  # a record from before records carried figures: they are read from the notebook
            scraps = [nbformat.v4.new_output("display_data", data={records.MIME: {"name": k, "data": v}})
                      for k, v in figures.items()]
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=scraps)]),
                           job.output("ipynb"))
        return job

    venn = lambda scope, org: {"organisation": org, "venn.scope": scope, "venn.measurable_value": 0.5,  # noqa: E731
                               "venn.integration": 0.2, "venn.classification": "coordinated"}
    jobs = [report("acme", "01_social_business_venn", "ok", venn(0.25, "Acme")),
            report("acme", "05_stakeholder_report", "ok", venn(0.9, "Acme")),  # 01's figures win
            report("own_files", "01_social_business_venn", "ok", venn(0.6, "Globex"), in_record=False),
            report("broken", "01_social_business_venn", "failed", venn(0.1, "Broken"))]
    figures = index.brand_figures(jobs)
    assert sorted(figures) == ["acme", "own_files"]  # a failed report's figures are not compared
    assert figures["acme"]["venn.scope"] == 0.25 and figures["own_files"]["venn.scope"] == 0.6
    page = index.write_index(tmp_path, jobs).read_text()
    section = page[page.index("Scope vs value (Venn model)"):]
    assert "Acme" in section and "Globex" in section and "Broken" not in section
    assert "25%" in section and "60%" in section
    assert "How deep" not in page  # nobody recorded depth figures: no depth section
    assert index.comparison_sections(jobs[:2]) == []  # one brand: nothing to compare


@pytest.mark.notebook
def test_the_workers_of_a_batch_fork_their_kernels_from_one_shared_zygote(tmp_path):
    import glob
    import nbformat
    import os

    from socialkit.batch import LocalEngine
    from socialkit.zygote import SHARED_ENV

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('label = "x"  # which report this is', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('import os\nprint("forked by", os.getppid())')])
    nbformat.write(nb, tmp_path / "parent.ipynb")
    spec = {"run": "z", "export": [], "reports": [{"notebook": str(tmp_path / "parent.ipynb"), "brand": f"b{i}",
                                                   "parameters": {"label": str(i)}} for i in range(4)]}
    jobs = jobs_from_spec(spec, reports_dir=tmp_path / "reports")
    engine = LocalEngine(workers=2)
    started = time.time() - 1
    done_by = engine.after(os.getpid)  # work for after the reports (the index's brand comparison)
    records_seen = engine.after(glob.glob, str(tmp_path / "reports" / "z" / "*" / "*.json"))
    summary = run_batch(jobs, engine=engine, index=False, history_url=False)
    assert [r.status for r in summary.results] == ["ok"] * 4
    parents = set()
    for job in jobs:
        parents.add(int(printed(job.output("ipynb")).split("forked by ")[1].split()[0]))
    assert len(parents) == 1  # two workers, one zygote
    (zygote,) = parents
    assert zygote not in (os.getpid(),) and not Path(f"/proc/{zygote}").exists()  # stopped with the batch
    # and so is every kernel it forked, the workers' reserve kernels included
    import psutil

    left = [p.pid for p in psutil.process_iter(["cmdline", "create_time"]) if p.info["create_time"] >= started
            and "socialkit.zygote" in " ".join(p.info["cmdline"] or []) and "--listen" in (p.info["cmdline"] or [])]
    assert not left, f"kernels left running after the batch: {left}"
    assert SHARED_ENV not in os.environ
    assert done_by() not in (os.getpid(), zygote)  # a worker did it
    assert len(records_seen()) == 4  # once every report had finished


def test_work_after_the_reports_is_done_in_this_process_by_engines_without_workers():
    import os

    assert SerialEngine().after(os.getpid)() == os.getpid()
    from socialkit.batch import LocalEngine

    assert LocalEngine().after(divmod, 7, 2)() == (3, 1)  # never run by workers: done here when asked


@pytest.mark.notebook
def test_workers_do_the_after_work_and_stop_on_their_own_once_the_reports_are_done(tmp_path):
    # they stop while the batch stores its history and writes its index; close() only waits for them
    import nbformat
    import os

    import psutil

    from socialkit.batch import LocalEngine

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('label = "x"', metadata={"tags": ["parameters"]})])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    spec = {"run": "r", "export": [], "reports": [{"notebook": str(tmp_path / "tiny.ipynb"), "brand": f"b{i}"}
                                                   for i in range(2)]}
    engine = LocalEngine(workers=2)
    worker = engine.after(os.getpid)
    results = list(engine.run(jobs_from_spec(spec, reports_dir=tmp_path / "reports")))
    assert [r.status for r in results] == ["ok", "ok"]
    pid = worker()
    assert pid != os.getpid()  # made by a worker, after the reports
    deadline = time.time() + 60
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE and time.time() < deadline:
        time.sleep(0.05)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # before close()
    engine.close()
    assert engine._running is None and engine._stopping is None


@pytest.mark.notebook
def test_workers_run_in_the_batch_folder_with_its_environment_batch_after_batch(tmp_path, monkeypatch):
    # workers are forked from a fork server that keeps the environment it started with (multiprocessing
    # hands a worker the parent's folder); each batch's workers must have the batch's own of both
    import nbformat
    import os

    from socialkit.batch import LocalEngine

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('label = "x"', metadata={"tags": ["parameters"]})])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    for n in (1, 2):
        here = tmp_path / f"folder{n}"
        here.mkdir()
        monkeypatch.chdir(here)
        monkeypatch.setenv("SOCIALKIT_PROBE", f"batch {n}")
        spec = {"run": f"r{n}", "export": [], "reports": [{"notebook": str(tmp_path / "tiny.ipynb"), "brand": "b"}]}
        engine = LocalEngine(workers=1)
        pid, cwd, probe = engine.after(os.getpid), engine.after(os.getcwd), engine.after(os.getenv, "SOCIALKIT_PROBE")
        summary = run_batch(jobs_from_spec(spec, reports_dir=here / "reports"), engine=engine, index=False,
                            history_url=False)
        assert [r.status for r in summary.results] == ["ok"]
        assert pid() != os.getpid()  # asked of a worker
        assert (cwd(), probe()) == (str(here), f"batch {n}")


def test_the_process_workers_fork_from_has_what_they_need_before_their_first_report():
    code = ("import sys, socialkit.worker as w; from socialkit import tables; "
            "print(all(m in sys.modules for m in ('great_tables', 'nbconvert', 'altair', 'playwright.sync_api', "
            "'socialkit.compare')) and 'dask.dataframe' not in sys.modules, sorted({k[0] for k in tables._CACHE}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    # imported, and the tables read (validated: with no import of dask's frames, see socialkit.schemas)
    assert out.stdout.strip() == "True ['labels', 'venn_thresholds']"
    from socialkit.batch import WORKER_PRELOAD

    assert WORKER_PRELOAD == ["socialkit.worker"]


@pytest.mark.notebook
def test_a_batch_stopped_early_cancels_its_queued_reports_and_stops_its_workers(tmp_path):
    import nbformat
    import psutil

    from socialkit.batch import LocalEngine

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('label = "x"', metadata={"tags": ["parameters"]})])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    spec = {"run": "stop", "export": [], "reports": [{"notebook": str(tmp_path / "tiny.ipynb"), "brand": f"b{i}",
                                                       "parameters": {"label": str(i)}} for i in range(6)]}
    jobs = jobs_from_spec(spec, reports_dir=tmp_path / "reports")
    started = time.time() - 1

    def stop(result):
        raise KeyboardInterrupt  # as Ctrl-C while the progress line is printed

    engine = LocalEngine(workers=1)
    with pytest.raises(KeyboardInterrupt):
        run_batch(jobs, engine=engine, on_result=stop, index=False, history_url=False)
    written = list((tmp_path / "reports" / "stop").glob("*/*.json"))
    assert 1 <= len(written) < 6  # the first report finished; the queued ones were cancelled, not run
    assert engine._running is None
    left = [p.pid for p in psutil.process_iter(["cmdline", "create_time"]) if p.info["create_time"] >= started
            and "socialkit.zygote" in " ".join(p.info["cmdline"] or []) and "--listen" in (p.info["cmdline"] or [])]
    assert not left, f"zygote or kernels left running: {left}"


@pytest.mark.notebook
def test_the_fork_server_stops_at_once_and_a_later_batch_starts_another(tmp_path):
    import nbformat
    from multiprocessing import forkserver

    from socialkit.batch import LocalEngine, stop_fork_server

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('label = "x"', metadata={"tags": ["parameters"]})])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    for run in ("one", "two"):
        spec = {"run": run, "export": [], "reports": [{"notebook": str(tmp_path / "tiny.ipynb"), "brand": "b"}]}
        summary = run_batch(jobs_from_spec(spec, reports_dir=tmp_path / "reports"), engine=LocalEngine(workers=1),
                            index=False, history_url=False)
        assert [r.status for r in summary.results] == ["ok"]
        pid = forkserver._forkserver._forkserver_pid
        assert pid and Path(f"/proc/{pid}").exists()
        stop_fork_server()
        assert not Path(f"/proc/{pid}").exists() and forkserver._forkserver._forkserver_pid is None

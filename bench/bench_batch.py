"""Batch benchmark: 24 reports with HTML and PDF, four ways, measured in the same run.

The 24 reports are notebooks 01-04 for six brands (the three samples and a copy of each, in a
temporary samples folder). Every way produces, per report, an executed notebook, an HTML page
without code and a PDF:

- **batch**: ``socialkit batch --workers 2`` (forked warm kernels, charts drawn in the worker, the
  PDF printed by the engine the demo uses, ``auto``: Debian's Chromium kept running per worker);
- **naive loop**: per report, the ``papermill`` command line, then ``jupyter nbconvert --to html
  --no-input``, then the ``weasyprint`` command line on that HTML;
- **papermill two at a time**: the same three commands, in two loops running side by side (the
  fair parallel baseline on 2 cores);
- **in process**: the notebooks' code cells in one already-running IPython after a warm-up round,
  charts drawn to SVG as in a report (the notebook's own work: what no report can go below), right
  before and right after the batch (averaged: the machine's speed drifts over minutes); and
  the same, two runs side by side, as the notebooks' work costs when both cores are busy.

Also: the demo manifest (15 reports, HTML and PDF) as ``make demo`` runs it, with the CPU-seconds of
each kind of process it starts (kernels, workers, Chromium...; :mod:`bench.cpu`). Results go to
bench/results/batch.json; the batch's phase breakdown (kernel, execute, HTML, write, PDF per
report, and the slowest cells) to bench/results/batch_phases.json.

    python bench/bench_batch.py               # everything (about 10 minutes on 2 cores)
    python bench/bench_batch.py --brands 1 --copies 1 --notebooks 01_social_business_venn   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script (python bench/bench_batch.py)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import cpu as cpu_by_process

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ["01_social_business_venn", "02_relationship_depth", "03_psychographic_segments", "04_vanity_to_value"]
BIN = Path(sys.executable).parent
#: Targets of the performance work (figures of this benchmark, never asserted in tests).
TARGETS = {"overhead_per_report_seconds": 1.5, "speedup_vs_naive": 5.0, "speedup_vs_papermill_two": 2.5,
           "segmentation_pdf_seconds": 1.5, "demo_batch_seconds": 30.0}


def _say(message: str) -> None:
    print(f"[bench_batch] {message}", file=sys.stderr, flush=True)


def _samples(tmp: Path, copies: int, brands: int) -> tuple[Path, list[str]]:
    src = ROOT / "data" / "samples"
    out = tmp / "samples"
    names = []
    for brand in sorted(p.name for p in src.iterdir() if (p / "brand.json").is_file())[:brands]:
        for i in range(copies):
            name = brand if i == 0 else f"{brand}_copy{i}"
            shutil.copytree(src / brand, out / name)
            names.append(name)
    return out, names


def _one_by_commands(nb: str, brand: str, out: Path, env) -> None:
    """One report the way it is done by hand: papermill, nbconvert, then WeasyPrint on the HTML."""
    target = out / brand / f"{nb}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{nb}.ipynb"), str(target),
                    "-p", "brand", brand, "-p", "interactive", "False", "--no-progress-bar",
                    "--log-level", "ERROR"], check=True, env=env, capture_output=True)
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)],
                   check=True, env=env, capture_output=True)
    subprocess.run([str(BIN / "weasyprint"), str(target.with_suffix(".html")), str(target.with_suffix(".pdf"))],
                   check=True, env=env, capture_output=True)


def naive(jobs, out: Path, env, loops: int = 1) -> float:
    """``loops`` command-line loops side by side, each taking every ``loops``-th report."""
    start = time.perf_counter()

    def loop(part):
        for nb, brand in part:
            _one_by_commands(nb, brand, out, env)

    with ThreadPoolExecutor(max_workers=loops) as pool:
        for f in [pool.submit(loop, jobs[i::loops]) for i in range(loops)]:
            f.result()
    return time.perf_counter() - start


def batch(notebooks, brands, out: Path, env, workers: int) -> tuple[float, dict]:
    manifest = out / "bench.yml"
    out.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"run": "bench", "notebooks": notebooks, "brands": brands,
                                    "parameters": {"interactive": False}, "export": ["html", "pdf"],
                                    "pdf_engine": "auto"}))
    start = time.perf_counter()
    subprocess.run([str(BIN / "socialkit"), "batch", str(manifest), "--workers", str(workers),
                    "--reports-dir", str(out / "reports")], check=True, env=env, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads((out / "reports" / "bench" / "batch.json").read_text())


def demo(out: Path, env) -> tuple[float, dict, dict]:
    """The demo manifest as `make demo` runs it (its own reports folder, so no earlier run is reused),
    with the CPU-seconds of each kind of process it starts (:mod:`bench.cpu`, sampled 4 times a second)."""
    seconds, cpu = cpu_by_process.run([str(BIN / "socialkit"), "batch", str(ROOT / "manifests" / "demo.yml"),
                                       "--workers", "2", "--reports-dir", str(out)], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = [p for p in out.iterdir() if (p / "batch.json").is_file()]
    return seconds, json.loads((runs[0] / "batch.json").read_text()), cpu


def in_process(notebooks, brand: str, env) -> dict[str, float]:
    """Seconds to run each notebook's code cells in one already-running IPython (after a warm-up)."""
    code = r'''
import json, os, sys, time, nbformat
os.environ["SOCIALKIT_BATCH"] = "1"
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
shell = InteractiveShell.instance()
out = {}
for name in sys.argv[2:] * 2:  # the first round warms imports and caches
    nb = nbformat.read(f"notebooks/{name}.ipynb", as_version=4)
    shell.reset(new_session=True)
    start = time.perf_counter()
    with capture_output():
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            src = cell.source
            if "parameters" in cell.metadata.get("tags", []):
                src += f"\nbrand = {sys.argv[1]!r}\ninteractive = False"
            r = shell.run_cell(src.replace('"' + name + '"', f'"notebooks/{name}.ipynb"'))
            if not r.success:
                raise SystemExit(f"{name}: {r.error_in_exec or r.error_before_exec}")
    out[name] = time.perf_counter() - start
print(json.dumps(out))
'''
    res = subprocess.run([sys.executable, "-c", code, brand, *notebooks], check=True, env=env, cwd=ROOT,
                         capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def in_process_two_at_once(notebooks, brands: list[str], env) -> dict[str, float]:
    """The same in-process run, two of them side by side (two brands): what the notebooks' own work
    costs when both cores are busy, as they are in a batch (each run's seconds, averaged)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda b: in_process(notebooks, b, env), (brands[0], brands[-1])))
    return {nb: sum(r[nb] for r in runs) / len(runs) for nb in runs[0]}


def phases(summary: dict) -> dict:
    """Mean seconds of each phase per notebook, from the batch's own record (batch.json)."""
    names = ("kernel", "execute", "html", "write", "pdf", "other")
    by_nb: dict[str, list[dict]] = {}
    for label, rep in summary["reports"].items():
        by_nb.setdefault(label.split("/")[-1], []).append(rep)
    return {nb: {p: round(sum(r.get(p, 0) for r in reps) / len(reps), 3) for p in names}
            for nb, reps in sorted(by_nb.items())}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brands", type=int, default=3, help="sample brands used (each also copied once)")
    ap.add_argument("--copies", type=int, default=2)
    ap.add_argument("--notebooks", nargs="*", default=NOTEBOOKS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-demo", action="store_true", help="skip the demo manifest run")
    ap.add_argument("--out", default=str(HERE / "results" / "batch.json"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        samples, brands = _samples(tmp, args.copies, args.brands)
        env = {**os.environ, "SOCIALKIT_SAMPLES": str(samples)}
        env.pop("SOCIALKIT_HISTORY", None)
        jobs = [(nb, brand) for brand in brands for nb in args.notebooks]
        n = len(jobs)
        # the in-process baseline is measured right before and right after the batch, and averaged: the
        # machine's speed drifts by 10-20 % over minutes, and the overhead is a difference of the two
        _say("in process, before the batch")
        inproc_before = in_process(args.notebooks, brands[0], env)
        _say(f"batch: {n} reports, {args.workers} workers")
        t_batch, summary = batch(args.notebooks, brands, tmp / "batch", env, args.workers)
        _say(f"batch: {t_batch:.1f} s; in process, after the batch")
        inproc_after = in_process(args.notebooks, brands[0], env)
        inproc = {nb: (inproc_before[nb] + inproc_after[nb]) / 2 for nb in inproc_before}
        _say("naive loop of command lines")
        t_naive = naive(jobs, tmp / "naive", env)
        _say(f"naive: {t_naive:.1f} s; papermill two at a time")
        t_two = naive(jobs, tmp / "two", env, loops=2)
        _say(f"two at a time: {t_two:.1f} s; in process, two at once")
        inproc_two = in_process_two_at_once(args.notebooks, brands, env)
        t_demo, demo_summary, demo_cpu = (None, None, None) if args.no_demo else demo(
            tmp / "demo", {**env, "SOCIALKIT_SAMPLES": str(ROOT / "data" / "samples")})
    mean_inproc = sum(inproc.values()) / len(inproc)
    mean_inproc_two = sum(inproc_two.values()) / len(inproc_two)
    per_report_batch = t_batch * args.workers / n  # worker-seconds per report
    by_nb = phases(summary)
    seg = by_nb.get("03_psychographic_segments", {})
    result = {
        "benchmark": "batch", "reports": n, "workers": args.workers, "exports": ["html", "pdf"],
        "pdf_engine_batch": "auto (Chromium kept running)", "pdf_engine_loops": "weasyprint command line",
        "batch_seconds": round(t_batch, 1), "naive_seconds": round(t_naive, 1),
        "papermill_two_seconds": round(t_two, 1),
        "speedup_vs_naive": round(t_naive / t_batch, 2),
        "speedup_vs_papermill_two": round(t_two / t_batch, 2),
        "in_process_seconds_per_notebook": {k: round(v, 2) for k, v in inproc.items()},
        "in_process_seconds_mean": round(mean_inproc, 2),
        "in_process_seconds_mean_before_and_after_batch": [round(sum(r.values()) / len(r), 2)
                                                            for r in (inproc_before, inproc_after)],
        "batch_worker_seconds_per_report": round(per_report_batch, 2),
        "overhead_per_report_seconds": round(per_report_batch - mean_inproc, 2),
        "overhead_ratio": round(per_report_batch / mean_inproc, 2),
        "in_process_two_at_once_seconds_mean": round(mean_inproc_two, 2),
        "overhead_vs_two_at_once_seconds": round(per_report_batch - mean_inproc_two, 2),
        "segmentation_pdf_seconds": seg.get("pdf"),
        "demo_batch_seconds": None if t_demo is None else round(t_demo, 1),
        "targets": TARGETS,
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    breakdown = {"batch": {"seconds": summary["seconds"], "report_seconds": summary["report_seconds"],
                           "totals": summary["totals"], "shares": summary["shares"], "by_notebook": by_nb,
                           "slowest_cells": summary.get("slowest_cells", [])[:10]}}
    if demo_summary:
        breakdown["demo"] = {"seconds": demo_summary["seconds"], "report_seconds": demo_summary["report_seconds"],
                             "totals": demo_summary["totals"], "shares": demo_summary["shares"],
                             "by_notebook": phases(demo_summary)}
        n_demo = len(demo_summary["reports"])
        breakdown["demo_cpu"] = {**demo_cpu, "reports": n_demo, "cpu_seconds_per_report": {
            k: round(v / n_demo, 2) for k, v in demo_cpu["cpu_seconds"].items()}}
        result["demo_cpu"] = demo_cpu
    out.write_text(json.dumps(result, indent=2) + "\n")
    out.with_name("batch_phases.json").write_text(json.dumps(breakdown, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

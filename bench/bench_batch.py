"""Batch benchmark: 24 reports with ``socialkit batch --workers 2`` against a naive loop of the
``papermill`` CLI followed by ``jupyter nbconvert --to html`` per report, measured in the same run.

The 24 reports are notebooks 01-04 for six brands (the three samples and a copy of each, in a
temporary samples folder). Both sides produce an executed notebook and an HTML page per report.
Also measured: the per-report overhead of a batch report above executing the same notebook's
code in an already-running interpreter (IPython, charts rendered to SVG as in a report).

Target: the batch at least 3x faster end to end. Results: bench/results/batch.json.

    python bench/bench_batch.py               # 24 reports each way (several minutes)
    python bench/bench_batch.py --brands 1 --notebooks 01_social_business_venn   # a smoke run
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ["01_social_business_venn", "02_relationship_depth", "03_psychographic_segments", "04_vanity_to_value"]
BIN = Path(sys.executable).parent


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


def naive(notebooks, brands, out: Path, env) -> float:
    start = time.perf_counter()
    for brand in brands:
        for nb in notebooks:
            target = out / brand / f"{nb}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{nb}.ipynb"), str(target),
                            "-p", "brand", brand, "-p", "interactive", "False", "--no-progress-bar",
                            "--log-level", "ERROR"], check=True, env=env, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)],
                           check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def batch(notebooks, brands, out: Path, env, workers: int) -> float:
    manifest = out / "bench.yml"
    out.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"run": "bench", "notebooks": notebooks, "brands": brands,
                                    "parameters": {"interactive": False}, "export": ["html"]}))
    start = time.perf_counter()
    subprocess.run([str(BIN / "socialkit"), "batch", str(manifest), "--workers", str(workers),
                    "--reports-dir", str(out / "reports")], check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def in_process(notebooks, brand: str, env) -> dict[str, float]:
    """Seconds to run each notebook's code cells in one already-running IPython (after a warm-up)."""
    code = r'''
import json, sys, time, nbformat
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
shell = InteractiveShell.instance()
out = {}
for name in sys.argv[2:] * 2:  # the first round warms imports and caches
    nb = nbformat.read(f"notebooks/{name}.ipynb", as_version=4)
    shell.reset(new_session=True)
    shell.run_cell("import os; os.environ['SOCIALKIT_BATCH'] = '1'")
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


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brands", type=int, default=3, help="sample brands used (each also copied once)")
    ap.add_argument("--copies", type=int, default=2)
    ap.add_argument("--notebooks", nargs="*", default=NOTEBOOKS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(HERE / "results" / "batch.json"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        samples, brands = _samples(tmp, args.copies, args.brands)
        env = {**os.environ, "SOCIALKIT_SAMPLES": str(samples)}
        n = len(brands) * len(args.notebooks)
        t_batch = batch(args.notebooks, brands, tmp / "batch", env, args.workers)
        t_naive = naive(args.notebooks, brands, tmp / "naive", env)
        inproc = in_process(args.notebooks, brands[0], env)
    mean_inproc = sum(inproc.values()) / len(inproc)
    per_report_batch = t_batch * args.workers / n  # worker-seconds per report
    result = {
        "benchmark": "batch", "reports": n, "workers": args.workers,
        "batch_seconds": round(t_batch, 1), "naive_seconds": round(t_naive, 1),
        "speedup_vs_naive": round(t_naive / t_batch, 2), "target_speedup": 3.0,
        "in_process_seconds_per_notebook": {k: round(v, 2) for k, v in inproc.items()},
        "batch_worker_seconds_per_report": round(per_report_batch, 2),
        "overhead_per_report_seconds": round(per_report_batch - mean_inproc, 2),
        "overhead_ratio": round(per_report_batch / mean_inproc, 2),
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

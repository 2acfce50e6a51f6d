"""Run every benchmark in bench/ and write one results file, bench/results/results.json, plus the
table between the bench markers of README.md.

    python -m bench            # everything (several minutes on 2 cores)
    python -m bench --quick    # small sizes, to check the benchmarks themselves run
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _run(script: str, args: list[str]) -> dict:
    out = RESULTS / f"{Path(script).stem.removeprefix('bench_')}.json"
    subprocess.run([sys.executable, str(HERE / script), *args, "--out", str(out)], check=True, cwd=ROOT)
    return json.loads(out.read_text())


def _readme_table(results: dict, previous: dict) -> str:
    """The README's table: this run's figures, the baselines measured in the same run, the ratios,
    the targets, and the figures published before (bench/results/previous.json: the run published
    last, or only some of its figures when it measured less)."""
    seg, bat = results["segments"], results["batch"]
    pseg, pbat = previous.get("segments", {}), previous.get("batch", {})
    html_only = " (HTML only)" if pbat.get("exports") == ["html"] else ""

    def before(value, text: str) -> str:
        return text if value is not None else "not measured"

    rows = ["| benchmark | this run | baseline (same run) | ratio | target | before |", "|---|---|---|---|---|---|"]
    ratio = seg.get("ratio_to_kmeans", seg.get("ratio"))
    rows.append(f"| segmentation, {seg.get('rows', '?'):,} x {seg.get('items', '?')} end to end | "
                f"{seg.get('total_seconds', '?')} s, peak {seg.get('peak_memory_mb', '?')} MB | "
                f"one KMeans(6, n_init=1) fit: {seg.get('kmeans_reference_seconds', '?')} s | {ratio}x | <= 40x, < 3 GB | "
                f"{pseg.get('total_seconds', '?')} s, {pseg.get('ratio', '?')}x |")
    n = bat["reports"]
    rows.append(f"| batch, {n} reports with HTML and PDF, {bat['workers']} workers | {bat['batch_seconds']} s | "
                f"papermill + nbconvert + weasyprint command lines, one by one: {bat['naive_seconds']} s | "
                f"{bat['speedup_vs_naive']}x faster | >= 5x | {pbat.get('batch_seconds', '?')} s vs "
                f"{pbat.get('naive_seconds', '?')} s, {pbat.get('speedup_vs_naive', '?')}x{html_only} |")
    rows.append(f"| batch, same {n} reports | {bat['batch_seconds']} s | the same command lines, two at a time: "
                f"{bat['papermill_two_seconds']} s | {bat['speedup_vs_papermill_two']}x faster | >= 2.5x | "
                + before(pbat.get("papermill_two_seconds"), f"{pbat.get('batch_seconds')} s vs "
                         f"{pbat.get('papermill_two_seconds')} s, {pbat.get('speedup_vs_papermill_two')}x") + " |")
    rows.append(f"| per-report overhead (worker-s per report minus in-process s) | {bat['overhead_per_report_seconds']} s "
                f"({bat['batch_worker_seconds_per_report']} worker-s per report) | the notebooks' code in a running "
                f"interpreter: {bat['in_process_seconds_mean']} s per report | {bat['overhead_ratio']}x | <= 1.5 s | "
                f"{pbat.get('overhead_per_report_seconds', '?')} s{html_only} |")
    if bat.get("overhead_vs_two_at_once_seconds") is not None:
        rows.append(f"| per-report overhead against the same code two at once (both cores busy, as in a batch) | "
                    f"{bat['overhead_vs_two_at_once_seconds']} s | the notebooks' code, two interpreters side by side: "
                    f"{bat['in_process_two_at_once_seconds_mean']} s per report | | (for reading the row above) | "
                    + before(pbat.get("overhead_vs_two_at_once_seconds"),
                             f"{pbat.get('overhead_vs_two_at_once_seconds')} s") + " |")
    rows.append(f"| segmentation report's PDF (mean in the batch) | {bat['segmentation_pdf_seconds']} s | | | < 1.5 s | "
                + (f"{pbat['segmentation_pdf_seconds']} s" if pbat.get("segmentation_pdf_seconds") is not None
                   else "7.2 s (WeasyPrint)") + " |")
    if bat.get("demo_batch_seconds") is not None:
        rows.append(f"| `make demo`: 15 reports with HTML and PDF | {bat['demo_batch_seconds']} s | | | < 30 s | "
                    f"{pbat.get('demo_batch_seconds', previous.get('demo_batch_seconds', '?'))} s |")
    cpu, pcpu = bat.get("demo_cpu") or {}, pbat.get("demo_cpu") or {}
    if cpu.get("cpu_seconds"):
        parts = ", ".join(f"{k} {v}" for k, v in cpu["cpu_seconds"].items())
        rows.append(f"| `make demo`: CPU-seconds of every process it starts | {cpu.get('cpu_seconds_total')} CPU-s "
                    f"({parts}) | | | | " + before(pcpu.get("cpu_seconds_total"),
                                                    f"{pcpu.get('cpu_seconds_total')} CPU-s") + " |")
    return "\n".join(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Run every benchmark.")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run; figures not meaningful)")
    args = ap.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    results = {
        "segments": _run("bench_segments.py", ["--rows", "20000"] if args.quick else []),
        "batch": _run("bench_batch.py", ["--brands", "1", "--copies", "1", "--notebooks", "01_social_business_venn",
                                         "--no-demo"] if args.quick else []),
    }
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["quick"] = args.quick
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if not args.quick:
        readme = ROOT / "README.md"
        text = readme.read_text()
        previous = json.loads((RESULTS / "previous.json").read_text())
        table = _readme_table(results, previous)
        readme.write_text(re.sub(r"(<!-- bench:start -->\n).*?(\n<!-- bench:end -->)",
                                 lambda m: m.group(1) + table + m.group(2), text, flags=re.S))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

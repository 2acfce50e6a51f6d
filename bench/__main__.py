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


def _readme_table(results: dict) -> str:
    seg, bat = results["segments"], results["batch"]
    rows = ["| benchmark | measured | baseline (same run) | ratio | target |", "|---|---|---|---|---|"]
    if "ratio" in seg or "ratio_to_kmeans" in seg:
        ratio = seg.get("ratio_to_kmeans", seg.get("ratio"))
        rows.append(f"| segmentation, {seg.get('rows', '?'):,} x {seg.get('items', '?')} end to end | "
                    f"{seg.get('total_seconds', '?')} s, peak {seg.get('peak_memory_mb', '?')} MB | "
                    f"one KMeans(6, n_init=1) fit: {seg.get('kmeans_reference_seconds', '?')} s | {ratio}x | <= 40x, < 3 GB |")
    rows.append(f"| batch, {bat['reports']} reports, {bat['workers']} workers | {bat['batch_seconds']} s | "
                f"papermill CLI + nbconvert loop: {bat['naive_seconds']} s | {bat['speedup_vs_naive']}x faster | >= 3x |")
    rows.append(f"| per-report overhead: {bat['overhead_per_report_seconds']} s | "
                f"{bat['batch_worker_seconds_per_report']} worker-s per report (kernel, export, records) | "
                f"same code in a running interpreter: {sum(bat['in_process_seconds_per_notebook'].values()) / len(bat['in_process_seconds_per_notebook']):.1f} s | "
                f"{bat['overhead_ratio']}x | |")
    return "\n".join(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Run every benchmark.")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run; figures not meaningful)")
    args = ap.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    results = {
        "segments": _run("bench_segments.py", ["--rows", "20000"] if args.quick else []),
        "batch": _run("bench_batch.py", ["--brands", "1", "--copies", "1", "--notebooks", "01_social_business_venn"]
                      if args.quick else []),
    }
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["quick"] = args.quick
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if not args.quick:
        readme = ROOT / "README.md"
        text = readme.read_text()
        table = _readme_table(results)
        readme.write_text(re.sub(r"(<!-- bench:start -->\n).*?(\n<!-- bench:end -->)",
                                 lambda m: m.group(1) + table + m.group(2), text, flags=re.S))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""The benchmark's own arithmetic: the phase breakdown per notebook and the README table."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name.strip('_')}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_phases_are_averaged_per_notebook_from_the_batch_record():
    bench = _module("bench_batch")
    summary = {"reports": {
        "a/03_psychographic_segments": {"status": "ok", "kernel": 1.0, "execute": 3.0, "pdf": 0.5},
        "b/03_psychographic_segments": {"status": "ok", "kernel": 0.0, "execute": 5.0, "pdf": 1.5},
        "a/01_social_business_venn": {"status": "ok", "execute": 2.0, "html": 0.2},
    }}
    by_nb = bench.phases(summary)
    assert by_nb["03_psychographic_segments"] == {"kernel": 0.5, "execute": 4.0, "html": 0.0, "write": 0.0,
                                                  "pdf": 1.0, "other": 0.0}
    assert by_nb["01_social_business_venn"]["html"] == 0.2


def test_readme_table_shows_every_ratio_the_targets_and_the_figures_before():
    main = _module("__main__")
    results = {"segments": {"rows": 1000000, "items": 30, "total_seconds": 15.0, "peak_memory_mb": 1400,
                            "kmeans_reference_seconds": 0.6, "ratio": 25.0},
               "batch": {"reports": 24, "workers": 2, "batch_seconds": 60.0, "naive_seconds": 330.0,
                         "papermill_two_seconds": 190.0, "speedup_vs_naive": 5.5, "speedup_vs_papermill_two": 3.17,
                         "overhead_per_report_seconds": 1.9, "batch_worker_seconds_per_report": 5.0,
                         "in_process_seconds_mean": 3.1, "overhead_ratio": 1.61, "segmentation_pdf_seconds": 0.9,
                         "demo_batch_seconds": 45.0, "in_process_two_at_once_seconds_mean": 3.6,
                         "overhead_vs_two_at_once_seconds": 1.4,
                         "demo_cpu": {"cpu_seconds": {"kernels": 30.0, "Chromium": 10.0}, "cpu_seconds_total": 40.0}}}
    # the figures published before: an older run that measured HTML only and fewer things ...
    older = {"segments": {"total_seconds": 16.67, "ratio": 28.21},
             "batch": {"exports": ["html"], "batch_seconds": 70.6, "naive_seconds": 265.1, "speedup_vs_naive": 3.75,
                       "overhead_per_report_seconds": 4.27}, "demo_batch_seconds": 72}
    table = main._readme_table(results, older)
    assert "5.5x faster" in table and "3.17x faster" in table and "| 1.9 s" in table
    assert ">= 5x" in table and ">= 2.5x" in table and "<= 1.5 s" in table and "< 30 s" in table
    assert "265.1 s" in table and "4.27 s (HTML only)" in table and "| 72 s |" in table
    assert "| 1.4 s | the notebooks' code, two interpreters side by side: 3.6 s" in table
    assert "40.0 CPU-s (kernels 30.0, Chromium 10.0)" in table and table.count("not measured") == 3
    assert all(line.count("|") == table.splitlines()[0].count("|") for line in table.splitlines())
    # ... and the run published last, which measured everything this one does
    last = json.loads((ROOT / "bench" / "results" / "previous.json").read_text())
    table = main._readme_table(results, last)
    assert "not measured" not in table and "(HTML only)" not in table
    assert f"{last['batch']['demo_cpu']['cpu_seconds_total']} CPU-s |" in table
    assert all(line.count("|") == table.splitlines()[0].count("|") for line in table.splitlines())


def test_cpu_seconds_are_counted_for_the_command_and_what_it_starts_by_kind():
    cpu = _module("cpu")
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass"
    script = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {burn!r}], check=True)\n{burn}"
    import sys

    seconds, got = cpu.run([sys.executable, "-c", script])
    assert seconds >= 1.0
    # its own 0.6 s (and its start-up), and the child it started; the last quarter second of a process
    # can go unsampled (bench/cpu.py)
    assert 0.3 <= got["cpu_seconds"]["batch command"] <= 1.2
    assert 0.3 <= got["cpu_seconds"]["other"] <= 1.2
    assert got["machine_busy_cpu_seconds"] >= 1.0
    assert cpu.kind("/usr/lib/chromium/chromium --type=renderer", "", False) == "Chromium"
    assert cpu.kind("python -m socialkit.zygote --listen /tmp/z", "python -m socialkit.zygote --listen /tmp/z",
                    False) == "kernels"
    assert cpu.kind("python -m socialkit.zygote", "socialkit batch demo.yml", False) == "kernel zygote"
    assert cpu.kind("python -c from multiprocessing.spawn import spawn_main", "", False) == "batch workers"
    forked = "python -c from multiprocessing.forkserver import main; main(7, 8, ['socialkit.worker'])"
    assert cpu.kind(forked, forked, False) == "batch workers"  # the fork server names its preload

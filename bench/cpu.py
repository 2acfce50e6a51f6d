"""CPU-seconds of a command and everything it starts, by kind of process (Linux /proc).

A batch on 2 cores keeps both busy the whole time, so its length is the CPU work it does divided by
2: this says which processes do that work (the kernels running the notebooks' code, the workers,
Chromium drawing charts and printing, the command itself...). The processes are sampled four times a
second (``/proc/<pid>/stat``); a process's last sample is what it is counted for, so a short-lived
process can be under-counted by up to a quarter of a second (an approximation, stated with the figures).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
INTERVAL = 0.25
#: Kinds of process, in the order they are reported.
KINDS = ("kernels", "batch workers", "Chromium", "batch command", "kernel zygote", "Playwright driver", "other")


def _read(pid: str) -> tuple[int, str, float] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), cmd, (int(fields[11]) + int(fields[12])) / TICK


def busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (every core, /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


def kind(cmd: str, parent_cmd: str, root: bool) -> str:
    """What a process is, from its command line and its parent's."""
    if root:
        return "batch command"
    if "socialkit.zygote" in cmd:
        return "kernels" if "socialkit.zygote" in parent_cmd else "kernel zygote"
    if "chrom" in cmd.split(" ")[0]:
        return "Chromium"
    if "multiprocessing" in cmd:  # spawned workers, or forked from the fork server (it names its preload)
        return "batch workers"
    if "playwright" in cmd or cmd.split(" ")[0].endswith("node"):
        return "Playwright driver"
    return "other"


def run(argv: list[str], **popen) -> tuple[float, dict]:
    """Run ``argv`` to the end; returns its wall seconds and CPU-seconds by kind of process (its
    own and its descendants'), with the machine's busy CPU-seconds over the same time."""
    seen: dict[int, tuple[int, str, float]] = {}
    ours: set[int] = set()
    start_busy, start = busy_seconds(), time.perf_counter()
    proc = subprocess.Popen(argv, **popen)
    ours.add(proc.pid)
    stop = threading.Event()

    def sample() -> None:
        while True:
            for pid in (p for p in os.listdir("/proc") if p.isdigit()):
                got = _read(pid)
                if got is None:
                    continue
                ppid, cmd, cpu = got
                pid_n = int(pid)
                if pid_n in seen and not cmd.strip():  # a finished process keeps the command it had
                    cmd = seen[pid_n][1]
                if ppid in ours:
                    ours.add(pid_n)
                if pid_n in ours:
                    seen[pid_n] = (ppid, cmd, cpu)
            if stop.wait(INTERVAL):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        proc.wait()
    finally:
        stop.set()
        thread.join()
    seconds = time.perf_counter() - start
    by_kind: dict[str, float] = defaultdict(float)
    for pid, (ppid, cmd, cpu) in seen.items():
        by_kind[kind(cmd, seen.get(ppid, (0, "", 0.0))[1], pid == proc.pid)] += cpu
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, argv)
    return seconds, {"cpu_seconds": {k: round(by_kind[k], 1) for k in KINDS if by_kind.get(k)},
                     "cpu_seconds_total": round(sum(by_kind.values()), 1),
                     "machine_busy_cpu_seconds": round(busy_seconds() - start_busy, 1),
                     "sampled_every_seconds": INTERVAL}

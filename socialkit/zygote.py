"""Kernels forked from one pre-imported process.

Starting a kernel is cheap (0.2 s of CPU); importing pandas, altair, scikit-learn and the kit in
it is not (about 3 s of CPU, every report). The zygote is a small process that imports all of
that once and then forks a fresh kernel process for each report: the fork shares the imported
modules copy-on-write, so a report's kernel is ready in a fraction of a second. The zygote never
runs report code, and each forked kernel serves one report and is then stopped, so no state is
ever shared between two reports.

Protocol (one JSON object per line on the zygote's stdin/stdout):
``{"argv": [...], "cwd": "...", "env": {...}}`` -> ``{"pid": 1234}`` or ``{"error": "..."}``.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from .exceptions import KernelStartError

#: Imported once in the zygote, before any fork.
PRELOAD = ("numpy", "pandas", "altair", "vl_convert", "sklearn.cluster", "sklearn.metrics", "ipywidgets",
           "ipykernel.kernelapp", "socialkit", "socialkit.io", "socialkit.tables", "socialkit.params",
           "socialkit.findings", "socialkit.venn", "socialkit.depth", "socialkit.ladder", "socialkit.segments",
           "socialkit.metrics", "socialkit.summary", "socialkit.activation", "socialkit.charts",
           "socialkit.charts.venn", "socialkit.charts.depth", "socialkit.charts.ladder", "socialkit.charts.segments",
           "socialkit.charts.metrics", "socialkit.present", "socialkit.figures", "socialkit.records",
           "socialkit.history", "socialkit.practices", "socialkit.norms", "socialkit.periods",
           "socialkit.panels.venn", "socialkit.panels.depth", "socialkit.panels.segments", "socialkit.panels.metrics")


# --------------------------------------------------------------------------- the zygote process


def _serve() -> None:  # pragma: no cover - runs in the zygote process, exercised through tests of Zygote
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    _warm()
    # Everything imported so far lives as long as the zygote: moved out of the collector's reach, a
    # kernel's garbage collections never write to those objects, so their memory pages stay shared
    # with the zygote instead of being copied into every kernel (each copy is a page fault).
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel processes are reaped automatically
    out = os.fdopen(os.dup(1), "w", buffering=1)
    print(json.dumps({"ready": True}), file=out)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            pid = os.fork()
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), file=out)
            continue
        if pid == 0:
            _become_kernel(request)
        print(json.dumps({"pid": pid}), file=out)


def _warm() -> None:  # pragma: no cover - runs in the zygote process
    """First-call work that is the same for every report, done once before forking: building the
    data contracts' schemas and Altair's Vega-Lite validator. Only pure-Python objects are made
    here; nothing that starts threads (vl-convert's runtime starts in each kernel)."""
    try:
        # the zygote's own preload: these imports are the point of this function
        import altair as alt
        import pandas as pd

        from socialkit import io, schemas

        for model, _ in schemas.CONTRACTS.values():
            model.to_schema()
        io.validate(pd.DataFrame({"channel": ["a"], "reach": [1], "likes": [0]}), "posts")
        alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q").to_dict()
    except Exception:
        pass


def _become_kernel(request: dict) -> None:  # pragma: no cover - runs in a forked child
    try:
        os.setsid()  # its own process group, so the kernel and its children are signalled together
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from ipykernel.kernelapp import IPKernelApp  # in the forked child: already imported by the zygote

        sys.argv = ["ipykernel_launcher", *request["argv"]]
        app = IPKernelApp.instance()
        app.initialize(request["argv"])
        app.start()
    finally:
        os._exit(0)


# --------------------------------------------------------------------------- the client side


class Zygote:
    """Handle on a zygote process (one per worker process)."""

    def __init__(self, timeout: float = 120):
        env = {**os.environ, "SOCIALKIT_BATCH": "1"}
        env.pop("JPY_SESSION_NAME", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "socialkit.zygote"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._timeout = timeout

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise KernelStartError("the kernel zygote stopped", fix="see the kernel log; plain kernels are used instead")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel process running ``ipykernel`` with ``argv``; returns its pid."""
        with self._lock:
            if not self._ready.is_set():
                if not self._read().get("ready"):
                    raise KernelStartError("the kernel zygote did not start")
                self._ready.set()
            self.proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self.proc.stdin.flush()
            reply = self._read()
        if "pid" not in reply:
            raise KernelStartError(f"the kernel zygote could not fork: {reply.get('error')}")
        return int(reply["pid"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class _ForkedProcess:
    """The Popen-like view jupyter_client needs of a kernel that is not our child."""

    stdin = stdout = stderr = None  # the kernel talks over ZeroMQ only

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
                with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
                    if fh.read().rsplit(")", 1)[-1].split()[0] == "Z":
                        self.returncode = -signal.SIGKILL
            except (ProcessLookupError, FileNotFoundError):
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """Launches the kernel by asking the zygote to fork one, instead of starting a new Python."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        i = cmd.index("ipykernel_launcher") if "ipykernel_launcher" in cmd else 0
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = self.zygote.fork(cmd[i + 1:], str(kwargs.get("cwd") or os.getcwd()), env)
        self.process = _ForkedProcess(pid)
        self.pid = self.pgid = pid  # the kernel called setsid: its pid is its process group
        self.cwd = kwargs.get("cwd")
        return self.connection_info


class ForkedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel is forked from a zygote."""

    def __init__(self, zygote: Zygote, **kwargs: Any):
        super().__init__(**kwargs)
        self._zygote = zygote

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            self.provisioner.zygote = self._zygote
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":  # pragma: no cover
    _serve()

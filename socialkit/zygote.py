"""Kernels forked from one pre-imported process.

Starting a kernel is cheap (0.2 s of CPU); importing pandas, altair, scikit-learn and the kit in
it is not (about 3 s of CPU, every report). The zygote is a small process that imports all of
that once and then forks a fresh kernel process for each report: the fork shares the imported
modules copy-on-write, so a report's kernel is ready in a fraction of a second. The zygote never
runs report code, and each forked kernel serves one report and is then stopped, so no state is
ever shared between two reports.

Protocol (one JSON object per line, from the process that started the zygote on its stdin/stdout,
and with ``--listen PATH`` from any process of the same user through that Unix socket, which is how
a batch's workers share one zygote): ``{"argv": [...], "cwd": "...", "env": {...}}`` ->
``{"pid": 1234}`` or ``{"error": "..."}``. The zygote stops when its starter closes its stdin.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import selectors
import shutil
import socket
import signal
import subprocess
import sys
import tempfile
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


def _serve(listen: str | None = None) -> None:  # pragma: no cover - runs in the zygote process, exercised through tests of Zygote
    server = None
    if listen:  # listening before the imports: other processes may connect and queue requests at once
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(listen)
        server.listen(64)
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
    out = os.dup(1)
    os.write(out, json.dumps({"ready": True}).encode() + b"\n")
    # requests come from the owner (stdin; its end means the owner is gone, and so is the zygote) and
    # from the processes that connected to the socket; each is one JSON line, answered in order
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ, out)
    if server is not None:
        sel.register(server, selectors.EVENT_READ, None)
    pending: dict[Any, bytes] = {0: b""}
    while True:
        for key, _ in sel.select():
            source = key.fileobj
            if source is server:
                conn, _ = server.accept()
                sel.register(conn, selectors.EVENT_READ, conn.fileno())
                pending[conn] = b""
                continue
            data = os.read(0, 65536) if source == 0 else source.recv(65536)
            if not data:
                if source == 0:
                    return
                sel.unregister(source)
                source.close()
                pending.pop(source, None)
                continue
            pending[source] += data
            while b"\n" in pending[source]:
                line, pending[source] = pending[source].split(b"\n", 1)
                reply = _fork_kernel(line, [out, *(s.fileno() for s in pending if s != 0)]
                                     + ([server.fileno()] if server is not None else []))
                try:
                    os.write(key.data, json.dumps(reply).encode() + b"\n")
                except OSError:
                    pass  # the asker is gone; its kernel stops with the asker's shutdown or on its own


def _fork_kernel(line: bytes, close: list[int]) -> dict:  # pragma: no cover - runs in the zygote process
    try:
        request = json.loads(line)
        pid = os.fork()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    if pid == 0:
        for fd in close:  # the kernel keeps none of the zygote's channels
            try:
                os.close(fd)
            except OSError:
                pass
        _become_kernel(request)
    return {"pid": pid}


def _warm() -> None:  # pragma: no cover - runs in the zygote process
    """First-call work that is the same for every report, done once before forking: building the
    data contracts' schemas and Altair's Vega-Lite validator, and reading the kit's editable tables
    (validated and cached by file, modification time and size, so a kernel whose working folder
    holds other tables reads those). Only pure-Python objects are made here; nothing that starts
    threads (vl-convert's runtime starts in each kernel)."""
    try:
        # the zygote's own preload: these imports are the point of this function
        import altair as alt
        import pandas as pd

        from socialkit import io, schemas, tables

        for model, _ in schemas.CONTRACTS.values():
            model.to_schema()
        io.validate(pd.DataFrame({"channel": ["a"], "reach": [1], "likes": [0]}), "posts")
        alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q").to_dict()
    except Exception:
        return
    for name in [*tables.FILES, *tables.FAMILIES]:
        try:  # a table that does not load is reported by the kernel that needs it
            tables.family(name) if name in tables.FAMILIES else tables.load(name)
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


def _pid(reply: dict) -> int:
    if "pid" not in reply:
        raise KernelStartError(f"the kernel zygote could not fork: {reply.get('error')}")
    return int(reply["pid"])


#: Environment variable naming the socket of a zygote shared by a batch's worker processes.
SHARED_ENV = "SOCIALKIT_ZYGOTE"
#: Seconds a process waits for a shared zygote's socket to appear (it is made as the zygote starts).
CONNECT_WAIT = 10.0


class Zygote:
    """Handle on a zygote process this process started. With ``shared`` it also listens on a socket
    (:attr:`socket_path`) so that other processes (a batch's workers) fork their kernels from it
    too (:class:`SharedZygote`): the imports are made once per batch, not once per worker."""

    def __init__(self, timeout: float = 120, *, shared: bool = False):
        env = {**os.environ, "SOCIALKIT_BATCH": "1"}
        env.pop("JPY_SESSION_NAME", None)
        env.pop(SHARED_ENV, None)
        self._dir = tempfile.mkdtemp(prefix="socialkit-zygote-") if shared else None
        self.socket_path = os.path.join(self._dir, "zygote.sock") if self._dir else None
        listen = ["--listen", self.socket_path] if self.socket_path else []
        self.proc = subprocess.Popen([sys.executable, "-m", "socialkit.zygote", *listen], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._timeout = timeout

    def alive(self) -> bool:
        return self.proc.poll() is None

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
        return _pid(reply)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)


class SharedZygote:
    """A connection to a zygote that another process started (see :class:`Zygote` ``shared``): the
    same :meth:`fork`, over the zygote's socket. Raises OSError when the socket cannot be reached."""

    def __init__(self, path: str, timeout: float = 120):
        self.path = path
        self._lock = threading.Lock()
        self._timeout = timeout
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + CONNECT_WAIT
        while True:  # the owner may have started the zygote a moment ago
            try:
                self._sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    self._sock.close()
                    raise
                time.sleep(0.05)
        self._sock.settimeout(timeout)
        self._file = self._sock.makefile("rb")
        self._broken = False

    def alive(self) -> bool:
        return not self._broken

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel process running ``ipykernel`` with ``argv``; returns its pid."""
        with self._lock:
            try:
                self._sock.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
                line = self._file.readline()
            except OSError as exc:
                self._broken = True
                raise KernelStartError(f"the shared kernel zygote could not be reached ({exc})") from exc
        if not line:
            self._broken = True
            raise KernelStartError("the shared kernel zygote stopped")
        reply = json.loads(line)
        return _pid(reply)

    def close(self) -> None:
        try:
            self._file.close()
            self._sock.close()
        except OSError:
            pass


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

    zygote: Zygote | SharedZygote | None = None

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

    def __init__(self, zygote: Zygote | SharedZygote, **kwargs: Any):
        super().__init__(**kwargs)
        self._zygote = zygote

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            self.provisioner.zygote = self._zygote
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":  # pragma: no cover
    _serve(sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--listen" else None)

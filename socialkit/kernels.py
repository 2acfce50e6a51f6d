"""Kernels for report execution, started ahead of time.

A cold papermill run spends 1-3 s of CPU in every report starting a kernel and importing pandas,
altair and the kit. Here kernels are forked from a zygote that imported all of that once
(:mod:`socialkit.zygote`), and :class:`WarmKernelPool` keeps the next kernel ready while the
current report runs; each kernel serves exactly one report and is then shut down, so no state is
ever shared between two reports.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .exceptions import KernelStartError
from .zygote import PRELOAD, SHARED_ENV, ForkedKernelManager, SharedZygote, Zygote

KERNEL_NAME = "python3"
#: Run in a plain (not forked) warm kernel before it is handed to a report: the zygote's module
#: list, imported only (no state is created).
PREIMPORT = f"""
import importlib
for _m in {PRELOAD!r}:
    try:
        importlib.import_module(_m)
    except Exception:
        pass
del importlib, _m
"""


_ZYGOTE = None
_ZYGOTE_LOCK = threading.Lock()


def _zygote():
    """This process's kernel zygote: the one shared by a batch's workers when ``SOCIALKIT_ZYGOTE``
    names its socket (see :func:`shared_zygote`), else one of its own, started on first use and
    stopped at exit (also when the shared one cannot be reached or stops)."""
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        if _ZYGOTE is not None and _ZYGOTE.alive():
            return _ZYGOTE
        shared = os.environ.get(SHARED_ENV)
        if shared and _ZYGOTE is None:
            try:
                _ZYGOTE = SharedZygote(shared)
                atexit.register(_ZYGOTE.close)
                return _ZYGOTE
            except OSError:
                pass
        _ZYGOTE = Zygote()
        atexit.register(_ZYGOTE.close)
        return _ZYGOTE


_PRESTARTED: Zygote | None = None


def prestart_shared_zygote() -> None:
    """Start the zygote the next :func:`shared_zygote` call will hand out, now: a command that will
    run a batch calls this first, so the zygote's imports run while the command imports and checks
    the rest (it is stopped at exit if no batch takes it)."""
    global _PRESTARTED
    if _can_fork() and _PRESTARTED is None:
        _PRESTARTED = Zygote(shared=True)
        atexit.register(_PRESTARTED.close)


def shared_zygote() -> Zygote | None:
    """A zygote other processes can fork kernels from (its socket: ``.socket_path``; give it to them
    as ``SOCIALKIT_ZYGOTE``), or None where kernels are not forked. The caller closes it."""
    global _PRESTARTED
    if not _can_fork():
        return None
    zygote, _PRESTARTED = _PRESTARTED, None
    if zygote is not None and zygote.alive():
        return zygote
    return Zygote(shared=True)


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux") and not os.environ.get("SOCIALKIT_NO_FORK")


def start_kernel(*, preimport: bool = False, cwd: str | None = None, timeout: float = 120) -> AsyncKernelManager:
    """Start a python3 kernel for one report (static chart rendering), optionally with the kit imported.

    With ``preimport`` the kernel is forked from this process's zygote, which has imported
    pandas, altair, scikit-learn and the kit once (:mod:`socialkit.zygote`); where forking is not
    available (or ``SOCIALKIT_NO_FORK`` is set) a new kernel imports them itself. The manager is
    asynchronous, as nbclient expects: with a blocking client nbclient cannot notice that a kernel
    died while it waits for output."""
    if preimport and _can_fork():
        for _ in range(2):  # a forked kernel that could not start (a port taken meanwhile...) is forked again once
            try:
                return _start(_ForkedManager(_zygote(), kernel_name=KERNEL_NAME), preimport=False, cwd=cwd,
                              timeout=timeout)
            except Exception:
                pass  # then fall back to a kernel that imports everything itself
    return _start(_Manager(kernel_name=KERNEL_NAME), preimport=preimport, cwd=cwd, timeout=timeout)


class ReadyClient(AsyncKernelClient):
    """A kernel client that knows its kernel is ready as soon as the kernel has answered.

    jupyter_client's ``wait_for_ready`` asks for the kernel's info, then waits for 0.2 s of silence
    on the output channel (IOPub) before it returns: 0.2 s of nothing in every report, each time a
    client connects (nbclient connects one per notebook). Here the wait ends with the kernel's
    "idle" status for this very request, which it publishes on IOPub after the reply: it proves the
    output channel is connected (a subscription made too late misses it: the request is then sent
    again, as jupyter_client does) and that nothing of the request is still to come. Messages of
    earlier requests may still arrive after it; nbclient ignores messages whose parent is not the
    cell it runs."""

    #: Seconds to wait for a request's "idle" on IOPub before asking again (jupyter_client's own 0.2 s).
    IOPUB_WAIT = 0.2

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            reply = None
            try:
                reply = await self._async_recv_reply(msg_id, timeout=1)
            except TimeoutError:
                pass
            if reply is not None and await self._idle_after(msg_id):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise KernelStartError("the kernel died before it answered (kernel_info)")
            if time.monotonic() > deadline:
                raise KernelStartError(f"the kernel did not answer within {timeout:g} s")

    _async_wait_for_ready = wait_for_ready

    async def _idle_after(self, msg_id: str) -> bool:
        end = time.monotonic() + self.IOPUB_WAIT
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return True
        return False


class _ClosesItsClients:
    """A kernel manager that remembers the clients made for its kernel and stops their channels when
    the kit shuts the kernel down (:func:`shutdown`).

    nbclient keeps the client it makes for a kernel it was given (papermill's ``km=``) running after
    the notebook, so each report left its ZeroMQ sockets open and a heartbeat thread running, two of
    the sockets still registered with the calling thread's event loop (a batch worker running
    hundreds of reports accumulated them). Stopping the channels closes each socket and takes it off
    the loop. Its clients are :class:`ReadyClient` instances."""

    def client(self, **kwargs: Any):
        self.client_factory = ReadyClient  # type: ignore[attr-defined]
        kc = super().client(**kwargs)  # type: ignore[misc]
        self.__dict__.setdefault("_socialkit_clients", []).append(kc)
        return kc

    def stop_clients(self) -> None:
        for kc in self.__dict__.pop("_socialkit_clients", []):
            try:
                if kc.channels_running:
                    kc.stop_channels()  # closes each socket and takes it off its event loop
            except Exception:
                pass


class _Manager(_ClosesItsClients, AsyncKernelManager):
    """The kit's kernel manager for a kernel started the usual way."""


class _ForkedManager(_ClosesItsClients, ForkedKernelManager):
    """The kit's kernel manager for a kernel forked from the zygote."""


#: A kernel's input history in memory only (gone with the kernel), never in ``$IPYTHONDIR``.
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"


def _start(km: AsyncKernelManager, *, preimport: bool, cwd: str | None, timeout: float) -> AsyncKernelManager:
    # the kit's kernels leave charts as specs: the process that writes the report draws them
    # (socialkit.charts.render_deferred) with a chart runtime that is already running
    env = {**os.environ, "SOCIALKIT_BATCH": "1", "SOCIALKIT_DEFER_CHARTS": "1"}
    env.pop("JPY_SESSION_NAME", None)
    env.pop(SHARED_ENV, None)
    # the kernel's own stderr only repeats what nbclient reports (and a TCP notice per kernel); its
    # input history stays in memory (as nbclient's own kernels do): IPython would otherwise store every
    # cell, the injected parameters and their secret values with them, in the user's history file
    run_sync(km.start_kernel)(cwd=cwd or os.getcwd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              extra_arguments=[HISTORY_IN_MEMORY])
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=timeout)
        if preimport:
            run_sync(kc.execute_interactive)(PREIMPORT, store_history=False, silent=False, timeout=timeout,
                                             output_hook=lambda msg: None)
    except Exception:
        kc.stop_channels()
        shutdown(km)
        raise
    kc.stop_channels()
    return km


def shutdown(km: AsyncKernelManager) -> None:
    """Stop a kernel now (no-op if it is gone already), and the channels of every client made for it
    (see :class:`_ClosesItsClients`; call it from the thread that ran the notebook)."""
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass
    if isinstance(km, _ClosesItsClients):
        km.stop_clients()


def kill(km: AsyncKernelManager) -> None:
    """Kill a kernel's process from any thread (e.g. a time-limit watchdog)."""
    try:
        km.provisioner.process.kill()
    except Exception:
        pass


def is_alive(km: AsyncKernelManager) -> bool:
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


class WarmKernelPool:
    """Hands out pre-started kernels, starting the next one in the background as soon as one is taken."""

    def __init__(self, *, preimport: bool = True, cwd: str | None = None):
        self.preimport = preimport
        self.cwd = cwd
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-kernel")
        self._lock = threading.Lock()
        self._next: Future | None = None
        atexit.register(self.close)

    def _start(self) -> Future:
        return self._executor.submit(start_kernel, preimport=self.preimport, cwd=self.cwd)

    def prime(self) -> None:
        """Start the first kernel now, before any report asks for one."""
        with self._lock:
            self._next = self._next or self._start()

    def take(self) -> AsyncKernelManager:
        """A ready kernel (waits if the next one is still starting); starts the one after it."""
        with self._lock:
            pending = self._next or self._start()
            self._next = self._start()
        try:
            km = pending.result()
        except Exception:
            km = start_kernel(preimport=self.preimport, cwd=self.cwd)
        if not is_alive(km):
            shutdown(km)
            km = start_kernel(preimport=self.preimport, cwd=self.cwd)
        return km

    def close(self) -> None:
        """Shut down the kernel waiting in reserve."""
        with self._lock:
            pending, self._next = self._next, None
        if pending is not None:
            try:
                shutdown(pending.result(timeout=120))
            except Exception:
                pass
        self._executor.shutdown(wait=False)

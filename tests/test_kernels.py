"""Kernels forked from the pre-imported zygote: fast, isolated, and stopped cleanly."""

import sys

import psutil
import pytest
from jupyter_core.utils import run_sync

from socialkit import kernels
from socialkit.exceptions import KernelStartError
from socialkit.zygote import ForkedKernelManager

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")


def _run(km, code: str) -> list[str]:
    return _run_with(km.client(), code)


def _run_with(kc, code: str) -> list[str]:
    """The words ``code`` printed, run through the client ``kc`` (its channels started and stopped here)."""
    out: list[str] = []
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        run_sync(kc.execute_interactive)(code, timeout=60, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    finally:
        kc.stop_channels()
    return "".join(out).split()


def test_forked_kernels_have_the_kit_loaded_and_share_no_state(tmp_path):
    first = kernels.start_kernel(preimport=True, cwd=str(tmp_path))
    second = kernels.start_kernel(preimport=True, cwd=str(tmp_path))
    try:
        assert isinstance(first, ForkedKernelManager) and isinstance(second, ForkedKernelManager)
        assert _run(first, "import sys, os\nprint('pandas' in sys.modules, 'socialkit.venn' in sys.modules, "
                           "os.environ.get('SOCIALKIT_BATCH'), os.getcwd())") == ["True", "True", "1", str(tmp_path)]
        # the kit's tables were read, validated and cached once, in the zygote (and still are, by file)
        assert _run(first, "import socialkit.tables as t\nprint(sorted({k[0] for k in t._CACHE}) == "
                           "sorted({*t.FILES, *t.FAMILIES}))") == ["True"]
        _run(first, "leftover = 42")
        assert _run(second, "print('leftover' in globals())") == ["False"]
        assert first.provisioner.pid != second.provisioner.pid
    finally:
        pids = [first.provisioner.pid, second.provisioner.pid]
        kernels.shutdown(first)
        kernels.shutdown(second)
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids)


def test_killing_a_forked_kernel_is_seen_as_dead():
    km = kernels.start_kernel(preimport=True)
    kernels.kill(km)
    km.provisioner.process.wait(timeout=10)
    assert not kernels.is_alive(km)
    kernels.shutdown(km)


def test_no_fork_setting_falls_back_to_a_plain_kernel(monkeypatch):
    monkeypatch.setenv("SOCIALKIT_NO_FORK", "1")
    km = kernels.start_kernel(preimport=True)
    try:
        assert not isinstance(km, ForkedKernelManager)
        assert _run(km, "import sys\nprint('socialkit.io' in sys.modules)") == ["True"]
    finally:
        kernels.shutdown(km)


def test_the_zygote_imports_every_module_the_notebooks_import():
    import re

    from socialkit.config import NOTEBOOKS_DIR
    from socialkit.zygote import PRELOAD

    imported = set()
    for nb in NOTEBOOKS_DIR.glob("*.ipynb"):
        imported |= set(re.findall(r"\b(socialkit(?:\.\w+)+)", nb.read_text()))
    modules = {m for m in imported if _is_module(m)}  # sk.io.load is a function, socialkit.io a module
    assert "socialkit.present" in modules and "socialkit.charts.venn" in modules
    assert modules <= set(PRELOAD), sorted(modules - set(PRELOAD))


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):  # a function's dotted name: its parent is not a package
        return False


def test_a_shared_zygote_forks_for_other_processes_and_a_missing_one_is_replaced(tmp_path, monkeypatch):
    from socialkit import zygote as zg

    shared = kernels.shared_zygote()
    try:
        client = zg.SharedZygote(shared.socket_path)
        km = ForkedKernelManager(client, kernel_name=kernels.KERNEL_NAME)
        kernels._start(km, preimport=False, cwd=str(tmp_path), timeout=60)
        try:
            assert _run(km, "import os\nprint(os.getppid())") == [str(shared.proc.pid)]
        finally:
            kernels.shutdown(km)
        client.close()
    finally:
        shared.close()
    assert shared.proc.poll() is not None and not (tmp_path / shared.socket_path).exists()
    # a process told of a zygote it cannot reach starts its own
    monkeypatch.setattr(zg, "CONNECT_WAIT", 0.2)
    monkeypatch.setenv(zg.SHARED_ENV, str(tmp_path / "gone.sock"))
    monkeypatch.setattr(kernels, "_ZYGOTE", None)
    own = kernels._zygote()
    try:
        assert isinstance(own, zg.Zygote) and own.alive() and own.socket_path is None
    finally:
        own.close()
        monkeypatch.setattr(kernels, "_ZYGOTE", None)


def test_a_notebook_run_in_a_given_kernel_leaves_no_socket_or_thread_behind(tmp_path):
    """nbclient keeps running the client it makes for a kernel it is given; the kit's shutdown stops
    it, so repeated reports in one process do not pile up ZeroMQ sockets and heartbeat threads."""
    import gc
    import threading

    import nbformat
    import zmq
    from jupyter_client.channels import HBChannel

    from socialkit.execute import execute
    from socialkit.kernels import shutdown, start_kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("print(x)")])
    nbformat.write(nb, tmp_path / "small.ipynb")

    def open_sockets() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, zmq.Socket) and not o.closed)

    def heartbeats() -> int:
        return sum(isinstance(t, HBChannel) for t in threading.enumerate())

    shutdown(start_kernel(preimport=True, cwd=str(tmp_path)))  # the zygote and its reader exist before counting
    sockets, threads = open_sockets(), heartbeats()
    for _ in range(2):
        run = execute(tmp_path / "small.ipynb", kernel_manager=start_kernel(preimport=True, cwd=str(tmp_path)))
        assert run.nb.cells[1].outputs[0]["text"] == "1\n"
    assert open_sockets() == sockets
    assert heartbeats() == threads


def test_a_prestarted_zygote_is_the_one_the_next_batch_takes(monkeypatch):
    monkeypatch.setattr(kernels, "_PRESTARTED", None)
    kernels.prestart_shared_zygote()
    early = kernels._PRESTARTED
    kernels.prestart_shared_zygote()  # a second call starts no second zygote
    assert kernels._PRESTARTED is early and early.alive()
    taken = kernels.shared_zygote()
    try:
        assert taken is early and kernels._PRESTARTED is None
        later = kernels.shared_zygote()  # the next batch starts its own
        assert later is not early
        later.close()
    finally:
        taken.close()


def test_a_forked_kernel_that_fails_to_start_is_forked_again_before_a_plain_kernel_is_used(monkeypatch):
    real = kernels._start
    tries = []

    def flaky(km, **kw):
        tries.append(type(km).__name__)
        if len(tries) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")  # e.g. its port was taken meanwhile
        return real(km, **kw)

    monkeypatch.setattr(kernels, "_start", flaky)
    km = kernels.start_kernel(preimport=True)
    try:
        assert tries == ["_ForkedManager", "_ForkedManager"] and isinstance(km, ForkedKernelManager)
    finally:
        kernels.shutdown(km)


def test_a_kit_client_is_ready_once_its_kernel_answered_and_misses_no_output(tmp_path):
    """The kit's clients end their wait on the kernel's "idle" for their own request, not after a
    fixed silence: each fresh client must still receive the very first output of the first cell."""
    km = kernels.start_kernel(preimport=True, cwd=str(tmp_path))
    try:
        for i in range(5):  # a new client each time: a subscription made late would lose output
            kc = km.client()
            assert isinstance(kc, kernels.ReadyClient)
            assert _run_with(kc, f"print('hello', {i})") == ["hello", str(i)]
    finally:
        kernels.shutdown(km)


def test_a_kit_client_asks_again_when_the_idle_status_was_missed(tmp_path, monkeypatch):
    km = kernels.start_kernel(preimport=True, cwd=str(tmp_path))
    asked: list[str] = []
    real = kernels.ReadyClient._idle_after

    async def first_missed(self, msg_id):
        asked.append(msg_id)
        return False if len(asked) == 1 else await real(self, msg_id)

    monkeypatch.setattr(kernels.ReadyClient, "_idle_after", first_missed)
    try:
        assert _run_with(km.client(), "print(6 * 7)") == ["42"]
        assert len(asked) == 2 and asked[0] != asked[1]  # a second kernel_info request, its own idle
    finally:
        kernels.shutdown(km)


class _Channel:
    def __init__(self, msgs):
        self.msgs = list(msgs)

    async def get_msg(self, timeout=None):
        from queue import Empty
        if not self.msgs:
            raise Empty
        return self.msgs.pop(0)


def _status(parent: str, state: str, kind: str = "status") -> dict:
    return {"parent_header": {"msg_id": parent}, "msg_type": kind, "content": {"execution_state": state}}


@pytest.mark.parametrize("msgs, ready", [
    ([_status("mine", "busy"), _status("mine", "idle")], True),
    ([_status("older", "idle"), _status("mine", "idle")], True),  # an earlier request's idle is passed over
    ([_status("older", "idle"), _status("mine", "busy")], False),  # no idle of this request: not ready
    ([_status("mine", "idle", kind="stream")], False),
    ([], False),
])
def test_a_kit_client_is_ready_only_on_the_idle_of_its_own_request(msgs, ready):
    kc = kernels.ReadyClient()
    kc._iopub_channel = _Channel(msgs)  # what the iopub_channel property hands out
    assert run_sync(kc._idle_after)("mine") is ready


def test_a_kit_client_reports_a_dead_kernel(tmp_path):
    km = kernels.start_kernel(preimport=True, cwd=str(tmp_path))
    kernels.kill(km)
    km.provisioner.process.wait(timeout=10)
    kc = km.client()
    kc.start_channels()
    try:
        with pytest.raises(KernelStartError, match="died before it answered|did not answer"):
            run_sync(kc.wait_for_ready)(timeout=5)
    finally:
        kc.stop_channels()
        kernels.shutdown(km)

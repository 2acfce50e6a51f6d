"""Batch reports: many notebooks x brands x parameter sets, in parallel, locally or on Dask.

A manifest (YAML, or CSV of parameter rows) becomes a list of :class:`Job` values, each validated
before any kernel starts. Jobs run through one interface, :class:`Engine`: local worker processes
(default) or a Dask cluster. Each worker keeps a warm kernel ready (:mod:`socialkit.kernels`).

Every report writes ``reports/<run>/<brand>/<notebook>.{ipynb,html,pdf}`` atomically, plus a
``<notebook>.json`` record (status, hash, timings) used by ``--resume``: a report is re-run only
when the hash of its notebook, parameters and input files changed, or when it did not succeed.
One failing report never stops the others.

YAML manifest::

    run: demo                      # folder under reports/
    notebooks: all                 # or a list of names in notebooks/ (or paths)
    brands: all                    # or a list of sample brands
    parameters: {}                 # given to every report
    export: [html, pdf]
    pdf_engine: weasyprint
    timeout: 600                   # seconds per report
    reports:                       # optional extra rows
      - {notebook: 03_psychographic_segments, brand: acme, parameters: {audience_path: acme.csv}}

CSV manifest: one report per row; columns ``notebook`` and ``brand``, every other non-empty
cell is a parameter (values read as YAML: 3 -> int, [a, b] -> list).
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import json
import os
import re
import signal
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml

import multiprocessing as mp
from multiprocessing import util as mp_util
from concurrent.futures import ProcessPoolExecutor, as_completed

from . import __version__, config, history, io, paths, records, tables
from .config import sample_brands
from .index import comparison_sections, write_index
from .kernels import WarmKernelPool, shared_zygote
from .zygote import SHARED_ENV
from .exceptions import ExportError, KernelDiedError, ManifestError, ParametersError, SocialKitError
from .execute import prepare
from .export import prints_in_browser, warm_browser
from .report import run_report
from .params import find_notebook, notebook_parameters, parse_value
from .secrets import mask
from .text import closest

EXPORTS = ("html", "pdf")


# --------------------------------------------------------------------------- jobs


def safe_name(value: Any) -> str:
    """A file-name-safe version of a parameter value: no separators, no leading dots, never empty.

    ``"../../x"`` becomes ``"x"``; ``"Café & Co"`` becomes ``"Caf_Co"``."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", str(value))
    text = re.sub(r"\.{2,}", ".", text).strip("._-")
    return text[:80] or "unnamed"


@dataclass(frozen=True)
class Job:
    """One report to produce."""

    notebook: str  # path of the notebook
    brand: str
    parameters: dict = field(default_factory=dict)
    out_dir: str = ""  # reports/<run>/<brand>
    export: tuple = ("html",)
    pdf_engine: str = "auto"
    timeout: float | None = 600
    secrets: tuple = ()

    @property
    def name(self) -> str:
        return Path(self.notebook).stem

    @property
    def label(self) -> str:
        return f"{Path(self.out_dir).name}/{self.name}"

    def output(self, suffix: str) -> Path:
        return Path(self.out_dir) / f"{self.name}.{suffix}"


def load_manifest(path: str | os.PathLike, *, reports_dir: str | os.PathLike | None = None,
                  run: str | None = None) -> list[Job]:
    """Read a YAML or CSV manifest into validated jobs (raises ManifestError / ParametersError)."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(path, f"manifest not found; pass a .yml/.yaml or .csv file")
    base = path.parent
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        reader = csv.DictReader(text.splitlines(), delimiter=io.sniff_delimiter(text))
        if "notebook" not in (reader.fieldnames or []):
            raise ManifestError(path, f"needs a 'notebook' column (columns: {', '.join(reader.fieldnames or [])})")
        spec: dict[str, Any] = {"run": path.stem, "reports": []}
        for i, row in enumerate(reader):
            params = {k: _yaml_value(v) for k, v in row.items() if k not in ("notebook", "brand") and v and v.strip()}
            spec["reports"].append({"notebook": row["notebook"], "brand": row.get("brand") or None,
                                    "parameters": params, "_line": i + 2})
    else:
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ManifestError(path, f"not valid YAML ({exc})") from exc
        if not isinstance(spec, dict):
            raise ManifestError(path, f"expected a mapping with keys run, notebooks, brands, parameters, export")
    return jobs_from_spec(spec, base=base, reports_dir=reports_dir, run=run, source=str(path))


_KEYS = {"run", "notebooks", "brands", "parameters", "export", "pdf_engine", "timeout", "reports"}


def jobs_from_spec(spec: Mapping[str, Any], *, base: Path = Path("."), reports_dir: str | os.PathLike | None = None,
                   run: str | None = None, source: str = "manifest") -> list[Job]:
    """Expand a manifest mapping into jobs and validate every one before anything runs."""
    unknown = set(spec) - _KEYS
    if unknown:
        bad = sorted(unknown)[0]
        hint = closest(bad, _KEYS)
        raise ManifestError(source, f"unknown key {bad!r}" + (f"; did you mean {hint!r}?" if hint else "")
                            + f" (keys: {', '.join(sorted(_KEYS))})")
    run_dir = Path(reports_dir or config.reports_dir()) / safe_name(run or spec.get("run") or "run")
    export = tuple(_as_list(spec.get("export", ["html"]), "export", source))
    for fmt in export:
        if fmt not in EXPORTS:
            raise ManifestError(source, f"export must list html and/or pdf; got {fmt!r}")
    timeout = spec.get("timeout", 600)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ManifestError(source, f"timeout must be a number of seconds > 0 (or null for none); got {timeout!r}")
    common = spec.get("parameters") or {}
    if not isinstance(common, dict):
        raise ManifestError(source, f"parameters must be a mapping of name: value; got {common!r}")
    rows: list[dict] = []
    notebooks = spec.get("notebooks") or []
    if notebooks == "all":
        notebooks = sorted(p.stem for p in config.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    brands = spec.get("brands") or []
    if brands == "all":
        brands = sample_brands()
    for nb in _as_list(notebooks, "notebooks", source):
        for brand in _as_list(brands, "brands", source) or [None]:
            rows.append({"notebook": nb, "brand": brand, "parameters": {}})
    extra = spec.get("reports") or []
    if not isinstance(extra, list):
        raise ManifestError(source, f"reports must be a list of rows like {{notebook: ..., brand: ..., parameters: {{}}}}")
    for i, row in enumerate(extra, start=1):
        if not isinstance(row, dict) or not row.get("notebook"):
            raise ManifestError(source, f"reports row {i} needs a notebook, e.g. {{notebook: 01_social_business_venn, "
                                f"brand: summit_outfitters}}; got {row!r}")
        if not isinstance(row.get("parameters") or {}, dict):
            raise ManifestError(source, f"reports row {i}: parameters must be a mapping; got {row['parameters']!r}")
    rows += extra
    if not rows:
        raise ManifestError(source, f"names no report; give notebooks and brands, or reports")
    jobs, errors = [], []
    for row in rows:
        try:
            jobs.append(_job(row, common, base, run_dir, export, spec, source))
        except (ParametersError, SocialKitError) as exc:
            errors.append(str(exc))
    if errors:
        raise ManifestError(source, f"{len(errors)} report(s) cannot run; nothing was started:\n"
                            + "\n".join(f"  * {e}" for e in errors))
    seen: dict[str, Job] = {}
    for job in jobs:
        key = str(job.output("ipynb"))
        if key in seen:
            raise ManifestError(source, f"two reports would write {key}; give them different brands or runs")
        seen[key] = job
    return jobs


def _as_list(value: Any, key: str, source: str) -> list:
    """A manifest value that may be one item or a list of items."""
    if isinstance(value, (str, int, float)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ManifestError(source, f"{key} must be a name or a list of names; got {value!r}")


def _job(row: Mapping, common: Mapping, base: Path, run_dir: Path, export: tuple, spec: Mapping, source: str) -> Job:
    where = f"line {row['_line']}" if "_line" in row else f"{row['notebook']}"
    nb_path = find_notebook(_resolve(row["notebook"], base) if str(row["notebook"]).endswith(".ipynb") else row["notebook"])
    declared = notebook_parameters(nb_path)
    params = {**common, **dict(row.get("parameters") or {})}
    brand = row.get("brand")
    if brand is not None and "brand" in declared:
        params["brand"] = str(brand)
    for name, value in list(params.items()):
        if name.endswith("_path") and value not in (None, "", []):
            params[name] = _resolve_spec(value, base)
    params = {k: v for k, v in params.items() if k in declared or k not in common}  # common keys apply where declared
    if "brand" in params and params["brand"] not in sample_brands():
        if not any(n.endswith("_path") and params.get(n) for n in params):
            raise ManifestError(where, f"brand {params['brand']!r} is not a sample brand "
                                f"({', '.join(sample_brands())}) and no *_path parameter names its files")
    try:
        _, given, secrets = prepare(nb_path, params)
    except ParametersError as exc:
        raise ManifestError(where, f"{exc}") from exc
    label = brand if brand is not None else params.get("brand", "all")
    out_dir = run_dir / safe_name(label)
    if run_dir.resolve() not in out_dir.resolve().parents:
        raise ManifestError(where, f"brand {label!r} would write outside {run_dir}")  # pragma: no cover
    return Job(str(nb_path), str(label), given, str(out_dir), export, str(spec.get("pdf_engine", "auto")),
               spec.get("timeout", 600), tuple(sorted(secrets)))


def _resolve(value: str, base: Path) -> Path:
    p = Path(value)
    return p if p.is_absolute() else (base / p if (base / p).exists() else Path.cwd() / p)


def _resolve_spec(value: Any, base: Path) -> Any:
    """A manifest's path spec (file, folder, glob or list) read relative to the manifest's folder when
    it names files there, else to the current folder."""
    if isinstance(value, (list, tuple)):
        return [_resolve_spec(v, base) for v in value]
    p = Path(str(value))
    if p.is_absolute():
        return str(p)
    beside = base / p
    return str(beside if paths.problem(str(beside)) is None else Path.cwd() / p)


def _yaml_value(v: str) -> Any:
    return parse_value(v.strip())


# --------------------------------------------------------------------------- one report


def job_hash(job: Job) -> str:
    """Hash of what a report depends on: the notebook, its parameters, its input files, the kit's
    editable tables and version, and how it is exported."""
    h = hashlib.sha256()
    h.update(Path(job.notebook).read_bytes())
    h.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    h.update(json.dumps([sorted(job.export), job.pdf_engine, __version__]).encode())
    files = [f for k, v in sorted(job.parameters.items()) if k.endswith("_path") and v and paths.problem(v) is None
             for f in paths.expand(v)]  # every file behind a folder, glob or list
    files += [tables.table_path(name) for name in sorted(tables.FILES)]  # the editable tables change results too
    brand_dir = config.samples_dir() / str(job.parameters.get("brand", ""))
    if job.parameters.get("brand") and brand_dir.is_dir():
        files += sorted(brand_dir.iterdir())
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


@dataclass
class JobResult:
    """What happened to one report."""

    label: str
    status: str  # ok | failed | skipped
    seconds: float = 0.0
    error: str = ""
    outputs: list = field(default_factory=list)
    attempts: int = 0
    hash: str = ""
    #: Seconds per phase: kernel (waiting for a ready kernel), execute, html, write, pdf, other.
    phases: dict = field(default_factory=dict)
    #: Cells that took at least :data:`SLOW_CELL` seconds: {"cell": index, "seconds": s, "source": first line}.
    slow_cells: list = field(default_factory=list)


#: A cell slower than this (seconds) is named in a report's record and in ``--profile``.
SLOW_CELL = 0.5
#: The phases of a report, in the order they happen.
PHASES = ("kernel", "execute", "html", "write", "pdf", "other")


def slow_cells(nb, threshold: float = SLOW_CELL) -> list[dict]:
    """The code cells of an executed notebook that took ``threshold`` seconds or more (papermill
    records each cell's duration), slowest first."""
    found = []
    for i, cell in enumerate(nb.get("cells", []) if nb is not None else []):
        seconds = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration")
        if cell.get("cell_type") == "code" and isinstance(seconds, (int, float)) and seconds >= threshold:
            first = next((line for line in str(cell.get("source", "")).splitlines() if line.strip()), "")
            found.append({"cell": i, "seconds": round(float(seconds), 3), "source": first[:100]})
    return sorted(found, key=lambda c: -c["seconds"])


def is_up_to_date(job: Job) -> bool:
    """True when the report's record says it succeeded with the same hash and its outputs exist."""
    record = job.output("json")
    if not record.is_file():
        return False
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return (data.get("status") == "ok" and data.get("hash") == job_hash(job)
            and all(Path(o).is_file() for o in data.get("outputs", [])))


_POOL = None


def _warm_pool():
    global _POOL
    if _POOL is None:
        _POOL = WarmKernelPool(preimport=True)
    return _POOL


def run_job(job: Job, *, warm: bool = True) -> JobResult:
    """Execute and export one report; never raises for a failing notebook (the result says so).

    A dead kernel is retried once with a fresh kernel; a failing cell or a timeout is not."""
    start = time.perf_counter()
    digest = job_hash(job)
    result = JobResult(job.label, "failed", hash=digest)
    nb_out = job.output("ipynb")
    phases: dict[str, float] = {}
    report = None
    for attempt in (1, 2):
        result.attempts = attempt
        try:
            clock = time.perf_counter()
            km = _warm_pool().take() if warm else None
            phases["kernel"] = phases.get("kernel", 0.0) + time.perf_counter() - clock
            report = run_report(job.notebook, job.parameters, output=nb_out, formats=job.export,
                                pdf_engine=job.pdf_engine, timeout=job.timeout, notebook_timeout=job.timeout,
                                kernel_manager=km, raise_on_error=False, phases=phases)
        except ExportError as exc:
            result.outputs = [str(nb_out)] if nb_out.is_file() else []
            result.error = f"export failed: {exc}"
            break
        except Exception as exc:  # kernel start-up, set-up or exporter failures: this report fails, the batch goes on
            result.outputs = [str(nb_out)] if nb_out.is_file() else []
            result.error = f"{type(exc).__name__}: {exc}"
            break
        err = report.error
        if isinstance(err, KernelDiedError) and not err.timed_out and attempt == 1:
            continue
        result.outputs = [str(p) for p in report.outputs]
        if err is not None:
            result.error = f"{err.ename}: {err.evalue} (cell {err.cell_index}; partial notebook kept)"
        else:
            result.status = "ok"
        break
    result.seconds = round(time.perf_counter() - start, 2)
    phases["other"] = max(result.seconds - sum(phases.values()), 0.0)
    result.phases = {k: round(phases[k], 3) for k in PHASES if k in phases}
    result.slow_cells = slow_cells(report.nb if report is not None else None)
    record = {**asdict(result), "notebook": job.notebook, "brand": job.brand,
              "parameters": mask(job.parameters, job.secrets),
              # the key figures the report recorded (the index compares brands on them)
              "figures": records.read(report.nb) if report is not None and report.nb is not None else {},
              "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    io.write_text(job.output("json"), json.dumps(record, indent=2, default=str) + "\n")
    return result


def index_comparison(jobs: list[Job]) -> list[tuple[str, str]]:
    """The index page's brand comparison (:func:`socialkit.index.comparison_sections`), its chart drawn
    by the browser this process keeps running for the reports when there is one."""
    from .charts import to_svg  # altair: loaded by the process that writes reports anyway
    from .export import chart_drawer  # nbconvert and the browser: the same

    drawer = chart_drawer(start=False)
    return comparison_sections(jobs, draw=partial(to_svg, draw_svgs=drawer) if drawer else None)


# --------------------------------------------------------------------------- engines


#: Registered batch engines: name -> class taking ``(workers=..., scheduler=...)``.
ENGINES: dict[str, type["Engine"]] = {}


def register_engine(name: str) -> Callable[[type["Engine"]], type["Engine"]]:
    """Class decorator adding a batch engine to :data:`ENGINES` under ``name`` (as PDF engines are
    registered with :func:`socialkit.export.register_pdf_engine`). An engine's ``run(jobs)`` yields a
    :class:`JobResult` per job as it finishes; ``close()`` releases what it started."""
    def decorate(cls: type["Engine"]) -> type["Engine"]:
        cls.name = name
        ENGINES[name] = cls
        return cls

    return decorate


class Engine:
    """Runs jobs and yields results as they finish."""

    name = "engine"

    def __init__(self, workers: int = 2, scheduler: str | None = None):
        self.workers = max(1, int(workers))
        self.scheduler = scheduler

    def run(self, jobs: list[Job]) -> Iterator[JobResult]:  # pragma: no cover - interface
        raise NotImplementedError

    def after(self, func: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Work for after the reports (picklable ``func(*args)``); returns a function that gives
        its result. Here it is done when asked for, in this process; an engine with workers may
        give it to a worker once the reports are done (see :class:`LocalEngine`)."""
        return lambda: func(*args)

    def close(self) -> None:
        pass


@register_engine("serial")
class SerialEngine(Engine):
    """In this process, one report after another (for debugging and tiny runs)."""

    def run(self, jobs):
        for job in jobs:
            yield run_job(job)

    def close(self) -> None:
        global _POOL
        if _POOL is not None:  # do not leave a reserve kernel running in the caller's process
            _POOL.close()
            _POOL = None


@register_engine("local")
class LocalEngine(Engine):
    """Worker processes on this machine (default)."""

    def __init__(self, workers: int = 2, scheduler: str | None = None):
        super().__init__(workers, scheduler)
        self._after: list[tuple[Callable[..., Any], tuple, dict]] = []
        self._running: tuple[ProcessPoolExecutor, Any] | None = None  # the workers and zygote, until close()
        self._stopping: threading.Thread | None = None  # stops them once every report has finished

    def after(self, func, *args):
        """Given to a worker once every report has finished (a worker has the kit imported and its
        browser running, where this process would start both for it). Done here when no worker
        could do it."""
        slot: dict[str, Any] = {}
        self._after.append((func, args, slot))

        def result():
            if "value" not in slot:
                given = slot.pop("future", None)
                try:
                    slot["value"] = given.result() if given is not None else func(*args)
                except Exception:
                    if given is None:
                        raise
                    slot["value"] = func(*args)  # the worker failed at it: done here
            return slot["value"]
        return result

    def run(self, jobs):
        # one kernel zygote for all workers, started first: its imports run while the workers start
        zygote = shared_zygote()
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)), mp_context=_worker_context(),
                                   initializer=_worker_init,
                                   initargs=(zygote.socket_path if zygote else None, dict(os.environ),
                                             browser_wanted(jobs)))
        self._running = (pool, zygote)
        try:
            futures = {pool.submit(run_job, job): job for job in jobs}
            for fut in as_completed(futures):
                yield _result_or_failure(fut, futures[fut])
        except BaseException:  # stopped early (Ctrl-C, an error): queued reports are cancelled, not run
            self._stop(cancel=True)
            raise
        # every report has finished: the work for after them goes to a worker while this process goes on
        # (the batch stores its history meanwhile); close() waits for it
        for func, args, slot in self._after:
            try:
                slot["future"] = pool.submit(func, *args)
            except Exception:
                pass  # no worker left to do it (one crashed): done in this process when asked for
        self._after = []
        # nothing more is given to the workers: they do that work and stop (each closing its browser
        # and its reserve kernel, about half a second) while this process stores the history and
        # writes the index page; close() waits for them
        self._stopping = threading.Thread(target=self._stop, kwargs={"cancel": False}, daemon=True,
                                          name="socialkit-stop-workers")
        self._stopping.start()

    def close(self) -> None:
        """Wait for the work given to the workers, then stop them and the batch's zygote."""
        stopping, self._stopping = self._stopping, None
        if stopping is not None:
            stopping.join()
        self._stop(cancel=False)

    def _stop(self, *, cancel: bool) -> None:
        running, self._running = self._running, None
        if running is not None:
            pool, zygote = running
            pool.shutdown(wait=True, cancel_futures=cancel)
            if zygote is not None:
                zygote.close()


#: Imported once by the process the workers are forked from: what a worker needs (:mod:`socialkit.worker`).
WORKER_PRELOAD = ["socialkit.worker"]


def _worker_context():
    """Workers are forked from a server process that imported the kit once (``forkserver``), so no
    worker spends its first 1.5-3 s importing; where there is no fork, each worker starts afresh."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_PRELOAD)  # used when this process starts its fork server
    return ctx


def stop_fork_server() -> None:
    """Stop the fork server the local engine's workers came from, for a process that runs no more
    batches (the command line). Left alone it would end with this process, after a slow interpreter
    shutdown of everything it imported (about 0.5 s), holding this process's output open meanwhile:
    whoever reads that output (a pipe, a CI log) would wait for it. It is idle once a batch is done."""
    from multiprocessing import forkserver  # multiprocessing's own server: its handle is not public

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGTERM)  # its default action: gone at once, no interpreter shutdown
        server._stop()  # reap it, close its socket
    except (OSError, AttributeError):
        pass


def browser_wanted(jobs: Iterable[Job]) -> bool:
    """Whether a batch's workers start their Chromium while they wait for their first kernel: when a
    report prints its PDF with it (its charts are then drawn in it too)."""
    return any("pdf" in job.export and prints_in_browser(job.pdf_engine) for job in jobs)


def _worker_init(zygote_socket: str | None = None, environ: Mapping[str, str] | None = None,
                 browser: bool = False) -> None:
    """Give a worker the batch's environment (a worker forked from the fork server would otherwise have
    the server's, as it was when the server started; multiprocessing gives it the batch's working
    folder), then start its first warm kernel, forked from the batch's shared zygote when there is one
    (its socket), and with ``browser`` the Chromium that will draw and print its reports."""
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    # a forked worker ends with os._exit, which skips atexit: run its exit handlers (the reserve
    # kernel's shutdown, the browser's) as a spawned worker would, at multiprocessing's own exit step
    mp_util.Finalize(None, atexit._run_exitfuncs, exitpriority=0)
    if zygote_socket:
        os.environ[SHARED_ENV] = zygote_socket
    try:
        _warm_pool().prime()
        if browser:
            warm_browser()
    except Exception:
        pass


@register_engine("dask")
class DaskEngine(Engine):
    """A Dask distributed cluster: ``scheduler`` address, or a LocalCluster of ``workers`` processes."""

    def __init__(self, workers: int = 2, scheduler: str | None = None):
        super().__init__(workers, scheduler)
        from distributed import Client, LocalCluster  # optional and slow to import: only for this engine

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
        else:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)

    def run(self, jobs):
        from distributed import as_completed as finished  # optional (see __init__)

        futures = {self.client.submit(run_job, job, pure=False, key=f"report-{i}-{safe_name(job.label)}"): job
                   for i, job in enumerate(jobs)}
        for fut in finished(list(futures)):
            yield _result_or_failure(fut, futures[fut])

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _result_or_failure(fut, job: Job) -> JobResult:
    try:
        return fut.result()
    except Exception as exc:  # a worker crashed: the report failed, the batch goes on
        result = JobResult(job.label, "failed", error=f"worker failed: {type(exc).__name__}: {exc}")
        try:
            io.write_text(job.output("json"), json.dumps({**asdict(result), "notebook": job.notebook,
                                                          "brand": job.brand}, indent=2) + "\n")
        except OSError:
            pass
        return result


def make_engine(kind: str = "local", *, workers: int = 2, scheduler: str | None = None) -> Engine:
    """The registered engine ``kind`` (local, dask, serial, or one added with :func:`register_engine`);
    a scheduler address implies dask."""
    name = "dask" if scheduler else kind
    if name not in ENGINES:
        raise ManifestError("--engine", f"unknown engine {kind!r}", fix=f"use one of {', '.join(sorted(ENGINES))}"
                            + (f" (did you mean {closest(kind, ENGINES)!r}?)" if closest(kind, ENGINES) else ""))
    return ENGINES[name](workers=workers, scheduler=scheduler)


# --------------------------------------------------------------------------- the batch


@dataclass
class BatchSummary:
    run_dir: Path
    results: list[JobResult]
    seconds: float
    history: history.Stored | None = None  # what storing the run in the history did (None: not stored)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]

    def profile(self) -> dict[str, Any]:
        """Where the time went: seconds per phase for each report that ran (``reports``), their sum
        and share of all report seconds (``totals``, ``shares``), and the slowest cells of the run."""
        ran = [r for r in self.results if r.status != "skipped"]
        totals = {k: round(sum(r.phases.get(k, 0.0) for r in ran), 2) for k in PHASES}
        spent = sum(totals.values()) or 1.0
        cells = sorted(({"report": r.label, **c} for r in ran for c in r.slow_cells), key=lambda c: -c["seconds"])
        return {"seconds": self.seconds, "reports": {r.label: {"status": r.status, "seconds": r.seconds, **r.phases}
                                                     for r in ran},
                "totals": totals, "shares": {k: round(v / spent, 3) for k, v in totals.items()},
                "report_seconds": round(sum(r.seconds for r in ran), 2), "slowest_cells": cells[:15]}


def run_batch(jobs: list[Job], *, engine: Engine | None = None, resume: bool = False,
              on_result: Callable[[JobResult], None] | None = None, index: bool = True,
              history_url: str | os.PathLike | None | bool = None) -> BatchSummary:
    """Run every job (skipping up-to-date ones with ``resume``); returns the summary.

    ``on_result`` is called as each report finishes (for progress displays). Then this process (never
    a worker) stores the reports that ran in the run history: ``history_url`` names it (default
    ``SOCIALKIT_HISTORY``, else ``<reports dir>/history.duckdb``; False stores nothing). A history
    problem never fails the batch: ``BatchSummary.history`` says what happened."""
    if not jobs:
        raise ManifestError("batch", "no reports to run", fix="give the manifest notebooks and brands, or reports")
    start = time.perf_counter()
    started = datetime.now(timezone.utc)
    run_dir = Path(jobs[0].out_dir).parent
    url = None if history_url is False else history.resolve(history_url or None, reports_dir=run_dir.parent)
    if url is not None and history.backend.is_duckdb(url) and history.backend.duckdb_path(url) != ":memory:":
        url = str(Path(history.backend.duckdb_path(url)).absolute())  # the kernels' folder may differ
    previous_env = os.environ.get(history.ENV)
    if url is not None:  # the notebooks read the same history ("what changed") while the batch runs
        os.environ[history.ENV] = url
    engine = engine or LocalEngine()
    # the index's brand comparison reads the figures the reports recorded: a worker makes it after them
    comparison = engine.after(index_comparison, jobs) if index and len({j.brand for j in jobs}) > 1 else None
    results: list[JobResult] = []
    todo = []
    for job in jobs:
        if resume and is_up_to_date(job):
            results.append(JobResult(job.label, "skipped", error="up to date"))
            if on_result:
                on_result(results[-1])
        else:
            todo.append(job)
    try:
        if todo:
            for res in engine.run(todo):
                results.append(res)
                if on_result:
                    on_result(res)
        summary = BatchSummary(run_dir, results, round(time.perf_counter() - start, 2))
        try:  # the run's timings next to its reports (socialkit batch --profile prints them)
            io.write_text(run_dir / "batch.json", json.dumps({"run": run_dir.name, "finished": datetime.now(
                timezone.utc).isoformat(timespec="seconds"), **summary.profile()}, indent=2) + "\n")
        except OSError:
            pass
        # the engine is closed after the history and the index: a worker may be making the comparison meanwhile
        if url is not None:
            summary.history = history.store_batch(jobs, results, run_name=run_dir.name, run_dir=run_dir, url=url,
                                                  started=started)
        if index:
            write_index(run_dir, jobs, history_url=url, stored=summary.history,
                        comparison=comparison() if comparison is not None else None)
    finally:
        engine.close()
        if previous_env is None:
            os.environ.pop(history.ENV, None)
        else:
            os.environ[history.ENV] = previous_env
    return summary

"""Run history: what each report found, run after run, so reports can say what changed.

Each batch run (and ``socialkit run``) stores, per brand and report, the figures its notebook
recorded (:func:`socialkit.records.record`), with the run's name, the period, times, kit version,
parameters (secrets masked) and input checksums. By default the history is the DuckDB file
``<reports dir>/history.duckdb``; ``--history URL`` or ``SOCIALKIT_HISTORY`` name another file or
any SQLAlchemy database (PostgreSQL for a team). See docs/recurring.md.

Reading, from a notebook or anywhere::

    from socialkit import history
    with history.open() as h:
        before = h.previous("summit_outfitters", "01_social_business_venn", period="2025-Q4")
        table = history.changes(now, before)       # figure, previous, now, change, direction, tone
        trend = h.series("venn.scope", brand="summit_outfitters")

Writing is done by one process only (the batch's parent, after every report finished), and never
breaks a report: :func:`store_batch` and :func:`store_report` return a problem instead of raising.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import config, paths, records
from ..figures import SHOWN
from ..exceptions import HistoryError, SocialKitError
from ..secrets import mask
from .backend import ENV, Backend, duckdb_path, is_duckdb, shown
from .figures import (ARROWS, META, PREFIXES, change, changes, describe_figure, flatten, format_value, key_figures,
                      summary_line)
from .schema import CURRENT, MIGRATION_NOTES, migrate as _migrate, version
from .database import History, ReportRecord

__all__ = ["ARROWS", "CURRENT", "ENV", "History", "META", "PREFIXES", "ReportRecord", "Stored", "change",
           "changes", "default_url", "describe_figure", "flatten", "format_value", "key_figures", "migrate",
           "open", "report_record", "resolve", "store_batch", "store_report", "summary_line",
           "time_text", "WhatChanged", "what_changed"]

#: File name of the default history inside the reports folder.
FILE_NAME = "history.duckdb"


def default_url(reports_dir: str | os.PathLike | None = None) -> str:
    """Where the history is: ``SOCIALKIT_HISTORY`` when set, else ``<reports dir>/history.duckdb``."""
    explicit = os.environ.get(ENV)
    if explicit:
        return explicit
    return str(Path(reports_dir or config.reports_dir()) / FILE_NAME)


def resolve(url: str | os.PathLike | None = None, *, reports_dir: str | os.PathLike | None = None) -> str:
    """``url`` as given, else :func:`default_url`."""
    return str(url) if url not in (None, "") else default_url(reports_dir)


def open(url: str | os.PathLike | None = None, *, write: bool = False,  # noqa: A001 - history.open reads naturally
         reports_dir: str | os.PathLike | None = None, wait: float | None = None) -> History:
    """Open the history (see :func:`resolve`) for reading, or for writing with ``write=True``.

    Reading a DuckDB file that does not exist yet gives an empty history. A database that cannot be
    reached, is busy, read-only (when writing) or of another layout version raises
    :class:`~socialkit.exceptions.HistoryError` saying why and what to do."""
    url = resolve(url, reports_dir=reports_dir)
    if not write and is_duckdb(url):
        path = duckdb_path(url)
        if path != ":memory:" and not Path(path).exists():
            return History(None, url)
    db = Backend(url, write=write, wait=wait)
    try:
        return History(db, url)
    except BaseException:
        db.close()
        raise


def migrate(url: str | os.PathLike | None = None, *, reports_dir: str | os.PathLike | None = None,
            backup: bool = True) -> list[str]:
    """Upgrade an older history to the current layout; returns what changed, one line each
    (empty when it was current). A DuckDB file is first copied to ``<name>.v<old>.bak``."""
    url = resolve(url, reports_dir=reports_dir)
    if is_duckdb(url) and not Path(duckdb_path(url)).is_file():
        raise HistoryError(shown(url), "does not exist", fix="check the path; the next run creates a new history")
    db = Backend(url, write=True)
    try:
        found = version(db)
        if found is not None and found < CURRENT and backup and is_duckdb(url):
            db.close()
            source = Path(duckdb_path(url))
            copy = source.with_name(f"{source.name}.v{found}.bak")
            shutil.copyfile(source, copy)
            db = Backend(url, write=True)
        done = _migrate(db)
        if found is not None and found < CURRENT and backup and is_duckdb(url):
            done.append(f"the file as it was before is kept as {copy}")
        return done
    finally:
        db.close()


# --------------------------------------------------------------------------- what changed (for notebooks)


@dataclass
class WhatChanged:
    """Key figures now against the previous run: ``table`` (see :func:`changes`; empty when there
    is nothing to compare), ``previous`` (the previous report's row, or None) and ``note``, one
    sentence saying what the comparison is against, or why there is none."""

    table: Any
    previous: dict | None
    note: str

    def view(self, *, every: bool = False) -> Any:
        """The table for a report: key figure, previous run, this run, and the change with its arrow;
        ``tone`` (good / bad / neutral) colours the change (``socialkit.present.table(changed.view(),
        tone={"change": "tone"})``). Figures that did not change are listed too: "no change" is news.
        Only the key figures a reader follows (:data:`socialkit.figures.SHOWN`) unless ``every``."""
        t = self.table
        if t is None or len(t) == 0:
            return t
        if not every:
            t = t[t["figure"].isin(SHOWN)]
        shown = t[["label", "previous", "now", "change", "tone"]].copy()
        shown["change"] = [f"{ARROWS.get(d, '')} {c}".strip() for d, c in zip(t["direction"], t["change"])]
        return shown.rename(columns={"label": "figure"})


def what_changed(brand: str, report: str, figures: Mapping[str, Any], *, period: Any = None,
                 url: str | os.PathLike | None = None) -> WhatChanged:
    """Compare ``figures`` (this run's, as recorded) with the same brand's previous run of ``report``
    with the same period length (before ``period`` when given). Never raises: a history that cannot
    be read gives an empty table and a note that says why."""
    try:
        with open(url) as h:
            prev = h.previous_report(brand, report, period=period)
    except SocialKitError as exc:
        return WhatChanged(changes({}, {}), None, f"The run history could not be read, so nothing is compared: {exc}")
    if prev is None:
        return WhatChanged(changes({}, {}), None, "This is the first run of this report for this organisation in "
                           "the run history" + (" for a period of this length" if period else "")
                           + ": there is nothing to compare yet.")
    when = time_text(prev.get("finished_at"))
    against = f"run {prev['run']}" + (f", period {prev['period']}" if prev.get("period") else "") + \
        (f", finished {when} UTC" if when else "")
    return WhatChanged(changes(figures, prev["figures"]), prev, f"Compared with the previous {against}.")


def time_text(value: Any) -> str:
    """A stored time as "2025-10-02 09:00" ("" when unknown)."""
    if value is None or str(value) in ("NaT", "None", ""):
        return ""
    return f"{value:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- storing runs


@dataclass
class Stored:
    """What storing a run did: the run's name in the history, how many reports, or the problem."""

    url: str
    run: str = ""
    reports: int = 0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        if self.problem:
            return f"history not written (every report is): {self.problem}"
        if not self.reports:
            return f"history: nothing new to store in {self.url} (every report was up to date)"
        return f"history: {self.reports} report{'s' if self.reports != 1 else ''} stored as run {self.run!r} in {self.url}"


def _read_notebook(path: Path) -> dict:
    import nbformat  # only to read the executed notebook's recorded figures

    return nbformat.read(str(path), as_version=4) if path.is_file() else {}


def report_record(notebook: str | os.PathLike, parameters: Mapping[str, Any], *, brand: str, status: str,
                  executed: str | os.PathLike | None = None, secrets: Iterable[str] = (), error: str = "",
                  started: Any = None, finished: Any = None, figures: Mapping[str, Any] | None = None) -> ReportRecord:
    """A report as the history stores it: the figures its executed notebook recorded (``figures``
    when the caller has them already, as a batch report's record does), its parameters (``secrets``
    masked) and the checksums of the input files it read."""
    from ..report import inputs_used  # the report pipeline (nbconvert, kernels) loads only when storing

    if figures is None:
        nb = _read_notebook(Path(executed)) if executed else {}
        figures = records.read(nb) if nb else {}
    figures = dict(figures)
    try:
        inputs = inputs_used(notebook, parameters)
    except (SocialKitError, OSError):  # a file gone since the run: stored without its checksum
        inputs = []
    known = {i["kind"] for i in inputs}
    for name, value in sorted(parameters.items()):  # the *_path inputs of notebooks the kit does not list
        kind = name[:-5]
        if name.endswith("_path") and value not in (None, "", []) and kind not in known and name not in secrets:
            inputs.append(_own_input(kind, value))
    return ReportRecord(brand=str(brand), report=Path(str(notebook)).stem, status=status, figures=figures,
                        parameters=mask(parameters, secrets), inputs=[i for i in inputs if i],
                        period=figures.get("period") or parameters.get("period"), started=started,
                        finished=finished, error=error, notebook_file=str(executed or ""))


def _own_input(kind: str, value: Any) -> dict[str, str]:
    if paths.problem(value) is not None:
        return {}
    found = paths.expand(value)
    return {"kind": kind, "file": str(found[0]) if len(found) == 1 else f"{len(found)} files in {found[0].parent}",
            "fingerprint": paths.fingerprint(value)[:16]}


def store(name: str, reports: Iterable[ReportRecord], *, url: str | os.PathLike | None = None,
          reports_dir: str | os.PathLike | None = None, command: str = "batch", run_dir: str = "",
          started: Any = None, finished: Any = None) -> Stored:
    """Store a run; never raises for a history problem (the returned :class:`Stored` says it)."""
    target = resolve(url, reports_dir=reports_dir)
    done = Stored(shown(target))
    reports = list(reports)
    try:
        with open(target, write=True) as h:
            done.run = h.store(name, reports, command=command, run_dir=run_dir, started=started, finished=finished)
        done.reports = len(reports)
    except HistoryError as exc:
        done.problem = str(exc)
    except Exception as exc:  # whatever went wrong, the reports are written: say it and go on
        done.problem = f"{type(exc).__name__}: {exc}"
    return done


def store_batch(jobs: list, results: list, *, run_name: str, run_dir: str | os.PathLike,
                url: str | os.PathLike | None = None, started: Any = None) -> Stored:
    """Store the reports of a batch that ran (skipped, up-to-date reports were stored by the run
    that made them); called by the batch's parent process only, after every report finished."""
    by_label = {r.label: r for r in results}
    reports = []
    for job in jobs:
        res = by_label.get(job.label)
        if res is None or res.status not in ("ok", "failed"):
            continue
        record = _job_record(job)
        finished = _when(record.get("finished"))
        begun = finished - timedelta(seconds=float(res.seconds or 0)) if finished else None
        reports.append(report_record(job.notebook, job.parameters, brand=job.brand, status=res.status,
                                     executed=job.output("ipynb"), secrets=job.secrets, error=res.error,
                                     started=begun, finished=finished, figures=record.get("figures")))
    if not reports:
        return Stored(shown(resolve(url, reports_dir=Path(run_dir).parent)))
    return store(run_name, reports, url=url, reports_dir=Path(run_dir).parent, command="batch",
                 run_dir=str(run_dir), started=started)


def _job_record(job) -> dict:
    """The report's ``.json`` record (when it finished, the figures it recorded...), {} if unreadable."""
    try:
        record = json.loads(Path(job.output("json")).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _when(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def store_report(notebook: str | os.PathLike, parameters: Mapping[str, Any], *, brand: str, status: str,
                 executed: str | os.PathLike | None, secrets: Iterable[str] = (), error: str = "",
                 started: Any = None, run_name: str = "run", url: str | os.PathLike | None = None,
                 reports_dir: str | os.PathLike | None = None) -> Stored:
    """Store one report run by ``socialkit run`` (never raises for a history problem)."""
    try:
        rec = report_record(notebook, parameters, brand=brand, status=status, executed=executed, secrets=secrets,
                            error=error, started=started, finished=datetime.now(timezone.utc))
    except Exception as exc:  # the executed notebook cannot be read: the report stands, say why
        return Stored(shown(resolve(url, reports_dir=reports_dir)), problem=f"{type(exc).__name__}: {exc}")
    return store(run_name, [rec], url=url, reports_dir=reports_dir, command="run", started=started)

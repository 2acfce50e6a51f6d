"""The run history: store each run's reports and figures, and read them back.

:class:`History` is one open database (see :mod:`.backend`). Writing (:meth:`History.store`) is
one transaction per run, done by one process (the batch's parent, or ``socialkit run``); reading
(:meth:`~History.runs`, :meth:`~History.previous`, :meth:`~History.series`,
:meth:`~History.compare`) is what notebooks, the index page and ``socialkit history`` do.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping

import pandas as pd

from .. import __version__, periods
from ..exceptions import HistoryError
from ..text import closest
from .backend import Backend, shown
from .figures import META, change, decode, encode, flatten, format_value
from .schema import CURRENT, check, create, now

_UNSET: Any = object()


@dataclass
class ReportRecord:
    """One report of a run, as it is stored."""

    brand: str
    report: str  # the notebook's name, e.g. 01_social_business_venn
    status: str = "ok"  # ok | failed
    figures: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)  # secrets already masked
    inputs: list[dict[str, str]] = field(default_factory=list)  # kind, file, fingerprint
    period: str | None = None
    started: datetime | None = None
    finished: datetime | None = None
    error: str = ""
    notebook_file: str = ""


def _when(value: Any) -> datetime | None:
    """A time as the history stores it (UTC, no time zone)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = pd.Timestamp(value).tz_convert("UTC").tz_localize(None).to_pydatetime()
    return value.replace(microsecond=0)


class History:
    """An open run history. Use :func:`socialkit.history.open`; close it (or use ``with``)."""

    def __init__(self, db: Backend | None, url: str):
        self._db = db
        self.url = shown(url)
        self.version = check(db) if db is not None else None

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def empty(self) -> bool:
        """True when nothing has been stored yet."""
        return self.version is None

    # ------------------------------------------------------------------ writing

    def store(self, name: str, reports: Iterable[ReportRecord], *, command: str = "batch", run_dir: str = "",
              started: Any = None, finished: Any = None) -> str:
        """Store a run and its reports in one transaction; returns the run's name in the history
        (``name``, or ``name@<started>`` when that name is taken)."""
        if self._db is None or not self._db.write:
            raise HistoryError(self.url, "was opened for reading", fix="open it with history.open(url, write=True)")
        if self.version is None:
            create(self._db)
            self.version = CURRENT
        reports = list(reports)
        started = _when(started) or min((r.started for r in reports if r.started), default=None) or now()
        finished = _when(finished) or now()
        run_id = uuid.uuid4().hex
        with self._db.transaction() as db:
            taken = {r["name"] for r in db.query("SELECT name FROM runs WHERE name = :a OR name LIKE :b",
                                                  {"a": name, "b": f"{name}@%"})}
            unique = name if name not in taken else f"{name}@{started:%Y-%m-%dT%H:%M:%S}"
            n = 2
            while unique in taken:
                unique, n = f"{name}@{started:%Y-%m-%dT%H:%M:%S}#{n}", n + 1
            db.execute("INSERT INTO runs (run_id, name, command, run_dir, started_at, finished_at, kit_version) "
                       "VALUES (:id, :name, :cmd, :dir, :s, :f, :v)",
                       {"id": run_id, "name": unique, "cmd": command, "dir": str(run_dir), "s": started,
                        "f": finished, "v": __version__})
            for rec in reports:
                self._store_report(db, run_id, rec, started=started, finished=finished)
        return unique

    @staticmethod
    def _store_report(db: Backend, run_id: str, rec: ReportRecord, *, started: datetime, finished: datetime) -> None:
        """One report of a run (its times default to the run's)."""
        report_id = uuid.uuid4().hex
        figures = flatten(rec.figures)
        period = rec.period if rec.period not in (None, "") else rec.parameters.get("period")
        if figures.get("period") not in (None, ""):
            period = figures["period"]  # the notebook's resolved period (latest-quarter -> 2025-Q4)
        length, start, end = periods.info(period)
        db.execute("INSERT INTO reports (report_id, run_id, brand, report, period, period_length, period_start, "
                   "period_end, started_at, finished_at, status, error, parameters, notebook_file) VALUES "
                   "(:rid, :run, :brand, :report, :period, :len, :ps, :pe, :s, :f, :status, :err, :params, :nb)",
                   {"rid": report_id, "run": run_id, "brand": rec.brand, "report": rec.report,
                    "period": None if period in (None, "") else str(period), "len": length, "ps": start, "pe": end,
                    "s": _when(rec.started) or started, "f": _when(rec.finished) or finished, "status": rec.status,
                    "err": rec.error or None, "params": json.dumps(rec.parameters, sort_keys=True, default=str),
                    "nb": rec.notebook_file or None})
        db.execute("INSERT INTO inputs (report_id, kind, file, fingerprint) VALUES (:rid, :kind, :file, :fp)",
                   [{"rid": report_id, "kind": i.get("kind", ""), "file": i.get("file"), "fp": i.get("fingerprint")}
                    for i in rec.inputs])
        db.execute("INSERT INTO figures (report_id, name, kind, number, text) VALUES (:rid, :name, :kind, :num, :txt)",
                   [dict(zip(("kind", "num", "txt"), encode(v)), rid=report_id, name=n) for n, v in figures.items()])

    # ------------------------------------------------------------------ reading

    _REPORTS = ("SELECT r.report_id, u.name AS run, r.brand, r.report, r.period, r.period_length, r.period_start, "
                "r.period_end, r.started_at, r.finished_at, r.status, r.error, u.kit_version, u.run_id "
                "FROM reports r JOIN runs u ON u.run_id = r.run_id")

    def runs(self, brand: str | None = None, report: str | None = None, since: Any = None,
             status: str | None = None, run: str | None = None) -> pd.DataFrame:
        """Stored reports, oldest first: one row per (run, brand, report) with ``run``, ``brand``,
        ``report``, ``period``, ``period_length``, ``started_at``, ``finished_at``, ``status``,
        ``error``, ``kit_version`` and ``figures`` (a dict of the recorded figures)."""
        columns = ["run", "brand", "report", "period", "period_length", "period_start", "period_end", "started_at",
                   "finished_at", "status", "error", "kit_version", "figures", "report_id", "run_id"]
        if self.empty:
            return pd.DataFrame(columns=columns)
        where, params = [], {}
        for col, value in (("r.brand", brand), ("r.report", report), ("r.status", status), ("u.name", run)):
            if value is not None:
                key = col.split(".")[1] + "_v"
                where.append(f"{col} = :{key}")
                params[key] = value
        if since is not None:
            where.append("r.finished_at >= :since")
            params["since"] = _when(since)
        sql = self._REPORTS + (" WHERE " + " AND ".join(where) if where else "") + \
            " ORDER BY r.finished_at, u.name, r.brand, r.report"
        rows = self._db.query(sql, params)
        figures = self._figures([r["report_id"] for r in rows])
        for r in rows:
            r["figures"] = figures.get(r["report_id"], {})
        out = pd.DataFrame(rows, columns=columns)
        for col in ("started_at", "finished_at"):
            out[col] = pd.to_datetime(out[col])
        for col in ("period", "period_length", "error", "kit_version"):  # a missing text is None, never NaN
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        return out

    def _figures(self, report_ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(report_ids), 500):
            chunk = report_ids[i:i + 500]
            marks = ", ".join(f":r{j}" for j in range(len(chunk)))
            rows = self._db.query(f"SELECT report_id, name, kind, number, text FROM figures WHERE report_id IN ({marks}) "
                                  "ORDER BY name", {f"r{j}": rid for j, rid in enumerate(chunk)})
            for row in rows:
                found.setdefault(row["report_id"], {})[row["name"]] = decode(row["kind"], row["number"], row["text"])
        return found

    def inputs(self, report_id: str) -> list[dict[str, str]]:
        """The input files (kind, file, fingerprint) a stored report read."""
        if self.empty:
            return []
        return self._db.query("SELECT kind, file, fingerprint FROM inputs WHERE report_id = :r ORDER BY kind",
                              {"r": report_id})

    def run_names(self) -> list[str]:
        """Every run's name, oldest first."""
        if self.empty:
            return []
        return [r["name"] for r in self._db.query("SELECT name FROM runs ORDER BY started_at, name")]

    def previous_report(self, brand: str, report: str, *, period: Any = None, period_length: Any = _UNSET,
                        before: Any = None, exclude_run: str | None = None) -> dict[str, Any] | None:
        """The same brand's previous successful run of ``report`` with the same period length, as a
        dict (``run``, ``period``, ``finished_at``, ``figures`` ...); None when there is none.

        With ``period`` ("2025-Q4") the previous run is the latest one whose period starts before
        it (so re-running an old quarter never becomes "last time"); ``period_length`` defaults to
        that period's length, and to None (whole-file runs) without a period. ``before`` (a time)
        ignores runs finished after it; ``exclude_run`` (a run name) ignores that run."""
        length, start, _ = periods.info(period)
        if period_length is not _UNSET:
            length = period_length
        found = self.runs(brand=brand, report=report, status="ok")
        if found.empty:
            return None
        found = found[found["period_length"].isna()] if length is None else found[found["period_length"] == length]
        if exclude_run is not None:
            found = found[found["run"] != exclude_run]
        if before is not None:
            found = found[found["finished_at"] < pd.Timestamp(_when(before))]
        if start is not None:
            found = found.assign(_s=pd.to_datetime(found["period_start"]))
            found = found[found["_s"].notna() & (found["_s"] < pd.Timestamp(start))]
            found = found.sort_values(["_s", "finished_at"]).drop(columns="_s")
        if found.empty:
            return None
        row = found.iloc[-1].to_dict()
        row["inputs"] = self.inputs(row["report_id"])
        return row

    def previous(self, brand: str, report: str, *, period: Any = None, period_length: Any = _UNSET,
                 before: Any = None, exclude_run: str | None = None) -> dict[str, Any]:
        """The figures of :meth:`previous_report` ({} when there is no previous run)."""
        row = self.previous_report(brand, report, period=period, period_length=period_length, before=before,
                                   exclude_run=exclude_run)
        return dict(row["figures"]) if row else {}

    def series(self, name: str, *, brand: str | None = None, report: str | None = None,
               period_length: Any = _UNSET) -> pd.DataFrame:
        """One figure across runs, for trend charts: ``brand``, ``run``, ``report``, ``when`` (the
        period's first day, else the day the run finished), ``period``, ``value``; successful runs
        only, one value per brand and run (the first report, by name, that recorded it)."""
        columns = ["brand", "run", "report", "when", "period", "period_length", "value"]
        found = self.runs(brand=brand, report=report, status="ok")
        if period_length is not _UNSET:
            found = found[found["period_length"].isna()] if period_length is None else \
                found[found["period_length"] == period_length]
        rows = []
        for _, r in found.sort_values(["finished_at", "report"]).iterrows():
            value = r["figures"].get(name)
            if value is None or isinstance(value, (list, bool)):
                continue
            when = pd.Timestamp(r["period_start"]) if r["period_start"] is not None and not pd.isna(r["period_start"]) \
                else pd.Timestamp(r["finished_at"]).normalize()
            rows.append({"brand": r["brand"], "run": r["run"], "report": r["report"], "when": when,
                         "period": r["period"], "period_length": r["period_length"], "value": value})
        out = pd.DataFrame(rows, columns=columns)
        return out.drop_duplicates(["brand", "run"], keep="first").reset_index(drop=True)

    def find_run(self, name: str) -> str:
        """``name`` when a run has it; a HistoryError with the closest names otherwise."""
        names = self.run_names()
        if name in names:
            return name
        hint = closest(name, names)
        latest = ", ".join(names[-5:]) or "none yet"
        raise HistoryError(self.url, f"has no run named {name!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                           fix=f"run `socialkit history` to list the runs (latest: {latest})")

    def compare(self, run_a: str, run_b: str, *, only_changed: bool = True) -> pd.DataFrame:
        """Differences between two runs (by name), one row per brand, report and figure or input:
        ``brand``, ``report``, ``figure`` (a figure name, or ``input: <kind>``), ``value_a``,
        ``value_b`` (formatted), ``change``, ``direction``, ``tone``. With ``only_changed`` (the
        default), figures equal in both runs are left out."""
        a = self.runs(run=self.find_run(run_a))
        b = self.runs(run=self.find_run(run_b))
        rows = []
        keys = sorted(set(zip(a["brand"], a["report"])) | set(zip(b["brand"], b["report"])))
        for brand, report in keys:
            ra = a[(a["brand"] == brand) & (a["report"] == report)]
            rb = b[(b["brand"] == brand) & (b["report"] == report)]
            fa = ra.iloc[-1]["figures"] if len(ra) else {}
            fb = rb.iloc[-1]["figures"] if len(rb) else {}
            if ra.empty or rb.empty:
                rows.append({"brand": brand, "report": report, "figure": "(report)",
                             "value_a": "ran" if len(ra) else "not in run", "value_b": "ran" if len(rb) else "not in run",
                             "change": "only in one run", "direction": "changed", "tone": "neutral"})
            for name in [n for n in dict.fromkeys(list(fa) + list(fb)) if n not in META]:
                va, vb = fa.get(name), fb.get(name)
                moved = change(name, va, vb)
                if only_changed and moved["direction"] == "same":
                    continue
                rows.append({"brand": brand, "report": report, "figure": name,
                             "value_a": format_value(name, va) if name in fa else "",
                             "value_b": format_value(name, vb) if name in fb else "",
                             "change": moved["text"], "direction": moved["direction"], "tone": moved["tone"]})
            if len(ra) and len(rb):
                ia = {i["kind"]: i for i in self.inputs(ra.iloc[-1]["report_id"])}
                ib = {i["kind"]: i for i in self.inputs(rb.iloc[-1]["report_id"])}
                for kind in sorted(set(ia) | set(ib)):
                    fpa, fpb = (ia.get(kind) or {}).get("fingerprint"), (ib.get(kind) or {}).get("fingerprint")
                    if only_changed and fpa == fpb:
                        continue
                    rows.append({"brand": brand, "report": report, "figure": f"input: {kind}",
                                 "value_a": _input_text(ia.get(kind)), "value_b": _input_text(ib.get(kind)),
                                 "change": "same file contents" if fpa == fpb else "file contents changed",
                                 "direction": "same" if fpa == fpb else "changed", "tone": "neutral"})
        out = pd.DataFrame(rows, columns=["brand", "report", "figure", "value_a", "value_b", "change", "direction",
                                          "tone"])
        out.attrs.update(run_a=run_a, run_b=run_b)
        return out


def _input_text(row: Mapping[str, Any] | None) -> str:
    if not row:
        return "not read"
    return f"{row.get('file') or '?'} ({(row.get('fingerprint') or '')[:12]})"

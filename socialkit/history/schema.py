"""The history's tables, their version, and the explicit migration of older layouts.

The layout is documented in docs/recurring.md ("The history database"). Every database records
its layout version in ``schema_version``; the kit reads and writes only the current version
(:data:`CURRENT`). An older database is never rewritten on the fly: opening it says so, and
``socialkit history --migrate`` (or :func:`migrate`) upgrades it, keeping the old tables renamed
(``runs_v1``, ``figures_v1``) and, for a DuckDB file, a copy of the file made before anything changed.

Version history:

* **v1** one table of report runs (``runs``: an integer id, run name, brand, report, period, times,
  kit version, status, the input checksums as JSON text) and ``figures`` (run id, name, value as JSON
  text).
* **v2** (current) runs and their reports in two tables (a batch run is one ``runs`` row, each
  report of it one ``reports`` row), text ids, the period's length and first and last day, the
  parameters (secrets masked), input checksums in their own table (``inputs``), and typed figure
  values (``figures.kind``, ``number``, ``text``) so figures compare and chart without parsing.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from .. import periods
from ..exceptions import HistoryError
from .backend import Backend, shown
from .figures import encode, flatten

#: The layout this version of the kit reads and writes.
CURRENT = 2

TABLES_V2 = [
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL,
        applied_at TIMESTAMP NOT NULL,
        note TEXT)""",
    """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        command TEXT,
        run_dir TEXT,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        kit_version TEXT)""",
    """CREATE TABLE reports (
        report_id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        brand TEXT NOT NULL,
        report TEXT NOT NULL,
        period TEXT,
        period_length TEXT,
        period_start DATE,
        period_end DATE,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        status TEXT NOT NULL,
        error TEXT,
        parameters TEXT,
        notebook_file TEXT)""",
    """CREATE TABLE inputs (
        report_id TEXT NOT NULL REFERENCES reports (report_id),
        kind TEXT NOT NULL,
        file TEXT,
        fingerprint TEXT)""",
    """CREATE TABLE figures (
        report_id TEXT NOT NULL REFERENCES reports (report_id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        number DOUBLE PRECISION,
        text TEXT,
        PRIMARY KEY (report_id, name))""",
    "CREATE INDEX reports_by_brand ON reports (brand, report, finished_at)",
]

#: What each migration changes, as ``socialkit history --migrate`` reports it.
MIGRATION_NOTES = {
    1: ["runs (one row per report) becomes runs (one row per batch run) + reports (one row per report)",
        "ids become text; each v1 report keeps its number as report id 'v1-<id>'",
        "period_length, period_start and period_end are derived from each period label",
        "input checksums move from a JSON column to the inputs table",
        "figure values move from JSON text to typed columns (kind, number, text); dicts are flattened "
        "to dotted names",
        "schema_version gains a note column (what each migration did)",
        "the v1 tables are kept, renamed runs_v1 and figures_v1"],
}


def now() -> datetime:
    """The time the history records (UTC, without time zone, the same on every database)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def version(db: Backend) -> int | None:
    """The layout version of the database; None when it holds no history yet."""
    tables = db.tables()
    if "schema_version" not in tables:
        if tables & {"runs", "figures", "reports"}:
            raise HistoryError(shown(db.url), f"holds tables ({', '.join(sorted(tables))}) but no schema_version "
                               "table: it is not a socialkit history",
                               fix="point --history (or SOCIALKIT_HISTORY) at a socialkit history or a new file")
        return None
    rows = db.query("SELECT max(version) AS v FROM schema_version")
    return int(rows[0]["v"]) if rows and rows[0]["v"] is not None else None


def check(db: Backend) -> int | None:
    """The version, when the kit can use it; a HistoryError naming the fix otherwise."""
    found = version(db)
    if found is None or found == CURRENT:
        return found
    if found > CURRENT:
        raise HistoryError(shown(db.url), f"uses history layout v{found}, newer than this socialkit's (v{CURRENT})",
                           fix="upgrade socialkit (pip install -U socialkit) to read it")
    raise HistoryError(shown(db.url), f"uses history layout v{found}; this socialkit reads v{CURRENT} and never "
                       "rewrites a history without being asked",
                       fix="run `socialkit history --migrate` (add --history URL for a server) to upgrade it; "
                           "it keeps the old tables and, for a file, a copy of it. What changes: "
                           + "; ".join(n for v in range(found, CURRENT) for n in MIGRATION_NOTES[v]))


def create(db: Backend) -> None:
    """Create the current layout in an empty database."""
    with db.transaction():
        for statement in TABLES_V2:
            db.execute(statement)
        db.execute("INSERT INTO schema_version (version, applied_at, note) VALUES (:v, :t, :n)",
                   {"v": CURRENT, "t": now(), "n": "created"})


def migrate(db: Backend) -> list[str]:
    """Upgrade an older history to :data:`CURRENT` in one transaction; returns what changed
    (empty when it was current already)."""
    found = version(db)
    if found is None:
        raise HistoryError(shown(db.url), "holds no history to migrate", fix="nothing to do: the next run creates it")
    if found > CURRENT:
        check(db)
    done: list[str] = []
    while found < CURRENT:
        step = _STEPS[found]
        with db.transaction():
            step(db)
            db.execute("INSERT INTO schema_version (version, applied_at, note) VALUES (:v, :t, :n)",
                       {"v": found + 1, "t": now(), "n": f"migrated from v{found}: " + "; ".join(MIGRATION_NOTES[found])})
        done += [f"v{found} -> v{found + 1}: {n}" for n in MIGRATION_NOTES[found]]
        found += 1
    return done


def _v1_to_v2(db: Backend) -> None:
    db.execute("ALTER TABLE schema_version ADD COLUMN note TEXT")
    db.execute("ALTER TABLE runs RENAME TO runs_v1")
    db.execute("ALTER TABLE figures RENAME TO figures_v1")
    for statement in TABLES_V2[1:]:
        db.execute(statement)
    old = db.query("SELECT * FROM runs_v1 ORDER BY started_at, run_id")
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in old:
        groups.setdefault(str(row["run_name"]), []).append(row)
    for name, rows in groups.items():
        run_id = uuid.uuid4().hex
        starts = [r["started_at"] for r in rows if r["started_at"] is not None]
        ends = [r["finished_at"] for r in rows if r["finished_at"] is not None]
        db.execute("INSERT INTO runs (run_id, name, command, run_dir, started_at, finished_at, kit_version) "
                   "VALUES (:id, :name, :cmd, NULL, :s, :f, :v)",
                   {"id": run_id, "name": name, "cmd": "v1", "s": min(starts) if starts else None,
                    "f": max(ends) if ends else None, "v": rows[0]["kit_version"]})
        for r in rows:
            report_id = f"v1-{r['run_id']}"
            length, start, end = periods.info(r["period"])
            db.execute("INSERT INTO reports (report_id, run_id, brand, report, period, period_length, period_start, "
                       "period_end, started_at, finished_at, status, error, parameters, notebook_file) VALUES "
                       "(:rid, :run, :brand, :report, :period, :len, :ps, :pe, :s, :f, :status, NULL, NULL, NULL)",
                       {"rid": report_id, "run": run_id, "brand": r["brand"], "report": r["report"],
                        "period": r["period"], "len": length, "ps": start, "pe": end, "s": r["started_at"],
                        "f": r["finished_at"], "status": r["status"] or "ok"})
            inputs = json.loads(r["inputs"]) if r["inputs"] else []
            db.execute("INSERT INTO inputs (report_id, kind, file, fingerprint) VALUES (:rid, :kind, :file, :fp)",
                       [{"rid": report_id, "kind": i.get("kind", "?"), "file": i.get("file"),
                         "fp": i.get("fingerprint")} for i in inputs])
            values = {f["name"]: json.loads(f["value"]) if f["value"] is not None else None
                      for f in db.query("SELECT name, value FROM figures_v1 WHERE run_id = :id", {"id": r["run_id"]})}
            db.execute("INSERT INTO figures (report_id, name, kind, number, text) VALUES (:rid, :name, :kind, :num, :txt)",
                       [dict(zip(("kind", "num", "txt"), encode(v)), rid=report_id, name=n)
                        for n, v in flatten(values).items()])


_STEPS = {1: _v1_to_v2}

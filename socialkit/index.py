"""The index page of a batch run: links every report, says what changed since the previous run,
draws the key figures across runs, and compares the brands.

Fully offline: charts are inline SVG (vl-convert), no script tags.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from . import files, history, periods, records
from .colours import BAD, GOOD, MUTED
from .figures import SHOWN
from .tablecss import share_table_styles

_CSS = """
body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f4f4f4}.ok{color:#080}.failed{color:#b00}.skipped{color:#666}svg{max-width:100%;height:auto}
.good{color:@good@;font-weight:bold}.bad{color:@bad@;font-weight:bold}.neutral{color:@muted@}
td.num{text-align:right}.note{color:@muted@}
"""


def _records(run_dir: Path, jobs: Iterable) -> list[dict]:
    rows = []
    for job in jobs:
        rec_path = job.output("json")
        rec = json.loads(rec_path.read_text(encoding="utf-8")) if rec_path.is_file() else {"status": "missing"}
        rows.append({"brand": job.brand, "notebook": job.name, "status": rec.get("status", "missing"),
                     "error": rec.get("error", ""), "seconds": rec.get("seconds", ""),
                     "outputs": [os.path.relpath(o, run_dir) for o in rec.get("outputs", []) if Path(o).is_file()]})
    return rows


def brand_figures(jobs: Iterable) -> dict[str, dict[str, Any]]:
    """The key figures each brand's reports of the run recorded (brand -> figures; a brand without
    any is left out), read from the reports' ``.json`` records, else from their executed notebooks.
    Where two reports of a brand recorded the same figure, the report of the lower-numbered
    notebook wins (notebook 01's Venn scores over the stakeholder report's)."""
    found: dict[str, dict[str, Any]] = {}
    for job in sorted(jobs, key=lambda j: j.name, reverse=True):
        try:
            rec = json.loads(job.output("json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if rec.get("status") != "ok":
            continue
        figures = rec.get("figures")
        if figures is None:  # a record written before records carried figures
            try:
                figures = records.read(json.loads(job.output("ipynb").read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        if figures:
            found.setdefault(job.brand, {}).update(figures)
    return {b: found[b] for b in sorted(found)}


def comparison_sections(jobs: Iterable, *, draw=None) -> list[tuple[str, str]]:
    """(title, html) sections comparing the run's brands on the figures their reports recorded
    (:func:`socialkit.compare.brand_comparison`; ``draw`` turns a chart into SVG)."""
    figures = brand_figures(jobs)
    if len(figures) < 2:
        return []
    from .compare import brand_comparison  # loads pandas: only when brands are compared

    try:
        return brand_comparison(figures, draw=draw)
    except Exception as exc:  # the reports are done: a comparison problem must not lose the index
        return [("Brand comparison", f"<p>The comparison could not be drawn: {html.escape(f'{type(exc).__name__}: {exc}')}</p>")]


def write_index(run_dir: str | os.PathLike, jobs: list, *, history_url: str | None = None,
                stored: history.Stored | None = None,
                comparison: list[tuple[str, str]] | None = None) -> Path:
    """Write ``run_dir/index.html`` linking every report of the run, with what changed since the
    previous run and trends across runs (from the history at ``history_url``, where ``stored`` says
    how this run was stored), and a comparison of the run's brands on the figures their reports
    recorded (``comparison``: its sections made already by :func:`comparison_sections`, else made here)."""
    run_dir = Path(run_dir)
    rows = _records(run_dir, jobs)
    e = html.escape
    body = [f"<h1>socialkit reports: {e(run_dir.name)}</h1>",
            f"<p>Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
            f"{sum(r['status'] == 'ok' for r in rows)} of {len(rows)} reports succeeded.</p>"]
    if stored is not None:
        body.append(f'<p class="{"note" if stored.ok else "failed"}">{e(stored.describe())}</p>')
    body.append("<h2>Reports</h2><table><tr><th>brand</th><th>report</th><th>status</th><th>seconds</th>"
                "<th>files</th></tr>")
    for r in sorted(rows, key=lambda r: (r["brand"], r["notebook"])):
        links = " ".join(f'<a href="{e(o)}">{e(Path(o).suffix.lstrip("."))}</a>' for o in r["outputs"])
        status = e(r["status"]) + (f"<br><small>{e(r['error'])}</small>" if r["error"] and r["status"] == "failed" else "")
        body.append(f"<tr><td>{e(r['brand'])}</td><td>{e(r['notebook'])}</td><td class=\"{e(r['status'])}\">{status}</td>"
                    f"<td>{e(str(r['seconds']))}</td><td>{links}</td></tr>")
    body.append("</table>")
    if history_url is not None:
        body += history_sections(jobs, rows, history_url, stored)
    if comparison is None:
        comparison = comparison_sections(jobs)
    for title, section in comparison or []:
        body.append(f"<h2>{e(title)}</h2>{section}")
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>socialkit: {e(run_dir.name)}</title>"
            f"<style>{_css()}</style></head><body>{''.join(body)}</body></html>")
    return files.write_text(run_dir / "index.html", share_table_styles(page))


def _css() -> str:
    return _CSS.replace("@good@", GOOD).replace("@bad@", BAD).replace("@muted@", MUTED)


# --------------------------------------------------------------------------- history


def _current(jobs: Iterable, rows: list[dict]) -> list[dict[str, Any]]:
    """This run's successful reports with the figures their notebooks recorded."""
    ok = {(r["brand"], r["notebook"]) for r in rows if r["status"] == "ok"}
    found = []
    for job in jobs:
        path = Path(job.output("ipynb"))
        if (job.brand, job.name) not in ok or not path.is_file():
            continue
        try:
            figures = history.flatten(records.read(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
        period = figures.get("period") or job.parameters.get("period")
        found.append({"brand": job.brand, "report": job.name, "figures": figures, "period": period})
    return found


def history_sections(jobs: list, rows: list[dict], url: str, stored: history.Stored | None) -> list[str]:
    """HTML: what changed since each brand's previous run, and trend charts across runs."""
    e = html.escape
    current = _current(jobs, rows)
    if not current:
        return []
    try:
        with history.open(url) as h:
            exclude = stored.run if stored is not None and stored.ok and stored.run else None
            previous = [h.previous_report(c["brand"], c["report"], period=c["period"], exclude_run=exclude)
                        for c in current]
            trends = _trend_sections(h, sorted({c["brand"] for c in current}),
                                     periods.info(current[0]["period"])[0])
    except Exception as exc:  # the reports are done: a history problem must not lose the index
        return ["<h2>What changed since the previous run</h2>",
                f'<p class="failed">The run history could not be read: {e(str(exc))}</p>']
    out = ["<h2>What changed since the previous run</h2>",
           "<p class=\"note\">Each key figure against the same brand's previous run of the same report with the "
           "same period length (\u25b2 up, \u25bc down; green or red where the kit knows which way is better).</p>"]
    for brand in sorted({c["brand"] for c in current}):
        out.append(f"<h3>{e(brand)}</h3>")
        for cur, prev in zip(current, previous):
            if cur["brand"] != brand:
                continue
            out.append(_change_table(cur, prev))
    return out + trends


def _change_table(cur: dict, prev: dict | None) -> str:
    e = html.escape
    period = f" ({e(str(cur['period']))})" if cur["period"] else ""
    head = f"<h4>{e(cur['report'])}{period}</h4>"
    if prev is None:
        return head + "<p class=\"note\">First run of this report for this brand in the history: nothing to compare yet.</p>"
    table = history.changes(cur["figures"], prev["figures"])
    if table["figure"].isin(SHOWN).any():  # the key figures a reader follows; `socialkit history --compare` lists all
        table = table[table["figure"].isin(SHOWN)]
    if table.empty:
        return head + "<p class=\"note\">The report records no key figures.</p>"
    when = history.time_text(prev.get("finished_at"))
    since = f"previous run {e(str(prev['run']))}" + (f", period {e(str(prev['period']))}" if prev.get("period") else "") \
        + (f", finished {when} UTC" if when else "")
    lines = [head, f"<p class=\"note\">Against the {since}.</p>",
             "<table><tr><th>figure</th><th>previous</th><th>now</th><th>change</th></tr>"]
    for r in table.itertuples():
        word = {"up": "up ", "down": "down "}.get(r.direction, "")
        shown = f"{history.ARROWS.get(r.direction, '')} {word}{e(r.change)}"
        lines.append(f"<tr><td>{e(r.label)}</td><td class=\"num\">{e(r.previous)}</td><td class=\"num\">"
                     f"{e(r.now)}</td><td class=\"{e(r.tone)}\">{shown}</td></tr>")
    return "".join(lines) + "</table>"


#: Figures drawn across runs: (which chart, the figures it draws, whether it draws only the first
#: of them that was recorded: business coverage has had two names).
TRENDS = (("scope_value", ("venn.scope", "venn.measurable_value", "venn.delivered_value"), False),
          ("coverage", ("metrics.business_coverage", "ladder.coverage"), True))


def _trend_sections(h: history.History, brands: list[str], length: str | None) -> list[str]:
    import pandas as pd  # tables for the charts: loaded only when a history is drawn

    parts = []
    for kind, names, first_only in TRENDS:
        frames = []
        for name in names:
            s = h.series(name, period_length=length)
            s = s[s["brand"].isin(brands)]
            if not s.empty:
                frames.append(s.assign(figure=history.describe_figure(name)[0]))
                if first_only:
                    break
        data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if data.empty or data.groupby("brand")["run"].nunique().max() < 2:
            continue
        # the charts load altair and vl-convert: only when a brand has runs to draw
        from .charts import to_svg
        from .charts.history import coverage_trend, scope_value_trend

        chart = scope_value_trend(data) if kind == "scope_value" else coverage_trend(data)
        parts.append(to_svg(chart))
    if not parts:
        return ["<h2>Trends across runs</h2><p class=\"note\">Trends appear once a brand has two runs in the "
                "history with these figures.</p>"]
    return ["<h2>Trends across runs</h2>"] + [f"<div>{p}</div>" for p in parts]

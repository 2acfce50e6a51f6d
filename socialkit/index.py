"""The index page of a batch run: links every report and compares the brands.

Fully offline: charts are inline SVG (vl-convert), no script tags.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from . import files
from .config import sample_brands

_CSS = """
body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f4f4f4}.ok{color:#080}.failed{color:#b00}.skipped{color:#666}svg{max-width:100%;height:auto}
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


def comparison_sections(brands: list[str]) -> list[tuple[str, str]]:
    """(title, html) sections comparing sample brands; each analysis contributes what it can."""
    from .compare import brand_comparison  # runs every analysis: loaded only when brands are compared

    try:
        return brand_comparison(brands)
    except Exception as exc:  # the reports are done: a comparison problem must not lose the index
        return [("Brand comparison", f"<p>The comparison could not be drawn: {html.escape(f'{type(exc).__name__}: {exc}')}</p>")]


def write_index(run_dir: str | os.PathLike, jobs: list) -> Path:
    """Write ``run_dir/index.html`` linking every report of the run, with a brand comparison."""
    run_dir = Path(run_dir)
    rows = _records(run_dir, jobs)
    e = html.escape
    body = [f"<h1>socialkit reports: {e(run_dir.name)}</h1>",
            f"<p>Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
            f"{sum(r['status'] == 'ok' for r in rows)} of {len(rows)} reports succeeded.</p>",
            "<h2>Reports</h2><table><tr><th>brand</th><th>report</th><th>status</th><th>seconds</th><th>files</th></tr>"]
    for r in sorted(rows, key=lambda r: (r["brand"], r["notebook"])):
        links = " ".join(f'<a href="{e(o)}">{e(Path(o).suffix.lstrip("."))}</a>' for o in r["outputs"])
        status = e(r["status"]) + (f"<br><small>{e(r['error'])}</small>" if r["error"] and r["status"] == "failed" else "")
        body.append(f"<tr><td>{e(r['brand'])}</td><td>{e(r['notebook'])}</td><td class=\"{e(r['status'])}\">{status}</td>"
                    f"<td>{e(str(r['seconds']))}</td><td>{links}</td></tr>")
    body.append("</table>")
    # compare only brands whose reports read the sample files (a job with its own *_path files
    # would otherwise be compared on data it did not use)
    own_files = {j.brand for j in jobs if any(k.endswith("_path") and v for k, v in j.parameters.items())}
    brands = sorted(({r["brand"] for r in rows} & set(sample_brands())) - own_files)
    if len(brands) > 1:
        for title, section in comparison_sections(brands):
            body.append(f"<h2>{e(title)}</h2>{section}")
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>socialkit: {e(run_dir.name)}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>")
    return files.write_text(run_dir / "index.html", page)

"""The ``socialkit`` command: a thin layer over the functions the notebooks call.

Errors raised on purpose (:class:`SocialKitError`) print as a clear message and exit 1; usage
mistakes (an unknown command, a missing argument) print the usage with the closest command and exit
2; ``--debug`` shows the full traceback instead.

Each command imports what it needs when it runs: ``socialkit --help`` must not wait for pandas,
scikit-learn and Jupyter to load.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List, Optional, Tuple

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from .exceptions import SocialKitError
from .params import find_notebook, notebook_parameters, parse_value
from .text import closest


class _SuggestingGroup(TyperGroup):
    """Commands that answer a mistyped name with the closest command ("Did you mean 'init'?")."""

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as exc:
            hint = closest(args[0], self.list_commands(ctx)) if args else None
            message = str(getattr(exc, "message", ""))
            if hint and message.startswith("No such command") and "Did you mean" not in message:
                exc.message = f"{exc.message} Did you mean '{hint}'?"
            raise


app = typer.Typer(cls=_SuggestingGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Social strategy notebooks: validate inputs, run and batch reports, export them offline.")
segment_app = typer.Typer(cls=_SuggestingGroup, no_args_is_help=True, help="Score new respondents into fitted segments.")
app.add_typer(segment_app, name="segment")
console = Console()
err_console = Console(stderr=True)
_state = {"debug": False}


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    _state["debug"] = debug


def parse_pairs(args: list[str]) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs (papermill's syntax) from the command's extra arguments."""
    values, i = {}, 0
    while i < len(args):
        if args[i] not in ("-p", "--parameter") or i + 2 >= len(args):
            raise typer.BadParameter(f"expected '-p NAME VALUE', got {' '.join(args[i:i + 3])!r}", param_hint="-p")
        values[args[i + 1]] = parse_value(args[i + 2])
        i += 3
    return values


def parse_column_map(pairs: list[str] | None) -> dict[str, str]:
    """``--map "Their name=ours"`` options as a dict."""
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"{pair!r} must look like 'Their column=contract_column'", param_hint="--map")
        theirs, ours = pair.rsplit("=", 1)
        out[theirs.strip()] = ours.strip()
    return out


@app.command()
def init(folder: Path = typer.Argument(..., help="Folder to lay out (created if needed)."),
         force: bool = typer.Option(False, "--force", help="Overwrite files the kit would write there.")) -> None:
    """Lay out a working folder: notebooks, sample data, editable tables, a demo manifest, a README."""
    # imported when the command runs: `socialkit --help` stays fast
    from .workspace import init as lay_out

    written = lay_out(folder, force=force)
    console.print(f"[green]ok[/green]: {len(written)} files written in {folder}")
    console.print(f"next: cd {folder} && socialkit batch manifests/demo.yml   (or: jupyter lab notebooks/)")


@app.command()
def params(notebook: str = typer.Argument(..., help="Notebook path or name, e.g. 01_social_business_venn.")) -> None:
    """List a notebook's parameters: name, type, default and help."""
    table = Table(title=str(find_notebook(notebook)))
    for col in ("name", "type", "default", "help"):
        table.add_column(col)
    for p in notebook_parameters(notebook).values():
        table.add_row(p.name, escape(p.type_name), escape("[secret]" if p.secret and p.default else repr(p.default)), escape(p.help))
    console.print(table)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context,
        notebook: str = typer.Argument(..., help="Notebook path or name. Parameters: -p NAME VALUE (repeatable; VALUE is read as YAML)."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Executed notebook (default <reports dir>/<notebook>.ipynb)."),
        reports_dir: Optional[Path] = typer.Option(None, "--reports-dir", help="Where reports go (default reports/ in this folder)."),
        html: bool = typer.Option(True, "--html/--no-html", help="Also export an offline HTML report next to it."),
        pdf: bool = typer.Option(False, "--pdf", help="Also export a PDF report next to it."),
        pdf_engine: str = typer.Option("auto", "--pdf-engine", help="PDF engine: auto (chromium when installed, else weasyprint), chromium or weasyprint."),
        timeout: Optional[float] = typer.Option(None, help="Seconds a single cell may run."),
        history_url: Optional[str] = typer.Option(None, "--history", help="Run history: a DuckDB file or a database URL "
                                                  "(default SOCIALKIT_HISTORY, else <reports dir>/history.duckdb)."),
        no_history: bool = typer.Option(False, "--no-history", help="Do not store this run in the run history."),
        run_name: str = typer.Option("run", "--run", help="Name of this run in the history (made unique).")) -> None:
    """Validate parameters, execute a notebook, and export it (the same pipeline as a batch report);
    then store its key figures in the run history."""
    # imported when the command runs: `socialkit --help` stays fast
    from .config import reports_dir as default_reports_dir
    from .report import run_report

    values = parse_pairs(list(ctx.args))
    stem = Path(notebook).stem
    output = output or (reports_dir or default_reports_dir()) / f"{stem}.ipynb"
    formats = [f for f, on in (("html", html), ("pdf", pdf)) if on]
    started = datetime.now(timezone.utc)
    with console.status(f"running {stem} ..."):
        report = run_report(notebook, values, output=output, formats=formats, pdf_engine=pdf_engine, timeout=timeout,
                            raise_on_error=False)
    for path in report.outputs:
        if report.error is None or path.suffix == ".ipynb":
            console.print(f"{path.suffix.lstrip('.')}: {path}")
    if not no_history:
        _store_run(report, output, started=started, run_name=run_name, url=history_url, reports_dir=reports_dir)
    if report.error is not None:
        raise report.error


def _store_run(report, output: Path, *, started, run_name: str, url: Optional[str], reports_dir: Optional[Path]) -> None:
    """Store a ``socialkit run`` in the run history; a history problem is printed, never raised."""
    # imported when the command runs: `socialkit --help` stays fast
    from .history import store_report
    from .text import key

    given = report.parameters
    brand = given.get("brand") or (key(given["organisation"]) if given.get("organisation") else None)
    if not brand:
        declared = notebook_parameters(report.notebook)
        brand = declared["brand"].default if "brand" in declared and declared["brand"].default else "all"
    err = report.error
    stored = store_report(report.notebook, given, brand=str(brand), status="ok" if err is None else "failed",
                          executed=output, secrets=report.secrets, started=started, run_name=run_name, url=url,
                          reports_dir=reports_dir, error="" if err is None else f"{err.ename}: {err.evalue}")
    if stored.ok:
        console.print(escape(stored.describe()), highlight=False, soft_wrap=True)
    else:
        err_console.print(f"[yellow]warning:[/yellow] {escape(stored.describe())}", highlight=False, soft_wrap=True)


@app.command()
def validate(file: str = typer.Argument(..., help="A CSV, Excel or Parquet file, a folder of them, or a glob ('exports/*.csv')."),
             kind: str = typer.Option(..., "--kind", "-k", help="initiatives | assessment | readiness | programmes | audience | posts | objectives"),
             map_: Optional[List[str]] = typer.Option(None, "--map", help="'Their column=contract_column' (repeatable)."),
             timezone: Optional[str] = typer.Option(None, "--timezone", help="Reporting time zone for dated rows (default UTC).")) -> None:
    """Check files against their data contract; report every file's problems at once, and the platform
    export recognised."""
    # imported when the command runs: `socialkit --help` stays fast
    from . import io

    df = io.load(file, kind, column_map=parse_column_map(map_), timezone=timezone)
    files = df.attrs.get("files", [file])
    what = f"{file} is a valid {kind} file" if len(files) == 1 else f"{len(files)} files in {file} are valid {kind} files"
    console.print(f"[green]ok[/green]: {what} ({len(df):,} rows, {len(df.columns)} columns)")
    if df.attrs.get("preset_label"):
        console.print(f"recognised: {df.attrs['preset_label']} (preset {df.attrs['preset']}, no column_map needed)")
    note = io.load_note(df)
    if note:
        console.print(f"note: {escape(note)}")


@app.command()
def samples(regenerate: bool = typer.Option(False, "--regenerate", help="Rewrite the samples from the seeded generator.")) -> None:
    """List the sample brands (or regenerate them)."""
    # imported when the command runs: `socialkit --help` stays fast
    from .config import sample_brands, samples_dir

    root = samples_dir()
    if regenerate:
        # imported when the command runs: `socialkit --help` stays fast
        from .samples import generate

        for path in generate(root):
            console.print(f"wrote {path}")
    table = Table(title=f"sample brands in {root}")
    for col in ("brand", "label", "business model", "files"):
        table.add_column(col)
    for brand in sample_brands():
        meta = json.loads((root / brand / "brand.json").read_text(encoding="utf-8"))
        files = ", ".join(sorted(p.name for p in (root / brand).iterdir() if p.suffix == ".csv"))
        table.add_row(brand, meta.get("label", ""), meta.get("business_model", ""), files)
    console.print(table)


@app.command()
def export(notebook: Path = typer.Argument(..., help="An executed .ipynb."),
           to: str = typer.Option("html", "--to", help="html or pdf."),
           output: Optional[Path] = typer.Option(None, "-o", "--output"),
           engine: str = typer.Option("auto", help="PDF engine: auto (chromium when installed, else weasyprint), chromium or weasyprint."),
           title: Optional[str] = typer.Option(None, help="Report title (default: the notebook's first heading)."),
           secret: Optional[List[str]] = typer.Option(None, "--secret", help="Parameter whose value must not appear (repeatable)."),
           timeout: float = typer.Option(120, help="Seconds the PDF engine may take.")) -> None:
    """Export an executed notebook to offline HTML or PDF, code hidden."""
    # imported when the command runs: `socialkit --help` stays fast
    from .export import export_notebook

    path = export_notebook(notebook, to=to, out=output, engine=engine, title=title, secrets=secret or (),
                           timeout=timeout)
    console.print(f"{to.upper()} report: {path}")


@app.command()
def batch(manifest: Path = typer.Argument(..., help="YAML manifest or CSV of parameter rows."),
          workers: int = typer.Option(2, "--workers", "-w", help="Reports run at the same time."),
          scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (tcp://host:8786): run on that cluster."),
          engine: str = typer.Option("local", help="local (worker processes), dask (a local Dask cluster) or serial."),
          resume: bool = typer.Option(False, "--resume", help="Re-run only reports that are missing, failed or changed."),
          run_name: Optional[str] = typer.Option(None, "--run", help="Run folder under the reports folder (default: the manifest's)."),
          reports_dir: Optional[Path] = typer.Option(None, "--reports-dir", help="Where runs are written (default reports/ in this folder)."),
          history_url: Optional[str] = typer.Option(None, "--history", help="Run history: a DuckDB file or a database URL "
                                                    "(default SOCIALKIT_HISTORY, else <reports dir>/history.duckdb)."),
          no_history: bool = typer.Option(False, "--no-history", help="Do not store this run in the run history."),
          profile: bool = typer.Option(False, "--profile", help="Print where the time went: each report's phases "
                                       "(kernel, execute, HTML, write, PDF) and the slowest cells.")) -> None:
    """Run many reports in parallel, export them, store their key figures in the run history, and
    write an index page (with what changed since the previous run)."""
    if engine == "local" and not scheduler:  # the kernels' zygote imports while this command imports the rest
        from .kernels import prestart_shared_zygote  # light: the batch code below is not

        prestart_shared_zygote()
    # imported when the command runs: `socialkit --help` stays fast
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import load_manifest, make_engine, run_batch, stop_fork_server

    jobs = load_manifest(manifest, reports_dir=reports_dir, run=run_name)
    console.print(f"{len(jobs)} reports validated; engine: {scheduler or engine}, workers: {workers}")
    marks = {"ok": "[green]ok[/green]", "failed": "[red]FAILED[/red]", "skipped": "[dim]up to date[/dim]"}
    with Progress(TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("reports", total=len(jobs))

        def show(res):
            progress.console.print(f"  {marks[res.status]} {escape(res.label)} ({res.seconds:.1f} s)"
                                   + (f" [red]{escape(res.error)}[/red]" if res.status == "failed" else ""))
            progress.advance(task)

        try:
            summary = run_batch(jobs, engine=make_engine(engine, workers=workers, scheduler=scheduler),
                                resume=resume, on_result=show, history_url=False if no_history else history_url)
        finally:
            stop_fork_server()  # this command runs no other batch
    table = Table(title=f"run {summary.run_dir} in {summary.seconds:.1f} s")
    for col in ("report", "status", "seconds", "attempts", "error"):
        table.add_column(col)
    for r in sorted(summary.results, key=lambda r: r.label):
        table.add_row(escape(r.label), marks[r.status], f"{r.seconds:.1f}", str(r.attempts), escape(r.error))
    console.print(table)
    if profile:
        _print_profile(summary.profile())
    console.print(f"index: {summary.run_dir / 'index.html'}")
    if summary.history is not None and summary.history.ok:
        console.print(escape(summary.history.describe()), highlight=False, soft_wrap=True)
    elif summary.history is not None:
        err_console.print(f"[yellow]warning:[/yellow] {escape(summary.history.describe())}", highlight=False,
                          soft_wrap=True)
    if summary.failed:
        err_console.print(f"{len(summary.failed)} of {len(jobs)} reports failed; their partial notebooks are kept.")
        raise typer.Exit(1)


@app.command("history")
def history_cmd(brand: Optional[str] = typer.Option(None, "--brand", help="Only this brand."),
                report: Optional[str] = typer.Option(None, "--report", help="Only this report (notebook name)."),
                since: Optional[str] = typer.Option(None, "--since", help="Only runs finished on or after this date (2025-10-01)."),
                fmt: str = typer.Option("table", "--format", help="table, csv or json."),
                compare: Optional[Tuple[str, str]] = typer.Option(None, "--compare", help="Two run names: print what differs."),
                everything: bool = typer.Option(False, "--all", help="With --compare: list unchanged figures too."),
                history_url: Optional[str] = typer.Option(None, "--history", help="A DuckDB file or a database URL "
                                                          "(default SOCIALKIT_HISTORY, else <reports dir>/history.duckdb)."),
                reports_dir: Optional[Path] = typer.Option(None, "--reports-dir", help="Reports folder holding history.duckdb."),
                migrate: bool = typer.Option(False, "--migrate", help="Upgrade a history written by an older socialkit.")) -> None:
    """List the runs in the run history (brand, report, period, when, key figures), or compare two runs."""
    # imported when the command runs: `socialkit --help` stays fast
    from . import history
    from .exceptions import HistoryError
    from .text import closest as nearest

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"must be table, csv or json, not {fmt!r}", param_hint="--format")
    if migrate:
        done = history.migrate(history_url, reports_dir=reports_dir)
        where = history.backend.shown(history.resolve(history_url, reports_dir=reports_dir))
        console.print(f"{where}: " + ("already current (v%d); nothing changed" % history.CURRENT if not done
                                      else "migrated to v%d:" % history.CURRENT), highlight=False)
        for line in done:
            console.print(f"  - {escape(line)}", highlight=False)
        return
    since_at = None
    if since:
        try:
            since_at = datetime.fromisoformat(since)
        except ValueError:
            raise typer.BadParameter(f"{since!r} is not a date; write it as 2025-10-01", param_hint="--since") from None
    with history.open(history_url, reports_dir=reports_dir) as h:
        if compare:
            table = h.compare(*compare, only_changed=not everything)
            _print_compare(table, compare, fmt)
            return
        found = h.runs(brand=brand, report=report, since=since_at)
        if found.empty:
            known = h.runs()
            for flag, value, column in (("--brand", brand, "brand"), ("--report", report, "report")):
                if value and value not in set(known[column]):
                    hint = nearest(value, set(known[column]))
                    raise HistoryError(h.url, f"has no runs for {column} {value!r}"
                                       + (f"; did you mean {hint!r}?" if hint else ""),
                                       fix=f"{flag} takes one of: {', '.join(sorted(set(known[column]))) or 'none yet'}")
            console.print(f"no runs in {h.url}" + (" matching these filters" if len(known) else " yet"), highlight=False)
            return
    _print_runs(found, fmt)


def _print_runs(found, fmt: str) -> None:
    """The runs of ``socialkit history`` as a table, CSV (one column per figure) or JSON."""
    # imported when the command runs: `socialkit --help` stays fast
    import pandas as pd

    from .history import summary_line

    if fmt == "json":
        rows = [{"run": r.run, "brand": r.brand, "report": r.report, "period": r.period,
                 "period_length": r.period_length, "started": _iso(r.started_at), "finished": _iso(r.finished_at),
                 "status": r.status, "kit_version": r.kit_version, "figures": r.figures} for r in found.itertuples()]
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
        return
    if fmt == "csv":
        wide = found[["run", "brand", "report", "period", "period_length", "started_at", "finished_at", "status",
                      "kit_version"]].reset_index(drop=True)
        figures = pd.DataFrame(list(found["figures"])).reset_index(drop=True)
        figures = figures.drop(columns=[c for c in figures.columns if c in wide.columns])  # period: a column already
        sys.stdout.write(pd.concat([wide, figures], axis=1).to_csv(index=False))
        return
    table = Table(title=f"{len(found)} report run{'s' if len(found) != 1 else ''}")
    for col in ("run", "brand", "report", "period", "finished (UTC)", "status"):
        table.add_column(col, overflow="fold")
    table.add_column("key figures", ratio=2)
    for r in found.itertuples():
        table.add_row(escape(r.run), escape(r.brand), escape(r.report), escape(r.period or "whole file"),
                      f"{r.finished_at:%Y-%m-%d %H:%M}" if r.finished_at is not None and str(r.finished_at) != "NaT" else "",
                      r.status, escape(summary_line(r.figures, limit=3)))
    console.print(table)


def _print_profile(found: dict) -> None:
    """The phase breakdown of ``socialkit batch --profile`` (also in <run>/batch.json)."""
    from .batch import PHASES  # the batch machinery loads only for batch commands

    table = Table(title=f"where the time went: {found['report_seconds']:.1f} report-seconds in {found['seconds']:.1f} s")
    table.add_column("report")
    for phase in PHASES:
        table.add_column(phase, justify="right")
    table.add_column("total", justify="right")
    for label, r in sorted(found["reports"].items()):
        table.add_row(escape(label), *[f"{r.get(p, 0):.2f}" for p in PHASES], f"{r['seconds']:.2f}")
    table.add_row("[bold]all reports[/bold]", *[f"{found['totals'][p]:.1f}" for p in PHASES],
                  f"{found['report_seconds']:.1f}")
    table.add_row("[bold]share[/bold]", *[f"{found['shares'][p]:.0%}" for p in PHASES], "")
    console.print(table)
    if found["slowest_cells"]:
        cells = Table(title="slowest cells")
        for col in ("report", "cell", "seconds", "source"):
            cells.add_column(col)
        for c in found["slowest_cells"]:
            cells.add_row(escape(c["report"]), str(c["cell"]), f"{c['seconds']:.2f}", escape(c["source"]))
        console.print(cells)


def _iso(value) -> str | None:
    return None if value is None or str(value) == "NaT" else value.isoformat()


def _print_compare(table, runs: Tuple[str, str], fmt: str) -> None:
    """The differences of ``socialkit history --compare`` as a table, CSV or JSON."""
    out = table.drop(columns=["direction", "tone"]).rename(columns={"value_a": runs[0], "value_b": runs[1]})
    if fmt == "json":
        sys.stdout.write(out.to_json(orient="records", indent=2) + "\n")
        return
    if fmt == "csv":
        sys.stdout.write(out.to_csv(index=False))
        return
    if out.empty:
        console.print(f"no differences between {escape(runs[0])} and {escape(runs[1])}", highlight=False)
        return
    grid = Table(title=f"{escape(runs[0])} -> {escape(runs[1])}: {len(out)} difference{'s' if len(out) != 1 else ''}")
    for col in out.columns:
        grid.add_column(escape(str(col)))
    colour = {"good": "green", "bad": "red"}
    for (_, row), tone in zip(out.iterrows(), table["tone"]):
        cells = [escape(str(v)) for v in row]
        if tone in colour:
            cells[-1] = f"[{colour[tone]}]{cells[-1]}[/{colour[tone]}]"
        grid.add_row(*cells)
    console.print(grid)


@segment_app.command("score")
def segment_score(model: Path = typer.Argument(..., help="A model saved by the segmentation notebook."),
                  file: Path = typer.Argument(..., help="New respondents (CSV, Excel or Parquet)."),
                  output: Optional[Path] = typer.Option(None, "-o", "--output", help="Assignments file (.csv or .parquet)."),
                  map_: Optional[List[str]] = typer.Option(None, "--map", help="'Their column=model column' (repeatable).")) -> None:
    """Score new respondents into the segments of a fitted model."""
    # imported when the command runs: `socialkit --help` stays fast
    from .activation import score_file

    out = score_file(model, file, output, column_map=parse_column_map(map_) or None)
    console.print(f"assignments: {out}")


def main() -> None:
    """Entry point: run the app; SocialKitError -> its message and exit 1, usage mistakes -> usage and exit 2."""
    try:
        code = app(standalone_mode=False, prog_name="socialkit")  # returns the exit code of typer.Exit
        sys.exit(code if isinstance(code, int) else 0)
    except SocialKitError as exc:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors (unknown command or option, missing argument)
        if hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        raise
    except KeyboardInterrupt:
        err_console.print("stopped")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]unexpected error:[/bold red] {type(exc).__name__}: {escape(str(exc))}\n"
                          "run again with --debug to see the traceback, and please report it.", highlight=False)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()

"""The ``socialkit`` command: a thin layer over the functions the notebooks call.

Errors raised on purpose (:class:`SocialKitError`) print as a clear message and exit 1;
``--debug`` shows the full traceback instead.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .exceptions import SocialKitError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Social strategy notebooks: validate inputs, run and batch reports, export them offline.")
segment_app = typer.Typer(no_args_is_help=True, help="Score new respondents into fitted segments.")
app.add_typer(segment_app, name="segment")
console = Console()
err_console = Console(stderr=True)
_state = {"debug": False}


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    _state["debug"] = debug


def parse_value(text: str) -> Any:
    """A command-line value as YAML (3 -> int, true -> bool, [a, b] -> list), else the text itself."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if value is None or isinstance(value, (bool, int, float, list, dict)) else text


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
def params(notebook: str = typer.Argument(..., help="Notebook path or name, e.g. 01_social_business_venn.")) -> None:
    """List a notebook's parameters: name, type, default and help."""
    from .params import find_notebook, notebook_parameters

    table = Table(title=str(find_notebook(notebook)))
    for col in ("name", "type", "default", "help"):
        table.add_column(col)
    for p in notebook_parameters(notebook).values():
        table.add_row(p.name, escape(p.type_name), escape("[secret]" if p.secret and p.default else repr(p.default)), escape(p.help))
    console.print(table)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context,
        notebook: str = typer.Argument(..., help="Notebook path or name. Parameters: -p NAME VALUE (repeatable; VALUE is read as YAML)."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Executed notebook (default reports/<notebook>.ipynb)."),
        html: bool = typer.Option(True, "--html/--no-html", help="Also export an offline HTML report next to it."),
        timeout: Optional[float] = typer.Option(None, help="Seconds a single cell may run.")) -> None:
    """Validate parameters, execute a notebook with papermill, and export it."""
    from .config import REPORTS_DIR
    from .execute import execute

    values = parse_pairs(list(ctx.args))
    stem = Path(notebook).stem
    output = output or REPORTS_DIR / f"{stem}.ipynb"
    with console.status(f"running {stem} ..."):
        result = execute(notebook, values, output=output, timeout=timeout)
    console.print(f"executed notebook: {output}")
    if html:
        from .export import export_notebook

        meta = {k: str(v) for k, v in result.parameters.items() if k not in result.secrets}
        page = export_notebook(output, to="html", title=stem.replace("_", " "), meta=meta,
                               secrets=result.secrets)
        console.print(f"HTML report: {page}")


@app.command()
def validate(file: Path = typer.Argument(..., help="CSV, Excel or Parquet file."),
             kind: str = typer.Option(..., "--kind", "-k", help="initiatives | assessment | readiness | programmes | audience | posts | objectives"),
             map_: Optional[List[str]] = typer.Option(None, "--map", help="'Their column=contract_column' (repeatable).")) -> None:
    """Check a file against its data contract; report every problem at once."""
    from . import io

    df = io.load(file, kind, column_map=parse_column_map(map_))
    console.print(f"[green]ok[/green]: {file} is a valid {kind} file ({len(df):,} rows, {len(df.columns)} columns)")


@app.command()
def samples(regenerate: bool = typer.Option(False, "--regenerate", help="Rewrite data/samples from the seeded generator.")) -> None:
    """List the bundled sample brands (or regenerate them)."""
    from .config import SAMPLES_DIR, sample_brands

    if regenerate:
        from .samples import generate

        for path in generate(SAMPLES_DIR):
            console.print(f"wrote {path}")
    table = Table(title=f"sample brands in {SAMPLES_DIR}")
    for col in ("brand", "label", "business model", "files"):
        table.add_column(col)
    for brand in sample_brands():
        meta = json.loads((SAMPLES_DIR / brand / "brand.json").read_text(encoding="utf-8"))
        files = ", ".join(sorted(p.name for p in (SAMPLES_DIR / brand).iterdir() if p.suffix == ".csv"))
        table.add_row(brand, meta.get("label", ""), meta.get("business_model", ""), files)
    console.print(table)


@app.command()
def export(notebook: Path = typer.Argument(..., help="An executed .ipynb."),
           to: str = typer.Option("html", "--to", help="html or pdf."),
           output: Optional[Path] = typer.Option(None, "-o", "--output"),
           engine: str = typer.Option("weasyprint", help="PDF engine: weasyprint or chromium."),
           title: Optional[str] = typer.Option(None, help="Report title (default: the notebook's first heading)."),
           secret: Optional[List[str]] = typer.Option(None, "--secret", help="Parameter whose value must not appear (repeatable)."),
           timeout: float = typer.Option(120, help="Seconds the PDF engine may take.")) -> None:
    """Export an executed notebook to offline HTML or PDF, code hidden."""
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
          run_name: Optional[str] = typer.Option(None, "--run", help="Run folder under reports/ (default: the manifest's)."),
          reports_dir: Optional[Path] = typer.Option(None, "--reports-dir", help="Where runs are written (default reports/).")) -> None:
    """Run many reports in parallel, export them, and write an index page."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import load_manifest, make_engine, run_batch
    from .config import REPORTS_DIR

    jobs = load_manifest(manifest, reports_dir=reports_dir or REPORTS_DIR, run=run_name)
    console.print(f"{len(jobs)} reports validated; engine: {scheduler or engine}, workers: {workers}")
    marks = {"ok": "[green]ok[/green]", "failed": "[red]FAILED[/red]", "skipped": "[dim]up to date[/dim]"}
    with Progress(TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("reports", total=len(jobs))

        def show(res):
            progress.console.print(f"  {marks[res.status]} {escape(res.label)} ({res.seconds:.1f} s)"
                                   + (f" [red]{escape(res.error)}[/red]" if res.status == "failed" else ""))
            progress.advance(task)

        summary = run_batch(jobs, engine=make_engine(engine, workers=workers, scheduler=scheduler),
                            resume=resume, on_result=show)
    table = Table(title=f"run {summary.run_dir} in {summary.seconds:.1f} s")
    for col in ("report", "status", "seconds", "attempts", "error"):
        table.add_column(col)
    for r in sorted(summary.results, key=lambda r: r.label):
        table.add_row(escape(r.label), marks[r.status], f"{r.seconds:.1f}", str(r.attempts), escape(r.error))
    console.print(table)
    console.print(f"index: {summary.run_dir / 'index.html'}")
    if summary.failed:
        err_console.print(f"{len(summary.failed)} of {len(jobs)} reports failed; their partial notebooks are kept.")
        raise typer.Exit(1)


@segment_app.command("score")
def segment_score(model: Path = typer.Argument(..., help="A model saved by the segmentation notebook."),
                  file: Path = typer.Argument(..., help="New respondents (CSV, Excel or Parquet)."),
                  output: Optional[Path] = typer.Option(None, "-o", "--output", help="Assignments file (.csv or .parquet)."),
                  map_: Optional[List[str]] = typer.Option(None, "--map", help="'Their column=model column' (repeatable).")) -> None:
    """Score new respondents into the segments of a fitted model."""
    from .segments import score_file

    out = score_file(model, file, output, column_map=parse_column_map(map_) or None)
    console.print(f"assignments: {out}")


def main() -> None:
    """Entry point: run the app, turning SocialKitError into a clean message and exit code 1."""
    try:
        code = app(standalone_mode=False)  # returns the exit code of typer.Exit
        sys.exit(code if isinstance(code, int) else 0)
    except SocialKitError as exc:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except Exception as exc:  # click usage errors and unexpected failures
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]unexpected error:[/bold red] {type(exc).__name__}: {escape(str(exc))}\n"
                          "run again with --debug to see the traceback, and please report it.", highlight=False)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()

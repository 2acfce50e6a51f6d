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
from pathlib import Path
from typing import Any, List, Optional

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
        pdf_engine: str = typer.Option("weasyprint", "--pdf-engine", help="PDF engine: weasyprint or chromium."),
        timeout: Optional[float] = typer.Option(None, help="Seconds a single cell may run.")) -> None:
    """Validate parameters, execute a notebook, and export it (the same pipeline as a batch report)."""
    # imported when the command runs: `socialkit --help` stays fast
    from .config import reports_dir as default_reports_dir
    from .report import run_report

    values = parse_pairs(list(ctx.args))
    stem = Path(notebook).stem
    output = output or (reports_dir or default_reports_dir()) / f"{stem}.ipynb"
    formats = [f for f, on in (("html", html), ("pdf", pdf)) if on]
    with console.status(f"running {stem} ..."):
        report = run_report(notebook, values, output=output, formats=formats, pdf_engine=pdf_engine, timeout=timeout)
    for path in report.outputs:
        console.print(f"{path.suffix.lstrip('.')}: {path}")


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
           engine: str = typer.Option("weasyprint", help="PDF engine: weasyprint or chromium."),
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
          reports_dir: Optional[Path] = typer.Option(None, "--reports-dir", help="Where runs are written (default reports/ in this folder).")) -> None:
    """Run many reports in parallel, export them, and write an index page."""
    # imported when the command runs: `socialkit --help` stays fast
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # imported when the command runs: `socialkit --help` stays fast
    from .batch import load_manifest, make_engine, run_batch

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

"""Every error the kit raises on purpose: one root, structured subclasses that format their own message.

Each exception carries the facts a program can use (``file``, ``column``, ``rows``, ``fix`` and
what is specific to it) and a message a person can act on: what was expected, what was found, and
how to fix it. The command line prints the message and exits 1; ``--debug`` shows the traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence


class SocialKitError(Exception):
    """Root of every error raised on purpose by socialkit.

    ``file``, ``column``, ``rows`` (1-based file lines) and ``fix`` are set when they are known."""

    file: str | None = None
    column: str | None = None
    rows: Sequence[int] = ()
    fix: str = ""

    def __init__(self, message: str = "", *, file: Any = None, column: str | None = None,
                 rows: Sequence[int] = (), fix: str = ""):
        self.file = None if file is None else str(file)
        self.column = column
        self.rows = tuple(rows)
        self.fix = fix
        super().__init__(_with_fix(message, fix))

    def to_dict(self) -> dict[str, Any]:
        """The structured facts, e.g. for a JSON record."""
        return {"error": type(self).__name__, "message": str(self), "file": self.file, "column": self.column,
                "rows": list(self.rows), "fix": self.fix}


def _with_fix(message: str, fix: str) -> str:
    return f"{message}\n    fix: {fix}" if fix else message


@dataclass(frozen=True)
class Problem:
    """One failed expectation about an input table."""

    column: str | None
    check: str
    rows: Sequence[int] = field(default_factory=tuple)  # 1-based line numbers in the file (header = line 1)
    values: Sequence[Any] = field(default_factory=tuple)
    fix: str = ""
    n_failed: int | None = None
    file: str | None = None  # set when one error reports the problems of several files

    def describe(self, max_rows: int = 5) -> str:
        where = f"column '{self.column}'" if self.column else "table"
        if self.file:
            where = f"{self.file}, {where}"
        text = f"{where}: {self.check}"
        n = self.n_failed if self.n_failed is not None else len(self.rows)
        if self.rows:
            shown = ", ".join(str(r) for r in list(self.rows)[:max_rows])
            more = f" and {n - max_rows} more" if n > max_rows else ""
            text += f" ({n} row{'s' if n != 1 else ''}; line {shown}{more})"
        if self.values:
            vals = ", ".join(repr(v) for v in list(dict.fromkeys(map(_plain, self.values)))[:max_rows])
            text += f"; found {vals}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


def _plain(value: Any) -> Any:
    """Numbers read as floats print as ints when they are whole (7.0 -> 7)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- inputs


class InputFileError(SocialKitError):
    """An input file is missing, empty or cannot be read in any supported format."""

    def __init__(self, path: Any, reason: str, fix: str = ""):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}", file=path, fix=fix)


class DataValidationError(SocialKitError):
    """An input table breaks its data contract; lists every problem found, not just the first."""

    def __init__(self, source: Any, kind: str, problems: Sequence[Problem]):
        self.source = str(source)
        self.kind = kind
        self.problems = list(problems)
        several = len({p.file for p in self.problems if p.file}) > 1
        lines = [f"{self.source} {'are not valid' if several else 'is not a valid'} {kind} file{'s' if several else ''}: "
                 f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found"]
        lines += [f"  - {p.describe()}" for p in self.problems]
        first = self.problems[0] if self.problems else None
        super().__init__("\n".join(lines), file=source, column=first.column if first else None,
                         rows=tuple(r for p in self.problems for r in p.rows))
        self.fix = first.fix if first else ""

    @property
    def columns(self) -> list[str | None]:
        return [p.column for p in self.problems]


class FunctionTableError(DataValidationError):
    """The functions table, or an initiatives table naming functions, does not fit the Venn model."""


class QuestionnaireError(DataValidationError):
    """A questionnaire has unanswered questions, unknown ids or answers outside a question's scale.

    ``unanswered`` maps each function (``"organisation"`` for readiness) to its unanswered question
    ids; ``out_of_range`` lists ``{question, function, line, answer, allowed}`` dicts.
    """

    def __init__(self, source: Any, kind: str, problems: Sequence[Problem], *,
                 unanswered: dict[str, list[str]] | None = None,
                 out_of_range: Sequence[dict[str, Any]] | None = None):
        self.unanswered = dict(unanswered or {})
        self.out_of_range = list(out_of_range or [])
        super().__init__(source, kind, problems)


# --------------------------------------------------------------------------- parameters and models


class ParameterError(SocialKitError, ValueError):
    """A notebook or function parameter is unknown, of the wrong type, or out of range."""

    def __init__(self, name: str, message: str, suggestion: str | None = None, owner: str | None = None,
                 fix: str = ""):
        self.name = name
        self.suggestion = suggestion
        self.owner = owner
        prefix = f"The '{name}' parameter" + (f" of {owner}" if owner else "")
        msg = f"{prefix} {message}"
        if suggestion:
            msg += f" Did you mean '{suggestion}'?"
        super().__init__(msg, fix=fix)


class ParametersError(SocialKitError):
    """Several parameters are wrong at once; each is a ParameterError."""

    def __init__(self, errors: Sequence[ParameterError], notebook: str | None = None):
        self.errors = list(errors)
        self.notebook = notebook
        head = f"{len(self.errors)} bad parameter{'s' if len(self.errors) != 1 else ''}"
        if notebook:
            head += f" for {notebook}"
        super().__init__(head + ":\n" + "\n".join(f"  - {e}" for e in self.errors), file=notebook)


class NotFittedError(SocialKitError, ValueError):
    """A model is used before fit() was called."""

    def __init__(self, message: str = "This Segmenter is not fitted yet.", fix: str = "call fit(df) before using it"):
        super().__init__(message, fix=fix)


class ModelInputError(SocialKitError):
    """New data does not match what a fitted model was trained on."""

    def __init__(self, source: Any, message: str, *, columns: Sequence[str] = (), fix: str = ""):
        self.source = str(source)
        self.columns = list(columns)
        super().__init__(f"{self.source}: {message}", file=source, column=self.columns[0] if self.columns else None,
                         fix=fix)


# --------------------------------------------------------------------------- running and exporting


class ManifestError(SocialKitError):
    """A batch manifest is malformed or names notebooks, brands or parameters that do not exist."""

    def __init__(self, source: Any, message: str, *, line: int | None = None, fix: str = ""):
        self.source = str(source)
        self.line = line
        where = f"{self.source}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}", file=source, rows=(line,) if line else (), fix=fix)


class NotebookExecutionError(SocialKitError):
    """A notebook cell raised while a report was being executed; the partial notebook was kept."""

    def __init__(self, notebook: str, cell_index: int | None, ename: str, evalue: str, output_path: str | None = None):
        self.notebook = notebook
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.output_path = output_path
        msg = f"{notebook}: cell {cell_index} raised {ename}: {evalue}"
        if output_path:
            msg += f"\n    the partial notebook, failing cell marked, is at {output_path}"
        super().__init__(msg, file=output_path or notebook)


class KernelDiedError(NotebookExecutionError):
    """The kernel died (crashed, was killed, or ran past the report's time limit)."""

    def __init__(self, *args, timed_out: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.timed_out = timed_out


class KernelStartError(SocialKitError):
    """A kernel for a report could not be started."""


class ExportError(SocialKitError):
    """A report could not be exported (missing engine, browser or template)."""


class EngineUnavailableError(ExportError):
    """A PDF or batch engine is unknown, not installed or failed to start; the message says how to fix it."""

    def __init__(self, engine: str, reason: str, fix: str = "", *, what: str = "PDF engine"):
        self.engine = engine
        self.reason = reason
        super().__init__(f"{what} '{engine}' {reason}", fix=fix)


# --------------------------------------------------------------------------- run history


class HistoryError(SocialKitError):
    """The run history database cannot be opened, read, written or migrated, or names no such run.

    ``url`` is the database (password hidden). Writing history never breaks a report: callers that
    store a run report this error and keep every report written."""

    def __init__(self, url: Any, message: str, *, fix: str = ""):
        self.url = str(url)
        super().__init__(f"run history {self.url}: {message}", file=self.url, fix=fix)

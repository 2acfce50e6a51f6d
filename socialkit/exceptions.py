"""One root exception for the kit; each subclass carries structured facts and formats its own message.

Every message says what was expected, what was found, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence


class SocialKitError(Exception):
    """Root of every error raised on purpose by socialkit."""


@dataclass(frozen=True)
class Problem:
    """One failed expectation about an input table."""

    column: str | None
    check: str
    rows: Sequence[int] = field(default_factory=tuple)  # 1-based line numbers in the file (header = line 1)
    values: Sequence[Any] = field(default_factory=tuple)
    fix: str = ""
    n_failed: int | None = None

    def describe(self, max_rows: int = 5) -> str:
        where = f"column '{self.column}'" if self.column else "table"
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


class InputFileError(SocialKitError):
    """An input file is missing, empty or cannot be read in any supported format."""

    def __init__(self, path: Any, reason: str, fix: str = ""):
        self.path = str(path)
        self.reason = reason
        self.fix = fix
        msg = f"{self.path}: {reason}"
        if fix:
            msg += f"\n    fix: {fix}"
        super().__init__(msg)


class DataValidationError(SocialKitError):
    """An input table breaks its data contract; lists every problem found, not just the first."""

    def __init__(self, source: Any, kind: str, problems: Sequence[Problem]):
        self.source = str(source)
        self.kind = kind
        self.problems = list(problems)
        lines = [
            f"{self.source} is not a valid {kind} file: "
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found"
        ]
        lines += [f"  - {p.describe()}" for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def columns(self) -> list[str | None]:
        return [p.column for p in self.problems]


class ParameterError(SocialKitError):
    """A notebook or function parameter is unknown, of the wrong type, or out of range."""

    def __init__(self, name: str, message: str, suggestion: str | None = None, owner: str | None = None):
        self.name = name
        self.suggestion = suggestion
        self.owner = owner
        prefix = f"The '{name}' parameter" + (f" of {owner}" if owner else "")
        msg = f"{prefix} {message}"
        if suggestion:
            msg += f" Did you mean '{suggestion}'?"
        super().__init__(msg)


class ParametersError(SocialKitError):
    """Several parameters are wrong at once; each is a ParameterError."""

    def __init__(self, errors: Sequence[ParameterError], notebook: str | None = None):
        self.errors = list(errors)
        self.notebook = notebook
        head = f"{len(self.errors)} bad parameter{'s' if len(self.errors) != 1 else ''}"
        if notebook:
            head += f" for {notebook}"
        super().__init__(head + ":\n" + "\n".join(f"  - {e}" for e in self.errors))


class NotFittedError(SocialKitError, ValueError):
    """A model is used before fit() was called."""


class ModelInputError(SocialKitError):
    """New data does not match what a fitted model was trained on."""


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
        super().__init__(msg)


class ExportError(SocialKitError):
    """A report could not be exported (missing engine, browser or template)."""


class KernelDiedError(NotebookExecutionError):
    """The kernel died (crashed, was killed, or ran past the report's time limit)."""

    def __init__(self, *args, timed_out: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.timed_out = timed_out


class ManifestError(SocialKitError):
    """A batch manifest is malformed or names notebooks, brands or parameters that do not exist."""

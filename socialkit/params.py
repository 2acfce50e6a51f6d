"""Notebook parameters: read them from the cell tagged ``parameters`` and validate values before
any work is done (papermill itself only warns about unknown names).

A parameters cell holds plain assignments, each with a comment that is its help text::

    brand = "summit_outfitters"  # sample brand to analyse
    audience_path: str | None = None  # survey file; overrides the brand's sample
    api_token: str = ""  # [secret] token for the export API

The type is the annotation when there is one, else the type of the default (``None`` with no
annotation accepts anything). Names ending in ``_path`` must name an existing file when set.
A help text containing ``[secret]`` marks a value that never appears in reports.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import io
import json
import os
import tokenize
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .exceptions import ParameterError, ParametersError

_TYPE_NAMES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict,
               "None": type(None), "tuple": tuple, "Any": typing.Any, "Optional": typing.Optional,
               "Union": typing.Union}
#: Names IPython puts in every kernel's namespace; never taken for parameters.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def closest(word: Any, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (for "did you mean" hints), or None."""
    cands = [str(c) for c in candidates]
    hit = difflib.get_close_matches(str(word), cands, n=1, cutoff=cutoff)
    if not hit:
        lower = {c.lower(): c for c in cands}
        hit = [lower[h] for h in difflib.get_close_matches(str(word).lower(), list(lower), n=1, cutoff=cutoff)]
    return hit[0] if hit else None


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter."""

    name: str
    default: Any
    annotation: str | None
    help: str

    @property
    def type(self) -> Any:
        if self.annotation:
            return eval(self.annotation, {"__builtins__": {}}, _TYPE_NAMES)  # names restricted to _TYPE_NAMES
        return typing.Any if self.default is None else type(self.default)

    @property
    def type_name(self) -> str:
        if self.annotation:
            return self.annotation
        return "any" if self.default is None else type(self.default).__name__

    @property
    def secret(self) -> bool:
        return "[secret]" in self.help.lower()

    @property
    def is_path(self) -> bool:
        return self.name.endswith("_path")


def find_notebook(notebook: str | os.PathLike) -> Path:
    """Resolve a notebook given as a path or as a name in the kit's notebooks folder."""
    from .config import NOTEBOOKS_DIR, PROJECT_DIR

    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = path.with_suffix(".ipynb")
    for candidate in (path, NOTEBOOKS_DIR / path.name, PROJECT_DIR / path):
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
    raise ParameterError("notebook", f"names no notebook file: {notebook!s} (known: {', '.join(known)}).",
                         suggestion=closest(path.stem, known))


def parameters_source(nb: Mapping) -> str:
    """Source of the cell tagged ``parameters``; a notebook without one is an error."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    raise ParameterError("notebook", "has no cell tagged 'parameters'; tag the cell of defaults in "
                         "JupyterLab (property inspector > cell tags).")


def parse_parameters(source: str) -> dict[str, Parameter]:
    """Parse a parameters cell: plain assignments with literal values and a help comment each."""
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    params: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, ann = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, ann = node.target.id, node.value, ast.unparse(node.annotation)
        else:
            raise ParameterError("parameters cell", f"must hold only plain assignments; line {node.lineno} is not one.")
        try:
            default = ast.literal_eval(value)
        except ValueError as exc:
            raise ParameterError(name, f"must have a plain literal default (line {node.lineno}).") from exc
        help_text = comments.get(node.end_lineno, comments.get(node.lineno, ""))
        params[name] = Parameter(name, default, ann, help_text)
    return params


def notebook_parameters(notebook: str | os.PathLike) -> dict[str, Parameter]:
    """The declared parameters of a notebook (by path or by name in ``notebooks/``)."""
    path = find_notebook(notebook)
    nb = json.loads(path.read_text(encoding="utf-8"))
    return parse_parameters(parameters_source(nb))


def _matches(value: Any, tp: Any) -> bool:
    if tp is typing.Any:
        return True
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, t) for t in typing.get_args(tp))
    if origin is not None:
        tp = origin
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp)


def validate_parameters(notebook: str | os.PathLike, given: Mapping[str, Any], *,
                        declared: Mapping[str, Parameter] | None = None) -> dict[str, Any]:
    """Check ``given`` against a notebook's declared parameters and return defaults merged with it.

    Every problem is collected: unknown names (with the closest declared name), wrong types, and
    ``*_path`` values that name no file. Raises :class:`ParametersError`.
    """
    declared = dict(declared) if declared is not None else notebook_parameters(notebook)
    errors: list[ParameterError] = []
    for name, value in given.items():
        if name not in declared:
            errors.append(ParameterError(name, f"is not a parameter of {Path(str(notebook)).stem} "
                                         f"(its parameters: {', '.join(declared)}).", closest(name, declared)))
            continue
        p = declared[name]
        if not _matches(value, p.type):
            errors.append(ParameterError(name, f"must be of type {p.type_name}. Got {value!r} "
                                         f"({type(value).__name__}) instead."))
            continue
        if p.is_path and value not in (None, ""):
            if not Path(str(value)).is_file():
                errors.append(ParameterError(name, f"names no file: {value}. Check the path (relative paths are "
                                             "read from the notebook's working directory)."))
    if errors:
        raise ParametersError(errors, notebook=Path(str(notebook)).name)
    return {**{n: p.default for n, p in declared.items()}, **given}


def assigned_names(nb: Mapping) -> set[str]:
    """Names the notebook's own code cells assign (outside the parameters cell)."""
    names: set[str] = set()
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") != "code" or "parameters" in tags:
            continue
        src = cell.get("source", "")
        try:
            tree = ast.parse("".join(src) if isinstance(src, list) else src)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def check_parameters(namespace: Mapping[str, Any], notebook: str | os.PathLike) -> dict[str, Any]:
    """Validate a running notebook's parameters, taken from its namespace (``globals()``).

    Names set in the namespace that the notebook neither declares nor assigns itself (e.g. a
    misspelled name injected by papermill) are an error with a suggestion, as are wrong types and
    missing files. Re-running the cell later in JupyterLab works: the notebook's own variables
    (``params``, tables, results) are not taken for parameters.
    """
    path = find_notebook(notebook)
    nb = json.loads(path.read_text(encoding="utf-8"))
    declared = parse_parameters(parameters_source(nb))
    own = assigned_names(nb) | {"params"}
    given, unknown = {}, {}
    for name, value in namespace.items():
        if name.startswith("_") or name in _KERNEL_NAMES or isinstance(value, types.ModuleType):
            continue
        if name in declared:
            given[name] = value
        elif name not in own and not hasattr(builtins, name) and isinstance(value, _LITERAL_TYPES):
            unknown[name] = value
    return validate_parameters(path, {**given, **unknown}, declared=declared)


#: Types papermill can inject; anything else in the namespace was made by running cells.
_LITERAL_TYPES = (str, int, float, bool, list, dict, tuple, type(None))


def secret_names(notebook: str | os.PathLike) -> set[str]:
    """Names of a notebook's parameters marked ``[secret]``."""
    return {n for n, p in notebook_parameters(notebook).items() if p.secret}


def input_path(params: Mapping[str, Any], kind: str) -> Path:
    """The file for one input kind: the explicit ``<kind>_path`` parameter when set, else the
    sample brand's file."""
    from .config import DEFAULT_BRAND, sample_path

    explicit = params.get(f"{kind}_path")
    if explicit not in (None, ""):
        return Path(explicit)
    return sample_path(params.get("brand") or DEFAULT_BRAND, kind)


def organisation_label(params: Mapping[str, Any], kind: str) -> str:
    """How reports name the organisation behind one input: the sample brand, or "this organisation"
    when the ``<kind>_path`` parameter points at the analyst's own file."""
    return "this organisation" if params.get(f"{kind}_path") not in (None, "") else str(params.get("brand"))


def is_interactive(value: Any = "auto") -> bool:
    """Whether to build widget panels: True/False as given; "auto" means yes inside a JupyterLab
    kernel (the server sets JPY_SESSION_NAME) and no under papermill or ``socialkit run``."""
    if isinstance(value, bool):
        return value
    if os.environ.get("SOCIALKIT_BATCH"):
        return False
    return bool(os.environ.get("JPY_SESSION_NAME"))

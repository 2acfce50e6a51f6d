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
import io
import json
import os
import tokenize
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from . import config, paths, periods
from .exceptions import ParameterError, ParametersError
from .text import closest

_TYPE_NAMES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict,
               "None": type(None), "tuple": tuple, "Any": typing.Any, "Optional": typing.Optional,
               "Union": typing.Union}
#: Names IPython puts in every kernel's namespace; never taken for parameters.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


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
    """Resolve a notebook given as a path or as a name: the path itself, else the working folder's
    notebooks, else the kit's (see :mod:`socialkit.config`)."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = path.with_suffix(".ipynb")
    folders = list(dict.fromkeys([config.notebooks_dir(), config.shipped("notebooks")]))
    for candidate in (path, *(folder / path.name for folder in folders)):
        if candidate.is_file():
            return candidate
    known = sorted({p.stem for folder in folders for p in folder.glob("*.ipynb")})
    raise ParameterError("notebook", f"names no notebook file: {notebook!s} (known: {', '.join(known)}).",
                         suggestion=closest(path.stem, known))


def tagged_source(nb: Mapping, tag: str) -> str | None:
    """Source of the first cell tagged ``tag``, or None."""
    for cell in nb.get("cells", []):
        if tag in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    return None


def parameters_source(nb: Mapping) -> str:
    """Source of the cell tagged ``parameters``; a notebook without one is an error."""
    source = tagged_source(nb, "parameters")
    if source is None:
        raise ParameterError("notebook", "has no cell tagged 'parameters'; tag the cell of defaults in "
                             "JupyterLab (property inspector > cell tags).")
    return source


def parse_parameters(source: str, *, strict: bool = True) -> dict[str, Parameter]:
    """Parse a parameters cell: plain assignments with literal values and a help comment each.

    With ``strict=False`` (e.g. for the cell papermill injects), statements that are not plain
    literal assignments are skipped instead of refused, and a cell that does not parse gives {}."""
    comments: dict[int, str] = {}
    try:
        tree = ast.parse(source)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (SyntaxError, tokenize.TokenError):
        if strict:
            raise
        return {}
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, ann = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, ann = node.target.id, node.value, ast.unparse(node.annotation)
        elif not strict:
            continue
        else:
            raise ParameterError("parameters cell", f"must hold only plain assignments; line {node.lineno} is not one.")
        try:
            default = ast.literal_eval(value)
        except ValueError as exc:
            if not strict:
                continue
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
        if name in _CHECKED and value not in (None, ""):
            try:
                _CHECKED[name](value)
            except ParameterError as exc:
                errors.append(exc)
                continue
        if p.is_path and value not in (None, ""):
            why = paths.problem(value)
            if why:
                errors.append(ParameterError(name, f"{why}. Check the path (relative paths are read from the "
                                             "notebook's working directory; a folder, a glob such as "
                                             "'exports/*.csv' or a list of files also work where the notebook "
                                             "reads several files)."))
    if errors:
        raise ParametersError(errors, notebook=Path(str(notebook)).name)
    return {**{n: p.default for n, p in declared.items()}, **given}


def _check_period(value: Any) -> None:
    if str(value).strip() not in periods.LATEST:  # latest-* is resolved against the data
        periods.parse(value)


def _check_trend_by(value: Any) -> None:
    from .metrics.time import PERIODS  # the trend granularities live with the trends

    if value not in PERIODS:
        raise ParameterError("trend_by", f"must be one of {', '.join(PERIODS)}. Got {value!r} instead.",
                             closest(str(value), PERIODS))


#: Parameters whose values have a grammar of their own, checked before the notebook runs.
_CHECKED = {"period": _check_period, "trend_by": _check_trend_by}


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


def input_path(params: Mapping[str, Any], kind: str) -> Path:
    """The file for one input kind: the explicit ``<kind>_path`` parameter when set, else the
    sample brand's file."""
    explicit = params.get(f"{kind}_path")
    if explicit not in (None, ""):
        return Path(explicit)
    return config.sample_path(params.get("brand") or config.DEFAULT_BRAND, kind)


def objectives_path(params: Mapping[str, Any]) -> Path | None:
    """Which objectives file a notebook run uses: ``objectives_path`` when given; the sample brand's
    objectives only when the posts are the brand's sample too; otherwise none (no path touched)."""
    if params.get("objectives_path"):
        return input_path(params, "objectives")
    if params.get("posts_path"):
        return None
    return input_path(params, "objectives")


def linked_path(params: Mapping[str, Any], kind: str, *, follows: tuple[str, ...] = ()) -> Path | None:
    """An input that belongs with others (objectives with the initiatives they name, posts with the
    objectives they measure, a trust or practices file with its organisation): the explicit
    ``<kind>_path`` when set; else the sample brand's file, when the brand has one and none of the
    ``follows`` inputs is the analyst's own file (their ``<kind>_path`` parameters are unset); else
    None. An analyst's own initiatives are never judged against a sample brand's objectives."""
    explicit = params.get(f"{kind}_path")
    if explicit not in (None, ""):
        return Path(explicit)
    if any(params.get(f"{other}_path") not in (None, "") for other in follows):
        return None
    brand = params.get("brand") or config.DEFAULT_BRAND
    path = config.sample_path(brand, kind) if kind in config.SAMPLE_FILES else config.samples_dir() / brand / f"{kind}.csv"
    return path if path.is_file() else None


#: The input kinds each notebook reads, main input first (the one a flat column_map applies to).
NOTEBOOK_INPUTS = {
    "01_social_business_venn": ("initiatives", "objectives", "posts", "trust"),
    "02_relationship_depth": ("assessment", "readiness", "programmes", "practices"),
    "03_psychographic_segments": ("audience",),
    "04_vanity_to_value": ("posts", "objectives", "initiatives", "trust"),
    "05_stakeholder_report": ("initiatives", "assessment", "readiness", "audience", "posts", "objectives",
                              "practices", "trust"),
}
#: Notebooks whose main input a flat column_map renames (one main file; the others are small tables).
_FLAT_MAP_OK = {"01_social_business_venn", "03_psychographic_segments", "04_vanity_to_value"}


def column_map_for(column_map: Mapping[str, Any] | None, kind: str, *, notebook: str) -> dict[str, str]:
    """The renaming for one input of a notebook from its ``column_map`` parameter.

    One shape everywhere: keyed by input kind, ``{"posts": {"Their name": "our_name"}}``. Where a
    notebook has one main input (01 initiatives, 03 audience, 04 posts), a flat map
    ``{"Their name": "our_name"}`` is accepted and renames that input."""
    kinds = NOTEBOOK_INPUTS.get(notebook, (kind,))
    if not column_map:
        return {}
    nested = {k: v for k, v in column_map.items() if isinstance(v, Mapping)}
    flat = {k: v for k, v in column_map.items() if not isinstance(v, Mapping)}
    if flat and nested:
        raise ParameterError("column_map", "mixes renamings keyed by input kind with plain renamings. Got "
                             f"{dict(column_map)!r}.", fix=f"key every renaming by input kind, e.g. "
                             f"{{'{kinds[0]}': {{'Their column': 'our_column'}}}}")
    if flat:
        if notebook not in _FLAT_MAP_OK:
            raise ParameterError("column_map", f"must map each input kind to its renaming, e.g. {{'{kinds[0]}': "
                                 f"{{'Their column': 'our_column'}}}} ({notebook} reads {', '.join(kinds)}). "
                                 f"Got {dict(column_map)!r} instead.")
        return dict(flat) if kind == kinds[0] else {}
    unknown = [k for k in nested if k not in kinds]
    if unknown:
        raise ParameterError("column_map", f"has the input kind {unknown[0]!r}, which {notebook} does not read "
                             f"(it reads {', '.join(kinds)}).", suggestion=closest(unknown[0], kinds))
    return dict(nested.get(kind, {}))


@dataclass(frozen=True)
class Organisation:
    """Who a report is about, and how it is dressed: display name, accent colour, currency, logo file
    and time zone (from the sample brand's ``brand.json``, or the notebook's ``organisation`` parameter)."""

    name: str
    accent_colour: str | None = None
    currency: str | None = None
    logo: str | None = None
    timezone: str | None = None


def brand_settings(brand: str | None) -> dict[str, Any]:
    """A sample brand's ``brand.json`` (empty for an unknown brand)."""
    if not brand or brand not in config.sample_brands():
        return {}
    path = config.sample_path(brand, "brand")
    settings = json.loads(path.read_text(encoding="utf-8"))
    if settings.get("logo"):
        settings["logo"] = str(path.parent / settings["logo"])
    return settings


#: What reports call an organisation whose files the analyst gave without naming it.
UNNAMED = "this organisation"


def brand_label(brand: str) -> str:
    """A sample brand's display name (``label`` in brand.json), else the brand's folder name."""
    return str(brand_settings(brand).get("label") or brand)


def organisation(params: Mapping[str, Any]) -> Organisation:
    """The organisation a notebook run reports on: the ``organisation`` parameter when set; else the
    sample brand's display name (``label`` in brand.json) when the run reads the brand's files; else
    "this organisation" (the analyst's own files, no name given). The brand's accent colour, currency,
    logo and time zone apply only when its files are read."""
    own_files = any(k.endswith("_path") and v not in (None, "", []) for k, v in params.items())
    settings = {} if own_files else brand_settings(params.get("brand") or config.DEFAULT_BRAND)
    name = params.get("organisation") or settings.get("label") or (
        UNNAMED if own_files else str(params.get("brand") or config.DEFAULT_BRAND))
    return Organisation(str(name), settings.get("accent_colour"), settings.get("currency"), settings.get("logo"),
                        settings.get("timezone"))


def organisation_label(params: Mapping[str, Any], kind: str) -> str:
    """How reports name the organisation behind one input: the sample brand, or "this organisation"
    when the ``<kind>_path`` parameter points at the analyst's own file."""
    return UNNAMED if params.get(f"{kind}_path") not in (None, "") else str(params.get("brand"))


def is_interactive(value: Any = "auto") -> bool:
    """Whether to build widget panels: True/False as given; "auto" means yes inside a JupyterLab
    kernel (the server sets JPY_SESSION_NAME) and no under papermill or ``socialkit run``."""
    if isinstance(value, bool):
        return value
    if os.environ.get("SOCIALKIT_BATCH"):
        return False
    return bool(os.environ.get("JPY_SESSION_NAME"))


def parse_value(text: str) -> Any:
    """A parameter value written as text (command line, CSV manifest) read as YAML: ``3`` -> int,
    ``true`` -> bool, ``[a, b]`` -> list, ``{a: 1}`` -> dict; anything else stays the text itself."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if value is None or isinstance(value, (bool, int, float, list, dict)) else text


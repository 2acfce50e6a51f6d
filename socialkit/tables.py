"""The kit's editable tables, loaded in one place.

Every table in ``socialkit/data/`` (business functions, the goal -> tactic playbook, the metric
ladder, the questionnaires, readiness caps, ladders, thresholds, answer synonyms) is read here,
validated by its pandera model (:data:`socialkit.schemas.TABLES`), tidied, and cached: a table is
read again only when its file changes (modification time or size). Domain functions receive tables
as arguments; their defaults come from :func:`load`, and no domain module opens a file itself.

Where a table comes from (:func:`table_path`): ``SOCIALKIT_TABLES`` when set, else
``data/tables/<file>`` in the working folder when the analyst keeps an edited copy there (``socialkit
init`` lays one out), else the copy shipped with the kit.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from . import config, contracts, files
from .exceptions import ParameterError
from .schemas import TABLES
from .text import closest, key, split_multi

#: Tables that come as a family of files in a folder (one file per member) rather than one file.
FAMILIES = {"preset": "presets"}
#: File name of each single table.
FILES = {name: f"{name}.csv" for name in TABLES if name not in FAMILIES}

_CACHE: dict[tuple, pd.DataFrame] = {}
_CHECKED: dict[tuple, pd.DataFrame] = {}  # tables given as DataFrames, by content (see check)
_CHECKED_MAX = 64
_LOCK = threading.Lock()


def table_path(name: str) -> Path:
    """Where table ``name`` is read from (see the module docstring)."""
    _check_name(name)
    return config.table_file(FILES[name])


def load(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Table ``name`` (a key of :data:`FILES`), validated and tidied; ``path`` reads a custom table
    in any supported format instead (e.g. an organisation's own functions table). Cached by file,
    modification time and size; each call returns its own copy."""
    _check_name(name)
    source = Path(path) if path not in (None, "") else table_path(name)
    try:
        stat = source.stat()
        cache_key = (name, str(source.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        cache_key = None  # let the reader raise its clear "file not found" error
    with _LOCK:
        hit = _CACHE.get(cache_key) if cache_key else None
    if hit is None:
        hit = _check(name, files.read_table(source), source)  # this cache is by file: no content key
        if cache_key:
            with _LOCK:
                _CACHE[cache_key] = hit
    return hit.copy()


def _content_key(name: str, table: pd.DataFrame, source: Any) -> tuple | None:
    """What identifies a table's check: its name, source, columns, types and every value (None when
    a value cannot be hashed, e.g. a list: that table is checked every time)."""
    try:
        values = int(pd.util.hash_pandas_object(table, index=True).sum())
    except (TypeError, ValueError):
        return None
    return (name, str(source), tuple(map(str, table.columns)), tuple(map(str, table.dtypes)), len(table), values)


def check(name: str, table: pd.DataFrame, *, source: Any = None) -> pd.DataFrame:
    """Validate a table given as a DataFrame against the model of ``name`` and tidy it (ids
    normalised, defaults filled, list columns split); raises DataValidationError listing every problem.

    A table with the same content as one checked before is not checked again (the analyses pass a
    checked table on to the functions they call, which check what they are given): the earlier
    result is returned, as a copy."""
    _check_name(name)
    source = source or table.attrs.get("source", f"<{name} table>")
    content = _content_key(name, table, source)
    with _LOCK:
        hit = _CHECKED.get(content) if content else None
    if hit is not None:
        return hit.copy()
    out = _check(name, table, source)
    if content:
        with _LOCK:
            if len(_CHECKED) >= _CHECKED_MAX:
                _CHECKED.pop(next(iter(_CHECKED)))
            _CHECKED[content] = out
    return out.copy()


def _check(name: str, table: pd.DataFrame, source: Any) -> pd.DataFrame:
    valid = contracts.validate(table, name, source=source).reset_index(drop=True)
    for column, spec in TABLES[name][0].to_schema().columns.items():  # whole numbers read as floats
        if str(spec.dtype).startswith("int") and column in valid.columns and valid[column].notna().all():
            valid[column] = valid[column].astype(int)
    out = _PREPARE.get(name, lambda df: df)(valid)
    out.attrs = {"source": str(source)}
    return out


def family(name: str) -> dict[str, pd.DataFrame]:
    """Every member of a family of tables (e.g. the platform presets), by file stem: the kit's files,
    overridden or extended by those in the working folder's ``data/tables/<folder>/``."""
    folder = FAMILIES[name]
    members = {p.stem: p for p in sorted((config.DATA_DIR / folder).glob("*.csv"))}
    local = config.working_dir() / "data" / "tables" / folder
    members.update({p.stem: p for p in sorted(local.glob("*.csv"))})
    return {stem: load(name, path) for stem, path in members.items()}


def clear_cache() -> None:
    """Forget every cached table (the next :func:`load` reads the files again)."""
    with _LOCK:
        _CACHE.clear()


def _check_name(name: str) -> None:
    if name not in TABLES:
        raise ParameterError("table", f"must be one of {', '.join(TABLES)}. Got {name!r} instead.",
                             suggestion=closest(name, TABLES))


# --------------------------------------------------------------------------- tidying per table


def _strip(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        if c in df.columns:
            df[c] = df[c].astype("string").str.strip().astype(object).where(df[c].notna(), "")
    return df


def _lists(cells: pd.Series) -> pd.Series:
    """A multi-valued column as Python lists (object dtype: pandas would otherwise make Arrow lists)."""
    return pd.Series([split_multi(v) for v in cells], index=cells.index, dtype=object)


def _by_order(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("order", kind="stable").reset_index(drop=True)


def _functions(df: pd.DataFrame) -> pd.DataFrame:
    df["function"] = df["function"].map(key)
    if "label" not in df.columns:
        df["label"] = df["function"]
    df["label"] = [str(lab).strip() if not pd.isna(lab) and str(lab).strip() else fid
                   for lab, fid in zip(df["label"], df["function"])]
    if "description" not in df.columns:
        df["description"] = ""
    return df


def _questions(df: pd.DataFrame) -> pd.DataFrame:
    df = _strip(df, *[c for c in df.columns if c != "weight"])
    df["weight"] = df["weight"].fillna(1.0).astype(float) if "weight" in df.columns else 1.0
    return df


def _metric_ladder(df: pd.DataFrame) -> pd.DataFrame:
    if "aggregate" not in df.columns:
        df["aggregate"] = "sum"
    if "label" not in df.columns:
        df["label"] = df["metric"]
    df["aggregate"] = df["aggregate"].fillna("sum").astype(str)
    df["label"] = df["label"].fillna(df["metric"]).astype(str)
    return _strip(df, "becomes", "aliases")


def _intimacy(df: pd.DataFrame) -> pd.DataFrame:
    df["requires"] = _lists(df["requires"])
    return _by_order(_strip(df, "stage", "label"))


def _participation(df: pd.DataFrame) -> pd.DataFrame:
    df = _strip(df, "rung", "label", "column_pattern")
    df["implies"] = _lists(df["implies"] if "implies" in df.columns else pd.Series("", index=df.index))
    return _by_order(df)


def _answer_bands(df: pd.DataFrame) -> pd.DataFrame:
    """Answers compared as the kit tidies survey answers: trimmed, one space between words, lower case."""
    df = _strip(df, "scale", "answer")
    df["answer"] = df["answer"].str.replace(r"\s+", " ", regex=True).str.lower()
    return df


_PREPARE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "functions": _functions,
    "depth_questions": _questions,
    "readiness_questions": _questions,
    "depth_levels": lambda df: _by_order(_strip(df, "level", "label", "kind")),
    "readiness_factors": lambda df: _by_order(_strip(df, "factor", "label")),
    "depth_practices": lambda df: _by_order(_strip(df, "practice", "label")),
    "readiness_caps": lambda df: _strip(df, "factor", "max_level", "rule"),
    "metric_ladder": _metric_ladder,
    "intimacy_ladder": _intimacy,
    "participation_ladder": _participation,
    "demographic_names": lambda df: _strip(df, "concept", "pattern", "label"),
    "answer_bands": _answer_bands,
    "relationship_columns": lambda df: _strip(df, "fact", "pattern", "example", "label"),
    "preset": lambda df: _strip(df, "column", "maps_to", "part", "transform"),
    "labels": lambda df: _strip(df, "column", "label", "kind", "unit"),
}

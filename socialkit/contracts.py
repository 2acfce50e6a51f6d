"""Data contracts applied: a table checked against its pandera model, every problem reported at once.

:func:`validate` coerces the contract's columns to their types (numbers written as text, yes/no
words, dates in any common format) and reports **all** problems in one
:class:`~socialkit.exceptions.DataValidationError`: missing columns, values of the wrong type and
values out of range, each with its column, file lines, values and the fix. It works on DataFrames
only; reading files is :mod:`socialkit.files`.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .exceptions import DataValidationError, ParameterError, Problem
from .schemas import CONTRACTS, TABLES
from .text import FALSE_WORDS, TRUE_WORDS, closest, file_lines, key


def validate(df: pd.DataFrame, kind: str, *, source: Any = None, defaults: Mapping[str, Any] | None = None,
             timezone: str | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` with contract columns coerced to their types, or raise one
    :class:`DataValidationError` listing every problem (column, check, lines, values, fix).

    ``kind`` is an input kind (:data:`schemas.CONTRACTS`) or an editable table (:data:`schemas.TABLES`).
    ``defaults`` fills contract columns that are absent, recorded in ``attrs["assumed"]``.
    ``timezone`` (an IANA name such as "Europe/Berlin"; default UTC) is the reporting time zone:
    times that carry an offset ("2021-11-30 16:00 +0000") are converted to it, then kept as local
    wall-clock times, so days, weeks and months are those of the reporting zone. Times without an
    offset are taken to be in the reporting zone already."""
    zone = check_timezone(timezone)
    contract = CONTRACTS.get(kind) or TABLES.get(kind)
    if contract is None:
        raise DataValidationError(source or "<table>", kind, [Problem(None, f"unknown input kind {kind!r}",
                                  fix=f"use one of {', '.join(CONTRACTS)}")])
    source = source or df.attrs.get("source", "<table>")
    model, table_checks = contract
    schema = model.to_schema()
    index = df.index
    df = df.reset_index(drop=True)  # problems name file lines: row position + 2
    out = df.copy()
    # contract names match ignoring case and spacing ("Post Type" -> "post_type")
    norm = {key(c): c for c in out.columns}
    out = out.rename(columns={norm[n]: n for n in schema.columns if not schema.columns[n].regex
                              and n not in out.columns and n in norm})
    assumed = {}
    for name, value in (defaults or {}).items():
        if name not in out.columns and value is not None:
            out[name] = value
            assumed[name] = value
    problems: list[Problem] = []
    if out.empty:
        problems.append(Problem(None, "has a header but no data rows", fix="export the data again with its rows"))

    flagged: dict[str, set[int]] = {}
    for name, col in schema.columns.items():
        present = [c for c in out.columns if re.match(name, c)] if col.regex else ([name] if name in out.columns else [])
        if not present:
            if col.required and col.regex:
                prefix = name.lstrip("^")
                problems.append(Problem(None, f"a column whose name starts with {prefix} is missing", fix=(
                    f"name at least one column {prefix}<something> (e.g. {prefix}posts_per_week), or map yours "
                    f"with column_map={{'Your column': '{prefix}your_name'}}")))
            elif col.required:
                hint = closest(name, list(out.columns))
                problems.append(Problem(name, f"required column '{name}' is missing", fix=(
                    f"rename '{hint}' or pass column_map={{'{hint}': '{name}'}}" if hint else
                    f"add the column, or map yours onto it with column_map={{'Your column': '{name}'}}")))
            continue
        for c in present:
            out[c], bad, why = _coerce(out[c], str(col.dtype), zone)
            if bad.any():
                flagged[c] = set(out.index[bad])
                problems.append(Problem(c, why, rows=file_lines(out.index[bad]), values=df[_orig(df, c)][bad].tolist()[:5],
                                        n_failed=int(bad.sum()), fix=_TYPE_FIX[why]))
    if table_checks is not None:
        problems += table_checks(out)
    # value checks (ranges, allowed values, uniqueness, blanks), on the coerced table
    try:
        schema.validate(out, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _pandera_problems(exc.failure_cases, flagged)
    if problems:
        raise DataValidationError(source, kind, problems)
    out.index = index
    out.attrs = dict(df.attrs)
    if assumed:
        out.attrs["assumed"] = {**df.attrs.get("assumed", {}), **assumed}
    if any(str(col.dtype).startswith("datetime") and name in out.columns for name, col in schema.columns.items()):
        out.attrs["timezone"] = zone
    return out


def check_timezone(timezone: str | None) -> str:
    """The reporting time zone's IANA name (UTC when None); an unknown name is a ParameterError with
    the closest known zone."""
    if timezone in (None, ""):
        return "UTC"
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError("timezone", f"must be an IANA time zone such as 'UTC' or 'Europe/Berlin'. Got "
                             f"{timezone!r} instead.", suggestion=closest(timezone, available_timezones())) from None
    return str(timezone)


def _orig(df: pd.DataFrame, name: str) -> str:
    if name in df.columns:
        return name
    return {key(c): c for c in df.columns}.get(name, name)


_TYPE_FIX = {
    "expected a number": "remove text, units and currency symbols (e.g. '1.2k', 'n/a') or leave the cell blank",
    "number too large to be real": "check the export; values like 1e308 are usually a broken cell",
    "expected yes/no": "use true/false, yes/no or 1/0",
    "expected a date": "write dates as YYYY-MM-DD (e.g. 2026-03-31)",
    "dates in both day/month and month/day order": (
        "the file mixes 31/03/2026 and 03/31/2026: re-export the dates in one order, ideally YYYY-MM-DD"),
}


def _coerce(s: pd.Series, dtype: str, zone: str = "UTC") -> tuple[pd.Series, pd.Series, str]:
    """Coerce one column to the contract dtype; returns (values, mask of uncoercible cells, reason)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        present = s.notna()  # already numbers: no need to look at text
    else:
        present = s.notna() & (s.astype("string").str.strip() != "")
    if dtype.startswith(("float", "int")):
        vals = _to_number(s)
        bad = present & vals.isna()
        if bad.any():
            return vals, bad, "expected a number"
        huge = np.isinf(vals.fillna(0)) | (vals.abs() > 1e15)
        return vals, present & huge, "number too large to be real"
    if dtype in ("bool", "boolean"):
        def as_bool(v: Any) -> bool | None:
            if isinstance(v, (bool, np.bool_)):
                return bool(v)
            text = str(v).strip().lower() if v is not None and not pd.isna(v) else ""
            return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None

        vals = pd.Series([as_bool(v) for v in s], index=s.index, dtype=object)
        bad = present & vals.isna()
        if dtype == "boolean":  # nullable: blank cells stay unknown
            return vals.where(present & ~bad, pd.NA).astype("boolean"), bad, "expected yes/no"
        return vals.where(~bad, False).astype(bool), bad, "expected yes/no"
    if dtype.startswith("datetime"):
        return _to_dates(s, present, zone)
    vals = s.astype("string").str.strip()
    return vals.where(present, pd.NA), pd.Series(False, index=s.index), ""


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")


#: A time that carries its own offset or zone: "+0000", "+01:00", "Z", " UTC", " GMT" at the end.
_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|\s(?:UTC|GMT))$", re.I)


def _to_dates(s: pd.Series, present: pd.Series, zone: str = "UTC") -> tuple[pd.Series, pd.Series, str]:
    """Dates: ISO 8601 first; then other formats ("31/03/2026", "Mar 31, 2026"). Numeric dates
    (dd/mm/yyyy or mm/dd/yyyy) are read day first unless the column shows month-first dates (a
    second number above 12) and no day-first ones; a column showing both orders is an error.
    Times with an offset are converted to ``zone`` and kept as its wall-clock time (no time zone
    attached, so no library ever drops it with a warning)."""
    if pd.api.types.is_datetime64_any_dtype(s):  # Excel or Parquet: already times
        vals = s.dt.tz_convert(zone).dt.tz_localize(None) if s.dt.tz is not None else s
        return _ns(vals), pd.Series(False, index=s.index), ""
    txt = s.astype("string").str.strip()
    vals = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    aware = present & txt.str.contains(_OFFSET).fillna(False).astype(bool)
    if aware.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format": every cell is parsed anyway
            utc = pd.to_datetime(txt.where(aware), errors="coerce", utc=True, format="mixed")
        vals = vals.where(~aware, _ns(utc.dt.tz_convert(zone).dt.tz_localize(None)))
    naive = present & ~aware
    iso = pd.to_datetime(txt.where(naive), errors="coerce", format="ISO8601")
    iso = _ns(iso)
    vals = vals.where(~(naive & iso.notna()), iso)
    rest = naive & iso.isna()
    if not rest.any():
        return vals, present & vals.isna(), "expected a date"
    parts = txt.where(rest).str.extract(_NUMERIC_DATE).astype("float64")
    day_first = rest & (parts[0] > 12) & (parts[1] <= 12)
    month_first = rest & (parts[1] > 12) & (parts[0] <= 12)
    if day_first.any() and month_first.any():
        return vals, day_first | month_first, "dates in both day/month and month/day order"
    dayfirst = not month_first.any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas warns when it swaps day and month itself
        try:
            parsed = pd.to_datetime(txt.where(rest), errors="coerce", format="mixed", dayfirst=dayfirst)
        except (ValueError, OverflowError, TypeError):
            parsed = None
        if parsed is None or not pd.api.types.is_datetime64_any_dtype(parsed):  # an odd cell must not hide
            # the other cells: parse one by one
            parsed = pd.Series([_one_date(v, dayfirst) for v in txt.where(rest)], index=s.index,
                               dtype="datetime64[ns]")
    vals = vals.where(~rest, _ns(parsed))
    return vals, present & vals.isna(), "expected a date"


def _ns(values: pd.Series) -> pd.Series:
    """Times at pandas' nanosecond resolution; those outside its range (before 1677 or after 2262,
    e.g. a cell "-1" read as year -1) become missing and are reported as "expected a date"."""
    ok = values.notna() & (values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)
    return values.where(ok).astype("datetime64[ns]")


def _one_date(value: Any, dayfirst: bool) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return pd.NaT
    try:
        out = pd.to_datetime(str(value), dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):
        return pd.NaT
    if getattr(out, "tzinfo", None) is not None:
        out = out.tz_convert(None)
    return out if pd.Timestamp.min < out < pd.Timestamp.max else pd.NaT


def _to_number(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    txt = s.astype("string").str.strip()
    txt = txt.str.replace(r"^(-?\d{1,3}(?:,\d{3})+)(\.\d+)?$", lambda m: m.group(0).replace(",", ""), regex=True)
    txt = txt.str.replace(r"^(-?\d+),(\d{1,2})$", r"\1.\2", regex=True)  # decimal comma: 12,5
    return pd.to_numeric(txt, errors="coerce").astype("float64")


_CHECK_TEXT = [
    (r"greater_than_or_equal_to\((.*)\)", "values must be >= {0}", "recode the scale or fix the typed values"),
    (r"less_than_or_equal_to\((.*)\)", "values must be <= {0}", "recode the scale or fix the typed values"),
    (r"isin\((.*)\)", "values must be one of {0}", "use one of the allowed values (lower case)"),
    (r"field_uniqueness|unique", "values must be unique", "remove or rename the duplicate rows"),
    (r"not_nullable", "blank cells are not allowed", "fill in the blank cells"),
    (r"str_length", "must not be empty", "fill in the empty names"),
]


def _pandera_problems(fc: pd.DataFrame, flagged: dict[str, set[int]]) -> list[Problem]:
    problems = []
    fc = fc[~fc["check"].astype(str).str.startswith(("column_in_dataframe", "dtype(", "coerce_dtype(",
                                                     "no_regex_column_match"))]
    for (column, check), grp in fc.groupby(["column", "check"], sort=False, dropna=False):
        idx = [i for i in grp["index"].tolist() if i is not None and not (isinstance(i, float) and math.isnan(i))]
        idx = [int(i) for i in idx if int(i) not in flagged.get(str(column), set())]
        if not idx and grp["index"].notna().any():
            continue  # only rows already reported as the wrong type
        text, fix = str(check), "fix the values listed"
        for pattern, template, hint in _CHECK_TEXT:
            m = re.match(pattern, str(check))
            if m:
                text, fix = template.format(*m.groups()), hint
                break
        values = [v for v, i in zip(grp["failure_case"], grp["index"]) if i is None or int(i) in idx]
        problems.append(Problem(str(column), text, rows=file_lines(idx), values=values[:5],
                                n_failed=len(idx), fix=fix))
    return problems

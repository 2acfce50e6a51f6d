"""The I/O layer: the only module that reads or writes files.

* :func:`read_table` reads CSV (delimiter sniffed among comma, semicolon and tab; UTF-8 with or
  without BOM, falling back to Windows-1252/Latin-1), Excel and Parquet, and renames a user's
  columns onto the contract with ``column_map``.
* :func:`validate` checks a table against its contract (:mod:`socialkit.schemas`) and reports
  **all** problems in one :class:`~socialkit.exceptions.DataValidationError`.
* :func:`write_table`, :func:`write_text` and :func:`atomic_path` write atomically (temp file +
  rename) so a crash never leaves a half-written output; CSV output neutralises spreadsheet
  formulas.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import math
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import config
from .exceptions import DataValidationError, InputFileError, Problem
from .schemas import CONTRACTS, TABLES
from .text import FALSE_WORDS, TRUE_WORDS, closest, file_lines, key

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = ",;\t"
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
#: Cells starting with one of these are read as formulas by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- reading


def read_table(path: str | os.PathLike, *, column_map: Mapping[str, str] | None = None,
               sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file into a DataFrame, renaming columns with ``column_map``.

    Column names are stripped of surrounding spaces and a byte-order mark. ``column_map`` maps the
    file's column names (matched exactly, then ignoring case and spacing) to contract names.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "file not found", fix="check the path; relative paths are read from the "
                             f"current directory ({Path.cwd().name})")
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a file", fix="point to a .csv, .xlsx or .parquet file inside it")
    if path.stat().st_size == 0:
        raise InputFileError(path, "file is empty (0 bytes)", fix="export the data again; the file has no header and no rows")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES | PARQUET_SUFFIXES:
        _check_binary_format(path, suffix)
    try:
        if suffix in EXCEL_SUFFIXES:
            df = pd.read_excel(path, sheet_name=sheet)
        elif suffix in PARQUET_SUFFIXES:
            df = pd.read_parquet(path)
        else:
            df = _read_csv(path)
    except InputFileError:
        raise
    except Exception as exc:  # pandas/openpyxl/pyarrow raise many types; name the file in all cases
        raise InputFileError(path, f"could not be read ({type(exc).__name__}: {exc})",
                             fix="save it as UTF-8 CSV, .xlsx or .parquet") from exc
    df.columns = [_clean_header(c) for c in df.columns]
    if column_map:
        df = apply_column_map(df, column_map, source=path)
    df.attrs["source"] = str(path)
    return df


#: First bytes of each binary format: .xlsx/.xlsm are zip files, .xls an OLE2 file, Parquet starts with PAR1.
_MAGIC = {".xlsx": (b"PK\x03\x04",), ".xlsm": (b"PK\x03\x04",), ".xls": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"),
          ".parquet": (b"PAR1",), ".pq": (b"PAR1",)}


def _check_binary_format(path: Path, suffix: str) -> None:
    """A text file saved under an Excel or Parquet name gets an error that says so."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(_MAGIC[suffix]):
        return
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # binary but not the expected format: the reader's own error names it
    what = "an Excel workbook" if suffix in EXCEL_SUFFIXES else "a Parquet file"
    raise InputFileError(path, f"is a text file, not {what} (its name ends in {suffix})",
                         fix="rename it to .csv if it holds comma-, semicolon- or tab-separated text, "
                             "or save it again from the spreadsheet as .xlsx")


def _clean_header(name: Any) -> str:
    return str(name).replace("\ufeff", "").strip()


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputFileError(path, "looks like a binary file, not text", fix="export the data as CSV, .xlsx or .parquet")
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputFileError(path, "is not UTF-8, Windows-1252 or Latin-1 text", fix="save it as UTF-8 CSV")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: comma, semicolon or tab (the most frequent one in the header
    when the csv sniffer cannot decide); a pipe when the header has none of those but has pipes
    (pipes are also a separator *inside* multi-valued cells, so they are only chosen then)."""
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    if not any(d in header for d in DELIMITERS) and "|" in header:
        return "|"
    sample = "\n".join(lines[:50])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        if found in header or not any(d in header for d in DELIMITERS):
            return found
    except csv.Error:
        pass
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(path: Path) -> pd.DataFrame:
    text, encoding = _decode(path)
    if not text.strip():
        raise InputFileError(path, "file has only blank lines", fix="export the data again with a header row")
    sep = sniff_delimiter(text)
    try:
        df = pd.read_csv(_io.StringIO(text), sep=sep, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise _field_count_error(path, text, sep, detail=str(exc)) from exc
    if not isinstance(df.index, pd.RangeIndex):
        # data rows have more fields than the header: pandas would silently turn the first
        # column(s) into the index. Harmless only when the extra fields are all empty (a
        # trailing delimiter at the end of each data row).
        if not _extra_fields_empty(text, sep):
            raise _field_count_error(path, text, sep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)  # checked above: only empty fields go
            df = pd.read_csv(_io.StringIO(text), sep=sep, skipinitialspace=True, index_col=False)
    df.attrs.update(delimiter=sep, encoding=encoding)
    return df


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _records(text: str, sep: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based file line, fields) of each non-blank record of a CSV text."""
    reader = csv.reader(_io.StringIO(text), delimiter=sep, skipinitialspace=True)
    for fields in reader:
        if fields and any(f.strip() for f in fields):
            yield reader.line_num, fields


def _extra_fields_empty(text: str, sep: str) -> bool:
    records = _records(text, sep)
    _, header = next(records, (1, []))
    return all(not "".join(fields[len(header):]).strip() for _, fields in records)


def _field_count_error(path: Path, text: str, sep: str, detail: str = "") -> InputFileError:
    """Name the lines whose number of fields differs from the header, and the likely cause."""
    records = list(_records(text, sep))
    n_header = len(records[0][1]) if records else 0
    long = [(line, fields) for line, fields in records[1:] if len(fields) > n_header]
    name = _DELIMITER_NAMES.get(sep, repr(sep))
    if not long:  # pandas saw something the csv module did not (e.g. an unclosed quote)
        return InputFileError(path, f"could not be split into columns with the {name} delimiter ({detail})",
                              fix="check the quotes around cells, or re-export the file")
    lines = [line for line, _ in long]
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    reason = (f"{len(lines)} row{'s' if len(lines) != 1 else ''} (line {shown}) {'have' if len(lines) != 1 else 'has'} "
              f"more fields than the header's {n_header} when split on the {name} delimiter")
    decimal_comma = sep == "," and any(re.fullmatch(r"-?\d+", f.strip() or "x") for _, fields in long for f in fields[1:])
    if decimal_comma:
        fix = ("if decimals are written with a comma (0,5) in this comma-separated file, export it with ';' "
               "as the delimiter or with decimal points (0.5); otherwise quote cells that contain a comma")
    else:
        fix = f"quote cells that contain a {name}, or re-export the file with another delimiter"
    return InputFileError(path, reason, fix=fix)


def apply_column_map(df: pd.DataFrame, column_map: Mapping[str, str], *, source: Any = "<table>") -> pd.DataFrame:
    """Rename the file's columns onto contract names; unknown keys are an error naming close matches."""
    norm = {key(c): c for c in df.columns}
    rename, problems = {}, []
    for theirs, ours in column_map.items():
        if theirs in df.columns:
            rename[theirs] = ours
        elif key(theirs) in norm:
            rename[norm[key(theirs)]] = ours
        elif ours in df.columns:
            continue  # already named as the contract wants
        else:
            hint = closest(theirs, list(df.columns))
            problems.append(Problem(theirs, "named in column_map but not found in the file", fix=(
                f"did you mean '{hint}'?" if hint else f"the file's columns are: {', '.join(map(str, df.columns))}")))
    if problems:
        raise DataValidationError(source, "input", problems)
    return df.rename(columns=rename)


# --------------------------------------------------------------------------- validating


def load(path: str | os.PathLike, kind: str, *, column_map: Mapping[str, str] | None = None,
         sheet: str | int = 0, defaults: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read ``path`` and validate it against the contract of ``kind`` (see :data:`schemas.KINDS`).

    ``defaults`` gives a value for contract columns the file does not have (e.g. ``{"channel":
    "facebook"}`` for a single-channel export); what was assumed is recorded in ``attrs["assumed"]``.
    """
    return validate(read_table(path, column_map=column_map, sheet=sheet), kind, source=path, defaults=defaults)


def load_samples(kind: str, brands: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """One validated table of ``kind`` per sample brand: ``brands`` (None = every sample brand, [] = none)."""
    names = config.sample_brands() if brands is None else list(brands)
    return {b: load(config.sample_path(b, kind), kind) for b in names}


def validate(df: pd.DataFrame, kind: str, *, source: Any = None,
             defaults: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` with contract columns coerced to their types, or raise one
    :class:`DataValidationError` listing every problem (column, check, lines, values, fix).

    ``kind`` is an input kind (:data:`schemas.CONTRACTS`) or an editable table (:data:`schemas.TABLES`).
    ``defaults`` fills contract columns that are absent (see :func:`load`)."""
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
            out[c], bad, why = _coerce(out[c], str(col.dtype))
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
    return out


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


def _coerce(s: pd.Series, dtype: str) -> tuple[pd.Series, pd.Series, str]:
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
        return _to_dates(s, present)
    vals = s.astype("string").str.strip()
    return vals.where(present, pd.NA), pd.Series(False, index=s.index), ""


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")


def _to_dates(s: pd.Series, present: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Dates: ISO 8601 first; then other formats ("31/03/2026", "Mar 31, 2026"). Numeric dates
    (dd/mm/yyyy or mm/dd/yyyy) are read day first unless the column shows month-first dates (a
    second number above 12) and no day-first ones; a column showing both orders is an error."""
    txt = s.astype("string").str.strip()
    vals = pd.to_datetime(txt, errors="coerce", format="ISO8601")
    rest = present & vals.isna()
    if not rest.any():
        return vals, rest, ""
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
        if parsed is None or not pd.api.types.is_datetime64_any_dtype(parsed):  # an odd cell or mixed time
            # zones must not hide the other cells: parse one by one
            parsed = pd.Series([_one_date(v, dayfirst) for v in txt.where(rest)], index=s.index,
                               dtype="datetime64[ns]")
    vals = vals.where(~rest, parsed)
    return vals, present & vals.isna(), "expected a date"


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


# --------------------------------------------------------------------------- writing


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, at import, before any thread starts
    os.umask(mask)
    return mask


_UMASK = _read_umask()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it is renamed onto ``target``,
    on error it is removed, so ``target`` is never half-written."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():  # mkstemp makes the file private (0600); give it the usual mode
            os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write text atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Write bytes atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote (OWASP CSV injection)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object:
            out[c] = out[c].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def _one_line_ending(df: pd.DataFrame) -> pd.DataFrame:
    """Carriage returns inside text cells become line feeds. Python's CSV writer quotes cells holding
    a line feed but not a lone carriage return, which spreadsheets read as a row break: a name like
    "x\r=cmd" would otherwise start a new row with an unneutralised formula."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object:
            out[c] = out[c].map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v)
    return out


def write_table(df: pd.DataFrame, target: str | os.PathLike, *, index: bool = False) -> Path:
    """Write a DataFrame atomically as CSV (formulas neutralised, carriage returns inside cells
    written as quoted line feeds) or Parquet, by suffix."""
    target = Path(target)
    suffix = target.suffix.lower()
    with atomic_path(target) as tmp:
        if suffix in PARQUET_SUFFIXES:
            df.to_parquet(tmp, index=index)
        elif suffix in CSV_SUFFIXES:
            _one_line_ending(neutralise_formulas(df)).to_csv(tmp, index=index, lineterminator="\n")
        else:
            raise InputFileError(target, f"unsupported output format {suffix!r}", fix="use .csv or .parquet")
    return target

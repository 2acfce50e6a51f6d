"""Files: the only module that opens them.

* :func:`read_table` reads one CSV (delimiter sniffed among comma, semicolon and tab; UTF-8 with or
  without BOM, falling back to Windows-1252/Latin-1), Excel or Parquet file, and renames a user's
  columns onto the contract with ``column_map``.
* :func:`write_table`, :func:`write_text`, :func:`write_bytes` and :func:`atomic_path` write
  atomically (temp file + rename), so a crash never leaves a half-written output; CSV output
  neutralises spreadsheet formulas.

What a table must hold is checked by :mod:`socialkit.contracts`; reading an analyst's inputs
(folders, globs, several files, platform presets) is :mod:`socialkit.io`.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from .exceptions import DataValidationError, InputFileError, Problem
from .paths import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES
from .text import closest, key

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

"""Path specs: where an input is, as an analyst writes it.

A spec is a file, a folder (its CSV, Excel and Parquet files), a glob pattern such as
``exports/tweet_activity_metrics_*.csv``, or a list of any of these. :func:`expand` turns it into
files, :func:`absolute` makes it mean the same from any working folder, :func:`fingerprint` hashes
every file behind it (batch resume and report appendices compare fingerprints). No pandas here: the
command line checks parameters with these before anything heavy is imported.
"""

from __future__ import annotations

import glob
import hashlib
import os
from pathlib import Path
from typing import Any, Sequence

from .exceptions import InputFileError

#: A file, a folder, a glob pattern, or a list of these.
PathSpec = str | os.PathLike | Sequence[str | os.PathLike]
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
READABLE = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES
_GLOB_CHARS = set("*?[")



def is_many(spec: Any) -> bool:
    """True when ``spec`` may stand for several files (a list, a folder or a glob)."""
    if isinstance(spec, (list, tuple)):
        return True
    return bool(_GLOB_CHARS & set(str(spec))) or Path(str(spec)).is_dir()


def expand(spec: PathSpec) -> list[Path]:
    """The files behind a path spec, in order (folders and globs sorted by name), each once.

    Raises :class:`InputFileError` for a glob that matches nothing, a folder with no readable file,
    or an empty list; a single path that does not exist is left for the reader to report."""
    if isinstance(spec, (list, tuple)):
        if not spec:
            raise InputFileError("[]", "is an empty list of files", fix="name at least one file, a folder or a glob")
        found = [p for item in spec for p in expand(item)]
    else:
        text = os.path.expanduser(str(spec))
        if _GLOB_CHARS & set(text):
            found = [Path(p) for p in sorted(glob.glob(text)) if Path(p).is_file() and Path(p).suffix.lower() in READABLE]
            if not found:
                raise InputFileError(text, "matches no CSV, Excel or Parquet file",
                                     fix="check the folder and the pattern, e.g. exports/tweet_activity_metrics_*.csv")
        elif Path(text).is_dir():
            found = [p for p in sorted(Path(text).iterdir())
                     if p.is_file() and p.suffix.lower() in READABLE and not p.name.startswith((".", "~$"))]
            if not found:
                raise InputFileError(text, "is a folder with no CSV, Excel or Parquet file",
                                     fix="put the exports in it, or point to the files themselves")
        else:
            found = [Path(text)]
    return list(dict.fromkeys(found))


def describe(spec: PathSpec) -> str:
    """How a spec reads in notes and errors: the path, or "3 files in exports/"."""
    if isinstance(spec, (list, tuple)) or is_many(spec):
        files = expand(spec)
        folders = sorted({str(f.parent) for f in files})
        return f"{len(files)} file{'s' if len(files) != 1 else ''} in {', '.join(folders)}"
    return str(spec)


def fingerprint(spec: PathSpec) -> str:
    """SHA-256 over the names and bytes of every file behind ``spec`` (what batch resume and report
    appendices compare); files that do not exist contribute their name only."""
    h = hashlib.sha256()
    for path in expand(spec):
        h.update(path.name.encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def absolute(spec: Any) -> Any:
    """``spec`` with every path made absolute (a glob keeps its pattern), so it means the same in any
    working folder; a list stays a list."""
    if isinstance(spec, (list, tuple)):
        return [absolute(s) for s in spec]
    return str(Path(os.path.expanduser(str(spec))).absolute())


def problem(spec: Any) -> str | None:
    """Why ``spec`` names no readable file (for parameter checks), or None when it does."""
    try:
        found = expand(spec)
    except InputFileError as exc:
        return exc.reason
    missing = [str(p) for p in found if not p.is_file()]
    return f"names no file: {', '.join(missing[:3])}" if missing else None

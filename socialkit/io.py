"""Reading an analyst's inputs as they come: one file, a folder, a glob or a list of files, from any
platform export the kit knows, checked against the input's data contract.

* :func:`expand` turns a path spec into files: a file; a folder (its CSV, Excel and Parquet files);
  a glob such as ``exports/tweet_activity_metrics_*.csv``; or a list of any of these.
* :func:`recognise` names the platform preset a header matches (``socialkit/data/presets/*.csv``:
  one table per platform mapping its columns onto the posts contract); an explicit ``column_map``
  always wins over a preset.
* :func:`load` reads every file, maps it (preset, then ``column_map``), validates it against the
  contract of its kind (:mod:`socialkit.contracts`; times converted to the reporting ``timezone``),
  stacks the files and drops posts exported twice (same ``post_id``; the later file wins). What was
  read, recognised, assumed and dropped is recorded in ``df.attrs`` for the notes of a report.
* :func:`read` does the same for free-form files (the audience survey): read and stack, no contract.
* :func:`fingerprint` hashes every file behind a spec (batch resume and report appendices use it).

Single files are read and written by :mod:`socialkit.files` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from . import config, tables
from .contracts import check_timezone, validate
from .exceptions import DataValidationError, InputFileError, ParameterError, Problem
from .findings import Findings
from .files import (apply_column_map, atomic_path, neutralise_formulas, read_table, sniff_delimiter, write_bytes,
                    write_table, write_text)
from .paths import PathSpec, describe, expand, fingerprint, is_many
from .text import closest, key

__all__ = ["PathSpec", "Preset", "apply_column_map", "atomic_path", "describe", "expand", "fingerprint", "is_many", "load",
           "load_findings", "load_note", "load_samples", "neutralise_formulas", "presets", "read", "read_table", "recognise", "sniff_delimiter",
           "validate", "write_bytes", "write_table", "write_text"]

# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    """A platform export's columns mapped onto the posts contract."""

    name: str
    table: pd.DataFrame  # column, maps_to, part, signature, transform, note, source

    @property
    def channel(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def label(self) -> str:
        """How reports name the export (its table's source), e.g. "X (Twitter) analytics per-tweet export"."""
        sources = self.table["source"].dropna().astype(str) if "source" in self.table.columns else []
        return sources.iloc[0] if len(sources) else self.name.replace("_", " ")

    def signature(self) -> list[str]:
        return self.table.loc[self.table["signature"], "column"].tolist()

    def matches(self, columns: Iterable[str]) -> int:
        """How many of the preset's columns a header has; 0 unless every signature column is there."""
        have = {key(c) for c in columns}
        if not all(key(c) in have for c in self.signature()):
            return 0
        return sum(key(c) in have for c in self.table["column"])


def presets() -> dict[str, Preset]:
    """The platform presets: the kit's, plus any in the working folder's ``data/tables/presets/``."""
    return {name: Preset(name, table) for name, table in tables.family("preset").items()}


def recognise(columns: Iterable[str]) -> Preset | None:
    """The preset whose signature columns the header holds (the best match), or None."""
    columns = list(columns)
    scored = [(p.matches(columns), name, p) for name, p in presets().items()]
    best = max(scored, default=(0, "", None))
    return best[2] if best[0] else None


def apply_preset(df: pd.DataFrame, preset: Preset, *, column_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``df`` mapped onto the contract by ``preset``: renamed columns, recoded values, the platform as
    the channel, and a second, paid row for each post with promoted figures. Columns named in
    ``column_map`` are left to it (an explicit map wins)."""
    explicit = {key(c) for c in (column_map or {})}
    by_key = {key(c): c for c in df.columns}
    rows = preset.table[preset.table["maps_to"] != ""]
    organic, promoted = {}, {}
    for r in rows.itertuples(index=False):
        col = by_key.get(key(r.column))
        if col is None or key(r.column) in explicit:
            continue
        (promoted if r.part == "promoted" else organic)[col] = (r.maps_to, r.transform)
    out = pd.DataFrame(index=df.index)
    for col, (target, transform) in organic.items():
        out[target] = _recode(df[col], transform)
    kept = [c for c in df.columns if c not in organic and c not in promoted and key(c) not in out.columns]
    out = pd.concat([out, df[kept]], axis=1)
    if "channel" not in out.columns and "channel" not in explicit:
        out["channel"] = preset.channel
    if promoted:
        paid_values = pd.DataFrame({target: pd.to_numeric(_recode(df[col], ""), errors="coerce")
                                    for col, (target, _) in promoted.items()})
        is_paid = paid_values.fillna(0).gt(0).any(axis=1)
        if "paid" not in out.columns:
            out["paid"] = False
        if is_paid.any():
            twin = out.loc[is_paid].copy()
            for target in paid_values.columns:
                twin[target] = paid_values.loc[is_paid, target]
            twin["paid"] = True
            if "post_id" in twin.columns:
                twin["post_id"] = twin["post_id"].astype(str) + " (promoted)"
            out = pd.concat([out, twin])  # the paid rows keep their file line (index) for error messages
    out.attrs = {**df.attrs, "preset": preset.name}
    return out


def _recode(values: pd.Series, transform: str) -> pd.Series:
    """A preset column's values: "-" and "n/a" blank (platforms write them for "none"); weekday numbers
    as "day N" (an export that does not say which day is 1 must not be guessed)."""
    out = values.mask(values.astype("string").str.strip().isin(["-", "--", "n/a", "N/A"]))
    if transform == "weekday_number":
        nums = pd.to_numeric(out, errors="coerce")
        out = nums.map(lambda v: f"day {int(v)}" if pd.notna(v) else pd.NA).astype("string")
    return out


# --------------------------------------------------------------------------- loading


def read(spec: PathSpec, *, column_map: Mapping[str, str] | None = None, sheet: str | int = 0) -> pd.DataFrame:
    """Read and stack every file behind ``spec`` with no contract (free-form files such as a survey):
    the files must share their columns; ``attrs["files"]`` lists them."""
    files = expand(spec)
    frames = [read_table(f, column_map=column_map, sheet=sheet) for f in files]
    if len(frames) == 1:
        frames[0].attrs["files"] = [str(files[0])]
        return frames[0]
    first = list(frames[0].columns)
    odd = [(f, df) for f, df in zip(files, frames) if list(df.columns) != first]
    if odd:
        f, df = odd[0]
        missing = [c for c in first if c not in df.columns]
        extra = [c for c in df.columns if c not in first]
        raise InputFileError(f, f"has other columns than {files[0].name} (missing {missing[:5]}, extra {extra[:5]})",
                             fix="stack files of the same export only, or read them one at a time")
    out = pd.concat(frames, ignore_index=True)
    out.attrs = {"source": describe(spec), "files": [str(f) for f in files]}
    return out


def load(spec: PathSpec, kind: str, *, column_map: Mapping[str, str] | None = None, sheet: str | int = 0,
         defaults: Mapping[str, Any] | None = None, timezone: str | None = None,
         preset: str | None = "auto") -> pd.DataFrame:
    """Read ``spec`` (one or several files) and validate it against the contract of ``kind``.

    For posts, ``preset="auto"`` recognises a known platform export from its header (None: no preset;
    a name: that preset). ``defaults`` gives values for contract columns no file has (recorded in
    ``attrs["assumed"]``); ``timezone`` is the reporting time zone (see
    :func:`socialkit.contracts.validate`). Every file's problems are reported together, each naming
    its file, column and lines. Posts exported in several files count once (same ``post_id``; the
    row of the later file is kept) and ``attrs["duplicates_dropped"]`` says how many were dropped.
    """
    zone = check_timezone(timezone)
    files = expand(spec)
    frames, problems = [], []
    recognised: list[str] = []
    for f in files:
        raw = read_table(f, sheet=sheet)
        mapped = raw
        chosen = _preset_for(raw, kind, preset)
        if chosen is not None:
            mapped = apply_preset(raw, chosen, column_map=column_map)
            recognised.append(chosen.name)
        if column_map:
            mapped = apply_column_map(mapped, column_map, source=f)
        try:
            frames.append(validate(mapped, kind, source=f, defaults=defaults, timezone=zone))
        except DataValidationError as exc:
            if len(files) == 1:
                raise
            problems += [Problem(**{**p.__dict__, "file": f.name}) for p in exc.problems]
    if problems:
        raise DataValidationError(describe(spec), kind, problems)
    out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    dropped = 0
    if kind == "posts" and len(frames) > 1 and "post_id" in out.columns:
        ids = out["post_id"].astype("string").str.strip()
        dup = ids.notna() & (ids != "") & ids.duplicated(keep="last")
        dropped = int(dup.sum())
        out = out[~dup].reset_index(drop=True)
    attrs = dict(frames[0].attrs)
    attrs.update(source=describe(spec) if len(files) > 1 else str(files[0]), files=[str(f) for f in files],
                 duplicates_dropped=dropped, timezone=zone)
    if recognised:
        known = presets()
        attrs["preset"] = ", ".join(dict.fromkeys(recognised))
        attrs["preset_label"] = ", ".join(dict.fromkeys(known[n].label for n in recognised))
    out.attrs = attrs
    return out


def _preset_for(raw: pd.DataFrame, kind: str, preset: str | None) -> Preset | None:
    if kind != "posts" or preset is None:
        return None
    known = presets()
    if preset == "auto":
        return recognise(raw.columns)
    if preset not in known:
        raise ParameterError("preset", f"must be 'auto', None or one of {', '.join(known)}. Got {preset!r} instead.",
                             suggestion=closest(preset, known))
    return known[preset]


def load_samples(kind: str, brands: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """One validated table of ``kind`` per sample brand: ``brands`` (None = every sample brand, [] = none)."""
    names = config.sample_brands() if brands is None else list(brands)
    defaults = {"channel": "all channels"} if kind == "posts" else None
    return {b: load(config.sample_path(b, kind), kind, defaults=defaults) for b in names}


def load_findings(df: pd.DataFrame) -> Findings:
    """:func:`load_note` as a note for a report (nothing when there is nothing to say)."""
    note = load_note(df)
    return Findings.of([note[:1].upper() + note[1:] + "."] if note else [], empty="")


def load_note(df: pd.DataFrame) -> str:
    """One sentence on what loading did beyond reading: files stacked, preset recognised, duplicates
    dropped, values assumed, time zone ("" when there is nothing to say)."""
    parts = []
    files = df.attrs.get("files", [])
    if len(files) > 1:
        parts.append(f"{len(files)} files were read and stacked")
    if df.attrs.get("preset"):
        parts.append(f"recognised as: {df.attrs['preset_label']}")
    if df.attrs.get("duplicates_dropped"):
        n = df.attrs["duplicates_dropped"]
        parts.append(f"{n} post{'s' if n != 1 else ''} exported in more than one file counted once")
    for column, value in (df.attrs.get("assumed") or {}).items():
        parts.append(f"every row was given {column} '{value}' (the file has no {column} column)")
    return "; ".join(parts)
